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
use crate::site::{Page, Site};
use crate::views::{BriefingView, PdfLink, collection_json_ld};
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
        Kind::Briefing(i) => briefing(site, *i, want, false),
        Kind::SingleFile(i) => briefing(site, *i, Want::default(), true).map(|mut out| {
            // The page's own checks are the page route's; this copy adds none.
            out.facts = Facts::default();
            out
        }),
        Kind::List(list) => {
            let (name, ctx) = list_context(site, list);
            template(name, &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::TagsIndex(lang) => {
            let mut ctx = Context::new();
            let root =
                paths::root_prefix(&format!("{}tags/", site.langs[*lang].config.lang_prefix));
            lang_context(site, &mut ctx, *lang, Page::TagsIndex, &root);
            ctx.insert("root", &root);
            template("tags.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::Corrections(lang) => {
            let mut ctx = Context::new();
            let root = paths::root_prefix(&format!(
                "{}{}",
                site.langs[*lang].config.lang_prefix,
                paths::CORRECTIONS
            ));
            lang_context(site, &mut ctx, *lang, Page::Corrections, &root);
            ctx.insert("root", &root);
            ctx.insert("corrections", &corrections(site, *lang));
            template("corrections.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::NotFound => {
            // A 404 page is served at any path, so it links by absolute URL.
            let mut ctx = Context::new();
            let root = site.config.base_url_slash();
            lang_context(site, &mut ctx, 0, Page::Only, &root);
            ctx.insert("root", &root);
            template("404.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::Feed(lang, tag) => Ok(bytes(feed(site, *lang, tag.as_deref()).into_bytes())),
        Kind::Sitemap => Ok(bytes(sitemap(site).into_bytes())),
        Kind::Robots => Ok(bytes(feeds::robots(&site.config).into_bytes())),
        Kind::Static(key) => Ok(Output {
            contents: site.statics[key].clone(),
            facts: Facts::default(),
        }),
        Kind::Cite(i, format) => {
            let b = &site.briefings[*i];
            Ok(bytes(
                format.render(b, &site.langs[b.lang].config).into_bytes(),
            ))
        }
        Kind::Search(lang) => {
            let mut ctx = Context::new();
            let prefix = &site.langs[*lang].config.lang_prefix;
            let root = paths::root_prefix(&paths::search(prefix));
            lang_context(site, &mut ctx, *lang, Page::Search, &root);
            ctx.insert("root", &root);
            ctx.insert("years", &crate::search::years(site, *lang));
            ctx.insert("search_tags", &crate::search::tag_names(site, *lang));
            template("search.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::Archive(lang) => {
            let mut ctx = Context::new();
            let prefix = &site.langs[*lang].config.lang_prefix;
            let root = paths::root_prefix(&paths::archive(prefix));
            lang_context(site, &mut ctx, *lang, Page::Archive, &root);
            ctx.insert("root", &root);
            ctx.insert("archive", &crate::search::archive(site, *lang));
            template("archive.html", &ctx, LIST_PAGE_CAPACITY)
        }
        Kind::SearchIndex => search_index(site),
        Kind::Asset(i, k) => Ok(Output {
            contents: site.briefings[*i].assets[*k].contents.clone(),
            facts: Facts::default(),
        }),
        Kind::Pdf(i) => match &site.pdf {
            Some(engine) => engine.make(site, *i).map(bytes),
            None => Err(vec![crate::diagnostics::SourceError::new(
                "site.toml",
                "a PDF was planned but PDFs are off",
            )]),
        },
    }
}

/// Puts in `ctx` what a page of language `lang` shows beside its own
/// values on a site in several languages: its language's settings, tags
/// and strings, its editions in other languages (`alternates`) and the
/// language switch (`languages`). A one-language site's pages see the
/// site-wide values only.
fn lang_context(site: &Site, ctx: &mut Context, lang: usize, page: Page<'_>, root: &str) {
    if !site.multilingual() {
        return;
    }
    let l = &site.langs[lang];
    for (name, value) in &l.values {
        ctx.insert_value(*name, value.clone());
    }
    ctx.insert("lang", &l.code);
    ctx.insert("lang_root", &l.config.lang_prefix);
    ctx.insert("alternates", &site.alternates(page, root));
    ctx.insert("languages", &site.switch(lang, page, root));
}

/// The search index: its entry file as the route's, the rest beside it.
fn search_index(site: &Site) -> Result<Output, Vec<SourceError>> {
    let records = crate::search::records(site)?;
    let mut files =
        crate::search::bundle(records, Some(&site.search_cache)).map_err(|e| vec![e])?;
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
/// image sizes; `single` makes the single-file edition (styles inlined,
/// images as `data:` URIs, links into the site absolute with `base_url`).
fn briefing(site: &Site, i: usize, want: Want, single: bool) -> Result<Output, Vec<SourceError>> {
    let b = &site.briefings[i];
    let image_size = |src: &str| site.image_size(&b.url, src);
    let absolute = |href: String| {
        if single
            && !site.config.base_url.is_empty()
            && !href.contains(':')
            && !href.starts_with('#')
        {
            format!(
                "{}{}",
                site.config.base_url_slash(),
                crate::pdf::join(&b.url, &href)
            )
        } else {
            href
        }
    };
    let resolve_link = |url: &str| {
        site.links.resolve(&b.url, url).map(|href| match href {
            Some(href) => Some(absolute(href)),
            None if single => Some(absolute(url.to_string())),
            None => None,
        })
    };
    let data_uri = |src: &str| crate::single::data_uri(site, b, src);
    let (body, problems, text) = b
        .render_body(
            &image_size,
            &resolve_link,
            if single { Some(&data_uri) } else { None },
            labels(site, b.lang),
        )
        .map_err(|e| vec![e])?;
    let related = site.related[i]
        .iter()
        .map(|&j| site.summary_in(b.lang, j))
        .collect();
    let body_len = body.intro_html.len()
        + body.footnotes_html.len()
        + body.sections.iter().map(|s| s.html.len()).sum::<usize>();
    let pdf = site.pdf.as_ref().and_then(|engine| {
        // The single file links the PDF only where it can reach it.
        if single && site.config.base_url.is_empty() {
            return None;
        }
        let bytes = engine.size(site, i).unwrap_or(0);
        Some(PdfLink {
            url: absolute(paths::pdf_name(&b.url)),
            size: if bytes == 0 {
                String::new()
            } else {
                crate::pdf::human_size(bytes)
            },
            bytes,
        })
    });
    let reads = site.templates.reads();
    let config = &site.langs[b.lang].config;
    // The three styles are formatted with the CSL locale of the page's
    // language ("5 septembre 2012"). A language hayagriva has no locale
    // for gets them in English (en-US) only where the page's interface is
    // English (a one-language site in a language brief has no table for);
    // elsewhere they are left off rather than show English terms.
    let english = crate::i18n::interface_is_english(&config.language, site.multilingual());
    let locale = reads
        .cite
        .then(|| crate::citation::locale_for(&config.language, english))
        .flatten();
    let cite_styles = match locale {
        Some(locale) => {
            let code = &site.langs[b.lang].code;
            let label = |key: &str| site.strings.get(code, key).unwrap_or(key).to_string();
            crate::citation::styled(b, config, &site.cite_cache, locale, label)
        }
        None => Vec::new(),
    };
    let mut view = BriefingView::new(b, &body, config, related, cite_styles, reads, pdf);
    if single {
        view.single_file = true;
        view.inline_css = crate::single::stylesheet(site);
    } else if site.config.single_file {
        view.single = Some(paths::single_name(&b.url));
    }
    // The single file's links to the rest of the site are absolute, or
    // not written.
    let root = if single {
        site.config.base_url_slash()
    } else {
        paths::root_prefix(&b.url)
    };
    let mut ctx = Context::new();
    if site.langs[b.lang].localize {
        localize_dates(site, &site.langs[b.lang].code, &mut view);
    }
    if let Some(json) = json_ld_with_editions(site, i, &view.json_ld) {
        view.json_ld = json;
    }
    if site.multilingual() {
        lang_context(site, &mut ctx, b.lang, Page::Briefing(i), &root);
        // The single file without `base_url` cannot reach the other
        // editions: it names none.
        let unreachable = single && root.is_empty();
        if unreachable {
            ctx.insert("alternates", &[(); 0]);
            ctx.insert("languages", &[(); 0]);
        }
        // A translation says what it translates, and links to it.
        if let Some(&o) = site.editions(i).first()
            && o != i
            && !unreachable
        {
            let original = &site.briefings[o];
            let code = &site.langs[original.lang].code;
            ctx.insert(
                "translation_of",
                &Original {
                    lang: code,
                    name: site.strings.get(code, "language_name").unwrap_or_default(),
                    path: paths::page(&original.url),
                    href: format!("{root}{}", paths::page(&original.url)),
                    title: &original.front.title,
                },
            );
        }
    }
    ctx.insert("page", &view);
    ctx.insert("root", &root);
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

/// The JSON-LD of briefing `i` when it has editions in other languages
/// (and absolute URLs): with `translationOfWork`, a translation's
/// original, or `workTranslation`, an original's translations, as
/// schema.org relates them. `None` leaves it as it is.
fn json_ld_with_editions(site: &Site, i: usize, json: &str) -> Option<String> {
    let base = site.config.base_url_slash();
    let editions = site.editions(i);
    if base.is_empty() || json.is_empty() || editions.len() < 2 {
        return None;
    }
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    let work = |j: usize| {
        let b = &site.briefings[j];
        serde_json::json!({
            "@type": "NewsArticle",
            "inLanguage": site.langs[b.lang].config.language,
            "url": format!("{base}{}", b.url),
        })
    };
    let map = value.as_object_mut()?;
    if editions[0] == i {
        let translations = editions[1..].iter().map(|&j| work(j)).collect();
        map.insert(
            "workTranslation".into(),
            serde_json::Value::Array(translations),
        );
    } else {
        map.insert("translationOfWork".into(), work(editions[0]));
    }
    Some(crate::views::script_safe_json(&value))
}

/// What a translation's page sees of its original, as `translation_of`.
#[derive(Debug, Serialize)]
struct Original<'a> {
    /// Its language tag.
    lang: &'a str,
    /// Its language's name in that language ("English").
    name: &'a str,
    /// Its page relative to the site root.
    path: String,
    /// Its page relative to the translation's.
    href: String,
    /// Its headline.
    title: &'a str,
}

/// The dates a briefing's view spells out in English (its publication
/// time, its source's date, its timeline) in the month names of `lang`.
fn localize_dates(site: &Site, lang: &str, view: &mut BriefingView<'_>) {
    let s = &site.strings;
    view.published_time = s.localize_months(lang, &view.published_time);
    if let Some(source) = &mut view.source {
        source.date_label = source
            .date_label
            .as_ref()
            .map(|d| s.localize_months(lang, d));
    }
    for t in &mut view.timeline {
        t.label = s.localize_months(lang, &t.label);
    }
}

/// The words a rendered body adds of its own, in language `lang`.
fn labels(site: &Site, lang: usize) -> crate::markdown::Labels<'_> {
    let code = &site.langs[lang].code;
    let mut labels = crate::markdown::Labels::default();
    let words = [
        ("notes", &mut labels.notes),
        ("back_to_reference", &mut labels.back_to_reference),
        ("table", &mut labels.table),
    ];
    for (key, slot) in words {
        if let Some(s) = site.strings.get(code, key) {
            *slot = s;
        }
    }
    labels
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
    let config = &site.langs[list.lang].config;
    let tags = site.lang_tags(list.lang);
    let (template, name) = match list.tag.as_deref().and_then(|s| tags.by_slug.get(s)) {
        Some(tag) => {
            ctx.insert("tag", tag);
            ("tag.html", tag.name.as_str())
        }
        None => ("index.html", config.title.as_str()),
    };
    ctx.insert_value(
        "pages",
        tera::Value::from(
            list.items
                .iter()
                .map(|&i| site.summary_in(list.lang, i))
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
    let root = paths::root_prefix(&list.folder);
    lang_context(
        site,
        &mut ctx,
        list.lang,
        Page::List(list.tag.as_deref(), list.number),
        &root,
    );
    ctx.insert("root", &root);
    if site.templates.reads().json_ld {
        let briefings: Vec<&Briefing> = list.items.iter().map(|&i| &site.briefings[i]).collect();
        ctx.insert(
            "json_ld",
            &collection_json_ld(config, name, &list.folder, &briefings),
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
fn corrections(site: &Site, lang: usize) -> Vec<CorrectionEntry<'_>> {
    let mut all: Vec<CorrectionEntry<'_>> = site
        .corrected_in(lang)
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

/// The Atom feed of language `lang`: the site's (`None`) or a tag's.
fn feed(site: &Site, lang: usize, tag: Option<&str>) -> String {
    let config = &site.langs[lang].config;
    let prefix = &config.lang_prefix;
    let briefings: Vec<&Briefing> = site
        .lang_items(lang, tag)
        .iter()
        .map(|&i| &site.briefings[i])
        .collect();
    match tag.and_then(|slug| site.lang_tags(lang).by_slug.get(slug)) {
        None => feeds::atom(
            config,
            &config.title,
            &format!("{prefix}atom.xml"),
            prefix,
            &briefings,
        ),
        Some(tag) => {
            let dir = format!("{prefix}{}", paths::tag(&tag.slug));
            let title = format!("{}: {}", config.title, tag.name);
            feeds::atom(config, &title, &format!("{dir}atom.xml"), &dir, &briefings)
        }
    }
}

/// `sitemap.xml`: the home page, every briefing, the tags overview and
/// every tag's page, in each language, each with its editions in the
/// other languages on a site in several.
fn sitemap(site: &Site) -> String {
    let modified = |i: &usize| site.briefings[*i].front.modified();
    let entry = |path: String, lastmod, page: Page<'_>| SitemapEntry {
        path,
        lastmod,
        alternates: site
            .alternates(page, "")
            .into_iter()
            .map(|e| (e.lang, e.href))
            .collect(),
    };
    let mut entries = Vec::new();
    for lang in 0..site.langs.len() {
        let prefix = &site.langs[lang].config.lang_prefix;
        let newest = site.lang_items(lang, None).iter().map(modified).max();
        entries.push(entry(prefix.clone(), newest, Page::List(None, 1)));
        if lang == 0 {
            entries.extend(
                site.briefings.iter().enumerate().map(|(i, b)| {
                    entry(b.url.clone(), Some(b.front.modified()), Page::Briefing(i))
                }),
            );
        }
        let tags = site.lang_tags(lang);
        if !tags.by_slug.is_empty() {
            entries.push(entry(format!("{prefix}tags/"), newest, Page::TagsIndex));
            entries.extend(tags.by_slug.values().map(|t| {
                entry(
                    format!("{prefix}{}", paths::tag(&t.slug)),
                    t.pages.iter().map(modified).max(),
                    Page::List(Some(&t.slug), 1),
                )
            }));
        }
    }
    for lang in 0..site.langs.len() {
        let corrected = site.corrected_in(lang);
        if !corrected.is_empty() {
            entries.push(entry(
                format!(
                    "{}{}",
                    site.langs[lang].config.lang_prefix,
                    paths::CORRECTIONS
                ),
                corrected.iter().map(modified).max(),
                Page::Corrections,
            ));
        }
    }
    feeds::sitemap(&site.config, &entries)
}
