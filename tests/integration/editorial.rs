//! Editorial integrity: embargoes, corrections and UN document symbols,
//! over the `editorial` fixture (site time zone Europe/Paris; `later.md`
//! goes live at 2030-12-02T09:00:00+01:00, 08:00 UTC).

use crate::support::*;
use std::path::Path;

/// Before `later.md` goes live, and the moment it does.
const BEFORE: &str = "2030-12-02T07:59:59Z";
const AT: &str = "2030-12-02T08:00:00Z";

/// Builds the editorial fixture (or `root`) with `args`, asserting success.
fn build_with(root: &Path, out: &Path, args: &[&str]) -> String {
    let mut all = vec!["build", "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = brief(root, &all);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every output file (path, text) that mentions `needle`, any case, in its
/// path or its bytes.
fn mentions(out: &Path, needle: &str) -> Vec<String> {
    let needle = needle.to_lowercase();
    snapshot_dir(out)
        .into_iter()
        .filter(|(path, bytes)| {
            path.to_lowercase().contains(&needle)
                || String::from_utf8_lossy(bytes)
                    .to_lowercase()
                    .contains(&needle)
        })
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn an_embargoed_briefing_is_in_no_output_file_until_the_clock_passes_it() {
    let out = tempfile::tempdir().unwrap();
    let stdout = build_with(&fixture("editorial"), out.path(), &["--clock", BEFORE]);
    assert!(
        stdout.contains("(1 briefing under embargo left out; add --future to include)"),
        "{stdout}"
    );
    let files = snapshot_dir(out.path());
    assert!(files.len() > 8, "{:?}", files.keys());
    assert_eq!(mentions(out.path(), "qzx7"), Vec::<String>::new());
    assert_eq!(mentions(out.path(), "later"), Vec::<String>::new());

    let out = tempfile::tempdir().unwrap();
    build_with(&fixture("editorial"), out.path(), &["--clock", AT]);
    let found = mentions(out.path(), "qzx7");
    for want in [
        "later/index.html",
        "index.html",
        "atom.xml",
        "tags/mali/atom.xml",
        "tags/embargotag-qzx7/index.html",
        "tags/index.html",
        "sitemap.xml",
    ] {
        assert!(found.iter().any(|f| f == want), "{want} in {found:?}");
    }
    let page = read(out.path(), "later/index.html");
    assert!(
        page.contains(
            "<time datetime=\"2030-12-02T09:00:00+01:00\">2 December 2030, 09:00 CET</time>"
        ),
        "{}",
        main_of(&page)
    );
    assert!(page.contains("\"datePublished\":\"2030-12-02T09:00:00+01:00\""));
    let feed = read(out.path(), "atom.xml");
    assert!(feed.contains("<published>2030-12-02T09:00:00+01:00</published>"));
}

#[test]
fn future_includes_briefings_under_embargo() {
    let out = tempfile::tempdir().unwrap();
    build_with(
        &fixture("editorial"),
        out.path(),
        &["--clock", BEFORE, "--future"],
    );
    assert!(out.path().join("later/index.html").is_file());
}

#[test]
fn a_link_to_a_briefing_under_embargo_is_an_error_saying_until_when() {
    let site = copy_site(&fixture("editorial"));
    let live = site.path().join("content/live.md");
    let text = std::fs::read_to_string(&live).unwrap();
    std::fs::write(&live, format!("{text}\nSee [what comes](@/later.md).\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        site.path(),
        &[
            "build",
            "-o",
            out.path().to_str().unwrap(),
            "--clock",
            BEFORE,
        ],
    );
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "`@/later.md` links to a briefing under embargo until 2 December 2030, 09:00 CET"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("content/live.md:37:"), "{stderr}");
    // Once live, the same link is fine.
    build_with(site.path(), out.path(), &["--clock", AT]);
}

#[test]
fn check_lists_what_goes_live_next_in_the_site_time_zone() {
    let o = brief(&fixture("editorial"), &["check", "--clock", BEFORE]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "Goes live next (times in Europe/Paris):\n  2 December 2030, 09:00 CET  `content/later.md`  Embargoed headline QZX7\n"
        ),
        "{stdout}"
    );
    let o = brief(&fixture("editorial"), &["check", "--clock", AT]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("Goes live next"), "{stdout}");
}

#[test]
fn a_correction_shows_above_the_text_in_json_ld_the_feed_and_the_corrections_page() {
    let out = tempfile::tempdir().unwrap();
    build_with(&fixture("editorial"), out.path(), &["--clock", BEFORE]);
    let page = read(out.path(), "live/index.html");
    let notice = page.find("id=\"correction-notice\"").expect("notice");
    let first_section = page.find("<section id=\"the-resolution\"").unwrap();
    assert!(notice < first_section);
    let notice_html = &page[notice..page[notice..].find("</section>").unwrap() + notice];
    assert!(notice_html.contains("<h2 id=\"correction-notice-title\">Corrections</h2>"));
    let newest = notice_html
        .find("<time datetime=\"2026-11-20\">20 November 2026</time>: The resolution was adopted on 5 July, not 6 July.")
        .expect("newest correction");
    let older = notice_html
        .find("An earlier version gave the wrong resolution number.")
        .unwrap();
    assert!(newest < older);
    assert!(
        !notice_html.contains("vote count"),
        "updates are not corrections"
    );
    assert!(notice_html.contains("href=\"../corrections/index.html\""));
    assert!(
        page.contains("<strong class=\"correction-label\">Correction:</strong> The resolution")
    );

    let ld = json_ld(&page);
    let corrections = ld["correction"].as_array().expect("correction");
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["@type"], "CorrectionComment");
    assert_eq!(corrections[0]["datePublished"], "2026-11-20");
    assert_eq!(
        corrections[0]["text"],
        "The resolution was adopted on 5 July, not 6 July."
    );
    assert_eq!(ld["dateModified"], "2026-11-20");
    assert!(page.contains("<meta property=\"article:modified_time\" content=\"2026-11-20\">"));

    let feed = read(out.path(), "atom.xml");
    let entry = &feed[feed
        .find("<id>https://example.org/briefings/live/</id>")
        .unwrap()..];
    let entry = &entry[..entry.find("</entry>").unwrap()];
    assert!(
        entry.contains("<updated>2026-11-20T00:00:00Z</updated>"),
        "{entry}"
    );
    assert!(entry.contains("<published>2026-11-01T00:00:00Z</published>"));

    let list = read(out.path(), "corrections/index.html");
    let main = main_of(&list);
    let at = |s: &str| main.find(s).unwrap_or_else(|| panic!("{s} in {main}"));
    let a = at("The resolution was adopted on 5 July");
    let b = at("An earlier version gave the wrong resolution number.");
    let c = at("Fixed a misspelt name.");
    assert!(a < b && b < c, "newest first, then site order");
    assert!(main.contains("<a href=\"../live/index.html\">Security Council backs Mali</a>"));
    assert!(main.contains("<a href=\"../older/index.html\">An older briefing</a>"));
    assert!(!main.contains("vote count"));

    // Search engines find the corrections page too, dated by the newest.
    let sitemap = read(out.path(), "sitemap.xml");
    let at = sitemap
        .find("corrections/</loc>")
        .expect("corrections page in the sitemap");
    let entry = &sitemap[at..sitemap[at..].find("</url>").unwrap() + at];
    assert!(entry.contains("<lastmod>2026-11-20"), "{entry}");
}

#[test]
fn a_site_without_corrections_has_no_corrections_page() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), out.path());
    assert!(!out.path().join("corrections").exists());
}

