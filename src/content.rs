//! Finding briefings under `content/` and parsing each into a [`Page`].

use crate::diagnostics::SourceError;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown::{self, Rendered};
use crate::slug::slugify;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The folder of briefings, relative to the site root.
pub const CONTENT_DIR: &str = "content";

/// A Markdown file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path inside `content/`, with `/` separators, e.g. `sahel/mali.md`.
    pub rel: String,
}

/// What [`discover`] found: the Markdown files, and what it passed over.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown files, sorted by path so builds are deterministic.
    pub files: Vec<SourceFile>,
    /// Things skipped on purpose (symbolic links) that the user should know about.
    pub warnings: Vec<SourceError>,
}

/// Walks `content_dir` for `.md` files, sorted, skipping hidden files and
/// folders. Symbolic links are not followed, so a link can neither loop nor
/// pull in files from outside the site.
pub fn discover(root: &Path, content_dir: &Path) -> Result<Discovered> {
    let mut found = Discovered::default();
    if !content_dir.exists() {
        return Ok(found);
    }
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(|| format!("failed to read `{}`", content_dir.display()))?;
        let path = entry.path();
        if entry.path_is_symlink() {
            found.warnings.push(
                SourceError::new(
                    crate::diagnostics::display_path(root, path),
                    "symbolic link skipped",
                )
                .with_help("brief does not follow links, so a site cannot loop or read files outside itself; copy the file in instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = path
            .strip_prefix(content_dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        found.files.push(SourceFile {
            path: path.to_path_buf(),
            rel,
        });
    }
    Ok(found)
}

/// One briefing: its front matter and its rendered body.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file, as shown in messages (relative to the site root).
    pub file: PathBuf,
    /// Its path inside `content/`.
    pub rel: String,
    /// The whole file, kept to point later errors at lines.
    pub text: String,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// The rendered body.
    pub rendered: Rendered,
    /// Where the page goes, relative to the output root, as a folder with a
    /// trailing slash: `sahel/mali-ecowas/`.
    pub url: String,
}

impl Page {
    /// Reads, parses and renders one briefing file.
    pub fn load(root: &Path, file: &SourceFile) -> Result<Page> {
        let display = crate::diagnostics::display_path(root, &file.path);
        let bytes = std::fs::read(&file.path)
            .with_context(|| format!("failed to read `{}`", display.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            SourceError::new(&display, "this file is not valid UTF-8")
                .at_offset(&lossy, e.utf8_error().valid_up_to(), 1)
                .with_help(
                    "save the file as UTF-8 (most editors have an encoding option when saving)",
                )
        })?;
        Ok(Page::parse(&display, &file.rel, text)?)
    }

    /// Parses a briefing from its text. `file` is used in messages, `rel` for the URL.
    pub fn parse(file: &Path, rel: &str, text: String) -> Result<Page, SourceError> {
        let split = frontmatter::split(file, &text)?;
        let front = frontmatter::parse(file, &text, &split)?;
        let body_offset = split.body_offset;
        let rendered = markdown::render(split.body).map_err(|e| {
            SourceError::new(file, e.message)
                .at_offset(&text, body_offset + e.offset, e.len)
                .with_help(e.help)
        })?;
        let url = url_for(file, &text, rel, front.slug.as_deref())?;
        Ok(Page {
            file: file.to_path_buf(),
            rel: rel.to_string(),
            body_offset,
            front,
            rendered,
            url,
            text,
        })
    }

    /// The 1-based line of a byte offset in the Markdown body.
    pub fn body_line(&self, offset: usize) -> usize {
        let at = (self.body_offset + offset).min(self.text.len());
        self.text[..at].matches('\n').count() + 1
    }
}

/// The output folder for a content path: `sahel/mali.md` → `sahel/mali/`,
/// `sahel/mali/index.md` → `sahel/mali/`; `slug` replaces the last part.
fn url_for(file: &Path, text: &str, rel: &str, slug: Option<&str>) -> Result<String, SourceError> {
    let without_ext = rel.strip_suffix(".md").unwrap_or(rel);
    let mut parts: Vec<String> = without_ext.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "index") {
        parts.pop();
    }
    if let Some(slug) = slug {
        match parts.last_mut() {
            Some(last) => *last = slug.to_string(),
            None => parts.push(slug.to_string()),
        }
    }
    if parts.is_empty() {
        return Err(
            SourceError::new(file, "`content/index.md` would replace the home page")
                .at_offset(text, 0, 3)
                .with_help("rename the file, or set `slug` in its front matter"),
        );
    }
    let mut url = String::new();
    for part in &parts {
        let s = slugify(part);
        if s.is_empty() {
            return Err(
                SourceError::new(file, format!("`{part}` cannot be made into a URL"))
                    .with_help("rename the file or folder using letters or digits, or set `slug`"),
            );
        }
        url.push_str(&s);
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_content_path() {
        let cases = [
            ("mali.md", None, "mali/"),
            ("sahel/Mali ECOWAS.md", None, "sahel/mali-ecowas/"),
            ("sahel/mali/index.md", None, "sahel/mali/"),
            ("sahel/mali.md", Some("mali-2012"), "sahel/mali-2012/"),
        ];
        for (rel, slug, want) in cases {
            assert_eq!(
                url_for(Path::new("f"), "", rel, slug).unwrap(),
                want,
                "{rel}"
            );
        }
        assert!(url_for(Path::new("f"), "", "index.md", None).is_err());
    }

    #[test]
    fn markdown_errors_point_into_the_file() {
        let text =
            "+++\ntitle = \"t\"\ndate = 2012-01-01\n+++\n\n## A {#a}\n\n## B {#a}\n".to_string();
        let err = Page::parse(Path::new("content/x.md"), "x.md", text).unwrap_err();
        assert_eq!(err.location(), "content/x.md:8:1");
    }
}
