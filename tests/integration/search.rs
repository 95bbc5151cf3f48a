//! Search: the index over the `search` fixture (what it holds and leaves
//! out, and that every record leads to an anchor on a page), the search
//! page at the root and under a sub-path, the header form only when
//! search is on, and the fixture's French edition: its own search page,
//! archive and index.

use crate::support::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The records of language `lang`'s index as Pagefind wrote them
/// (gzipped JSON after a `pagefind_dcd` marker, in files named after
/// their language: `fragment/fr_….pf_fragment`), by URL.
fn records(out: &Path, lang: &str) -> BTreeMap<String, serde_json::Value> {
    let dir = out.join("pagefind/fragment");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_str().unwrap();
            name.starts_with(&format!("{lang}_"))
        })
        .map(|path| {
            let bytes = std::fs::read(path).unwrap();
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
    index_text(out, |_| true)
}

/// The files of the index language `lang` reads (its words, records,
/// filters and metadata: `index/fr_…`, `fragment/fr_…`, `filter/fr_…`,
/// `pagefind.fr_….pf_meta`), decompressed, as one text.
fn language_index_text(out: &Path, lang: &str) -> String {
    let mine = |rel: &str| {
        let name = rel.rsplit('/').next().unwrap();
        name.starts_with(&format!("{lang}_")) || name.starts_with(&format!("pagefind.{lang}_"))
    };
    index_text(out, mine)
}

/// The files of the index that `wanted` names, decompressed where
/// gzipped, as one lower-case text.
fn index_text(out: &Path, wanted: impl Fn(&str) -> bool) -> String {
    let mut all = String::new();
    for (rel, bytes) in snapshot_dir(&out.join("pagefind")) {
        if !wanted(&rel) {
            continue;
        }
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
    let records = records(out.path(), "en");
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
    let mut french = 0;
    for (rel, html) in snapshot_dir(out.path()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(html).unwrap();
        let root = "../".repeat(rel.matches('/').count());
        // Each language's pages search that language's index.
        let (label, lang_root) = if rel.starts_with("fr/") {
            french += 1;
            ("Recherche sur le site", "fr/")
        } else {
            ("Site search", "")
        };
        assert!(
            html.contains(&format!("<form class=\"site-search\" role=\"search\" aria-label=\"{label}\" action=\"{root}{lang_root}search/index.html\" method=\"get\"")),
            "{rel}"
        );
        // JSON-LD is data; any other script is code.
        let code = html.matches("<script").count()
            - html
                .matches("<script type=\"application/ld+json\">")
                .count();
        let search_page = rel == "search/index.html" || rel == "fr/search/index.html";
        assert_eq!(code > 0, search_page, "{rel}");
    }
    assert!(french >= 5, "{french} French pages");
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

#[test]
fn each_language_has_its_own_index_search_page_and_archive() {
    let out = build(
        &fixture("search"),
        &["--base-url", "https://example.org/briefings/"],
    );
    // One bundle, one index per language: the French one holds the French
    // translation, the English one its own three briefings.
    let entry: serde_json::Value =
        serde_json::from_str(&read(out.path(), "pagefind/pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    let counts: Vec<(&str, u64)> = languages
        .iter()
        .map(|(lang, l)| (lang.as_str(), l["page_count"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("en", 3), ("fr", 1)], "{entry}");
    assert!(out.path().join("pagefind/wasm.fr.pagefind").is_file());
    let french = records(out.path(), "fr");
    let urls: Vec<&str> = french.keys().map(String::as_str).collect();
    assert_eq!(urls, ["fr/niger/index.html"]);
    let niger = &french["fr/niger/index.html"];
    let anchors: Vec<(&str, &str)> = niger["anchors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    assert_eq!(anchors[0], ("mines", "Les mines"), "{anchors:?}");
    assert_eq!(anchors.len(), 2, "{anchors:?}");
    assert_eq!(niger["meta"]["date_label"], "10 juin 2025");
    assert_eq!(niger["filters"]["tag"], serde_json::json!(["Niger"]));
    assert!(
        records(out.path(), "en")
            .keys()
            .all(|u| !u.starts_with("fr/"))
    );
    // The French-only word is in the French index alone; the English
    // index's words stay out of the French one.
    let (en, fr) = (
        language_index_text(out.path(), "en"),
        language_index_text(out.path(), "fr"),
    );
    assert!(fr.contains("orpailleurs") && en.contains("quartermaster"));
    assert!(
        !en.contains("orpaill"),
        "the English index holds the French word"
    );
    assert!(!fr.contains("quartermaster"));

    // The French search page: French throughout, searching from fr/.
    let page = read(out.path(), "fr/search/index.html");
    assert!(
        page.starts_with("<!doctype html>\n<html lang=\"fr\">"),
        "{page}"
    );
    for french in [
        "<title>Recherche · Recherche, site d’essai</title>",
        "<h1>Recherche</h1>",
        "<label for=\"search-q\">Mots à rechercher</label>",
        "<label for=\"search-tag\">Thème</label>",
        "<label for=\"search-year\">Année</label>",
        "<button type=\"submit\">Rechercher</button>",
        "Afficher plus de résultats",
        // Its topic and year filters are its own index's.
        "<option value=\"\">Tous les thèmes</option><option>Niger</option></select>",
        "<option value=\"\">Toutes les années</option><option>2025</option></select>",
        "<h2 id=\"topics\">Thèmes</h2>",
        "<a href=\"../../fr/archive/index.html\">Toutes les notes, mois par mois</a>",
        "action=\"../../fr/search/index.html\"",
        "data-root=\"../../\"",
        // The script's words, as data.
        "data-loading=\"Chargement de l’index de recherche…\"",
        "data-results-zero=\"Aucune note\"",
        "data-results-other=\"{count}\u{a0}notes\"",
        "data-term=\"«\u{a0}{term}\u{a0}»\"",
        "<link rel=\"canonical\" href=\"https://example.org/briefings/fr/search/\">",
        // The switch leads to the English search page.
        "<a href=\"../../search/index.html\" hreflang=\"en\" lang=\"en\" rel=\"alternate\">English</a>",
    ] {
        assert!(page.contains(french), "{french} in {page}");
    }
    for english in [
        "Words to find",
        "No results",
        "Loading the search index",
        "All years",
    ] {
        assert!(!page.contains(english), "{english}");
    }
    let en_page = read(out.path(), "search/index.html");
    assert!(en_page.contains(
        "<a href=\"../fr/search/index.html\" hreflang=\"fr\" lang=\"fr\" rel=\"alternate\">Français</a>"
    ));
    assert!(en_page.contains("data-results-zero=\"No briefings\""));
    assert!(en_page.contains("<option>2026</option><option>2025</option></select>"));

    // The French archive: the translation, and the originals not yet
    // translated, marked as English; French month names.
    let archive = read(out.path(), "fr/archive/index.html");
    assert!(archive.starts_with("<!doctype html>\n<html lang=\"fr\">"));
    for french in [
        "<h1>Archives</h1>",
        "<h2 id=\"archive-2025-06\">Juin 2025</h2>",
        "<h2 id=\"archive-2026-11\">Novembre 2026</h2>",
        "<a href=\"../../fr/niger/index.html\">Les exportations d’uranium du Niger</a> <time datetime=\"2025-06-10\">10 juin 2025</time>",
        "<a href=\"../../mali/index.html\" lang=\"en\" hreflang=\"en\">Mali asks ECOWAS for support</a> <span class=\"fallback-label\">(en anglais)</span>",
        "<link rel=\"canonical\" href=\"https://example.org/briefings/fr/archive/\">",
    ] {
        assert!(archive.contains(french), "{french} in {archive}");
    }
    assert!(
        !archive.contains("../../niger/index.html"),
        "the original of a translation"
    );
    let en_archive = read(out.path(), "archive/index.html");
    assert!(!en_archive.contains("fr/niger"));
    assert!(en_archive.contains("<h2 id=\"archive-2025-06\">June 2025</h2>"));

    // No English interface word on any French page (lists show untranslated
    // briefings' own English text by design).
    let pages: BTreeMap<String, String> = snapshot_dir(out.path())
        .into_iter()
        .filter(|(p, _)| p.starts_with("fr/") && p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    assert!(
        pages.contains_key("fr/search/index.html") && pages.contains_key("fr/archive/index.html")
    );
    crate::languages::assert_no_english_interface(&pages);
}
