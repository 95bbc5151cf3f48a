//! The build plan: every file a build writes, as one [`Route`] each.
//!
//! [`plan`] turns a loaded [`Site`] into the list of routes; a route knows
//! its output path, which briefings it shows (its dependencies) and, by
//! its kind, how it is rendered ([`crate::render`]). Two routes claiming
//! one path is an error found here, once, before anything is rendered.
//! A new kind of page is a new [`Kind`] and a template.

use crate::briefing::Briefing;
use crate::diagnostics::{Problems, SourceError};
use crate::feeds::FEED_LIMIT;
use crate::site::Site;
use rayon::prelude::*;
use std::path::PathBuf;

/// Output paths, made in one place.
pub mod paths {
    /// The page of a briefing whose folder is `url` (`mali/`).
    pub fn page(url: &str) -> String {
        format!("{url}index.html")
    }

    /// The folder of the site's corrections page.
    pub const CORRECTIONS: &str = "corrections/";

    /// The folder of the search page, under a language's folder
    /// ([`search`]).
    pub const SEARCH: &str = "search/";

    /// The folder of the archive (every briefing by month, for readers
    /// whom the search page cannot serve), under a language's folder
    /// ([`archive`]).
    pub const ARCHIVE: &str = "archive/";

    /// The folder of the search page of the language whose folder is
    /// `prefix` (`""` for the default language, `fr/`): `fr/search/`.
    pub fn search(prefix: &str) -> String {
        format!("{prefix}{SEARCH}")
    }

    /// The folder of the archive of the language whose folder is `prefix`:
    /// `fr/archive/`.
    pub fn archive(prefix: &str) -> String {
        format!("{prefix}{ARCHIVE}")
    }

    /// The folder of the search index (Pagefind's files).
    pub const SEARCH_INDEX: &str = "pagefind/";

    /// The file of the search index its route is planned at; the index's
    /// other files are written beside it.
    pub const SEARCH_ENTRY: &str = "pagefind/pagefind-entry.json";

    /// The folder of a tag's list: `tags/mali/`.
    pub fn tag(slug: &str) -> String {
        format!("tags/{slug}/")
    }

    /// The folder of page `n` (from 1) of a list whose first page is in
    /// `base` (`""` for the home page, `tags/mali/`).
    pub fn list_page(base: &str, n: usize) -> String {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    }

    /// The PDF edition of a briefing whose folder is `url`, named after
    /// the folder: `mali/mali.pdf` (`briefing.pdf` at the root). The page
    /// links it by the file name alone ([`pdf_name`]).
    pub fn pdf(url: &str) -> String {
        format!("{url}{}", pdf_name(url))
    }

    /// The file name of the PDF of the briefing whose folder is `url`.
    pub fn pdf_name(url: &str) -> String {
        let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let name = if name.is_empty() { "briefing" } else { name };
        format!("{name}.pdf")
    }

    /// The single-file edition of a briefing whose folder is `url`:
    /// `mali/mali.html` ([`single_name`]).
    pub fn single(url: &str) -> String {
        format!("{url}{}", single_name(url))
    }

    /// The file name of the single-file edition.
    pub fn single_name(url: &str) -> String {
        let pdf = pdf_name(url);
        format!("{}.html", pdf.trim_end_matches(".pdf"))
    }

    /// `../` once per folder between a page at `path` and the site root.
    pub fn root_prefix(path: &str) -> String {
        "../".repeat(path.matches('/').count())
    }
}

/// One file of the output: where it goes and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Relative to the output folder: `mali/index.html`.
    pub path: String,
    /// What is rendered there.
    pub kind: Kind,
}

