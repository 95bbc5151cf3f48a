//! `brief check`: every kind of problem it looks for, found in a fixture,
//! with nothing written.

use crate::support::*;

#[test]
fn finds_each_kind_of_problem_and_writes_nothing() {
    let root = fixture("check-problems");
    let o = brief(&root, &["check"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    for expected in [
        // an image without alt text, at its line
        "warning: the image `https://example.org/chart.png` has no alt text\n  --> content/a.md:8:1",
        // a relative link in the Markdown to a page that does not exist, at its line
        "error: `a/index.html` links to `../nowhere/index.html`: no such file in the site\n  --> content/a.md:10:5",
        // an anchor the template adds, pointing nowhere
        "error: `a/index.html` links to `#comments`: `a/index.html` has no `#comments`",
        // raw HTML reusing a heading's id, at the first place the briefing gives it
        "error: the id `request` is used twice on `a/index.html`\n  --> content/a.md:6:16",
        // a heading with nothing under it
        "warning: the section `Diplomacy` is empty\n  --> content/a.md:12:1",
        "warning: this briefing has no summary\n  --> content/a.md",
        "warning: this briefing cites no sources\n  --> content/a.md",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    // The clean briefing's only finding is the template's broken anchor.
    assert_eq!(stderr.matches("--> content/b.md").count(), 1, "{stderr}");
    assert!(stdout.contains("Checked 2 briefings, "), "{stdout}");
    assert!(stdout.contains(": 4 errors, 4 warnings"), "{stdout}");
    assert!(!root.join("public").exists(), "check writes nothing");
}

#[test]
fn the_bundled_briefing_checks_clean() {
    let o = brief(&repo(), &["check"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("0 errors, 0 warnings"), "{stdout}");
}

#[test]
fn build_errors_are_check_errors() {
    let o = brief(&fixture("invalid/broken-internal-link"), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("links to a briefing that does not exist"),
        "{stderr}"
    );
    assert!(stderr.contains("content/a.md:8:5"), "{stderr}");
}

#[test]
fn quiet_prints_only_errors() {
    let o = brief(&fixture("check-problems"), &["check", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(stderr.contains("error:"), "{stderr}");
}

/// Eight problems planted in three files: a bad front matter field, a
/// link to no briefing, a link to a lost briefing, anchors missing in
/// another briefing and in the page itself, an id used twice and an id
/// the template keeps. One run of `build` and one of `check` list every
/// one at its line and count exactly what they list.
#[test]
fn every_problem_of_every_file_is_listed_in_one_run() {
    let root = fixture("many-problems");
    let expected = [
        ("unknown field `author`", "content/a.md:4:1"),
        (
            "`@/nowhere.md` links to a briefing that does not exist",
            "content/b.md:8:5",
        ),
        (
            "`@/c.md#no-such-part` points at `#no-such-part`, which `content/c.md` does not have",
            "content/b.md:8:35",
        ),
        (
            "`#gone` points at an id this page does not have",
            "content/b.md:10:9",
        ),
        (
            "the id `request` is used twice on this page",
            "content/b.md:12:1",
        ),
        (
            "`@/b.md#nope` points at `#nope`, which `content/b.md` does not have",
            "content/c.md:8:6",
        ),
        (
            "`@/lost.md#x` links to a briefing that does not exist",
            "content/c.md:8:37",
        ),
        (
            "the id `sources` is kept for the page template",
            "content/c.md:10:1",
        ),
    ];
    let out = tempfile::tempdir().unwrap();
    let build = brief(
        &root,
        &[
            "build",
            "--output",
            out.path().join("public").to_str().unwrap(),
        ],
    );
    let check = brief(&root, &["check"]);
    for (what, o) in [("build", &build), ("check", &check)] {
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{what}: {stderr}");
        for (message, at) in expected {
            let shown = format!("error: {message}");
            let found = stderr
                .find(&shown)
                .unwrap_or_else(|| panic!("{what}: no `{shown}` in\n{stderr}"));
            let location = stderr[found..].lines().nth(1).unwrap_or_default();
            assert_eq!(location, format!("  --> {at}"), "{what}: {message}");
        }
        assert_eq!(
            stderr.matches("error: ").count(),
            expected.len(),
            "{what}: {stderr}"
        );
    }
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(
        stderr.contains("note: 8 errors; nothing was written"),
        "{stderr}"
    );
    assert!(!out.path().join("public").exists());
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("Checked 2 briefings, 3 pages: 8 errors"),
        "{stdout}"
    );
}
