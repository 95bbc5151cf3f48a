//! The build pipeline: load the site, render every page, hand the files to
//! [`crate::output`].

use crate::config::Config;
use crate::content::{self, CONTENT_DIR, Page};
use crate::date::Date;
use crate::diagnostics::{SourceError, display_path};
use crate::feeds::{self, SitemapEntry};
use crate::links::{self, Anchored, LinkIndex};
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile};
use crate::taxonomy::Tags;
use crate::templates::{FunctionData, Templates};
use crate::views::{BriefingView, Summary, collection_json_ld};
use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tera::Context;
use walkdir::WalkDir;

mod incremental;
pub use incremental::Update;

/// The folder copied as-is into the output, relative to the site root.
pub const STATIC_DIR: &str = "static";

/// Static files compiled into the binary; the site's `static/` overrides them.
pub const BUILTIN_STATIC: &[(&str, &str)] = &[("style.css", include_str!("../static/style.css"))];

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include briefings marked `draft = true`.
    pub drafts: bool,
    /// Include briefings dated after today.
    pub future: bool,
    /// What "today" is, for leaving out future briefings; the system date when `None`.
    pub today: Option<Date>,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
}

/// A loaded site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// `site.toml`.
    pub config: Config,
    /// Briefings, newest first (then by path, so the order is stable).
    pub pages: Vec<Page>,
    /// Things worth telling the user that do not stop the build: those
    /// found loading the site, then those found rendering its briefings.
    pub warnings: Vec<SourceError>,
    /// Files from `static/` and the built-in defaults, by output path.
    pub statics: BTreeMap<String, Contents>,
    /// Drafts left out because `--drafts` was not given.
    pub drafts_skipped: usize,
    /// Future-dated briefings left out because `--future` was not given.
    pub future_skipped: usize,
    /// Every tag, with the briefings that carry it.
    pub tags: Tags,
    /// `#anchor` links found when the briefings were last rendered.
    anchored: Vec<Anchored>,
    /// Where each briefing goes, for `@/` links.
    links: LinkIndex,
    /// What lists show of each briefing, as template values, by index.
    summaries: Vec<tera::Value>,
    /// The related briefings of each briefing, by index.
    related: Vec<Vec<usize>>,
    /// Warnings found loading the site; rendering adds its own after these.
    load_warnings: usize,
    /// Whether templates read `words`, so sections need their words counted.
    section_words: bool,
    /// Whether templates read `content`, so each body is also joined whole.
    whole_content: bool,
    templates: Templates,
}

/// One briefing page rendered, with what the site learns from rendering it.
struct RenderedBriefing {
    file: OutputFile,
    /// Its `#anchor` links, to check once every page is rendered.
    anchored: Vec<Anchored>,
    warnings: Vec<SourceError>,
    /// Its ids, when asked for or when it links into itself.
    ids: Option<HashSet<String>>,
}

impl Site {
    /// Reads config, templates, static files and every briefing.
    /// All briefings with errors are reported together, so one build shows
    /// every problem.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
        let mut config = Config::load(root)?;
        if let Some(url) = &options.base_url {
            config.base_url = url.clone();
            config
                .validate_base_url()
                .map_err(|m| anyhow::anyhow!("--base-url: {m}"))?;
        }
        let mut templates = Templates::load(root)?;
        let discovered = content::discover(root, &root.join(CONTENT_DIR))?;
        let mut warnings = discovered.warnings;

