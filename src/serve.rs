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
//! connection must send its request head within [`HEADER_TIMEOUT`].

use crate::content::{CONTENT_DIR, SourceFile};
use crate::output::{Contents, OutputFile};
use crate::reload::{self, Plan};
use crate::site::{LoadOptions, STATIC_DIR, Site};
use crate::templates::TEMPLATES_DIR;
use anyhow::{Context as _, Result, bail};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// The address of the live-reload event stream. Under `/__brief/` so it
/// cannot clash with a briefing (URLs are slugs, which never start with `_`).
pub const EVENTS_PATH: &str = "/__brief/events";

/// How long a connection may take to send a request's head (the request
/// line and headers), counted from when it connects or finishes the
/// previous request; then it is closed, so idle or stalled connections
/// cannot use up the server's file handles.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

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
    pub load: LoadOptions,
}

/// The files of one build, by output path. Values are shared, so laying a
/// few re-rendered files over the previous build copies no page.
pub type Files = HashMap<String, Arc<Contents>>;

/// What every request and the watcher share.
struct Shared {
    /// The build being served; replaced whole, never edited in place.
    files: RwLock<Arc<Files>>,
    /// The error of the latest rebuild, if it failed; shown to pages that
    /// connect while it stands.
    error: Mutex<Option<String>>,
    /// Tells open pages about rebuilds.
    notices: broadcast::Sender<Notice>,
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

    fn publish(&self, files: Arc<Files>) {
        match self.files.write() {
            Ok(mut f) => *f = files,
            Err(poisoned) => *poisoned.into_inner() = files,
        }
        self.set_error(None);
        // No open page is not an error.
        let _ = self.notices.send(Notice::Reload);
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
pub fn serve(options: &ServeOptions) -> Result<()> {
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
            error: Mutex::new(None),
            notices,
        });
        let mut session = Session::new(root.clone(), options.load.clone());
        let started = Instant::now();
        match session.full() {
            Ok(files) => {
                let count = files.len();
                shared.publish(files);
                println!(
                    "Built {count} files in {} ms",
                    started.elapsed().as_millis()
                );
            }
            Err(e) => report_failure(&shared, &e),
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
            eprintln!(
                "warning: listening on {} lets other machines read the site, drafts included when --drafts is given",
                addr.ip()
            );
        }
        watch(root, session, Arc::clone(&shared))?;

        let hosts = Arc::new(Hosts::for_address(addr));
        let app = Router::new()
            .route(EVENTS_PATH, get(events))
            .fallback(page)
            .with_state(shared)
            .layer(axum::middleware::from_fn_with_state(hosts, check_host));
        tokio::select! {
            () = accept(listener, app) => {}
            () = stop_signal() => println!("Stopped."),
        }
        Ok(())
    })
}

/// Accepts connections for ever, each served on its own task with the
/// [`HEADER_TIMEOUT`]. A failed accept (out of file handles, say) waits a
/// moment and tries again instead of stopping the server.
async fn accept(listener: tokio::net::TcpListener, app: Router) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            // A connection that fails or times out is simply closed.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
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

/// The `Host` values the server answers to. A browser sends the name it
/// was asked to load, so a page on `evil.example` that re-points its name
/// to 127.0.0.1 (DNS rebinding) still says `evil.example`, and is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// Any host: the user opened the server to the network with `--bind`,
    /// where the names it is reached by cannot be known.
    any: bool,
    /// The port, which may follow each name.
    port: u16,
    /// Lower-case names, IPv6 addresses in brackets.
    names: Vec<String>,
}

impl Hosts {
    /// For a server listening on `addr`: `localhost`, `127.0.0.1`, `[::1]`
    /// and the address itself, with or without the port, when it is a
    /// loopback address; anything otherwise.
    pub fn for_address(addr: SocketAddr) -> Hosts {
        let own = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .map(|n| n.to_string())
            .collect();
        if !names.contains(&own) {
            names.push(own);
        }
        Hosts {
            any: !addr.ip().is_loopback(),
            port: addr.port(),
            names,
        }
    }