/// The kinds of file a build writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A briefing's page (index into the site's briefings).
    Briefing(usize),
    /// A page of a list of briefings: the home page or a tag's.
    /// Boxed: a route is mostly a briefing's, and a list's place is large.
    List(Box<List>),
    /// `tags/index.html` (`fr/tags/index.html`…), every tag of a language.
    TagsIndex(usize),
    /// `corrections/index.html` (`fr/corrections/index.html`…): every
    /// correction of every briefing of a language, newest first (only when
    /// there is one).
    Corrections(usize),
    /// An Atom feed of a language: the site's (`None`) or a tag's (its slug).
    Feed(usize, Option<String>),
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
    /// A file of `static/` or a built-in one (its key in the site's statics).
    Static(String),
    /// A file of a briefing's bundle: (briefing, index into its assets).
    Asset(usize, usize),
    /// A briefing's reference for citation managers, beside its page:
    /// `cite.bib`, `cite.ris` or `cite.json`.
    Cite(usize, crate::citation::Format),
    /// The PDF edition of a briefing (index into the site's briefings).
    Pdf(usize),
    /// The single-file HTML edition of a briefing.
    SingleFile(usize),
    /// `search/index.html` (`fr/search/index.html`…), the search page of
    /// a language, which searches its briefings (only with `search = true`).
    Search(usize),
    /// `archive/index.html` (`fr/archive/index.html`…): every briefing of
    /// a language's home list by month, linked from its search page for
    /// readers without JavaScript (only with `search = true`).
    Archive(usize),
    /// The search index, `pagefind/`: planned at its entry file, with its
    /// other files (named by their contents) written beside it.
    SearchIndex,
}

/// One page of a list of briefings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// The language (0 for the default).
    pub lang: usize,
    /// The tag (slug) whose list this is; `None` for the home page.
    pub tag: Option<String>,
    /// The page's folder: `""`, `page/2/`, `tags/mali/page/3/`.
    pub folder: String,
    /// 1-based number of this page.
    pub number: usize,
    /// How many pages the list has.
    pub total: usize,
    /// Previous and next pages, relative to the root.
    pub previous: Option<String>,
    /// The next page's path, relative to the root.
    pub next: Option<String>,
    /// The briefings on this page (indexes), in order.
    pub items: Vec<usize>,
}

/// What a route shows of the site, for rebuilding exactly what an edit
/// changes ([`crate::serve`]): a route whose dependencies are as they were
/// renders to the same bytes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Deps {
    /// Briefings shown whole (body and all).
    pub whole: Vec<usize>,
    /// Briefings shown as list entries (what [`crate::views::Summary`] holds).
    pub listed: Vec<usize>,
    /// Whether it is rendered by a template, which can read the site-wide
    /// values (`tags`, `taxonomies`, and `briefings`/`get_page` with every
    /// briefing's summary).
    pub site_lists: bool,
}

impl Route {
    /// What the route shows, given the site it was planned from.
    pub fn deps(&self, site: &Site) -> Deps {
        match &self.kind {
            Kind::Briefing(i) => Deps {
                whole: vec![*i],
                listed: site.related[*i].clone(),
                site_lists: true,
            },
            Kind::List(list) => Deps {
                whole: Vec::new(),
                listed: list.items.clone(),
                site_lists: true,
            },
            Kind::Corrections(lang) => Deps {
                whole: site.corrected_in(*lang),
                site_lists: true,
                ..Deps::default()
            },
            // The archive lists every briefing of its language's home list.
            Kind::Archive(lang) => Deps {
                listed: site.lang_items(*lang, None).to_vec(),
                site_lists: true,
                ..Deps::default()
            },
            // The search page shows its language's tags and the years of
            // its briefings, not the briefings: `serve` keys it by its
            // years ([`crate::search::years`]).
            Kind::TagsIndex(_) | Kind::NotFound | Kind::Search(_) => Deps {
                site_lists: true,
                ..Deps::default()
            },
            Kind::Feed(lang, tag) => {
                let items = site.lang_items(*lang, tag.as_deref());
                Deps {
                    whole: items.iter().copied().take(FEED_LIMIT).collect(),
                    listed: items.to_vec(),
                    site_lists: false,
                }
            }
            Kind::Sitemap => Deps {
                listed: (0..site.briefings.len()).collect(),
                ..Deps::default()
            },
            Kind::Robots | Kind::Static(_) => Deps::default(),
            Kind::SearchIndex => Deps {
                whole: crate::search::indexed(site),
                ..Deps::default()
            },
            Kind::Asset(i, _) | Kind::Pdf(i) => Deps {
                whole: vec![*i],
                ..Deps::default()
            },
            // A reference shows only what a list entry shows (title,
            // authors, date, summary, URL), so a body edit leaves it be.
            Kind::Cite(i, _) => Deps {
                listed: vec![*i],
                ..Deps::default()
            },
            Kind::SingleFile(i) => Deps {
                whole: vec![*i],
                listed: Vec::new(),
                site_lists: true,
            },
        }
    }
}

