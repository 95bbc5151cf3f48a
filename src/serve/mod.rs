//! `brief serve`: build the site into memory, serve it over HTTP on this
//! machine, watch the site's files and rebuild on every change, and tell open
//! pages to reload (or show the error) through Server-Sent Events.
//!
//! Nothing is written to disk: the rendered files live in a map that is
//! replaced whole after each successful rebuild, so a reader never sees half
//! of one build and half of another, and a failed rebuild leaves the last
//! good build being served. Site files in the map are the bytes read at
//! build time, or for large ones the file opened then (without following
//! links); no request ever looks a path up on disk.
//!
//! Only requests addressed to this machine's loopback names are answered
//! (unless `--bind` opened the server to the network), so a web page that
//! points its own domain at 127.0.0.1 cannot read the preview; and a
//! connection must send its request head within `HEADER_TIMEOUT`.
//!
//! This file starts the server and holds what its parts share; `http`
//! answers requests, `session` builds and rebuilds the site, and `watch`
//! turns file changes into rebuilds.

mod http;
mod session;
mod watch;

use crate::report::{Reporter, plural};
use crate::site::Selection;
use anyhow::{Context as _, Result, bail};
use session::{Files, Pdfs, Session};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// What `brief serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The address to listen on; loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one (the address is printed).
    pub port: u16,
    /// What to load: drafts, future briefings.
    pub selection: Selection,
}

/// What every request and the watcher share.
struct Shared {
    /// The build being served; replaced whole, never edited in place.
    files: RwLock<Arc<Files>>,
    /// The PDFs of that build, made when requested.
    pdfs: RwLock<Arc<Pdfs>>,
    /// The error of the latest rebuild, if it failed; shown to pages that
    /// connect while it stands.
    error: Mutex<Option<String>>,
    /// Tells open pages about rebuilds.
    notices: broadcast::Sender<Notice>,
    /// The search index's files, from the latest index built in the
    /// background; laid over every build published.
    index: Mutex<Arc<Files>>,
    /// Hands the records of each rebuild to the thread that builds the
    /// index (see [`index_thread`]).
    index_jobs: Mutex<Option<std::sync::mpsc::Sender<IndexJob>>>,
}

/// What open pages are told.
#[derive(Debug, Clone)]
enum Notice {
    /// A rebuild succeeded: reload.
    Reload,
    /// A rebuild failed: show this text.
    Failed(String),
}