    /// Whether a request naming `host` (a `Host` header or the authority of
    /// an absolute URL) is answered.
    pub fn permits(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let host = host.to_ascii_lowercase();
        let port = format!(":{}", self.port);
        let name = host.strip_suffix(&port).unwrap_or(&host);
        self.names.iter().any(|n| n == name)
    }
}

/// Refuses, with 421, a request whose `Host` (or absolute URL) names
/// another site, or that names none.
async fn check_host(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    let header = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let authority = request.uri().authority().map(|a| a.as_str());
    let named = header.or(authority).is_some();
    let ok = named
        && header.is_none_or(|h| hosts.permits(h))
        && authority.is_none_or(|a| hosts.permits(a));
    if ok {
        next.run(request).await
    } else {
        (
            StatusCode::MISDIRECTED_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "brief serve answers only requests for localhost or 127.0.0.1; open the address it printed\n",
        )
            .into_response()
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

fn report_failure(shared: &Shared, e: &anyhow::Error) {
    let text = error_text(e);
    eprintln!("error: {text}");
    eprintln!("note: serving the last good build until a fix is saved");
    shared.fail(text);
}

fn print_warnings(warnings: &[crate::SourceError]) {
    for w in warnings {
        eprintln!("warning: {w}\n");
    }
}

/// The whole error chain, outermost first, one cause a line.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    parts.dedup();
    parts.join("\n  caused by: ")
}

/// The loaded site and its last good build, kept between rebuilds so an
/// edit to one briefing re-parses only that file.
pub struct Session {
    root: PathBuf,
    load: LoadOptions,
    /// `None` until a full load succeeds, and after a failed incremental
    /// rebuild (whose half-applied state is not worth trusting).
    site: Option<Site>,
    files: Arc<Files>,
}

/// What one rebuild did, for the line printed after it.
#[derive(Debug)]
pub struct Rebuilt {
    /// The new build to serve.
    pub files: Arc<Files>,
    /// Output files rendered.
    pub rendered: usize,
    /// Whether the whole site was loaded again.
    pub full: bool,
}

impl Session {
    /// A session over the site at `root` (absolute); nothing is loaded yet.
    pub fn new(root: PathBuf, load: LoadOptions) -> Session {
        Session {
            root,
            load,
            site: None,
            files: Arc::new(Files::new()),
        }
    }

    /// Loads and renders the whole site.
    pub fn full(&mut self) -> Result<Arc<Files>> {
        self.site = None;
        let mut site = Site::load(&self.root, &self.load)?;
        let files = site.render()?;
        print_warnings(&site.warnings);
        let files: Files = files
            .into_iter()
            .map(|f| (f.path, Arc::new(f.contents)))
            .collect();
        self.files = Arc::new(files);
        self.site = Some(site);
        Ok(Arc::clone(&self.files))
    }

    /// Whether the loaded site uses the file at this path inside `content/`:
    /// a briefing, or a file copied beside one.
    pub fn knows(&self, rel: &str) -> bool {
        let disk = self.root.join(CONTENT_DIR).join(rel);
        self.site.as_ref().is_some_and(|s| {
            s.pages
                .iter()
                .any(|p| p.rel == rel || p.assets.iter().any(|(path, _)| *path == disk))
        })
    }

    /// Rebuilds what `plan` needs: the named briefings and the pages that
    /// show them when that can be worked out, the whole site otherwise.
    pub fn rebuild(&mut self, plan: &Plan) -> Result<Rebuilt> {
        if let Plan::Briefings(rels) = plan
            && self.site.is_some()
        {
            match self.update(rels) {
                Ok(Some(rebuilt)) => return Ok(rebuilt),
                Ok(None) => {}
                Err(e) => {
                    self.site = None;
                    return Err(e);
                }
            }
        }
        let files = self.full()?;
        Ok(Rebuilt {
            rendered: files.len(),
            files,
            full: true,
        })
    }

    /// Re-parses each briefing in `rels` and lays what it re-renders over
    /// the last build; `None` when a change needs the whole site loaded.
    fn update(&mut self, rels: &[String]) -> Result<Option<Rebuilt>> {
        let Some(site) = self.site.as_mut() else {
            return Ok(None);
        };
        let mut files: Files = (*self.files).clone();
        let mut rendered = 0;
        for rel in rels {
            let Some(old) = site.pages.iter().find(|p| &p.rel == rel) else {
                return Ok(None);
            };
            let source = SourceFile {
                path: self.root.join(CONTENT_DIR).join(rel),
                rel: rel.clone(),
                assets: old.assets.clone(),
            };
            let page = match crate::content::Page::load(&self.root, &source, &site.config) {
                Ok(page) => page,
                // Now a link (or a FIFO…): the full load skips it with a
                // warning, as `brief build` does. Its text is never read.
                Err(e) if crate::site_fs::is_refused(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
            let previous = |path: &str| match files.get(path).map(|c| &**c) {
                Some(Contents::Bytes(b)) => Some(b.clone()),
                _ => None,
            };
            let Some(update) = site.update_page(page, &previous)? else {
                return Ok(None);
            };
            print_warnings(&update.warnings);
            rendered += update.files.len();
            for OutputFile { path, contents } in update.files {
                files.insert(path, Arc::new(contents));
            }
        }
        self.files = Arc::new(files);
        Ok(Some(Rebuilt {
            files: Arc::clone(&self.files),
            rendered,
            full: false,
        }))
    }
}

/// Starts the watcher and the rebuild thread.
fn watch(root: PathBuf, mut session: Session, shared: Arc<Shared>) -> Result<()> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let (tx, rx) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        // Reads (ours included, while rebuilding) must not trigger rebuilds.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            let _ = tx.send(path);
        }
    })
    .context("failed to start watching files")?;
    // The root itself is watched alone (not its public/, target/ or .git/),
    // the site's folders whole.
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("failed to watch `{}`", root.display()))?;
    let mut watched: Vec<(PathBuf, Identity)> = Vec::new();
    arm(&mut watcher, &root, &mut watched);
    std::thread::Builder::new()
        .name("brief-rebuild".into())
        .spawn(move || {
            while let Some(batch) = reload::next_batch(&rx, reload::QUIET, reload::MAX_WAIT) {
                arm(&mut watcher, &root, &mut watched);
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
                        println!(
                            "Rebuilt {what} in {ms} ms ({} files rendered)",
                            rebuilt.rendered
                        );
                        shared.publish(rebuilt.files);
                    }
                    Err(e) => report_failure(&shared, &e),
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
            Err(e) => eprintln!("warning: failed to watch `{}`: {e}", path.display()),
        }
    }
}

