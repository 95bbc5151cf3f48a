//! What a burst of file changes means for `brief serve`: the changes are
//! gathered until the folder is quiet for a moment (editors save in several
//! steps), then sorted into "re-render these briefings", "load the whole site
//! again" or "nothing brief reads".

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the watched folders must be quiet before a rebuild starts,
/// while no change has been seen to finish. Long enough to gather an
/// editor's write-rename-delete dance into one rebuild.
pub const QUIET: Duration = Duration::from_millis(100);

/// How long the folders must be quiet once a change to a briefing has been
/// seen to finish (the file closed after writing, or renamed into place):
/// what an editor does next in the same save (a `chmod`, deleting its
/// backup) follows within a millisecond or two, so this still gathers it,
/// and the page follows the keyboard without waiting out [`QUIET`].
pub const SETTLE: Duration = Duration::from_millis(8);

/// The longest a rebuild waits for quiet, so a folder that never stops
/// changing (a sync tool, a generator in a loop) still gets rebuilt.
pub const MAX_WAIT: Duration = Duration::from_secs(2);

/// One change the watcher saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The path changed, absolute.
    pub path: PathBuf,
    /// Whether the change is finished: the file was closed after writing or
    /// renamed into place. A write alone may be one of many.
    pub finished: bool,
}

/// How long to wait for quiet.
#[derive(Debug, Clone, Copy)]
pub struct Waits {
    /// Quiet needed while no change has finished.
    pub quiet: Duration,
    /// Quiet needed once a change to a path `settles` has finished.
    pub settle: Duration,
    /// The longest wait from the first change.
    pub max: Duration,
}

/// The waits `brief serve` uses.
pub const WAITS: Waits = Waits {
    quiet: QUIET,
    settle: SETTLE,
    max: MAX_WAIT,
};

/// What to rebuild after a batch of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing brief reads changed (the output folder, `.git`, editor
    /// swap files…).
    Nothing,
    /// Only briefings the site already has were edited: parse these files
    /// again (paths inside `content/`, sorted) and render what shows them.
    Briefings(Vec<String>),
    /// A template, a static file, `site.toml`, or a briefing added, removed
    /// or renamed: load the whole site again. Holds the first such path,
    /// relative to the root, to say why.
    Full(String),
}

/// Waits for the next batch of changed paths: blocks for the first, then
/// gathers more until none comes for `waits.quiet`, or only for
/// `waits.settle` once a finished change to a path that `settles` (a
/// briefing the site has) is in the batch; at most `waits.max` from the
/// first. `None` once the sender is gone.
pub fn next_batch(
    rx: &Receiver<Change>,
    waits: Waits,
    settles: &dyn Fn(&Path) -> bool,
) -> Option<BTreeSet<PathBuf>> {
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut settled = first.finished && settles(&first.path);
    let mut batch = BTreeSet::from([first.path]);
    loop {
        let left = waits.max.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Some(batch);
        }
        let quiet = if settled { waits.settle } else { waits.quiet };
        match rx.recv_timeout(quiet.min(left)) {
            Ok(change) => {
                settled |= change.finished && settles(&change.path);
                batch.insert(change.path);
            }
            Err(RecvTimeoutError::Timeout) => return Some(batch),
            // Rebuild what was gathered; the next call reports the end.
            Err(RecvTimeoutError::Disconnected) => return Some(batch),
        }
    }
}

