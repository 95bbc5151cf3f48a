//! `brief serve`: the real binary on a free port, driven over plain HTTP/1.1.

use crate::support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for the server to notice a change and rebuild.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `brief serve`, killed when dropped (a failing test included).
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) port: u16,
    pub(crate) stdout: Arc<Mutex<String>>,
    pub(crate) stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `brief serve --port 0` on `root` and waits for its address.
    pub(crate) fn start(root: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
            .args(extra)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start brief serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        // Drain both pipes for the whole run, so the server never blocks on
        // a full pipe and tests can read what it printed.
        let (tx, rx) = std::sync::mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        let seen = Arc::clone(&stdout);
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://127.0.0.1:") {
                    let rest = &line[i + "http://127.0.0.1:".len()..];
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let _ = tx.send(port.parse::<u16>().unwrap());
                }
                seen.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let mut err = child.stderr.take().unwrap();
        let seen = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let port = match rx.recv_timeout(PATIENCE) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "brief serve printed no address; stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        Server {
            child,
            port,
            stdout,
            stderr,
        }
    }

    fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    /// Polls `path` until `done` holds for the response, or panics.
    fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if done(&r) {
                return r;
            }
            if start.elapsed() > PATIENCE {
                panic!(
                    "{what}: `{path}` never changed; last status {}\nstdout:\n{}\nstderr:\n{}",
                    r.status,
                    self.stdout.lock().unwrap(),
                    self.stderr.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// The server's output once it holds `needle`: the thread that reads
    /// the pipe may be a moment behind the page it serves.
    fn stdout_with(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let out = self.stdout();
            if out.contains(needle) || start.elapsed() > PATIENCE {
                return out;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One HTTP/1.1 request, with the path sent exactly as given.
fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// Opens the live-reload stream and reads it until `needle` arrives.
fn read_events_until(port: u16, needle: &str, after: impl FnOnce()) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        stream,
        "GET /__brief/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 8192];
    // Wait for the response head, so the server has subscribed us before
    // the change happens.
    let start = Instant::now();
    while !seen.contains("\r\n\r\n") && start.elapsed() < PATIENCE {
        if let Ok(n) = stream.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
    after();
    let start = Instant::now();
    while !seen.contains(needle) {
        assert!(
            start.elapsed() < PATIENCE,
            "no `{needle}` in the event stream:\n{seen}"
        );
        if let Ok(n) = stream.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    seen
}

#[test]
fn serves_pages_with_live_reload_and_rebuilds_an_edited_briefing() {
    let site = copy_site(&fixture("minimal"));
    let server = Server::start(site.path(), &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(home.body.contains("<script data-brief-serve>"));
    let script = home.body.find("<script data-brief-serve>").unwrap();
    assert!(script < home.body.rfind("</body>").unwrap());

    let page = server.get("/first/");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Freshly edited words"));
    let css = server.get("/style.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("data-brief-serve"));
    let redirect = server.get("/first");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/first/"));

    let file = site.path().join("content/first.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let events = read_events_until(server.port, "event: reload", || {
        std::fs::write(&file, format!("{text}\nFreshly edited words.\n")).unwrap();
    });
    assert!(events.contains("event: reload"));
    let page = server.wait_for("/first/", "edit", |r| {
        r.body.contains("Freshly edited words")
    });
    assert_eq!(page.status, 200);
    // One file re-parsed, not the whole site loaded again; counts in the
    // words and numbers `brief build` gives (2 briefings, 7 pages) and
    // plurals that agree.
    let out = server.stdout_with("Rebuilt ");
    assert!(out.contains("Rebuilt content/first.md in "), "{out}");
    assert!(out.starts_with("Built 2 briefings, 7 pages in "), "{out}");
    assert!(
        out.contains(" (1 file rendered)") || out.contains(" files rendered)"),
        "{out}"
    );
    assert!(!out.contains("1 files"), "{out}");
    // serve never writes the output folder.
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_broken_template_keeps_the_last_good_build_and_reports_the_error() {
    let site = copy_site(&fixture("minimal"));
    let server = Server::start(site.path(), &[]);
    let before = server.get("/first/");
    assert_eq!(before.status, 200);

    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let events = read_events_until(server.port, "event: build-error", || {
        std::fs::write(
            templates.join("briefing.html"),
            "{% extends \"base.html\" %}\n{% block main %}{{ page.title | no_such_filter }}{% endblock main %}\n",
        )
        .unwrap();
    });
    // The message names the template, line and column, like `brief build`.
    assert!(events.contains("briefing.html:2:33"), "{events}");
    assert!(events.contains("no_such_filter"), "{events}");
    // The last good build is still served, unchanged.
    let after = server.get("/first/");
    assert_eq!(after.status, 200);
    assert_eq!(after.body, before.body);
    // A page opened now is told about the error at once.
    let now = read_events_until(server.port, "event: build-error", || {});
    assert!(now.contains("briefing.html:2:33"), "{now}");
    // The terminal got the located error too.
    let start = Instant::now();
    while !server.stderr.lock().unwrap().contains("briefing.html:2:33") {
        assert!(
            start.elapsed() < PATIENCE,
            "no error printed:\n{}",
            server.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // Fixing it rebuilds everything with the new template.
    std::fs::write(
        templates.join("briefing.html"),
        "{% extends \"base.html\" %}\n{% block main %}<p>Fixed: {{ page.title }}</p>{% endblock main %}\n",
    )
    .unwrap();
    server.wait_for("/first/", "fix", |r| r.body.contains("<p>Fixed: "));
}

#[test]
fn paths_that_try_to_leave_the_site_get_404() {
    let site = copy_site(&fixture("minimal"));
    std::fs::write(site.path().join("secret.txt"), "do not serve").unwrap();
    let server = Server::start(site.path(), &[]);
    for path in [
        "/../Cargo.toml",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/secret.txt",
        "/..%2fsite.toml",
        "/first/..%2f..%2fsecret.txt",
        "/%00",
        "/index.html%00",
        "/..\\site.toml",
        "/..%5csite.toml",
        "//etc/passwd",
        "/site.toml",
        "/secret.txt",
        "/content/first.md",
        "/no-such-page/",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("do not serve"), "{path}");
        assert!(!r.body.contains("root:"), "{path}");
    }
    assert_eq!(server.get("/").status, 200, "still serving");
}

#[test]
fn build_output_has_no_reload_script() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), out.path());
    for (path, bytes) in snapshot_dir(out.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__brief"), "{path}");
        assert!(!text.contains("EventSource"), "{path}");
    }
}

#[test]
fn serve_refuses_a_missing_root() {
    let dir = tempfile::tempdir().unwrap();
    let o = brief(
        dir.path(),
        &["serve", "--port", "0", "--root", "does-not-exist"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a folder"));
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_ctrl_c() {
    let site = copy_site(&fixture("minimal"));
    let mut server = Server::start(site.path(), &[]);
    assert_eq!(server.get("/").status, 200);
    let pid = server.child.id().to_string();
    // The shell's built-in kill: a minimal Debian has no kill program (procps).
    let killed = Command::new("sh")
        .args(["-c", "kill -INT \"$1\"", "sh", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < PATIENCE, "still running after SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn pdfs_are_made_when_requested_and_again_after_an_edit() {
    let site = copy_site(&fixture("minimal"));
    let toml = site.path().join("site.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{config}pdf = true\n")).unwrap();
    let server = Server::start(site.path(), &[]);
    let cache = site.path().join(".brief-cache/pdf");
    let cached = || std::fs::read_dir(&cache).map_or(0, |d| d.count());
    let page = server.get("/first/");
    assert!(
        page.body.contains("Download PDF</a>"),
        "no size yet: {}",
        page.body
    );
    assert_eq!(cached(), 0, "no PDF made before one is requested");
    let pdf = server.get("/first/first.pdf");
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with("%PDF-"));
    assert_eq!(cached(), 1, "only the PDF asked for");

    let file = site.path().join("content/first.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let events = read_events_until(server.port, "event: reload", || {
        std::fs::write(&file, format!("{text}\nFreshly edited words.\n")).unwrap();
    });
    assert!(events.contains("event: reload"));
    server.wait_for("/first/", "edit", |r| {
        r.body.contains("Freshly edited words")
    });
    let again = server.get("/first/first.pdf");
    assert_eq!(again.status, 200);
    assert_eq!(cached(), 2, "made again from the edited text");
}

#[test]
fn rebuilds_when_a_translation_or_its_original_changes() {
    let site = copy_site(&fixture("languages"));
    let server = Server::start(site.path(), &[]);
    let fr = server.get("/fr/mali/");
    assert_eq!(fr.status, 200);
    assert!(
        fr.body
            .contains("<h1>Le Mali demande le soutien de la CEDEAO</h1>")
    );

    // A translation's new title: its page and its language's lists.
    let file = site.path().join("content/mali.fr.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "title = \"Le Mali demande le soutien de la CEDEAO\"",
            "title = \"Le Mali sollicite la CEDEAO\"",
        ),
    )
    .unwrap();
    server.wait_for("/fr/mali/", "the French page", |r| {
        r.body.contains("<h1>Le Mali sollicite la CEDEAO</h1>")
    });
    server.wait_for("/fr/", "the French home page", |r| {
        r.body.contains("Le Mali sollicite la CEDEAO")
    });
    assert!(
        !server.get("/").body.contains("sollicite"),
        "English lists are English"
    );

    // The original moves: so do its editions, which take its URL.
    let file = site.path().join("content/mali.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("+++\n", "+++\nslug = \"mali-request\"\n", 1),
    )
    .unwrap();
    server.wait_for("/fr/mali-request/", "the French edition's new URL", |r| {
        r.status == 200 && r.body.contains("Le Mali sollicite la CEDEAO")
    });
    assert_eq!(server.get("/fr/mali/").status, 404);
    let en = server.get("/mali-request/");
    assert!(
        en.body
            .contains("href=\"../fr/mali-request/index.html\" hreflang=\"fr\""),
        "{}",
        en.body
    );
}

#[test]
fn serves_a_search_index_rebuilt_in_the_background_after_an_edit() {
    let site = copy_site(&fixture("search"));
    let server = Server::start(site.path(), &[]);
    let entry = server.wait_for("/pagefind/pagefind-entry.json", "the first index", |r| {
        r.status == 200
    });
    assert!(entry.body.contains("\"page_count\":3"), "{}", entry.body);
    let meta_of = |body: &str| {
        let hash = body
            .split("\"hash\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        format!("/pagefind/pagefind.{hash}.pf_meta")
    };
    let old_meta = meta_of(&entry.body);
    assert_eq!(server.get(&old_meta).status, 200);
    // The preview keeps its index where a build looks for one.
    let kept = || -> Vec<String> {
        let dir = site.path().join(".brief-cache/search");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit()))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let first_kept = kept();
    assert_eq!(first_kept.len(), 1, "{first_kept:?}");
    assert_eq!(server.get("/search/").status, 200);
    let js = server.get("/pagefind/pagefind.js");
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    // A new section: the page shows it at once, the index a moment later.
    let file = site.path().join("content/chad.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("{text}\n## Fishing {{#fishing}}\n\nNets and boats.\n"),
    )
    .unwrap();
    server.wait_for("/chad/", "the edit", |r| r.body.contains("id=\"fishing\""));
    let entry = server.wait_for(
        "/pagefind/pagefind-entry.json",
        "the index after the edit",
        |r| r.status == 200 && meta_of(&r.body) != old_meta,
    );
    assert!(entry.body.contains("\"page_count\":3"), "{}", entry.body);
    // Every file the new index names is served, the old ones are gone.
    assert_eq!(server.get(&meta_of(&entry.body)).status, 200);
    assert_eq!(server.get(&old_meta).status, 404);
    let out = server.stdout_with("Rebuilt content/chad.md");
    assert!(out.contains("Search index: "), "{out}");
    // The new index replaced the old one in the cache.
    let now_kept = kept();
    assert!(
        now_kept.len() == 1 && now_kept != first_kept,
        "{first_kept:?} then {now_kept:?}"
    );
}
