//! The build pipeline: load the site, render every page, hand the files to
//! [`crate::output`].

use crate::config::Config;
use crate::content::{self, CONTENT_DIR, Page};
use crate::date::Date;
use crate::diagnostics::{SourceError, display_path};
use crate::frontmatter::{Actor, KeyFact, PullQuote, Source, SourceLink};
use crate::markdown::{Section, TocEntry};
use crate::output::{Contents, OutputFile};
use crate::slug::slugify;
use crate::templates::Templates;
use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tera::Context;
use walkdir::WalkDir;

/// The folder copied as-is into the output, relative to the site root.
pub const STATIC_DIR: &str = "static";

/// Static files compiled into the binary; the site's `static/` overrides them.
pub const BUILTIN_STATIC: &[(&str, &str)] = &[("style.css", include_str!("../static/style.css"))];

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include briefings marked `draft = true`.
    pub drafts: bool,
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
    /// Things worth telling the user that do not stop the build.
    pub warnings: Vec<SourceError>,
    /// Files from `static/` and the built-in defaults, by output path.
    pub statics: BTreeMap<String, Contents>,
    /// Drafts left out because `--drafts` was not given.
    pub drafts_skipped: usize,
    templates: Templates,
}

impl Site {
    /// Reads config, templates, static files and every briefing.
    /// All briefings with errors are reported together, so one build shows
    /// every problem.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
        let config = Config::load(root)?;
        let mut templates = Templates::load(root)?;
        let discovered = content::discover(root, &root.join(CONTENT_DIR))?;
        let mut warnings = discovered.warnings;

        let results: Vec<Result<Page>> = discovered
            .files
            .par_iter()
            .map(|f| Page::load(root, f))
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
            return Err(combine(errors));
        }
        let before = pages.len();
        if !options.drafts {
            pages.retain(|p| !p.front.draft);
        }
        let drafts_skipped = before - pages.len();
        check_unique_urls(&pages)?;
        pages.sort_by(|a, b| {
            b.front
                .date
                .cmp(&a.front.date)
                .then_with(|| a.rel.cmp(&b.rel))
        });

        for page in &pages {
            if page.rendered.sections.is_empty() {
                warnings.push(
                    SourceError::new(&page.file, "this briefing has no `## ` sections")
                        .with_help("split the body into sections with `## Heading` lines; templates list and link them"),
                );
            }
        }

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

        Ok(Site {
            root: root.to_path_buf(),
            config,
            pages,
            warnings,
            statics,
            drafts_skipped,
            templates,
        })
    }

    /// Renders every page and lists every file of the output.
    pub fn render(&self) -> Result<Vec<OutputFile>> {
        let rendered: Vec<Result<OutputFile>> = self
            .pages
            .par_iter()
            .map(|page| self.render_briefing(page))
            .collect();
        let mut files = Vec::with_capacity(rendered.len() + self.statics.len() + 1);
        let mut errors = Vec::new();
        for r in rendered {
            match r {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(combine(errors));
        }
        files.push(self.render_index()?);
        for (path, contents) in &self.statics {
            files.push(OutputFile {
                path: path.clone(),
                contents: contents.clone(),
            });
        }
        Ok(files)
    }

    /// Renders one briefing page.
    pub fn render_briefing(&self, page: &Page) -> Result<OutputFile> {
        let view = BriefingView::new(page, &self.config);
        let mut ctx = Context::new();
        ctx.insert("page", &view);
        ctx.insert("root", &root_prefix(&page.url));
        let html = self
            .templates
            .render("briefing.html", &ctx, Some(&page.file))?;
        Ok(OutputFile {
            path: format!("{}index.html", page.url),
            contents: Contents::Bytes(html.into_bytes()),
        })
    }

    /// Renders the home page.
    pub fn render_index(&self) -> Result<OutputFile> {
        let list: Vec<Summary<'_>> = self
            .pages
            .iter()
            .map(|p| Summary::new(p, &self.config))
            .collect();
        let mut ctx = Context::new();
        ctx.insert("pages", &list);
        ctx.insert("root", "");
        ctx.insert("json_ld", &collection_json_ld(&self.config, &list));
        let html = self.templates.render("index.html", &ctx, None)?;
        Ok(OutputFile {
            path: "index.html".to_string(),
            contents: Contents::Bytes(html.into_bytes()),
        })
    }
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
        statics.insert(rel, Contents::Copy(entry.path().to_path_buf()));
    }
    Ok(statics)
}

