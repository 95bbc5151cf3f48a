//! Links between briefings: `[text](@/sahel/mali.md#diplomacy)` becomes a
//! relative URL, and every `#anchor` is checked against the page it points
//! at, including ids the templates add.

use crate::content::Page;
use crate::diagnostics::SourceError;
use crate::markdown::{Link, Rendered};
use crate::site::root_prefix;
use std::collections::{HashMap, HashSet};

/// The prefix of a link to another briefing's source file.
pub const INTERNAL: &str = "@/";

/// A link whose target must be checked once pages are rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchored {
    /// The page (index into the site's pages) holding the link.
    pub from: usize,
    /// The page it points at.
    pub to: usize,
    /// The id it needs there.
    pub fragment: String,
    /// The link as written, for messages.
    pub written: String,
    /// Byte offset of the link in the source page's body.
    pub offset: usize,
}

/// Where every briefing of a site goes, for resolving `@/…` links.
#[derive(Debug, Clone, Default)]
pub struct LinkIndex {
    /// Path inside `content/` → index into the site's pages.
    by_rel: HashMap<String, usize>,
    /// Each page's output folder, by index.
    urls: Vec<String>,
}

impl LinkIndex {
    /// The index of `pages`, in their site order.
    pub fn new(pages: &[Page]) -> LinkIndex {
        LinkIndex {
            by_rel: pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.rel.clone(), i))
                .collect(),
            urls: pages.iter().map(|p| p.url.clone()).collect(),
        }
    }
}

/// Rewrites the `@/…` links in `body`, the rendered body of `page` (the
/// `i`th of the site), into relative URLs and returns the anchors to check
/// once every page is rendered; a link to a missing briefing is an error.
pub fn resolve(
    page: &Page,
    body: &mut Rendered,
    i: usize,
    index: &LinkIndex,
) -> Result<Vec<Anchored>, SourceError> {
    let mut anchored = Vec::new();
    // As written → as output, both as they appear in an `href`.
    let mut replacements: HashMap<String, String> = HashMap::new();
    for link in body.links.iter().filter(|l| !l.image) {
        let (to, fragment) = if let Some(target) = link.url.strip_prefix(INTERNAL) {
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            let Some(&to) = index.by_rel.get(path.trim_start_matches('/')) else {
                return Err(error_at(
                    page,
                    link,
                    format!("`{}` links to a briefing that does not exist", link.url),
                    "internal links name a file under content/, e.g. @/sahel/mali.md#diplomacy (drafts exist only with --drafts)",
                ));
            };
            let url = format!("{}{}index.html", root_prefix(&page.url), index.urls[to]);
            let href = if fragment.is_empty() {
                url
            } else {
                format!("{url}#{fragment}")
            };
            replacements.insert(escape_href(&link.url), escape_href(&href));
            (to, fragment)
        } else if let Some(fragment) = link.url.strip_prefix('#') {
            (i, fragment)
        } else {
            continue;
        };
        if !fragment.is_empty() {
            anchored.push(Anchored {
                from: i,
                to,
                fragment: fragment.to_string(),
                written: link.url.clone(),
                offset: link.offset,
            });
        }
    }
    if !replacements.is_empty() {
        rewrite(body, &replacements);
    }
    Ok(anchored)
}

/// Applies `rewrites` (as written → as output, both escaped) to the
/// `href`s of a body, in one pass over each piece of HTML: replacing each
/// link in turn copied the whole body once per link, so 20,000 links took
/// seconds.
fn rewrite(body: &mut Rendered, rewrites: &HashMap<String, String>) {
    const HREF: &str = "href=\"";
    for html in std::iter::once(&mut body.intro_html)
        .chain(body.sections.iter_mut().map(|s| &mut s.html))
        .chain(std::iter::once(&mut body.footnotes_html))
    {
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        let mut changed = false;
        while let Some(i) = rest.find(HREF) {
            let (head, tail) = rest.split_at(i + HREF.len());
            out.push_str(head);
            let end = tail.find('"').unwrap_or(tail.len());
            let value = &tail[..end];
            match rewrites.get(value) {
                Some(to) => {
                    out.push_str(to);
                    changed = true;
                }
                None => out.push_str(value),
            }
            rest = &tail[end..];
        }
        if changed {
            out.push_str(rest);
            *html = out;
        }
    }
}

/// How pulldown-cmark writes a URL into an `href`.
fn escape_href(url: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_href(&mut out, url).expect("writing to a String");
    out.replace('&', "&amp;")
}

/// Checks each anchored link against the ids found in its target's HTML.
pub fn check_anchors(
    pages: &[Page],
    anchored: &[Anchored],
    ids: &HashMap<usize, HashSet<String>>,
) -> Result<(), SourceError> {
    let none = HashSet::new();
    for a in anchored {
        if !ids.get(&a.to).unwrap_or(&none).contains(&a.fragment) {
            let from = &pages[a.from];
            let to = &pages[a.to];
            // Only now, with an error to explain, is the target parsed again.
            let sections: Vec<String> = to
                .body()
                .map(|b| b.sections.into_iter().take(12).map(|s| s.id).collect())
                .unwrap_or_default();
            let link = Link {
                url: a.written.clone(),
                offset: a.offset,
                image: false,
            };
            let target = if a.from == a.to {
                "this page".to_string()
            } else {
                format!("`{}`", to.file.display())
            };
            return Err(error_at(
                from,
                &link,
                format!(
                    "`{}` points at `#{}`, which {target} does not have",
                    a.written, a.fragment
                ),
                &format!("section ids there: {}", sections.join(", ")),
            ));
        }
    }
    Ok(())
}