/// Every file the build of `site` writes, briefings first, then lists,
/// tags, machine files, bundle files and static files, with a problem for
/// every path claimed twice (naming every claimant): nothing may be written
/// unless there are none.
pub fn plan(site: &Site) -> (Vec<Route>, Problems) {
    let mut routes: Vec<Route> = Vec::with_capacity(site.briefings.len() * 13 / 10 + 16);
    for (i, b) in site.briefings.iter().enumerate() {
        routes.push(Route {
            path: paths::page(&b.url),
            kind: Kind::Briefing(i),
        });
        // Beside its page, so the core that renders the page (which needs
        // the PDF's size) usually makes the PDF too.
        if site.pdf.is_some() {
            routes.push(Route {
                path: paths::pdf(&b.url),
                kind: Kind::Pdf(i),
            });
        }
        if site.config.single_file {
            routes.push(Route {
                path: paths::single(&b.url),
                kind: Kind::SingleFile(i),
            });
        }
    }
    for lang in 0..site.langs.len() {
        language_lists(site, lang, &mut routes);
    }
    for lang in 0..site.langs.len() {
        if !site.corrected_in(lang).is_empty() {
            routes.push(Route {
                path: paths::page(&format!(
                    "{}{}",
                    site.langs[lang].config.lang_prefix,
                    paths::CORRECTIONS
                )),
                kind: Kind::Corrections(lang),
            });
        }
    }
    if site.config.search {
        for lang in 0..site.langs.len() {
            let prefix = &site.langs[lang].config.lang_prefix;
            routes.push(Route {
                path: paths::page(&paths::search(prefix)),
                kind: Kind::Search(lang),
            });
            routes.push(Route {
                path: paths::page(&paths::archive(prefix)),
                kind: Kind::Archive(lang),
            });
        }
        routes.push(Route {
            path: paths::SEARCH_ENTRY.into(),
            kind: Kind::SearchIndex,
        });
    }
    if site.feeds() {
        for lang in 0..site.langs.len() {
            let prefix = &site.langs[lang].config.lang_prefix;
            routes.push(Route {
                path: format!("{prefix}atom.xml"),
                kind: Kind::Feed(lang, None),
            });
            routes.extend(site.lang_tags(lang).by_slug.values().map(|tag| Route {
                path: format!("{prefix}{}atom.xml", paths::tag(&tag.slug)),
                kind: Kind::Feed(lang, Some(tag.slug.clone())),
            }));
        }
        for (path, kind) in [
            ("sitemap.xml", Kind::Sitemap),
            ("robots.txt", Kind::Robots),
            ("404.html", Kind::NotFound),
        ] {
            routes.push(Route {
                path: path.into(),
                kind,
            });
        }
    }
    // The reference files are the cite block's downloads: a site whose
    // templates never show `page.cite` links none, so none are written.
    let cite_files = site.templates.reads().cite;
    for (i, b) in site.briefings.iter().enumerate() {
        if cite_files {
            routes.extend(crate::citation::Format::ALL.iter().map(|&format| Route {
                path: format!("{}{}", b.url, format.file()),
                kind: Kind::Cite(i, format),
            }));
        }
        routes.extend(b.assets.iter().enumerate().map(|(k, asset)| Route {
            path: format!("{}{}", b.url, asset.rel),
            kind: Kind::Asset(i, k),
        }));
    }
    routes.extend(site.statics.keys().map(|path| Route {
        path: path.clone(),
        kind: Kind::Static(path.clone()),
    }));
    let mut clashes = check_unique(site, &routes);
    if site.config.search {
        clashes.0.extend(search_clashes(site));
    }
    (routes, clashes)
}

/// The home list, tags overview and tag lists of language `lang`.
fn language_lists(site: &Site, lang: usize, routes: &mut Vec<Route>) {
    let prefix = &site.langs[lang].config.lang_prefix;
    let per = site.config.paginate;
    lists(routes, lang, None, prefix, site.lang_items(lang, None), per);
    let tags = site.lang_tags(lang);
    if !tags.by_slug.is_empty() {
        routes.push(Route {
            path: format!("{prefix}tags/index.html"),
            kind: Kind::TagsIndex(lang),
        });
    }
    for tag in tags.by_slug.values() {
        let base = format!("{prefix}{}", paths::tag(&tag.slug));
        lists(routes, lang, Some(&tag.slug), &base, &tag.pages, per);
    }
}

