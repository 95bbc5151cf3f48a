//! Bad input: one clear error naming the file and line, exit status 1, no
//! panic, and the previous output left exactly as it was.

use crate::support::*;

const CASES: &[&str] = &[
    "bad-config",
    "broken-anchor",
    "broken-internal-link",
    "broken-toml",
    "duplicate-heading-id",
    "duplicate-slug",
    "impossible-date",
    "missing-fence",
    "script-url",
    "template-syntax",
    "template-undefined",
    "two-bad-files",
    "unclosed-fence",
    "unknown-field",
    "wrong-type",
    "yaml-front-matter",
];

#[test]
fn each_invalid_fixture_fails_with_a_located_message() {
    let mut all = std::fs::read_dir(fixture("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    all.sort();
    assert_eq!(all, CASES, "every invalid fixture has a snapshot");
    for case in CASES {
        let root = fixture(&format!("invalid/{case}"));
        let out = tempfile::tempdir().unwrap();
        let o = brief(
            &root,
            &[
                "build",
                "--output",
                out.path().join("public").to_str().unwrap(),
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{case}: {stderr}");
        assert!(!stderr.contains("panicked"), "{case}: {stderr}");
        assert!(
            !out.path().join("public").exists(),
            "{case}: nothing written"
        );
        insta::assert_snapshot!(format!("error_{case}"), stderr);
    }
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let site = copy_site(&fixture("minimal"));
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = snapshot_dir(&out);
    std::fs::write(site.path().join("content/first.md"), "+++\ntitle = \"x\"\n").unwrap();
    let o = brief(site.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(snapshot_dir(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The cache of formatted citations is meant to stay.
        .filter(|n| n.contains("brief-") && !n.ends_with("brief-lock") && n != ".brief-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn errors_on_invalid_utf8_with_line() {
    let site = copy_site(&fixture("minimal"));
    let mut bytes = b"+++\ntitle = \"x\"\ndate = 2012-01-01\n+++\n\nfine\nbad \xff here\n".to_vec();
    bytes.extend_from_slice(b"more\n");
    std::fs::write(site.path().join("content/first.md"), bytes).unwrap();
    let o = brief(site.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("content/first.md:7:5"), "{err}");
}

#[test]
fn image_without_alt_is_a_warning_and_an_error_with_strict() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    let o = brief(
        &fixture("alt-missing"),
        &["build", "-o", dir.to_str().unwrap()],
    );
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: the image `https://example.org/chart.png` has no alt text"),
        "{err}"
    );
    assert!(err.contains("content/a.md:8:1"), "{err}");
    let strict = out.path().join("strict");
    let o = brief(
        &fixture("alt-missing"),
        &["build", "--strict", "-o", strict.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("note: --strict turns warnings into errors: 1 warning; nothing was written")
    );
    assert!(!strict.exists());
}

#[test]
fn strict_labels_every_warning_as_an_error_and_says_so_once() {
    let site = copy_site(&fixture("alt-missing"));
    let page = site.path().join("content/a.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\n![](second.png)\n");
    std::fs::write(&page, text).unwrap();
    let out = site.path().join("public");
    let o = brief(
        site.path(),
        &["build", "--strict", "-o", out.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error: the image").count(), 2, "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert_eq!(stderr.matches("nothing was written").count(), 1, "{stderr}");
    assert!(
        stderr.contains("2 warnings; nothing was written"),
        "{stderr}"
    );
}

#[test]
fn quiet_build_still_prints_warnings() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    let o = brief(
        &fixture("alt-missing"),
        &["build", "-q", "-o", dir.to_str().unwrap()],
    );
    assert!(o.status.success());
    assert!(o.stdout.is_empty(), "no summary line with -q");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning: the image"), "{err}");
}

#[test]
fn a_template_error_and_a_briefing_error_are_reported_together() {
    let site = copy_site(&fixture("minimal"));
    let root = site.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/tag.html"), "{% if %}").unwrap();
    std::fs::write(
        root.join("content/bad.md"),
        "+++\ntitle = \"Bad\"\ndate = 2020-13-01\n+++\n## One\n",
    )
    .unwrap();
    let o = brief(root, &["build"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--> templates/tag.html:1:"), "{stderr}");
    assert!(stderr.contains("--> content/bad.md:3:"), "{stderr}");
    assert!(
        stderr.contains("note: 2 errors; nothing was written"),
        "{stderr}"
    );
}
