//! Search: the records of the search index, one per part of a briefing,
//! from brief's own render values, and Pagefind's files built from them.
//!
//! Each published briefing gives one record for its top (headline, dek,
//! key points and the text before the first section) and one per `## `
//! section, linking to the section's anchor. Records are made from the
//! rendered body's plain text ([`crate::markdown::Section::text`]), never
//! by reading the HTML back. Drafts and briefings dated after the build's
//! clock are never indexed, whatever the build shows.
//!
//! The index itself is Pagefind's ([`pagefind::api::PagefindIndex`]): its
//! files go under `pagefind/` through the build's output like any other
//! route's, and the search page loads its `pagefind.js`. Each record
//! carries its briefing's language (the page's `<html lang>`), so one
//! bundle holds one index per language, and Pagefind's script picks the
//! one of the search page that loads it: each language has its own search
//! page (`search/`, `fr/search/`) and archive (`archive/`, `fr/archive/`).

use crate::briefing::Briefing;
use crate::cache::DiskCache;
use crate::diagnostics::SourceError;
use crate::output::Contents;
use crate::plan::paths;
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;

mod stable;

/// One entry of the search index: a part of a briefing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// The part's address relative to the site root:
    /// `sahel/mali/index.html#request`.
    pub url: String,
    /// The part's heading: the headline for the top, else the section's.
    pub title: String,
    /// The part's text as readers see it, markup gone.
    pub text: String,
    /// The language of the text (a BCP 47 tag, `en`, `fr-FR`).
    pub language: String,
    /// Shown with each result: `title` (the section's heading, or the
    /// headline for the top), `briefing` (the headline), `date`
    /// (`YYYY-MM-DD`), `date_label` (`5 September 2012`), `tags` (joined
    /// with `, `).
    pub meta: BTreeMap<String, String>,
    /// What results can be narrowed to: `tag` (every tag's name) and
    /// `year`.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// Whether briefing `b` may be searched: published, and live by the
/// build's clock (`--future` and `--drafts` show pages, never index them).
pub fn searchable(b: &Briefing, site: &Site) -> bool {
    !b.front.draft && b.front.date.instant() <= site.now
}

/// The briefings the index holds, by index into the site's briefings.
pub fn indexed(site: &Site) -> Vec<usize> {
    (0..site.briefings.len())
        .filter(|&i| searchable(&site.briefings[i], site))
        .collect()
}

/// The records of briefing `i`: its top, then each section. Its body is
/// rendered again for its plain text (links resolved as on its page).
pub fn records_of(site: &Site, i: usize) -> Result<Vec<Record>, SourceError> {
    let b = &site.briefings[i];
    if !searchable(b, site) {
        return Ok(Vec::new());
    }
    let resolve_link = |url: &str| site.links.resolve(&b.url, url);
    let (body, _, _) = b.render_body_with(
        &|_| None,
        &resolve_link,
        None,
        crate::markdown::Labels::default(),
        true,
    )?;
    let page = paths::page(&b.url);
    let day = b.front.date.day;
    let lang = &site.langs[b.lang];
    // The date as the briefing's page shows it (`27 novembre 2026`).
    let date_label = site.strings.localize_months(&lang.code, &day.long());
    let tags: Vec<String> = b.tags.iter().map(|(name, _)| name.clone()).collect();
    let mut filters = BTreeMap::new();
    if !tags.is_empty() {
        filters.insert("tag".to_string(), tags.clone());
    }
    filters.insert("year".to_string(), vec![day.year.to_string()]);
    let record = |url: String, title: &str, text: &str| {
        let mut meta = BTreeMap::new();
        meta.insert("title".to_string(), title.to_string());
        meta.insert("briefing".to_string(), b.front.title.clone());
        meta.insert("date".to_string(), day.to_string());
        meta.insert("date_label".to_string(), date_label.clone());
        meta.insert("tags".to_string(), tags.join(", "));
        Record {
            url,
            title: title.to_string(),
            text: text.to_string(),
            language: lang.config.language.clone(),
            meta,
            filters: filters.clone(),
        }
    };
    let mut top = String::new();
    for part in std::iter::once(&b.front.summary)
        .chain(&b.front.key_points)
        .chain(std::iter::once(&body.intro_text))
    {
        if !part.trim().is_empty() {
            if !top.is_empty() {
                top.push(' ');
            }
            top.push_str(part.trim());
        }
    }
    let mut records = vec![record(page.clone(), &b.front.title, &top)];
    records.extend(
        body.sections
            .iter()
            .map(|s| record(format!("{page}#{}", s.id), &s.title, &s.text)),
    );
    Ok(records)
}

