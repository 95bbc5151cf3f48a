//! The loaded site and its last good build, kept between rebuilds: an
//! edit to a briefing loads that one file again, plans the new site, and
//! re-renders exactly the routes whose dependencies changed (see
//! [`crate::plan::Route::deps`]). There is no list of which fields other
//! pages show: a route is rendered again when anything it can show is
//! different, and only then.

use crate::briefing::Briefing;
use crate::build::render_routes;
use crate::content::{CONTENT_DIR, SourceFile};
use crate::diagnostics::{Problems, SourceError};
use crate::links::{Anchored, Targets, check_anchors};
use crate::output::Contents;
use crate::plan::{self, Kind, Route};
use crate::reload::Plan;
use crate::render::Want;
use crate::search::Record;
use crate::site::{LoadOptions, Selection, Site};
use crate::views::Summary;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The files of one build, by output path. Values are shared, so laying a
/// few re-rendered files over the previous build copies no page.
pub type Files = HashMap<String, Arc<Contents>>;

/// The PDFs of the build being served: made when they are requested, so
/// the preview stays fast, from what each was made of at the last build.
#[derive(Default)]
pub struct Pdfs {
    /// The site's PDF engine, when it makes PDFs.
    engine: Option<Arc<crate::pdf::Engine>>,
    /// What each PDF is made from, by output path.
    jobs: HashMap<String, Arc<crate::pdf::Job>>,
}

impl std::fmt::Debug for Pdfs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pdfs")
            .field("jobs", &self.jobs.len())
            .finish()
    }
}

impl Pdfs {
    /// The engine and what to make for the output path `path`, if it is a
    /// PDF of the build.
    pub fn get(&self, path: &str) -> Option<(Arc<crate::pdf::Engine>, Arc<crate::pdf::Job>)> {
        Some((
            Arc::clone(self.engine.as_ref()?),
            Arc::clone(self.jobs.get(path)?),
        ))
    }

    /// The PDFs of `routes` of `site`, with those of `old` kept for the
    /// routes not among `fresh` (which hold what is made anew); every
    /// problem found taking a PDF's inputs is returned.
    fn update(old: &Pdfs, site: &Site, routes: &[Route], fresh: &[&Route]) -> (Pdfs, Problems) {
        let mut problems = Problems::default();
        let Some(engine) = &site.pdf else {
            return (Pdfs::default(), problems);
        };
        let mut jobs: HashMap<String, Arc<crate::pdf::Job>> = routes
            .iter()
            .filter(|r| matches!(r.kind, Kind::Pdf(_)))
            .filter_map(|r| Some((r.path.clone(), Arc::clone(old.jobs.get(&r.path)?))))
            .collect();
        for route in fresh {
            if let Kind::Pdf(i) = route.kind {
                match engine.job(site, i) {
                    Ok(job) => {
                        jobs.insert(route.path.clone(), Arc::new(job));
                    }
                    Err(e) => problems.0.extend(e),
                }
            }
        }
        let pdfs = Pdfs {
            engine: Some(Arc::clone(engine)),
            jobs,
        };
        (pdfs, problems)
    }
}

/// The site being served and how to rebuild it.
pub struct Session {
    root: PathBuf,
    selection: Selection,
    /// `None` until a full load succeeds, and after a failed rebuild
    /// (whose half-applied state is not worth trusting).
    state: Option<State>,
    files: Arc<Files>,
    pdfs: Arc<Pdfs>,
    /// The search index's records of each searchable briefing, by its path
    /// inside `content/`, when the site has search on: an edit makes its
    /// briefing's records again, and the index is built from them all in
    /// the background ([`Rebuilt::search`]).
    records: HashMap<String, Arc<[Record]>>,
}

/// A loaded site with what its last build rendered.
struct State {
    site: Site,
    /// The site's plan.
    routes: Vec<Route>,
    /// For each briefing (by index), the routes that show it, whole or
    /// listed (indexes into `routes`).
    shows: Vec<Vec<usize>>,
    /// The routes rendered by a template, which can read site-wide values.
    templated: Vec<usize>,
    /// The hash of the site-wide values templates can read (see
    /// [`State::everything`]), as it was at the last build.
    everything: u64,
    /// What each route showed when it was rendered (see
    /// [`State::stamp`]), by output path.
    stamps: HashMap<String, u64>,
    /// Each briefing's anchor links and the ids its page offers, by the
    /// file (inside `content/`) it was rendered from.
    anchors: HashMap<String, Anchors>,
    /// The hash of what templates can read of each briefing's summary, by
    /// [`Briefing::serial`].
    summaries: HashMap<u64, u64>,
    /// The summary fields some template names; the others cannot show.
    fields: Vec<String>,
}

/// A briefing's anchor links, by the files they point into, and its ids.
#[derive(Default)]
struct Anchors {
    links: Vec<(String, Anchored)>,
    /// Taken for the pages links may point into ([`Site::is_target`]).
    targets: Option<Targets>,
}

