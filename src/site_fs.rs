//! Reading the site's own files without ever following a symbolic link.
//!
//! Walks skip links, but a walk and the read after it are two moments: a
//! file can become a link in between. So every read of a site file (a
//! briefing, a template, `site.toml`, a static file, a bundle file, an image
//! for its size) opens it here, below the site root, refusing a link in any
//! component of the path at the moment of opening, and refusing anything
//! that is not a regular file (a FIFO would hang a read; a device would
//! never end). What a build copies or serve answers is read from the handle
//! opened here, never from the path again (see [`Snapshot`]).

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files up to this size are read whole when opened for copying; larger
/// ones are kept open and read in chunks, so a big download never sits in
/// memory and a site with thousands of small images needs no handle each.
pub const SMALL_FILE_BYTES: u64 = 1024 * 1024;

/// The size of each read when copying or serving a large file.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// Why a path was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The file, or a folder on the way to it, is a symbolic link.
    Link,
    /// A folder, FIFO, device or socket.
    NotAFile,
    /// The path leaves the site folder (`..` past the root, or absolute
    /// elsewhere).
    Outside,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refused::Link => {
                "it is a symbolic link (or inside one), and brief does not follow links"
            }
            Refused::NotAFile => "it is not a regular file (a FIFO, device, socket or folder)",
            Refused::Outside => "it is outside the site folder",
        })
    }
}

impl std::error::Error for Refused {}

fn refused(r: Refused) -> io::Error {
    io::Error::other(r)
}

/// Why `e` was refused, if [`open`] refused it rather than the system
/// failing to open it.
pub fn refusal(e: &io::Error) -> Option<Refused> {
    e.get_ref()?.downcast_ref::<Refused>().copied()
}

/// Whether anything in `e`'s chain is a [`Refused`].
pub fn is_refused(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<Refused>().is_some()
            || c.downcast_ref::<io::Error>().and_then(refusal).is_some()
    })
}

/// The path below `root` as plain names: `path` may be absolute (under
/// `root`) or relative to `root`; `.` is dropped and `..` taken back
/// lexically, which is exact here because no component may be a link.
/// `None` when it leaves `root` or names `root` itself.
pub fn inside(root: &Path, path: &Path) -> Option<Vec<std::ffi::OsString>> {
    // Callers join paths to the root, which may itself be relative
    // (`--root tests/fixtures/minimal`), so the root comes off whenever the
    // path starts with it; a relative path that does not is taken as
    // relative to the root.
    let rel = match path.strip_prefix(root) {
        Ok(rel) => rel,
        Err(_) if path.is_absolute() => return None,
        Err(_) => path,
    };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(name) => parts.push(name.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// An open regular file of the site and its length when opened.
#[derive(Debug)]
pub struct Opened {
    /// The handle; reads never look the path up again.
    pub file: File,
    /// Its length when opened.
    pub len: u64,
}

/// The site folder, opened once: every read below it starts from this
/// handle instead of looking the folder's path up again, which halves the
/// system calls of reading a briefing. The folder itself may be reached
/// through links (it is the folder the user chose); nothing below it may.
/// If it cannot be opened now, each read tries again and reports why.
#[derive(Debug)]
pub struct Root {
    path: PathBuf,
    dir: Option<sys::Dir>,
}

impl Root {
    /// Opens the folder at `path` (`""` is the current folder).
    pub fn new(path: &Path) -> Root {
        Root {
            path: path.to_path_buf(),
            dir: sys::open_dir(Root::named(path)).ok(),
        }
    }

    fn named(path: &Path) -> &Path {
        if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        }
    }

    /// The folder's path, as it was given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens `path` (absolute under the root, or relative to it) for
    /// reading, refusing a symbolic link in any component below the root,
    /// a path leaving it, and anything but a regular file.
    pub fn open(&self, path: &Path) -> io::Result<Opened> {
        let parts = inside(&self.path, path).ok_or_else(|| refused(Refused::Outside))?;
        let file = match &self.dir {
            Some(dir) => sys::open_beneath(dir, &parts)?,
            None => sys::open_beneath(&sys::open_dir(Root::named(&self.path))?, &parts)?,
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(refused(Refused::NotAFile));
        }
        Ok(Opened {
            file,
            len: meta.len(),
        })
    }

    /// Reads the file at `path` (see [`Root::open`]) whole, stopping after
    /// `limit` bytes and one more, so a file over the limit is an error of
    /// kind `FileTooLarge` without being read whole. `expected` is the
    /// likely size, 0 if unknown, to size the buffer.
    pub fn read(&self, path: &Path, limit: u64, expected: usize) -> io::Result<Vec<u8>> {
        let opened = self.open(path)?;
        if opened.len > limit {
            return Err(too_large(limit));
        }
        let mut file = &opened.file;
        let mut bytes = Vec::with_capacity(expected.max(opened.len as usize) + 1);
        // The length it had when opened is read without asking once more
        // for the end: a file that grows from now on is as if it grew
        // after the read. Only a file that shrank, or a length of 0 (which
        // some special files report), reads on to the end.
        if opened.len > 0 {
            file.by_ref().take(opened.len).read_to_end(&mut bytes)?;
            if bytes.len() as u64 == opened.len {
                return Ok(bytes);
            }
        }
        let left = (limit + 1).saturating_sub(bytes.len() as u64);
        file.take(left).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(limit));
        }
        Ok(bytes)
    }
}

