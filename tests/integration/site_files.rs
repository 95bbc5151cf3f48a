//! Issue #14: what build, check and serve read, and what serve answers.
//! Every site file is read without following links, at the moment of
//! reading; serve answers from the last good build, never from a path looked
//! up again; and serve's network edges (Host, slow headers) are closed.
//! Servers run on 127.0.0.1 only.

use crate::serve::Server;
use crate::support::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(15);

/// What a file outside the site holds; no response or message may show it.
const SECRET: &str = "root:SECRET-HASH-0451:19000:0:99999:7:::";

fn exchange(port: u16, request: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    Reply::parse(&raw)
}

fn get(port: u16, path: &str) -> Reply {
    exchange(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

/// Polls until `done` holds for `path`'s reply, or panics with the logs.
fn wait_for(server: &Server, path: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
    let start = Instant::now();
    loop {
        let r = get(server.port, path);
        if done(&r) {
            return r;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "{what}: `{path}` is still {}\nstderr:\n{}",
            r.status,
            server.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_for_stderr(server: &Server, needle: &str) {
    let start = Instant::now();
    while !server.stderr.lock().unwrap().contains(needle) {
        assert!(
            start.elapsed() < PATIENCE,
            "no `{needle}` on stderr:\n{}",
            server.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A file outside every site, holding [`SECRET`].
fn secret_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shadow");
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    (dir, path)
}

/// Breaks the briefing template, and waits until serve says the rebuild failed.
fn break_template(server: &Server, root: &Path) {
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/briefing.html"), "{% if %}\n").unwrap();
    wait_for_stderr(server, "briefing.html");
}

/// Replaces `path` by a link to `target`, the way the issue does.
fn swap_for_link(target: &Path, path: &Path) {
    std::fs::remove_file(path).unwrap();
    symlink(target, path).unwrap();
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn serve_never_answers_a_site_file_swapped_for_a_link_while_a_rebuild_fails() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/style.css"), "/* SITE-CSS */").unwrap();
    // A large static file (kept open, sent in chunks) and a bundle file.
    let big = pattern(3 << 20);
    std::fs::write(root.join("static/big.bin"), &big).unwrap();
    std::fs::create_dir_all(root.join("content/b")).unwrap();
    std::fs::write(
        root.join("content/b/index.md"),
        "+++\ntitle = \"B\"\ndate = 2020-01-01\n+++\n## One\n\nText.\n",
    )
    .unwrap();
    std::fs::write(root.join("content/b/data.txt"), "BUNDLE-DATA").unwrap();
    let (_outside, secret) = secret_file();
    let server = Server::start(root, &[]);
    assert!(get(server.port, "/style.css").text().contains("SITE-CSS"));
    assert_eq!(get(server.port, "/b/data.txt").text(), "BUNDLE-DATA");

    break_template(&server, root);
    swap_for_link(&secret, &root.join("static/style.css"));
    swap_for_link(&secret, &root.join("content/b/data.txt"));
    swap_for_link(&secret, &root.join("static/big.bin"));
    // The rebuild keeps failing; the last good build is what is served.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        let css = get(server.port, "/style.css");
        assert!(!css.text().contains("SECRET-HASH"), "{}", css.head);
        assert_eq!(css.text(), "/* SITE-CSS */");
        assert_eq!(get(server.port, "/b/data.txt").text(), "BUNDLE-DATA");
    }
    let r = get(server.port, "/big.bin");
    assert_eq!(r.status, 200);
    assert!(
        r.body == big,
        "the large file is the one opened at build time"
    );

    // Once the site builds again, the links are skipped like the build does.
    std::fs::remove_file(root.join("templates/briefing.html")).unwrap();
    wait_for(&server, "/style.css", "rebuild", |r| {
        !r.text().contains("SITE-CSS")
    });
    for path in ["/style.css", "/b/data.txt", "/big.bin"] {
        assert!(
            !get(server.port, path).text().contains("SECRET-HASH"),
            "{path}"
        );
    }
    assert_eq!(get(server.port, "/b/data.txt").status, 404);
    assert_eq!(get(server.port, "/big.bin").status, 404);
    wait_for_stderr(&server, "symbolic link skipped");
}

#[test]
fn serve_never_answers_a_link_in_the_moment_before_the_rebuild() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/style.css"), "/* SITE-CSS */").unwrap();
    let (_outside, secret) = secret_file();
    let server = Server::start(root, &[]);
    let port = server.port;
    let stop = Arc::new(AtomicBool::new(false));
    let leaked = Arc::new(AtomicUsize::new(0));
    let sent = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let (stop, leaked, sent) = (stop.clone(), leaked.clone(), sent.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if get(port, "/style.css").text().contains("SECRET-HASH") {
                        leaked.fetch_add(1, Ordering::Relaxed);
                    }
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    swap_for_link(&secret, &root.join("static/style.css"));
    wait_for_stderr(&server, "symbolic link skipped");
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    assert!(sent.load(Ordering::Relaxed) > 20);
    assert_eq!(
        leaked.load(Ordering::Relaxed),
        0,
        "responses with the secret"
    );
}

#[test]
fn serve_skips_a_briefing_replaced_by_a_link_and_never_shows_its_target() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    let (outside, secret) = secret_file();
    // A briefing outside the site, which must not be rendered either.
    let markdown = outside.path().join("outside.md");
    std::fs::write(
        &markdown,
        "+++\ntitle = \"Outside\"\ndate = 2020-01-02\n+++\n## One\n\nOUTSIDE-WORDS\n",
    )
    .unwrap();
    let server = Server::start(root, &[]);
    assert_eq!(get(server.port, "/first/").status, 200);

    let events = std::thread::spawn({
        let port = server.port;
        move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(4))).unwrap();
            write!(
                s,
                "GET /__brief/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            )
            .unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
            }
            String::from_utf8_lossy(&seen).into_owned()
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    swap_for_link(&secret, &root.join("content/first.md"));
    wait_for(&server, "/first/", "link skipped", |r| r.status == 404);
    wait_for_stderr(&server, "symbolic link skipped");
    swap_for_link(&markdown, &root.join("content/sahel/second.md"));
    wait_for(&server, "/sahel/second/", "link skipped", |r| {
        r.status == 404
    });
    let events = events.join().unwrap();
    let stderr = server.stderr.lock().unwrap().clone();
    for text in [&events, &stderr] {
        assert!(!text.contains("SECRET-HASH"), "{text}");
        assert!(!text.contains("OUTSIDE-WORDS"), "{text}");
    }
    let home = get(server.port, "/");
    assert!(!home.text().contains("Outside"), "not listed either");
    assert!(
        !get(server.port, "/outside/")
            .text()
            .contains("OUTSIDE-WORDS")
    );
}

#[test]
fn serve_answers_only_its_own_host_names() {
    let site = copy_site(&fixture("minimal"));
    let server = Server::start(site.path(), &[]);
    let port = server.port;
    let with_host = |host: &str| {
        exchange(
            port,
            &format!("GET /first/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    for host in [
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
        format!("LOCALHOST:{port}"),
        "[::1]".to_string(),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(with_host(&host).status, 200, "{host}");
    }
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        "127.0.0.1.evil.example".to_string(),
        format!("localhost:{}", port.wrapping_add(1)),
        "localhost.".to_string(),
        String::new(),
    ] {
        let r = with_host(&host);
        assert_eq!(r.status, 421, "{host}: {}", r.head);
        assert!(!r.text().contains("First briefing"), "{host}");
    }
    // The event stream too, and an absolute URL naming another host.
    let r = exchange(
        port,
        "GET /__brief/events HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 421);
    let r = exchange(
        port,
        "GET http://evil.example/first/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 421);
    let r = exchange(port, "GET /first/ HTTP/1.0\r\n\r\n");
    assert_eq!(r.status, 421, "no Host at all");
}

#[test]
fn serve_closes_a_connection_whose_headers_never_finish() {
    let site = copy_site(&fixture("minimal"));
    let server = Server::start(site.path(), &[]);
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(25)))
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0").unwrap();
    // Idle connections that never send a byte, like a client holding them.
    let idle: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    let start = Instant::now();
    // Others are answered meanwhile.
    assert_eq!(get(server.port, "/").status, 200);
    let mut buf = [0u8; 256];
    let closed = match slow.read(&mut buf) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    let waited = start.elapsed();
    assert!(closed, "the connection was still open after {waited:?}");
    assert!(
        waited < Duration::from_secs(15),
        "closed only after {waited:?}"
    );
    assert!(
        waited >= Duration::from_secs(5),
        "closed too soon: {waited:?}"
    );
    for mut c in idle {
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        assert!(
            matches!(c.read(&mut buf), Ok(0) | Err(_)),
            "idle closed too"
        );
    }
    assert_eq!(get(server.port, "/").status, 200);
}

#[test]
fn serve_notices_content_deleted_or_moved_away_and_back() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    let server = Server::start(root, &[]);
    assert_eq!(get(server.port, "/first/").status, 200);
    let aside = tempfile::tempdir().unwrap();
    let moved = aside.path().join("content");
    std::fs::rename(root.join("content"), &moved).unwrap();
    wait_for(&server, "/first/", "content moved away", |r| {
        r.status == 404
    });
    // Moved back: watched again, and edits are seen.
    std::fs::rename(&moved, root.join("content")).unwrap();
    wait_for(&server, "/first/", "content moved back", |r| {
        r.status == 200
    });
    let file = root.join("content/first.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nWORDS-AFTER-RETURN\n")).unwrap();
    wait_for(&server, "/first/", "edit after return", |r| {
        r.text().contains("WORDS-AFTER-RETURN")
    });
    std::fs::remove_dir_all(root.join("content")).unwrap();
    wait_for(&server, "/first/", "content deleted", |r| r.status == 404);
    assert_eq!(get(server.port, "/sahel/second/").status, 404);
}

/// The peak memory of the process `pid`, in KiB, while it runs.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Runs `brief args` in `root` and returns its exit status and peak memory
/// in KiB: the kernel's high-water mark of the child's own memory, read
/// while it runs. (`wait4`'s `ru_maxrss` would not do: the child starts as
/// a copy of this test process, whose own peak, with other tests running
/// beside it, the kernel counts as the child's.)
// Reaped with wait4, so the high-water mark can be read until it exits.
#[allow(clippy::zombie_processes)]
fn run_measured(root: &Path, args: &[&str]) -> (i32, u64, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(root)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // Until the child has exited (a zombie has no memory to report), the
    // highest mark seen; it only grows, so the last reading is the peak
    // up to within a millisecond of the end.
    let watcher = std::thread::spawn(move || {
        let mut peak = 0u64;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            else {
                break;
            };
            peak = peak.max(kib);
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        peak
    });
    let mut err = String::new();
    let mut pipe = child.stderr.unwrap();
    let _ = pipe.read_to_string(&mut err);
    let peak = watcher.join().unwrap();
    let mut status = 0;
    // SAFETY: a child of ours, a valid out-pointer; no usage wanted.
    let r = unsafe { libc::wait4(pid, &mut status, 0, std::ptr::null_mut()) };
    assert_eq!(r, pid);
    assert!(peak > 0, "no memory reading of the child");
    (libc::WEXITSTATUS(status), peak, err)
}

#[test]
fn build_and_check_fingerprint_and_copy_a_large_file_without_holding_it() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("static")).unwrap();
    // Sparse: 512 MiB that takes no disk.
    let f = std::fs::File::create(root.join("static/big.bin")).unwrap();
    f.set_len(512 << 20).unwrap();
    let out = root.join("public");
    let (code, kib, err) = run_measured(root, &["build", "--output", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::metadata(out.join("big.bin")).unwrap().len(),
        512 << 20
    );
    assert!(kib < 128 * 1024, "build peaked at {} MiB", kib / 1024);
    let (code, kib, err) = run_measured(root, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(kib < 128 * 1024, "check peaked at {} MiB", kib / 1024);
}

#[test]
fn serve_sends_a_large_file_to_parallel_readers_without_a_copy_each() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("static")).unwrap();
    let f = std::fs::File::create(root.join("static/big.bin")).unwrap();
    f.set_len(256 << 20).unwrap();
    let server = Server::start(root, &[]);
    let port = server.port;
    let readers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                write!(
                    s,
                    "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut buf = vec![0u8; 1 << 16];
                let mut total = 0usize;
                loop {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => total += n,
                    }
                }
                total
            })
        })
        .collect();
    for r in readers {
        assert!(r.join().unwrap() > 256 << 20, "the whole file was sent");
    }
    let kib = peak_kib(server.child.id());
    assert!(kib < 128 * 1024, "serve peaked at {} MiB", kib / 1024);
}

