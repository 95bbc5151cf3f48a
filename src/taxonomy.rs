//! Tags: which briefings carry each, how tags group into taxonomies, and
//! which briefings are related to which.

use crate::briefing::Briefing;
use crate::config::Config;
use crate::plan::paths;
use crate::slug::slugify;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One tag across the site.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tag {
    /// As first written (tags whose slugs match are one tag).
    pub name: String,
    /// For URLs: `tags/<slug>/`.
    pub slug: String,
    /// Indexes into the site's pages, newest first.
    #[serde(skip)]
    pub pages: Vec<usize>,
    /// How many briefings carry it.
    pub count: usize,
    /// The tag page, relative to the site root.
    pub path: String,
}

/// A named group of tags (from `[taxonomies]` in site.toml).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Group {
    /// The group's name, e.g. "countries".
    pub name: String,
    /// Its tags that are in use, by name.
    pub tags: Vec<Tag>,
}

/// Every tag of the site, by slug.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// By slug, so the order is stable.
    pub by_slug: BTreeMap<String, Tag>,
}

impl Tags {
    /// Indexes the tags of `pages` (which are sorted newest first).
    pub fn index(pages: &[Briefing]) -> Tags {
        let all: Vec<usize> = (0..pages.len()).collect();
        Tags::index_some(pages, &all, "", usize::MAX)
    }

    /// Indexes the tags of the pages at `items` (newest first), for the
    /// language whose pages are under `prefix` (`fr/`): a tag's name is
    /// the one its first page in language `lang` gives it, else the first.
    pub fn index_some(pages: &[Briefing], items: &[usize], prefix: &str, lang: usize) -> Tags {
        let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
        for &i in items.iter().filter(|&&i| pages[i].lang == lang) {
            for (name, slug) in &pages[i].tags {
                by_slug.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.clone(),
                    path: paths::page(&format!("{prefix}{}", paths::tag(slug))),
                    slug: slug.clone(),
                    pages: Vec::new(),
                    count: 0,
                });
            }
        }
        for &i in items {
            let page = &pages[i];
            for (name, slug) in &page.tags {
                let tag = by_slug.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.clone(),
                    path: paths::page(&format!("{prefix}{}", paths::tag(slug))),
                    slug: slug.clone(),
                    pages: Vec::new(),
                    count: 0,
                });
                tag.pages.push(i);
                tag.count += 1;
            }
        }
        Tags { by_slug }
    }

    /// Tags sorted by name, case-insensitively.
    pub fn sorted(&self) -> Vec<&Tag> {
        let mut v: Vec<&Tag> = self.by_slug.values().collect();
        v.sort_by_cached_key(|t| (t.name.to_lowercase(), t.slug.clone()));
        v
    }

    /// The taxonomies of `config` with the tags in use, then every other
    /// tag under "topics".
    pub fn groups(&self, config: &Config) -> Vec<Group> {
        let mut grouped = std::collections::HashSet::new();
        let mut groups = Vec::new();
        for (name, members) in &config.taxonomies {
            let tags: Vec<Tag> = members
                .iter()
                .filter_map(|m| self.by_slug.get(&tag_slug(m)))
                .inspect(|t| {
                    grouped.insert(t.slug.clone());
                })
                .cloned()
                .collect();
            if !tags.is_empty() {
                groups.push(Group {
                    name: name.clone(),
                    tags,
                });
            }
        }
        let rest: Vec<Tag> = self
            .sorted()
            .into_iter()
            .filter(|t| !grouped.contains(&t.slug))
            .cloned()
            .collect();
        if !rest.is_empty() {
            groups.push(Group {
                name: if groups.is_empty() {
                    "topics"
                } else {
                    "other topics"
                }
                .to_string(),
                tags: rest,
            });
        }
        groups
    }

    /// For every page, up to `n` other pages sharing the most tags with it,
    /// newest first among equals.
    pub fn related_all(&self, pages: &[Briefing], n: usize) -> Vec<Vec<usize>> {
        // Pages with the same tags have the same candidates, and big sites
        // reuse a few hundred combinations of tags across thousands of
        // pages: rank once per combination, keeping one extra so each page
        // can drop itself.
        let mut sets: HashMap<Vec<&str>, usize> = HashMap::new();
        let mut set_of = Vec::with_capacity(pages.len());
        let mut firsts: Vec<Vec<&str>> = Vec::new();
        for page in pages {
            let mut slugs: Vec<&str> = page.tags.iter().map(|(_, s)| s.as_str()).collect();
            slugs.sort_unstable();
            let next = firsts.len();
            let k = *sets.entry(slugs.clone()).or_insert_with(|| {
                firsts.push(slugs);
                next
            });
            set_of.push(k);
        }
        let ranked: Vec<Vec<usize>> = firsts
            .par_iter()
            .map_init(
                || (vec![0u32; pages.len()], Vec::new()),
                |(counts, touched), slugs| self.rank(slugs, n + 1, counts, touched),
            )
            .collect();
        set_of
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                ranked[k]
                    .iter()
                    .copied()
                    .filter(|&j| j != i)
                    .take(n)
                    .collect()
            })
            .collect()
    }

    /// The `n` pages sharing the most of `slugs`, newest first among equals.
    /// `counts` holds a zero for every page and is left so; `touched` is
    /// scratch space. Both are the caller's so one pair serves many calls.
    fn rank(
        &self,
        slugs: &[&str],
        n: usize,
        counts: &mut [u32],
        touched: &mut Vec<usize>,
    ) -> Vec<usize> {
        // Counting in an array indexed by page is a few nanoseconds a
        // candidate; merging the tags' lists cost five times that, and a big
        // site ranks a thousand combinations of tags.
        for tag in slugs.iter().filter_map(|slug| self.by_slug.get(*slug)) {
            for &j in &tag.pages {
                if counts[j] == 0 {
                    touched.push(j);
                }
                counts[j] += 1;
            }
        }
        // The best `n` as (shared, index), best first: more shared tags,
        // then the newer page (the smaller index).
        let beats = |a: (u32, usize), b: (u32, usize)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
        let mut best: Vec<(u32, usize)> = Vec::with_capacity(n + 1);
        for &j in touched.iter() {
            let candidate = (counts[j], j);
            counts[j] = 0;
            // Most candidates lose to the worst of a full list.
            if best.len() == n && !best.last().is_some_and(|&worst| beats(candidate, worst)) {
                continue;
            }
            let at = best
                .iter()
                .position(|&b| beats(candidate, b))
                .unwrap_or(best.len());
            best.insert(at, candidate);
            best.truncate(n);
        }
        touched.clear();
        best.into_iter().map(|(_, j)| j).collect()
    }
}

