//! brief turns briefings written in Markdown into a fast, accessible,
//! printable static site.
//!
//! The pipeline runs one way: [`content::discover`] finds the files,
//! [`Page::load`] parses front matter and counts words, [`Site::render`]
//! renders each briefing's Markdown into sections and runs the Tera
//! templates, and [`output::write`] puts the result in place atomically.
//! [`build`] does all of it.

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod feeds;
pub mod fingerprint;
pub mod frontmatter;
pub mod links;
pub mod markdown;
pub mod output;
pub mod reload;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod site_fs;
pub mod slug;
pub mod taxonomy;
pub mod templates;
pub mod term;
pub mod typography;
pub mod views;
pub mod walk;
pub mod words;

pub use config::Config;
pub use content::Page;
pub use diagnostics::SourceError;
pub use frontmatter::FrontMatter;
pub use markdown::{Rendered, Section};
pub use site::{LoadOptions, Site};

use anyhow::Result;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `brief build` is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `site.toml`, `content/`…).
    pub root: PathBuf,
    /// Where to write; `public/` inside the root by default.
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Include briefings dated after today.
    pub future: bool,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
}

/// What a build did, for the summary line.
#[derive(Debug)]
pub struct BuildReport {
    /// Briefings rendered.
    pub briefings: usize,
    /// HTML pages written (briefings and lists).
    pub pages: usize,
    /// All files written.
    pub files: usize,
    /// Drafts left out.
    pub drafts_skipped: usize,
    /// Future-dated briefings left out.
    pub future_skipped: usize,
    /// Whether feeds and the sitemap were written (they need `base_url`).
    pub feeds: bool,
    /// Where the site went.
    pub output: PathBuf,
    /// Problems that did not stop the build.
    pub warnings: Vec<SourceError>,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Of which: reading and parsing the site.
    pub load_time: Duration,
    /// Nothing the build reads had changed since the last build into the
    /// same output, so the output was left as it was.
    pub unchanged: bool,
}

impl BuildOptions {
    /// The output folder, resolved against the root.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Loads, renders and writes the site. On any error nothing is written and
/// the previous output stays as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_with_progress(options, &|_, _| {})
}

/// [`build`], calling `progress(done, total)` as briefings are written
/// (from several threads), for a progress bar on long builds.
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport> {
    let start = Instant::now();
    let output = options.output_dir();
    site::check_output_location(&options.root, &output)?;
    let fingerprint = fingerprint::of_build(options);
    if let Some(report) = fingerprint
        .as_deref()
        .and_then(|fp| unchanged(&output, fp, start))
    {
        return Ok(report);
    }
    let mut site = Site::load(
        &options.root,
        &LoadOptions {
            drafts: options.drafts,
            future: options.future,
            today: None,
            base_url: options.base_url.clone(),
        },
    )?;
    strict_check(options, &site.warnings)?;
    let feeds = !site.config.base_url.is_empty();
    let load_time = start.elapsed();
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let total = site.pages.len();
    let written = output::write_with(&output, |staging| {
        site.render_to(&|file| {
            if file.path.ends_with(".html") {
                let done = pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(done.min(total), total);
            }
            staging.put(&file)
        })?;
        // Rendering finds the briefings' own warnings; failing here drops
        // the staged output, so the previous site stays.
        strict_check(options, &site.warnings)?;
        // Only a build without warnings may be skipped next time: a skipped
        // build could not show them again.
        Ok(match &fingerprint {
            Some(fp) if site.warnings.is_empty() => format!(
                "fingerprint {fp}\nbriefings {}\npages {}\ndrafts {}\nfuture {}\nfeeds {}\n",
                site.pages.len(),
                pages.load(std::sync::atomic::Ordering::Relaxed),
                site.drafts_skipped,
                site.future_skipped,
                u8::from(feeds)
            ),
            _ => String::new(),
        })
    })?;
    let pages = pages.into_inner();
    let report = BuildReport {
        briefings: site.pages.len(),
        pages,
        files: written.files,
        drafts_skipped: site.drafts_skipped,
        future_skipped: site.future_skipped,
        feeds,
        output,
        warnings: std::mem::take(&mut site.warnings),
        elapsed: start.elapsed(),
        load_time,
        unchanged: false,
    };
    // Freeing a big site takes a while and nothing waits for it: a build
    // run from the command line exits without waiting for this thread.
    std::thread::spawn(move || drop(site));
    Ok(report)
}

/// With `--strict`, warnings are errors.
fn strict_check(options: &BuildOptions, warnings: &[SourceError]) -> Result<()> {
    if !options.strict || warnings.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for w in warnings {
        text.push_str(&format!("{w}\n\n"));
    }
    anyhow::bail!(
        "{text}--strict turns these {} warnings into errors; nothing was written",
        warnings.len()
    )
}

/// The report of a build that can be skipped: the output carries the
/// fingerprint of exactly these inputs, from a build without warnings.
fn unchanged(output: &std::path::Path, fingerprint: &str, start: Instant) -> Option<BuildReport> {
    let stamp = output::read_stamp(output)?;
    let field = |name: &str| -> Option<&str> {
        stamp
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
    };
    if field("fingerprint")? != fingerprint {
        return None;
    }
    let number = |name: &str| field(name)?.parse::<usize>().ok();
    Some(BuildReport {
        briefings: number("briefings")?,
        pages: number("pages")?,
        files: 0,
        drafts_skipped: number("drafts")?,
        future_skipped: number("future")?,
        feeds: number("feeds")? == 1,
        output: output.to_path_buf(),
        warnings: Vec::new(),
        elapsed: start.elapsed(),
        load_time: start.elapsed(),
        unchanged: true,
    })
}