        let results: Vec<Result<Page>> = discovered
            .files
            .par_iter()
            .map(|f| Page::load(root, f, &config))
            .collect();
        let mut pages = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(p) => pages.push(p),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            // Bodies are parsed only when rendered; when the build stops
            // here, parse them anyway so one build shows every problem.
            errors.extend(
                pages
                    .par_iter()
                    .filter_map(|p| p.body().err().map(anyhow::Error::from))
                    .collect::<Vec<_>>(),
            );
            return Err(combine(errors));
        }
        let before = pages.len();
        if !options.drafts {
            pages.retain(|p| !p.front.draft);
        }
        let drafts_skipped = before - pages.len();
        let today = options.today.unwrap_or_else(Date::today);
        let before = pages.len();
        if !options.future {
            pages.retain(|p| p.front.date <= today);
        }
        let future_skipped = before - pages.len();
        check_unique_urls(&pages)?;
        let pages = newest_first(pages);

        let statics = load_statics(root, &mut warnings)?;
        let assets: BTreeMap<&str, String> = statics
            .iter()
            .map(|(path, contents)| {
                Ok((
                    path.as_str(),
                    format!("{path}?v={}", contents.fingerprint()?),
                ))
            })
            .collect::<Result<_>>()?;
        templates.set_global("site", &config);
        templates.set_global("assets", &assets);
        templates.set_global("feeds", &!config.base_url.is_empty());

        let mut site = Site {
            load_warnings: warnings.len(),
            section_words: templates.use_name("words"),
            whole_content: templates.use_name("content"),
            root: root.to_path_buf(),
            config,
            pages: Vec::new(),
            warnings,
            statics,
            drafts_skipped,
            future_skipped,
            tags: Tags::default(),
            anchored: Vec::new(),
            links: LinkIndex::default(),
            summaries: Vec::new(),
            related: Vec::new(),
            templates,
        };
        site.set_pages(pages);
        Ok(site)
    }

    /// Puts `pages` (sorted newest first) in place of the site's briefings
    /// and indexes them again: tags, related briefings, links, and what
    /// templates see of every briefing.
    pub fn set_pages(&mut self, pages: Vec<Page>) {
        self.pages = pages;
        // The link index and the tag index are each one thread's work; they
        // run while the summaries take the other cores.
        let ((links, (tags, related)), summaries) = rayon::join(
            || {
                rayon::join(
                    || LinkIndex::new(&self.pages),
                    || {
                        let tags = Tags::index(&self.pages);
                        let related = tags.related_all(&self.pages, RELATED);
                        (tags, related)
                    },
                )
            },
            || summarize(&self.pages, &self.config),
        );
        self.links = links;
        self.tags = tags;
        self.related = related;
        self.summaries = summaries;
        self.publish();
        self.anchored.clear();
    }

    /// Gives templates the site's pages and summaries as they now are.
    fn publish(&mut self) {
        publish_pages(
            &mut self.templates,
            &self.config,
            &self.pages,
            &self.tags,
            &self.summaries,
        );
    }

    /// Renders every page and lists every file of the output, sorted by path.
    pub fn render(&mut self) -> Result<Vec<OutputFile>> {
        let mut files = collect_files(|sink| self.render_to(sink))?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Renders every file of the output and hands each to `sink` as soon as
    /// it is ready (from several threads), so a big site is never held in
    /// memory whole. Errors in any briefing are all reported together.
    /// Warnings found in the briefings are added to [`Site::warnings`].
    pub fn render_to(&mut self, sink: &Sink<'_>) -> Result<()> {
        self.check_output_paths()?;
        let site = &*self;
        type Learned = (Vec<Anchored>, Vec<SourceError>, Option<HashSet<String>>);
        let results: Vec<Result<Learned>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let RenderedBriefing {
                    file,
                    anchored,
                    warnings,
                    ids,
                } = site.render_briefing_at(i, false)?;
                sink(file)?;
                Ok((anchored, warnings, ids))
            })
            .collect();
        let mut errors = Vec::new();
        let mut anchored = Vec::new();
        let mut warnings = Vec::new();
        let mut ids: HashMap<usize, HashSet<String>> = HashMap::new();
        for (i, r) in results.into_iter().enumerate() {
            match r {
                Ok((a, w, found)) => {
                    anchored.extend(a);
                    warnings.extend(w);
                    if let Some(found) = found {
                        ids.insert(i, found);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(combine(errors));
        }
        site.collect_ids(&anchored, &mut ids)?;
        links::check_anchors(&site.pages, &anchored, &ids)?;
        self.anchored = anchored;
        self.warnings.truncate(self.load_warnings);
        self.warnings.extend(warnings);
        for page in &self.pages {
            for (src, rel) in &page.assets {
                let shown = display_path(&self.root, src);
                let contents = Contents::open(&self.root, src, &shown).with_context(|| {
                    format!(
                        "failed to read `{}`; was it changed during the build? Run the build again",
                        shown.display()
                    )
                })?;
                sink(OutputFile {
                    path: format!("{}{rel}", page.url),
                    contents,
                })?;
            }
        }
        // List pages go to the sink as each is rendered, from every core:
        // a big site has thousands of them.
        self.render_index_showing(None, sink)?;
        self.render_tags_showing(None, sink)?;
        for f in self.render_machine_files()? {
            sink(f)?;
        }
        for (path, contents) in &self.statics {
            sink(OutputFile {
                path: path.clone(),
                contents: contents.clone(),
            })?;
        }
        Ok(())
    }

    /// Adds to `ids` those of every page an anchor link points into that
    /// were not taken while rendering it, rendering those pages again.
    /// Which pages are targets is only known once all are rendered, and
    /// few pages are, so this costs less than reading every page's ids.
    fn collect_ids(
        &self,
        anchored: &[Anchored],
        ids: &mut HashMap<usize, HashSet<String>>,
    ) -> Result<()> {
        let mut missing: Vec<usize> = anchored
            .iter()
            .map(|a| a.to)
            .filter(|t| !ids.contains_key(t))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let found: Vec<Result<(usize, HashSet<String>)>> = missing
            .par_iter()
            .map(|&t| {
                let b = self.render_briefing_at(t, true)?;
                Ok((t, b.ids.unwrap_or_default()))
            })
            .collect();
        for r in found {
            let (t, page_ids) = r?;
            ids.insert(t, page_ids);
        }
        Ok(())
    }

    /// Renders the `i`th briefing page, taking its ids when `want_ids`.
    fn render_briefing_at(&self, i: usize, want_ids: bool) -> Result<RenderedBriefing> {
        let page = &self.pages[i];
        let mut body = page.body_with(self.section_words)?;
        let anchored = links::resolve(page, &mut body, i, &self.links)?;
        let warnings = body_warnings(page, &body);
        let related = self.related[i]
            .iter()
            .map(|&j| self.summaries[j].clone())
            .collect();
        let body_len = body.intro_html.len()
            + body.footnotes_html.len()
            + body.sections.iter().map(|s| s.html.len()).sum::<usize>();
        let view = BriefingView::new(page, &body, &self.config, related, self.whole_content);
        let mut ctx = Context::new();
        ctx.insert("page", &view);
        ctx.insert("root", &root_prefix(&page.url));
        // The page is its body and about 6 KB of header, related cards
        // and footer with the built-in templates.
        let html = self.templates.render_bytes(
            "briefing.html",
            &ctx,
            Some(&page.file),
            body_len + 8192,
        )?;
        let ids = (want_ids || anchored.iter().any(|a| a.to == i))
            .then(|| links::ids_in(&String::from_utf8_lossy(&html)));
        Ok(RenderedBriefing {
            file: OutputFile {
                path: format!("{}index.html", page.url),
                contents: Contents::Bytes(html),
            },
            anchored,
            warnings,
            ids,
        })
    }

    /// Every path the build will write with what writes it, checked before
    /// rendering so two sources can never silently share one file. Every
    /// clash is reported, each naming both owners.
    fn check_output_paths(&self) -> Result<()> {
        let mut claims: Vec<(String, Owner<'_>)> = Vec::with_capacity(self.pages.len() * 2);
        for page in &self.pages {
            claims.push((format!("{}index.html", page.url), Owner::Page(page)));
            for (_, rel) in &page.assets {
                claims.push((format!("{}{rel}", page.url), Owner::Asset(page)));
            }
        }
        let all: Vec<usize> = (0..self.pages.len()).collect();
        for (url, _, _) in paginate("", &all, self.config.paginate) {
            claims.push((
                format!("{url}index.html"),
                Owner::Generated("the home page list".into()),
            ));
        }
        let feeds = !self.config.base_url.is_empty();
        if !self.tags.by_slug.is_empty() {
            claims.push((
                "tags/index.html".into(),
                Owner::Generated("the tags overview".into()),
            ));
        }
        for tag in self.tags.by_slug.values() {
            let base = format!("tags/{}/", tag.slug);
            for (url, _, _) in paginate(&base, &tag.pages, self.config.paginate) {
                claims.push((
                    format!("{url}index.html"),
                    Owner::Generated(format!("the page of the tag `{}`", tag.name)),
                ));
            }
            if feeds {
                claims.push((
                    format!("{base}atom.xml"),
                    Owner::Generated(format!("the feed of the tag `{}`", tag.name)),
                ));
            }
        }
        if feeds {
            for (path, what) in [
                ("atom.xml", "the site's feed"),
                ("sitemap.xml", "the sitemap"),
                ("robots.txt", "robots.txt"),
                ("404.html", "the 404 page"),
            ] {
                claims.push((path.into(), Owner::Generated(what.into())));
            }
        }
        for path in self.statics.keys() {
            claims.push((path.clone(), Owner::Static(path)));
        }
        // A stable sort keeps claims to one path in the order above, so the
        // message names the first claimant first; sorting on every core
        // beats hashing thirteen thousand paths on one.
        claims.par_sort_by(|a, b| a.0.cmp(&b.0));
        let errors: Vec<anyhow::Error> = claims
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|group| group.len() > 1)
            .map(|group| clash(group).into())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(combine(errors))
        }
    }
    /// Renders the home page, split into pages of `paginate` briefings:
    /// `index.html`, `page/2/index.html`…
    pub fn render_index(&self) -> Result<Vec<OutputFile>> {
        collect_files(|sink| self.render_index_showing(None, sink))
    }

    /// The home page lists, handed to `sink`: all, or only the one showing
    /// briefing `only`.
    fn render_index_showing(&self, only: Option<usize>, sink: &Sink<'_>) -> Result<()> {
        let all: Vec<usize> = (0..self.pages.len()).collect();
        paginate("", &all, self.config.paginate)
            .into_par_iter()
            .filter(|(_, _, chunk)| only.is_none_or(|i| chunk.contains(&i)))
            .try_for_each(|(url, paginator, chunk)| {
                let list = List {
                    name: &self.config.title,
                    url,
                    paginator,
                    chunk,
                };
                self.render_list("index.html", Context::new(), list, sink)
            })
    }

    /// One page of a list of briefings through `template`, with `ctx`
    /// holding what only that kind of list has.
    fn render_list(
        &self,
        template: &str,
        mut ctx: Context,
        list: List<'_>,
        sink: &Sink<'_>,
    ) -> Result<()> {
        let List {
            name,
            url,
            paginator,
            chunk,
        } = list;
        let pages: Vec<&Page> = chunk.iter().map(|&i| &self.pages[i]).collect();
        ctx.insert_value("pages", self.summaries_of(chunk));
        ctx.insert("paginator", &paginator);
        ctx.insert("root", &root_prefix(&url));
        ctx.insert(
            "json_ld",
            &collection_json_ld(&self.config, name, &url, &pages),
        );
        let html = self
            .templates
            .render_bytes(template, &ctx, None, LIST_PAGE_CAPACITY)?;
        sink(OutputFile {
            path: format!("{url}index.html"),
            contents: Contents::Bytes(html),
        })
    }

    /// The summaries of the pages at `indexes`, as one template list;
    /// shared with the `briefings` global rather than built again.
    fn summaries_of(&self, indexes: &[usize]) -> tera::Value {
        tera::Value::from(
            indexes
                .iter()
                .map(|&i| self.summaries[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    /// Renders `tags/index.html` and a page per tag.
    pub fn render_tags(&self) -> Result<Vec<OutputFile>> {
        collect_files(|sink| self.render_tags_showing(None, sink))
    }

    /// The tag pages, handed to `sink`: all with the overview, or only the
    /// pages of the tags of briefing `only` (the overview shows no briefing).
    fn render_tags_showing(&self, only: Option<usize>, sink: &Sink<'_>) -> Result<()> {
        if self.tags.by_slug.is_empty() {
            return Ok(());
        }
        let shown: Vec<&crate::taxonomy::Tag> = match only {
            Some(i) => self.pages[i]
                .tags
                .iter()
                .filter_map(|(_, slug)| self.tags.by_slug.get(slug))
                .collect(),
            None => self.tags.by_slug.values().collect(),
        };
        let lists: Vec<(&crate::taxonomy::Tag, String, Paginator, &[usize])> = shown
            .into_iter()
            .flat_map(|tag| {
                paginate(
                    &format!("tags/{}/", tag.slug),
                    &tag.pages,
                    self.config.paginate,
                )
                .into_iter()
                .map(move |(url, paginator, chunk)| (tag, url, paginator, chunk))
            })
            .filter(|(_, _, _, chunk)| only.is_none_or(|i| chunk.contains(&i)))
            .collect();
        lists
            .into_par_iter()
            .try_for_each(|(tag, url, paginator, chunk)| {
                let mut ctx = Context::new();
                ctx.insert("tag", tag);
                let list = List {
                    name: &tag.name,
                    url,
                    paginator,
                    chunk,
                };
                self.render_list("tag.html", ctx, list, sink)
            })?;
        if only.is_none() {
            let mut ctx = Context::new();
            ctx.insert("root", "../");
            sink(OutputFile {
                path: "tags/index.html".to_string(),
                contents: Contents::Bytes(
                    self.templates.render("tags.html", &ctx, None)?.into_bytes(),
                ),
            })?;
        }
        Ok(())
    }

    /// Feeds, sitemap, robots.txt and 404.html: only with a `base_url`,
    /// because they need absolute URLs.
    pub fn render_machine_files(&self) -> Result<Vec<OutputFile>> {
        if self.config.base_url.is_empty() {
            return Ok(Vec::new());
        }
        let bytes = |path: &str, text: String| OutputFile {
            path: path.to_string(),
            contents: Contents::Bytes(text.into_bytes()),
        };
        let all: Vec<&Page> = self.pages.iter().collect();
        let mut files = vec![bytes(
            "atom.xml",
            feeds::atom(&self.config, &self.config.title, "atom.xml", "", &all),
        )];
        for tag in self.tags.by_slug.values() {
            let pages: Vec<&Page> = tag.pages.iter().map(|&i| &self.pages[i]).collect();
            let dir = format!("tags/{}/", tag.slug);
            let title = format!("{}: {}", self.config.title, tag.name);
            files.push(bytes(
                &format!("{dir}atom.xml"),
                feeds::atom(
                    &self.config,
                    &title,
                    &format!("{dir}atom.xml"),
                    &dir,
                    &pages,
                ),
            ));
        }
        let newest = self.pages.iter().map(|p| p.front.modified()).max();
        let mut entries = vec![SitemapEntry {
            path: String::new(),
            lastmod: newest,
        }];
        entries.extend(self.pages.iter().map(|p| SitemapEntry {
            path: p.url.clone(),
            lastmod: Some(p.front.modified()),
        }));
        if !self.tags.by_slug.is_empty() {
            entries.push(SitemapEntry {
                path: "tags/".into(),
                lastmod: newest,
            });
            entries.extend(self.tags.by_slug.values().map(|t| {
                SitemapEntry {
                    path: format!("tags/{}/", t.slug),
                    lastmod: t
                        .pages
                        .iter()
                        .map(|&i| self.pages[i].front.modified())
                        .max(),
                }
            }));
        }
        files.push(bytes("sitemap.xml", feeds::sitemap(&self.config, &entries)));
        files.push(bytes("robots.txt", feeds::robots(&self.config)));
        // A 404 page is served at any path, so it links by absolute URL.
        let mut ctx = Context::new();
        ctx.insert("root", &self.config.base_url_slash());
        files.push(bytes(
            "404.html",
            self.templates.render("404.html", &ctx, None)?,
        ));
        Ok(files)
    }
}

/// What writes an output path; named only when two claim one.
enum Owner<'a> {
    Page(&'a Page),
    Asset(&'a Page),
    Generated(String),
    Static(&'a str),
}

impl Owner<'_> {
    fn name(&self) -> String {
        match self {
            Owner::Page(page) => format!("the briefing `{}`", page.file.display()),
            Owner::Asset(page) => format!("a file of the bundle `{}`", page.file.display()),
            Owner::Generated(what) => what.clone(),
            Owner::Static(path) => format!("`static/{path}`"),
        }
    }
}

/// The error for claims to one path, put in the file of a briefing or
/// static file that claims it, where the writer can change it.
fn clash(group: &[(String, Owner<'_>)]) -> SourceError {
    let blame = group
        .iter()
        .position(|c| matches!(c.1, Owner::Page(_) | Owner::Static(_)))
        .unwrap_or(0);
    let (path, owner) = (&group[blame].0, &group[blame].1);
    let others = group
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != blame)
        .map(|(_, c)| c.1.name())
        .collect::<Vec<_>>()
        .join(" and ");
    match owner {
        Owner::Page(page) => {
            let mut e = SourceError::new(
                &page.file,
                format!("this briefing would be written to `{path}`, which {others} also writes"),
            );
            if let Some((line, text)) = &page.front.url_line {
                e.line = Some(*line);
                e.column = Some(1);
                e.marker_len = text.chars().count().max(1);
                e.source_line = Some(text.clone());
            }
            e.with_help(
                "a briefing's URL must not be `tags/…`, `page/…` or a generated or static file's path; set another `slug` or `path` in its front matter, or rename the file",
            )
        }
        Owner::Static(p) => SourceError::new(
            format!("static/{p}"),
            format!("this static file would be copied to `{path}`, which {others} also writes"),
        )
        .with_help("rename or move the static file; brief never lets one output replace another"),
        // A bundle file against generated files; generated files alone
        // never share a path.
        Owner::Asset(_) | Owner::Generated(_) => SourceError::new(
            match owner {
                Owner::Asset(page) => page.file.clone(),
                _ => PathBuf::from("site.toml"),
            },
            format!(
                "{} and {others} would both be written to `{path}`",
                owner.name()
            ),
        )
        .with_help("rename the bundle file or give the briefing another `slug`"),
    }
}

/// Where rendered files go, from several threads at once (see [`Site::render_to`]).
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<()> + Sync + 'a;

/// The files `render` hands to its sink, gathered in a list.
fn collect_files(render: impl FnOnce(&Sink<'_>) -> Result<()>) -> Result<Vec<OutputFile>> {
    let files = Mutex::new(Vec::new());
    render(&|f| {
        files
            .lock()
            .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
            .push(f);
        Ok(())
    })?;
    files
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))
}

/// What is worth telling the author about one briefing, from its rendered
/// body, without stopping the build.
fn body_warnings(page: &Page, body: &Rendered) -> Vec<SourceError> {
    let mut warnings = Vec::new();
    if body.sections.is_empty() {
        warnings.push(
            SourceError::new(&page.file, "this briefing has no `## ` sections").with_help(
                "split the body into sections with `## Heading` lines; templates list and link them",
            ),
        );
    }
    let outside: Vec<&crate::markdown::Link> = body
        .links
        .iter()
        .filter(|l| l.image && content::image_leaves_site(&page.root, &page.dir, &l.url))
        .collect();
    if !outside.is_empty() {
        let text = page.source();
        for link in outside {
            warnings.push(
                SourceError::new(&page.file, format!("the image `{}` is outside the site", link.url))
                    .at_offset(&text, page.body_offset + link.offset, 1)
                    .with_help("brief reads nothing outside the site folder; copy the image beside the briefing or into static/"),
            );
        }
    }
    if !body.warnings.is_empty() {
        let text = page.source();
        for w in &body.warnings {
            warnings.push(
                SourceError::new(&page.file, w.message.clone())
                    .at_offset(&text, page.body_offset + w.offset, w.len)
                    .with_help(w.help.clone()),
            );
        }
    }
    warnings
}

/// Gives templates what they see of every briefing (`briefings`, `tags`,
/// `taxonomies`, `get_page`). Shared by [`Site::load`] and the incremental
/// rebuild in [`incremental`], so an edited page is seen the same way by both.
/// `summaries` are those of [`summarize`], by page index.
fn publish_pages(
    templates: &mut Templates,
    config: &Config,
    pages: &[Page],
    tags: &Tags,
    summaries: &[tera::Value],
) {
    // Tera values are reference-counted: `briefings`, `get_page` and every
    // list share the same summaries.
    templates.set_function_data(FunctionData {
        by_file: pages
            .iter()
            .zip(summaries)
            .map(|(p, s)| (p.rel.clone(), (format!("{}index.html", p.url), s.clone())))
            .collect(),
    });
    templates.set_global_value("briefings", tera::Value::from(summaries.to_vec()));
    templates.set_global("tags", &tags.sorted());
    templates.set_global("taxonomies", &tags.groups(config));
}

/// What lists show of each page, as template values, by page index.
fn summarize(pages: &[Page], config: &Config) -> Vec<tera::Value> {
    pages.par_iter().map(|p| summary_value(p, config)).collect()
}

/// What lists show of one page, as a template value.
fn summary_value(page: &Page, config: &Config) -> tera::Value {
    tera::Value::from_serializable(&Summary::new(page, config))
}

/// One page of a list of briefings: the list's name, the page's folder,
/// its place among the list's pages and its briefings (indexes).
struct List<'a> {
    name: &'a str,
    url: String,
    paginator: Paginator,
    chunk: &'a [usize],
}

/// Where a list page's buffer starts: a page of ten cards with the
/// built-in templates is about 12 KB.
const LIST_PAGE_CAPACITY: usize = 16 * 1024;

/// Related briefings shown under each briefing.
const RELATED: usize = 3;

/// The pages of a list of briefings (indexes into the site's pages) under
/// the folder `base` (`""` for the home page, `tags/mali/`…), `per_page`
/// to a page: each page's folder, its place among the others, and its
/// share of `items`. An empty list still has its first page.
fn paginate<'a>(
    base: &str,
    items: &'a [usize],
    per_page: usize,
) -> Vec<(String, Paginator, &'a [usize])> {
    let chunks: Vec<&[usize]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per_page.max(1)).collect()
    };
    let total = chunks.len();
    let folder = |n: usize| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    };
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let n = i + 1;
            let paginator = Paginator {
                number: n,
                total,
                previous: (n > 1).then(|| format!("{}index.html", folder(n - 1))),
                next: (n < total).then(|| format!("{}index.html", folder(n + 1))),
            };
            (folder(n), paginator, chunk)
        })
        .collect()
}

