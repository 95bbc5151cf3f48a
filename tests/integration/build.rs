//! Successful builds: output layout, links, determinism, safety of the
//! output folder.

use crate::support::*;
use std::path::Path;

#[test]
fn builds_home_and_briefings_with_builtin_templates() {
    let out = tempfile::tempdir().unwrap();
    let o = build_ok(&fixture("minimal"), out.path());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with("Built 2 briefings, 7 pages in "),
        "{stdout}"
    );
    assert!(
        stdout.contains("(1 draft left out; add --drafts to include)"),
        "{stdout}"
    );
    let files: Vec<String> = snapshot_dir(out.path()).into_keys().collect();
    assert_eq!(
        files,
        [
            ".brief-output",
            "first/cite.bib",
            "first/cite.json",
            "first/cite.ris",
            "first/index.html",
            "index.html",
            "page/2/index.html",
            "sahel/niger-2021/cite.bib",
            "sahel/niger-2021/cite.json",
            "sahel/niger-2021/cite.ris",
            "sahel/niger-2021/index.html",
            "style.css",
            "tags/cote-divoire/index.html",
            "tags/index.html",
            "tags/trade/index.html",
        ]
    );
}

#[test]
fn drafts_are_built_with_the_drafts_flag() {
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        &fixture("minimal"),
        &["build", "--drafts", "-o", out.path().to_str().unwrap()],
    );
    assert!(o.status.success());
    assert!(out.path().join("draft/index.html").is_file());
}

#[test]
fn home_lists_briefings_newest_first_with_relative_links() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), out.path());
    // One briefing a page: the newest leads, the older one is on page 2.
    let home = read(out.path(), "index.html");
    assert!(home.contains("href=\"sahel/niger-2021/index.html\""));
    assert!(!home.contains("href=\"first/index.html\""));
    let page2 = read(out.path(), "page/2/index.html");
    assert!(page2.contains("href=\"../../first/index.html\""));
    insta::assert_snapshot!("home_main", main_of(&home));
}

#[test]
fn briefing_page_shape() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), out.path());
    let page = read(out.path(), "first/index.html");
    insta::assert_snapshot!("first_main", main_of(&page));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"../style.css?v="));
    assert!(page.contains("<html lang=\"en\">"));
    assert_eq!(page.matches("<h1").count(), 1);
    // Front matter text is escaped everywhere it appears.
    assert!(page.contains("A dek with &lt;angle brackets&gt; &amp; ampersands."));
    assert!(!page.contains("<angle brackets>"));
}

#[test]
fn every_relative_link_and_anchor_resolves_on_disk() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), out.path());
    build_ok(&repo(), &out.path().join("repo"));
    for (rel, bytes) in snapshot_dir(out.path()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let page_dir = out.path().join(&rel).parent().unwrap().to_path_buf();
        for link in links(&html) {
            if link.starts_with("http") || link.starts_with("data:") || link.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                out.path().join(&rel)
            } else {
                page_dir.join(path)
            };
            assert!(target.is_file(), "{rel}: `{link}` points at a missing file");
            if !fragment.is_empty() {
                let target_html = std::fs::read_to_string(&target).unwrap();
                assert!(
                    ids(&target_html).iter().any(|i| i == fragment),
                    "{rel}: `{link}` has no target id"
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        for id in ids(&html) {
            assert!(seen.insert(id.clone()), "{rel}: duplicate id `{id}`");
        }
    }
}

#[test]
fn output_is_byte_identical_across_builds() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), &a.path().join("out"));
    build_ok(&fixture("minimal"), &b.path().join("out"));
    assert_eq!(
        snapshot_dir(&a.path().join("out")),
        snapshot_dir(&b.path().join("out"))
    );
}

#[test]
fn site_templates_override_the_builtin_ones() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("override"), out.path());
    let page = read(out.path(), "a/index.html");
    assert!(
        page.contains("<p class=\"custom\">custom: Overridden (1 sections, 2020)</p>"),
        "{page}"
    );
    // The base template is still the built-in one.
    assert!(page.contains("Skip to main content"));
}

#[test]
fn refuses_to_build_over_the_site_itself() {
    for bad in [".", "content", "templates", "static"] {
        let site = copy_site(&fixture("minimal"));
        let o = brief(site.path(), &["build", "--output", bad]);
        assert_eq!(o.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("refusing to build into"), "{err}");
        assert!(site.path().join("content/first.md").is_file());
    }
}

#[test]
fn refuses_to_replace_a_folder_brief_did_not_write() {
    let site = copy_site(&fixture("minimal"));
    let docs = site.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("notes.txt"), "keep me").unwrap();
    let o = brief(site.path(), &["build", "--output", "docs"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(docs.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn default_output_is_public_in_the_root() {
    let site = copy_site(&fixture("minimal"));
    let o = brief(
        Path::new("/"),
        &["build", "--root", site.path().to_str().unwrap(), "-q"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
    assert!(site.path().join("public/index.html").is_file());
}

#[test]
fn usage_errors_exit_with_2() {
    let o = brief(&repo(), &["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = brief(&repo(), &["--version"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("brief "));
}

#[test]
fn empty_site_builds_a_home_page() {
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    assert!(read(&out, "index.html").contains("No briefings yet"));
}

#[test]
fn a_rebuild_with_nothing_changed_leaves_the_output_alone() {
    let site = copy_site(&fixture("minimal"));
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = snapshot_dir(&out);
    let marker = std::fs::metadata(out.join(".brief-output"))
        .unwrap()
        .modified()
        .unwrap();
    let o = build_ok(site.path(), &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with("Nothing changed since the last build"),
        "{stdout}"
    );
    assert!(stdout.contains("(2 briefings, 7 pages;"), "{stdout}");
    assert_eq!(snapshot_dir(&out), before);
    let after = std::fs::metadata(out.join(".brief-output"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(marker, after, "not rewritten");
    // Any change to an input builds again.
    let page = site.path().join("content/first.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("Closing words.", "Closing words, edited."),
    )
    .unwrap();
    let o = build_ok(site.path(), &out);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Built 2 briefings"));
    assert!(read(&out, "first/index.html").contains("Closing words, edited."));
    // And so does a different option.
    let o = build_ok(site.path(), &out);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Nothing changed"));
    let o = brief(site.path(), &["build", "--drafts"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Built 3 briefings"));
}

#[test]
fn a_relative_root_builds_the_same_site_as_an_absolute_one() {
    let out = tempfile::tempdir().unwrap();
    let (rel, abs) = (out.path().join("rel"), out.path().join("abs"));
    let o = brief(
        &repo(),
        &[
            "build",
            "--root",
            "tests/fixtures/minimal",
            "-o",
            rel.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    build_ok(&fixture("minimal"), &abs);
    let strip = |mut d: std::collections::BTreeMap<String, Vec<u8>>| {
        d.remove(".brief-output");
        d
    };
    assert_eq!(strip(snapshot_dir(&rel)), strip(snapshot_dir(&abs)));
}
