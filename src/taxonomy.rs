//! Tags: which briefings carry each, how tags group into taxonomies, and
//! which briefings are related to which.

use crate::config::Config;
use crate::content::Page;
use crate::slug::slugify;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Scanning a tag's whole list for related briefings is quadratic on big
/// sites; the newest this many of each tag are enough to find good matches.
const RELATED_SCAN: usize = 500;

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
    pub fn index(pages: &[Page]) -> Tags {
        let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
        for (i, page) in pages.iter().enumerate() {
            let mut seen = Vec::new();
            for name in &page.front.tags {
                let slug = tag_slug(name);
                if seen.contains(&slug) {
                    continue;
                }
                seen.push(slug.clone());
                let tag = by_slug.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.clone(),
                    path: format!("tags/{slug}/index.html"),
                    slug,
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

    /// Up to `n` briefings sharing tags with `pages[i]`: most shared tags
    /// first, then newest.
    pub fn related(&self, pages: &[Page], i: usize, n: usize) -> Vec<usize> {
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for name in &pages[i].front.tags {
            if let Some(tag) = self.by_slug.get(&tag_slug(name)) {
                for &j in tag.pages.iter().take(RELATED_SCAN) {
                    if j != i {
                        *shared.entry(j).or_default() += 1;
                    }
                }
            }
        }
        let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
        // Pages are newest first, so a lower index is newer.
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(n).map(|(j, _)| j).collect()
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

    fn page(tags: &[&str]) -> Page {
        let fm = format!(
            "+++\ntitle = \"t\"\ndate = 2020-01-01\ntags = [{}]\n+++\n",
            tags.iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Page::parse(Path::new("x.md"), "x.md", fm).unwrap()
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
        assert_eq!(tags.related(&pages, 0, 3), [2, 4, 1]);
        assert!(tags.related(&pages, 3, 3).is_empty());
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
