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
        // a relative link in the Markdown to a page that does not exist
        "error: `a/index.html` links to `../nowhere/index.html`: no such file in the site",
        // an anchor the template adds, pointing nowhere
        "error: `a/index.html` links to `#comments`: `a/index.html` has no `#comments`",
        // raw HTML reusing a heading's id
        "error: the id `request` is used twice on `a/index.html`",
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
