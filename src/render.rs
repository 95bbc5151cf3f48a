//! Rendering one route of the plan into a value: its bytes, and what the
//! build learns from it (warnings, anchor links to check, the ids it
//! offers links). Nothing here writes or changes anything.

use crate::briefing::{Briefing, Text};
use crate::diagnostics::{SourceError, flatten};
use crate::feeds::{self, SitemapEntry};
use crate::links::{Anchored, Targets, ids_in};
use crate::markdown::{Link, Rendered};
use crate::output::Contents;
use crate::plan::{Kind, List, Route, paths};
use crate::site::Site;
use crate::views::{BriefingView, collection_json_ld};
use serde::Serialize;
use tera::Context;

/// A route rendered.
#[derive(Debug)]
pub struct Output {
    /// The file's bytes.
    pub contents: Contents,
    /// What the build learnt rendering it.
    pub facts: Facts,
}

/// What rendering a route found out, beside its bytes.
#[derive(Debug, Default)]
pub struct Facts {
    /// Problems in a briefing's Markdown that stop the build; the page is
    /// still rendered, so its links and ids are checked in the same run.
    pub problems: Vec<SourceError>,
    /// Problems that do not stop the build.
    pub warnings: Vec<SourceError>,
    /// `#anchor` links in a briefing's body, checked once every target is
    /// rendered.
    pub anchored: Vec<Anchored>,
    /// The ids a briefing's page offers links, when they were asked for.
    pub targets: Option<Targets>,
    /// Every link and image of a briefing's body as written, for `check`
    /// to point at the line of one that is broken.
    pub links: Vec<Link>,
    /// Sections with nothing under their heading: (title, line in the file).
    pub empty_sections: Vec<(String, usize)>,
    /// Further files the route writes beside its own, by output path: the
    /// search index's, whose names are known only once it is built.
    pub files: Vec<(String, Contents)>,
}

/// What a render should find out beyond the bytes and what the build
/// needs (problems, warnings, anchor links).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Want {
    /// The ids a briefing's page offers links (links point into it).
    pub targets: bool,
    /// A briefing's links as written and its empty sections (for `check`).
    pub details: bool,
}

impl Facts {
    /// Whether anything is left to read once the render's problems and
    /// warnings are gathered: anchor links, ids, links and empty sections.
    pub fn left_to_read(&self) -> bool {
        !self.anchored.is_empty()
            || self.targets.is_some()
            || !self.links.is_empty()
            || !self.empty_sections.is_empty()
    }
}

