//! Answering requests: the routes, the `Host` check, the accept loop with
//! its header timeout, the live-reload event stream, and the build's files
//! (found by a checked request path, typed by extension, and HTML pages
//! given the reload script).

use super::{Notice, Shared};
use crate::output::Contents;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// The address of the live-reload event stream. Under `/__brief/` so it
/// cannot clash with a briefing (URLs are slugs, which never start with `_`).
const EVENTS_PATH: &str = "/__brief/events";

/// How long a connection may take to send a request's head (the request
/// line and headers), counted from when it connects or finishes the
/// previous request; then it is closed, so idle or stalled connections
/// cannot use up the server's file handles.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The server's routes: the event stream, and every other path a file of
/// the current build; each request's `Host` checked first.
pub(super) fn router(shared: Arc<Shared>, addr: SocketAddr) -> Router {
    let hosts = Arc::new(Hosts::for_address(addr));
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(page)
        .with_state(shared)
        .layer(axum::middleware::from_fn_with_state(hosts, check_host))
}

/// Accepts connections for ever, each served on its own task with the
/// [`HEADER_TIMEOUT`]. A failed accept (out of file handles, say) waits a
/// moment and tries again instead of stopping the server.
pub(super) async fn accept(listener: tokio::net::TcpListener, app: Router) {
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

/// The `Host` values the server answers to. A browser sends the name it
/// was asked to load, so a page on `evil.example` that re-points its name
/// to 127.0.0.1 (DNS rebinding) still says `evil.example`, and is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hosts {
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
    fn for_address(addr: SocketAddr) -> Hosts {
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
    fn permits(&self, host: &str) -> bool {
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
        None if shared.current_pdfs().get(&key).is_some() => pdf(&shared, &key).await,
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

/// A PDF of the build, made now (or taken from the cache, when nothing
/// that goes into it changed since it was last made). A Typst error is
/// shown as plain text with a 500 status, and goes to the terminal too.
async fn pdf(shared: &Shared, key: &str) -> Response {
    let Some((engine, job)) = shared.current_pdfs().get(key) else {
        return not_found();
    };
    let made = tokio::task::spawn_blocking(move || engine.run(&job)).await;
    match made {
        Ok(Ok(bytes)) => respond(key, &Contents::Bytes(bytes)),
        Ok(Err(problems)) => {
            let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            eprintln!("{}", text.join("\n"));
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text.join("\n"),
            )
                .into_response()
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the PDF could not be made",
        )
            .into_response(),
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

/// The headers of every file served: its type, and no caching or sniffing.
fn headers(kind: &'static str) -> [(header::HeaderName, &'static str); 3] {
    [
        (header::CONTENT_TYPE, kind),
        // A preview must show the latest build, never a cached one.
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ]
}

/// The 404 page, with the reload script.
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
const NOT_FOUND_PAGE: &str = include_str!("assets/not_found.html");

/// The live-reload client, added only to pages `brief serve` sends: it
/// reloads on `reload`, and on `build-error` shows the message in a box over
/// the page (as text, never as HTML). The script is `assets/reload.js`, with
/// the box's style (`assets/overlay.css`, one line of declarations) put in
/// place of [`OVERLAY_CSS`].
static RELOAD_SCRIPT: LazyLock<String> = LazyLock::new(|| {
    let css = include_str!("assets/overlay.css").trim_end();
    let script = include_str!("assets/reload.js").replace(OVERLAY_CSS, css);
    format!("<script data-brief-serve>\n{script}</script>\n")
});

/// Where `assets/reload.js` takes the overlay's style.
const OVERLAY_CSS: &str = "__OVERLAY_CSS__";

/// Puts [`RELOAD_SCRIPT`] before the last `</body>`, or at the end.
fn inject_reload(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let script = RELOAD_SCRIPT.as_bytes();
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script);
    out.extend_from_slice(&html[at..]);
    out
}

/// The build's file for a request path (as sent, still percent-encoded):
/// `/` and `/dir/` name `index.html`. `None` for anything that is not a plain
/// path inside the site: `.` or `..` segments, empty segments, and encoded
/// slashes, backslashes or NUL bytes, however they are spelled. The result
/// is only ever looked up in the build's map, never joined to a disk path.
fn file_key(path: &str) -> Option<String> {
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
fn content_type(path: &str) -> &'static str {
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
    fn reload_script_is_the_asset_framed_with_the_overlay_style_in_place() {
        let script = RELOAD_SCRIPT.as_str();
        assert!(script.starts_with("<script data-brief-serve>\n(() => {\n"));
        assert!(script.ends_with("\n})();\n</script>\n"), "{script}");
        assert!(!script.contains(OVERLAY_CSS));
        assert!(
            script
                .contains("box.style.cssText = \"position:fixed;left:1rem;right:1rem;bottom:1rem;")
        );
        assert!(script.contains("box-shadow:0 6px 24px rgba(0,0,0,.35)\";\n"));
        assert!(script.contains(&format!("new EventSource(\"{EVENTS_PATH}\")")));
    }

    #[test]
    fn not_found_page_ends_with_one_newline() {
        assert!(NOT_FOUND_PAGE.starts_with("<!doctype html>\n"));
        assert!(NOT_FOUND_PAGE.ends_with("</body>\n</html>\n"));
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
}
