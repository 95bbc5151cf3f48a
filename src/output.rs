//! Writing the built site: every file goes into a staging folder beside the
//! output, which then takes the output's place, so a build that fails part
//! way leaves the previous site exactly as it was.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The file that marks a folder as brief's output, so brief never replaces
/// a folder it did not make.
pub const MARKER: &str = ".brief-output";

/// The bytes of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Generated in memory.
    Bytes(Vec<u8>),
    /// Copied from this file.
    Copy(PathBuf),
}

impl Contents {
    /// A short content hash, for cache-busting query strings.
    pub fn fingerprint(&self) -> Result<String> {
        let bytes = match self {
            Contents::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Contents::Copy(p) => std::borrow::Cow::Owned(
                fs::read(p).with_context(|| format!("failed to read `{}`", p.display()))?,
            ),
        };
        Ok(format!("{:08x}", fnv1a(&bytes) as u32))
    }
}

/// FNV-1a: tiny, stable across versions and platforms, and enough to tell
/// one version of a stylesheet from the next.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators.
    pub path: String,
    /// What goes in it.
    pub contents: Contents,
}

/// What [`write`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// Writes `files` as the new contents of `output`, replacing the old
/// contents only once every file is written.
pub fn write(output: &Path, files: &[OutputFile]) -> Result<Written> {
    let name = output
        .file_name()
        .with_context(|| {
            format!(
                "`{}` is not a folder name brief can write to",
                output.display()
            )
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .with_context(|| format!("failed to create `{}`", parent.display()))?;
    refuse_foreign(output)?;

    let staging = parent.join(format!(".{name}.brief-new"));
    let old = parent.join(format!(".{name}.brief-old"));
    remove_if_exists(&staging)?;
    remove_if_exists(&old)?;
    fs::create_dir(&staging).with_context(|| {
        format!(
            "failed to create `{}`; is the folder writable?",
            staging.display()
        )
    })?;

    match fill(&staging, files) {
        Ok(written) => {
            swap_in(&staging, output, &old)?;
            Ok(written)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            Err(e.context(format!(
                "the build was not written; `{}` is unchanged",
                output.display()
            )))
        }
    }
}

fn refuse_foreign(output: &Path) -> Result<()> {
    match fs::symlink_metadata(output) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => bail!(
            "`{}` exists and is not a folder; move it away or choose another --output",
            output.display()
        ),
        Ok(_) => {
            let mut entries = fs::read_dir(output)
                .with_context(|| format!("failed to read `{}`", output.display()))?;
            if entries.next().is_none() || output.join(MARKER).is_file() {
                Ok(())
            } else {
                bail!(
                    "`{}` already holds files that brief did not write, and a build replaces the whole folder\n  = help: choose another --output, or empty the folder first",
                    output.display()
                )
            }
        }
    }
}

fn fill(staging: &Path, files: &[OutputFile]) -> Result<Written> {
    let dirs: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for dir in dirs {
        let path = staging.join(dir);
        fs::create_dir_all(&path)
            .with_context(|| format!("failed to create `{}`", path.display()))?;
    }
    let bytes = files
        .par_iter()
        .map(|f| {
            let dest = staging.join(&f.path);
            match &f.contents {
                Contents::Bytes(b) => fs::write(&dest, b)
                    .map(|_| b.len() as u64)
                    .with_context(|| format!("failed to write `{}`", dest.display())),
                Contents::Copy(src) => fs::copy(src, &dest).with_context(|| {
                    format!("failed to copy `{}` to `{}`", src.display(), dest.display())
                }),
            }
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    fs::write(
        staging.join(MARKER),
        "This folder is written by brief and replaced whole on every build.\n",
    )
    .with_context(|| format!("failed to write `{}`", staging.join(MARKER).display()))?;
    Ok(Written {
        files: files.len(),
        bytes,
    })
}

fn swap_in(staging: &Path, output: &Path, old: &Path) -> Result<()> {
    let had_old = output.exists();
    if had_old {
        fs::rename(output, old)
            .with_context(|| format!("failed to move the previous `{}` aside", output.display()))?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_old {
            // Put the previous build back so the user never ends up with none.
            let _ = fs::rename(old, output);
        }
        let _ = fs::remove_dir_all(staging);
        return Err(e)
            .with_context(|| format!("failed to move the new build into `{}`", output.display()));
    }
    if had_old {
        fs::remove_dir_all(old).with_context(|| {
            format!(
                "the new build is in place, but the previous one at `{}` could not be removed",
                old.display()
            )
        })?;
    }
    Ok(())
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => {
            Err(e).with_context(|| format!("failed to remove the leftover `{}`", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn writes_nested_files_and_replaces_the_previous_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("a/index.html", "one"), file("old.txt", "x")]).unwrap();
        let w = write(&out, &[file("a/index.html", "two")]).unwrap();
        assert_eq!(w.files, 1);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
    }

    #[test]
    fn failed_write_keeps_the_previous_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("index.html", "good")]).unwrap();
        let missing = OutputFile {
            path: "x.css".into(),
            contents: Contents::Copy(dir.path().join("does-not-exist")),
        };
        let err = write(&out, &[file("index.html", "bad"), missing]).unwrap_err();
        assert!(format!("{err:#}").contains("unchanged"));
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert!(!dir.path().join(".public.brief-new").exists());
    }

    #[test]
    fn refuses_to_replace_a_folder_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("thesis.txt"), "years of work").unwrap();
        assert!(write(&out, &[file("index.html", "x")]).is_err());
        assert_eq!(
            fs::read_to_string(out.join("thesis.txt")).unwrap(),
            "years of work"
        );
    }

    #[test]
    fn fingerprints_differ_by_content() {
        let a = Contents::Bytes(b"a".to_vec()).fingerprint().unwrap();
        let b = Contents::Bytes(b"b".to_vec()).fingerprint().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 8);
    }
}