/// `../` once per folder between a page and the site root.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// A tag as templates see it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TagView {
    /// As written.
    pub name: String,
    /// For URLs and ids.
    pub slug: String,
}

fn tags(page: &Page) -> Vec<TagView> {
    page.front
        .tags
        .iter()
        .map(|t| TagView {
            name: t.clone(),
            slug: slugify(t),
        })
        .collect()
}

/// A timeline entry as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineView<'a> {
    /// For the `datetime` attribute: `2012-07-05`, `2012-07` or `2012`.
    pub datetime: String,
    /// For readers: the entry's label, or the date in long form.
    pub label: String,
    /// What happened.
    pub event: &'a str,
}

/// What a list of briefings needs to know about each.
#[derive(Debug, Clone, Serialize)]
pub struct Summary<'a> {
    /// Headline.
    pub title: &'a str,
    /// Dek.
    pub summary: &'a str,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Date,
    /// Last revision, `YYYY-MM-DD`.
    pub updated: Option<Date>,
    /// Authors (the site's when the briefing names none).
    pub authors: &'a [String],
    /// Tags.
    pub tags: Vec<TagView>,
    /// The page's folder relative to the site root, e.g. `mali/`.
    pub url: &'a str,
    /// The page's file relative to the site root, e.g. `mali/index.html`;
    /// prefix it with `root` to link to it from any page.
    pub path: String,
    /// Absolute URL when `base_url` is set, else empty.
    pub permalink: String,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read, at least 1.
    pub reading_time: usize,
    /// Whether it is a draft.
    pub draft: bool,
}

impl<'a> Summary<'a> {
    fn new(page: &'a Page, config: &'a Config) -> Self {
        let authors = if page.front.authors.is_empty() {
            &config.authors
        } else {
            &page.front.authors
        };
        let words = page.rendered.words;
        let wpm = config.words_per_minute as usize;
        Summary {
            title: &page.front.title,
            summary: &page.front.summary,
            date: page.front.date,
            updated: page.front.updated,
            authors,
            tags: tags(page),
            url: &page.url,
            path: format!("{}index.html", page.url),
            permalink: if config.base_url.is_empty() {
                String::new()
            } else {
                format!("{}{}", config.base_url_slash(), page.url)
            },
            word_count: words,
            reading_time: words.div_ceil(wpm).max(1),
            draft: page.front.draft,
        }
    }
}

/// A briefing as `briefing.html` sees it, as `page`: borrowed from the
/// loaded page rather than copied.
#[derive(Debug, Serialize)]
pub struct BriefingView<'a> {
    /// Everything a list shows, flattened in.
    #[serde(flatten)]
    pub summary: Summary<'a>,
    /// The original publication.
    pub source: Option<&'a Source>,
    /// Takeaways.
    pub key_points: &'a [String],
    /// Label/value facts.
    pub key_facts: &'a [KeyFact],
    /// People and organisations.
    pub actors: &'a [Actor],
    /// Dated events.
    pub timeline: Vec<TimelineView<'a>>,
    /// Documents drawn on.
    pub sources: &'a [SourceLink],
    /// The pull quote, if any.
    pub pull_quote: Option<&'a PullQuote>,
    /// HTML before the first section.
    pub intro_html: &'a str,
    /// The sections.
    pub sections: &'a [Section],
    /// Headings as a tree.
    pub toc: &'a [TocEntry],
    /// Footnotes as a `<section>`, or empty.
    pub footnotes_html: &'a str,
    /// The whole body as HTML, headings included.
    pub content: String,
    /// The source file, relative to the site root.
    pub file: String,
    /// Schema.org `NewsArticle` as JSON, safe to put inside `<script>`.
    pub json_ld: String,
}

