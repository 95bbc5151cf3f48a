//! `brief serve` under load and under attack: many requests at once while
//! content and templates change underneath, and request paths built to leave
//! the site. Only 127.0.0.1 is ever contacted.

use crate::serve::Server;
use crate::support::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the load runs.
const LOAD_FOR: Duration = Duration::from_secs(4);
/// Client threads sending requests at once.
const CLIENTS: usize = 4;

/// A `brief serve` on a free port, killed when dropped.
/// Sends `request` as raw bytes and reads the reply to the end.
fn exchange(port: u16, request: &[u8]) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(request)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(Reply::parse(&raw))
}

fn get(port: u16, path: &str) -> std::io::Result<Reply> {
    exchange(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

impl Reply {
    fn content_length(&self) -> Option<usize> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
    }
}

/// The URL of every HTML page a build of `root` writes, from a real build.
fn page_urls(root: &Path) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_ok(root, &public);
    let mut urls: Vec<String> = snapshot_dir(&public)
        .into_keys()
        .filter(|p| p.ends_with("index.html") && p != "404.html")
        .map(|p| format!("/{}", p.trim_end_matches("index.html")))
        .collect();
    urls.sort();
    urls
}

/// A copy of the many-briefing fixture with its own `base.html`, so the
/// load can run while both a briefing and a template change.
fn site_with_template() -> (tempfile::TempDir, PathBuf, PathBuf, String, String) {
    let site = copy_site(&fixture("many"));
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base = std::fs::read_to_string(repo().join("templates/base.html")).unwrap();
    let template = templates.join("base.html");
    std::fs::write(&template, &base).unwrap();
    let briefing = site.path().join("content/sahel/mali-security-0.md");
    let text = std::fs::read_to_string(&briefing).unwrap();
    (site, briefing, template, text, base)
}