/// Sorts a batch of changed paths (absolute, under `root`) into a [`Plan`].
/// `known` says whether the site uses a file at a path inside `content/`
/// (a briefing, or a file copied beside one); `exists` whether a path is
/// there now (parameters so tests need no disk).
pub fn classify(
    root: &Path,
    changed: &BTreeSet<PathBuf>,
    known: &dyn Fn(&str) -> bool,
    exists: &dyn Fn(&Path) -> bool,
) -> Plan {
    let mut briefings = BTreeSet::new();
    for path in changed {
        let Some(parts) = relative_parts(root, path) else {
            continue;
        };
        if ignored(&parts) {
            continue;
        }
        let full = || Plan::Full(parts.join("/"));
        match parts[0].as_str() {
            "site.toml" if parts.len() == 1 => return full(),
            "templates" | "static" => return full(),
            // The folder itself made, deleted or moved away: its files may
            // report nothing on the way.
            "content" if parts.len() == 1 => return full(),
            "content" => {
                let rel = parts[1..].join("/");
                let is_known = parts.len() > 1 && known(&rel);
                match (exists(path), is_known) {
                    (true, true) if rel.ends_with(".md") => {
                        briefings.insert(rel);
                    }
                    // An editor's temporary file that came and went, or a
                    // folder whose files report their own changes.
                    (false, false) => {}
                    // New, deleted or renamed briefings, and the files
                    // copied beside them, change what the site holds.
                    _ => return full(),
                }
            }
            _ => {}
        }
    }
    if briefings.is_empty() {
        Plan::Nothing
    } else {
        Plan::Briefings(briefings.into_iter().collect())
    }
}