/// Every record of the site, briefings newest first, made on every core.
pub fn records(site: &Site) -> Result<Vec<Record>, Vec<SourceError>> {
    let parts: Vec<Result<Vec<Record>, SourceError>> = indexed(site)
        .into_par_iter()
        .map(|i| records_of(site, i))
        .collect();
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for part in parts {
        match part {
            Ok(mut r) => records.append(&mut r),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// Pagefind's files for `records`, by path relative to the output root
/// (`pagefind/pagefind.js`, `pagefind/fragment/…`): the index, its
/// filters, the search library and its WebAssembly. Pagefind's indexer is
/// asynchronous; it runs here on a small runtime of its own, started only
/// when a site has search on.
///
/// Each briefing's records go to Pagefind as one page ([`page_html`]):
/// its sections become the page's sub-results, found by their headings'
/// anchors, so the index holds one entry a briefing rather than one a
/// section. That keeps the metadata every search fetches a quarter of the
/// size, and Pagefind's per-entry work with it.
///
/// With a `cache`, an index made from the very same pages (by this very
/// binary, see [`crate::cache::key`]) is taken from it instead of asking
/// Pagefind again, and a new one is kept there as its only entry: a build
/// whose briefings did not change (a template edited, the output moved
/// aside) skips indexing, which is nearly all of a big site's build time.
pub fn bundle(
    records: Vec<Record>,
    cache: Option<&DiskCache>,
) -> Result<Vec<(String, Contents)>, SourceError> {
    let pages = pages(&records);
    drop(records);
    let key = crate::cache::key(&("search-v1", &pages));
    let cached = cache.and_then(|c| unpack(&c.get(key)?));
    let files = match cached {
        Some(files) => files,
        None => {
            let files = index(pages)?;
            if let Some(cache) = cache {
                cache.put_alone(key, &pack(&files));
            }
            files
        }
    };
    Ok(files
        .into_iter()
        .map(|(name, bytes)| {
            (
                format!("{}{name}", paths::SEARCH_INDEX),
                Contents::Bytes(bytes),
            )
        })
        .collect())
}

/// The index files Pagefind makes of `pages`, named stably.
fn index(pages: Vec<(String, String)>) -> Result<Vec<(String, Vec<u8>)>, SourceError> {
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        SourceError::new("site.toml", format!("the search index could not be {what}: {e}"))
            .with_help("this is a fault in brief or Pagefind; set `search = false` in site.toml to build without search meanwhile")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed("started", &e))?;
    let files = runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))?;
        for (url, html) in pages {
            index.add_html_file(None, Some(url), html).await?;
        }
        index.get_files().await
    });
    let files = files.map_err(|e| failed("built", &e))?;
    let files = files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .filter(|(name, _)| wanted(name))
        .collect();
    stable::stabilise(files).map_err(|e| failed("written", &e))
}

