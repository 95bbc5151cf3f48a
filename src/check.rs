//! `brief check`: build in memory and report what a reader would trip over,
//! without writing anything.
//!
//! Findings are data ([`Finding`]), not errors, so one run lists them all:
//! the build's own problems (every briefing, link, anchor and id), then
//! what the rendered pages show (links to nothing, ids used twice, paths
//! that break under a sub-path), read from the values rendering returned.

use crate::briefing::Briefing;
use crate::build::render_routes;
use crate::diagnostics::SourceError;
use crate::output::Contents;
use crate::plan::{self, Kind};
use crate::render::Want;
use crate::site::{LoadOptions, Selection, Site};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Should be fixed before publishing, but the site builds.
    Warning,
    /// The site is broken for readers or does not build.
    Error,
}

/// One problem found by `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// What and where.
    pub error: SourceError,
}

impl Finding {
    fn error(e: SourceError) -> Self {
        Finding {
            severity: Severity::Error,
            error: e,
        }
    }

    fn warning(e: SourceError) -> Self {
        Finding {
            severity: Severity::Warning,
            error: e,
        }
    }
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Drafts and future briefings.
    pub selection: Selection,
    /// Also request every external link (slow; needs the network).
    pub external: bool,
}

/// Everything `check` found, errors first.
#[derive(Debug, Default)]
pub struct Report {
    /// The findings.
    pub findings: Vec<Finding>,
    /// Briefings checked.
    pub briefings: usize,
    /// Pages checked.
    pub pages: usize,
    /// External links requested (with `--external`).
    pub external_checked: usize,
    /// Briefings under embargo, soonest first: what goes live next.
    pub upcoming: Vec<Upcoming>,
    /// The site's time zone, which `upcoming` is shown in.
    pub timezone: String,
}

/// A briefing under embargo, as `check` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The file.
    pub file: PathBuf,
    /// Its headline.
    pub title: String,
    /// When it goes live, in the site's time zone: "2 December 2026, 09:00 CET".
    pub when: String,
}

impl Report {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
}

/// Loads and renders the site in memory and checks it.
pub fn check(root: &Path, options: &CheckOptions) -> Report {
    let mut report = Report::default();
    let load = LoadOptions {
        selection: options.selection.clone(),
        ..LoadOptions::default()
    };
    let (site, problems) = match Site::load(root, &load) {
        Ok(loaded) => loaded,
        Err(problems) => {
            report.findings = problems.0.into_iter().map(Finding::error).collect();
            sort(&mut report.findings);
            return report;
        }
    };
    report.findings = problems.0.into_iter().map(Finding::error).collect();
    report.briefings = site.briefings.len();
    report.timezone = site.config.timezone.clone();
    report.upcoming = site
        .embargoed
        .iter()
        .map(|e| Upcoming {
            file: e.file.clone(),
            title: e.title.clone(),
            when: crate::clock::long(e.at, &site.config.timezone),
        })
        .collect();
    for b in &site.briefings {
        report.findings.extend(content_findings(b));
    }
    report.findings.extend(
        crate::translations::findings(&site)
            .into_iter()
            .map(Finding::warning),
    );
    let (routes, clashes) = plan::plan(&site);
    report
        .findings
        .extend(clashes.0.into_iter().map(Finding::error));
    let files = Mutex::new(Vec::with_capacity(routes.len()));
    let rendering = render_routes(
        &site,
        &routes,
        Want {
            targets: true,
            details: true,
        },
        &|route, contents| {
            files
                .lock()
                .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
                .push((route.path.clone(), contents));
            Ok(())
        },
    );
    let files = files.into_inner().unwrap_or_default();
    report.findings.extend(
        site.warnings
            .iter()
            .cloned()
            .chain(rendering.warnings.iter().cloned())
            .map(Finding::warning),
    );
    report.findings.extend(
        rendering
            .anchor_problems(&site)
            .into_iter()
            .chain(rendering.problems.0.iter().cloned())
            .map(Finding::error),
    );
    for (i, facts) in &rendering.facts {
        let b = &site.briefings[*i];
        for (title, line) in &facts.empty_sections {
            let message = format!("the section `{title}` is empty");
            let help = "write the section, or remove its heading";
            report.findings.push(Finding::warning(match b.text() {
                Ok(text) => text.error_at_line(*line, message, help),
                Err(e) => e,
            }));
        }
    }
    let pages = Pages::new(&site, &routes, &rendering.facts);
    let html: BTreeMap<&str, String> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, contents)| match contents {
            Contents::Bytes(b) => Some((path.as_str(), String::from_utf8_lossy(b).into_owned())),
            Contents::Copy(_) => None,
        })
        .collect();
    report.pages = html.len();
    let exists: HashSet<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    report
        .findings
        .extend(link_findings(&exists, &html, &pages));
    if options.external {
        let (checked, found) = external_findings(&html, &pages);
        report.external_checked = checked;
        report.findings.extend(found);
    }
    sort(&mut report.findings);
    report
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.error.path.cmp(&b.error.path))
            .then_with(|| a.error.line.cmp(&b.error.line))
    });
}

