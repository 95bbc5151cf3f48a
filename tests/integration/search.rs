//! Search: the index over the `search` fixture (what it holds and leaves
//! out, and that every record leads to an anchor on a page), the search
//! page at the root and under a sub-path, and the header form only when
//! search is on.

use crate::support::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The index's records as Pagefind wrote them (gzipped JSON after a
/// `pagefind_dcd` marker), by URL.
fn records(out: &Path) -> BTreeMap<String, serde_json::Value> {
    let dir = out.join("pagefind/fragment");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            let mut text = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap();
            let json: serde_json::Value =
                serde_json::from_str(text.strip_prefix("pagefind_dcd").expect("marker")).unwrap();
            (json["url"].as_str().unwrap().to_string(), json)
        })
        .collect()
}

/// Every file of the index, decompressed where gzipped, as one text.
fn all_index_text(out: &Path) -> String {
    let mut all = String::new();
    for (rel, bytes) in snapshot_dir(&out.join("pagefind")) {
        let mut text = Vec::new();
        if flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .is_err()
        {
            text = bytes;
        }
        all.push_str(&rel);
        all.push_str(&String::from_utf8_lossy(&text).to_lowercase());
    }
    all
}

fn build(root: &Path, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["build", "-o", out.path().to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = brief(root, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn the_index_holds_each_briefing_with_its_sections_as_anchors() {
    let out = build(&fixture("search"), &[]);
    for file in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "wasm.en.pagefind",
    ] {
        assert!(out.path().join("pagefind").join(file).is_file(), "{file}");
    }
    // Pagefind's own interfaces are not written: the page has its own script.
    assert!(!out.path().join("pagefind/pagefind-ui.js").exists());
    let entry: serde_json::Value =
        serde_json::from_str(&read(out.path(), "pagefind/pagefind-entry.json")).unwrap();
    // One entry a published briefing: Mali, Niger and Chad.
    assert_eq!(entry["languages"]["en"]["page_count"], 3, "{entry}");
    let records = records(out.path());
    let urls: Vec<&str> = records.keys().map(String::as_str).collect();
    assert_eq!(
        urls,
        ["chad/index.html", "mali/index.html", "niger/index.html"]
    );
    // Each section is an anchor (a result of its own on the search page),
    // named by its heading, and found on the page.
    let mali = &records["mali/index.html"];
    let anchors: Vec<(&str, &str)> = mali["anchors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        anchors,
        [
            ("request", "The request"),
            ("logistics", "Logistics"),
            ("a-bold-risky-heading", "A bold & “risky” heading"),
        ]
    );
    let html = read(out.path(), "mali/index.html");
    for (id, _) in &anchors {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    for (page, count) in [("niger/index.html", 2), ("chad/index.html", 1)] {
        assert_eq!(
            records[page]["anchors"].as_array().unwrap().len(),
            count,
            "{page}"
        );
    }
    assert_eq!(mali["meta"]["title"], "Mali asks ECOWAS for support");
    assert_eq!(mali["meta"]["briefing"], "Mali asks ECOWAS for support");
    assert_eq!(mali["meta"]["date"], "2026-11-27");
    assert_eq!(mali["meta"]["date_label"], "27 November 2026");
    assert_eq!(mali["meta"]["tags"], "Mali, ECOWAS");
    assert_eq!(
        mali["filters"]["tag"],
        serde_json::json!(["Mali", "ECOWAS"])
    );
    assert_eq!(mali["filters"]["year"], serde_json::json!(["2026"]));
    // The words as readers see them, markup gone: the top (headline, dek,
    // key points and intro), then each section's heading and text.
    let content = mali["content"].as_str().unwrap();
    let in_order = [
        "Mali asks ECOWAS for support",
        "asks its neighbours",
        "not an intervention",
        "came in September",
        "The request",
        "The quartermaster of the stand-by force listed trucks, fuel and airlift as the first needs.",
        "Harmattan",
    ];
    let mut from = 0;
    for words in in_order {
        let at = content[from..]
            .find(words)
            .unwrap_or_else(|| panic!("{words:?} after {from} in {content}"));
        from += at + words.len();
    }
    // Code is indexed as the text it shows.
    assert!(content.contains("alert(1)"), "{content}");
}

#[test]
fn drafts_and_embargoed_briefings_are_never_in_the_index() {
    // Not even when the build shows them.
    for extra in [&[][..], &["--drafts", "--future"][..]] {
        let out = build(&fixture("search"), extra);
        let index = all_index_text(out.path());
        for word in [
            "zeppelinophone",
            "hovercraftology",
            "unfinished draft",
            "embargo until",
        ] {
            assert!(!index.contains(word), "{word} in the index with {extra:?}");
        }
        assert!(
            index.contains("quartermaster"),
            "the index is readable here"
        );
        let pages_show_them = out.path().join("draft/index.html").exists();
        assert_eq!(pages_show_them, !extra.is_empty());
    }
}

#[test]
fn the_search_page_works_at_the_root_and_under_a_sub_path() {
    for base in [None, Some("https://example.org/briefings/")] {
        let extra: Vec<&str> = base.map(|b| vec!["--base-url", b]).unwrap_or_default();
        let out = build(&fixture("search"), &extra);
        let page = read(out.path(), "search/index.html");
        // Relative to the page, so the same files work at any path.
        assert!(page.contains("data-root=\"../\""), "{page}");
        assert!(page.contains("action=\"../search/index.html\""));
        assert!(page.contains("`${box.dataset.root}pagefind/pagefind.js`"));
        assert_eq!(
            page.contains(
                "<link rel=\"canonical\" href=\"https://example.org/briefings/search/\">"
            ),
            base.is_some()
        );
        // The fallback: every topic, and the archive of every briefing
        // by month, newest first, on a page of its own.
        for link in [
            "../tags/chad/index.html",
            "../tags/ecowas/index.html",
            "../archive/index.html",
        ] {
            assert!(page.contains(&format!("href=\"{link}\"")), "{link}");
        }
        let archive = read(out.path(), "archive/index.html");
        let months: Vec<&str> = archive
            .match_indices("<h2 id=\"archive-")
            .map(|(i, _)| &archive[i + 16..i + 23])
            .collect();
        assert_eq!(months, ["2026-11", "2025-06", "2025-02"]);
        for link in [
            "../mali/index.html",
            "../niger/index.html",
            "../chad/index.html",
        ] {
            assert!(archive.contains(&format!("href=\"{link}\"")), "{link}");
        }
        assert!(!archive.contains("draft/") && !archive.contains("embargoed/"));
        assert_eq!(
            archive.contains(
                "<link rel=\"canonical\" href=\"https://example.org/briefings/archive/\">"
            ),
            base.is_some()
        );
        assert!(page.contains("<option>2026</option><option>2025</option>"));
        if base.is_some() {
            // Sitemap and 404 page are written, and the sitemap does not
            // list the search page (nothing there for a search engine).
            assert!(!read(out.path(), "sitemap.xml").contains("search/"));
        }
    }
}

#[test]
fn the_header_form_is_on_every_page_only_with_search_on_and_scripts_only_on_the_search_page() {
    let out = build(&fixture("search"), &[]);
    for (rel, html) in snapshot_dir(out.path()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(html).unwrap();
        let root = "../".repeat(rel.matches('/').count());
        assert!(
            html.contains(&format!("<form class=\"site-search\" role=\"search\" aria-label=\"Site search\" action=\"{root}search/index.html\" method=\"get\"")),
            "{rel}"
        );
        // JSON-LD is data; any other script is code.
        let code = html.matches("<script").count()
            - html
                .matches("<script type=\"application/ld+json\">")
                .count();
        assert_eq!(code > 0, rel == "search/index.html", "{rel}");
    }
    // Off: no form, no search page, no index.
    let site = copy_site(&fixture("search"));
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("search = true", "");
    std::fs::write(&toml, text).unwrap();
    let out = build(site.path(), &[]);
    assert!(!read(out.path(), "index.html").contains("site-search"));
    assert!(!out.path().join("search").exists() && !out.path().join("pagefind").exists());
}

#[test]
fn a_static_file_inside_the_index_folder_is_refused() {
    let site = copy_site(&fixture("search"));
    std::fs::create_dir_all(site.path().join("static/pagefind")).unwrap();
    std::fs::write(site.path().join("static/pagefind/pagefind.js"), "x").unwrap();
    let o = brief(site.path(), &["build"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("static/pagefind/pagefind.js") && err.contains("where the search index goes"),
        "{err}"
    );
}
