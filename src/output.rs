//! Writing the built site: every file goes into a staging folder beside the
//! output, which then takes the output's place, so a build that fails part
//! way leaves the previous site exactly as it was.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

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
    write_with(output, |staging| {
        files.par_iter().try_for_each(|f| staging.put(f))?;
        Ok(String::new())
    })
}

/// A folder being filled with a new build. [`Staging::put`] may be called
/// from many threads at once, so pages can be written as they are rendered
/// instead of being held in memory until the end.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Staging {
    /// Writes one file into the new build.
    pub fn put(&self, file: &OutputFile) -> Result<()> {
        let dest = self.dir.join(&file.path);
        if let Some(parent) = dest.parent() {
            let known = self
                .dirs
                .lock()
                .map(|d| d.contains(parent))
                .unwrap_or(false);
            if !known {
                fs::create_dir_all(parent)
                    .with_context(|| format!("failed to create `{}`", parent.display()))?;
                if let Ok(mut d) = self.dirs.lock() {
                    d.insert(parent.to_path_buf());
                }
            }
        }
        let n = match &file.contents {
            Contents::Bytes(b) => fs::write(&dest, b)
                .map(|_| b.len() as u64)
                .with_context(|| format!("failed to write `{}`", dest.display()))?,
            Contents::Copy(src) => fs::copy(src, &dest).with_context(|| {
                format!("failed to copy `{}` to `{}`", src.display(), dest.display())
            })?,
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }
}

/// Builds a new `output` through `fill`, which puts every file into the
/// staging folder and returns a note for the marker file (see
/// [`read_stamp`]); the previous output is replaced only if `fill` succeeds.
/// Holding a lock file beside the output, so two builds of one site cannot
/// interleave their files.
pub fn write_with<F>(output: &Path, fill: F) -> Result<Written>
where
    F: FnOnce(&Staging) -> Result<String>,
{
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
    let _lock = lock(&parent.join(format!(".{name}.brief-lock")), output)?;
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
    let stage = Staging {
        dir: staging.clone(),
        dirs: Mutex::new(HashSet::new()),
        files: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
    };
    let filled = fill(&stage).and_then(|stamp| {
        fs::write(
            staging.join(MARKER),
            format!("This folder is written by brief and replaced whole on every build.\n{stamp}"),
        )
        .with_context(|| format!("failed to write `{}`", staging.join(MARKER).display()))
    });
    match filled {
        Ok(()) => {
            swap_in(&staging, output, &old)?;
            Ok(Written {
                files: stage.files.load(Ordering::Relaxed),
                bytes: stage.bytes.load(Ordering::Relaxed),
            })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

/// What the last build wrote into the output's marker file, if brief wrote it.
pub fn read_stamp(output: &Path) -> Option<String> {
    fs::read_to_string(output.join(MARKER)).ok()
}

/// Takes the build lock: an OS file lock, released even if brief is killed.
fn lock(path: &Path, output: &Path) -> Result<fs::File> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("failed to create the lock file `{}`", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => bail!(
            "another brief build is writing `{}` right now\n  = help: wait for it to finish and run the build again",
            output.display()
        ),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("failed to lock `{}`", path.display()))
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
        let mut leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        leftovers.sort();
        // The lock file stays: removing it would race with a waiting build.
        assert_eq!(leftovers, [".public.brief-lock", "public"]);
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
        assert!(format!("{err:#}").contains("does-not-exist"));
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
    fn a_second_build_at_once_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let err = write_with(&out, |_| {
            let inner = write(&out, &[file("index.html", "second")]);
            assert!(format!("{:#}", inner.unwrap_err()).contains("another brief build"));
            Ok(String::new())
        });
        assert!(err.is_ok());
        assert!(out.join(MARKER).is_file());
        assert!(
            !out.join("index.html").exists(),
            "the refused build wrote nothing"
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
