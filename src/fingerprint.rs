//! A fingerprint of everything a build reads, so a rebuild with nothing
//! changed can leave the output alone instead of writing it all again.

use crate::BuildOptions;
use rayon::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The folders and files a build reads, relative to the site root.
const INPUTS: &[&str] = &["site.toml", "content", "templates", "static"];

/// How long after its last change a file's size and times are trusted to
/// stand for its bytes. File times advance in clock ticks, so a file
/// written twice within one tick can keep the same times; a file this
/// recent is read instead (the way git treats "racily clean" files).
const SETTLED: Duration = Duration::from_secs(2);

/// Hashes the inputs of a build: the files it reads (names, and each file's
/// size, times and inode, or its bytes if it changed in the last moments),
/// the options (`--clock` among them), and the brief binary itself. The
/// time passing an embargo is not in it: the build's stamp says until when
/// it holds. `None` when something cannot be
/// read; the build then runs in full and reports the problem itself.
pub fn of_build(options: &BuildOptions) -> Option<String> {
    of_build_at(options, SystemTime::now())
}

/// [`of_build`] as if it were `now`.
fn of_build_at(options: &BuildOptions, now: SystemTime) -> Option<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for input in INPUTS {
        let path = options.root.join(input);
        if path.is_file() {
            files.push(path);
        } else if path.is_dir() {
            // Unsorted: walkdir sorts by re-parsing each path, which costs
            // more than the walk; the hashes are sorted instead.
            for entry in crate::walk::entries(&path, false).ok()? {
                if entry.file_type().is_file() || entry.path_is_symlink() {
                    files.push(entry.into_path());
                }
            }
        }
    }
    let mut hashes: Vec<u64> = files
        .par_iter()
        .map(|f| hash_file(&options.root, f, now))
        .collect::<Option<_>>()?;
    // Each hash covers its file's path, so their order carries nothing.
    hashes.sort_unstable();
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // A rebuilt binary of the same version may render differently.
    if let Ok(exe) = std::env::current_exe().and_then(std::fs::metadata) {
        exe.len().hash(&mut h);
        exe.modified().ok().hash(&mut h);
    }
    (
        options.selection.drafts,
        options.selection.future,
        options.strict,
    )
        .hash(&mut h);
    options.base_url.hash(&mut h);
    // Which briefings are live follows the clock: a given clock is an
    // input; the time passing an embargo is checked against the stamp.
    options.selection.clock.map(|c| c.as_second()).hash(&mut h);
    hashes.hash(&mut h);
    Some(format!("{:016x}", h.finish()))
}

fn hash_file(root: &Path, file: &Path, now: SystemTime) -> Option<u64> {
    let mut h = DefaultHasher::new();
    file.strip_prefix(root).unwrap_or(file).hash(&mut h);
    let meta = std::fs::symlink_metadata(file).ok()?;
    if meta.file_type().is_symlink() {
        // Links are skipped by the build, but adding or removing one changes its warnings.
        std::fs::read_link(file).ok()?.hash(&mut h);
    } else if let Some(stamp) = settled_stamp(&meta, now) {
        // Reading every input would cost a no-change build a good part of
        // a full one on a big site; any write changes the change time.
        stamp.hash(&mut h);
    } else {
        // In chunks, so a large new file is never held whole; opened like
        // every site file, so a link swapped in is not read through.
        let opened = crate::site_fs::open(root, file).ok()?;
        crate::site_fs::Snapshot::new(file.to_path_buf(), opened)
            .for_each_chunk(|chunk| {
                h.write(chunk);
                Ok(())
            })
            .ok()?;
    }
    Some(h.finish())
}

/// Size, modification and change times and inode of a file whose last
/// change is at least [`SETTLED`] before `now`; `None` for a newer file.
#[cfg(unix)]
fn settled_stamp(meta: &std::fs::Metadata, now: SystemTime) -> Option<[i64; 6]> {
    use std::os::unix::fs::MetadataExt;
    // The change time moves on every write, even one that sets the
    // modification time back (`touch -d`).
    let changed = UNIX_EPOCH + Duration::from_secs(u64::try_from(meta.ctime()).ok()?);
    if now.duration_since(changed).ok()? < SETTLED + Duration::from_secs(1) {
        return None;
    }
    Some([
        i64::try_from(meta.len()).ok()?,
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec(),
        i64::try_from(meta.ino()).ok()?,
    ])
}

/// Without change times the bytes are the only safe stamp.
#[cfg(not(unix))]
fn settled_stamp(_meta: &std::fs::Metadata, _now: SystemTime) -> Option<[i64; 6]> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Selection;

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            output: None,
            selection: Selection::default(),
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
        drafts.selection.drafts = true;
        assert_ne!(of_build(&drafts).unwrap(), edited);
        std::fs::write(dir.path().join("public-not-an-input.txt"), "x").unwrap();
        assert_eq!(
            of_build(&options(dir.path())).unwrap(),
            edited,
            "only inputs count"
        );
    }

    #[test]
    fn settled_files_are_known_by_size_and_times() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let file = dir.path().join("content/a.md");
        std::fs::write(&file, "one").unwrap();
        let later = SystemTime::now() + Duration::from_secs(60);
        let first = of_build_at(&options(dir.path()), later).unwrap();
        assert_eq!(of_build_at(&options(dir.path()), later).unwrap(), first);
        std::fs::write(&file, "three").unwrap();
        assert_ne!(of_build_at(&options(dir.path()), later).unwrap(), first);
        // Set back to the same bytes and an old modification time, the file
        // still counts as changed: its change time moved.
        std::fs::write(&file, "one").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_ne!(of_build_at(&options(dir.path()), later).unwrap(), first);
    }
}