/// Opens `path` (absolute under `root`, or relative to it) for reading:
/// [`Root::open`] for a single file, opening `root` for it. `root` itself
/// may be reached through links: it is the folder the user chose.
pub fn open(root: &Path, path: &Path) -> io::Result<Opened> {
    Root::new(root).open(path)
}

/// Reads the file at `path` whole: [`Root::read`] for a single file.
pub fn read(root: &Path, path: &Path, limit: u64, expected: usize) -> io::Result<Vec<u8>> {
    Root::new(root).read(path, limit, expected)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than {} MB", limit / 1_000_000),
    )
}

/// A large site file opened once, when the site was loaded: what a build
/// copies and what serve answers for it, however the path changes after.
/// If the same file is written in place the new bytes show; a file replaced
/// (by another file or a link) leaves this handle on the old one.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The file as shown in messages.
    pub shown: PathBuf,
    file: Arc<File>,
    /// Its length when opened; exactly this many bytes are copied or served.
    pub len: u64,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        Arc::ptr_eq(&self.file, &other.file) && self.len == other.len
    }
}

impl Eq for Snapshot {}

impl Snapshot {
    /// Keeps `opened` for reading in chunks; `shown` names it in messages.
    pub fn new(shown: PathBuf, opened: Opened) -> Snapshot {
        Snapshot {
            shown,
            file: Arc::new(opened.file),
            len: opened.len,
        }
    }

    /// Reads into `buf` from byte `offset`, without moving a shared file
    /// position, so any number of readers can share the handle. A file that
    /// got shorter than [`Snapshot::len`] is an error: a copy or response
    /// cut short must not pass for the whole file.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf.len().min((self.len.saturating_sub(offset)) as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = sys::read_at(&self.file, &mut buf[..want], offset)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "`{}` got shorter after it was read; build again",
                    self.shown.display()
                ),
            ));
        }
        Ok(n)
    }

    /// Calls `each` with every chunk of the file in order.
    pub fn for_each_chunk(&self, mut each: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let mut buf = vec![0u8; CHUNK_BYTES.min(self.len as usize).max(1)];
        let mut offset = 0;
        while offset < self.len {
            let n = self.read_at(offset, &mut buf)?;
            each(&buf[..n])?;
            offset += n as u64;
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
mod sys {
    use super::{Refused, refused};
    use std::ffi::{CString, OsString};
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Set once `openat2` turns out to be missing (kernels before 5.6, or a
    /// sandbox that blocks it), so the fallback is used without asking again.
    static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

    const FILE_FLAGS: libc::c_int =
        libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;

    /// The site folder, opened for finding files below it only.
    pub type Dir = OwnedFd;

    pub fn open_beneath(dir: &OwnedFd, parts: &[OsString]) -> io::Result<File> {
        if !NO_OPENAT2.load(Ordering::Relaxed) {
            match openat2(dir, parts) {
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOSYS | libc::EPERM | libc::EINVAL)
                    ) =>
                {
                    NO_OPENAT2.store(true, Ordering::Relaxed);
                }
                other => return other,
            }
        }
        super::unix::walk(dir, parts)
    }

    pub fn open_dir(root: &Path) -> io::Result<OwnedFd> {
        let c = CString::new(root.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: `c` is a valid NUL-terminated path; the result is checked.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// One system call: the kernel refuses any link on the way and any
    /// step out of `dir`.
    fn openat2(dir: &OwnedFd, parts: &[OsString]) -> io::Result<File> {
        let mut joined = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                joined.push(b'/');
            }
            joined.extend_from_slice(p.as_bytes());
        }
        let c = CString::new(joined).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: zeroed is a valid `open_how` (all fields are integers).
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = FILE_FLAGS as u64;
        how.resolve =
            libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS;
        // SAFETY: the pointers are valid for the call; the size is the struct's.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir.as_raw_fd(),
                c.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd < 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::ELOOP) => refused(Refused::Link),
                Some(libc::EXDEV) => refused(Refused::Outside),
                _ => e,
            });
        }
        // SAFETY: a new descriptor owned by nobody else.
        Ok(File::from(unsafe {
            OwnedFd::from_raw_fd(fd as libc::c_int)
        }))
    }

    pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(file, buf, offset)
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
mod sys {
    use std::ffi::{CString, OsString};
    use std::fs::File;
    use std::io;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// The site folder, opened for finding files below it.
    pub type Dir = OwnedFd;