impl<'a> BriefingView<'a> {
    /// The view of `page`.
    pub fn new(page: &'a Page, config: &'a Config) -> Self {
        let summary = Summary::new(page, config);
        let json_ld = article_json_ld(page, config, &summary);
        BriefingView {
            summary,
            source: page.front.source.as_ref(),
            key_points: &page.front.key_points,
            key_facts: &page.front.key_facts,
            actors: &page.front.actors,
            timeline: page
                .front
                .timeline
                .iter()
                .map(|t| TimelineView {
                    datetime: t.date.machine(),
                    label: t.label.clone().unwrap_or_else(|| t.date.long()),
                    event: &t.event,
                })
                .collect(),
            sources: &page.front.sources,
            pull_quote: page.front.pull_quote.as_ref(),
            intro_html: &page.rendered.intro_html,
            sections: &page.rendered.sections,
            toc: &page.rendered.toc,
            footnotes_html: &page.rendered.footnotes_html,
            content: page.rendered.full_html(),
            file: page.file.display().to_string(),
            json_ld,
        }
    }
}

fn article_json_ld(page: &Page, config: &Config, summary: &Summary<'_>) -> String {
    let fm = &page.front;
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": fm.title,
        "datePublished": fm.date.to_string(),
        "dateModified": fm.updated.unwrap_or(fm.date).to_string(),
        "inLanguage": config.language,
        "wordCount": page.rendered.words,
    });
    let obj = ld.as_object_mut().expect("json! object literal");
    if !fm.summary.is_empty() {
        obj.insert("description".into(), fm.summary.clone().into());
    }
    if !summary.authors.is_empty() {
        let authors: Vec<_> = summary
            .authors
            .iter()
            .map(|a| serde_json::json!({"@type": "Person", "name": a}))
            .collect();
        obj.insert("author".into(), authors.into());
    }
    if !fm.tags.is_empty() {
        obj.insert("keywords".into(), fm.tags.join(", ").into());
    }
    if !config.title.is_empty() {
        obj.insert(
            "publisher".into(),
            serde_json::json!({"@type": "Organization", "name": config.title}),
        );
    }
    if !summary.permalink.is_empty() {
        obj.insert("url".into(), summary.permalink.clone().into());
        obj.insert("mainEntityOfPage".into(), summary.permalink.clone().into());
    }
    if let Some(url) = fm.source.as_ref().and_then(|s| s.url.as_ref()) {
        obj.insert("isBasedOn".into(), url.0.clone().into());
    }
    if !fm.sources.is_empty() {
        let cited: Vec<_> = fm
            .sources
            .iter()
            .map(|s| serde_json::json!({"@type": "CreativeWork", "name": s.title, "url": s.url.0}))
            .collect();
        obj.insert("citation".into(), cited.into());
    }
    script_safe_json(&ld)
}

fn collection_json_ld(config: &Config, pages: &[Summary<'_>]) -> String {
    let items: Vec<_> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut item =
                serde_json::json!({"@type": "ListItem", "position": i + 1, "name": p.title});
            if !p.permalink.is_empty() {
                item["url"] = p.permalink.clone().into();
            }
            item
        })
        .collect();
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": config.title,
        "inLanguage": config.language,
        "mainEntity": {"@type": "ItemList", "itemListElement": items},
    });
    if !config.description.is_empty() {
        ld["description"] = config.description.clone().into();
    }
    if !config.base_url.is_empty() {
        ld["url"] = config.base_url_slash().into();
    }
    script_safe_json(&ld)
}

/// JSON that cannot end a `<script>` element or start an HTML comment,
/// whatever the strings in it say.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
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
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("mali/"), "../");
        assert_eq!(root_prefix("sahel/mali/"), "../../");
    }

    #[test]
    fn json_cannot_break_out_of_script() {
        let v = serde_json::json!({"t": "</script><!-- & \u{2028}"});
        let s = script_safe_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn refuses_output_over_site_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("content")).unwrap();
        for bad in [".", "content", "static", "templates", ".."] {
            assert!(
                check_output_location(root, &root.join(bad)).is_err(),
                "{bad}"
            );
        }
        assert!(check_output_location(root, &root.join("content/../public")).is_ok());
        assert!(check_output_location(root, &root.join("public")).is_ok());
    }
}