/// Where a page of a list (the home page's or a tag's) sits among the others.
#[derive(Debug, Serialize)]
struct Paginator {
    /// 1-based number of this page.
    number: usize,
    /// How many pages the list has.
    total: usize,
    /// Path of the previous page relative to the root, if any.
    previous: Option<String>,
    /// Path of the next page relative to the root, if any.
    next: Option<String>,
}

/// One error for many: each problem in full, then a count.
fn combine(mut errors: Vec<anyhow::Error>) -> anyhow::Error {
    if errors.len() == 1 {
        return errors.remove(0);
    }
    let mut text = String::new();
    for (i, e) in errors.iter().enumerate() {
        // The caller prints the first `error: `; the rest need their own.
        let prefix = if i == 0 { "" } else { "error: " };
        let _ = write!(text, "{prefix}{e:#}\n\n");
    }
    let _ = write!(text, "{} files have errors", errors.len());
    anyhow::anyhow!(text)
}

/// `pages` sorted newest first, then by source path. A page is a large
/// value, so the sort orders indexes and then moves the pages into place.
fn newest_first(mut pages: Vec<Page>) -> Vec<Page> {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (&pages[a], &pages[b]);
        b.front
            .date
            .cmp(&a.front.date)
            .then_with(|| a.rel.cmp(&b.rel))
    });
    permute(&mut pages, &order);
    pages
}