/// What one rebuild did, for the line printed after it.
#[derive(Debug)]
pub struct Rebuilt {
    /// The new build to serve.
    pub files: Arc<Files>,
    /// Its PDFs, made when requested.
    pub pdfs: Arc<Pdfs>,
    /// Output files rendered.
    pub rendered: usize,
    /// Whether the whole site was loaded again.
    pub full: bool,
    /// Problems that did not stop the rebuild.
    pub warnings: Vec<SourceError>,
    /// Briefings in the site.
    pub briefings: usize,
    /// HTML pages in the site.
    pub pages: usize,
    /// With search on, every record of the index as it now stands, a
    /// shared list a briefing (handing them over copies nothing): the
    /// caller builds the index from them in the background, so the pages
    /// are served without waiting for it. The files above hold none of the
    /// index's.
    pub search: Option<Vec<Arc<[Record]>>>,
}

impl Session {
    /// A session over the site at `root` (absolute); nothing is loaded yet.
    pub fn new(root: PathBuf, selection: Selection) -> Session {
        Session {
            root,
            selection,
            state: None,
            files: Arc::new(Files::new()),
            pdfs: Arc::new(Pdfs::default()),
            records: HashMap::new(),
        }
    }

    /// Loads and renders the whole site.
    pub fn full(&mut self) -> Result<Rebuilt> {
        self.state = None;
        let load = LoadOptions {
            selection: self.selection.clone(),
            pdf_on_request: true,
            ..LoadOptions::default()
        };
        let (site, mut problems) = Site::load(&self.root, &load)?;
        let (mut routes, clashes) = plan::plan(&site);
        problems.0.extend(clashes.0);
        // The search index is built in the background, from the records.
        routes.retain(|r| r.kind != Kind::SearchIndex);
        // PDFs are made when requested; the rest now.
        let (pdf_routes, pages): (Vec<&Route>, Vec<&Route>) =
            routes.iter().partition(|r| matches!(r.kind, Kind::Pdf(_)));
        let pages: Vec<Route> = pages.into_iter().cloned().collect();
        let (pdfs, pdf_problems) = Pdfs::update(&Pdfs::default(), &site, &routes, &pdf_routes);
        problems.0.extend(pdf_problems.0);
        // Rendered even when loading found problems, so that one rebuild
        // reports every problem, as `brief build` does.
        let files = Mutex::new(Files::with_capacity(routes.len()));
        let rendering = render_routes(&site, &pages, Want::default(), &|route, contents| {
            files
                .lock()
                .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
                .insert(route.path.clone(), Arc::new(contents));
            Ok(())
        });
        problems.0.extend(rendering.problems.0.iter().cloned());
        problems.0.extend(rendering.anchor_problems(&site));
        problems.or_ok(())?;
        self.records = if site.config.search {
            let indexed = crate::search::indexed(&site);
            let made: Vec<Result<Vec<Record>, SourceError>> = indexed
                .par_iter()
                .map(|&i| crate::search::records_of(&site, i))
                .collect();
            let mut records = HashMap::new();
            for (&i, made) in indexed.iter().zip(made) {
                records.insert(
                    site.briefings[i].rel.clone(),
                    Arc::from(made.map_err(Problems::from)?),
                );
            }
            records
        } else {
            HashMap::new()
        };
        let mut state = State::new(site);
        for (i, facts) in rendering.facts {
            state.keep(i, facts.anchored, facts.targets);
        }
        state.replan(routes);
        state.stamps = state.stamps_of(&(0..state.routes.len()).collect::<Vec<_>>());
        let warnings = state
            .site
            .warnings
            .iter()
            .cloned()
            .chain(rendering.warnings)
            .collect();
        let files = Arc::new(files.into_inner().unwrap_or_default());
        self.files = Arc::clone(&files);
        self.pdfs = Arc::new(pdfs);
        self.state = Some(state);
        let pages = files.keys().filter(|p| p.ends_with(".html")).count();
        Ok(Rebuilt {
            rendered: files.len(),
            files,
            pdfs: Arc::clone(&self.pdfs),
            full: true,
            warnings,
            briefings: self.state.as_ref().map_or(0, |s| s.site.briefings.len()),
            pages,
            search: self.search_records(),
        })
    }

    /// Whether the loaded site uses the file at this path inside `content/`:
    /// a briefing, or a file copied beside one.
    pub fn knows(&self, rel: &str) -> bool {
        let disk = self.root.join(CONTENT_DIR).join(rel);
        self.state.as_ref().is_some_and(|s| {
            s.site
                .briefings
                .iter()
                .any(|b| b.rel == rel || b.assets.iter().any(|a| a.source == disk))
        })
    }

    /// Rebuilds what `plan` needs: the named briefings and the pages that
    /// show them when the site is loaded, the whole site otherwise.
    pub fn rebuild(&mut self, plan: &Plan) -> Result<Rebuilt> {
        if let Plan::Briefings(rels) = plan
            && let Some(state) = self.state.take()
        {
            match self.update(state, rels) {
                Ok(Some(rebuilt)) => return Ok(rebuilt),
                Ok(None) => {}
                Err(e) => return Err(e),
            }
        }
        self.full()
    }

