//! A fingerprint of everything a build reads, so a rebuild with nothing
//! changed can leave the output alone instead of writing it all again.

use crate::BuildOptions;
use crate::date::Date;
use rayon::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The folders and files a build reads, relative to the site root.
const INPUTS: &[&str] = &["site.toml", "content", "templates", "static"];

/// Hashes the inputs of a build: the files it reads (names and bytes), the
/// options, today's date (it decides which briefings are in the future),
/// and the brief binary itself. `None` when something cannot be read; the
/// build then runs in full and reports the problem itself.
pub fn of_build(options: &BuildOptions) -> Option<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for input in INPUTS {
        let path = options.root.join(input);
        if path.is_file() {
            files.push(path);
        } else if path.is_dir() {
            for entry in WalkDir::new(&path).follow_links(false).sort_by_file_name() {
                let entry = entry.ok()?;
                if entry.file_type().is_file() || entry.path_is_symlink() {
                    files.push(entry.into_path());
                }
            }
        }
    }
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|f| hash_file(&options.root, f))
        .collect::<Option<_>>()?;
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // A rebuilt binary of the same version may render differently.
    if let Ok(exe) = std::env::current_exe().and_then(std::fs::metadata) {
        exe.len().hash(&mut h);
        exe.modified().ok().hash(&mut h);
    }
    (options.drafts, options.future, options.strict).hash(&mut h);
    options.base_url.hash(&mut h);
    Date::today().to_string().hash(&mut h);
    hashes.hash(&mut h);
    Some(format!("{:016x}", h.finish()))
}

fn hash_file(root: &Path, file: &Path) -> Option<u64> {
    let mut h = DefaultHasher::new();
    file.strip_prefix(root).unwrap_or(file).hash(&mut h);
    let meta = std::fs::symlink_metadata(file).ok()?;
    if meta.file_type().is_symlink() {
        // Links are skipped by the build, but adding or removing one changes its warnings.
        std::fs::read_link(file).ok()?.hash(&mut h);
    } else {
        std::fs::read(file).ok()?.hash(&mut h);
    }
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            output: None,
            drafts: false,
            future: false,
            strict: false,
            base_url: None,
        }
    }

    #[test]
    fn changes_with_any_input_byte_and_option() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "one").unwrap();
        let first = of_build(&options(dir.path())).unwrap();
        assert_eq!(of_build(&options(dir.path())).unwrap(), first, "stable");
        std::fs::write(dir.path().join("content/a.md"), "two").unwrap();
        let edited = of_build(&options(dir.path())).unwrap();
        assert_ne!(edited, first);
        let mut drafts = options(dir.path());
        drafts.drafts = true;
        assert_ne!(of_build(&drafts).unwrap(), edited);
        std::fs::write(dir.path().join("public-not-an-input.txt"), "x").unwrap();
        assert_eq!(
            of_build(&options(dir.path())).unwrap(),
            edited,
            "only inputs count"
        );
    }
}