/// Every `href` and `src` value in an HTML document, entities decoded.
pub fn targets_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Every `id="…"` value in an HTML document, as a set.
pub fn ids_in(html: &str) -> HashSet<String> {
    id_values(html).map(str::to_string).collect()
}

/// Every `id="…"` value in an HTML document, in order, repeats included.
pub fn id_values(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        let i = rest.find(" id=\"")?;
        rest = &rest[i + 5..];
        let end = rest.find('"')?;
        let id = &rest[..end];
        rest = &rest[end..];
        Some(id)
    })
}

fn error_at(page: &Page, link: &Link, message: String, help: &str) -> SourceError {
    let text = page.source();
    let at = (page.body_offset + link.offset).min(text.len());
    let len = text
        .get(at..)
        .and_then(|rest| rest.find(&link.url))
        .map_or(1, |i| i + link.url.len());
    SourceError::new(&page.file, message)
        .at_offset(&text, at, len)
        .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn page(rel: &str, body: &str) -> Page {
        let text = format!("+++\ntitle = \"t\"\ndate = 2020-01-01\n+++\n{body}");
        Page::parse(&Path::new("content").join(rel), rel, text).unwrap()
    }

    #[test]
    fn rewrites_internal_links_relative_to_the_page() {
        let pages = vec![
            page(
                "sahel/a.md",
                "## A\n\nSee [b](@/b.md#two) and [c](@/b.md).\n",
            ),
            page("b.md", "## Two\n"),
        ];
        let index = LinkIndex::new(&pages);
        let mut body = pages[0].body().unwrap();
        let anchored = resolve(&pages[0], &mut body, 0, &index).unwrap();
        let html = &body.sections[0].html;
        assert!(html.contains("href=\"../../b/index.html#two\""), "{html}");
        assert!(html.contains("href=\"../../b/index.html\""), "{html}");
        assert_eq!(anchored.len(), 1);
        let ids = HashMap::from([(1, ids_in("<h2 id=\"two\">"))]);
        let ok = check_anchors(&pages, &anchored, &ids);
        assert!(ok.is_ok());
    }

    #[test]
    fn rewrites_only_whole_hrefs_and_every_repeat() {
        // A link written twice is rewritten both times; a link that only
        // starts like another is left to its own rewrite.
        let pages = vec![
            page(
                "a.md",
                "## A\n\n[x](@/b.md) [y](@/b.md) [z](@/b.md#two) [w](@/b.md.x.md)\n",
            ),
            page("b.md", "## Two\n"),
            page("b.md.x.md", "## X\n"),
        ];
        let mut body = pages[0].body().unwrap();
        resolve(&pages[0], &mut body, 0, &LinkIndex::new(&pages)).unwrap();
        let html = &body.sections[0].html;
        assert_eq!(
            html.matches("href=\"../b/index.html\"").count(),
            2,
            "{html}"
        );
        assert_eq!(
            html.matches("href=\"../b/index.html#two\"").count(),
            1,
            "{html}"
        );
    }

    #[test]
    fn many_links_cost_linear_time() {
        // 20,000 links to different anchors took 10 s when each link copied
        // the whole body; the bound is loose so a busy machine cannot fail it.
        let n = 20_000;
        let targets: String = (0..n).map(|i| format!("### S{i} {{#s{i}}}\n\n")).collect();
        let links: String = (0..n).map(|i| format!("[l](@/b.md#s{i}) ")).collect();
        let pages = vec![
            page("a.md", &format!("## A\n\n{links}\n")),
            page("b.md", &targets),
        ];
        let mut body = pages[0].body().unwrap();
        let start = std::time::Instant::now();
        let anchored = resolve(&pages[0], &mut body, 0, &LinkIndex::new(&pages)).unwrap();
        let took = start.elapsed();
        assert_eq!(anchored.len(), n);
        assert!(
            body.sections[0]
                .html
                .contains("href=\"../b/index.html#s19999\"")
        );
        assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    }

    #[test]
    fn missing_briefing_is_an_error_at_the_link() {
        let pages = [page("a.md", "## A\n\nText [x](@/nope.md).\n")];
        let mut body = pages[0].body().unwrap();
        let err = resolve(&pages[0], &mut body, 0, &LinkIndex::new(&pages)).unwrap_err();
        assert_eq!(err.location(), "content/a.md:7:6");
        assert!(err.message.contains("does not exist"));
    }

    #[test]
    fn missing_anchor_is_an_error_naming_the_target() {
        let pages = [page("a.md", "## A\n\n[x](#nowhere)\n")];
        let mut body = pages[0].body().unwrap();
        let anchored = resolve(&pages[0], &mut body, 0, &LinkIndex::new(&pages)).unwrap();
        let ids = HashMap::from([(0, ids_in("<h2 id=\"a\">"))]);
        let err = check_anchors(&pages, &anchored, &ids).unwrap_err();
        assert!(
            err.message.contains("this page does not have"),
            "{}",
            err.message
        );
        assert_eq!(err.help.as_deref(), Some("section ids there: a"));
        assert_eq!(err.line, Some(7));
    }
}
