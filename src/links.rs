//! Links between briefings: `[text](@/sahel/mali.md#diplomacy)` is resolved
//! to a relative URL while the Markdown renders ([`LinkIndex::resolve`]),
//! and every `#anchor` is checked against the ids of the page it points at
//! once pages are rendered, including ids the templates add.

use crate::briefing::Briefing;
use crate::diagnostics::SourceError;
use crate::markdown::{Link, LinkProblem};
use crate::plan::paths;
use std::collections::{HashMap, HashSet};

/// The prefix of a link to another briefing's source file.
pub const INTERNAL: &str = "@/";

/// A link to an anchor, checked once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchored {
    /// The briefing (index into the site's briefings) holding the link.
    pub from: usize,
    /// The briefing it points at.
    pub to: usize,
    /// The id it needs there.
    pub fragment: String,
    /// The link as written, for messages.
    pub written: String,
    /// Byte offset of the link in the source briefing's body.
    pub offset: usize,
}

/// What a rendered page offers links: its ids, and its sections' ids to
/// suggest when a link misses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Every `id` on the page, templates' included.
    pub ids: HashSet<String>,
    /// The ids of its sections, in order.
    pub sections: Vec<String>,
}

/// Where every briefing of a site goes, for resolving `@/…` links.
#[derive(Debug, Clone, Default)]
pub struct LinkIndex {
    /// Path inside `content/` → index into the site's briefings.
    by_rel: HashMap<String, usize>,
    /// Each briefing's output folder, by index.
    urls: Vec<String>,
    /// Briefings that could not be loaded: links to them are not errors of
    /// their own, the briefing's problems are reported instead.
    pub unreadable: Vec<String>,
    /// Briefings under embargo (path inside `content/`), with when they go
    /// live in words: a link to one is an error saying until when.
    pub embargoed: HashMap<String, String>,
}

impl LinkIndex {
    /// The index of `briefings`, in their site order.
    pub fn new(briefings: &[Briefing], unreadable: &[String]) -> LinkIndex {
        LinkIndex {
            by_rel: briefings
                .iter()
                .enumerate()
                .map(|(i, b)| (b.rel.clone(), i))
                .collect(),
            urls: briefings.iter().map(|b| b.url.clone()).collect(),
            unreadable: unreadable.to_vec(),
            embargoed: HashMap::new(),
        }
    }

    /// The index of the briefing at `rel` (a path inside `content/`).
    pub fn index_of(&self, rel: &str) -> Option<usize> {
        self.by_rel.get(rel).copied()
    }

    /// The briefing an `@/` target (`@/sahel/mali.md#x`) names, with the
    /// fragment; `None` when it names no briefing of the site.
    fn target<'a>(&self, url: &'a str) -> Option<(Option<usize>, &'a str)> {
        let target = url.strip_prefix(INTERNAL)?;
        let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
        Some((
            self.by_rel.get(path.trim_start_matches('/')).copied(),
            fragment,
        ))
    }

    /// The href for the link target `written` in the page whose folder is
    /// `from`: `@/…` targets become relative URLs, anything else is left
    /// as written. A briefing that does not exist is a problem.
    pub fn resolve(&self, from: &str, written: &str) -> Result<Option<String>, LinkProblem> {
        if let Some(document) = crate::undocs::resolve(written) {
            return document.map(Some).map_err(|message| LinkProblem {
                message,
                help: "a `un:` link names a UN document by its symbol, e.g. [Resolution 2056](un:S/RES/2056(2012)); it goes to https://undocs.org/<symbol>".into(),
            });
        }
        let Some((to, fragment)) = self.target(written) else {
            return Ok(None);
        };
        let Some(to) = to else {
            let path = written[INTERNAL.len()..]
                .split('#')
                .next()
                .unwrap_or_default();
            let rel = path.trim_start_matches('/');
            if self.unreadable.iter().any(|r| r == rel) {
                return Ok(None);
            }
            if let Some(until) = self.embargoed.get(rel) {
                return Err(LinkProblem {
                    message: format!(
                        "`{written}` links to a briefing under embargo until {until}"
                    ),
                    help: "a briefing under embargo is in no output until it goes live; link to it once it is live (build with --clock at or after that time), or build with --future to preview both".into(),
                });
            }
            return Err(LinkProblem {
                message: format!("`{written}` links to a briefing that does not exist"),
                help: "internal links name a file under content/, e.g. @/sahel/mali.md#diplomacy (drafts exist only with --drafts)".into(),
            });
        };
        let url = format!(
            "{}{}",
            paths::root_prefix(from),
            paths::page(&self.urls[to])
        );
        Ok(Some(if fragment.is_empty() {
            url
        } else {
            format!("{url}#{fragment}")
        }))
    }

    /// The anchor links among `links`, found in the body of briefing
    /// `from`: `#id` in the page itself and `@/file.md#id` in another.
    pub fn anchored(&self, from: usize, links: &[Link]) -> Vec<Anchored> {
        links
            .iter()
            .filter(|l| !l.image)
            .filter_map(|link| {
                let (to, fragment) = match self.target(&link.url) {
                    Some((to, fragment)) => (to?, fragment),
                    None => (from, link.url.strip_prefix('#')?),
                };
                (!fragment.is_empty()).then(|| Anchored {
                    from,
                    to,
                    fragment: fragment.to_string(),
                    written: link.url.clone(),
                    offset: link.offset,
                })
            })
            .collect()
    }
}

