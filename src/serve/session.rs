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

/// The site being served and how to rebuild it.
pub struct Session {
    root: PathBuf,
    selection: Selection,
    /// `None` until a full load succeeds, and after a failed rebuild
    /// (whose half-applied state is not worth trusting).
    state: Option<State>,
    files: Arc<Files>,
}

/// A loaded site with what its last build rendered.
struct State {
    site: Site,
    /// What each route showed when it was rendered (see [`stamp`]), by
    /// output path.
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
    targets: Targets,
}

/// What one rebuild did, for the line printed after it.
#[derive(Debug)]
pub struct Rebuilt {
    /// The new build to serve.
    pub files: Arc<Files>,
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
}

impl Session {
    /// A session over the site at `root` (absolute); nothing is loaded yet.
    pub fn new(root: PathBuf, selection: Selection) -> Session {
        Session {
            root,
            selection,
            state: None,
            files: Arc::new(Files::new()),
        }
    }

    /// Loads and renders the whole site.
    pub fn full(&mut self) -> Result<Rebuilt> {
        self.state = None;
        let load = LoadOptions {
            selection: self.selection.clone(),
            ..LoadOptions::default()
        };
        let (site, problems) = Site::load(&self.root, &load)?;
        problems.or_ok(())?;
        let (routes, clashes) = plan::plan(&site);
        clashes.or_ok(())?;
        let files = Mutex::new(Files::with_capacity(routes.len()));
        let rendering = render_routes(&site, &routes, true, &|route, contents| {
            files
                .lock()
                .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
                .insert(route.path.clone(), Arc::new(contents));
            Ok(())
        });
        let mut problems = rendering.problems.clone();
        problems.0.extend(rendering.anchor_problems(&site));
        problems.or_ok(())?;
        let mut state = State::new(site);
        for (i, facts) in rendering.facts {
            state.keep(i, facts.anchored, facts.targets);
        }
        state.stamps = state.stamps_of(&routes);
        let warnings = state.site.warnings.iter().cloned().chain(rendering.warnings).collect();
        let files = Arc::new(files.into_inner().unwrap_or_default());
        self.files = Arc::clone(&files);
        self.state = Some(state);
        let pages = files.keys().filter(|p| p.ends_with(".html")).count();
        Ok(Rebuilt {
            rendered: files.len(),
            files,
            full: true,
            warnings,
            briefings: self.state.as_ref().map_or(0, |s| s.site.briefings.len()),
            pages,
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

    /// Loads each briefing in `rels` again and re-renders the routes whose
    /// dependencies changed; `None` when a change needs the whole site
    /// loaded (a file that is not one of its briefings).
    fn update(&mut self, mut state: State, rels: &[String]) -> Result<Option<Rebuilt>> {
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
            let briefing = match Briefing::load(&self.root, &source, &state.site.config) {
                Ok(b) => b,
                // Now a link (or a FIFO…): the full load skips it with a
                // warning, as `brief build` does. Its text is never read.
                Err(e) if crate::site_fs::is_refused(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
            // A draft or future briefing leaves the site: load it whole.
            if (briefing.front.draft && !self.selection.drafts)
                || (briefing.front.date > crate::date::Date::today() && !self.selection.future)
            {
                return Ok(None);
            }
            state.site = match state.site.replace(briefing) {
                Ok(site) => site,
                Err(_) => return Ok(None),
            };
        }
        let (routes, clashes) = plan::plan(&state.site);
        clashes.or_ok(())?;
        let stamps = state.stamps_of(&routes);
        let changed: Vec<Route> = routes
            .iter()
            .filter(|r| state.stamps.get(&r.path) != stamps.get(&r.path))
            .cloned()
            .collect();
        let fresh = Mutex::new(Vec::with_capacity(changed.len()));
        let rendering = render_routes(&state.site, &changed, true, &|route, contents| {
            fresh
                .lock()
                .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
                .push((route.path.clone(), Arc::new(contents)));
            Ok(())
        });
        rendering.problems.clone().or_ok(())?;
        for (i, facts) in rendering.facts {
            state.keep(i, facts.anchored, facts.targets);
        }
        state.check_anchors().or_ok(())?;
        let mut files: Files = routes
            .iter()
            .filter_map(|r| Some((r.path.clone(), Arc::clone(self.files.get(&r.path)?))))
            .collect();
        let fresh = fresh.into_inner().unwrap_or_default();
        let rendered = fresh.len();
        files.extend(fresh);
        state.stamps = stamps;
        self.files = Arc::new(files);
        let briefings = state.site.briefings.len();
        self.state = Some(state);
        Ok(Some(Rebuilt {
            files: Arc::clone(&self.files),
            rendered,
            full: false,
            warnings: rendering.warnings,
            briefings,
            pages: routes.iter().filter(|r| r.path.ends_with(".html")).count(),
        }))
    }
}

impl State {
    fn new(site: Site) -> State {
        let fields = serde_json::to_value(site.briefings.first().map(|b| Summary::new(b, &site.config)))
            .ok()
            .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()))
            .unwrap_or_default()
            .into_iter()
            .filter(|f| site.templates.use_name(f))
            .collect();
        State {
            site,
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
            targets: targets.unwrap_or_default(),
        };
        self.anchors.insert(briefings[i].rel.clone(), entry);
    }

    /// Every anchor link of the site checked against the ids its target
    /// offers now.
    fn check_anchors(&self) -> Problems {
        let site = &self.site;
        let mut anchored = Vec::new();
        let mut targets = HashMap::new();
        for (i, b) in site.briefings.iter().enumerate() {
            let Some(found) = self.anchors.get(&b.rel) else {
                continue;
            };
            targets.insert(i, found.targets.clone());
            for (to, a) in &found.links {
                if let Some(to) = site.links.index_of(to) {
                    anchored.push(Anchored {
                        from: i,
                        to,
                        ..a.clone()
                    });
                }
            }
        }
        Problems(check_anchors(&site.briefings, &anchored, &targets))
    }

    /// What each route shows, as one number per output path: two equal
    /// stamps mean the route renders to the same bytes.
    fn stamps_of(&mut self, routes: &[Route]) -> HashMap<String, u64> {
        let site = &self.site;
        let missing: Vec<(u64, u64)> = site
            .briefings
            .par_iter()
            .filter(|b| !self.summaries.contains_key(&b.serial))
            .map(|b| (b.serial, summary_hash(b, site, &self.fields)))
            .collect();
        self.summaries.extend(missing);
        let listed = |i: usize| self.summaries.get(&site.briefings[i].serial).copied();
        let mut everything = DefaultHasher::new();
        for t in site.tags.by_slug.values() {
            (&t.name, &t.slug, t.count).hash(&mut everything);
        }
        if site.templates.use_name("briefings") || site.templates.use_name("get_page") {
            (0..site.briefings.len()).for_each(|i| listed(i).hash(&mut everything));
        }
        let everything = everything.finish();
        routes
            .par_iter()
            .map(|route| {
                let mut h = DefaultHasher::new();
                kind_key(route, site).hash(&mut h);
                let deps = route.deps(site);
                for &i in &deps.whole {
                    site.briefings[i].serial.hash(&mut h);
                }
                for &i in &deps.listed {
                    listed(i).hash(&mut h);
                }
                if deps.site_lists {
                    everything.hash(&mut h);
                }
                (route.path.clone(), h.finish())
            })
            .collect()
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
            for rel in &site.briefings[*i].anchors.linked {
                let url = site
                    .links
                    .index_of(rel)
                    .map(|j| site.briefings[j].url.as_str());
                key.push_str(&format!(" {rel}={url:?}"));
            }
            key
        }
        other => format!("{other:?}"),
    }
}

/// What templates can read of a briefing's summary, as a hash: fields no
/// template names are left out (an exact word count that no template
/// shows changes with most edits).
fn summary_hash(b: &Briefing, site: &Site, fields: &[String]) -> u64 {
    let mut h = DefaultHasher::new();
    if let Ok(serde_json::Value::Object(map)) =
        serde_json::to_value(Summary::new(b, &site.config))
    {
        for (k, v) in map.iter().filter(|(k, _)| fields.contains(k)) {
            (k, v.to_string()).hash(&mut h);
        }
    }
    h.finish()
}