/// The live-reload stream: a `reload` event after each good rebuild, a
/// `build-error` event with the message after each failed one (and at once,
/// if the latest rebuild failed). Not `error`: EventSource fires that name
/// itself when the connection drops.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the error, so nothing falls between.
    let rx = shared.notices.subscribe();
    let now = shared
        .error()
        .map(|text| Ok(Event::default().event("build-error").data(text)));
    let later = stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(Notice::Reload) => {
                    return Some((Ok(Event::default().event("reload").data("")), rx));
                }
                Ok(Notice::Failed(text)) => {
                    return Some((Ok(Event::default().event("build-error").data(text)), rx));
                }
                // Missed notices only matter for the latest, which follows.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream::iter(now).chain(later)).keep_alive(KeepAlive::default())
}

/// Every other request: a file of the current build, or 404.
async fn page(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let files = shared.current();
    let Some(key) = file_key(uri.path()) else {
        return not_found();
    };
    match files.get(&key) {
        Some(contents) => respond(&key, contents),
        None => {
            // `/mali` → `/mali/`, so the page's relative links resolve.
            let folder = format!("{key}/index.html");
            if !key.ends_with("index.html") && files.contains_key(&folder) {
                let to = format!("{}/", uri.path());
                match HeaderValue::from_str(&to) {
                    Ok(location) => (
                        StatusCode::PERMANENT_REDIRECT,
                        [(header::LOCATION, location)],
                    )
                        .into_response(),
                    Err(_) => not_found(),
                }
            } else {
                not_found()
            }
        }
    }
}