/// Runs `brief args` in `root`, killing it after `limit`; `None` if it hung.
fn run_with_limit(root: &Path, args: &[&str], limit: Duration) -> Option<std::process::Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(root)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn images_that_are_fifos_or_outside_the_site_never_hang_or_leak() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    let bundle = root.join("content/b");
    std::fs::create_dir_all(&bundle).unwrap();
    let fifo =
        std::ffi::CString::new(bundle.join("pipe.png").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"B\"\ndate = 2020-01-01\n+++\n## One\n\n![A pipe](pipe.png)\n\n![Outside](../../../../../../../../etc/passwd)\n",
    )
    .unwrap();
    let out = root.join("public");
    let Some(o) = run_with_limit(
        root,
        &["build", "--output", out.to_str().unwrap()],
        Duration::from_secs(30),
    ) else {
        panic!("brief build hung on a FIFO image");
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("is outside the site"), "{stderr}");
    assert!(stderr.contains("content/b/index.md:"), "{stderr}");
    let page = read(&out, "b/index.html");
    let imgs: Vec<&str> = page.split("<img").skip(1).collect();
    assert_eq!(imgs.len(), 2, "{page}");
    for img in imgs {
        let tag = &img[..img.find('>').unwrap()];
        assert!(!tag.contains("width="), "no size read: {tag}");
    }
    let Some(o) = run_with_limit(root, &["check"], Duration::from_secs(30)) else {
        panic!("brief check hung on a FIFO image");
    };
    // check finishes too, and names both images as broken links.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("it leaves the site"), "{stderr}");
}