/// The parts of `path` below `root`, or `None` outside it (or the root itself).
fn relative_parts(root: &Path, path: &Path) -> Option<Vec<String>> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// Hidden files and folders (brief skips them when building, and editors
/// keep their swap files there) and editor backups.
fn ignored(parts: &[String]) -> bool {
    parts.iter().any(|p| p.starts_with('.'))
        || parts.last().is_some_and(|name| {
            name.ends_with('~')
                || name.ends_with(".swp")
                || name.ends_with(".swx")
                || name.ends_with(".tmp")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn plan(paths: &[&str]) -> Plan {
        let root = Path::new("/site");
        let changed = paths.iter().map(|p| root.join(p)).collect();
        let known = |rel: &str| {
            matches!(
                rel,
                "mali.md" | "sahel/niger.md" | "gone.md" | "mali/map.png"
            )
        };
        let exists = |p: &Path| !p.ends_with("gone.md") && !p.ends_with("sedX1y2");
        classify(root, &changed, &known, &exists)
    }

    #[test]
    fn sorts_changes_into_plans() {
        let cases: &[(&[&str], Plan)] = &[
            (
                &["content/mali.md"],
                Plan::Briefings(vec!["mali.md".into()]),
            ),
            (
                &[
                    "content/sahel/niger.md",
                    "content/mali.md",
                    "public/index.html",
                ],
                Plan::Briefings(vec!["mali.md".into(), "sahel/niger.md".into()]),
            ),
            (&["content/new.md"], Plan::Full("content/new.md".into())),
            (&["content/gone.md"], Plan::Full("content/gone.md".into())),
            (&["content/sahel"], Plan::Full("content/sahel".into())),
            // `sed -i` and many editors write a temporary file, then rename it.
            (
                &["content/sedX1y2", "content/mali.md"],
                Plan::Briefings(vec!["mali.md".into()]),
            ),
            (
                &["content/mali/map.png"],
                Plan::Full("content/mali/map.png".into()),
            ),
            (&["content"], Plan::Full("content".into())),
            (
                &["content/mali.md", "templates/base.html"],
                Plan::Full("templates/base.html".into()),
            ),
            (&["static/style.css"], Plan::Full("static/style.css".into())),
            (&["site.toml"], Plan::Full("site.toml".into())),
            (
                &["public/index.html", "README.md", "target/x"],
                Plan::Nothing,
            ),
            (&["content/.mali.md.swp", "content/mali.md~"], Plan::Nothing),
            (&[".git/index", "templates/.#base.html"], Plan::Nothing),
            (&["other/site.toml", "content.md"], Plan::Nothing),
        ];
        for (paths, want) in cases {
            assert_eq!(&plan(paths), want, "{paths:?}");
        }
    }

    #[test]
    fn paths_outside_the_root_are_ignored() {
        let changed = BTreeSet::from([
            PathBuf::from("/elsewhere/site.toml"),
            PathBuf::from("/site"),
        ]);
        let plan = classify(Path::new("/site"), &changed, &|_| true, &|_| true);
        assert_eq!(plan, Plan::Nothing);
    }

    fn change(path: &str, finished: bool) -> Change {
        Change {
            path: PathBuf::from(path),
            finished,
        }
    }

    fn waits(quiet_ms: u64, settle_ms: u64, max_ms: u64) -> Waits {
        Waits {
            quiet: Duration::from_millis(quiet_ms),
            settle: Duration::from_millis(settle_ms),
            max: Duration::from_millis(max_ms),
        }
    }

    fn briefing(path: &Path) -> bool {
        path.extension().is_some_and(|x| x == "md")
    }

    #[test]
    fn a_burst_of_changes_is_one_batch() {
        let (tx, rx) = mpsc::channel();
        let sender = std::thread::spawn(move || {
            for i in 0..5 {
                tx.send(change(&format!("/site/content/{i}.md"), false))
                    .unwrap();
                std::thread::sleep(Duration::from_millis(10));
            }
            std::thread::sleep(Duration::from_millis(300));
            tx.send(change("/site/later.md", false)).unwrap();
        });
        let w = waits(100, 100, 2000);
        let first = next_batch(&rx, w, &briefing).unwrap();
        assert_eq!(first.len(), 5, "{first:?}");
        let second = next_batch(&rx, w, &briefing).unwrap();
        assert_eq!(second, BTreeSet::from([PathBuf::from("/site/later.md")]));
        sender.join().unwrap();
        assert_eq!(next_batch(&rx, WAITS, &briefing), None);
    }

    /// Sends an editor's save of `content/mali.md` (written to a temporary
    /// file, closed, renamed into place, `chmod`ed), then after `gap` one
    /// more change, and returns the batches `next_batch` makes of them.
    fn batches_of_a_save(finished: bool, gap: Duration, w: Waits) -> Vec<BTreeSet<PathBuf>> {
        let (tx, rx) = mpsc::channel();
        let sender = std::thread::spawn(move || {
            for c in [
                change("/site/content/.mali.md.tmp", false),
                change("/site/content/.mali.md.tmp", finished),
                change("/site/content/mali.md", finished),
                change("/site/content/mali.md", false),
            ] {
                tx.send(c).unwrap();
            }
            std::thread::sleep(gap);
            tx.send(change("/site/content/mali.md", false)).unwrap();
        });
        let mut batches = Vec::new();
        while let Some(batch) = next_batch(&rx, w, &briefing) {
            batches.push(batch);
        }
        sender.join().unwrap();
        batches
    }

    #[test]
    fn a_finished_save_of_a_briefing_needs_only_a_moment_of_quiet() {
        // Quiet of a whole second unless settled: the change sent 300 ms
        // later joins the save's batch only if the save did not settle it.
        let w = waits(1000, 5, 10_000);
        let gap = Duration::from_millis(300);
        let settled = batches_of_a_save(true, gap, w);
        assert_eq!(settled.len(), 2, "{settled:?}");
        // The whole save, rename and chmod included, is one rebuild.
        assert_eq!(settled[0].len(), 2, "{settled:?}");
        let unsettled = batches_of_a_save(false, gap, w);
        assert_eq!(unsettled.len(), 1, "{unsettled:?}");
    }

    #[test]
    fn a_finished_change_to_a_file_brief_does_not_read_waits_for_quiet() {
        let (tx, rx) = mpsc::channel();
        let sender = std::thread::spawn(move || {
            tx.send(change("/site/content/notes.txt", true)).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            tx.send(change("/site/content/mali.md", false)).unwrap();
        });
        let batch = next_batch(&rx, waits(1000, 5, 10_000), &briefing).unwrap();
        assert_eq!(batch.len(), 2, "{batch:?}");
        sender.join().unwrap();
    }

    #[test]
    fn endless_changes_still_rebuild_after_max_wait() {
        let (tx, rx) = mpsc::channel();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let sender = std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = tx.send(change("/site/content/a.md", false));
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let started = Instant::now();
        let batch = next_batch(&rx, waits(50, 50, 300), &briefing);
        let took = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        sender.join().unwrap();
        assert!(batch.is_some());
        assert!(took < Duration::from_secs(2), "{took:?}");
    }
}