/// Renders `route` of `site`, finding out what `want` asks for. Every
/// problem found is returned.
pub fn render(site: &Site, route: &Route, want: Want) -> Result<Output, Vec<SourceError>> {
    let bytes = |b: Vec<u8>| Output {
        contents: Contents::Bytes(b),
        facts: Facts::default(),
    };
    let template = |name: &str, ctx: &Context, capacity: usize| {
        site.templates
            .render_bytes(name, ctx, None, capacity)
            .map(bytes)
            .map_err(|e| flatten(&e))
    };
    match &route.kind {
        Kind::Briefing(i) => briefing(site, *i, want),
        Kind::List(list) => {
            let (name, ctx) = list_context(site, list);
            template(name, &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::TagsIndex => {
            let mut ctx = Context::new();
            ctx.insert("root", "../");
            template("tags.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::Corrections => {
            let mut ctx = Context::new();
            ctx.insert("root", &paths::root_prefix(paths::CORRECTIONS));
            ctx.insert("corrections", &corrections(site));
            template("corrections.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::NotFound => {
            // A 404 page is served at any path, so it links by absolute URL.
            let mut ctx = Context::new();
            ctx.insert("root", &site.config.base_url_slash());
            template("404.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::Feed(tag) => Ok(bytes(feed(site, tag.as_deref()).into_bytes())),
        Kind::Sitemap => Ok(bytes(sitemap(site).into_bytes())),
        Kind::Robots => Ok(bytes(feeds::robots(&site.config).into_bytes())),
        Kind::Static(key) => Ok(Output {
            contents: site.statics[key].clone(),
            facts: Facts::default(),
        }),
        Kind::Cite(i, format) => Ok(bytes(
            format
                .render(&site.briefings[*i], &site.config)
                .into_bytes(),
        )),
        Kind::Search => {
            let mut ctx = Context::new();
            ctx.insert("root", &paths::root_prefix(paths::SEARCH));
            ctx.insert("years", &crate::search::years(site));
            template("search.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::Archive => {
            let mut ctx = Context::new();
            ctx.insert("root", &paths::root_prefix(paths::ARCHIVE));
            ctx.insert("archive", &crate::search::archive(site));
            template("archive.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::SearchIndex => search_index(site),
        Kind::Asset(i, k) => Ok(Output {
            contents: site.briefings[*i].assets[*k].contents.clone(),
            facts: Facts::default(),
        }),
    }
}

/// The search index: its entry file as the route's, the rest beside it.
fn search_index(site: &Site) -> Result<Output, Vec<SourceError>> {
    let records = crate::search::records(site)?;
    let mut files = crate::search::bundle(records).map_err(|e| vec![e])?;
    let entry = files
        .iter()
        .position(|(path, _)| path == paths::SEARCH_ENTRY)
        .ok_or_else(|| {
            vec![SourceError::new(
                "site.toml",
                "the search index was built without its entry file",
            )]
        })?;
    let (_, contents) = files.swap_remove(entry);
    Ok(Output {
        contents,
        facts: Facts {
            files,
            ..Facts::default()
        },
    })
}

/// Where a list page's buffer starts: a page of ten cards with the
/// built-in templates is about 12 KB.
const LIST_PAGE_CAPACITY: usize = 16 * 1024;

/// A briefing's page, from its body rendered with the site's links and
/// image sizes.
fn briefing(site: &Site, i: usize, want: Want) -> Result<Output, Vec<SourceError>> {
    let b = &site.briefings[i];
    let image_size = |src: &str| site.image_size(&b.url, src);
    let resolve_link = |url: &str| site.links.resolve(&b.url, url);
    let (body, problems, text) = b
        .render_body(&image_size, &resolve_link)
        .map_err(|e| vec![e])?;
    let related = site.related[i]
        .iter()
        .map(|&j| site.summaries[j].clone())
        .collect();
    let body_len = body.intro_html.len()
        + body.footnotes_html.len()
        + body.sections.iter().map(|s| s.html.len()).sum::<usize>();
    let reads = site.templates.reads();
    let cite_styles = if reads.cite {
        crate::citation::styled(b, &site.config, &site.cite_cache)
    } else {
        Vec::new()
    };
    let view = BriefingView::new(b, &body, &site.config, related, cite_styles, reads);
    let mut ctx = Context::new();
    ctx.insert("page", &view);
    ctx.insert("root", &paths::root_prefix(&b.url));
    // The page is its body and about 6 KB of header, related cards and
    // footer with the built-in templates.
    let html = site
        .templates
        .render_bytes("briefing.html", &ctx, Some(&b.file), body_len + 8192)
        .map_err(|e| flatten(&e))?;
    let targets = want.targets.then(|| Targets {
        ids: ids_in(&String::from_utf8_lossy(&html)),
        sections: body.sections.iter().map(|s| s.id.clone()).collect(),
    });
    let facts = Facts {
        problems,
        warnings: body_warnings(b, &body, &text),
        anchored: site.links.anchored(i, &body.links),
        targets,
        empty_sections: if want.details {
            body.sections
                .iter()
                .filter(|s| s.html.trim().is_empty())
                .map(|s| (s.title.clone(), text.body_line(0) + s.line - 1))
                .collect()
        } else {
            Vec::new()
        },
        links: if want.details { body.links } else { Vec::new() },
        files: Vec::new(),
    };
    Ok(Output {
        contents: Contents::Bytes(html),
        facts,
    })
}

/// What is worth telling the author about one briefing, from its rendered
/// body, without stopping the build.
fn body_warnings(b: &Briefing, body: &Rendered, text: &Text<'_>) -> Vec<SourceError> {
    let mut warnings = Vec::new();
    if body.sections.is_empty() {
        warnings.push(
            SourceError::new(&b.file, "this briefing has no `## ` sections").with_help(
                "split the body into sections with `## Heading` lines; templates list and link them",
            ),
        );
    }
    for link in body.links.iter().filter(|l| l.image) {
        if crate::site::output_path(&b.url, &link.url).is_err() {
            warnings.push(text.error_at(
                link.offset,
                &link.url,
                format!("the image `{}` is outside the site", link.url),
                "brief reads nothing outside the site folder; copy the image beside the briefing or into static/",
            ));
        }
    }
    warnings.extend(body.warnings.iter().cloned().map(|w| text.located(w)));
    warnings
}

/// Where a page of a list sits among the others, as templates see it.
#[derive(Debug, Serialize)]
struct Paginator<'a> {
    /// 1-based number of this page.
    number: usize,
    /// How many pages the list has.
    total: usize,
    /// Path of the previous page relative to the root, if any.
    previous: Option<&'a str>,
    /// Path of the next page relative to the root, if any.
    next: Option<&'a str>,
}

/// The template and context of one page of a list.
fn list_context<'a>(site: &'a Site, list: &'a List) -> (&'static str, Context) {
    let mut ctx = Context::new();
    let (template, name) = match list.tag.as_deref().and_then(|s| site.tags.by_slug.get(s)) {
        Some(tag) => {
            ctx.insert("tag", tag);
            ("tag.html", tag.name.as_str())
        }
        None => ("index.html", site.config.title.as_str()),
    };
    ctx.insert_value(
        "pages",
        tera::Value::from(
            list.items
                .iter()
                .map(|&i| site.summaries[i].clone())
                .collect::<Vec<_>>(),
        ),
    );
    ctx.insert(
        "paginator",
        &Paginator {
            number: list.number,
            total: list.total,
            previous: list.previous.as_deref(),
            next: list.next.as_deref(),
        },
    );
    ctx.insert("root", &paths::root_prefix(&list.folder));
    if site.templates.reads().json_ld {
        let briefings: Vec<&Briefing> = list.items.iter().map(|&i| &site.briefings[i]).collect();
        ctx.insert(
            "json_ld",
            &collection_json_ld(&site.config, name, &list.folder, &briefings),
        );
    } else {
        ctx.insert("json_ld", "");
    }
    (template, ctx)
}

/// One correction on the corrections page.
#[derive(Debug, Serialize)]
struct CorrectionEntry<'a> {
    /// When, `YYYY-MM-DD`.
    date: crate::date::Date,
    /// What was corrected.
    note: &'a str,
    /// The briefing's headline.
    title: &'a str,
    /// The briefing's page, relative to the site root.
    path: String,
}

/// Every correction of every briefing, newest first (then in site order).
fn corrections(site: &Site) -> Vec<CorrectionEntry<'_>> {
    let mut all: Vec<CorrectionEntry<'_>> = site
        .corrected()
        .into_iter()
        .flat_map(|i| {
            let b = &site.briefings[i];
            b.front
                .updates
                .iter()
                .filter(|u| u.is_correction())
                .map(move |u| CorrectionEntry {
                    date: u.date,
                    note: &u.note,
                    title: &b.front.title,
                    path: paths::page(&b.url),
                })
        })
        .collect();
    // Stable: one day's corrections stay in site order.
    all.sort_by_key(|c| std::cmp::Reverse(c.date));
    all
}

/// The Atom feed of the site (`None`) or of a tag.
fn feed(site: &Site, tag: Option<&str>) -> String {
    let briefings: Vec<&Briefing> = site
        .list_items(tag)
        .iter()
        .map(|&i| &site.briefings[i])
        .collect();
    match tag.and_then(|slug| site.tags.by_slug.get(slug)) {
        None => feeds::atom(&site.config, &site.config.title, "atom.xml", "", &briefings),
        Some(tag) => {
            let dir = paths::tag(&tag.slug);
            let title = format!("{}: {}", site.config.title, tag.name);
            feeds::atom(
                &site.config,
                &title,
                &format!("{dir}atom.xml"),
                &dir,
                &briefings,
            )
        }
    }
}

/// `sitemap.xml`: the home page, every briefing, the tags overview and
/// every tag's page.
fn sitemap(site: &Site) -> String {
    let modified = |i: &usize| site.briefings[*i].front.modified();
    let newest = site.list_items(None).iter().map(modified).max();
    let mut entries = vec![SitemapEntry {
        path: String::new(),
        lastmod: newest,
    }];
    entries.extend(site.briefings.iter().map(|b| SitemapEntry {
        path: b.url.clone(),
        lastmod: Some(b.front.modified()),
    }));
    if !site.tags.by_slug.is_empty() {
        entries.push(SitemapEntry {
            path: "tags/".into(),
            lastmod: newest,
        });
        entries.extend(site.tags.by_slug.values().map(|t| SitemapEntry {
            path: paths::tag(&t.slug),
            lastmod: t.pages.iter().map(modified).max(),
        }));
    }
    let corrected = site.corrected();
    if !corrected.is_empty() {
        entries.push(SitemapEntry {
            path: paths::CORRECTIONS.into(),
            lastmod: corrected.iter().map(modified).max(),
        });
    }
    feeds::sitemap(&site.config, &entries)
}