    pub fn open_dir(root: &Path) -> io::Result<OwnedFd> {
        let c = CString::new(root.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: `c` is a valid NUL-terminated path; the result is checked.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    pub fn open_beneath(dir: &OwnedFd, parts: &[OsString]) -> io::Result<File> {
        super::unix::walk(dir, parts)
    }

    pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(file, buf, offset)
    }
}

/// Component by component, for any Unix: each folder is opened relative to
/// the one before with `O_NOFOLLOW | O_DIRECTORY`, then the file with
/// `O_NOFOLLOW | O_NONBLOCK` (so a FIFO opens at once and is refused).
#[cfg(unix)]
mod unix {
    use super::{Refused, refused};
    use std::ffi::{CString, OsString};
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;

    pub fn walk(root: &OwnedFd, parts: &[OsString]) -> io::Result<File> {
        let (last, folders) = parts
            .split_last()
            .ok_or_else(|| refused(Refused::Outside))?;
        let mut below: Option<OwnedFd> = None;
        for name in folders {
            let next = at(
                below.as_ref().unwrap_or(root),
                name,
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            )?;
            below = Some(next);
        }
        let flags =
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
        at(below.as_ref().unwrap_or(root), last, flags).map(File::from)
    }

    fn at(dir: &OwnedFd, name: &OsString, flags: libc::c_int) -> io::Result<OwnedFd> {
        let c = CString::new(name.as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: valid descriptor and NUL-terminated name; result checked.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), c.as_ptr(), flags) };
        if fd >= 0 {
            // SAFETY: a new descriptor owned by nobody else.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let e = io::Error::last_os_error();
        // `O_NOFOLLOW` says ELOOP for a link, but `O_DIRECTORY` may say
        // ENOTDIR first: ask what the name is.
        if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) {
            // SAFETY: `st` is written by the call before it is read.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: valid descriptor, name and out-pointer.
            let r = unsafe {
                libc::fstatat(
                    dir.as_raw_fd(),
                    c.as_ptr(),
                    &mut st,
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            };
            if r == 0 && (st.st_mode & libc::S_IFMT) == libc::S_IFLNK {
                return Err(refused(Refused::Link));
            }
        }
        Err(e)
    }
}

/// Not Unix: no portable way to open without following links, so each
/// component is checked with `symlink_metadata` just before the open. This
/// leaves a window between check and open that the Unix code does not have.
#[cfg(not(unix))]
mod sys {
    use super::{Refused, refused};
    use std::ffi::OsString;
    use std::fs::File;
    use std::io;
    use std::path::Path;

    /// The site folder: only its path, looked up again for every file.
    pub type Dir = std::path::PathBuf;

    pub fn open_dir(root: &Path) -> io::Result<Dir> {
        Ok(root.to_path_buf())
    }