/// Checks each anchored link against the ids of its target (`targets`
/// gives them by briefing index): one error for every link that misses. A
/// target with no ids did not render (its own problems are reported), so
/// links into it are not checked.
pub fn check_anchors<'t>(
    briefings: &[Briefing],
    anchored: &[Anchored],
    targets: &dyn Fn(usize) -> Option<&'t Targets>,
) -> Vec<SourceError> {
    anchored
        .iter()
        .filter_map(|a| {
            let target = targets(a.to)?;
            if target.ids.contains(&a.fragment) {
                return None;
            }
            let from = &briefings[a.from];
            let message = if a.from == a.to {
                format!("`{}` points at an id this page does not have", a.written)
            } else {
                format!(
                    "`{}` points at `#{}`, which `{}` does not have",
                    a.written,
                    a.fragment,
                    briefings[a.to].file.display()
                )
            };
            let shown: Vec<&str> = target
                .sections
                .iter()
                .take(12)
                .map(String::as_str)
                .collect();
            let help = if shown.is_empty() {
                "that page has no sections to link to".to_string()
            } else {
                format!("section ids there: {}", shown.join(", "))
            };
            // Read again only now, with an error to point at.
            Some(match from.text() {
                Ok(text) => text.error_at(a.offset, &a.written, message, &help),
                Err(e) => e,
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn briefing(rel: &str, body: &str) -> Briefing {
        let text = format!("+++\ntitle = \"t\"\ndate = 2020-01-01\n+++\n{body}");
        Briefing::parse(&Path::new("content").join(rel), rel, text).unwrap()
    }

    fn link(url: &str, offset: usize) -> Link {
        Link {
            url: url.into(),
            offset,
            image: false,
        }
    }

    #[test]
    fn resolves_internal_links_relative_to_the_page() {
        let all = vec![
            briefing("sahel/a.md", "## A\n"),
            briefing("b.md", "## Two\n"),
        ];
        let index = LinkIndex::new(&all, &[]);
        let from = &all[0].url;
        assert_eq!(
            index.resolve(from, "@/b.md#two").unwrap().as_deref(),
            Some("../../b/index.html#two")
        );
        assert_eq!(
            index.resolve(from, "@//b.md").unwrap().as_deref(),
            Some("../../b/index.html")
        );
        assert_eq!(index.resolve(from, "https://example.org/").unwrap(), None);
        assert_eq!(index.resolve(from, "#x").unwrap(), None);
        assert_eq!(
            index
                .resolve(from, "un:S/RES/2056(2012)")
                .unwrap()
                .as_deref(),
            Some("https://undocs.org/S/RES/2056(2012)")
        );
        let err = index.resolve(from, "un:S/RES/2056(12)").unwrap_err();
        assert!(err.message.contains("year `12`"), "{}", err.message);
        let err = index.resolve(from, "@/nope.md").unwrap_err();
        assert!(err.message.contains("does not exist"), "{}", err.message);
        let mut embargo = LinkIndex::new(&all, &[]);
        embargo
            .embargoed
            .insert("later.md".into(), "2 December 2026, 09:00 CET".into());
        let err = embargo.resolve(from, "@/later.md#x").unwrap_err();
        assert_eq!(
            err.message,
            "`@/later.md#x` links to a briefing under embargo until 2 December 2026, 09:00 CET"
        );
        let quiet = LinkIndex::new(&all, &["nope.md".into()]);
        assert_eq!(
            quiet.resolve(from, "@/nope.md").unwrap(),
            None,
            "its own errors are shown"
        );
    }

    #[test]
    fn anchored_links_are_found_in_the_page_and_across() {
        let all = vec![briefing("a.md", "## A\n"), briefing("b.md", "## Two\n")];
        let index = LinkIndex::new(&all, &[]);
        let links = [
            link("#here", 1),
            link("@/b.md#two", 2),
            link("@/b.md", 3),
            link("#", 4),
            link("https://example.org/#x", 5),
        ];
        let found = index.anchored(0, &links);
        let pairs: Vec<(usize, &str)> = found.iter().map(|a| (a.to, a.fragment.as_str())).collect();
        assert_eq!(pairs, [(0, "here"), (1, "two")]);
    }

    #[test]
    fn every_missing_anchor_is_reported_with_the_ids_there() {
        let all = [
            briefing("a.md", "## A\n\n[x](#nowhere) [y](@/b.md#gone) [z](#a)\n"),
            briefing("b.md", "## Two\n"),
        ];
        let index = LinkIndex::new(&all, &[]);
        let links = [link("#nowhere", 6), link("@/b.md#gone", 20), link("#a", 37)];
        let anchored = index.anchored(0, &links);
        let targets = HashMap::from([
            (
                0,
                Targets {
                    ids: ids_in("<h2 id=\"a\">"),
                    sections: vec!["a".into()],
                },
            ),
            (
                1,
                Targets {
                    ids: ids_in("<h2 id=\"two\">"),
                    sections: vec!["two".into()],
                },
            ),
        ]);
        let errors = check_anchors(&all, &anchored, &|i| targets.get(&i));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "`#nowhere` points at an id this page does not have"
        );
        assert_eq!(errors[0].help.as_deref(), Some("section ids there: a"));
        assert_eq!(errors[0].location(), "content/a.md:7:1");
        assert!(
            errors[1]
                .message
                .contains("which `content/b.md` does not have"),
            "{}",
            errors[1].message
        );
        assert_eq!(errors[1].help.as_deref(), Some("section ids there: two"));
    }
}