/// Editorial gaps a reader would notice.
fn content_findings(b: &Briefing) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |message: &str, help: &str| {
        Finding::warning(SourceError::new(&b.file, message).with_help(help))
    };
    if b.front.summary.trim().is_empty() {
        out.push(at(
            "this briefing has no summary",
            "add `summary = \"…\"`: it is the dek under the headline and the description search engines show",
        ));
    }
    if b.front.sources.is_empty() && b.front.source.is_none() {
        out.push(at(
            "this briefing cites no sources",
            "add a [source] or [[sources]] so readers can check the facts",
        ));
    }
    out
}

/// Which briefing wrote each page, and what its body links to as
/// written, so a problem found in a page points at the line that causes it.
struct Pages<'a> {
    /// Output path of a briefing's page → the briefing.
    briefings: HashMap<String, &'a Briefing>,
    /// The same → its body's links and images as written, with offsets.
    links: HashMap<String, &'a [crate::markdown::Link]>,
    /// The same → the hrefs of its `@/` and `#` links, which the build
    /// itself checks (and reports at their line), so they are not
    /// reported twice.
    built: HashMap<String, HashSet<String>>,
}

impl<'a> Pages<'a> {
    fn new(
        site: &'a Site,
        routes: &[plan::Route],
        facts: &'a HashMap<usize, crate::render::Facts>,
    ) -> Pages<'a> {
        let mut pages = Pages {
            briefings: HashMap::new(),
            links: HashMap::new(),
            built: HashMap::new(),
        };
        for route in routes {
            if let Kind::Briefing(i) = route.kind {
                let b = &site.briefings[i];
                pages.briefings.insert(route.path.clone(), b);
                if let Some(f) = facts.get(&i) {
                    pages.links.insert(route.path.clone(), &f.links);
                    let built = f
                        .links
                        .iter()
                        .filter(|l| {
                            l.url.starts_with(crate::links::INTERNAL) || l.url.starts_with('#')
                        })
                        .map(|l| match site.links.resolve(&b.url, &l.url) {
                            Ok(Some(href)) => href,
                            _ => l.url.clone(),
                        })
                        .collect();
                    pages.built.insert(route.path.clone(), built);
                }
            }
        }
        pages
    }

    /// Whether the build itself checks `target`, a link of the page at
    /// `path` (an `@/` or `#` link of a briefing's body).
    fn built(&self, path: &str, target: &str) -> bool {
        self.built.get(path).is_some_and(|b| b.contains(target))
    }

    /// The file to blame for a problem of the page at `path`: its
    /// briefing, or the page itself for pages templates make alone.
    fn shown(&self, path: &str) -> PathBuf {
        self.briefings.get(path).map_or_else(
            || PathBuf::from(format!("(output) {path}")),
            |b| b.file.clone(),
        )
    }

    /// A problem of the page at `path` about `target` (a URL as it appears
    /// in the page), at the line of the briefing that wrote it when the
    /// body has it, else naming the file.
    fn at_link(&self, path: &str, target: &str, message: String, help: &str) -> SourceError {
        let written = self
            .links
            .get(path)
            .and_then(|links| links.iter().find(|l| l.url == target));
        match (self.briefings.get(path).map(|b| b.text()), written) {
            (Some(Ok(text)), Some(link)) => text.error_at(link.offset, &link.url, message, help),
            _ => SourceError::new(self.shown(path), message).with_help(help),
        }
    }

    /// A problem with the id `id` on the page at `path`, at the first
    /// place the briefing gives that id when it does.
    fn at_id(&self, path: &str, id: &str, message: String, help: &str) -> SourceError {
        let Some(b) = self.briefings.get(path) else {
            return SourceError::new(self.shown(path), message).with_help(help);
        };
        let Ok(text) = b.text() else {
            return SourceError::new(&b.file, message).with_help(help);
        };
        let body = text.body();
        let place = [
            format!("{{#{id}"),
            format!("id=\"{id}\""),
            format!("id='{id}'"),
        ]
        .iter()
        .filter_map(|needle| body.find(needle.as_str()).map(|at| (at, needle.len())))
        .min();
        match place {
            Some((at, len)) => text.error_at(at, &body[at..at + len], message, help),
            None => SourceError::new(&b.file, message).with_help(help),
        }
    }
}