/// Rearranges `items` in place so that position `k` holds what was at
/// `order[k]`; `order` must be a permutation of the positions.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // One pass along each cycle of the permutation: every swap puts one
    // item in its final place, so the work is linear whatever the order.
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let from = order[k];
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

fn check_unique_urls(pages: &[Page]) -> Result<()> {
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in pages {
        if let Some(other) = seen.insert(&page.url, page) {
            return Err(SourceError::new(
                &page.file,
                format!(
                    "this briefing and `{}` would both be written to `{}index.html`",
                    other.file.display(),
                    page.url
                ),
            )
            .with_help(
                "give one of them a different `slug` in its front matter, or rename the file",
            )
            .into());
        }
    }
    Ok(())
}

fn load_statics(
    root: &Path,
    warnings: &mut Vec<SourceError>,
) -> Result<BTreeMap<String, Contents>> {
    let mut statics: BTreeMap<String, Contents> = BUILTIN_STATIC
        .iter()
        .map(|(p, s)| (p.to_string(), Contents::Bytes(s.as_bytes().to_vec())))
        .collect();
    let dir = root.join(STATIC_DIR);
    if !dir.is_dir() {
        return Ok(statics);
    }
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if entry.path_is_symlink() {
            warnings.push(
                SourceError::new(display_path(root, entry.path()), "symbolic link skipped")
                    .with_help("brief does not follow links; copy the file into static/ instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // Opened now, without following links, and copied (or served) from
        // this handle: a file swapped for a link after the walk is refused
        // like one found by the walk, and one swapped after this is never
        // read through the link.
        let shown = display_path(root, entry.path());
        match Contents::open(root, entry.path(), &shown) {
            Ok(contents) => {
                statics.insert(rel, contents);
            }
            Err(e) if crate::site_fs::refusal(&e).is_some() => warnings.push(
                SourceError::new(&shown, format!("not copied: {e}")).with_help(
                    "brief copies only regular files; copy the file into static/ instead",
                ),
            ),
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", shown.display()));
            }
        }
    }
    Ok(statics)
}

/// `../` once per folder between a page and the site root.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Refuses an output folder that would overwrite the site's own files.
pub fn check_output_location(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root)?;
    let output = absolute(output)?;
    let protected = [
        root.clone(),
        root.join(CONTENT_DIR),
        root.join(crate::templates::TEMPLATES_DIR),
        root.join(STATIC_DIR),
    ];
    for p in &protected {
        if p.starts_with(&output) {
            bail!(
                "refusing to build into `{}`: it holds the site's own files (`{}`), which a build would replace\n  = help: choose an output folder of its own, such as `public/` (the default)",
                output.display(),
                p.display()
            );
        }
    }
    // Inside `content/`, `templates/` or `static/`, the output would be
    // read back as the site's own input by the next build.
    for p in &protected[1..] {
        if output.starts_with(p) {
            bail!(
                "refusing to build into `{}`: it is inside the site's `{}` folder, so the next build would read the output as input\n  = help: choose an output folder of its own, such as `public/` (the default)",
                output.display(),
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            );
        }
    }
    Ok(())
}