/// Static files and briefings inside `pagefind/`, where the search
/// index's files go under names known only once it is built.
fn search_clashes(site: &Site) -> Vec<SourceError> {
    let help = "move it out of `pagefind/`, or set `search = false` in site.toml";
    let statics = site
        .statics
        .keys()
        .filter(|k| k.starts_with(paths::SEARCH_INDEX))
        .map(|k| {
            SourceError::new(
                format!("static/{k}"),
                format!(
                    "this static file would be copied into `{}`, where the search index goes",
                    paths::SEARCH_INDEX
                ),
            )
            .with_help(help)
        });
    let briefings = site
        .briefings
        .iter()
        .filter(|b| b.url.starts_with(paths::SEARCH_INDEX))
        .map(|b| briefing_clash(b, &paths::page(&b.url), "the search index (`pagefind/`)"));
    statics.chain(briefings).collect()
}

/// The pages of a list of `items` (briefing indexes) whose first page is
/// in `base`, `per_page` to a page. An empty list still has its first page.
fn lists(
    routes: &mut Vec<Route>,
    lang: usize,
    tag: Option<&str>,
    base: &str,
    items: &[usize],
    per: usize,
) {
    let chunks: Vec<&[usize]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per.max(1)).collect()
    };
    let total = chunks.len();
    let page_of = |n: usize| paths::page(&paths::list_page(base, n));
    for (k, chunk) in chunks.into_iter().enumerate() {
        let number = k + 1;
        let folder = paths::list_page(base, number);
        routes.push(Route {
            path: paths::page(&folder),
            kind: Kind::List(Box::new(List {
                lang,
                tag: tag.map(str::to_string),
                folder,
                number,
                total,
                previous: (number > 1).then(|| page_of(number - 1)),
                next: (number < total).then(|| page_of(number + 1)),
                items: chunk.to_vec(),
            })),
        });
    }
}

/// Every path claimed twice, as one error each naming every claimant.
fn check_unique(site: &Site, routes: &[Route]) -> Problems {
    let mut order: Vec<usize> = (0..routes.len()).collect();
    // A stable sort keeps claims to one path in plan order, so the message
    // names the first claimant first.
    order.par_sort_by(|&a, &b| routes[a].path.cmp(&routes[b].path));
    Problems(
        order
            .chunk_by(|&a, &b| routes[a].path == routes[b].path)
            .filter(|group| group.len() > 1)
            // Reference files clash only beside pages that clash too,
            // which is reported once, for the pages.
            .filter(|group| {
                !group
                    .iter()
                    .all(|&k| matches!(routes[k].kind, Kind::Cite(..)))
            })
            .map(|group| {
                let claims: Vec<&Route> = group.iter().map(|&k| &routes[k]).collect();
                clash(site, &claims)
            })
            .collect(),
    )
}

/// What a route is, in words, for a message about a clash.
fn owner(site: &Site, kind: &Kind) -> String {
    match kind {
        Kind::Briefing(i) => format!("the briefing `{}`", site.briefings[*i].file.display()),
        Kind::Asset(i, _) => format!(
            "a file of the bundle `{}`",
            site.briefings[*i].file.display()
        ),
        Kind::Pdf(i) => format!(
            "the PDF of the briefing `{}`",
            site.briefings[*i].file.display()
        ),
        Kind::SingleFile(i) => format!(
            "the single-file edition of the briefing `{}`",
            site.briefings[*i].file.display()
        ),
        Kind::Static(path) => format!("`static/{path}`"),
        Kind::Cite(i, format) => format!(
            "the `{}` reference of `{}`",
            format.file(),
            site.briefings[*i].file.display()
        ),
        Kind::List(list) => match &list.tag {
            None => format!("the home page list{}", in_lang(site, list.lang)),
            Some(slug) => format!(
                "the page of the tag `{}`{}",
                tag_name(site, slug),
                in_lang(site, list.lang)
            ),
        },
        Kind::TagsIndex(lang) => format!("the tags overview{}", in_lang(site, *lang)),
        Kind::Corrections(lang) => format!("the corrections page{}", in_lang(site, *lang)),
        Kind::Feed(lang, None) => format!("the site's feed{}", in_lang(site, *lang)),
        Kind::Feed(lang, Some(slug)) => format!(
            "the feed of the tag `{}`{}",
            tag_name(site, slug),
            in_lang(site, *lang)
        ),
        Kind::Sitemap => "the sitemap".into(),
        Kind::Robots => "robots.txt".into(),
        Kind::NotFound => "the 404 page".into(),
        Kind::Search(lang) => format!("the search page{}", in_lang(site, *lang)),
        Kind::Archive(lang) => format!("the archive{}", in_lang(site, *lang)),
        Kind::SearchIndex => "the search index".into(),
    }
}