impl Shared {
    fn current(&self) -> Arc<Files> {
        self.files
            .read()
            .map(|f| Arc::clone(&f))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    fn current_pdfs(&self) -> Arc<Pdfs> {
        self.pdfs
            .read()
            .map(|f| Arc::clone(&f))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    fn publish(&self, files: Arc<Files>, pdfs: Arc<Pdfs>) {
        let files = with_index(files, &self.index());
        match self.files.write() {
            Ok(mut f) => *f = files,
            Err(poisoned) => *poisoned.into_inner() = files,
        }
        match self.pdfs.write() {
            Ok(mut f) => *f = pdfs,
            Err(poisoned) => *poisoned.into_inner() = pdfs,
        }
        self.set_error(None);
        // No open page is not an error.
        let _ = self.notices.send(Notice::Reload);
    }

    /// The latest search index's files.
    fn index(&self) -> Arc<Files> {
        match self.index.lock() {
            Ok(i) => Arc::clone(&i),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// A new search index, laid over the build being served. Open pages
    /// are not reloaded for it: the page an author is looking at has not
    /// changed, and the search page reads the new index on its next load.
    fn publish_index(&self, index: Files) {
        let index = Arc::new(index);
        // The index lock is held while the build is swapped, so a build
        // published meanwhile cannot miss this index.
        let mut current = match self.index.lock() {
            Ok(i) => i,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = Arc::clone(&index);
        let mut files = match self.files.write() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        *files = with_index(Arc::clone(&files), &index);
    }

    /// Starts building the index from `records` in the background; a newer
    /// request made before it starts replaces it.
    fn want_index(&self, records: Option<IndexJob>) {
        let Some(records) = records else { return };
        if let Ok(jobs) = self.index_jobs.lock()
            && let Some(jobs) = jobs.as_ref()
        {
            let _ = jobs.send(records);
        }
    }

    fn fail(&self, text: String) {
        self.set_error(Some(text.clone()));
        let _ = self.notices.send(Notice::Failed(text));
    }

    fn set_error(&self, error: Option<String>) {
        match self.error.lock() {
            Ok(mut e) => *e = error,
            Err(poisoned) => *poisoned.into_inner() = error,
        }
    }

    fn error(&self) -> Option<String> {
        match self.error.lock() {
            Ok(e) => e.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Builds, serves and rebuilds until Ctrl-C. A build error does not stop the
/// server: it is printed and shown on the open page, and the last good build
/// (or, before the first, an empty site) stays served.
pub fn serve(options: &ServeOptions, report: Reporter) -> Result<()> {
    if !options.root.is_dir() {
        bail!(
            "`{}` is not a folder\n  = help: pass the site folder with --root, or run `brief init` to make one",
            options.root.display()
        );
    }
    raise_file_limit();
    // Absolute, so watcher paths and the root compare equal.
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("failed to resolve `{}`", options.root.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the server's runtime")?;
    runtime.block_on(async {
        let addr = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("failed to listen on {addr}\n  = help: is another server using the port? choose another with --port, or --port 0 for any free one")
        })?;
        let addr = listener.local_addr().context("failed to read the server's address")?;

        let (notices, _) = broadcast::channel(16);
        let shared = Arc::new(Shared {
            files: RwLock::new(Arc::new(Files::new())),
            pdfs: RwLock::new(Arc::new(Pdfs::default())),
            error: Mutex::new(None),
            notices,
            index: Mutex::new(Arc::new(Files::new())),
            index_jobs: Mutex::new(None),
        });
        index_thread(&shared, root.clone())?;
        let mut session = Session::new(root.clone(), options.selection.clone());
        let started = Instant::now();
        match session.full() {
            Ok(built) => {
                report.warnings(&built.warnings);
                println!(
                    "Built {}, {} in {} ms",
                    plural(built.briefings, "briefing"),
                    plural(built.pages, "page"),
                    started.elapsed().as_millis()
                );
                shared.publish(built.files, built.pdfs);
                shared.want_index(built.search);
            }
            Err(e) => report_failure(&shared, report, &e),
        }
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        println!(
            "Serving `{}` at http://{host}:{}/ (Ctrl-C to stop)",
            root.display(),
            addr.port()
        );
        if !addr.ip().is_loopback() {
            report.warnings(&[crate::diagnostics::SourceError::new(
                "",
                format!(
                    "listening on {} lets other machines read the site, drafts included when --drafts is given",
                    addr.ip()
                ),
            )]);
        }
        watch::watch(root, session, Arc::clone(&shared), report)?;

        let app = http::router(shared, addr);
        tokio::select! {
            () = http::accept(listener, app) => {}
            () = stop_signal() => println!("Stopped."),
        }
        Ok(())
    })
}

/// `files` with the search index's files in place of any it held
/// (`pagefind/…`); `files` itself when there is no index.
fn with_index(files: Arc<Files>, index: &Files) -> Arc<Files> {
    if index.is_empty() {
        return files;
    }
    let mut merged: Files = files
        .iter()
        .filter(|(path, _)| !path.starts_with(crate::plan::paths::SEARCH_INDEX))
        .map(|(path, contents)| (path.clone(), Arc::clone(contents)))
        .collect();
    merged.extend(index.iter().map(|(p, c)| (p.clone(), Arc::clone(c))));
    Arc::new(merged)
}

/// The records the search index is built from, a shared list a briefing.
type IndexJob = Vec<Arc<[crate::search::Record]>>;

/// Starts the thread that builds the search index from the records each
/// build hands over ([`Shared::want_index`]), one at a time, skipping to
/// the newest when several wait, and lays it over the build served.
///
/// The preview comes first: the thread and the workers it starts run at a
/// lower priority (a nice value of 10), and Pagefind's parallel work runs
/// on a pool of its own with one worker, not on the pool that renders
/// pages, so an edit saved while the index is being made is served as soon
/// as without search.
///
/// The index is kept in the site's `.brief-cache/search/` like a build's:
/// a preview of pages already indexed by `brief build` (or an earlier
/// preview) serves search at once, and a build after the preview finds
/// the index the preview made.
fn index_thread(shared: &Arc<Shared>, root: PathBuf) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::channel::<IndexJob>();
    if let Ok(mut jobs) = shared.index_jobs.lock() {
        *jobs = Some(tx);
    }
    let shared = Arc::clone(shared);
    std::thread::Builder::new()
        .name("search index".into())
        .spawn(move || {
            // Threads started from here inherit the priority.
            lower_priority();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "search index worker".into())
                .build()
                .ok();
            // Opened (and made) with the first index: a site without
            // search never asks for one.
            let mut cache = None;
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let started = Instant::now();
                let records: Vec<crate::search::Record> =
                    job.iter().flat_map(|r| r.iter().cloned()).collect();
                drop(job);
                let cache = Some(
                    &*cache.get_or_insert_with(|| crate::cache::DiskCache::open(&root, "search")),
                );
                let made = match &pool {
                    Some(pool) => pool.install(|| crate::search::bundle(records, cache)),
                    None => crate::search::bundle(records, cache),
                };
                match made {
                    Ok(files) => {
                        let count = files.len();
                        shared.publish_index(
                            files
                                .into_iter()
                                .map(|(path, contents)| (path, Arc::new(contents)))
                                .collect(),
                        );
                        println!(
                            "Search index: {count} files in {} ms",
                            started.elapsed().as_millis()
                        );
                    }
                    Err(e) => eprintln!("error: {}", e.message),
                }
            }
        })
        .context("failed to start the search index thread")?;
    Ok(())
}

/// Gives the calling thread a lower scheduling priority (nice 10), so the
/// work it does waits for the preview's; where that cannot be done, the
/// thread keeps its priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `setpriority` takes plain integers; on Linux, `who` 0 with
    // PRIO_PROCESS is the calling thread only.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Raises the soft limit on open files to the hard limit: each connection
/// and each large file of the build holds a handle.
fn raise_file_limit() {
    #[cfg(unix)]
    {
        // SAFETY: `limit` is written by getrlimit before it is read.
        let mut limit: libc::rlimit = unsafe { std::mem::zeroed() };
        // SAFETY: a valid out-pointer; setrlimit only reads it.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0
                && limit.rlim_cur < limit.rlim_max
            {
                limit.rlim_cur = limit.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            }
        }
    }
}

/// Ctrl-C, or SIGTERM on Unix (how service managers and `kill` stop us).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints a failed build's error and shows it to open pages; the last good
/// build stays served.
/// Prints every problem of a failed build, and shows them on open pages.
fn report_failure(shared: &Shared, report: Reporter, e: &anyhow::Error) {
    let count = report.errors(e);
    report.note(&format!(
        "{}; serving the last good build until a fix is saved",
        plural(count, "error")
    ));
    shared.fail(error_text(e));
}

/// Every problem of an error, as the page overlay shows them.
fn error_text(e: &anyhow::Error) -> String {
    crate::diagnostics::flatten(e)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n\nerror: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_lists_each_cause_once() {
        let e = anyhow::anyhow!("inner").context("outer").context("outer");
        assert_eq!(error_text(&e), "outer\n  caused by: inner");
    }
}