#[test]
fn every_page_is_served_whole_under_load_while_the_site_rebuilds() {
    let (site, briefing, template, text, base) = site_with_template();
    let urls = Arc::new(page_urls(site.path()));
    assert!(urls.len() > 44, "{} pages", urls.len());
    let server = Server::start(site.path(), &[]);
    let port = server.port;
    assert_eq!(get(port, "/").unwrap().status, 200);

    let stop = Arc::new(AtomicBool::new(false));
    // Edits in place (no rename), the way many editors save: a rebuild may
    // read a half-written file and fail, and must then keep the last build.
    let editor = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut edits = 0usize;
            while !stop.load(Ordering::Relaxed) {
                if edits.is_multiple_of(2) {
                    let edited = format!("{text}\nEdit number {edits}.\n");
                    std::fs::write(&briefing, edited).unwrap();
                } else {
                    let edited = format!("{base}{{# edit {edits} #}}\n");
                    std::fs::write(&template, edited).unwrap();
                }
                edits += 1;
                std::thread::sleep(Duration::from_millis(150));
            }
            edits
        })
    };

    let requests = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (urls, requests, failures) = (
                Arc::clone(&urls),
                Arc::clone(&requests),
                Arc::clone(&failures),
            );
            std::thread::spawn(move || {
                let mut i = c * 7;
                while start.elapsed() < LOAD_FOR {
                    let url = &urls[i % urls.len()];
                    i += 1;
                    requests.fetch_add(1, Ordering::Relaxed);
                    let problem = match get(port, url) {
                        Err(e) => Some(format!("{url}: socket error {e}")),
                        Ok(r) if r.status != 200 => Some(format!("{url}: status {}", r.status)),
                        Ok(r) if r.content_length() != Some(r.body.len()) => Some(format!(
                            "{url}: {} bytes of {:?}",
                            r.body.len(),
                            r.content_length()
                        )),
                        Ok(r) if !r.body.trim_ascii_end().ends_with(b"</html>") => {
                            Some(format!("{url}: the page does not end with </html>"))
                        }
                        Ok(_) => None,
                    };
                    if let Some(p) = problem {
                        failures.lock().unwrap().push(p);
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let edits = editor.join().unwrap();
    let requests = requests.load(Ordering::Relaxed);
    let failures = failures.lock().unwrap();
    let stdout = server.stdout.lock().unwrap().clone();
    let rebuilds = stdout.matches("Rebuilt").count();
    // Figures for RELIABILITY.md (`cargo test … -- --nocapture` shows them).
    println!(
        "serve load: {requests} requests over {} pages in {:.2} s ({:.0} req/s) from {CLIENTS} clients, {edits} edits, {rebuilds} rebuilds, {} failures",
        urls.len(),
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {requests} requests failed, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(requests > 200, "only {requests} requests");
    assert!(
        rebuilds >= 2,
        "the site never rebuilt during the load:\n{stdout}"
    );
    // The server is still answering after the load.
    assert_eq!(get(port, "/").unwrap().status, 200);
}

#[test]
fn encoded_overlong_and_malformed_paths_never_leave_the_site() {
    let site = copy_site(&fixture("minimal"));
    std::fs::write(site.path().join("secret.txt"), "do not serve").unwrap();
    let server = Server::start(site.path(), &[]);
    let port = server.port;
    // Gaps in the battery of serve.rs: double encoding, overlong and
    // look-alike dots, mixed spellings, control characters, odd targets.
    let paths = [
        "/%252e%252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%ef%bc%8e%ef%bc%8e/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/%2e/first/",
        "/./first/",
        "/first/./",
        "/first/../first/",
        "/first%2f",
        "/first%2F..%2F..%2Fsecret.txt",
        "/first%5c..%5csecret.txt",
        "/%5c%5cetc%5cpasswd",
        "/..%c0%afsecret.txt",
        "/..%c1%9csecret.txt",
        "/%ff%fe",
        "/%",
        "/%2",
        "/%zz",
        "/%+2e%+2e/secret.txt",
        "/%0a",
        "/%0d%0aSet-Cookie:%20x=1",
        "/first/%00/",
        "/first;/../secret.txt",
        "/secret.txt?x=/../",
        "/secret.txt#/../",
        "/.hidden",
        "/.brief-output",
    ];
    for path in paths {
        let r = get(port, path).unwrap();
        assert!(
            r.status == 404 || r.status == 400,
            "{path}: status {}",
            r.status
        );
        let body = String::from_utf8_lossy(&r.body);
        assert!(!body.contains("do not serve"), "{path}");
        assert!(!r.head.contains("Set-Cookie"), "{path}");
    }
    // Request targets that are not a plain absolute path.
    let targets: &[&[u8]] = &[
        b"GET ../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        b"GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        b"GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        b"GET /\0/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        b"GET /first/\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        b"GET /../secret.txt HTTP/1.0\r\n\r\n",
        b"GARBAGE\r\n\r\n",
    ];
    for request in targets {
        let shown = String::from_utf8_lossy(request);
        if let Ok(r) = exchange(port, request) {
            assert_ne!(r.status, 200, "{shown}");
            assert!(!String::from_utf8_lossy(&r.body).contains("do not serve"));
        }
    }
    // Only GET and HEAD; HEAD has no body.
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
        let request = format!(
            "{method} /first/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let r = exchange(port, request.as_bytes()).unwrap();
        assert_eq!(r.status, 405, "{method}");
    }
    let head = exchange(
        port,
        b"HEAD /first/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    // A 64 KB path and a flood of headers are refused without harm.
    let long = format!("/{}", "a/".repeat(32 * 1024));
    if let Ok(r) = get(port, &long) {
        assert_ne!(r.status, 200);
    }
    let mut many = String::from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..2000 {
        many.push_str(&format!("X-Flood-{i}: {}\r\n", "v".repeat(40)));
    }
    many.push_str("Connection: close\r\n\r\n");
    if let Ok(r) = exchange(port, many.as_bytes()) {
        assert_ne!(r.status, 200);
    }
    // A client that connects and says nothing does not hold up others.
    let idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let r = get(port, "/first/").unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.ends_with(b"</html>\n"));
    drop(idle);
}