/// Index files as one run of bytes for the cache: for each file, its
/// name's length (4 bytes, little-endian), the name, its length (8 bytes)
/// and its bytes.
fn pack(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size: usize = files.iter().map(|(n, b)| 12 + n.len() + b.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (name, bytes) in files {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// [`pack`] undone; `None` for anything that is not exactly such a run
/// (a damaged cache file is a miss, never an index).
fn unpack(mut bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = bytes.split_at_checked(n)?;
        *bytes = rest;
        Some(head)
    }
    let mut files = Vec::new();
    while !bytes.is_empty() {
        let n = u32::from_le_bytes(take(&mut bytes, 4)?.try_into().ok()?) as usize;
        let name = std::str::from_utf8(take(&mut bytes, n)?).ok()?.to_string();
        let len =
            usize::try_from(u64::from_le_bytes(take(&mut bytes, 8)?.try_into().ok()?)).ok()?;
        let data = take(&mut bytes, len)?.to_vec();
        // Only names Pagefind gives, inside the index folder.
        if name.is_empty() || name.starts_with('/') || name.split('/').any(|p| p == "..") {
            return None;
        }
        files.push((name, data));
    }
    (!files.is_empty()).then_some(files)
}

/// `records` grouped by page (a briefing's records are consecutive, its
/// top first), each page as the HTML Pagefind reads: `(url, html)`.
fn pages(records: &[Record]) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < records.len() {
        let page = page_of(&records[start].url);
        let end = records[start..]
            .iter()
            .position(|r| page_of(&r.url) != page)
            .map_or(records.len(), |n| start + n);
        pages.push((page.to_string(), page_html(&records[start..end])));
        start = end;
    }
    pages
}

/// The page part of a record's URL (`mali/index.html#request` →
/// `mali/index.html`).
fn page_of(url: &str) -> &str {
    url.split_once('#').map_or(url, |(page, _)| page)
}

/// One briefing's records as a small HTML document for Pagefind: never
/// the page brief wrote, but the records' own text, escaped. The top is
/// the page's `<h1>` and text; each section an `<h2>` with its anchor's id,
/// which Pagefind turns into a sub-result linking to that section. What
/// results show and are filtered by is in `<meta>` elements, so it is not
/// searched as text.
fn page_html(records: &[Record]) -> String {
    let mut html = String::with_capacity(
        records
            .iter()
            .map(|r| r.title.len() + r.text.len() + 32)
            .sum::<usize>()
            + 512,
    );
    let lang = records.first().map_or("", |r| r.language.as_str());
    html.push_str("<!DOCTYPE html><html lang=\"");
    html.push_str(&attr(lang));
    html.push_str("\"><head>");
    if let Some(top) = records.first() {
        for (key, value) in &top.meta {
            // The top's title is the headline; each section's is its heading.
            html.push_str(&format!(
                "<meta data-pagefind-meta=\"{}[content]\" content=\"{}\">",
                attr(key),
                attr(value)
            ));
        }
        for (key, values) in &top.filters {
            for value in values {
                html.push_str(&format!(
                    "<meta data-pagefind-filter=\"{}[content]\" content=\"{}\">",
                    attr(key),
                    attr(value)
                ));
            }
        }
    }
    html.push_str("</head><body>");
    for r in records {
        match r.url.split_once('#') {
            None => html.push_str(&format!("<h1>{}</h1>", text(&r.title))),
            Some((_, id)) => {
                html.push_str(&format!("<h2 id=\"{}\">{}</h2>", attr(id), text(&r.title)))
            }
        }
        if !r.text.is_empty() {
            html.push_str(&format!("<p>{}</p>", text(&r.text)));
        }
    }
    html.push_str("</body></html>");
    html
}

/// Author text for Pagefind's HTML: markup characters escaped, and no
/// word starting with `_`, the way Pagefind's own markers start
/// (`___PAGEFIND_ANCHOR___…`, `___PAGEFIND_WEIGHT___…`, which its indexer
/// reads as anchors and weights, never as words): such a word gets a
/// zero-width space in front, which the indexer drops after that check,
/// so it is searched and shown as written, and no text can move a
/// result's anchor or hide words from search.
fn text(s: &str) -> String {
    let escaped = crate::markdown::escape_text(s);
    let mut out = String::with_capacity(escaped.len());
    let mut word_start = true;
    for c in escaped.chars() {
        if c == '_' && word_start {
            out.push('\u{200B}');
        }
        word_start = c.is_whitespace();
        out.push(c);
    }
    out
}

/// `s` for a double-quoted attribute (metadata and filters, which
/// Pagefind never reads for markers).
fn attr(s: &str) -> String {
    crate::markdown::escape_text(s).replace('"', "&quot;")
}

/// Whether a file of Pagefind's bundle is written: its default interfaces
/// (`pagefind-ui.js`, `pagefind-component-ui.css`…) and highlighting script
/// are left out, since the search page has its own small script.
fn wanted(name: &str) -> bool {
    let own_interface = name.ends_with(".css")
        || (name.starts_with("pagefind-")
            && name != "pagefind-worker.js"
            && name != "pagefind-entry.json");
    !own_interface
}

/// One month of an archive (`archive/index.html`, `fr/archive/index.html`),
/// which the search page of its language links to for readers without the
/// index.
#[derive(Debug, serde::Serialize)]
pub struct Month {
    /// `2026-12`, also the heading's id (`archive-2026-12`).
    pub month: String,
    /// `December 2026`, in the archive's language (`Décembre 2026`).
    pub label: String,
    /// The month's briefings, newest first, as list summaries.
    pub pages: Vec<tera::Value>,
}

/// Every briefing the home page of language `lang` lists (its own, and
/// with `fallback = "show"` the originals not translated into it), grouped
/// by month, newest first: the archive page, which the search page offers
/// when the index cannot be loaded.
pub fn archive(site: &Site, lang: usize) -> Vec<Month> {
    let names = site.strings.months(&site.langs[lang].code);
    let mut months: Vec<Month> = Vec::new();
    for &i in site.lang_items(lang, None) {
        let day = site.briefings[i].front.date.day;
        let month = format!("{:04}-{:02}", day.year, day.month);
        if months.last().is_none_or(|m| m.month != month) {
            let name = names.map_or(day.month_name(), |n| n[usize::from(day.month) - 1]);
            months.push(Month {
                label: format!("{} {}", capitalised(name), day.year),
                month,
                pages: Vec::new(),
            });
        }
        if let Some(last) = months.last_mut() {
            last.pages.push(site.summary_in(lang, i));
        }
    }
    months
}

/// `name` with its first letter upper case, as a heading begins: French
/// month names are lower case in a date (`5 novembre`), not as a heading.
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The years the briefings of language `lang` were published in, newest
/// first, for its search page's year filter. Originals another language
/// lists untranslated are not in its index, so they add no year.
pub fn years(site: &Site, lang: usize) -> Vec<i32> {
    let mut years: Vec<i32> = site
        .lang_items(lang, None)
        .iter()
        .filter(|&&i| site.briefings[i].lang == lang)
        .map(|&i| site.briefings[i].front.date.day.year)
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

/// The names of the tags of language `lang` that its index can narrow
/// results to (a tag of its own briefings, as its pages name it), sorted
/// as its tags overview sorts them, for its search page's topic filter.
pub fn tag_names(site: &Site, lang: usize) -> Vec<&str> {
    site.lang_tags(lang)
        .sorted()
        .into_iter()
        .filter(|t| t.pages.iter().any(|&i| site.briefings[i].lang == lang))
        .map(|t| t.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{LoadOptions, Selection};

    fn site(files: &[(&str, &str)], drafts_and_future: bool) -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let options = LoadOptions {
            selection: Selection {
                drafts: drafts_and_future,
                future: drafts_and_future,
                clock: Some("2026-12-01T00:00:00Z".parse().unwrap()),
            },
            ..LoadOptions::default()
        };
        let (site, problems) = Site::load(dir.path(), &options).unwrap();
        assert!(problems.0.is_empty(), "{problems:?}");
        (dir, site)
    }

    const FILES: &[(&str, &str)] = &[
        ("site.toml", "search = true\nlanguage = \"fr\"\n"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = 2026-11-02\ntags = [\"Mali\"]\n+++\n\nIntro.\n\n## One {#one}\n\nFirst *part*.\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\ndate = 2025-11-20\n+++\n\n## Two\n\nSecond.\n",
        ),
        (
            "content/c.md",
            "+++\ntitle = \"C\"\ndate = 2026-11-01\ndraft = true\n+++\n\n## Draft\n\nHidden.\n",
        ),
        (
            "content/d.md",
            "+++\ntitle = \"D\"\ndate = 2026-12-24\n+++\n\n## Later\n\nEmbargoed.\n",
        ),
    ];

    #[test]
    fn records_are_the_top_and_each_section_of_published_briefings_only() {
        // Even when the build shows drafts and future briefings.
        let (_dir, site) = site(FILES, true);
        assert_eq!(site.briefings.len(), 4);
        let records = records(&site).unwrap();
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
        let one = &records[1];
        assert_eq!(
            (one.title.as_str(), one.text.as_str()),
            ("One", "First part.")
        );
        assert_eq!(one.language, "fr");
        assert_eq!(one.meta["title"], "One");
        assert_eq!(one.meta["briefing"], "A");
        assert_eq!(one.meta["date"], "2026-11-02");
        assert_eq!(one.filters["tag"], ["Mali"]);
        assert_eq!(one.filters["year"], ["2026"]);
        assert_eq!(records[0].text, "Intro.");
        // No tags, no tag filter.
        assert!(!records[2].filters.contains_key("tag"));
    }

    #[test]
    fn the_archive_groups_the_home_list_by_month_newest_first() {
        // A one-language French site: its month names are French, as its
        // dates are.
        let (_dir, site) = site(FILES, false);
        let months = archive(&site, 0);
        let shown: Vec<(&str, &str, usize)> = months
            .iter()
            .map(|m| (m.month.as_str(), m.label.as_str(), m.pages.len()))
            .collect();
        assert_eq!(
            shown,
            [
                ("2026-11", "Novembre 2026", 1),
                ("2025-11", "Novembre 2025", 1)
            ]
        );
        assert_eq!(years(&site, 0), [2026, 2025]);
        assert_eq!(
            records(&site).unwrap()[0].meta["date_label"],
            "2 novembre 2026"
        );
    }

    fn json(value: &tera::Value) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    /// English by default and French: `a` is translated, `b` is not.
    const BILINGUAL: &[(&str, &str)] = &[
        (
            "site.toml",
            "search = true\n\n[languages.fr]\ntitle = \"Notes\"\n",
        ),
        (
            "content/a.md",
            "+++\ntitle = \"Ports\"\ndate = 2026-11-02\ntags = [\"Trade\", \"Mali\"]\n+++\n\n## Docks {#docks}\n\nCranes.\n",
        ),
        (
            "content/a.fr.md",
            "+++\ntitle = \"Les ports\"\ndate = 2026-11-02\ntags = [\"Commerce\", \"Mali\"]\n+++\n\n## Quais {#docks}\n\nGrues.\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"Roads\"\ndate = 2025-03-20\ntags = [\"Roads\"]\n+++\n\n## Tolls\n\nFees.\n",
        ),
    ];

    #[test]
    fn records_carry_their_briefings_language() {
        let (_dir, site) = site(BILINGUAL, false);
        let records = records(&site).unwrap();
        let shown: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.url.as_str(), r.language.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("fr/a/index.html", "fr"),
                ("fr/a/index.html#docks", "fr"),
                ("a/index.html", "en"),
                ("a/index.html#docks", "en"),
                ("b/index.html", "en"),
                ("b/index.html#tolls", "en"),
            ]
        );
        let french = &records[1];
        assert_eq!(
            (french.title.as_str(), french.text.as_str()),
            ("Quais", "Grues.")
        );
        assert_eq!(french.meta["date_label"], "2 novembre 2026");
        assert_eq!(french.filters["tag"], ["Commerce", "Mali"]);
        assert_eq!(records[3].meta["date_label"], "2 November 2026");
    }

    #[test]
    fn each_language_has_its_archive_years_and_topics() {
        let (_dir, site) = site(BILINGUAL, false);
        let titles = |lang: usize| -> Vec<(String, Vec<String>)> {
            archive(&site, lang)
                .into_iter()
                .map(|m| {
                    let pages = m
                        .pages
                        .iter()
                        .map(|p| json(p)["title"].to_string())
                        .collect();
                    (m.label, pages)
                })
                .collect()
        };
        assert_eq!(
            titles(0),
            [
                ("November 2026".to_string(), vec!["\"Ports\"".to_string()]),
                ("March 2025".to_string(), vec!["\"Roads\"".to_string()]),
            ]
        );
        // The French archive: the translation, then the original not yet
        // translated, marked with its language.
        assert_eq!(
            titles(1),
            [
                (
                    "Novembre 2026".to_string(),
                    vec!["\"Les ports\"".to_string()]
                ),
                ("Mars 2025".to_string(), vec!["\"Roads\"".to_string()]),
            ]
        );
        let french = archive(&site, 1);
        assert_eq!(json(&french[0].pages[0])["lang"], "fr");
        assert_eq!(json(&french[1].pages[0])["lang"], "en");
        // The French index holds only French records: the untranslated
        // original adds no year and no topic to filter by.
        assert_eq!(years(&site, 0), [2026, 2025]);
        assert_eq!(years(&site, 1), [2026]);
        assert_eq!(tag_names(&site, 0), ["Mali", "Roads", "Trade"]);
        assert_eq!(tag_names(&site, 1), ["Commerce", "Mali"]);
    }

    #[test]
    fn the_same_pages_take_their_index_from_the_cache() {
        let (dir, site) = site(BILINGUAL, false);
        let cache = DiskCache::open(dir.path(), "search");
        let fresh = bundle(records(&site).unwrap(), None).unwrap();
        let first = bundle(records(&site).unwrap(), Some(&cache)).unwrap();
        assert_eq!(first, fresh, "what is kept is what Pagefind made");
        let kept: Vec<_> = std::fs::read_dir(dir.path().join(".brief-cache/search"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        // What the cache holds is what the next build gets: a marker
        // packed in its place shows the index was not made again.
        let marker = vec![("pagefind-entry.json".to_string(), b"kept".to_vec())];
        std::fs::write(&kept[0], pack(&marker)).unwrap();
        let second = bundle(records(&site).unwrap(), Some(&cache)).unwrap();
        assert_eq!(
            second,
            [(
                format!("{}pagefind-entry.json", paths::SEARCH_INDEX),
                Contents::Bytes(b"kept".to_vec())
            )]
        );
        // A damaged file is a miss: the index is made again, and kept.
        for damaged in [&b"\x05\0\0\0ab"[..], &pack(&[("../x".into(), vec![])])[..]] {
            std::fs::write(&kept[0], damaged).unwrap();
            assert_eq!(
                bundle(records(&site).unwrap(), Some(&cache)).unwrap(),
                fresh
            );
        }
        assert_eq!(
            unpack(&pack(&fresh_files(&fresh))),
            Some(fresh_files(&fresh))
        );
    }

    /// `files` without the index folder in their names, as packed.
    fn fresh_files(files: &[(String, Contents)]) -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|(name, contents)| {
                let Contents::Bytes(bytes) = contents else {
                    panic!("index files are bytes")
                };
                (
                    name.strip_prefix(paths::SEARCH_INDEX).unwrap().to_string(),
                    bytes.clone(),
                )
            })
            .collect()
    }

    /// The fragment Pagefind wrote for `page` (gzipped JSON after a
    /// `pagefind_dcd` marker).
    fn fragment(files: &[(String, Contents)], page: &str) -> serde_json::Value {
        use std::io::Read;
        files
            .iter()
            .filter(|(name, _)| name.contains("/fragment/"))
            .map(|(_, contents)| {
                let Contents::Bytes(bytes) = contents else {
                    panic!("a fragment is bytes")
                };
                let mut text = String::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_string(&mut text)
                    .unwrap();
                serde_json::from_str::<serde_json::Value>(
                    text.strip_prefix("pagefind_dcd").expect("marker"),
                )
                .unwrap()
            })
            .find(|f| f["url"] == page)
            .unwrap_or_else(|| panic!("no fragment for {page}"))
    }

    #[test]
    fn each_briefing_is_one_page_of_the_index_with_its_sections_as_anchors() {
        let (_dir, site) = site(FILES, false);
        let files = bundle(records(&site).unwrap(), None).unwrap();
        let a = fragment(&files, "a/index.html");
        assert_eq!(a["meta"]["title"], "A");
        assert_eq!(a["meta"]["briefing"], "A");
        assert_eq!(a["meta"]["date"], "2026-11-02");
        assert_eq!(a["filters"]["tag"], serde_json::json!(["Mali"]));
        assert_eq!(a["filters"]["year"], serde_json::json!(["2026"]));
        let anchors: Vec<(&str, &str, &str)> = a["anchors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["element"].as_str().unwrap(),
                    x["id"].as_str().unwrap(),
                    x["text"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(anchors, [("h2", "one", "One")]);
        assert_eq!(a["content"], "A. Intro. One. First part.");
        // Metadata is shown, not searched as the page's text.
        assert!(!a["content"].as_str().unwrap().contains("2026"));
    }

    #[test]
    fn text_cannot_pass_for_pagefinds_markers() {
        // Pagefind reads words like these, in the text it indexes, as
        // anchors and weights; written by an author they are words.
        let written = "___PAGEFIND_ANCHOR___h2:0:evil ___PAGEFIND_WEIGHT___0 zanzibarite \
                       ___END_PAGEFIND_WEIGHT___ ___PAGEFIND_AUTO_WEIGHT___9 <b>&amp;";
        let record = Record {
            url: "x/index.html".into(),
            title: "X".into(),
            text: written.into(),
            language: "en".into(),
            meta: BTreeMap::from([("title".to_string(), "X".to_string())]),
            filters: BTreeMap::new(),
        };
        let html = page_html(std::slice::from_ref(&record));
        assert!(!html.contains(" ___") && !html.contains(">___"), "{html}");
        assert!(html.contains("&lt;b&gt;&amp;amp;"), "{html}");
        let files = bundle(vec![record], None).unwrap();
        let x = fragment(&files, "x/index.html");
        assert_eq!(x["anchors"], serde_json::json!([]));
        assert_eq!(x["content"], format!("X. {written}"));
    }

    #[test]
    fn only_the_files_the_search_page_reads_are_written() {
        for name in [
            "pagefind.js",
            "pagefind-worker.js",
            "pagefind-entry.json",
            "wasm.en.pagefind",
            "fragment/en_1.pf_fragment",
            "pagefind.en_1.pf_meta",
        ] {
            assert!(wanted(name), "{name}");
        }
        for name in [
            "pagefind-ui.js",
            "pagefind-ui.css",
            "pagefind-modular-ui.js",
            "pagefind-component-ui.css",
            "pagefind-highlight.js",
        ] {
            assert!(!wanted(name), "{name}");
        }
    }
}
