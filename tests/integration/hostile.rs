//! Hostile and broken input: each case ends in a clear error naming the
//! file (exit 1, no panic) or in a safe build, and a failed build leaves the
//! previous output byte for byte as it was.

use crate::support::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const GOOD: &str = "+++\ntitle = \"Good\"\ndate = 2020-01-01\n+++\n\n## Part\n\nText.\n";

/// Builds the minimal fixture, breaks it with `mutate`, builds again, and
/// checks the second build fails cleanly with `expect` in its message.
fn fails_and_keeps_output(name: &str, mutate: impl FnOnce(&Path), expect: &str) {
    let site = copy_site(&fixture("minimal"));
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = snapshot_dir(&out);
    mutate(site.path());
    let o = brief(site.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert!(
        stderr.contains(expect),
        "{name}: expected `{expect}` in:\n{stderr}"
    );
    assert!(
        stderr.contains("the previous output is unchanged"),
        "{name}"
    );
    assert_eq!(snapshot_dir(&out), before, "{name}: output changed");
}

fn write(site: &Path, rel: &str, text: &[u8]) {
    let path = site.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn bad_front_matter_in_every_form_keeps_the_old_site() {
    let cases: &[(&str, &str, &str)] = &[
        ("no fences", "Just text\n", "content/bad.md:1:1"),
        ("unclosed", "+++\ntitle = \"x\"\n", "never closed"),
        (
            "toml type",
            "+++\ntitle = 5\ndate = 2020-01-01\n+++\n",
            "content/bad.md:2:9",
        ),
        (
            "unknown field",
            "+++\ntitle = \"x\"\ndate = 2020-01-01\nsubtitle = \"y\"\n+++\n",
            "unknown field `subtitle`",
        ),
        (
            "impossible date",
            "+++\ntitle = \"x\"\ndate = \"2021-02-29\"\n+++\n",
            "February 2021 has 28 days",
        ),
        (
            "leaving slug",
            "+++\ntitle = \"x\"\ndate = 2020-01-01\nslug = \"../../x\"\n+++\n",
            "not a valid slug",
        ),
        (
            "absolute path",
            "+++\ntitle = \"x\"\ndate = 2020-01-01\npath = \"/etc/x\"\n+++\n",
            "not a valid path",
        ),
        (
            "dot-dot path",
            "+++\ntitle = \"x\"\ndate = 2020-01-01\npath = \"a/../../x\"\n+++\n",
            "not a valid path",
        ),
        (
            "script url",
            "+++\ntitle = \"x\"\ndate = 2020-01-01\n[source]\nname = \"n\"\nurl = \"javascript:alert(1)\"\n+++\n",
            "`javascript:` scheme",
        ),
    ];
    let many_tags: Vec<String> = (0..51).map(|i| format!("\"t{i}\"")).collect();
    let many_tags = format!(
        "+++\ntitle = \"x\"\ndate = 2020-01-01\ntags = [{}]\n+++\n",
        many_tags.join(", ")
    );
    let cases =
        cases
            .iter()
            .copied()
            .chain([("51 tags", many_tags.as_str(), "content/bad.md:4:1")]);
    for (name, text, expect) in cases {
        fails_and_keeps_output(
            name,
            |s| write(s, "content/bad.md", text.as_bytes()),
            expect,
        );
    }
}

const UNTRUSTED: &str = "title = \"Fixture Briefings\"\nraw_html = false\n";

#[test]
fn script_links_without_raw_html_are_located_errors_and_keep_the_old_site() {
    // Every form issue #14 found, one a line; each is reported in one run.
    let site = copy_site(&fixture("minimal"));
    write(site.path(), "site.toml", UNTRUSTED.as_bytes());
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = snapshot_dir(&out);
    let body = [
        "[a](javascript:alert(1))",
        "[b](&#106;avascript:alert(1))",
        "<VBScript:msgbox(1)>",
        "[c][r]",
        "![d](data:image/svg+xml;base64,PHN2Zz4=)",
        "[e](data:text/html,x)",
        "[ok](https://un.org) ![ok](data:image/png;base64,iVBORw0KGgo=)",
        "",
        "[r]: javascript:alert(2)",
    ]
    .join("\n\n");
    let text = format!("+++\ntitle = \"x\"\ndate = 2020-01-01\n+++\n\n## A\n\n{body}\n");
    write(site.path(), "content/bad.md", text.as_bytes());
    let o = brief(site.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for at in [8, 10, 12, 14, 16, 18] {
        assert!(
            stderr.contains(&format!("--> content/bad.md:{at}:1\n")),
            "line {at} in:\n{stderr}"
        );
    }
    assert_eq!(stderr.matches(" not allowed").count(), 6, "{stderr}");
    assert!(
        stderr.contains("the previous output is unchanged"),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(&out), before, "output changed");
}

#[test]
fn heading_event_handlers_never_reach_a_page_without_raw_html() {
    let site = copy_site(&fixture("minimal"));
    write(site.path(), "site.toml", UNTRUSTED.as_bytes());
    write(
        site.path(),
        "content/x.md",
        b"+++\ntitle = \"x\"\ndate = 2020-01-01\n+++\n\n## A\n\n### Sub {onfocus=alert(1) tabindex=1 autofocus}\n\nText.\n",
    );
    let out = site.path().join("public");
    let o = build_ok(site.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("content/x.md:8:1"), "{stderr}");
    assert!(
        stderr.contains("`onfocus`, `tabindex`, `autofocus` were dropped"),
        "{stderr}"
    );
    let page = read(&out, "x/index.html");
    assert!(page.contains("<h3 id=\"sub\">Sub</h3>"), "{page}");
    for gone in ["onfocus", "tabindex=\"1\"", "autofocus"] {
        assert!(!page.contains(gone), "{gone}");
    }
    let strict = brief(site.path(), &["build", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn duplicate_output_paths_are_refused() {
    fails_and_keeps_output(
        "duplicate slug",
        |s| {
            write(
                s,
                "content/other.md",
                b"+++\ntitle = \"x\"\ndate = 2020-01-01\nslug = \"first\"\n+++\n",
            )
        },
        "content/other.md:4:1",
    );
    fails_and_keeps_output(
        "duplicate slug, named",
        |s| {
            write(
                s,
                "content/other.md",
                b"+++\ntitle = \"x\"\ndate = 2020-01-01\nslug = \"first\"\n+++\n",
            )
        },
        "would be written to `first/index.html`, which the briefing `content/first.md` also writes",
    );
    fails_and_keeps_output(
        "page over a tag page",
        |s| write(s, "content/tags/trade.md", GOOD.as_bytes()),
        "would be written to `tags/trade/index.html`, which the page of the tag `Trade` also writes",
    );
}

#[test]
fn every_output_path_is_claimed_once() {
    let briefing = |extra: &str| format!("+++\ntitle = \"x\"\ndate = 2020-01-01\n{extra}+++\n");
    let cases: Vec<(&str, String, Vec<u8>, &str)> = vec![
        (
            "path = tags",
            "content/x.md".into(),
            briefing("path = \"tags\"\n").into_bytes(),
            "content/x.md:4:1",
        ),
        (
            "slug = tags",
            "content/x.md".into(),
            briefing("slug = \"tags\"\n").into_bytes(),
            "which the tags overview also writes",
        ),
        (
            "content/tags.md",
            "content/tags.md".into(),
            briefing("").into_bytes(),
            "would be written to `tags/index.html`",
        ),
        (
            "page over a second home page",
            "content/x.md".into(),
            briefing("path = \"page/2\"\n").into_bytes(),
            "which the home page list also writes",
        ),
    ];
    let statics = [
        ("index.html", "the home page list"),
        ("tags/index.html", "the tags overview"),
        ("atom.xml", "the site's feed"),
        ("sitemap.xml", "the sitemap"),
        ("robots.txt", "robots.txt"),
        ("404.html", "the 404 page"),
        ("tags/trade/atom.xml", "the feed of the tag `Trade`"),
        ("tags/trade/index.html", "the page of the tag `Trade`"),
    ];
    for (name, rel, text, expect) in &cases {
        fails_and_keeps_output(name, |s| write(s, rel, text), expect);
    }
    for (path, owner) in statics {
        let site = copy_site(&fixture("minimal"));
        let out = site.path().join("public");
        let args = ["build", "--base-url", "https://example.org/"];
        assert!(brief(site.path(), &args).status.success());
        let before = snapshot_dir(&out);
        write(site.path(), &format!("static/{path}"), b"replaced");
        let o = brief(site.path(), &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{path}: {stderr}");
        assert!(
            stderr.contains(&format!("static/{path}")) && stderr.contains(owner),
            "{path}: {stderr}"
        );
        assert_eq!(snapshot_dir(&out), before, "{path}: output changed");
    }
}

#[test]
fn every_clash_is_reported_in_one_run() {
    fails_and_keeps_output(
        "three clashes",
        |s| {
            write(s, "static/index.html", b"x");
            write(s, "static/tags/index.html", b"x");
            write(
                s,
                "content/x.md",
                b"+++\ntitle = \"x\"\ndate = 2020-01-01\npath = \"page/2\"\n+++\n",
            );
        },
        "note: 3 errors; nothing was written",
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    fails_and_keeps_output(
        "invalid utf-8",
        |s| {
            write(
                s,
                "content/bad.md",
                b"+++\ntitle = \"x\"\ndate = 2020-01-01\n+++\n\xc3\x28\n",
            )
        },
        "content/bad.md:5:1",
    );
}

#[test]
fn byte_order_mark_is_accepted() {
    let site = copy_site(&fixture("minimal"));
    write(
        site.path(),
        "content/bom.md",
        format!("\u{feff}{GOOD}").as_bytes(),
    );
    build_ok(site.path(), &site.path().join("public"));
    assert!(read(&site.path().join("public"), "bom/index.html").contains("<h1>Good</h1>"));
}

#[test]
fn oversized_files_are_refused() {
    fails_and_keeps_output(
        "50 MB file",
        |s| {
            let mut text = GOOD.as_bytes().to_vec();
            text.resize(50 * 1024 * 1024, b'a');
            write(s, "content/huge.md", &text);
        },
        "briefings are limited to 10 MB",
    );
}

#[test]
fn deep_nesting_builds_without_overflow() {
    let site = copy_site(&fixture("minimal"));
    let quotes = format!("{GOOD}\n{} deep\n", ">".repeat(10_000));
    let lists = format!("{GOOD}\n{}deep\n", "- ".repeat(10_000));
    write(site.path(), "content/quotes.md", quotes.as_bytes());
    write(site.path(), "content/lists.md", lists.as_bytes());
    build_ok(site.path(), &site.path().join("public"));
    assert!(read(&site.path().join("public"), "lists/index.html").contains("deep"));
}

#[test]
fn symlinks_are_never_followed() {
    let site = copy_site(&fixture("minimal"));
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(
        secret.path().join("secret.md"),
        format!("{GOOD}\nTOP-SECRET\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        secret.path().join("secret.md"),
        site.path().join("content/leak.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        site.path().join("content"),
        site.path().join("content/loop"),
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", site.path().join("static/passwd")).unwrap();
    let o = build_ok(site.path(), &site.path().join("public"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        stderr.matches("symbolic link skipped").count(),
        3,
        "{stderr}"
    );
    let all = snapshot_dir(&site.path().join("public"));
    assert!(
        !all.keys()
            .any(|k| k.contains("leak") || k.contains("loop") || k.contains("passwd"))
    );
    assert!(
        !all.values()
            .any(|v| String::from_utf8_lossy(v).contains("TOP-SECRET"))
    );
}

#[test]
fn template_faults_keep_the_old_site() {
    fails_and_keeps_output(
        "syntax error",
        |s| {
            write(s, "templates/briefing.html", b"{% extends \"base.html\" %}\n{% block main %}{{ page.title }\n{% endblock main %}")
        },
        "templates/briefing.html:2",
    );
    fails_and_keeps_output(
        "include loop",
        |s| {
            write(s, "templates/briefing.html", b"{% include \"a.html\" %}");
            write(s, "templates/a.html", b"{% include \"b.html\" %}");
            write(s, "templates/b.html", b"{% include \"a.html\" %}");
        },
        "ircular",
    );
    fails_and_keeps_output(
        "extends loop",
        |s| {
            write(s, "templates/briefing.html", b"{% extends \"a.html\" %}");
            write(s, "templates/a.html", b"{% extends \"briefing.html\" %}");
        },
        "ircular",
    );
    fails_and_keeps_output(
        "undefined variable",
        |s| write(s, "templates/index.html", b"{{ no_such_thing }}"),
        "templates/index.html:1:4",
    );
}

/// Runs `brief` as the unprivileged user `nobody`, so file permissions apply
/// even though the tests run as root.
fn brief_as_nobody(cwd: &Path, args: &[&str]) -> Option<std::process::Output> {
    if is_root() {
        Some(
            Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(env!("CARGO_BIN_EXE_brief"))
                .args(args)
                .current_dir(cwd)
                .env_clear()
                .output()
                .expect("setpriv (util-linux)"),
        )
    } else {
        None
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Makes a copy of the minimal site that `nobody` can read and write.
fn site_for_nobody() -> tempfile::TempDir {
    let site = copy_site(&fixture("minimal"));
    Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(site.path())
        .status()
        .unwrap();
    std::fs::set_permissions(site.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    site
}

#[test]
fn unreadable_file_is_named() {
    let site = site_for_nobody();
    let file = site.path().join("content/first.md");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let Some(o) = brief_as_nobody(site.path(), &["build"]) else {
        // Not root: the permission bits already apply to us.
        let o = brief(site.path(), &["build"]);
        assert_eq!(o.status.code(), Some(1));
        return;
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("failed to read `content/first.md`"),
        "{stderr}"
    );
    assert!(stderr.contains("Permission denied"), "{stderr}");
}

#[test]
fn unwritable_output_is_an_error_not_a_panic() {
    let site = site_for_nobody();
    let locked = site.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    let out = locked.join("public");
    let args = ["build", "--output", out.to_str().unwrap()];
    let o = match brief_as_nobody(site.path(), &args) {
        Some(o) => o,
        None => {
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
            brief(site.path(), &args)
        }
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

/// Unmounts the small file system of the disk-full test, whatever happens.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_disk_that_fills_mid_build_keeps_the_old_site() {
    if !is_root() {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let site = copy_site(&fixture("minimal"));
    let disk = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(disk.path())
        .status()
        .unwrap();
    assert!(mounted.success(), "mount a 256 KiB tmpfs");
    let _guard = Mount(disk.path().to_path_buf());
    let out = disk.path().join("public");
    build_ok(site.path(), &out);
    let before = snapshot_dir(&out);
    // A briefing far bigger than the space left.
    let big = format!(
        "{GOOD}\n{}\n",
        "Filler words for a long page. ".repeat(40_000)
    );
    write(site.path(), "content/big.md", big.as_bytes());
    let o = brief(site.path(), &["build", "--output", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(snapshot_dir(&out), before);
    let left: Vec<_> = std::fs::read_dir(disk.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !left
            .iter()
            .any(|n| n.to_string_lossy().ends_with("brief-new")),
        "staging removed: {left:?}"
    );
}

#[test]
fn tags_without_letters_are_refused_not_merged() {
    for tag in ["!!!", "", "\u{1F30D}"] {
        fails_and_keeps_output(
            &format!("tag {tag:?}"),
            |s| {
                let text =
                    format!("+++\ntitle = \"x\"\ndate = 2020-01-01\ntags = [\"{tag}\"]\n+++\n");
                write(s, "content/x.md", text.as_bytes())
            },
            "content/x.md:4:1",
        );
    }
}

#[test]
fn a_base_url_with_a_query_or_fragment_is_refused() {
    for url in [
        "https://e.org/?a=1",
        "https://e.org/#x",
        "https://e.org/a b",
    ] {
        fails_and_keeps_output(
            url,
            |s| {
                let config = std::fs::read_to_string(s.join("site.toml")).unwrap();
                write(
                    s,
                    "site.toml",
                    format!("base_url = \"{url}\"\n{config}").as_bytes(),
                )
            },
            "site.toml:1:1",
        );
        let site = copy_site(&fixture("minimal"));
        let o = brief(site.path(), &["build", "--base-url", url]);
        assert_eq!(o.status.code(), Some(1), "{url}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--base-url"));
    }
}

#[test]
fn noncharacters_in_front_matter_keep_feeds_well_formed() {
    let site = copy_site(&fixture("minimal"));
    write(
        site.path(),
        "content/x.md",
        "+++\ntitle = \"A\u{FFFE}B\"\nsummary = \"C\u{FFFF}D\"\ndate = 2020-01-01\ntags = [\"Trade\"]\n+++\nText.\n"
            .as_bytes(),
    );
    let out = site.path().join("public");
    let o = brief(
        site.path(),
        &["build", "--base-url", "https://example.org/"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for feed in ["atom.xml", "tags/trade/atom.xml", "sitemap.xml"] {
        let lint = std::process::Command::new("xmllint")
            .args(["--noout"])
            .arg(out.join(feed))
            .output()
            .expect("xmllint (libxml2-utils) is needed");
        assert!(
            lint.status.success(),
            "{feed}: {}",
            String::from_utf8_lossy(&lint.stderr)
        );
    }
    assert!(read(&out, "atom.xml").contains("<title>AB</title>"));
}

#[test]
fn nesting_too_deep_is_reported_at_its_line() {
    let key = vec!["a"; 10_000].join(".");
    fails_and_keeps_output(
        "dotted key 10,000 deep",
        |s| {
            let text = format!("+++\ntitle = \"x\"\ndate = 2020-01-01\n{key} = 1\n+++\n");
            write(s, "content/x.md", text.as_bytes())
        },
        "content/x.md:4:",
    );
}
