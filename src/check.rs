//! `brief check`: build in memory and report what a reader would trip over,
//! without writing anything.
//!
//! Findings are data ([`Finding`]), not errors, so one run lists them all.

use crate::content::Page;
use crate::diagnostics::SourceError;
use crate::output::{Contents, OutputFile};
use crate::site::{LoadOptions, Site};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
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
    /// Include drafts.
    pub drafts: bool,
    /// Include briefings dated after today.
    pub future: bool,
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
        drafts: options.drafts,
        future: options.future,
        ..LoadOptions::default()
    };
    let mut site = match Site::load(root, &load) {
        Ok(site) => site,
        Err(e) => {
            report.findings.push(Finding::error(as_source_error(&e)));
            return report;
        }
    };
    report.briefings = site.pages.len();
    for page in &site.pages {
        report.findings.extend(content_findings(page));
    }
    let rendered = site.render();
    report
        .findings
        .extend(site.warnings.iter().cloned().map(Finding::warning));
    let files = match rendered {
        Ok(files) => files,
        Err(e) => {
            report.findings.push(Finding::error(as_source_error(&e)));
            sort(&mut report.findings);
            return report;
        }
    };
    let sources: HashMap<String, PathBuf> = site
        .pages
        .iter()
        .map(|p| (format!("{}index.html", p.url), p.file.clone()))
        .collect();
    let html: BTreeMap<&str, String> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| match &f.contents {
            Contents::Bytes(b) => Some((f.path.as_str(), String::from_utf8_lossy(b).into_owned())),
            Contents::Copy(_) => None,
        })
        .collect();
    report.pages = html.len();
    report
        .findings
        .extend(link_findings(&files, &html, &sources));
    if options.external {
        let (checked, found) = external_findings(&html, &sources);
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

/// A build error as a finding: located when brief knows where.
fn as_source_error(e: &anyhow::Error) -> SourceError {
    match e.downcast_ref::<SourceError>() {
        Some(s) => s.clone(),
        None => SourceError::new("", format!("{e:#}")),
    }
}

/// Editorial gaps a reader would notice.
fn content_findings(page: &Page) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |message: &str, help: &str| {
        Finding::warning(SourceError::new(&page.file, message).with_help(help))
    };
    if page.front.summary.trim().is_empty() {
        out.push(at(
            "this briefing has no summary",
            "add `summary = \"…\"`: it is the dek under the headline and the description search engines show",
        ));
    }
    if page.front.sources.is_empty() && page.front.source.is_none() {
        out.push(at(
            "this briefing cites no sources",
            "add a [source] or [[sources]] so readers can check the facts",
        ));
    }
    if let Ok(body) = page.body() {
        for s in body.sections.iter().filter(|s| s.html.trim().is_empty()) {
            let text = page.source();
            out.push(Finding::warning(
                SourceError::new(&page.file, format!("the section `{}` is empty", s.title))
                    .at_line(&text, page.body_line(0) + s.line - 1, None)
                    .with_help("write the section, or remove its heading"),
            ));
        }
    }
    out
}

/// Broken links, missing anchors and duplicate ids in the rendered pages,
/// templates' own links included.
fn link_findings(
    files: &[OutputFile],
    html: &BTreeMap<&str, String>,
    sources: &HashMap<String, PathBuf>,
) -> Vec<Finding> {
    let exists: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut out = Vec::new();
    for (path, doc) in html {
        let found = crate::links::ids_in(doc);
        let mut seen = HashSet::new();
        for id in crate::links::id_values(doc) {
            if !seen.insert(id) {
                out.push(Finding::error(
                    SourceError::new(
                        shown(path, sources),
                        format!("the id `{id}` is used twice on `{path}`"),
                    )
                    .with_help(
                        "ids must be unique on a page; check `{#id}` headings and the templates",
                    ),
                ));
            }
        }
        ids.insert(path, found);
    }
    for (path, doc) in html {
        for target in crate::links::targets_in(doc) {
            if target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
            {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = file.split('?').next().unwrap_or(file);
            let resolved = if file.is_empty() {
                Some(path.to_string())
            } else {
                resolve(path, file)
            };
            let Some(resolved) = resolved else {
                out.push(broken(path, sources, &target, "it leaves the site"));
                continue;
            };
            let resolved = if resolved.is_empty() || resolved.ends_with('/') {
                format!("{resolved}index.html")
            } else {
                resolved
            };
            if !exists.contains(resolved.as_str()) {
                out.push(broken(path, sources, &target, "no such file in the site"));
            } else if !fragment.is_empty()
                && let Some(target_ids) = ids.get(resolved.as_str())
                && !target_ids.contains(fragment)
            {
                out.push(broken(
                    path,
                    sources,
                    &target,
                    &format!("`{resolved}` has no `#{fragment}`"),
                ));
            }
        }
    }
    out
}

fn broken(path: &str, sources: &HashMap<String, PathBuf>, target: &str, why: &str) -> Finding {
    Finding::error(
        SourceError::new(
            shown(path, sources),
            format!("`{path}` links to `{target}`: {why}"),
        )
        .with_help("fix the link in the briefing, or in the template that writes it"),
    )
}

/// The briefing file behind an output page, or the page itself.
fn shown(path: &str, sources: &HashMap<String, PathBuf>) -> PathBuf {
    sources
        .get(path)
        .cloned()
        .unwrap_or_else(|| PathBuf::from(format!("(output) {path}")))
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
fn external_findings(
    html: &BTreeMap<&str, String>,
    sources: &HashMap<String, PathBuf>,
) -> (usize, Vec<Finding>) {
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
                                    shown(page, sources),
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
    fn finds_broken_links_missing_anchors_and_duplicate_ids() {
        let page = |p: &str| OutputFile {
            path: p.to_string(),
            contents: Contents::Bytes(Vec::new()),
        };
        let files = vec![page("index.html"), page("a/index.html")];
        let mut html = BTreeMap::new();
        html.insert(
            "index.html",
            "<a href=\"a/index.html#x\"></a><a href=\"a/index.html#nope\"></a><a href=\"b/index.html\"></a>".to_string(),
        );
        html.insert(
            "a/index.html",
            "<h2 id=\"x\"></h2><p id=\"x\"></p>".to_string(),
        );
        let found = link_findings(&files, &html, &HashMap::new());
        let messages: Vec<String> = found.iter().map(|f| f.error.message.clone()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("id `x` is used twice")));
        assert!(messages.iter().any(|m| m.contains("has no `#nope`")));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`b/index.html`: no such file"))
        );
    }
}