#[test]
fn a_share_image_climbing_out_of_the_site_is_a_located_error() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    let out = root.join("public");
    build_ok(root, &out);
    let before = snapshot_dir(&out);
    std::fs::write(
        root.join("content/first.md"),
        "+++\ntitle = \"First\"\ndate = 2020-01-02\nimage = \"../../../etc/passwd\"\n+++\n## One\n\nText.\n",
    )
    .unwrap();
    let o = brief(root, &["build", "--output", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/first.md:4:"), "{stderr}");
    assert!(stderr.contains("`..` segment"), "{stderr}");
    assert_eq!(snapshot_dir(&out), before, "the previous output is intact");
}

/// A 1×2 GIF.
const GIF: &[u8] = b"GIF89a\x01\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

#[test]
fn images_from_static_and_other_bundles_get_their_size() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::write(root.join("static/img/map.gif"), GIF).unwrap();
    std::fs::create_dir_all(root.join("content/b")).unwrap();
    std::fs::write(root.join("content/b/pic.gif"), GIF).unwrap();
    std::fs::write(
        root.join("content/b/index.md"),
        "+++\ntitle = \"B\"\ndate = 2020-01-01\n+++\n## One\n\n![Own](pic.gif)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/c.md"),
        "+++\ntitle = \"C\"\ndate = 2020-01-01\n+++\n## One\n\n![Static](../img/map.gif)\n\n![Other bundle](../b/pic.gif)\n",
    )
    .unwrap();
    let out = root.join("public");
    build_ok(root, &out);
    for (page, src) in [
        ("b/index.html", "pic.gif"),
        ("c/index.html", "../img/map.gif"),
        ("c/index.html", "../b/pic.gif"),
    ] {
        let html = read(&out, page);
        let tag = format!("<img src=\"{src}\"");
        let at = html.find(&tag).unwrap_or_else(|| panic!("{tag} in {html}"));
        let end = at + html[at..].find('>').unwrap();
        assert!(
            html[at..end].contains("width=\"1\" height=\"2\""),
            "{}",
            &html[at..end]
        );
    }
}

#[test]
fn check_warns_of_root_relative_paths_at_their_line() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::write(root.join("static/img/map.gif"), GIF).unwrap();
    std::fs::write(
        root.join("content/c.md"),
        "+++\ntitle = \"C\"\ndate = 2020-01-01\n+++\n## One\n\n![A map](/img/map.gif)\n",
    )
    .unwrap();
    let o = brief(root, &["check"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: `/img/map.gif` is a root-relative path: it breaks when the site is served under a sub-path or opened from disk\n  --> content/c.md:7:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: use a path relative to the page"),
        "{stderr}"
    );
}
