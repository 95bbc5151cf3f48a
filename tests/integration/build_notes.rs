//! The notes under the build summary: what a build could not do for the
//! host, and what the host must do instead.

use crate::support::*;

fn build_at(base_url: &str) -> String {
    let site = copy_site(&fixture("minimal"));
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        site.path(),
        &[
            "build",
            "--base-url",
            base_url,
            "-o",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.path().join("robots.txt").is_file());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn robots_txt_under_a_sub_path_gets_a_note() {
    let stdout = build_at("https://example.org/briefings/");
    let note = stdout
        .lines()
        .find(|l| l.starts_with("note:") && l.contains("robots.txt"))
        .unwrap_or_else(|| panic!("no note:\n{stdout}"));
    assert!(note.contains("https://example.org/robots.txt"), "{note}");
    assert!(
        note.contains("https://example.org/briefings/robots.txt"),
        "{note}"
    );

    // At the host's root robots.txt is where crawlers look: nothing to say.
    for root in ["https://example.org/", "https://example.org"] {
        let stdout = build_at(root);
        assert!(!stdout.contains("robots.txt"), "{root}: {stdout}");
    }
}

#[test]
fn robots_note_reads_base_url_from_site_toml() {
    let site = copy_site(&fixture("minimal"));
    let toml = site.path().join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("base_url = \"https://example.org/a/b\"\n");
    std::fs::write(&toml, text).unwrap();
    let o = brief(site.path(), &["build"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("https://example.org/a/b/robots.txt"),
        "{stdout}"
    );
    // -q says only what went wrong.
    let o = brief(site.path(), &["build", "-q", "-o", "elsewhere"]);
    assert!(o.status.success());
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
