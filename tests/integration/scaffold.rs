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
    assert_eq!(read(&root, ".gitignore"), "/public\n/.brief-cache\n");
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

/// The README of the repository.
fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

/// Makes a site with `brief init` in a new temp folder; returns the folder
/// and the site inside it.
fn init_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let o = brief(dir.path(), &["init", "site"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let root = dir.path().join("site");
    (dir, root)
}

#[test]
fn init_writes_a_readme_that_points_at_brief_help() {
    let (_dir, root) = init_site();
    let text = read(&root, "README.md");
    for needle in [
        "content/",
        "templates/",
        "static/",
        "site.toml",
        "public/",
        "brief build",
        "brief serve",
        "brief check",
        "brief new",
        "brief help",
    ] {
        assert!(text.contains(needle), "missing `{needle}`:\n{text}");
    }
    // Every `brief help <topic>` it names works.
    let topics = help_commands(&text);
    for topic in &topics {
        let o = brief(&root, &["help", topic]);
        assert!(o.status.success(), "brief help {topic}");
    }
    assert!(topics.len() >= 3, "{text}");
    // It is the author's notes, not a page of the site.
    let o = brief(&root, &["build"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!root.join("public/README.md").exists());
}

/// The rows of the README's front matter table: each field's name as
/// written (`title`, `[source]`, `[[updates]]`) and, for a table, the keys
/// its row names (`name`, `url`, `date`).
fn readme_front_matter_fields() -> Vec<(String, Vec<String>)> {
    let readme = readme();
    let start = readme.find("### Front matter fields").unwrap();
    let end = start + readme[start..].find("\n### ").unwrap();
    let mut fields = Vec::new();
    for line in readme[start..end].lines() {
        let cells: Vec<&str> = line.split(" | ").collect();
        if !line.starts_with("| `") || cells.len() < 3 {
            continue;
        }
        let name = cells[0]
            .trim_start_matches("| ")
            .trim_matches('`')
            .to_string();
        let keys = if name.starts_with('[') {
            table_keys(cells[2])
        } else {
            Vec::new()
        };
        fields.push((name, keys));
    }
    assert!(fields.len() > 15, "{fields:?}");
    let keys = |name: &str| &fields.iter().find(|(n, _)| n == name).unwrap().1;
    assert_eq!(keys("[source]"), &["name", "url", "date"]);
    assert_eq!(keys("[[updates]]"), &["date", "note"]);
    assert_eq!(keys("[[timeline]]"), &["date", "event", "label"]);
    fields
}

/// The keys a table's row names: the identifiers in backticks, leaving out
/// asides in parentheses, up to the `:` that ends the list ("`date`,
/// `note`: a dated log…"; "the original publication: `name`, `url`…").
fn table_keys(meaning: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in meaning.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut keys = Vec::new();
    for (i, piece) in plain.split('`').enumerate() {
        if i % 2 == 0 {
            if !keys.is_empty() && piece.contains(':') {
                break;
            }
        } else if !piece.is_empty() && piece.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            keys.push(piece.to_string());
        }
    }
    keys
}

#[test]
fn new_writes_every_field_the_readme_lists() {
    let site = tempfile::tempdir().unwrap();
    let o = brief(site.path(), &["new", "Every Field"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = read(site.path(), "content/every-field.md");
    let lines: Vec<&str> = text.lines().collect();
    // Written as a field, or commented out ready to uncomment.
    let uncommented = |l: &str| l.trim_start_matches("# ").to_string();
    for (name, keys) in readme_front_matter_fields() {
        if name.starts_with('[') {
            let at = lines
                .iter()
                .position(|l| uncommented(l) == name)
                .unwrap_or_else(|| panic!("no `{name}` table:\n{text}"));
            let block: Vec<String> = lines[at + 1..]
                .iter()
                .map(|l| uncommented(l))
                .take_while(|l| !l.trim_start_matches('#').trim().is_empty())
                .collect();
            for key in keys {
                assert!(
                    block.iter().any(|l| l.starts_with(&format!("{key} = "))),
                    "`{name}` has no `{key}`:\n{text}"
                );
            }
        } else {
            assert!(
                lines
                    .iter()
                    .any(|l| uncommented(l).starts_with(&format!("{name} = "))),
                "no `{name}`:\n{text}"
            );
        }
    }
}

#[test]
fn new_briefing_builds_with_every_field_uncommented() {
    let site = tempfile::tempdir().unwrap();
    let o = brief(site.path(), &["new", "Every Field"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = site.path().join("content/every-field.md");
    let text = std::fs::read_to_string(&file).unwrap();
    // Uncomment each commented field and table, leaving prose comments.
    let is_field = |l: &str| {
        l.starts_with('[')
            || l.split_once(" = ")
                .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    };
    let mut uncommented = 0;
    let full: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if is_field(rest) => {
                uncommented += 1;
                format!("{rest}\n")
            }
            _ => format!("{l}\n"),
        })
        .collect();
    assert!(uncommented > 20, "{full}");
    std::fs::write(&file, &full).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        site.path(),
        &["build", "--drafts", "-o", out.path().to_str().unwrap()],
    );
    assert!(
        o.status.success(),
        "{}\n{full}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Still a draft, published at the commented-out `path`.
    let path_line = full.lines().find(|l| l.starts_with("path = ")).unwrap();
    let path = path_line.trim_start_matches("path = ").trim_matches('"');
    let page = read(out.path(), &format!("{path}/index.html"));
    assert!(page.contains("Every Field"), "{page}");
    let o = brief(site.path(), &["build", "-o", out.path().to_str().unwrap()]);
    assert!(o.status.success());
    assert!(!out.path().join(path).exists());
}

#[test]
fn readme_says_what_new_writes() {
    let readme = readme();
    let start = readme.find("### `brief new`").unwrap();
    let end = start + readme[start..].find("\n### ").unwrap();
    let part = &readme[start..end];
    for (name, _) in readme_front_matter_fields() {
        assert!(
            part.contains(&format!("`{name}`")),
            "`{name}` unsaid:\n{part}"
        );
    }
}

#[test]
fn init_force_adds_the_example_as_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), "title = \"Mine\"\n").unwrap();
    let o = brief(dir.path(), &["init", ".", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("content/example-briefing.md") && stdout.contains("draft"),
        "{stdout}"
    );
    assert!(read(dir.path(), "content/example-briefing.md").contains("\ndraft = true\n"));
    let o = brief(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.path().join("public/example-briefing").exists());
    let o = brief(dir.path(), &["build", "--drafts"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        dir.path()
            .join("public/example-briefing/index.html")
            .is_file()
    );
}

#[test]
fn init_force_adds_no_example_where_content_has_briefings() {
    let site = copy_site(&fixture("minimal"));
    // Briefings in a subfolder count too.
    std::fs::remove_file(site.path().join("content/first.md")).unwrap();
    std::fs::remove_file(site.path().join("content/draft.md")).unwrap();
    let before = snapshot_dir(&site.path().join("content"));
    let o = brief(site.path(), &["init", ".", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(snapshot_dir(&site.path().join("content")), before);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("no example briefing") && stdout.contains("already has briefings"),
        "{stdout}"
    );
    assert!(site.path().join("templates/base.html").is_file());
}

#[test]
fn readme_lists_of_built_in_templates_match_what_init_copies() {
    let (_dir, root) = init_site();
    let mut copied: Vec<String> = std::fs::read_dir(root.join("templates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    copied.sort();
    // Every paragraph that lists the built-in templates (it names
    // `base.html`) names all of them.
    let readme = readme();
    let mut lists = 0;
    for para in readme.split("\n\n") {
        if !(para.contains("built-in") && para.contains("`base.html`")) {
            continue;
        }
        let mut named: Vec<String> = para
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| s.ends_with(".html") && !s.contains(['/', ' ']))
            .map(str::to_string)
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, copied, "{para}");
        lists += 1;
    }
    assert!(lists >= 2, "the README lists the built-in templates");
}

#[test]
fn init_example_has_the_pull_quote_it_promises() {
    let (_dir, root) = init_site();
    let text = read(&root, "content/example-briefing.md");
    assert!(text.contains("[pull_quote]"), "{text}");
    let o = brief(&root, &["build"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = read(&root, "public/example-briefing/index.html");
    let start = page
        .find("<section id=\"diplomacy\"")
        .expect("diplomacy section");
    let section = &page[start..start + page[start..].find("</section>").unwrap()];
    assert!(section.contains("class=\"pull-quote\""), "{section}");
}
