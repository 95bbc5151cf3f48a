//! Watching the site's folders and rebuilding on change: file events go to
//! a rebuild thread, which gathers them into batches (see `crate::reload`),
//! rebuilds what they touch and tells open pages.

use super::session::Session;
use super::{Shared, report_failure};
use crate::content::CONTENT_DIR;
use crate::reload::{self, Change, Plan};
use crate::report::{Reporter, plural};
use crate::site::STATIC_DIR;
use crate::templates::TEMPLATES_DIR;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Instant;

/// Starts the watcher and the rebuild thread.
pub(super) fn watch(
    root: PathBuf,
    mut session: Session,
    shared: Arc<Shared>,
    report: Reporter,
) -> Result<()> {
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    use notify::{EventKind, RecursiveMode, Watcher};
    let (tx, rx) = mpsc::channel::<Change>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        // A file closed after writing, or renamed into place, is finished;
        // other reads (ours included, while rebuilding) are no change.
        let finished = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => return,
            EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => true,
            _ => false,
        };
        // A rename reported as one event names the old path, then the new.
        let last = event.paths.len().saturating_sub(1);
        for (i, path) in event.paths.into_iter().enumerate() {
            let _ = tx.send(Change {
                path,
                finished: finished && i == last,
            });
        }
    })
    .context("failed to start watching files")?;
    // The root itself is watched alone (not its public/, target/ or .git/),
    // the site's folders whole.
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("failed to watch `{}`", root.display()))?;
    let mut watched: Vec<(PathBuf, Identity)> = Vec::new();
    arm(&mut watcher, &root, &mut watched, report);
    std::thread::Builder::new()
        .name("brief-rebuild".into())
        .spawn(move || {
            let content = root.join(CONTENT_DIR);
            loop {
                // A finished save of a briefing the site has is rebuilt
                // after a moment's quiet, not the full wait.
                let settles = |path: &Path| {
                    path.extension().is_some_and(|x| x == "md")
                        && path
                            .strip_prefix(&content)
                            .ok()
                            .and_then(Path::to_str)
                            .is_some_and(|rel| session.knows(rel))
                };
                let Some(batch) = reload::next_batch(&rx, reload::WAITS, &settles) else {
                    break;
                };
                arm(&mut watcher, &root, &mut watched, report);
                let plan =
                    reload::classify(&root, &batch, &|rel| session.knows(rel), &|p: &Path| {
                        p.is_file()
                    });
                if plan == Plan::Nothing {
                    continue;
                }
                let started = Instant::now();
                match session.rebuild(&plan) {
                    Ok(rebuilt) => {
                        let ms = started.elapsed().as_millis();
                        let what = match &plan {
                            Plan::Briefings(rels) if !rebuilt.full => rels
                                .iter()
                                .map(|r| format!("content/{r}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            Plan::Full(path) => format!("the site ({path} changed)"),
                            _ => "the site".to_string(),
                        };
                        report.warnings(&rebuilt.warnings);
                        println!(
                            "Rebuilt {what} in {ms} ms ({} rendered)",
                            plural(rebuilt.rendered, "file")
                        );
                        shared.publish(rebuilt.files, rebuilt.pdfs);
                        shared.want_index(rebuilt.search);
                    }
                    Err(e) => report_failure(&shared, report, &e),
                }
            }
        })
        .context("failed to start the rebuild thread")?;
    Ok(())
}

/// Which folder a path names: on Unix its device and inode, so a folder
/// deleted and made again (or replaced by another moved in) is told apart
/// from the one being watched.
type Identity = Option<(u64, u64)>;

/// The identity of the folder at `path`; `None` when it is not a folder
/// (or is gone).
fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Some((meta.dev(), meta.ino())))
    }
    #[cfg(not(unix))]
    {
        Some(None)
    }
}

/// Watches each of the site's folders that exists and is not watched yet,
/// so a `templates/` or `static/` made while serving is picked up; stops
/// watching one that was deleted or moved away (the watch would follow it
/// to its new name), and watches again one that came back.
fn arm(
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    watched: &mut Vec<(PathBuf, Identity)>,
    report: Reporter,
) {
    use notify::{RecursiveMode, Watcher};
    for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
        let path = root.join(dir);
        let now = identity(&path);
        let before = watched.iter().position(|(w, _)| w == &path);
        if let Some(i) = before {
            if now == Some(watched[i].1) {
                continue;
            }
            let _ = watcher.unwatch(&path);
            watched.remove(i);
        }
        let Some(id) = now else { continue };
        match watcher.watch(&path, RecursiveMode::Recursive) {
            Ok(()) => watched.push((path, id)),
            Err(e) => report.warnings(&[crate::diagnostics::SourceError::new(
                "",
                format!("failed to watch `{}`: {e}", path.display()),
            )]),
        }
    }
}
