//! The site being served: loaded once, kept between rebuilds with its last
//! good build, so an edit to one briefing re-parses and re-renders only what
//! shows it.

use super::Files;
use crate::content::{CONTENT_DIR, SourceFile};
use crate::output::{Contents, OutputFile};
use crate::reload::Plan;
use crate::site::{LoadOptions, Site};
use anyhow::Result;
use std::path::PathBuf;
use std::sync::Arc;

/// The loaded site and its last good build, kept between rebuilds so an
/// edit to one briefing re-parses only that file.
pub(super) struct Session {
    root: PathBuf,
    load: LoadOptions,
    /// `None` until a full load succeeds, and after a failed incremental
    /// rebuild (whose half-applied state is not worth trusting).
    site: Option<Site>,
    files: Arc<Files>,
}

/// What one rebuild did, for the line printed after it.
#[derive(Debug)]
pub(super) struct Rebuilt {
    /// The new build to serve.
    pub(super) files: Arc<Files>,
    /// Output files rendered.
    pub(super) rendered: usize,
    /// Whether the whole site was loaded again.
    pub(super) full: bool,
}

impl Session {
    /// A session over the site at `root` (absolute); nothing is loaded yet.
    pub(super) fn new(root: PathBuf, load: LoadOptions) -> Session {
        Session {
            root,
            load,
            site: None,
            files: Arc::new(Files::new()),
        }
    }

    /// Loads and renders the whole site.
    pub(super) fn full(&mut self) -> Result<Arc<Files>> {
        self.site = None;
        let mut site = Site::load(&self.root, &self.load)?;
        let files = site.render()?;
        print_warnings(&site.warnings);
        let files: Files = files
            .into_iter()
            .map(|f| (f.path, Arc::new(f.contents)))
            .collect();
        self.files = Arc::new(files);
        self.site = Some(site);
        Ok(Arc::clone(&self.files))
    }

    /// Whether the loaded site uses the file at this path inside `content/`:
    /// a briefing, or a file copied beside one.
    pub(super) fn knows(&self, rel: &str) -> bool {
        let disk = self.root.join(CONTENT_DIR).join(rel);
        self.site.as_ref().is_some_and(|s| {
            s.pages
                .iter()
                .any(|p| p.rel == rel || p.assets.iter().any(|(path, _)| *path == disk))
        })
    }

    /// Rebuilds what `plan` needs: the named briefings and the pages that
    /// show them when that can be worked out, the whole site otherwise.
    pub(super) fn rebuild(&mut self, plan: &Plan) -> Result<Rebuilt> {
        if let Plan::Briefings(rels) = plan
            && self.site.is_some()
        {
            match self.update(rels) {
                Ok(Some(rebuilt)) => return Ok(rebuilt),
                Ok(None) => {}
                Err(e) => {
                    self.site = None;
                    return Err(e);
                }
            }
        }
        let files = self.full()?;
        Ok(Rebuilt {
            rendered: files.len(),
            files,
            full: true,
        })
    }

    /// Re-parses each briefing in `rels` and lays what it re-renders over
    /// the last build; `None` when a change needs the whole site loaded.
    fn update(&mut self, rels: &[String]) -> Result<Option<Rebuilt>> {
        let Some(site) = self.site.as_mut() else {
            return Ok(None);
        };
        let mut files: Files = (*self.files).clone();
        let mut rendered = 0;
        for rel in rels {
            let Some(old) = site.pages.iter().find(|p| &p.rel == rel) else {
                return Ok(None);
            };
            let source = SourceFile {
                path: self.root.join(CONTENT_DIR).join(rel),
                rel: rel.clone(),
                assets: old.assets.clone(),
            };
            let page = match crate::content::Page::load(&self.root, &source, &site.config) {
                Ok(page) => page,
                // Now a link (or a FIFO…): the full load skips it with a
                // warning, as `brief build` does. Its text is never read.
                Err(e) if crate::site_fs::is_refused(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
            let previous = |path: &str| match files.get(path).map(|c| &**c) {
                Some(Contents::Bytes(b)) => Some(b.clone()),
                _ => None,
            };
            let Some(update) = site.update_page(page, &previous)? else {
                return Ok(None);
            };
            print_warnings(&update.warnings);
            rendered += update.files.len();
            for OutputFile { path, contents } in update.files {
                files.insert(path, Arc::new(contents));
            }
        }
        self.files = Arc::new(files);
        Ok(Some(Rebuilt {
            files: Arc::clone(&self.files),
            rendered,
            full: false,
        }))
    }
}

/// Prints the warnings of a load or an update, each followed by a blank line.
fn print_warnings(warnings: &[crate::SourceError]) {
    for w in warnings {
        eprintln!("warning: {w}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_rebuilds_one_briefing_then_everything_after_a_template_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let text = |words: &str| {
            format!("+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\n## One\n\n{words}\n")
        };
        std::fs::write(root.join("content/a.md"), text("first")).unwrap();
        std::fs::write(
            root.join("content/b.md"),
            text("other").replace("\"A\"", "\"B\""),
        )
        .unwrap();
        let mut session = Session::new(root.to_path_buf(), LoadOptions::default());
        let first = session.full().unwrap();
        std::fs::write(root.join("content/a.md"), text("second")).unwrap();
        let rebuilt = session
            .rebuild(&Plan::Briefings(vec!["a.md".into()]))
            .unwrap();
        assert!(!rebuilt.full);
        assert_eq!(rebuilt.files.len(), first.len());
        let page = |files: &Files, path: &str| match &*files[path] {
            Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Contents::Copy(_) => unreachable!(),
        };
        assert!(page(&rebuilt.files, "a/index.html").contains("second"));
        // The previous build is untouched: it may still be being served.
        assert!(page(&first, "a/index.html").contains("first"));

        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/briefing.html"), "{{ nope }}").unwrap();
        assert!(
            session
                .rebuild(&Plan::Full("templates/briefing.html".into()))
                .is_err()
        );
        std::fs::write(root.join("templates/briefing.html"), "T:{{ page.title }}").unwrap();
        let rebuilt = session
            .rebuild(&Plan::Briefings(vec!["a.md".into()]))
            .unwrap();
        assert!(rebuilt.full, "after a failure the site is loaded again");
        assert_eq!(page(&rebuilt.files, "a/index.html"), "T:A");
    }
}
