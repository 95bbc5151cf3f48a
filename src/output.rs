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
    /// Every path put so far: a second write of one path is a bug that
    /// would silently lose a file, so it fails the build instead.
    paths: Mutex<HashSet<String>>,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Staging {
    /// Writes one file into the new build.
    pub fn put(&self, file: &OutputFile) -> Result<()> {
        let first = self
            .paths
            .lock()
            .map_err(|_| anyhow::anyhow!("a writing thread panicked"))?
            .insert(file.path.clone());
        if !first {
            bail!(
                "`{}` would be written twice in one build; this is a bug in brief, please report it",
                file.path
            );
        }
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
    // Refused before anything is created, so a refused output (`-o /usr`)
    // leaves no lock file behind; checked again under the lock below.
    refuse_foreign(output)?;
    refuse_mount_point(output, &parent)?;
    fs::create_dir_all(&parent)
        .with_context(|| format!("failed to create `{}`", parent.display()))?;
    let _lock = lock(&parent.join(format!(".{name}.brief-lock")), output)?;
    let staging = parent.join(format!(".{name}.brief-new"));
    let old = parent.join(format!(".{name}.brief-old"));
    recover(output, &old)?;
    refuse_foreign(output)?;
    remove_if_exists(&staging)?;
    // `old` is only ever a copy of what `output` holds now: `recover` has
    // put it back if the output itself went missing.
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
        paths: Mutex::new(HashSet::new()),
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

/// Puts the staged build in the output's place. Where the system can
/// exchange two folders in one step (Linux's `renameat2`), it does, so there
/// is no moment without an output; elsewhere the output is moved aside
/// first, and [`recover`] puts it back if brief is stopped in between.
fn swap_in(staging: &Path, output: &Path, old: &Path) -> Result<()> {
    let had_old = fs::symlink_metadata(output).is_ok();
    let busy = |e: std::io::Error| -> anyhow::Error {
        if e.raw_os_error() == Some(EBUSY) {
            anyhow::anyhow!(
                "`{}` is a mount point or in use, so brief cannot replace it\n  = help: build into a folder inside it (`--output {}/site`) or mount its parent folder instead",
                output.display(),
                output.display()
            )
        } else {
            anyhow::Error::from(e)
        }
    };
    if had_old {
        match exchange(staging, output) {
            Ok(()) => {
                // `staging` now holds the previous build; a failure to remove
                // it is cleared by the next build.
                let _ = fs::remove_dir_all(staging);
                return Ok(());
            }
            Err(e) if e.raw_os_error() == Some(EBUSY) => {
                let _ = fs::remove_dir_all(staging);
                return Err(busy(e));
            }
            Err(_) => {}
        }
        if let Err(e) = fs::rename(output, old) {
            let _ = fs::remove_dir_all(staging);
            return Err(busy(e)).with_context(|| {
                format!("failed to move the previous `{}` aside", output.display())
            });
        }
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_old {
            // Put the previous build back so the user never ends up with none.
            let _ = fs::rename(old, output);
        }
        let _ = fs::remove_dir_all(staging);
        return Err(busy(e))
            .with_context(|| format!("failed to move the new build into `{}`", output.display()));
    }
    if had_old {
        // The new build is in place; a leftover copy of the old one is
        // removed by the next build.
        let _ = fs::remove_dir_all(old);
    }
    Ok(())
}

/// `EBUSY`: the folder is a mount point or otherwise in use.
const EBUSY: i32 = 16;

/// Swaps two folders in one step.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Swaps two folders in one step: not available here, so the caller
/// falls back to two renames.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// A build stopped between the two renames of [`swap_in`] leaves no output
/// and the previous build aside: put it back before anything else.
fn recover(output: &Path, old: &Path) -> Result<()> {
    if fs::symlink_metadata(output).is_err() && old.join(MARKER).is_file() {
        fs::rename(old, output).with_context(|| {
            format!(
                "`{}` is missing and its previous build is at `{}`, which could not be moved back",
                output.display(),
                old.display()
            )
        })?;
    }
    Ok(())
}

/// An output folder that is a mount point cannot be renamed; say so before
/// building rather than failing at the end.
fn refuse_mount_point(output: &Path, parent: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(o), Ok(p)) = (fs::symlink_metadata(output), fs::metadata(parent))
            && o.is_dir()
            && o.dev() != p.dev()
        {
            bail!(
                "`{}` is a mount point, and a build replaces its output folder whole\n  = help: build into a folder inside it (`--output {}/site`) or mount its parent folder instead",
                output.display(),
                output.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (output, parent);
    Ok(())
}

/// Whether `output` holds a build brief wrote, for telling a user what a
/// failed build left in place.
pub fn holds_a_build(output: &Path) -> bool {
    output.join(MARKER).is_file()
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
    fn a_build_stopped_between_its_two_renames_gets_its_output_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("index.html", "good")]).unwrap();
        // What a kill between `output → old` and `staging → output` leaves.
        fs::rename(&out, dir.path().join(".public.brief-old")).unwrap();
        let failed = write_with(&out, |_| anyhow::bail!("a broken template"));
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert!(holds_a_build(&out));
        assert!(!dir.path().join(".public.brief-old").exists());
        write(&out, &[file("index.html", "new")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn exchange_swaps_two_folders_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("f"), "from a").unwrap();
        fs::write(b.join("f"), "from b").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(fs::read_to_string(a.join("f")).unwrap(), "from b");
        assert_eq!(fs::read_to_string(b.join("f")).unwrap(), "from a");
    }

    #[test]
    fn the_previous_build_is_gone_only_once_the_new_one_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("index.html", "one")]).unwrap();
        write(&out, &[file("index.html", "two")]).unwrap();
        let mut left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".public.brief-lock", "public"]);
    }

    #[test]
    fn a_refused_output_leaves_no_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("home");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(write(&out, &[file("index.html", "x")]).is_err());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["home"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "needs root"]
    fn a_mount_point_output_is_refused_before_building() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir(&out).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(mounted.success(), "mount needs root");
        let result = write(&out, &[file("index.html", "x")]);
        let _ = std::process::Command::new("umount").arg(&out).status();
        let err = format!("{:#}", result.unwrap_err());
        assert!(err.contains("is a mount point"), "{err}");
        assert!(!dir.path().join(".public.brief-new").exists());
        assert!(!dir.path().join(".public.brief-lock").exists());
    }

    #[test]
    fn fingerprints_differ_by_content() {
        let a = Contents::Bytes(b"a".to_vec()).fingerprint().unwrap();
        let b = Contents::Bytes(b"b".to_vec()).fingerprint().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 8);
    }
}
