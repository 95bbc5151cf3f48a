//! Writing the built site: every file goes into a staging folder beside the
//! output, which then takes the output's place, so a build that fails part
//! way leaves the previous site exactly as it was.

use crate::site_fs::{self, Snapshot};
use anyhow::{Context, Result, bail};
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
    /// Generated in memory, or a small site file read when it was opened.
    Bytes(Vec<u8>),
    /// A large site file, opened once without following links and copied
    /// (or served) from that handle in chunks, never from its path again.
    Copy(Snapshot),
}

impl Contents {
    /// Opens the site file `path` below `root` (see [`site_fs::Root::open`])
    /// as it is now: read whole if small, else kept open. `shown` names it
    /// in messages.
    pub fn open(root: &site_fs::Root, path: &Path, shown: &Path) -> std::io::Result<Contents> {
        use std::io::Read;
        let opened = root.open(path)?;
        if opened.len <= site_fs::SMALL_FILE_BYTES {
            let mut bytes = Vec::with_capacity(opened.len as usize);
            (&opened.file).take(opened.len).read_to_end(&mut bytes)?;
            Ok(Contents::Bytes(bytes))
        } else {
            Ok(Contents::Copy(Snapshot::new(shown.to_path_buf(), opened)))
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Contents::Bytes(b) => b.len() as u64,
            Contents::Copy(s) => s.len,
        }
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A short content hash, for cache-busting query strings. A large file
    /// is read in chunks, never whole.
    pub fn fingerprint(&self) -> Result<String> {
        let mut h = Fnv1a::default();
        match self {
            Contents::Bytes(b) => h.write(b),
            Contents::Copy(s) => s
                .for_each_chunk(|chunk| {
                    h.write(chunk);
                    Ok(())
                })
                .with_context(|| format!("failed to read `{}`", s.shown.display()))?,
        }
        Ok(format!("{:08x}", h.0 as u32))
    }
}

/// FNV-1a: tiny, stable across versions and platforms, and enough to tell
/// one version of a stylesheet from the next. Fed in pieces, so a large
/// file is hashed as it is read.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
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
            Contents::Copy(src) => copy_snapshot(src, &dest).with_context(|| {
                format!(
                    "failed to copy `{}` to `{}`",
                    src.shown.display(),
                    dest.display()
                )
            })?,
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }
}

/// Writes `src` to `dest` from the handle opened at load, a chunk at a time.
fn copy_snapshot(src: &Snapshot, dest: &Path) -> std::io::Result<u64> {
    use std::io::Write;
    let mut out = fs::File::create(dest)?;
    src.for_each_chunk(|chunk| out.write_all(chunk))?;
    Ok(src.len)
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
    if fs::symlink_metadata(output).is_err() && holds_a_build(old) {
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

/// Refuses an output folder that would overwrite the site's own files.
pub fn check_location(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root)?;
    let output = absolute(output)?;
    let protected = [
        root.clone(),
        root.join(crate::content::CONTENT_DIR),
        root.join(crate::templates::TEMPLATES_DIR),
        root.join(crate::site::STATIC_DIR),
    ];
    for p in &protected {
        if p.starts_with(&output) {
            anyhow::bail!(
                "refusing to build into `{}`: it holds the site's own files (`{}`), which a build would replace\n  = help: choose an output folder of its own, such as `public/` (the default)",
                output.display(),
                p.display()
            );
        }
    }
    // Inside `content/`, `templates/` or `static/`, the output would be
    // read back as the site's own input by the next build.
    for p in &protected[1..] {
        if output.starts_with(p) {
            anyhow::bail!(
                "refusing to build into `{}`: it is inside the site's `{}` folder, so the next build would read the output as input\n  = help: choose an output folder of its own, such as `public/` (the default)",
                output.display(),
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            );
        }
    }
    Ok(())
}

/// An absolute path with `.` and `..` resolved, following symbolic links
/// where the path exists, so two spellings of one folder compare equal.
fn absolute(p: &Path) -> Result<PathBuf> {
    let abs =
        std::path::absolute(p).with_context(|| format!("failed to resolve `{}`", p.display()))?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Canonicalize the longest existing ancestor, keep the rest as written.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        resolved.push(part);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    /// Writes `files` as the new contents of `output`, replacing the old
    /// contents only once every file is written.
    fn write(output: &Path, files: &[OutputFile]) -> Result<Written> {
        write_with(output, |staging| {
            files.par_iter().try_for_each(|f| staging.put(f))?;
            Ok(String::new())
        })
    }

    use super::*;
    use rayon::prelude::*;

    /// The names in `dir`, sorted.
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

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
        // The lock file stays: removing it would race with a waiting build.
        assert_eq!(names_in(dir.path()), [".public.brief-lock", "public"]);
    }

    /// A large file opened as a snapshot.
    fn big(dir: &Path, name: &str, len: usize) -> (PathBuf, Contents) {
        let path = dir.join(name);
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        fs::write(&path, &bytes).unwrap();
        let root = site_fs::Root::new(dir);
        let contents = Contents::open(&root, &path, Path::new(name)).unwrap();
        assert!(matches!(contents, Contents::Copy(_)));
        (path, contents)
    }

    #[test]
    fn failed_write_keeps_the_previous_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("index.html", "good")]).unwrap();
        let (path, contents) = big(dir.path(), "shrinks.bin", 3 << 20);
        fs::write(&path, "short now").unwrap();
        let shrunk = OutputFile {
            path: "x.bin".into(),
            contents,
        };
        let err = write(&out, &[file("index.html", "bad"), shrunk]).unwrap_err();
        assert!(format!("{err:#}").contains("shrinks.bin"), "{err:#}");
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

    #[cfg(unix)]
    #[test]
    fn a_large_file_is_copied_from_the_handle_opened_at_load() {
        let dir = tempfile::tempdir().unwrap();
        let (path, contents) = big(dir.path(), "big.bin", (3 << 20) + 17);
        let want = fs::read(&path).unwrap();
        let print = contents.fingerprint().unwrap();
        assert_eq!(print, Contents::Bytes(want.clone()).fingerprint().unwrap());
        // Swapped for a link after it was opened: the link is never followed.
        fs::write(dir.path().join("secret"), "root:x:0:0").unwrap();
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), &path).unwrap();
        let out = dir.path().join("public");
        let w = write(
            &out,
            &[OutputFile {
                path: "big.bin".into(),
                contents,
            }],
        )
        .unwrap();
        assert_eq!(w.bytes, want.len() as u64);
        assert_eq!(fs::read(out.join("big.bin")).unwrap(), want);
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
    fn a_refused_output_leaves_no_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("home");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(write(&out, &[file("index.html", "x")]).is_err());
        assert_eq!(names_in(dir.path()), ["home"]);
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

    #[test]
    fn refuses_output_over_site_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("content")).unwrap();
        for bad in [
            ".",
            "content",
            "static",
            "templates",
            "..",
            "static/out",
            "content/x/y",
            "templates/public",
        ] {
            assert!(check_location(root, &root.join(bad)).is_err(), "{bad}");
        }
        assert!(check_location(root, &root.join("content/../public")).is_ok());
        assert!(check_location(root, &root.join("public")).is_ok());
    }
}