    /// Loads each briefing in `rels` again into `state`'s site. `None`
    /// when that takes loading the whole site (a file that is not one of
    /// its briefings, or one that leaves the site); else whether every one
    /// sits where it did ([`Briefing::same_place`]): then the plan and the
    /// indexes stand, and only the routes showing the edited briefings
    /// (and, if site-wide values changed, every templated route) can have
    /// changed.
    fn reload(&self, state: &mut State, rels: &[String]) -> Result<Option<bool>> {
        let mut in_place = true;
        for rel in rels {
            let Some(old) = state.site.briefings.iter().find(|b| &b.rel == rel) else {
                return Ok(None);
            };
            let source = SourceFile {
                path: self.root.join(CONTENT_DIR).join(rel),
                rel: rel.clone(),
                assets: old
                    .assets
                    .iter()
                    .map(|a| (a.source.clone(), a.rel.clone()))
                    .collect(),
            };
            let site = std::sync::Arc::new(crate::site_fs::Root::new(&self.root));
            let mut briefing = match Briefing::load(&site, &source, &state.site.config) {
                Ok(b) => b,
                // Now a link (or a FIFO…): the full load skips it with a
                // warning, as `brief build` does. Its text is never read.
                Err(e) if crate::site_fs::is_refused(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
            // A draft or future briefing leaves the site: load it whole.
            if (briefing.front.draft && !self.selection.drafts)
                || (briefing.front.date.instant() > crate::clock::now_or(self.selection.clock)
                    && !self.selection.future)
            {
                return Ok(None);
            }
            // A translation takes its original's URL and tags first.
            if !state.site.link_translation(&mut briefing) {
                return Ok(None);
            }
            in_place &= old.same_place(&briefing);
            if !state.site.replace(briefing) {
                return Ok(None);
            }
        }
        Ok(Some(in_place))
    }

    /// Loads each briefing in `rels` again and re-renders the routes whose
    /// dependencies changed; `None` when a change needs the whole site
    /// loaded (a file that is not one of its briefings).
    fn update(&mut self, mut state: State, rels: &[String]) -> Result<Option<Rebuilt>> {
        let Some(in_place) = self.reload(&mut state, rels)? else {
            return Ok(None);
        };
        state.refresh_summaries();
        let everything = state.everything();
        let candidates: Vec<usize> = if in_place {
            let mut shown: Vec<usize> = rels
                .iter()
                .filter_map(|rel| state.site.links.index_of(rel))
                .flat_map(|i| state.shows[i].iter().copied())
                .collect();
            if everything != state.everything {
                shown.extend(&state.templated);
            }
            shown.sort_unstable();
            shown.dedup();
            shown
        } else {
            let (mut routes, clashes) = plan::plan(&state.site);
            clashes.or_ok(())?;
            routes.retain(|r| r.kind != Kind::SearchIndex);
            state.replan(routes);
            (0..state.routes.len()).collect()
        };
        let stamps = state.stamps_of(&candidates);
        let mut changed: Vec<Route> = candidates
            .iter()
            .map(|&k| &state.routes[k])
            .filter(|r| state.stamps.get(&r.path) != stamps.get(&r.path))
            .cloned()
            .collect();
        // A page that links may now point into, whose ids were not taken
        // when it was rendered, is rendered again for them.
        if !in_place {
            let site = &state.site;
            changed.extend(
                state
                    .routes
                    .iter()
                    .filter(|r| match r.kind {
                        Kind::Briefing(j) => {
                            site.is_target(j)
                                && !changed.iter().any(|c| c.path == r.path)
                                && state
                                    .anchors
                                    .get(&site.briefings[j].rel)
                                    .is_none_or(|a| a.targets.is_none())
                        }
                        _ => false,
                    })
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        for route in &changed {
            if let Kind::Briefing(j) = route.kind {
                state.anchors.remove(&state.site.briefings[j].rel);
            }
        }
        let (pdf_routes, changed): (Vec<Route>, Vec<Route>) = changed
            .into_iter()
            .partition(|r| matches!(r.kind, Kind::Pdf(_)));
        let (pdfs, pdf_problems) = Pdfs::update(
            &self.pdfs,
            &state.site,
            &state.routes,
            &pdf_routes.iter().collect::<Vec<_>>(),
        );
        pdf_problems.or_ok(())?;
        let fresh = Mutex::new(Vec::with_capacity(changed.len()));
        let rendering = render_routes(
            &state.site,
            &changed,
            Want::default(),
            &|route, contents| {
                fresh
                    .lock()
                    .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
                    .push((route.path.clone(), Arc::new(contents)));
                Ok(())
            },
        );
        rendering.problems.clone().or_ok(())?;
        for (i, facts) in rendering.facts {
            state.keep(i, facts.anchored, facts.targets);
        }
        state.check_anchors().or_ok(())?;
        if state.site.config.search {
            for rel in rels {
                let made = match state.site.links.index_of(rel) {
                    Some(i) => crate::search::records_of(&state.site, i).map_err(Problems::from)?,
                    None => Vec::new(),
                };
                self.records.insert(rel.clone(), Arc::from(made));
            }
        }
        let mut files: Files = if in_place {
            (*self.files).clone()
        } else {
            // Files of routes that are gone are left out.
            state
                .routes
                .iter()
                .filter_map(|r| Some((r.path.clone(), Arc::clone(self.files.get(&r.path)?))))
                .collect()
        };
        let fresh = fresh.into_inner().unwrap_or_default();
        let rendered = fresh.len();
        files.extend(fresh);
        if in_place {
            state.stamps.extend(stamps);
        } else {
            state.stamps = stamps;
        }
        state.everything = everything;
        self.files = Arc::new(files);
        self.pdfs = Arc::new(pdfs);
        let briefings = state.site.briefings.len();
        let pages = state
            .routes
            .iter()
            .filter(|r| r.path.ends_with(".html"))
            .count();
        self.state = Some(state);
        Ok(Some(Rebuilt {
            files: Arc::clone(&self.files),
            pdfs: Arc::clone(&self.pdfs),
            rendered,
            full: false,
            warnings: rendering.warnings,
            briefings,
            pages,
            search: self.search_records(),
        }))
    }

    /// Every record of the search index, briefings in site order, when
    /// the loaded site has search on.
    fn search_records(&self) -> Option<Vec<Arc<[Record]>>> {
        let site = &self.state.as_ref()?.site;
        site.config.search.then(|| {
            site.briefings
                .iter()
                .filter_map(|b| self.records.get(&b.rel))
                .map(Arc::clone)
                .collect()
        })
    }
}

impl State {
    fn new(site: Site) -> State {
        // The fields of a summary, as lists see it, that a template names.
        let fields = site
            .summaries
            .first()
            .and_then(|summary| summary.as_map())
            .into_iter()
            .flat_map(|map| map.keys())
            .filter_map(|key| key.as_str())
            .filter(|field| site.templates.use_name(field))
            .map(str::to_string)
            .collect();
        State {
            site,
            routes: Vec::new(),
            shows: Vec::new(),
            templated: Vec::new(),
            everything: 0,
            stamps: HashMap::new(),
            anchors: HashMap::new(),
            summaries: HashMap::new(),
            fields,
        }
    }

    /// Keeps what rendering briefing `i` found about anchors.
    fn keep(&mut self, i: usize, anchored: Vec<Anchored>, targets: Option<Targets>) {
        let briefings = &self.site.briefings;
        let entry = Anchors {
            links: anchored
                .into_iter()
                .map(|a| (briefings[a.to].rel.clone(), a))
                .collect(),
            targets,
        };
        self.anchors.insert(briefings[i].rel.clone(), entry);
    }

    /// Every anchor link of the site checked against the ids its target
    /// offers now.
    fn check_anchors(&self) -> Problems {
        let site = &self.site;
        let anchored: Vec<Anchored> = self
            .anchors
            .iter()
            .filter(|(_, found)| !found.links.is_empty())
            .filter_map(|(rel, found)| Some((site.links.index_of(rel)?, found)))
            .flat_map(|(from, found)| {
                found.links.iter().filter_map(move |(to, a)| {
                    Some(Anchored {
                        from,
                        to: site.links.index_of(to)?,
                        ..a.clone()
                    })
                })
            })
            .collect();
        let targets = |i: usize| {
            self.anchors
                .get(&site.briefings.get(i)?.rel)?
                .targets
                .as_ref()
        };
        let mut problems = check_anchors(&site.briefings, &anchored, &targets);
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        Problems(problems)
    }

    /// Takes `routes` as the site's plan, with which routes show each
    /// briefing and which are templated.
    fn replan(&mut self, routes: Vec<Route>) {
        let mut shows = vec![Vec::new(); self.site.briefings.len()];
        let mut templated = Vec::new();
        for (k, route) in routes.iter().enumerate() {
            let deps = route.deps(&self.site);
            for &i in deps.whole.iter().chain(&deps.listed) {
                if shows[i].last() != Some(&k) {
                    shows[i].push(k);
                }
            }
            if deps.site_lists {
                templated.push(k);
            }
        }
        self.routes = routes;
        self.shows = shows;
        self.templated = templated;
        self.everything = self.everything();
    }

    /// Hashes what templates can read of every briefing not hashed yet.
    fn refresh_summaries(&mut self) {
        let site = &self.site;
        let missing: Vec<(u64, u64)> = site
            .briefings
            .par_iter()
            .filter(|b| !self.summaries.contains_key(&b.serial))
            .map(|b| (b.serial, summary_hash(b, site, &self.fields)))
            .collect();
        self.summaries.extend(missing);
    }

    /// What templates can read of a listed briefing, hashed.
    fn listed(&self, i: usize) -> Option<u64> {
        self.summaries.get(&self.site.briefings[i].serial).copied()
    }

    /// The site-wide values any template can read, as one number: the
    /// tags, and every briefing's summary when templates read `briefings`
    /// or call `get_page`.
    fn everything(&self) -> u64 {
        let site = &self.site;
        let mut h = DefaultHasher::new();
        for lang in 0..site.langs.len() {
            for t in site.lang_tags(lang).by_slug.values() {
                (&t.name, &t.slug, t.count).hash(&mut h);
            }
        }
        if site.templates.use_name("briefings") || site.templates.use_name("get_page") {
            (0..site.briefings.len()).for_each(|i| self.listed(i).hash(&mut h));
        }
        h.finish()
    }

    /// What the routes at `which` (indexes into the plan) show, as one
    /// number each, by output path: two equal stamps mean the route renders
    /// to the same bytes.
    fn stamps_of(&mut self, which: &[usize]) -> HashMap<String, u64> {
        self.refresh_summaries();
        let everything = self.everything();
        which
            .par_iter()
            .map(|&k| {
                let route = &self.routes[k];
                (route.path.clone(), self.stamp(route, everything))
            })
            .collect()
    }

    /// What `route` shows, as one number.
    fn stamp(&self, route: &Route, everything: u64) -> u64 {
        let site = &self.site;
        let mut h = DefaultHasher::new();
        kind_key(route, site).hash(&mut h);
        let deps = route.deps(site);
        for &i in &deps.whole {
            site.briefings[i].serial.hash(&mut h);
        }
        for &i in &deps.listed {
            self.listed(i).hash(&mut h);
        }
        if deps.site_lists {
            everything.hash(&mut h);
        }
        h.finish()
    }
}

/// What a route is beside what it shows: for a list page, its place; for
/// a briefing, the URLs of the briefings its body links to.
fn kind_key(route: &Route, site: &Site) -> String {
    match &route.kind {
        Kind::List(list) => format!(
            "list {:?} {} {} {:?} {:?}",
            list.tag, list.number, list.total, list.previous, list.next
        ),
        Kind::Briefing(i) => {
            let mut key = String::from("briefing");
            // Its editions in other languages: the switch links to them.
            for &j in site.editions(*i) {
                key.push_str(&format!(" edition={}", site.briefings[j].url));
            }
            for rel in &site.briefings[*i].anchors.linked {
                let url = site
                    .links
                    .index_of(rel)
                    .map(|j| site.briefings[j].url.as_str());
                key.push_str(&format!(" {rel}={url:?}"));
            }
            key
        }
        // Its year filter: the years of its language's briefings.
        Kind::Search(lang) => format!(
            "search {lang} {:?} {:?}",
            crate::search::years(site, *lang),
            crate::search::tag_names(site, *lang)
        ),
        other => format!("{other:?}"),
    }
}

/// What templates can read of a briefing's summary, as a hash: fields no
/// template names are left out (an exact word count that no template
/// shows changes with most edits).
fn summary_hash(b: &Briefing, site: &Site, fields: &[String]) -> u64 {
    let mut h = DefaultHasher::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(Summary::new(b, &site.config))
    {
        for (k, v) in map.iter().filter(|(k, _)| fields.contains(k)) {
            (k, v.to_string()).hash(&mut h);
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    /// A site of `files` and a session over it, fully built.
    fn served(files: &[(&str, &str)]) -> (tempfile::TempDir, Session) {
        let dir = site_with(files);
        let mut session = Session::new(dir.path().to_path_buf(), Selection::default());
        session.full().unwrap();
        (dir, session)
    }

    fn briefing(title: &str, tags: &str, body: &str) -> String {
        format!("+++\ntitle = \"{title}\"\ndate = 2020-01-01\ntags = [{tags}]\n+++\n{body}")
    }

    fn text(files: &Files, path: &str) -> String {
        match &*files[path] {
            Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Contents::Copy(_) => unreachable!("small files are bytes"),
        }
    }

    /// Writes `text` as `content/<rel>` and rebuilds for it; the paths
    /// rendered again, sorted.
    fn edit(session: &mut Session, root: &Path, rel: &str, text: &str) -> (Rebuilt, Vec<String>) {
        let before = Arc::clone(&session.files);
        fs::write(root.join("content").join(rel), text).unwrap();
        let rebuilt = session
            .rebuild(&Plan::Briefings(vec![rel.to_string()]))
            .unwrap();
        let mut changed: Vec<String> = rebuilt
            .files
            .iter()
            .filter(|(path, c)| before.get(*path).is_none_or(|old| !Arc::ptr_eq(old, c)))
            .map(|(path, _)| path.clone())
            .collect();
        changed.sort();
        (rebuilt, changed)
    }

    /// What a full build of the site now gives, to compare an incremental
    /// one with.
    fn full_build(root: &Path) -> Files {
        Session::new(root.to_path_buf(), Selection::default())
            .full()
            .unwrap()
            .files
            .as_ref()
            .clone()
    }

    fn same_files(a: &Files, b: &Files) {
        let mut paths: Vec<&String> = a.keys().collect();
        paths.sort();
        let mut other: Vec<&String> = b.keys().collect();
        other.sort();
        assert_eq!(paths, other);
        for p in paths {
            assert_eq!(a[p], b[p], "{p}");
        }
    }

    #[test]
    fn a_new_title_renders_the_page_and_what_lists_it() {
        let (dir, mut session) = served(&[
            ("content/a.md", &briefing("A", "\"x\"", "## One\n\nold\n")),
            ("content/b.md", &briefing("B", "\"x\"", "## Two\n\nb\n")),
            ("content/c.md", &briefing("C", "\"y\"", "## Three\n")),
        ]);
        let (rebuilt, changed) = edit(
            &mut session,
            dir.path(),
            "a.md",
            &briefing("A again", "\"x\"", "## One\n\nnew words here\n"),
        );
        assert!(!rebuilt.full);
        // b lists a as related (a shared tag); c cannot show a.
        assert_eq!(
            changed,
            [
                "a/cite.bib",
                "a/cite.json",
                "a/cite.ris",
                "a/index.html",
                "b/index.html",
                "index.html",
                "tags/x/index.html"
            ]
        );
        assert!(text(&rebuilt.files, "a/index.html").contains("new words here"));
        same_files(&rebuilt.files, &full_build(dir.path()));
    }

    #[test]
    fn with_search_a_title_edit_renders_the_archive_and_a_body_edit_only_new_records() {
        let (dir, mut session) = served(&[
            ("site.toml", "search = true\n"),
            ("content/a.md", &briefing("A", "\"x\"", "## One\n\nalpha\n")),
            ("content/b.md", &briefing("B", "\"x\"", "## Two\n\nb\n")),
        ]);
        // The index is never among the files: serve builds it aside.
        assert!(!session.files.keys().any(|p| p.starts_with("pagefind/")));
        assert!(session.files.contains_key("search/index.html"));
        let (rebuilt, changed) = edit(
            &mut session,
            dir.path(),
            "a.md",
            &briefing("A", "\"x\"", "## One\n\nzebra crossing\n"),
        );
        assert_eq!(changed, ["a/index.html"]);
        let records: Vec<Record> = rebuilt
            .search
            .expect("search is on")
            .iter()
            .flat_map(|r| r.iter().cloned())
            .collect();
        let urls: Vec<&str> = records.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "a/index.html",
                "a/index.html#one",
                "b/index.html",
                "b/index.html#two"
            ]
        );
        assert_eq!(records[1].text, "zebra crossing");
        // The archive shows titles.
        let (_, changed) = edit(
            &mut session,
            dir.path(),
            "a.md",
            &briefing("A renamed", "\"x\"", "## One\n\nzebra crossing\n"),
        );
        assert!(
            changed.contains(&"archive/index.html".to_string()),
            "{changed:?}"
        );
        assert!(
            !changed.contains(&"search/index.html".to_string()),
            "{changed:?}"
        );
        assert!(text(&session.files, "archive/index.html").contains("A renamed"));
    }

    #[test]
    fn with_search_in_two_languages_each_search_page_and_archive_follows_its_own() {
        let dated = |title: &str, date: &str| {
            format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\n## One\n\nx\n")
        };
        let (dir, mut session) = served(&[
            (
                "site.toml",
                "search = true\n\n[languages.fr]\ntitle = \"Notes\"\n",
            ),
            ("content/a.md", &dated("A", "2020-01-01")),
            ("content/a.fr.md", &dated("A en français", "2020-01-01")),
            ("content/b.md", &dated("B", "2020-01-01")),
        ]);
        let pages = [
            "search/index.html",
            "archive/index.html",
            "fr/search/index.html",
            "fr/archive/index.html",
        ];
        for page in pages {
            assert!(session.files.contains_key(page), "{page}");
        }
        // A French title: the French archive shows it, nothing else of these.
        let (_, changed) = edit(
            &mut session,
            dir.path(),
            "a.fr.md",
            &dated("A renommé", "2020-01-01"),
        );
        let shown: Vec<&str> = pages
            .into_iter()
            .filter(|p| changed.iter().any(|c| c == p))
            .collect();
        assert_eq!(shown, ["fr/archive/index.html"], "{changed:?}");
        // An untranslated original moves to another year: the English
        // search page (its years) and both archives (the French one lists
        // it untranslated) change; the French search page, whose index has
        // no English record, does not.
        let (rebuilt, changed) = edit(&mut session, dir.path(), "b.md", &dated("B", "2021-06-01"));
        let shown: Vec<&str> = pages
            .into_iter()
            .filter(|p| changed.iter().any(|c| c == p))
            .collect();
        assert_eq!(
            shown,
            [
                "search/index.html",
                "archive/index.html",
                "fr/archive/index.html"
            ],
            "{changed:?}"
        );
        assert!(text(&rebuilt.files, "search/index.html").contains("<option>2021</option>"));
        assert!(!text(&rebuilt.files, "fr/search/index.html").contains("<option>2021</option>"));
        same_files(&rebuilt.files, &full_build(dir.path()));
    }

    #[test]
    fn an_edit_no_other_page_shows_renders_one_page() {
        // Same reading time and summary: only the page itself can differ.
        let (dir, mut session) = served(&[
            (
                "content/a.md",
                &briefing("A", "\"x\"", "## One\n\nalpha beta\n"),
            ),
            ("content/b.md", &briefing("B", "\"x\"", "## Two\n\nb\n")),
        ]);
        let (rebuilt, changed) = edit(
            &mut session,
            dir.path(),
            "a.md",
            &briefing("A", "\"x\"", "## One\n\ngamma delta epsilon\n"),
        );
        assert_eq!(changed, ["a/index.html"]);
        assert_eq!(rebuilt.rendered, 1);
    }

    #[test]
    fn a_word_count_a_template_shows_renders_the_pages_showing_it() {
        let list = "{% for p in items %}{{ p.word_count }}{% endfor %}";
        let a = briefing("A", "\"x\"", "## One\n\nold text\n");
        let b = briefing("B", "\"x\"", "## Two\n\nb text\n");
        let (dir, mut session) = served(&[
            ("content/a.md", &a),
            ("content/b.md", &b),
            ("templates/briefing-list.html", list),
        ]);
        let more = briefing("A", "\"x\"", "## One\n\nsome more new words\n");
        let (rebuilt, changed) = edit(&mut session, dir.path(), "a.md", &more);
        assert!(changed.contains(&"b/index.html".to_string()), "{changed:?}");
        same_files(&rebuilt.files, &full_build(dir.path()));
    }

    #[test]
    fn templates_reading_every_briefing_render_every_page_they_show() {
        let (dir, mut session) = served(&[
            ("content/a.md", &briefing("A", "", "## One\n\nold\n")),
            ("content/b.md", &briefing("B", "", "## Two\n")),
            (
                "templates/briefing.html",
                "{{ page.title }}: {% for b in briefings %}{{ b.word_count }} {% endfor %}",
            ),
        ]);
        let (rebuilt, changed) = edit(
            &mut session,
            dir.path(),
            "a.md",
            &briefing("A", "", "## One\n\nthree new words\n"),
        );
        assert!(changed.contains(&"b/index.html".to_string()), "{changed:?}");
        assert!(text(&rebuilt.files, "b/index.html").starts_with("B: 4 "));
    }

    #[test]
    fn edits_of_translations_and_originals_give_what_a_full_build_gives() {
        let later = |t: String| t.replace("2020-01-01", "2020-02-01");
        let (dir, mut session) = served(&[
            (
                "site.toml",
                "title = \"S\"\nbase_url = \"https://e.org/\"\npaginate = 1\n[languages.fr]\ntitle = \"S fr\"\n",
            ),
            ("content/a.md", &briefing("A", "\"x\"", "## One\n")),
            ("content/a.fr.md", &briefing("A fr", "\"x fr\"", "## Un\n")),
            ("content/b.md", &later(briefing("B", "\"x\"", "## Two\n"))),
        ]);
        for (rel, changed) in [
            // The translation's title and body; then its tag's French name.
            ("a.fr.md", briefing("A fr 2", "\"x fr\"", "## Un\n\nplus\n")),
            ("a.fr.md", briefing("A fr 2", "\"x nouveau\"", "## Un\n")),
            // Its own slug: the English page's switch follows it.
            (
                "a.fr.md",
                briefing("A fr 2", "\"x nouveau\"", "## Un\n")
                    .replace("+++\n#", "slug = \"a-fr\"\n+++\n#"),
            ),
            // The original, in place; then a briefing the French lists
            // show untranslated.
            ("a.md", briefing("A 2", "\"x\"", "## One\n")),
            ("b.md", later(briefing("B 2", "\"x\"", "## Two\n"))),
        ] {
            let (rebuilt, _) = edit(&mut session, dir.path(), rel, &changed);
            same_files(&rebuilt.files, &full_build(dir.path()));
        }
        assert!(text(&session.files, "fr/index.html").contains("B 2"));
        assert!(text(&session.files, "fr/tags/x/index.html").contains("x nouveau"));
        assert!(text(&session.files, "a/index.html").contains("href=\"../fr/a-fr/index.html\""));
    }

    #[test]
    fn edits_that_move_a_briefing_give_what_a_full_build_gives() {
        // New tags, a new date (another place in every list) and a new
        // slug (another path, and links to it change): each rebuilt in
        // place of the old, exactly as a full build would.
        let (dir, mut session) = served(&[
            ("site.toml", "title = \"S\"\npaginate = 1\n"),
            ("content/a.md", &briefing("A", "\"x\"", "## One\n")),
            (
                "content/b.md",
                &briefing("B", "\"y\"", "## Two\n\n[to a](@/a.md#one)\n")
                    .replace("2020-01-01", "2020-02-01"),
            ),
        ]);
        for changed in [
            briefing("A", "\"y\", \"z\"", "## One\n"),
            briefing("A", "\"y\"", "## One\n").replace("2020-01-01", "2021-01-01"),
            briefing("A", "\"y\"", "## One\n").replace("+++\n##", "slug = \"moved\"\n+++\n##"),
        ] {
            let (rebuilt, _) = edit(&mut session, dir.path(), "a.md", &changed);
            assert!(!rebuilt.full, "{changed}");
            same_files(&rebuilt.files, &full_build(dir.path()));
        }
        assert!(text(&session.files, "b/index.html").contains("href=\"../moved/index.html#one\""));
        assert!(
            !session.files.contains_key("a/index.html"),
            "the old path is gone"
        );
    }

    #[test]
    fn a_broken_anchor_fails_and_the_last_good_build_stays() {
        let dir = site_with(&[
            (
                "content/a.md",
                &briefing("A", "", "## One\n\n[b](@/b.md#two)\n"),
            ),
            ("content/b.md", &briefing("B", "", "## Two\n")),
        ]);
        let mut session = Session::new(dir.path().to_path_buf(), Selection::default());
        let first = session.full().unwrap().files;
        // The target loses the id the other briefing links to.
        fs::write(
            dir.path().join("content/b.md"),
            briefing("B", "", "## Renamed\n"),
        )
        .unwrap();
        let err = session
            .rebuild(&Plan::Briefings(vec!["b.md".into()]))
            .unwrap_err();
        let shown = format!("{}", crate::diagnostics::flatten(&err)[0]);
        assert!(shown.contains("`@/b.md#two` points at `#two`"), "{shown}");
        assert!(shown.contains("content/a.md:8:1"), "{shown}");
        assert!(
            Arc::ptr_eq(&first, &session.files),
            "the last good build is kept"
        );
    }

    #[test]
    fn anchor_links_are_checked_against_pages_whose_ids_were_not_taken() {
        // b has no anchor links pointing at it at first, so its ids are
        // not taken; a new link into it must still be checked, and a link
        // removed must not be checked any more.
        let (dir, mut session) = served(&[
            (
                "content/a.md",
                &briefing("A", "", "## One\n\n[b](@/b.md)\n"),
            ),
            ("content/b.md", &briefing("B", "", "## Two\n")),
        ]);
        let root = dir.path();
        let (rebuilt, changed) = edit(
            &mut session,
            root,
            "a.md",
            &briefing("A", "", "## One\n\n[b](@/b.md#two)\n"),
        );
        assert!(!rebuilt.full);
        assert!(
            changed.contains(&"b/index.html".to_string()),
            "b is rendered for its ids: {changed:?}"
        );
        assert!(text(&rebuilt.files, "a/index.html").contains("href=\"../b/index.html#two\""));
        fs::write(
            root.join("content/a.md"),
            briefing("A", "", "## One\n\n[b](@/b.md#nope)\n"),
        )
        .unwrap();
        let err = session
            .rebuild(&Plan::Briefings(vec!["a.md".into()]))
            .unwrap_err();
        assert!(format!("{err}").contains("#nope"), "{err}");
        // A link removed is not checked any more.
        let (dir, mut session) = served(&[
            (
                "content/a.md",
                &briefing("A", "", "## One\n\n[b](@/b.md#two)\n"),
            ),
            ("content/b.md", &briefing("B", "", "## Two\n")),
        ]);
        let root = dir.path();
        edit(
            &mut session,
            root,
            "a.md",
            &briefing("A", "", "## One\n\nNo link.\n"),
        );
        let (rebuilt, _) = edit(
            &mut session,
            root,
            "b.md",
            &briefing("B", "", "## Renamed\n"),
        );
        assert!(!rebuilt.full);
    }

    #[test]
    fn rebuilds_one_briefing_then_everything_after_a_template_change() {
        let dir = site_with(&[
            ("content/a.md", &briefing("A", "", "## One\n\nfirst\n")),
            ("content/b.md", &briefing("B", "", "## One\n\nother\n")),
        ]);
        let root = dir.path();
        let mut session = Session::new(root.to_path_buf(), Selection::default());
        let first = session.full().unwrap().files;
        let (rebuilt, _) = edit(
            &mut session,
            root,
            "a.md",
            &briefing("A", "", "## One\n\nsecond\n"),
        );
        assert!(!rebuilt.full);
        assert_eq!(rebuilt.files.len(), first.len());
        assert!(text(&rebuilt.files, "a/index.html").contains("second"));
        // The previous build is untouched: it may still be being served.
        assert!(text(&first, "a/index.html").contains("first"));
        fs::create_dir_all(root.join("templates")).unwrap();
        fs::write(root.join("templates/briefing.html"), "{{ nope }}").unwrap();
        assert!(
            session
                .rebuild(&Plan::Full("templates/briefing.html".into()))
                .is_err()
        );
        fs::write(root.join("templates/briefing.html"), "T:{{ page.title }}").unwrap();
        let rebuilt = session
            .rebuild(&Plan::Briefings(vec!["a.md".into()]))
            .unwrap();
        assert!(rebuilt.full, "after a failure the site is loaded again");
        assert_eq!(text(&rebuilt.files, "a/index.html"), "T:A");
    }
}