/// An absolute path with `.` and `..` resolved, following symbolic links
/// where the path exists, so two spellings of one folder compare equal.
fn absolute(p: &Path) -> Result<PathBuf> {
    let abs =
        std::path::absolute(p).with_context(|| format!("failed to resolve `{}`", p.display()))?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Canonicalize the longest existing ancestor, keep the rest as written.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        resolved.push(part);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_moves_every_item_where_the_order_says() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for n in [0, 1, 2, 3, 10, 257] {
            let mut order: Vec<usize> = (0..n).collect();
            // Fisher–Yates with a fixed xorshift, so failures repeat.
            for i in (1..n).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                order.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            permute(&mut items, &order);
            let want: Vec<String> = order.iter().map(|i| format!("item {i}")).collect();
            assert_eq!(items, want, "n = {n}, order {order:?}");
        }
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("mali/"), "../");
        assert_eq!(root_prefix("sahel/mali/"), "../../");
    }

    #[test]
    fn values_some_templates_read_are_made_only_for_templates_that_read_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(
            root.join("content/a.md"),
            "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nIntro.\n\n## One\n\nTwo *three*.\n",
        )
        .unwrap();
        let html = |site: &mut Site| {
            let files = site.render().unwrap();
            let page = files.iter().find(|f| f.path == "a/index.html").unwrap();
            match &page.contents {
                Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
                Contents::Copy(_) => unreachable!(),
            }
        };
        let mut plain = Site::load(root, &LoadOptions::default()).unwrap();
        assert!(
            !plain.section_words && !plain.whole_content,
            "the built-in templates read neither"
        );
        assert!(html(&mut plain).contains("1 min read"));
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(
            root.join("templates/briefing.html"),
            "{% for s in page.sections %}{{ s.id }}={{ s.words }};{% endfor %}|{{ page.content | safe }}",
        )
        .unwrap();
        let mut reading = Site::load(root, &LoadOptions::default()).unwrap();
        assert_eq!(
            html(&mut reading),
            "one=3;|<p>Intro.</p>\n<h2 id=\"one\">One</h2>\n<p>Two <em>three</em>.</p>\n"
        );
    }

    #[test]
    fn tag_pages_are_paginated_like_the_home_page() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), "title = \"S\"\npaginate = 2\n").unwrap();
        for (name, day) in [("a", "03"), ("b", "02"), ("c", "01")] {
            std::fs::write(
                root.join(format!("content/{name}.md")),
                format!("+++\ntitle = \"{name}\"\ndate = 2020-01-{day}\ntags = [\"Mali\"]\n+++\n## One\n"),
            )
            .unwrap();
        }
        let mut site = Site::load(root, &LoadOptions::default()).unwrap();
        let files = site.render().unwrap();
        let html = |path: &str| match &files.iter().find(|f| f.path == path).unwrap().contents {
            Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Contents::Copy(_) => unreachable!(),
        };
        let first = html("tags/mali/index.html");
        assert!(
            first.contains("href=\"../../a/index.html\"")
                && first.contains("href=\"../../b/index.html\"")
        );
        assert!(!first.contains("c/index.html"), "two to a page");
        assert!(
            first.contains("<a rel=\"next\" href=\"../../tags/mali/page/2/index.html\">"),
            "{first}"
        );
        let second = html("tags/mali/page/2/index.html");
        assert!(
            second.contains("href=\"../../../../c/index.html\""),
            "{second}"
        );
        assert!(second.contains("<a rel=\"prev\" href=\"../../../../tags/mali/index.html\">"));
        assert!(second.contains("Page 2 of 2"));
        assert!(
            !files
                .iter()
                .any(|f| f.path == "tags/mali/page/3/index.html")
        );
    }

    #[test]
    fn refuses_output_over_site_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("content")).unwrap();
        for bad in [
            ".",
            "content",
            "static",
            "templates",
            "..",
            "static/out",
            "content/x/y",
            "templates/public",
        ] {
            assert!(
                check_output_location(root, &root.join(bad)).is_err(),
                "{bad}"
            );
        }
        assert!(check_output_location(root, &root.join("content/../public")).is_ok());
        assert!(check_output_location(root, &root.join("public")).is_ok());
    }
}
