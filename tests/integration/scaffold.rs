//! `brief new` and `brief init`: what they write builds at once, and they
//! never overwrite an author's files.

use crate::support::*;

#[test]
fn new_writes_a_draft_that_builds_with_drafts() {
    let site = copy_site(&fixture("minimal"));
    let o = brief(
        site.path(),
        &["new", "Niger's Junta Seeks Talks", "--path", "sahel/"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = site
        .path()
        .join("content/sahel/nigers-junta-seeks-talks.md");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("content/sahel/nigers-junta-seeks-talks.md"),
        "prints the path"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    for field in [
        "title = ",
        "summary = \"\"",
        "draft = true",
        "tags = []",
        "key_points = []",
        "# [[timeline]]",
        "## The request",
        "## Diplomacy",
        "## Historical context",
    ] {
        assert!(text.contains(field), "missing `{field}`:\n{text}");
    }

    let out = tempfile::tempdir().unwrap();
    let o = brief(
        site.path(),
        &["build", "--drafts", "-o", out.path().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = read(out.path(), "sahel/nigers-junta-seeks-talks/index.html");
    for id in ["the-request", "diplomacy", "historical-context"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // A draft stays out of a normal build.
    let o = brief(site.path(), &["build", "-o", out.path().to_str().unwrap()]);
    assert!(o.status.success());
    assert!(!out.path().join("sahel/nigers-junta-seeks-talks").exists());
}

#[test]
fn new_refuses_to_overwrite_a_briefing() {
    let site = copy_site(&fixture("minimal"));
    let o = brief(site.path(), &["new", "First"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already exists"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let kept = std::fs::read_to_string(fixture("minimal").join("content/first.md")).unwrap();
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/first.md")).unwrap(),
        kept
    );
}

#[test]
fn new_refuses_a_path_outside_content() {
    let site = tempfile::tempdir().unwrap();
    let o = brief(site.path(), &["new", "Escape", "--path", "../../"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!site.path().join("escape.md").exists());
    assert!(!site.path().parent().unwrap().join("escape.md").exists());
}

#[test]
fn init_makes_a_site_that_builds_straight_away() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("briefings");
    let o = brief(dir.path(), &["init", "briefings"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in [
        "site.toml",
        ".gitignore",
        "templates/base.html",
        "templates/briefing.html",
        "templates/index.html",
        "static/style.css",
        "content/example-briefing.md",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    assert_eq!(read(&root, ".gitignore"), "/public\n");
    let o = brief(&root, &["build"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.starts_with("Built 1 briefing"), "{stdout}");
    assert!(
        read(&root, "public/example-briefing/index.html")
            .contains("How a Briefing Is Put Together")
    );
    // The copied templates are the built-in ones, so the page is the same
    // as a site without templates/ would get.
    let bare = tempfile::tempdir().unwrap();
    std::fs::create_dir(bare.path().join("content")).unwrap();
    std::fs::copy(
        root.join("content/example-briefing.md"),
        bare.path().join("content/example-briefing.md"),
    )
    .unwrap();
    std::fs::copy(root.join("site.toml"), bare.path().join("site.toml")).unwrap();
    let o = brief(bare.path(), &["build"]);
    assert!(o.status.success());
    // The marker file records each build's own input fingerprint.
    let pages = |dir: &std::path::Path| {
        let mut files = snapshot_dir(dir);
        files.remove(".brief-output");
        files
    };
    assert_eq!(
        pages(&bare.path().join("public")),
        pages(&root.join("public"))
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let o = brief(dir.path(), &["init", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(!dir.path().join("site.toml").exists());

    // With --force the scaffold is added, and nothing there is replaced.
    std::fs::write(dir.path().join("site.toml"), "title = \"Mine\"\n").unwrap();
    let o = brief(dir.path(), &["init", ".", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("kept the existing `site.toml`"));
    assert_eq!(read(dir.path(), "site.toml"), "title = \"Mine\"\n");
    assert_eq!(read(dir.path(), "notes.txt"), "mine");
    assert!(dir.path().join("content/example-briefing.md").is_file());
    let o = brief(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