/// Broken links, missing anchors, duplicate ids and root-relative paths in
/// the rendered pages, templates' own links included.
fn link_findings(
    exists: &HashSet<&str>,
    html: &BTreeMap<&str, String>,
    pages: &Pages<'_>,
) -> Vec<Finding> {
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut out = Vec::new();
    for (path, doc) in html {
        let mut seen = HashSet::new();
        for id in crate::links::id_values(doc) {
            if !seen.insert(id) {
                out.push(Finding::error(pages.at_id(
                    path,
                    id,
                    format!("the id `{id}` is used twice on `{path}`"),
                    "ids must be unique on a page; check `{#id}` headings, raw HTML and the templates",
                )));
            }
        }
        ids.insert(path, crate::links::ids_in(doc));
    }
    for (path, doc) in html {
        for target in crate::links::targets_in(doc) {
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
                || pages.built(path, &target)
            {
                continue;
            }
            if target.starts_with('/') && !target.starts_with("//") {
                out.push(Finding::warning(pages.at_link(
                    path,
                    &target,
                    format!("`{target}` is a root-relative path: it breaks when the site is served under a sub-path or opened from disk"),
                    "use a path relative to the page (`../img/map.png`), with shared files in static/",
                )));
            }
            let (file, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = file.split('?').next().unwrap_or(file);
            let resolved = if file.is_empty() {
                Some(path.to_string())
            } else {
                resolve(path, file)
            };
            let broken = |why: &str| {
                Finding::error(pages.at_link(
                    path,
                    &target,
                    format!("`{path}` links to `{target}`: {why}"),
                    "fix the link in the briefing, or in the template that writes it",
                ))
            };
            let Some(resolved) = resolved else {
                out.push(broken("it leaves the site"));
                continue;
            };
            let resolved = if resolved.is_empty() || resolved.ends_with('/') {
                format!("{resolved}index.html")
            } else {
                resolved
            };
            if !exists.contains(resolved.as_str()) {
                out.push(broken("no such file in the site"));
            } else if !fragment.is_empty()
                && let Some(target_ids) = ids.get(resolved.as_str())
                && !target_ids.contains(fragment)
            {
                out.push(broken(&format!("`{resolved}` has no `#{fragment}`")));
            }
        }
    }
    out
}

/// Resolves a relative URL against the page at `from`; `None` if it climbs
/// out of the site.
fn resolve(from: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        from.split('/').collect()
    };
    parts.pop();
    for seg in target.trim_start_matches('/').split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if target.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Requests every external link once, a few at a time, each with a timeout.
fn external_findings(html: &BTreeMap<&str, String>, pages: &Pages<'_>) -> (usize, Vec<Finding>) {
    let mut first_seen: BTreeMap<String, &str> = BTreeMap::new();
    for (path, doc) in html {
        for t in crate::links::targets_in(doc) {
            if t.starts_with("http://") || t.starts_with("https://") {
                first_seen.entry(t).or_insert(path);
            }
        }
    }
    let urls: Vec<(String, &str)> = first_seen.into_iter().collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    let results: Vec<Option<Finding>> = std::thread::scope(|scope| {
        let chunks: Vec<&[(String, &str)]> = urls.chunks(urls.len().div_ceil(8).max(1)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let agent = agent.clone();
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(url, page)| {
                            let why = match agent.head(url.as_str()).call() {
                                Ok(r) if r.status().as_u16() < 400 => return None,
                                Ok(r) if r.status().as_u16() == 405 => {
                                    match agent.get(url.as_str()).call() {
                                        Ok(r) if r.status().as_u16() < 400 => return None,
                                        Ok(r) => format!("HTTP {}", r.status().as_u16()),
                                        Err(e) => e.to_string(),
                                    }
                                }
                                Ok(r) => format!("HTTP {}", r.status().as_u16()),
                                Err(e) => e.to_string(),
                            };
                            Some(Finding::warning(
                                SourceError::new(
                                    pages.shown(page),
                                    format!("`{url}` did not answer: {why}"),
                                )
                                .with_help("check the address; sites move and go offline"),
                            ))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    (urls.len(), results.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_urls_inside_the_site() {
        let cases = [
            ("a/index.html", "../index.html", Some("index.html")),
            (
                "a/b/index.html",
                "../../tags/x/index.html",
                Some("tags/x/index.html"),
            ),
            ("index.html", "page/2/", Some("page/2/")),
            ("index.html", "../x", None),
            ("a/index.html", "./map.png", Some("a/map.png")),
        ];
        for (from, to, want) in cases {
            assert_eq!(resolve(from, to).as_deref(), want, "{from} -> {to}");
        }
    }

    #[test]
    fn finds_broken_links_missing_anchors_duplicate_ids_and_root_paths() {
        let exists: HashSet<&str> = ["index.html", "a/index.html", "img/x.png"].into();
        let mut html = BTreeMap::new();
        html.insert(
            "index.html",
            "<a href=\"a/index.html#x\"></a><a href=\"a/index.html#nope\"></a><a href=\"b/index.html\"></a><img src=\"/img/x.png\">".to_string(),
        );
        html.insert(
            "a/index.html",
            "<h2 id=\"x\"></h2><p id=\"x\"></p>".to_string(),
        );
        let pages = Pages {
            briefings: HashMap::new(),
            links: HashMap::new(),
            built: HashMap::new(),
        };
        let found = link_findings(&exists, &html, &pages);
        let messages: Vec<String> = found.iter().map(|f| f.error.message.clone()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("id `x` is used twice")));
        assert!(messages.iter().any(|m| m.contains("has no `#nope`")));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`b/index.html`: no such file"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`/img/x.png` is a root-relative path"))
        );
    }
}