    pub fn open_beneath(root: &Dir, parts: &[OsString]) -> io::Result<File> {
        let mut path = root.clone();
        for p in parts {
            path.push(p);
            if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
                return Err(refused(Refused::Link));
            }
        }
        File::open(&path)
    }

    pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(file, buf, offset)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/sahel")).unwrap();
        std::fs::write(dir.path().join("content/sahel/mali.md"), "mali").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn reads_a_plain_file_by_absolute_or_relative_path() {
        let dir = site();
        let root = dir.path();
        let abs = root.join("content/sahel/mali.md");
        assert_eq!(read(root, &abs, 100, 0).unwrap(), b"mali");
        assert_eq!(
            read(root, Path::new("content/./sahel/../sahel/mali.md"), 100, 0).unwrap(),
            b"mali"
        );
    }

    #[test]
    fn refuses_a_link_in_any_component() {
        let dir = site();
        let root = dir.path();
        symlink(root.join("outside.txt"), root.join("content/link.md")).unwrap();
        symlink(root.join("content/sahel"), root.join("content/linked")).unwrap();
        symlink("/etc", root.join("content/etc")).unwrap();
        for path in [
            "content/link.md",
            "content/linked/mali.md",
            "content/etc/passwd",
        ] {
            let e = open(root, Path::new(path)).unwrap_err();
            assert_eq!(refusal(&e), Some(Refused::Link), "{path}: {e}");
        }
        // Also the fallback for kernels without `openat2`.
        let dirfd = File::open(root).unwrap();
        let parts = inside(root, Path::new("content/linked/mali.md")).unwrap();
        let e = unix::walk(&dirfd.into(), &parts).unwrap_err();
        assert_eq!(refusal(&e), Some(Refused::Link), "{e}");
        let dirfd = File::open(root).unwrap();
        let parts = inside(root, Path::new("content/link.md")).unwrap();
        let e = unix::walk(&dirfd.into(), &parts).unwrap_err();
        assert_eq!(refusal(&e), Some(Refused::Link), "{e}");
    }

    #[test]
    fn one_opened_root_serves_every_read_and_still_refuses_links() {
        let dir = site();
        let root = Root::new(dir.path());
        let abs = dir.path().join("content/sahel/mali.md");
        assert_eq!(root.read(&abs, 100, 0).unwrap(), b"mali");
        assert_eq!(
            root.read(Path::new("outside.txt"), 100, 0).unwrap(),
            b"secret"
        );
        // A folder swapped for a link after the root was opened.
        std::fs::rename(dir.path().join("content/sahel"), dir.path().join("moved")).unwrap();
        symlink(dir.path().join("moved"), dir.path().join("content/sahel")).unwrap();
        let e = root.open(&abs).unwrap_err();
        assert_eq!(refusal(&e), Some(Refused::Link), "{e}");
        assert_eq!(root.path(), dir.path());
    }

    #[test]
    fn refuses_paths_leaving_the_root() {
        let dir = site();
        let root = dir.path().join("content");
        for path in [
            Path::new("../outside.txt"),
            Path::new("sahel/../../outside.txt"),
            Path::new("/etc/passwd"),
            Path::new(""),
        ] {
            let e = open(&root, path).unwrap_err();
            assert_eq!(refusal(&e), Some(Refused::Outside), "{path:?}");
        }
    }

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = site();
        let root = dir.path();
        let fifo = root.join("content/pipe.png");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = open(root, &fifo).unwrap_err();
        assert_eq!(refusal(&e), Some(Refused::NotAFile));
        let e = open(root, &root.join("content/sahel")).unwrap_err();
        assert_eq!(refusal(&e), Some(Refused::NotAFile));
    }

    #[test]
    fn a_snapshot_keeps_the_file_it_opened() {
        let dir = site();
        let root = dir.path();
        let path = root.join("content/sahel/mali.md");
        let snap = Snapshot::new(path.clone(), open(root, &path).unwrap());
        std::fs::remove_file(&path).unwrap();
        symlink(root.join("outside.txt"), &path).unwrap();
        let mut got = Vec::new();
        snap.for_each_chunk(|c| {
            got.extend_from_slice(c);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, b"mali");
    }

    #[test]
    fn over_the_limit_is_too_large() {
        let dir = site();
        let e = read(dir.path(), Path::new("content/sahel/mali.md"), 3, 0).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }
}
