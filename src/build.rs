//! `brief build`: load the site, plan it, render every route into a
//! staging folder and swap that in for the previous output. Every problem
//! of every stage is gathered and returned together ([`Problems`]); on any
//! of them nothing is written and the previous output stays as it was.

use crate::diagnostics::{Problems, SourceError, flatten};
use crate::links::{self, Anchored};
use crate::output::{self, Contents, OutputFile};
use crate::plan::{self, Kind, Route};
use crate::render::{self, Facts, Want};
use crate::site::{LoadOptions, Selection, Site};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What `brief build` is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `site.toml`, `content/`…).
    pub root: PathBuf,
    /// Where to write; `public/` inside the root by default.
    pub output: Option<PathBuf>,
    /// Drafts and future briefings.
    pub selection: Selection,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// The output folder, resolved against the root.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
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

/// With `--strict`, the context of a build's failure for its warnings:
/// the error holds them as [`Problems`], each reported as an error.
#[derive(Debug, Clone, Copy)]
pub struct StrictFailure;

impl std::fmt::Display for StrictFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--strict turns warnings into errors")
    }
}

/// Loads, renders and writes the site, calling `progress(done, total)` as
/// briefings are written (from several threads). On any problem nothing
/// is written, and every problem found is in the error ([`Problems`]).
pub fn build(
    options: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport> {
    let start = Instant::now();
    let output = options.output_dir();
    output::check_location(&options.root, &output)?;
    let fingerprint = crate::fingerprint::of_build(options);
    if let Some(report) = fingerprint
        .as_deref()
        .and_then(|fp| unchanged(&output, fp, options.selection.clock, start))
    {
        return Ok(report);
    }
    let load = LoadOptions {
        selection: options.selection.clone(),
        base_url: options.base_url.clone(),
        pdf_on_request: false,
    };
    let (site, mut problems) = Site::load(&options.root, &load)?;
    let (routes, clashes) = plan::plan(&site);
    problems.0.extend(clashes.0);
    if !problems.0.is_empty() {
        // Nothing will be written, but every body is still rendered so
        // that one run reports every problem.
        let rendering = render_routes(&site, &routes, Want::default(), &|_, _| Ok(()));
        problems.0.extend(rendering.problems.0.iter().cloned());
        problems.0.extend(rendering.anchor_problems(&site));
        return Err(problems.into());
    }
    strict(options, &site.warnings)?;
    let load_time = start.elapsed();
    let total = site.briefings.len();
    let pages = AtomicUsize::new(0);
    let mut warnings = Vec::new();
    let written = output::write_with(&output, |staging| {
        let rendering = render_routes(&site, &routes, Want::default(), &|route, contents| {
            if route.path.ends_with(".html") {
                let done = pages.fetch_add(1, Ordering::Relaxed) + 1;
                progress(done.min(total), total);
            }
            staging.put(&OutputFile {
                path: route.path.clone(),
                contents,
            })
        });
        let mut problems = rendering.problems.clone();
        problems.0.extend(rendering.anchor_problems(&site));
        problems.or_ok(())?;
        warnings = site
            .warnings
            .iter()
            .cloned()
            .chain(rendering.warnings)
            .collect();
        strict(options, &warnings)?;
        // Only a build without warnings may be skipped next time: a skipped
        // build could not show them again. Nor may one after the next
        // embargo lifts: that briefing must go live.
        Ok(match &fingerprint {
            Some(fp) if warnings.is_empty() => {
                let mut stamp = format!(
                    "fingerprint {fp}\nbriefings {}\npages {}\ndrafts {}\nfuture {}\nfeeds {}\n",
                    site.briefings.len(),
                    pages.load(Ordering::Relaxed),
                    site.drafts_skipped,
                    site.future_skipped,
                    u8::from(site.feeds())
                );
                if let Some(next) = site.embargoed.first() {
                    stamp.push_str(&format!("live_until {}\n", next.at.as_second()));
                }
                stamp
            }
            _ => String::new(),
        })
    })?;
    let report = BuildReport {
        briefings: site.briefings.len(),
        pages: pages.into_inner(),
        files: written.files,
        drafts_skipped: site.drafts_skipped,
        future_skipped: site.future_skipped,
        feeds: site.feeds(),
        output,
        warnings,
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
fn strict(options: &BuildOptions, warnings: &[SourceError]) -> Result<()> {
    if options.strict && !warnings.is_empty() {
        return Err(anyhow::Error::new(Problems(warnings.to_vec())).context(StrictFailure));
    }
    Ok(())
}

/// Every route rendered, and what rendering found.
#[derive(Debug, Default)]
pub struct Rendering {
    /// Problems that stop the build, in route order.
    pub problems: Problems,
    /// Problems that do not, in route order.
    pub warnings: Vec<SourceError>,
    /// What each briefing's render found, by briefing index.
    pub facts: HashMap<usize, Facts>,
}

impl Rendering {
    /// Every anchor link of the briefings rendered that misses its target.
    pub fn anchor_problems(&self, site: &Site) -> Vec<SourceError> {
        let anchored: Vec<Anchored> = self
            .facts
            .values()
            .flat_map(|f| f.anchored.iter().cloned())
            .collect();
        let targets = |i: usize| self.facts.get(&i)?.targets.as_ref();
        let mut problems = links::check_anchors(&site.briefings, &anchored, &targets);
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        problems
    }
}

/// Renders `routes` of `site` on every core, handing each file to `sink`
/// as it is ready. `want` says what to find out beyond what the build
/// needs; a build takes the ids only of pages links may point into.
pub fn render_routes(
    site: &Site,
    routes: &[Route],
    want: Want,
    sink: &(dyn Fn(&Route, Contents) -> Result<()> + Sync),
) -> Rendering {
    // Most routes find nothing, so each result is kept boxed, and only
    // when there is something in it: a big site's vector of results would
    // otherwise hold a `Facts` for every page until the last is written.
    let results: Vec<Result<Option<Box<Facts>>, Vec<SourceError>>> = routes
        .par_iter()
        .map(|route| {
            let targets = match route.kind {
                Kind::Briefing(i) => want.targets || site.is_target(i),
                _ => false,
            };
            let want = Want { targets, ..want };
            let mut out = render::render(site, route, want)?;
            sink(route, out.contents).map_err(|e| flatten(&e))?;
            for (path, contents) in std::mem::take(&mut out.facts.files) {
                let beside = Route {
                    path,
                    kind: route.kind.clone(),
                };
                sink(&beside, contents).map_err(|e| flatten(&e))?;
            }
            let facts = out.facts;
            let found = !facts.warnings.is_empty()
                || !facts.problems.is_empty()
                || (matches!(route.kind, Kind::Briefing(_)) && facts.left_to_read());
            Ok(found.then(|| Box::new(facts)))
        })
        .collect();
    let mut rendering = Rendering::default();
    for (route, result) in routes.iter().zip(results) {
        match result {
            Ok(None) => {}
            Ok(Some(mut facts)) => {
                rendering.warnings.append(&mut facts.warnings);
                rendering.problems.0.append(&mut facts.problems);
                // Only what is left to read later is kept: a big site's
                // briefings mostly have no anchor links.
                if let Kind::Briefing(i) = route.kind
                    && facts.left_to_read()
                {
                    rendering.facts.insert(i, *facts);
                }
            }
            Err(errors) => rendering.problems.0.extend(errors),
        }
    }
    rendering
}

/// The report of a build that can be skipped: the output carries the
/// fingerprint of exactly these inputs, from a build without warnings.
fn unchanged(
    output: &std::path::Path,
    fingerprint: &str,
    clock: Option<jiff::Timestamp>,
    start: Instant,
) -> Option<BuildReport> {
    let stamp = output::read_stamp(output)?;
    let field = |name: &str| -> Option<&str> {
        stamp
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
    };
    if field("fingerprint")? != fingerprint {
        return None;
    }
    // A briefing under embargo then has gone live since.
    if let Some(until) = field("live_until") {
        let now = crate::clock::now_or(clock).as_second();
        if until.parse::<i64>().map_or(true, |until| now >= until) {
            return None;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_build_is_redone_once_the_next_embargo_lifts() {
        let out = tempfile::tempdir().unwrap();
        std::fs::write(
            out.path().join(output::MARKER),
            "fingerprint abc\nbriefings 1\npages 2\ndrafts 0\nfuture 1\nfeeds 0\nlive_until 1000\n",
        )
        .unwrap();
        let at = |s: i64| Some(jiff::Timestamp::from_second(s).unwrap());
        let start = Instant::now();
        let kept = unchanged(out.path(), "abc", at(999), start).expect("still under embargo");
        assert_eq!((kept.briefings, kept.future_skipped), (1, 1));
        assert!(unchanged(out.path(), "abc", at(1000), start).is_none());
        assert!(unchanged(out.path(), "abd", at(999), start).is_none());
    }
}
