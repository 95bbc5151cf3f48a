//! Work kept between builds in `.brief-cache/` in the site folder: results
//! that are slow to make and follow only from inputs whose hash names the
//! file (a briefing's formatted citations). The cache is best effort: a file
//! that cannot be read or written is made again, never an error, and
//! deleting the folder only costs time.

use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The cache folder, in the site folder.
pub const CACHE_DIR: &str = ".brief-cache";

/// Files of one kind of work, named by the hash of their inputs.
#[derive(Debug, Default)]
pub struct DiskCache {
    /// `.brief-cache/<kind>`; none when it cannot be a real folder.
    dir: Option<PathBuf>,
}

impl DiskCache {
    /// The cache of `kind` in the site at `root`, made if missing. None is
    /// used (every lookup misses) when `.brief-cache` or its folder is
    /// anything but a real folder: a symbolic link is never followed.
    pub fn open(root: &Path, kind: &str) -> DiskCache {
        let mut dir = root.to_path_buf();
        for part in [CACHE_DIR, kind] {
            dir.push(part);
            let usable = match std::fs::symlink_metadata(&dir) {
                Ok(meta) => meta.is_dir(),
                Err(_) => std::fs::create_dir(&dir).is_ok(),
            };
            if !usable {
                return DiskCache { dir: None };
            }
        }
        DiskCache { dir: Some(dir) }
    }

    /// The file for `key`.
    fn file(&self, key: u128) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join(format!("{key:032x}")))
    }

    /// What was kept for `key`, if a regular file (never a link) holds it.
    pub fn get(&self, key: u128) -> Option<Vec<u8>> {
        let file = self.file(key)?;
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW);
        }
        let mut opened = options.open(file).ok()?;
        let meta = opened.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        // Sized at once: a cached PDF or search index is hundreds of KB.
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?.saturating_add(1));
        opened.read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// The size of what was kept for `key`, without reading it.
    pub fn size(&self, key: u128) -> Option<u64> {
        let meta = std::fs::symlink_metadata(self.file(key)?).ok()?;
        meta.is_file().then_some(meta.len())
    }

    /// Keeps `bytes` for `key`: written whole under a temporary name, then
    /// renamed, so a reader never sees half a file. Failing is not an error;
    /// the result says whether the bytes were kept.
    pub fn put(&self, key: u128, bytes: &[u8]) -> bool {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let Some(file) = self.file(key) else {
            return false;
        };
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = file.with_extension(format!("tmp{}-{n}", std::process::id()));
        if std::fs::write(&temp, bytes).is_err() || std::fs::rename(&temp, &file).is_err() {
            let _ = std::fs::remove_file(&temp);
            return false;
        }
        true
    }

    /// Keeps `bytes` for `key` as the one entry of this cache: every other
    /// entry (a regular file named like a key) is removed, for work whose
    /// older results are never wanted again and are large (the search
    /// index of a whole site).
    pub fn put_alone(&self, key: u128, bytes: &[u8]) -> bool {
        if !self.put(key, bytes) {
            return false;
        }
        let Some(dir) = &self.dir else {
            return false;
        };
        let own = format!("{key:032x}");
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                let is_key = name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit());
                let is_file = entry.file_type().is_ok_and(|t| t.is_file());
                if is_key && is_file && name != own {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        true
    }
}

/// A 128-bit key for `inputs`, mixed with the running binary's size and
/// time, so a new build of brief (a new version of a library that formats
/// the work) never reads an older one's files.
pub fn key(inputs: &impl Hash) -> u128 {
    // Asked once per process: a key is made for every briefing.
    static BINARY: std::sync::OnceLock<Option<(u64, Option<std::time::SystemTime>)>> =
        std::sync::OnceLock::new();
    let binary = BINARY.get_or_init(|| {
        std::env::current_exe()
            .and_then(std::fs::metadata)
            .ok()
            .map(|m| (m.len(), m.modified().ok()))
    });
    let half = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        (seed, binary, inputs).hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_kept_alone_removes_the_others() {
        let site = tempfile::tempdir().unwrap();
        let cache = DiskCache::open(site.path(), "search");
        let (a, b) = (key(&"old"), key(&"new"));
        assert!(cache.put(a, b"old"));
        let other = site.path().join(".brief-cache/search/notes.txt");
        std::fs::write(&other, "not a key").unwrap();
        assert!(cache.put_alone(b, b"new"));
        assert_eq!(cache.get(a), None);
        assert_eq!(cache.get(b).as_deref(), Some(&b"new"[..]));
        assert!(other.exists(), "only files named like keys are removed");
    }

    #[test]
    fn keeps_work_by_key_and_never_follows_a_link() {
        let site = tempfile::tempdir().unwrap();
        let cache = DiskCache::open(site.path(), "cite");
        let (a, b) = (key(&"one"), key(&"two"));
        assert_ne!(a, b);
        assert_eq!(a, key(&"one"));
        assert_eq!(cache.get(a), None);
        assert_eq!(cache.size(a), None);
        assert!(cache.put(a, b"kept"));
        assert_eq!(cache.get(a).as_deref(), Some(&b"kept"[..]));
        assert_eq!(cache.size(a), Some(4));
        assert_eq!(cache.get(b), None);
        assert!(site.path().join(".brief-cache/cite").is_dir());

        #[cfg(unix)]
        {
            // A file replaced by a link to elsewhere is not read.
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret"), "secret").unwrap();
            let file = site.path().join(format!(".brief-cache/cite/{b:032x}"));
            std::os::unix::fs::symlink(outside.path().join("secret"), file).unwrap();
            assert_eq!(cache.get(b), None);
            // A cache folder that is a link is not used at all.
            let other = tempfile::tempdir().unwrap();
            std::fs::create_dir(other.path().join(CACHE_DIR)).unwrap();
            std::os::unix::fs::symlink(outside.path(), other.path().join(".brief-cache/pdf"))
                .unwrap();
            let linked = DiskCache::open(other.path(), "pdf");
            assert!(!linked.put(a, b"x"));
            assert_eq!(linked.get(a), None);
            assert!(!outside.path().join(format!("{a:032x}")).exists());
        }
    }
}