#[test]
fn un_documents_link_to_undocs_from_the_panel_and_the_body() {
    let out = tempfile::tempdir().unwrap();
    build_with(&fixture("editorial"), out.path(), &["--clock", BEFORE]);
    let page = read(out.path(), "live/index.html");
    let panel = &page[page
        .find("<section class=\"panel documents\" id=\"documents\">")
        .unwrap()..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    assert!(panel.contains("<h2>Documents</h2>"));
    assert!(panel.contains(
        "<a href=\"https://undocs.org/S/RES/2056(2012)\">Security Council resolution 2056 (2012)</a> <span class=\"symbol\">S/RES/2056(2012)</span>, <time datetime=\"2012-07-05\">5 July 2012</time>"
    ), "{panel}");
    assert!(panel.contains("<a href=\"https://undocs.org/A/67/PV.12\">A/67/PV.12</a>"));
    assert!(page.contains("<a href=\"https://undocs.org/S/RES/2056(2012)\">Resolution 2056</a>"));
    assert!(page.contains("<a href=\"https://undocs.org/A/67/PV.12\">record</a>"));
}

#[test]
fn bad_un_symbols_are_located_errors_in_front_matter_and_body() {
    let site = copy_site(&fixture("editorial"));
    let live = site.path().join("content/live.md");
    let text = std::fs::read_to_string(&live).unwrap();
    std::fs::write(
        &live,
        text.replace("symbol = \"A/67/PV.12\"", "symbol = \"X//1\""),
    )
    .unwrap();
    let o = brief(site.path(), &["build", "--clock", BEFORE]);
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("content/live.md:27:10"), "{stderr}");
    assert!(stderr.contains("`X//1` has an empty part"), "{stderr}");

    std::fs::write(
        &live,
        text.replace("(un:S/RES/2056(2012))", "(un:S/RES/2056(12))"),
    )
    .unwrap();
    let o = brief(site.path(), &["build", "--clock", BEFORE]);
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("content/live.md:31:"), "{stderr}");
    assert!(stderr.contains("has the year `12`"), "{stderr}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn hostile_correction_notes_and_document_titles_stay_text() {
    let site = copy_site(&fixture("editorial"));
    let live = site.path().join("content/live.md");
    let text = std::fs::read_to_string(&live)
        .unwrap()
        .replace(
            "The resolution was adopted on 5 July, not 6 July.",
            "</script><script>alert(1)</script> \\\"}",
        )
        .replace(
            "Security Council resolution 2056 (2012)",
            "<img src=x onerror=alert(2)>",
        );
    std::fs::write(&live, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    build_with(site.path(), out.path(), &["--clock", BEFORE]);
    for file in ["live/index.html", "corrections/index.html"] {
        let page = read(out.path(), file);
        assert!(!page.contains("<script>alert(1)"), "{file}");
        assert!(!page.contains("<img src=x"), "{file}");
    }
    let page = read(out.path(), "live/index.html");
    assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    let ld = json_ld(&page);
    assert_eq!(
        ld["correction"][0]["text"],
        "</script><script>alert(1)</script> \u{201c}}" // the quote made curly
    );
}

/// The page's JSON-LD, parsed.
pub fn json_ld(page: &str) -> serde_json::Value {
    let start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}
