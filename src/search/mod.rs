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
//! carries its language, so one bundle can hold one index per language.

use crate::briefing::Briefing;
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
    /// What is searched: the heading, then the text.
    pub content: String,
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
        meta.insert("date_label".to_string(), day.long());
        meta.insert("tags".to_string(), tags.join(", "));
        let mut content = String::with_capacity(title.len() + text.len() + 2);
        content.push_str(title);
        if !text.is_empty() {
            content.push_str(". ");
            content.push_str(text);
        }
        Record {
            url,
            content,
            language: site.config.language.clone(),
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
pub fn bundle(records: Vec<Record>) -> Result<Vec<(String, Contents)>, SourceError> {
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
        for r in records {
            index
                .add_custom_record(
                    r.url,
                    r.content,
                    r.language,
                    Some(r.meta),
                    Some(r.filters),
                    None,
                )
                .await?;
        }
        index.get_files().await
    });
    let files = files.map_err(|e| failed("built", &e))?;
    let files = files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .filter(|(name, _)| wanted(name))
        .collect();
    let files = stable::stabilise(files).map_err(|e| failed("written", &e))?;
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

/// One month of the archive (`archive/index.html`), which the search page
/// links to for readers without the index.
#[derive(Debug, serde::Serialize)]
pub struct Month {
    /// `2026-12`, also the heading's id (`archive-2026-12`).
    pub month: String,
    /// `December 2026`.
    pub label: String,
    /// The month's briefings, newest first, as list summaries.
    pub pages: Vec<tera::Value>,
}

/// Every briefing the home page lists, grouped by month, newest first:
/// the archive page, which the search page offers when the index cannot
/// be loaded.
pub fn archive(site: &Site) -> Vec<Month> {
    let mut months: Vec<Month> = Vec::new();
    for &i in site.list_items(None) {
        let day = site.briefings[i].front.date.day;
        let month = format!("{:04}-{:02}", day.year, day.month);
        if months.last().is_none_or(|m| m.month != month) {
            months.push(Month {
                label: format!("{} {}", day.month_name(), day.year),
                month,
                pages: Vec::new(),
            });
        }
        if let Some(last) = months.last_mut() {
            last.pages.push(site.summaries[i].clone());
        }
    }
    months
}

/// The years briefings were published in, newest first, for the search
/// page's year filter.
pub fn years(site: &Site) -> Vec<i32> {
    let mut years: Vec<i32> = site
        .list_items(None)
        .iter()
        .map(|&i| site.briefings[i].front.date.day.year)
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
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
        assert_eq!(one.content, "One. First part.");
        assert_eq!(one.language, "fr");
        assert_eq!(one.meta["title"], "One");
        assert_eq!(one.meta["briefing"], "A");
        assert_eq!(one.meta["date"], "2026-11-02");
        assert_eq!(one.filters["tag"], ["Mali"]);
        assert_eq!(one.filters["year"], ["2026"]);
        assert_eq!(records[0].content, "A. Intro.");
        // No tags, no tag filter.
        assert!(!records[2].filters.contains_key("tag"));
    }

    #[test]
    fn the_archive_groups_the_home_list_by_month_newest_first() {
        let (_dir, site) = site(FILES, false);
        let months = archive(&site);
        let shown: Vec<(&str, &str, usize)> = months
            .iter()
            .map(|m| (m.month.as_str(), m.label.as_str(), m.pages.len()))
            .collect();
        assert_eq!(
            shown,
            [
                ("2026-11", "November 2026", 1),
                ("2025-11", "November 2025", 1)
            ]
        );
        assert_eq!(years(&site), [2026, 2025]);
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
