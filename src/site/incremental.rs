//! Re-rendering after one briefing changes, for `brief serve`: the edited
//! file is parsed again and put in place of its old version, and only the
//! pages that can show it are rendered again.
//!
//! This lives beside [`Site`] rather than in the serve module because it has
//! to keep the site's private indexes (resolved links, what templates see of
//! every briefing) in step with the replaced page.

use super::{Site, summary_value};
use crate::content::Page;
use crate::links::{self, Anchored};
use crate::output::OutputFile;
use crate::views::Summary;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// What [`Site::update_page`] rendered again.
#[derive(Debug)]
pub struct Update {
    /// The files that changed, to lay over the previous build; every other
    /// file of the previous build stays as it was.
    pub files: Vec<OutputFile>,
    /// Briefing pages rendered again: 1 when nothing that other pages show
    /// of the briefing changed; else also those listing it as related, or
    /// every briefing when templates read `briefings` or `get_page`.
    pub briefings: usize,
    /// Warnings about the edited briefing.
    pub warnings: Vec<crate::SourceError>,
}

impl Site {
    /// Puts `page`, a fresh [`Page::load`] of a file the site already holds,
    /// in place of the old version and renders what it affects.
    ///
    /// Returns `Ok(None)` when the change reaches further than one page can
    /// be tracked: a new URL, date, draft state or set of tags moves the page
    /// in lists, tag pages, related lists or the output paths, so the caller
    /// should load the whole site again. `previous` gives the last build's
    /// bytes of an output path, for checking `#anchor` links into pages that
    /// are not rendered again. On an error the site is left as it was.
    pub fn update_page(
        &mut self,
        page: Page,
        previous: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Result<Option<Update>> {
        let Some(i) = self.pages.iter().position(|p| p.rel == page.rel) else {
            return Ok(None);
        };
        let old = &self.pages[i];
        if old.url != page.url
            || old.front.date != page.front.date
            || old.front.draft != page.front.draft
            || old.front.tags != page.front.tags
            || old.assets != page.assets
        {
            return Ok(None);
        }
        // Word counts, titles and summaries show in lists, related briefings
        // and the `briefings` global that any template may read; when none of
        // that changed, no other page can look different.
        // An exact word count that no template reads cannot show: most
        // edits change it but not the reading time in minutes.
        let counts_show = self.templates.use_name("word_count");
        let seen_elsewhere = |p: &Page| {
            let mut summary = serde_json::to_value(Summary::new(p, &self.config)).ok()?;
            if !counts_show && let Some(map) = summary.as_object_mut() {
                map.remove("word_count");
            }
            Some(summary)
        };
        let visible_change = seen_elsewhere(old) != seen_elsewhere(&page);

        let old_page = std::mem::replace(&mut self.pages[i], page);
        let old_summary = self.summaries[i].clone();
        if visible_change {
            self.summaries[i] = summary_value(&self.pages[i], &self.config);
            self.publish();
        }
        match self.render_affected(i, visible_change, previous) {
            Ok((update, anchored)) => {
                self.anchored = anchored;
                Ok(Some(update))
            }
            Err(e) => {
                self.pages[i] = old_page;
                if visible_change {
                    self.summaries[i] = old_summary;
                    self.publish();
                }
                Err(e)
            }
        }
    }

    /// Renders the pages that can show briefing `i`, and returns them with
    /// the site's `#anchor` links as they now are.
    fn render_affected(
        &self,
        i: usize,
        visible_change: bool,
        previous: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Result<(Update, Vec<Anchored>)> {
        let indexes: Vec<usize> = if !visible_change {
            vec![i]
        } else if ["briefings", "get_page"]
            .iter()
            .any(|name| self.templates.use_name(name))
        {
            // Any page may show any briefing.
            (0..self.pages.len()).collect()
        } else {
            // Otherwise a briefing shows others only as related briefings,
            // which depend on tags alone, and those did not change.
            (0..self.pages.len())
                .filter(|&j| j == i || self.related[j].contains(&i))
                .collect()
        };
        let rendered: Vec<Result<super::RenderedBriefing>> = indexes
            .par_iter()
            .map(|&j| self.render_briefing_at(j, true))
            .collect();
        let mut errors = Vec::new();
        let mut briefings = Vec::new();
        let mut warnings = Vec::new();
        let mut fresh_ids = HashMap::new();
        let mut anchored: Vec<Anchored> = self
            .anchored
            .iter()
            .filter(|a| !indexes.contains(&a.from))
            .cloned()
            .collect();
        for (&j, r) in indexes.iter().zip(rendered) {
            match r {
                Ok(b) => {
                    anchored.extend(b.anchored);
                    if j == i {
                        warnings = b.warnings;
                    }
                    if let Some(ids) = b.ids {
                        fresh_ids.insert(j, ids);
                    }
                    briefings.push(b.file);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(super::combine(errors));
        }
        self.check_anchors_with(&anchored, fresh_ids, previous)?;

        let mut files = briefings;
        if visible_change {
            // Lists show a briefing on its own page of the home list and on
            // its tags' pages, unless templates read every briefing.
            let only = (indexes.len() < self.pages.len()).then_some(i);
            files.extend(super::collect_files(|sink| {
                self.render_index_showing(only, sink)?;
                self.render_tags_showing(only, sink)
            })?);
        }
        // Feeds carry whole briefings, so they change with any edit.
        files.extend(self.render_machine_files()?);
        let update = Update {
            briefings: indexes.len(),
            files,
            warnings,
        };
        Ok((update, anchored))
    }

    /// Checks every `#anchor` link against fresh ids for the pages just
    /// rendered and the previous build's HTML for the others.
    fn check_anchors_with(
        &self,
        anchored: &[Anchored],
        mut ids: HashMap<usize, HashSet<String>>,
        previous: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Result<()> {
        let targets: HashSet<usize> = anchored.iter().map(|a| a.to).collect();
        for t in targets {
            if ids.contains_key(&t) {
                continue;
            }
            if let Some(html) = previous(&format!("{}index.html", self.pages[t].url)) {
                ids.insert(t, links::ids_in(&String::from_utf8_lossy(&html)));
            }
        }
        links::check_anchors(&self.pages, anchored, &ids)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Contents;
    use crate::site::LoadOptions;
    use crate::{Page, content::SourceFile};
    use std::fs;
    use std::path::Path;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    fn reload(site: &Site, root: &Path, rel: &str) -> Page {
        let file = SourceFile {
            path: root.join("content").join(rel),
            rel: rel.to_string(),
            assets: Vec::new(),
        };
        Page::load(root, &file, &site.config).unwrap()
    }

    /// Writes `text` as `content/<rel>` and puts the fresh page in place.
    fn edit(site: &mut Site, root: &Path, rel: &str, text: &str) -> Update {
        fs::write(root.join("content").join(rel), text).unwrap();
        let page = reload(site, root, rel);
        site.update_page(page, &|_| None).unwrap().unwrap()
    }

    fn briefing(title: &str, tags: &str, body: &str) -> String {
        format!("+++\ntitle = \"{title}\"\ndate = 2020-01-01\ntags = [{tags}]\n+++\n{body}")
    }

    #[test]
    fn body_edit_rerenders_the_page_and_what_lists_it() {
        let dir = site_with(&[
            (
                "content/a.md",
                &briefing("A", "\"x\"", "## One\n\nold text\n"),
            ),
            (
                "content/b.md",
                &briefing("B", "\"x\"", "## Two\n\nb text\n"),
            ),
            ("content/c.md", &briefing("C", "\"y\"", "## Three\n")),
        ]);
        let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
        // A new title shows wherever a is listed.
        let update = edit(
            &mut site,
            dir.path(),
            "a.md",
            &briefing("A again", "\"x\"", "## One\n\nnew words here\n"),
        );
        let paths: Vec<&str> = update.files.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"a/index.html"), "{paths:?}");
        // b lists a as related (a shared tag); c cannot show a.
        assert!(paths.contains(&"b/index.html"), "{paths:?}");
        assert!(!paths.contains(&"c/index.html"), "{paths:?}");
        assert_eq!(update.briefings, 2);
        assert!(paths.contains(&"index.html"), "{paths:?}");
        assert!(paths.contains(&"tags/x/index.html"), "{paths:?}");
        let html = match &update.files[paths.iter().position(|p| *p == "a/index.html").unwrap()]
            .contents
        {
            Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Contents::Copy(_) => unreachable!(),
        };
        assert!(html.contains("new words here"));
    }

    #[test]
    fn a_visible_edit_renders_only_the_lists_showing_the_page() {
        let dated = |title: &str, day: &str, tags: &str| {
            briefing(title, tags, "## One\n\ntext\n").replace("2020-01-01", day)
        };
        let dir = site_with(&[
            ("site.toml", "title = \"S\"\npaginate = 1\n"),
            ("content/a.md", &dated("A", "2020-01-03", "\"x\"")),
            ("content/b.md", &dated("B", "2020-01-02", "\"y\"")),
            ("content/c.md", &dated("C", "2020-01-01", "\"z\"")),
        ]);
        let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
        let update = edit(
            &mut site,
            dir.path(),
            "b.md",
            &dated("B renamed", "2020-01-02", "\"y\""),
        );
        let mut paths: Vec<&str> = update.files.iter().map(|f| f.path.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            ["b/index.html", "page/2/index.html", "tags/y/index.html"]
        );
    }

    #[test]
    fn templates_reading_every_briefing_rerender_every_briefing() {
        let dir = site_with(&[
            ("content/a.md", &briefing("A", "", "## One\n\nold\n")),
            ("content/b.md", &briefing("B", "", "## Two\n")),
            (
                "templates/briefing.html",
                "{{ page.title }}: {% for b in briefings %}{{ b.word_count }} {% endfor %}",
            ),
        ]);
        let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
        let update = edit(
            &mut site,
            dir.path(),
            "a.md",
            &briefing("A", "", "## One\n\nthree new words\n"),
        );
        assert_eq!(update.briefings, 2);
        let b = update
            .files
            .iter()
            .find(|f| f.path == "b/index.html")
            .unwrap();
        let Contents::Bytes(html) = &b.contents else {
            panic!("rendered page")
        };
        // b's page shows a's new word count.
        assert!(
            String::from_utf8_lossy(html).starts_with("B: 4 "),
            "{html:?}"
        );
    }

    #[test]
    fn edit_invisible_to_other_pages_renders_one_page() {
        // Same word count and summary: only the page itself can differ.
        let dir = site_with(&[
            ("content/a.md", &briefing("A", "", "## One\n\nalpha beta\n")),
            ("content/b.md", &briefing("B", "", "## Two\n\nb text\n")),
        ]);
        let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
        let update = edit(
            &mut site,
            dir.path(),
            "a.md",
            &briefing("A", "", "## One\n\ngamma delta\n"),
        );
        assert_eq!(update.briefings, 1);
        let paths: Vec<&str> = update.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a/index.html"]);
    }

    #[test]
    fn a_new_word_count_with_the_same_reading_time_renders_one_page() {
        // b lists a as related and shows its reading time, still 1 min; a
        // template showing exact counts sees the change on b too.
        let list = "{% for p in items %}{{ p.word_count }}{% endfor %}";
        for (template, rendered) in [(None, 1), (Some(list), 2)] {
            let a = briefing("A", "\"x\"", "## One\n\nold text\n");
            let b = briefing("B", "\"x\"", "## Two\n\nb text\n");
            let mut files = vec![("content/a.md", a.as_str()), ("content/b.md", b.as_str())];
            files.extend(template.map(|t| ("templates/briefing-list.html", t)));
            let dir = site_with(&files);
            let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
            let more = briefing("A", "\"x\"", "## One\n\nsome more new words\n");
            let update = edit(&mut site, dir.path(), "a.md", &more);
            assert_eq!(update.briefings, rendered, "{template:?}");
        }
    }

    #[test]
    fn changes_that_move_the_page_ask_for_a_full_build() {
        let dir = site_with(&[("content/a.md", &briefing("A", "\"x\"", "## One\n"))]);
        let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
        for changed in [
            briefing("A", "\"y\"", "## One\n"),
            briefing("A", "\"x\"", "## One\n").replace("2020-01-01", "2021-01-01"),
            briefing("A", "\"x\"", "## One\n").replace("+++\n##", "slug = \"z\"\n+++\n##"),
        ] {
            fs::write(dir.path().join("content/a.md"), &changed).unwrap();
            let page = reload(&site, dir.path(), "a.md");
            assert!(
                site.update_page(page, &|_| None).unwrap().is_none(),
                "{changed}"
            );
        }
    }

    #[test]
    fn broken_anchor_is_an_error_and_keeps_the_old_page() {
        let dir = site_with(&[
            (
                "content/a.md",
                &briefing("A", "", "## One\n\n[b](@/b.md#two)\n"),
            ),
            ("content/b.md", &briefing("B", "", "## Two\n")),
        ]);
        let mut site = Site::load(dir.path(), &LoadOptions::default()).unwrap();
        let before = site.render().unwrap();
        let previous = |path: &str| {
            before
                .iter()
                .find(|f| f.path == path)
                .and_then(|f| match &f.contents {
                    Contents::Bytes(b) => Some(b.clone()),
                    Contents::Copy(_) => None,
                })
        };
        fs::write(
            dir.path().join("content/a.md"),
            briefing("A", "", "## One\n\n[b](@/b.md#nope)\n"),
        )
        .unwrap();
        let page = reload(&site, dir.path(), "a.md");
        let err = site.update_page(page, &previous).unwrap_err();
        assert!(format!("{err:#}").contains("#nope"), "{err:#}");
        assert!(
            site.anchored.iter().any(|a| a.fragment == "two"),
            "the old page's links are kept"
        );
    }
}
