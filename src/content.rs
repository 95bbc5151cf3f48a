//! Finding briefings under `content/`, and the files of their bundles;
//! each is read by [`crate::briefing::Briefing::load`].

use crate::diagnostics::SourceError;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The folder of briefings, relative to the site root.
pub const CONTENT_DIR: &str = "content";

/// The largest briefing brief reads. The longest real briefings are well
/// under 1 MB; anything near this is a misplaced data file, and reading it
/// whole would stall the build and the preview.
pub const MAX_FILE_BYTES: u64 = 10_000_000;

/// A Markdown file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path inside `content/`, with `/` separators, e.g. `sahel/mali.md`.
    pub rel: String,
    /// For an `index.md`, the other files of its folder (images, PDFs…),
    /// copied beside the page: (file on disk, path relative to the folder).
    pub assets: Vec<(PathBuf, String)>,
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
    // Sorted by `rel` afterwards: walkdir's own sort re-parses each path
    // for every comparison, which costs more than the walk on a big site.
    let entries = crate::walk::entries(content_dir, true)
        .with_context(|| format!("failed to read `{}`", content_dir.display()))?;
    let mut others: Vec<(PathBuf, String)> = Vec::new();
    for entry in entries {
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
        if !entry.file_type().is_file() {
            continue;
        }
        let inner = path.strip_prefix(content_dir).unwrap_or(path);
        let rel = match inner.to_str() {
            // Where the separator is already `/`, a UTF-8 path is its own
            // relative name: no list of components to build and join.
            Some(s) if std::path::MAIN_SEPARATOR == '/' => s.to_string(),
            _ => inner
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        };
        if path.extension().is_some_and(|e| e == "md") {
            found.files.push(SourceFile {
                path: path.to_path_buf(),
                rel,
                assets: Vec::new(),
            });
        } else {
            others.push((path.to_path_buf(), rel));
        }
    }
    found.files.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    others.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    found.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    // A folder with an index.md is a page bundle: its other files belong to
    // that page, unless a deeper bundle claims them.
    let bundles: Vec<(usize, String)> = found
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let dir = f.rel.strip_suffix("index.md")?;
            (dir.is_empty() || dir.ends_with('/')).then(|| (i, dir.to_string()))
        })
        .filter(|(_, dir)| !dir.is_empty())
        .collect();
    for (path, rel) in others {
        let owner = bundles
            .iter()
            .filter(|(_, dir)| rel.starts_with(dir.as_str()))
            .max_by_key(|(_, dir)| dir.len());
        match owner {
            Some((i, dir)) => {
                let inner = rel[dir.len()..].to_string();
                found.files[*i].assets.push((path, inner));
            }
            None => found.warnings.push(
                SourceError::new(crate::diagnostics::display_path(root, &path), "file not copied")
                    .with_help("only files in a briefing's own folder (beside its index.md) are copied with it; put shared files in static/"),
            ),
        }
    }
    Ok(found)
}
