//! "Cite this briefing": the styles on the page, the reference files
//! beside it (parsed back or checked field by field) and the Highwire Press
//! meta tags, over the `editorial` fixture.

use crate::support::*;
use std::path::Path;

/// The editorial fixture built before its embargo lifts, into a temp dir.
fn built(root: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        root,
        &[
            "build",
            "-o",
            out.path().to_str().unwrap(),
            "--clock",
            "2030-01-01T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// The fixture with `live.md`'s title and author replaced.
fn hostile_site(title: &str, author: &str) -> tempfile::TempDir {
    let site = copy_site(&fixture("editorial"));
    let live = site.path().join("content/live.md");
    let text = std::fs::read_to_string(&live).unwrap().replacen(
        "title = \"Security Council backs Mali\"",
        &format!("title = '{title}'\nauthors = ['{author}', 'Second Author']"),
        1,
    );
    std::fs::write(&live, text).unwrap();
    site
}

#[test]
fn every_briefing_has_its_reference_files_and_the_three_styles() {
    let out = built(&fixture("editorial"));
    for page in ["live", "older"] {
        for file in ["cite.bib", "cite.ris", "cite.json"] {
            assert!(out.path().join(page).join(file).is_file(), "{page}/{file}");
        }
    }
    let page = read(out.path(), "live/index.html");
    let block = &page[page.find("<section class=\"cite\" id=\"cite\"").unwrap()..];
    let block = &block[..block.find("</section>").unwrap()];
    assert!(block.contains("<h2 id=\"cite-title\">Cite this briefing</h2>"));
    for style in [
        "<dt>APA (7th edition)</dt><dd>Analyst, D. (2026, November 1). Security Council backs Mali. <i>Editorial Desk</i>. <a href=\"https://example.org/briefings/live/\">https://example.org/briefings/live/</a></dd>",
        "<dt>Chicago (18th edition, notes and bibliography)</dt><dd>Analyst, Desk. “Security Council Backs Mali.” <i>Editorial Desk</i>, November 1, 2026.",
        "<dt>MLA (9th edition)</dt><dd>Analyst, Desk. “Security Council Backs Mali.” <i>Editorial Desk</i>, 1 Nov. 2026,",
    ] {
        assert!(block.contains(style), "{style}\n{block}");
    }
    assert!(block.contains(
        "<a href=\"cite.bib\" download>BibTeX</a>, <a href=\"cite.ris\" download>RIS</a>, <a href=\"cite.json\" download>CSL-JSON</a>"
    ));
}

#[test]
fn no_reference_files_where_the_templates_show_no_cite_block() {
    // The override fixture's briefing template never reads `page.cite`.
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        &fixture("override"),
        &["build", "-o", out.path().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = out.path().join("a/index.html");
    assert!(page.is_file(), "the briefing is built");
    let cite: Vec<_> = walkdir::WalkDir::new(out.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("cite."))
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(cite.is_empty(), "{cite:?}");
}

#[test]
fn bibtex_parses_back_to_the_same_reference() {
    let title = "Brace } and { back\\slash @ % & $ # _ ~ ^";
    let site = hostile_site(title, "Ann O\"Brien");
    let out = built(site.path());
    let bib = read(out.path(), "live/cite.bib");
    let library = hayagriva::io::from_biblatex_str(&bib).unwrap_or_else(|e| {
        panic!(
            "{bib}\n{:?}",
            e.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        )
    });
    assert_eq!(library.len(), 1, "{bib}");
    let entry = library.iter().next().unwrap();
    assert_eq!(entry.key(), "live-2026");
    assert_eq!(
        entry.title().unwrap().value.to_string(),
        "Brace } and { back\\slash @ % & $ # _ ~ ^",
        "{bib}"
    );
    let authors: Vec<String> = entry
        .authors()
        .unwrap()
        .iter()
        .map(|p| format!("{} | {}", p.name, p.given_name.clone().unwrap_or_default()))
        .collect();
    assert_eq!(authors, ["O\"Brien | Ann", "Author | Second"], "{bib}");
    assert_eq!(entry.date().unwrap().year, 2026);
    assert_eq!(
        entry.url().unwrap().value.as_str(),
        "https://example.org/briefings/live/"
    );
    // A title cannot end the field early or start a new entry.
    assert_eq!(
        bib.matches("\n@").count() + usize::from(bib.starts_with('@')),
        1
    );
}

#[test]
fn ris_has_exactly_the_expected_tags_one_per_line() {
    let site = hostile_site("Two\\nlines", "Ann Analyst");
    let out = built(site.path());
    let ris = read(out.path(), "live/cite.ris");
    assert!(ris.ends_with("ER  - \r\n"), "{ris:?}");
    let lines: Vec<&str> = ris.split("\r\n").filter(|l| !l.is_empty()).collect();
    for line in &lines {
        assert!(
            line.len() >= 6
                && &line[2..6] == "  - "
                && line[..2]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "malformed RIS line {line:?}"
        );
    }
    let tags: Vec<(&str, &str)> = lines.iter().map(|l| (&l[..2], &l[6..])).collect();
    assert_eq!(
        tags,
        [
            ("TY", "ELEC"),
            ("TI", "Two\\nlines"),
            ("AU", "Analyst, Ann"),
            ("AU", "Author, Second"),
            ("DA", "2026/11/01"),
            ("PY", "2026"),
            ("T2", "Editorial Desk"),
            ("PB", "Editorial Desk"),
            ("UR", "https://example.org/briefings/live/"),
            ("LA", "en"),
            ("AB", "The Council supported regional efforts."),
            ("ID", "live-2026"),
            ("ER", ""),
        ]
    );
}

#[test]
fn csl_json_has_the_fields_and_types_the_schema_requires() {
    let out = built(&fixture("editorial"));
    let json: serde_json::Value =
        serde_json::from_str(&read(out.path(), "live/cite.json")).unwrap();
    let items = json
        .as_array()
        .expect("a CSL-JSON file is an array of items");
    assert_eq!(items.len(), 1);
    let item = items[0].as_object().unwrap();
    // Required by the schema: `id` (string or number) and `type` (one of
    // the CSL item types).
    assert!(item["id"].is_string());
    assert_eq!(item["type"], "article-newspaper");
    // Every other field has the schema's type.
    let strings = [
        "title",
        "container-title",
        "publisher",
        "URL",
        "language",
        "abstract",
    ];
    let allowed: Vec<&str> = ["id", "type", "author", "issued"]
        .into_iter()
        .chain(strings)
        .collect();
    for (key, value) in item {
        assert!(allowed.contains(&key.as_str()), "unexpected field {key}");
        if strings.contains(&key.as_str()) {
            assert!(value.is_string(), "{key}: {value}");
        }
    }
    assert_eq!(item["title"], "Security Council backs Mali");
    assert_eq!(item["container-title"], "Editorial Desk");
    assert_eq!(item["URL"], "https://example.org/briefings/live/");
    let author = item["author"].as_array().unwrap();
    assert_eq!(author[0]["family"], "Analyst");
    assert_eq!(author[0]["given"], "Desk");
    let parts = item["issued"]["date-parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0], serde_json::json!([2026, 11, 1]));
}

#[test]
fn highwire_tags_are_present_and_escaped() {
    let site = hostile_site("\"><script>alert(1)</script>", "Ann \"><b>x</b>");
    let out = built(site.path());
    let page = read(out.path(), "live/index.html");
    let head = &page[..page.find("</head>").unwrap()];
    assert!(!head.contains("<script>alert(1)"), "{head}");
    assert!(!head.contains("<b>x</b>"), "{head}");
    assert!(
        head.contains(
            "<meta name=\"citation_title\" content=\"“&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">"
        ),
        "{head}"
    );
    assert!(
        head.contains(
            "<meta name=\"citation_author\" content=\"Ann &quot;&gt;&lt;b&gt;x&lt;/b&gt;\">"
        ),
        "{head}"
    );
    assert!(head.contains("<meta name=\"citation_author\" content=\"Second Author\">"));
    assert!(head.contains("<meta name=\"citation_publication_date\" content=\"2026/11/01\">"));
    assert!(head.contains("<meta name=\"citation_online_date\" content=\"2026/11/01\">"));
    assert!(head.contains("<meta name=\"citation_publisher\" content=\"Editorial Desk\">"));
    assert!(head.contains("<meta name=\"citation_language\" content=\"en\">"));
    // The formatted references escape the same text.
    let main = main_of(&page);
    assert!(!main.contains("<script>alert(1)"));
    assert!(!main.contains("<b>x</b>"));
}

/// The repository's own site built from a copy: (the copy, the output).
fn bundled() -> (tempfile::TempDir, tempfile::TempDir) {
    bundled_with(&[])
}

/// The "Cite this briefing" block of a page.
fn cite_block(page: &str) -> &str {
    let block = &page[page
        .find("<section class=\"cite\" id=\"cite\"")
        .expect("a cite block")..];
    &block[..block.find("</section>").unwrap()]
}

/// Every English month name, whole and as the styles abbreviate them.
const ENGLISH_MONTHS: [&str; 15] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Nov.",
    "Sept.",
    "Oct.",
];

#[test]
fn the_bundled_french_briefing_is_cited_in_french_and_the_english_one_as_before() {
    let (_site, out) = bundled();
    let fr = read(out.path(), "fr/mali-ecowas-military-support/index.html");
    let block = cite_block(&fr);
    assert!(
        block.contains("<h2 id=\"cite-title\">Citer cette note</h2>"),
        "{block}"
    );
    assert_eq!(block.matches("<dd>").count(), 3, "{block}");
    for style in FRENCH_STYLES {
        assert!(block.contains(style), "{style}\n{block}");
    }
    for month in ENGLISH_MONTHS {
        assert!(!block.contains(month), "English `{month}` in\n{block}");
    }
    assert!(block.contains(
        "<p class=\"cite-files screen-only\">Télécharger la référence\u{a0}: <a href=\"cite.bib\" download>BibTeX</a>"
    ));
    // The reference files are the same in both languages but for the
    // title and the language.
    assert!(read(out.path(), "fr/mali-ecowas-military-support/cite.ris").contains("LA  - fr\r\n"));

    let en = read(out.path(), "mali-ecowas-military-support/index.html");
    assert_eq!(cite_block(&en), ENGLISH_BLOCK);
}

/// The three references on the bundled French page.
/// (hayagriva's APA style orders the date year, month, day in every
/// language.)
const FRENCH_STYLES: [&str; 3] = [
    "<dt>APA (7e édition)</dt><dd>Le Mali demande un soutien militaire à la CEDEAO, pas une intervention. (2026, novembre 27). <i>Notes sur le Sahel</i>.</dd>",
    "<dt>Chicago (18e édition, notes et bibliographie)</dt><dd><i>Notes sur le Sahel</i>. <i>Le Mali demande un soutien militaire à la CEDEAO, pas une intervention</i>. 27 novembre 2026.</dd>",
    "<dt>MLA (9e édition)</dt><dd>«\u{a0}Le Mali demande un soutien militaire à la CEDEAO, pas une intervention\u{a0}». <i>Notes sur le Sahel</i>, 27 novembre 2026.</dd>",
];

/// The bundled English page's cite block, as before references were
/// formatted in the page's language.
const ENGLISH_BLOCK: &str = concat!(
    "<section class=\"cite\" id=\"cite\" aria-labelledby=\"cite-title\">\n",
    "    <h2 id=\"cite-title\">Cite this briefing</h2>\n",
    "    <dl>\n",
    "      <div><dt>APA (7th edition)</dt><dd>Mali Asks ECOWAS For Military Support – Not An Intervention. (2026, November 27). <i>Sahel Briefings</i>.</dd></div>\n",
    "      <div><dt>Chicago (18th edition, notes and bibliography)</dt><dd><i>Sahel Briefings</i>. <i>Mali Asks ECOWAS for Military Support – Not an Intervention</i>. November 27, 2026.</dd></div>\n",
    "      <div><dt>MLA (9th edition)</dt><dd>“Mali Asks ECOWAS for Military Support – Not an Intervention.” <i>Sahel Briefings</i>, 27 Nov. 2026.</dd></div>\n",
    "    </dl>\n",
    "    <p class=\"cite-files screen-only\">Download the reference: <a href=\"cite.bib\" download>BibTeX</a>, <a href=\"cite.ris\" download>RIS</a>, <a href=\"cite.json\" download>CSL-JSON</a></p>\n",
    "  ",
);