/// ` in `fr`` for a language other than the default, for messages.
fn in_lang(site: &Site, lang: usize) -> String {
    if lang == 0 {
        String::new()
    } else {
        format!(" in `{}`", site.langs[lang].code)
    }
}

fn tag_name<'a>(site: &'a Site, slug: &'a str) -> &'a str {
    site.tags
        .by_slug
        .get(slug)
        .map_or(slug, |t| t.name.as_str())
}

/// The error for claims to one path, put in the file of a briefing or
/// static file that claims it, where the writer can change it.
fn clash(site: &Site, claims: &[&Route]) -> SourceError {
    // A briefing that chose its URL (`slug`, `path`) is the one to change;
    // else any briefing or static file, which a writer can rename.
    let chose = |r: &&Route| match r.kind {
        Kind::Briefing(i) => site.briefings[i].front.url_line.is_some(),
        _ => false,
    };
    let blame = claims
        .iter()
        .position(chose)
        .or_else(|| {
            claims
                .iter()
                .position(|r| matches!(r.kind, Kind::Briefing(_) | Kind::Static(_)))
        })
        .unwrap_or(0);
    let route = claims[blame];
    let path = &route.path;
    let others = claims
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != blame)
        .map(|(_, r)| owner(site, &r.kind))
        .collect::<Vec<_>>()
        .join(" and ");
    match &route.kind {
        Kind::Briefing(i) => briefing_clash(&site.briefings[*i], path, &others),
        Kind::Static(p) => SourceError::new(
            format!("static/{p}"),
            format!("this static file would be copied to `{path}`, which {others} also writes"),
        )
        .with_help("rename or move the static file; brief never lets one output replace another"),
        // A bundle file against generated files; generated files alone
        // never share a path.
        kind => SourceError::new(
            match kind {
                Kind::Asset(i, _) | Kind::Pdf(i) | Kind::SingleFile(i) => {
                    site.briefings[*i].file.clone()
                }
                _ => PathBuf::from("site.toml"),
            },
            format!(
                "{} and {others} would both be written to `{path}`",
                owner(site, kind)
            ),
        )
        .with_help("rename the bundle file or give the briefing another `slug`"),
    }
}

/// A briefing's claim to a taken path, at its `slug`/`path` line.
fn briefing_clash(briefing: &Briefing, path: &str, others: &str) -> SourceError {
    let mut e = SourceError::new(
        &briefing.file,
        format!("this briefing would be written to `{path}`, which {others} also writes"),
    );
    if let Some((line, text)) = &briefing.front.url_line {
        e.line = Some(*line);
        e.column = Some(1);
        e.marker_len = text.chars().count().max(1);
        e.source_line = Some(text.clone());
    }
    e.with_help(
        "a briefing's URL must not be another briefing's, `tags/…`, `page/…` or a generated or static file's path; set another `slug` or `path` in its front matter, or rename the file",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(paths::root_prefix(""), "");
        assert_eq!(paths::root_prefix("mali/"), "../");
        assert_eq!(paths::root_prefix("sahel/mali/index.html"), "../../");
    }

    #[test]
    fn lists_are_split_into_linked_pages() {
        let mut routes = Vec::new();
        lists(&mut routes, 0, Some("mali"), "tags/mali/", &[4, 5, 6], 2);
        let paths: Vec<&str> = routes.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            ["tags/mali/index.html", "tags/mali/page/2/index.html"]
        );
        let Kind::List(second) = &routes[1].kind else {
            panic!("a list")
        };
        assert_eq!(second.items, [6]);
        assert_eq!((second.number, second.total), (2, 2));
        assert_eq!(second.previous.as_deref(), Some("tags/mali/index.html"));
        assert_eq!(second.next, None);
        let mut empty = Vec::new();
        lists(&mut empty, 0, None, "", &[], 10);
        assert_eq!(empty.len(), 1, "an empty list still has its first page");
    }
}