/// The slug of a tag; a tag with no letters or digits gets `tag`.
pub fn tag_slug(name: &str) -> String {
    let s = slugify(name);
    if s.is_empty() { "tag".to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn page(tags: &[&str]) -> Briefing {
        let fm = format!(
            "+++\ntitle = \"t\"\ndate = 2020-01-01\ntags = [{}]\n+++\n",
            tags.iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Briefing::parse(Path::new("x.md"), "x.md", fm).unwrap()
    }

    #[test]
    fn tags_merge_by_slug_and_keep_first_spelling() {
        let pages = vec![page(&["Côte d’Ivoire", "Mali"]), page(&["cote divoire"])];
        let tags = Tags::index(&pages);
        let t = &tags.by_slug["cote-divoire"];
        assert_eq!(t.name, "Côte d’Ivoire");
        assert_eq!(t.pages, [0, 1]);
        assert_eq!(t.path, "tags/cote-divoire/index.html");
    }

    #[test]
    fn related_ranks_by_shared_tags_then_newest() {
        let pages = vec![
            page(&["a", "b"]),
            page(&["a"]),
            page(&["a", "b"]),
            page(&["c"]),
            page(&["b", "a"]),
        ];
        let tags = Tags::index(&pages);
        let related = tags.related_all(&pages, 3);
        assert_eq!(related[0], [2, 4, 1]);
        assert_eq!(related[2], [0, 4, 1], "the page itself is left out");
        assert!(related[3].is_empty());
        assert_eq!(tags.related_all(&pages, 1)[4], [0]);
    }

    /// The ranking as first written: merge the tags' lists, which arrive
    /// sorted by page index, counting shared tags; the reference for `rank`.
    fn rank_by_merge(tags: &Tags, slugs: &[&str], n: usize) -> Vec<usize> {
        let lists: Vec<&[usize]> = slugs
            .iter()
            .filter_map(|slug| tags.by_slug.get(*slug))
            .map(|tag| tag.pages.as_slice())
            .collect();
        let mut cursors = vec![0usize; lists.len()];
        let mut best: Vec<(usize, usize)> = Vec::new();
        while let Some(j) = lists
            .iter()
            .zip(&cursors)
            .filter_map(|(l, &c)| l.get(c).copied())
            .min()
        {
            let mut shared = 0;
            for (l, c) in lists.iter().zip(cursors.iter_mut()) {
                if l.get(*c) == Some(&j) {
                    shared += 1;
                    *c += 1;
                }
            }
            let at = best
                .iter()
                .position(|&(s, _)| shared > s)
                .unwrap_or(best.len());
            if at < n {
                best.insert(at, (shared, j));
                best.truncate(n);
            }
        }
        best.into_iter().map(|(_, j)| j).collect()
    }

    #[test]
    fn ranking_by_counts_agrees_with_merging_the_lists() {
        // Long lists (near a thousand pages a tag), where an approximation
        // that looked at the newest few of each would differ.
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pages: Vec<Briefing> = (0..2500)
            .map(|_| {
                let k = 1 + (next() % 4) as usize;
                let tags: Vec<&str> = (0..k)
                    .map(|_| names[(next() % names.len() as u64) as usize])
                    .collect();
                page(&tags)
            })
            .collect();
        let tags = Tags::index(&pages);
        assert!(tags.by_slug.values().any(|t| t.pages.len() > 500));
        let mut counts = vec![0u32; pages.len()];
        let mut touched = Vec::new();
        for (i, p) in pages.iter().enumerate().step_by(5) {
            let mut slugs: Vec<&str> = p.tags.iter().map(|(_, s)| s.as_str()).collect();
            slugs.sort_unstable();
            for n in [1, 4, 10] {
                assert_eq!(
                    tags.rank(&slugs, n, &mut counts, &mut touched),
                    rank_by_merge(&tags, &slugs, n),
                    "page {i}, n = {n}"
                );
            }
        }
        assert!(counts.iter().all(|&c| c == 0), "counts are left zeroed");
    }

    #[test]
    fn groups_follow_the_config_then_other_topics() {
        let pages = vec![page(&["Mali", "ECOWAS", "Security"])];
        let tags = Tags::index(&pages);
        let mut config = Config::default();
        config
            .taxonomies
            .insert("countries".into(), vec!["Mali".into(), "Niger".into()]);
        let groups = tags.groups(&config);
        let names: Vec<_> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["countries", "other topics"]);
        assert_eq!(groups[0].tags.len(), 1);
        assert_eq!(groups[1].tags.len(), 2);
    }
}
