//! Walking a folder tree on every core. A big site keeps thousands of
//! briefings in a few topic folders; each top-level folder is walked as a
//! task of its own, so discovering them does not hold up the other core.

use rayon::prelude::*;
use std::path::Path;
use walkdir::{DirEntry, WalkDir};

/// Every entry under `dir`, `dir` itself first, in no particular order
/// (callers sort what they keep). Symbolic links are listed, not followed.
/// With `skip_hidden`, names starting with `.` below `dir` are left out,
/// with everything inside them.
pub fn entries(dir: &Path, skip_hidden: bool) -> walkdir::Result<Vec<DirEntry>> {
    let keep = |e: &DirEntry| {
        e.depth() == 0 || !skip_hidden || !e.file_name().as_encoded_bytes().starts_with(b".")
    };
    let mut top: Vec<DirEntry> = Vec::new();
    for entry in WalkDir::new(dir)
        .follow_links(false)
        .max_depth(1)
        .into_iter()
        .filter_entry(keep)
    {
        top.push(entry?);
    }
    let below: Vec<Vec<DirEntry>> = top
        .par_iter()
        .filter(|e| e.depth() == 1 && e.file_type().is_dir())
        .map(|sub| {
            WalkDir::new(sub.path())
                .follow_links(false)
                .min_depth(1)
                .into_iter()
                .filter_entry(keep)
                .collect()
        })
        .collect::<walkdir::Result<_>>()?;
    top.extend(below.into_iter().flatten());
    Ok(top)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry's path below `dir`, with `@` after a symbolic link.
    fn label(dir: &Path, e: &DirEntry) -> String {
        let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
        if e.path_is_symlink() {
            format!("{rel}@")
        } else {
            rel
        }
    }

    fn names(dir: &Path, skip_hidden: bool) -> Vec<String> {
        let mut v: Vec<String> = entries(dir, skip_hidden)
            .unwrap()
            .iter()
            .map(|e| label(dir, e))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn lists_the_same_entries_as_one_walk() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "a.md",
            "x/b.md",
            "x/y/c.md",
            "x/y/z/d.md",
            "w/e.md",
            ".h/f.md",
            "x/.g.md",
        ] {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), "").unwrap();
        }
        std::fs::create_dir(d.join("empty")).unwrap();
        std::os::unix::fs::symlink(d.join("x"), d.join("link")).unwrap();
        let mut one: Vec<String> = WalkDir::new(d)
            .into_iter()
            .map(|e| label(d, &e.unwrap()))
            .collect();
        one.sort();
        assert_eq!(names(d, false), one);
        assert!(one.contains(&"link@".to_string()) && one.contains(&"x/y/z/d.md".to_string()));
        let visible = names(d, true);
        assert!(
            visible
                .iter()
                .all(|n| !n.contains("/.") && !n.starts_with('.')),
            "{visible:?}"
        );
        assert_eq!(visible.len(), one.len() - 3, "{visible:?}");
    }
}