/// A file of the build. Generated pages and small files are bytes in
/// memory; a large file is sent from the handle opened at build time, a
/// chunk at a time as the connection takes it, so parallel downloads do not
/// each hold the file (and a large HTML file goes without the reload script).
fn respond(key: &str, contents: &Contents) -> Response {
    let kind = content_type(key);
    match contents {
        Contents::Bytes(bytes) if kind.starts_with("text/html") => {
            (StatusCode::OK, headers(kind), inject_reload(bytes)).into_response()
        }
        Contents::Bytes(bytes) => (StatusCode::OK, headers(kind), bytes.clone()).into_response(),
        Contents::Copy(snapshot) => {
            let body = Body::from_stream(chunks(snapshot.clone()));
            let mut response = (StatusCode::OK, headers(kind), body).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(snapshot.len));
            response
        }
    }
}

/// The file's bytes in chunks, each read off the runtime's thread. A file
/// that got shorter since the build ends the stream with an error, so the
/// response is cut off rather than passed off as whole.
fn chunks(
    snapshot: crate::site_fs::Snapshot,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    stream::unfold((snapshot, 0u64), |(snapshot, offset)| async move {
        if offset >= snapshot.len {
            return None;
        }
        let reader = snapshot.clone();
        let read = tokio::task::spawn_blocking(move || {
            let left = (reader.len - offset).min(crate::site_fs::CHUNK_BYTES as u64);
            let mut buf = vec![0u8; left as usize];
            let n = reader.read_at(offset, &mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>(buf)
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        match read {
            Ok(buf) => {
                let next = offset + buf.len() as u64;
                Some((Ok(Bytes::from(buf)), (snapshot, next)))
            }
            Err(e) => Some((Err(e), (snapshot, u64::MAX))),
        }
    })
}

fn headers(kind: &'static str) -> [(header::HeaderName, &'static str); 3] {
    [
        (header::CONTENT_TYPE, kind),
        // A preview must show the latest build, never a cached one.
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ]
}

fn not_found() -> Response {
    let html = inject_reload(NOT_FOUND_PAGE.as_bytes());
    (
        StatusCode::NOT_FOUND,
        headers("text/html; charset=utf-8"),
        html,
    )
        .into_response()
}

/// Shown for any path the build does not have. It reloads like any page, so
/// a briefing being written appears as soon as it builds.
const NOT_FOUND_PAGE: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body>\n<h1>Not found</h1>\n<p>This site has no page at this address. <a href=\"/\">Go to the home page</a>.</p>\n</body>\n</html>\n";

/// The live-reload client, added only to pages `brief serve` sends: it
/// reloads on `reload`, and on `build-error` shows the message in a box over
/// the page (as text, never as HTML).
pub const RELOAD_SCRIPT: &str = r#"<script data-brief-serve>
(() => {
  const events = new EventSource("/__brief/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (e) => {
    let box = document.getElementById("brief-serve-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "brief-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem;background:#2a0f0f;color:#ffecec;border:2px solid #e5484d;border-radius:6px;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;box-shadow:0 6px 24px rgba(0,0,0,.35)";
      document.body.appendChild(box);
    }
    box.textContent = "brief: the site did not build; until it does, the last good build is shown.\n\nerror: " + e.data;
  });
})();
</script>
"#;

/// Puts [`RELOAD_SCRIPT`] before the last `</body>`, or at the end.
pub fn inject_reload(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + RELOAD_SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The build's file for a request path (as sent, still percent-encoded):
/// `/` and `/dir/` name `index.html`. `None` for anything that is not a plain
/// path inside the site: `.` or `..` segments, empty segments, and encoded
/// slashes, backslashes or NUL bytes, however they are spelled. The result
/// is only ever looked up in the build's map, never joined to a disk path.
pub fn file_key(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let mut parts = Vec::with_capacity(segments.len());
    for (i, raw) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if raw.is_empty() {
            if last {
                break;
            }
            return None;
        }
        let part = percent_decode(raw)?;
        if part == "."
            || part == ".."
            || part.contains(['/', '\\', '\0'])
            || part.chars().any(char::is_control)
        {
            return None;
        }
        parts.push(part);
    }
    let mut key = parts.join("/");
    if rest.is_empty() || rest.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not
/// UTF-8 (no file of a build has such a name).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` for an output path, by extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_build_files() {
        let cases = [
            ("/", Some("index.html")),
            ("/mali/", Some("mali/index.html")),
            ("/sahel/mali/index.html", Some("sahel/mali/index.html")),
            ("/style.css", Some("style.css")),
            ("/mali", Some("mali")),
            ("/caf%C3%A9/", Some("café/index.html")),
            ("/a%20b.pdf", Some("a b.pdf")),
        ];
        for (path, want) in cases {
            assert_eq!(file_key(path).as_deref(), want, "{path}");
        }
    }

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        for path in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/site.toml",
            "/..%2fsite.toml",
            "/..%2Fsite.toml",
            "/a/%2e%2e/%2e%2e/x",
            "/.",
            "/./index.html",
            "/%00",
            "/index.html%00.css",
            "/..\\site.toml",
            "/..%5csite.toml",
            "//etc/passwd",
            "/a//b",
            "etc/passwd",
            "",
            "/%",
            "/%zz",
            "/%ff",
            "/a%0a",
        ] {
            assert_eq!(file_key(path), None, "{path}");
        }
    }

    #[test]
    fn hosts_are_the_loopback_names_unless_bound_to_the_network() {
        let local = Hosts::for_address("127.0.0.1:4000".parse().unwrap());
        for ok in [
            "localhost",
            "localhost:4000",
            "127.0.0.1:4000",
            "[::1]",
            "[::1]:4000",
        ] {
            assert!(local.permits(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4000",
            "localhost:4001",
            "",
            "127.0.0.2",
        ] {
            assert!(!local.permits(bad), "{bad}");
        }
        let v6 = Hosts::for_address("[::1]:4000".parse().unwrap());
        assert!(v6.permits("[::1]:4000") && !v6.permits("evil.example"));
        let open = Hosts::for_address("0.0.0.0:4000".parse().unwrap());
        assert!(open.permits("evil.example") && open.permits("192.168.1.5:4000"));
    }

    #[test]
    fn reload_script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject_reload(html)).unwrap();
        let script = out.find("<script data-brief-serve>").unwrap();
        assert!(script < out.find("</BODY>").unwrap());
        assert!(out.starts_with("<html><body><p>x</p><script"));
        let bare = String::from_utf8(inject_reload(b"<p>no body")).unwrap();
        assert!(bare.starts_with("<p>no body<script"));
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("img/MAP.PNG"), "image/png");
        assert_eq!(
            content_type("tags/x/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn session_rebuilds_one_briefing_then_everything_after_a_template_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let text = |words: &str| {
            format!("+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\n## One\n\n{words}\n")
        };
        std::fs::write(root.join("content/a.md"), text("first")).unwrap();
        std::fs::write(
            root.join("content/b.md"),
            text("other").replace("\"A\"", "\"B\""),
        )
        .unwrap();
        let mut session = Session::new(root.to_path_buf(), LoadOptions::default());
        let first = session.full().unwrap();
        std::fs::write(root.join("content/a.md"), text("second")).unwrap();
        let rebuilt = session
            .rebuild(&Plan::Briefings(vec!["a.md".into()]))
            .unwrap();
        assert!(!rebuilt.full);
        assert_eq!(rebuilt.files.len(), first.len());
        let page = |files: &Files, path: &str| match &*files[path] {
            Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Contents::Copy(_) => unreachable!(),
        };
        assert!(page(&rebuilt.files, "a/index.html").contains("second"));
        // The previous build is untouched: it may still be being served.
        assert!(page(&first, "a/index.html").contains("first"));

        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/briefing.html"), "{{ nope }}").unwrap();
        assert!(
            session
                .rebuild(&Plan::Full("templates/briefing.html".into()))
                .is_err()
        );
        std::fs::write(root.join("templates/briefing.html"), "T:{{ page.title }}").unwrap();
        let rebuilt = session
            .rebuild(&Plan::Briefings(vec!["a.md".into()]))
            .unwrap();
        assert!(rebuilt.full, "after a failure the site is loaded again");
        assert_eq!(page(&rebuilt.files, "a/index.html"), "T:A");
    }
}
