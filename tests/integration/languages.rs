//! A site in three languages (`languages` fixture: English by default,
//! French, Arabic written right to left): URLs, reciprocal `hreflang`
//! alternates, the sitemap's alternates, per-language feeds, the language
//! switch, the fallback of an untranslated briefing, and French pages free
//! of English interface strings.

use crate::support::*;
use std::collections::{BTreeMap, BTreeSet};

const BASE: &str = "https://example.org/sahel/";

fn built() -> (tempfile::TempDir, BTreeMap<String, String>) {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("languages"), out.path());
    let pages = snapshot_dir(out.path())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".xml"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    (out, pages)
}

/// Every `<link rel="alternate" hreflang=…>` of a page: (tag, href).
fn hreflangs(html: &str) -> Vec<(String, String)> {
    let head = &html[..html.find("</head>").unwrap()];
    head.match_indices("<link rel=\"alternate\" hreflang=\"")
        .map(|(i, m)| {
            let rest = &head[i + m.len()..];
            let lang = &rest[..rest.find('"').unwrap()];
            let rest = &rest[rest.find("href=\"").unwrap() + 6..];
            (
                lang.to_string(),
                rest[..rest.find('"').unwrap()].to_string(),
            )
        })
        .collect()
}

/// The output file an absolute URL of the site is served from.
fn file_of(url: &str) -> String {
    let rel = url.strip_prefix(BASE).unwrap_or_else(|| panic!("{url}"));
    format!("{rel}index.html")
}

#[test]
fn every_language_has_its_pages_under_its_folder() {
    let (_out, pages) = built();
    for path in [
        "index.html",
        "page/2/index.html",
        "mali/index.html",
        "fr/index.html",
        "fr/page/2/index.html",
        "fr/mali/index.html",
        "fr/tags/index.html",
        "fr/tags/mali/index.html",
        "fr/atom.xml",
        "fr/tags/mali/atom.xml",
        "ar/index.html",
        "ar/mali/index.html",
        "ar/tags/index.html",
        "ar/atom.xml",
        "sitemap.xml",
    ] {
        assert!(pages.contains_key(path), "{path} missing");
    }
    assert!(
        !pages.contains_key("fr/niger/index.html"),
        "no French Niger briefing"
    );
    // Corrections are listed in their language: only the French edition
    // has one, and its notice links to the French corrections page.
    assert!(!pages.contains_key("corrections/index.html"));
    let corrections = &pages["fr/corrections/index.html"];
    assert!(corrections.contains("<h1>Rectificatifs</h1>"));
    assert!(
        corrections.contains(">10 septembre 2012</time>: La date de la conférence a été corrigée.")
    );
    assert!(pages["fr/mali/index.html"].contains(
        "<a href=\"../../fr/corrections/index.html\">Tous les rectificatifs de Notes sur le Sahel</a>"
    ));
    assert!(!pages.contains_key("mali-fr/index.html"));
    assert!(pages["fr/mali/index.html"].starts_with("<!doctype html>\n<html lang=\"fr\">"));
    assert!(
        pages["ar/mali/index.html"].starts_with("<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">")
    );
    assert!(pages["mali/index.html"].starts_with("<!doctype html>\n<html lang=\"en\">"));
    // The French tag pages carry the French names, at the original's slugs.
    assert!(pages["fr/tags/ecowas/index.html"].contains("<h1>CEDEAO</h1>"));
    assert!(pages["fr/mali/index.html"].contains("Traduit de la note originale <a href=\"../../mali/index.html\" hreflang=\"en\" rel=\"alternate\">en anglais</a>."));
    // schema.org relates the editions.
    assert!(pages["fr/mali/index.html"].contains(&format!(
        "\"translationOfWork\":{{\"@type\":\"NewsArticle\",\"inLanguage\":\"en\",\"url\":\"{BASE}mali/\"}}"
    )));
    assert!(pages["mali/index.html"].contains(&format!(
        "\"workTranslation\":[{{\"@type\":\"NewsArticle\",\"inLanguage\":\"ar\",\"url\":\"{BASE}ar/mali/\"}},{{\"@type\":\"NewsArticle\",\"inLanguage\":\"fr\",\"url\":\"{BASE}fr/mali/\"}}]"
    )));
    assert!(!pages["niger/index.html"].contains("workTranslation"));
    // What the rendered body adds is in the page's language too.
    let fr = &pages["fr/mali/index.html"];
    assert!(fr.contains("<h2 id=\"footnotes-label\">Notes</h2>"));
    assert!(fr.contains("aria-label=\"Retour à l’appel de note 1\">↩</a>"));
    assert!(fr.contains("role=\"region\" tabindex=\"0\" aria-label=\"Tableau\">"));
    // Dates in the page's language.
    assert!(pages["fr/mali/index.html"].contains(">5 septembre 2012</time>"));
    assert!(
        pages["fr/mali/index.html"].contains(">septembre 2012</time>"),
        "source date"
    );
    assert!(pages["mali/index.html"].contains(">5 September 2012</time>"));
}

#[test]
fn hreflang_alternates_are_reciprocal_with_x_default() {
    let (_out, pages) = built();
    let mut checked = 0;
    for (path, html) in pages.iter().filter(|(p, _)| p.ends_with(".html")) {
        let alternates = hreflangs(html);
        if alternates.is_empty() {
            continue;
        }
        let me = format!("{BASE}{}", path.trim_end_matches("index.html"));
        let tags: Vec<&str> = alternates.iter().map(|(l, _)| l.as_str()).collect();
        assert!(tags.contains(&"x-default"), "{path}: {tags:?}");
        assert!(
            alternates.iter().any(|(_, h)| *h == me),
            "{path} names itself"
        );
        for (lang, href) in &alternates {
            let target = file_of(href);
            let other = pages
                .get(&target)
                .unwrap_or_else(|| panic!("{path}: {lang} → {href}: no such page"));
            if lang != "x-default" {
                assert!(
                    other.starts_with(&format!("<!doctype html>\n<html lang=\"{lang}\"")),
                    "{target} is not in {lang}"
                );
            }
            assert!(
                hreflangs(other).iter().any(|(_, h)| *h == me),
                "{target} does not link back to {path}"
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} alternates checked");
    // A one-language page (the corrections page has none here; the
    // English-only Niger briefing) has no alternates.
    assert!(hreflangs(&pages["niger/index.html"]).is_empty());
}

/// `xmllint --relaxng tests/schemas/<schema> <file>`.
fn lint(schema: &str, file: &std::path::Path) -> std::process::Output {
    std::process::Command::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(repo().join("tests/schemas").join(schema))
        .arg(file)
        .output()
        .expect("xmllint is needed (Debian package libxml2-utils; scripts/test.sh installs it)")
}

fn xmllint(schema: &str, file: &std::path::Path) {
    let o = lint(schema, file);
    assert!(
        o.status.success(),
        "{} against {schema}:\n{}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_sitemap_lists_every_page_with_its_alternates() {
    let (_out, pages) = built();
    let sitemap = &pages["sitemap.xml"];
    assert!(sitemap.contains(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">"
    ));
    // Valid against the sitemap schema with the XHTML extension, and
    // consistent: every <url> has one <loc>; its alternates include itself
    // and are the same set for every edition.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sitemap.xml");
    std::fs::write(&file, sitemap).unwrap();
    xmllint("sitemap.rng", &file);
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        sitemap.replace("hreflang=\"fr\"", "hreflang=\"fr fr\""),
    )
    .unwrap();
    assert!(
        !lint("sitemap.rng", &bad).status.success(),
        "the schema checks hreflang"
    );
    let mut sets: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for url in sitemap.split("<url>").skip(1) {
        let url = &url[..url.find("</url>").unwrap()];
        let loc = &url[url.find("<loc>").unwrap() + 5..url.find("</loc>").unwrap()];
        let alts: BTreeSet<(String, String)> = url
            .match_indices("<xhtml:link rel=\"alternate\" hreflang=\"")
            .map(|(i, m)| {
                let rest = &url[i + m.len()..];
                let lang = &rest[..rest.find('"').unwrap()];
                let rest = &rest[rest.find("href=\"").unwrap() + 6..];
                (
                    lang.to_string(),
                    rest[..rest.find('"').unwrap()].to_string(),
                )
            })
            .collect();
        assert!(pages.contains_key(&file_of(loc)), "{loc} is not built");
        sets.insert(loc.to_string(), alts);
    }
    for path in pages
        .keys()
        .filter(|p| p.ends_with("index.html") && !p.contains("page/"))
    {
        let url = format!("{BASE}{}", path.trim_end_matches("index.html"));
        assert!(sets.contains_key(&url), "{url} not in the sitemap");
    }
    for (loc, alts) in &sets {
        if alts.is_empty() {
            continue;
        }
        assert!(
            alts.iter().any(|(l, h)| h == loc && l != "x-default"),
            "{loc}"
        );
        for (_, href) in alts {
            assert_eq!(&sets[href], alts, "{href} and {loc} differ");
        }
    }
    assert_eq!(
        sets[&format!("{BASE}fr/mali/")].len(),
        4,
        "en, ar, fr, x-default"
    );
}

#[test]
fn each_language_has_its_feed_and_fallbacks_are_marked() {
    let (out, pages) = built();
    for feed in ["fr/atom.xml", "ar/atom.xml", "fr/tags/ecowas/atom.xml"] {
        xmllint("atom.rng", &out.path().join(feed));
    }
    let fr = &pages["fr/atom.xml"];
    assert!(fr.contains("xml:lang=\"fr\""));
    assert!(fr.contains("<title>Notes sur le Sahel</title>"));
    assert!(fr.contains(&format!("href=\"{BASE}fr/mali/\"")));
    assert!(
        fr.contains(&format!("href=\"{BASE}niger/\"")),
        "fallback = show lists Niger"
    );
    assert!(
        !pages["atom.xml"].contains("/fr/"),
        "the English feed has no French entry"
    );
    assert!(pages["ar/atom.xml"].contains("xml:lang=\"ar\""));
    // The untranslated briefing, in the French list, marked as English.
    let list = &pages["fr/page/2/index.html"];
    assert!(list.contains(
        "<a href=\"../../../niger/index.html\" lang=\"en\" hreflang=\"en\">Niger Junta Seeks Talks</a> <span class=\"fallback-label\">(en anglais)</span>"
    ));
    // The switch of a page without a French edition goes to the French home.
    let niger = &pages["niger/index.html"];
    assert!(
        niger.contains("<a href=\"../fr/index.html\" hreflang=\"fr\" lang=\"fr\">Français</a>")
    );
    assert!(pages["mali/index.html"].contains(
        "<a href=\"../fr/mali/index.html\" hreflang=\"fr\" lang=\"fr\" rel=\"alternate\">Français</a>"
    ));
}

#[test]
fn fallback_hide_leaves_untranslated_briefings_out() {
    let site = copy_site(&fixture("languages"));
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("paginate = 1\n", "paginate = 1\nfallback = \"hide\"\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    assert!(!out.path().join("fr/page/2/index.html").exists());
    assert!(!out.path().join("fr/tags/niger/index.html").exists());
    assert!(!read(out.path(), "fr/atom.xml").contains("niger"));
    assert!(out.path().join("tags/niger/index.html").exists());
}

/// The values of the built-in English table that differ from the French,
/// read from the source, as the words to look for.
fn english_strings() -> Vec<String> {
    let src = std::fs::read_to_string(repo().join("src/i18n.rs")).unwrap();
    let table = |name: &str| -> BTreeMap<String, String> {
        let start = src.find(&format!("pub const {name}:")).unwrap();
        let body = &src[start..start + src[start..].find("];").unwrap()];
        // Every string literal of the table, in order: key, value, key…
        let mut literals = Vec::new();
        let mut rest = body;
        while let Some(open) = rest.find('"') {
            let from = &rest[open + 1..];
            let mut end = 0;
            let bytes = from.as_bytes();
            while bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            literals.push(from[..end].replace("\\u{a0}", "\u{a0}"));
            rest = &from[end + 1..];
        }
        assert_eq!(literals.len() % 2, 0, "{name}");
        literals
            .chunks(2)
            .map(|kv| (kv[0].clone(), kv[1].clone()))
            .collect()
    };
    let (en, fr) = (table("EN"), table("FR"));
    assert!(en.len() > 50 && en.len() == fr.len());
    assert!(
        en.contains_key("corrections_intro"),
        "entries over several lines are read"
    );
    en.into_iter()
        .filter(|(k, v)| fr[k] != *v && k != "language_name")
        .flat_map(|(k, v)| {
            v.split(['{', '}'])
                .step_by(2)
                .map(|s| s.trim().to_string())
                .filter(|s| s.chars().count() >= 4 && !fr[&k].contains(s.as_str()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What a reader sees or hears of a page: its text outside tags, scripts
/// and styles, and its `aria-label`, `title` and `alt` values.
fn readable(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |e| lt + e + 1);
        let tag = &rest[lt..tag_end];
        for attr in ["aria-label=\"", "title=\"", "alt=\""] {
            if let Some(i) = tag.find(attr) {
                let v = &tag[i + attr.len()..];
                out.push_str(&v[..v.find('"').unwrap_or(v.len())]);
                out.push(' ');
            }
        }
        rest = &rest[tag_end..];
        for raw in ["script", "style"] {
            if tag.starts_with(&format!("<{raw}")) {
                let close = format!("</{raw}>");
                rest = &rest[rest.find(&close).unwrap_or(0)..];
            }
        }
    }
    out.push_str(rest);
    // Web addresses (a reference's URL) are not interface text: a site at
    // `…/briefings/` is not an English word on a French page.
    out.replace("&#x27;", "'")
        .replace("&amp;", "&")
        .split(' ')
        .filter(|w| !w.starts_with("https://") && !w.starts_with("http://"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `needle` in `text` as a whole phrase, not inside a longer word.
fn has_phrase(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Checks every French page of `pages` (their `fr/` HTML) for English
/// interface strings.
pub fn assert_no_english_interface(pages: &BTreeMap<String, String>) {
    let english = english_strings();
    assert!(english.iter().any(|s| s == "Key points"));
    let mut seen = 0;
    for (path, html) in pages
        .iter()
        .filter(|(p, _)| p.starts_with("fr/") && p.ends_with(".html"))
    {
        // Briefings listed in English are English text by design.
        let text = readable(html);
        for s in &english {
            assert!(!has_phrase(&text, s), "{path} shows the English `{s}`");
        }
        seen += 1;
    }
    assert!(seen >= 5, "{seen} French pages");
}

#[test]
fn french_pages_hold_no_english_interface_string() {
    let (_out, pages) = built();
    assert_no_english_interface(&pages);
    // The same check finds one when it is there.
    let mut broken = BTreeMap::new();
    broken.insert("fr/x.html".to_string(), "<h2>Key points</h2>".to_string());
    for k in 0..5 {
        broken.insert(format!("fr/{k}.html"), String::new());
    }
    let caught = std::panic::catch_unwind(|| assert_no_english_interface(&broken));
    assert!(caught.is_err());
    // An address is not interface text, even at `…/briefings/`.
    broken.insert(
        "fr/x.html".to_string(),
        "<a href=\"https://example.org/briefings/\">https://example.org/briefings/</a>."
            .to_string(),
    );
    assert_no_english_interface(&broken);
}

#[test]
fn a_language_without_every_string_is_an_error_naming_the_keys() {
    let site = copy_site(&fixture("languages"));
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("key_points = \"النقاط الرئيسية\"\n", ""),
    )
    .unwrap();
    let o = brief(
        site.path(),
        &["build", "-o", site.path().join("public").to_str().unwrap()],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the interface strings of `ar` have no `key_points`"),
        "{err}"
    );
    let line = text.lines().position(|l| l == "[strings.ar]").unwrap() + 1;
    assert!(err.contains(&format!("site.toml:{line}:1")), "{err}");
    // A key a template asks for that no table has names the key.
    std::fs::write(&toml, &text).unwrap();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/tags.html"),
        "{{ t(key=\"nope\") }}",
    )
    .unwrap();
    let o = brief(
        site.path(),
        &["build", "-o", site.path().join("public").to_str().unwrap()],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no interface string `nope`"), "{err}");
    assert!(err.contains("templates/tags.html:1:"), "{err}");
}

#[test]
fn a_translation_must_keep_its_originals_date() {
    let site = copy_site(&fixture("languages"));
    let fr = site.path().join("content/mali.fr.md");
    let text = std::fs::read_to_string(&fr).unwrap();
    std::fs::write(&fr, text.replace("date = 2012-09-05", "date = 2012-09-06")).unwrap();
    std::fs::write(
        site.path().join("content/chad.fr.md"),
        "+++\ntitle = \"T\"\ndate = 2012-01-01\n+++\n",
    )
    .unwrap();
    let o = brief(
        site.path(),
        &["build", "-o", site.path().join("public").to_str().unwrap()],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("content/mali.fr.md:4:1"), "{err}");
    assert!(
        err.contains("a translation has its original's date"),
        "{err}"
    );
    assert!(
        err.contains("content/chad.md` does not exist"),
        "both in one run: {err}"
    );
}

/// `brief check` of `root`: its stderr (the findings).
fn check(root: &std::path::Path) -> String {
    let o = brief(root, &["check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_lists_missing_outdated_and_restructured_translations() {
    let site = copy_site(&fixture("languages"));
    // A copy writes every file now, in no set order: no file-time warning.
    let found = check(site.path());
    assert!(found.contains(
        "warning: this briefing has no French (`fr`) translation: `content/niger.fr.md` does not exist\n  --> content/niger.md"
    ), "{found}");
    assert!(found.contains("warning: this briefing has no Arabic (`ar`) translation: `content/niger.ar.md` does not exist"), "{found}");
    assert!(
        found.contains("brief new --lang fr --from content/niger.md"),
        "{found}"
    );
    assert!(found.contains(
        "warning: the English edition changed on 20 September 2012 (`updated`), after this translation: `content/mali.md` may say something this does not\n  --> content/mali.fr.md"
    ), "{found}");
    assert!(
        !found.contains("content/mali.ar.md"),
        "the Arabic edition is up to date: {found}"
    );
    assert!(
        !found.contains("cites no sources\n  --> content/mali.ar.md"),
        "it takes its original's source"
    );
    assert_eq!(
        found.matches("warning: ").count(),
        4,
        "three of translations, one of sources: {found}"
    );

    // A section left out, and the original saved well after the translation.
    let ar = site.path().join("content/mali.ar.md");
    let text = std::fs::read_to_string(&ar).unwrap();
    let cut = text.find("## الدبلوماسية").unwrap();
    std::fs::write(&ar, &text[..cut]).unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&ar)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let found = check(site.path());
    assert!(found.contains(
        "warning: this translation has 1 `##` section, its original `content/mali.md` has 2\n  --> content/mali.ar.md"
    ), "{found}");
    assert!(
        found.contains("(its file was saved), after this translation: `content/mali.md`"),
        "{found}"
    );

    // A one-language site says nothing of translations.
    assert!(!check(&fixture("minimal")).contains("translation"));
}

#[test]
fn new_writes_a_translation_skeleton_beside_the_original() {
    let site = copy_site(&fixture("languages"));
    let o = brief(
        site.path(),
        &["new", "--lang", "fr", "--from", "content/niger.md"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Wrote `content/niger.fr.md` (a draft: build with --drafts to see it)\n"
    );
    let text = read(site.path(), "content/niger.fr.md");
    assert!(
        text.contains("draft = true\ntitle = \"Niger Junta Seeks Talks\"\n"),
        "{text}"
    );
    assert!(
        text.contains("date = 2012-08-01\ntags = [\"Niger\", \"ECOWAS\"]\n+++\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\n## Talks {#talks}\n\nTranslate this section of the original here.\n"),
        "{text}"
    );
    // A draft until translated: the build leaves it out, --drafts shows it.
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    assert!(!out.path().join("fr/niger/index.html").exists());
    let o = brief(
        site.path(),
        &["build", "--drafts", "-o", out.path().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read(out.path(), "fr/niger/index.html").contains("<html lang=\"fr\">"));
    // Never over a file, never into a language the site lacks.
    let again = brief(
        site.path(),
        &["new", "--lang", "fr", "--from", "content/niger.md"],
    );
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("`content/niger.fr.md` already exists")
    );
    let de = brief(site.path(), &["new", "--lang", "de", "--from", "niger.md"]);
    assert!(
        String::from_utf8_lossy(&de.stderr).contains("`de` is not one of the site's languages")
    );
    let of = brief(
        site.path(),
        &["new", "--lang", "ar", "--from", "content/mali.fr.md"],
    );
    assert!(String::from_utf8_lossy(&of.stderr).contains("is itself a translation"));
}

#[test]
fn right_to_left_pages_mirror_the_stylesheet() {
    let (_out, pages) = built();
    assert!(pages["ar/index.html"].starts_with("<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(pages["ar/mali/index.html"].contains("<h2 class=\"toc-title\">في هذا الموجز</h2>"));
    assert!(
        pages["ar/mali/index.html"].contains("<time datetime=\"2012-09-05\">5 سبتمبر 2012</time>")
    );
    // Only logical properties, so `dir="rtl"` mirrors every margin,
    // padding, border and position.
    let css = std::fs::read_to_string(repo().join("static/style.css")).unwrap();
    let mut code = String::new();
    let mut rest = css.as_str();
    while let Some(i) = rest.find("/*") {
        code.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find("*/").unwrap() + 2..];
    }
    code.push_str(rest);
    for word in ["left", "right"] {
        assert!(!code.contains(word), "style.css uses `{word}`");
    }
    assert!(code.contains("padding-inline-start"));
}

#[test]
fn a_one_language_french_site_is_french_throughout() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("content")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Notes\"\nlanguage = \"fr\"\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/a.md"),
        "+++\ntitle = \"A\"\nsummary = \"S\"\ndate = 2012-09-05\nkey_points = [\"P\"]\n[[timeline]]\ndate = 2012-07-05\nevent = \"E\"\n[source]\nname = \"N\"\ndate = \"2012-08\"\n+++\n## Un\n\nTexte.\n\n## Deux\n\nTexte.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    let page = read(out.path(), "a/index.html");
    for french in [
        "<h2>Points clés</h2>",
        ">5 septembre 2012</time>",
        ">5 juillet 2012</time>",
        ">août 2012</time>",
        "min de lecture",
    ] {
        assert!(page.contains(french), "{french}");
    }
    assert!(
        !page.contains("language-switch") && !page.contains("hreflang"),
        "one language"
    );
    let mut pages = BTreeMap::new();
    for path in ["a/index.html", "index.html"] {
        pages.insert(format!("fr/{path}"), read(out.path(), path));
    }
    for k in 0..4 {
        pages.insert(format!("fr/{k}.html"), String::new());
    }
    assert_no_english_interface(&pages);
}

#[test]
fn author_text_of_every_language_stays_text() {
    let site = copy_site(&fixture("languages"));
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text
        .replace(
            "title = \"Notes sur le Sahel\"",
            "title = \"Notes </title><script>alert(1)</script> & \\\"co\\\"\"",
        )
        .replace(
            "[languages.ar]",
            "[strings.fr]\nkey_points = \"<b>Points</b> </script>\"\n\n[languages.ar]",
        );
    std::fs::write(&toml, text).unwrap();
    let fr = site.path().join("content/mali.fr.md");
    let t = std::fs::read_to_string(&fr).unwrap();
    std::fs::write(
        &fr,
        t.replace("\"CEDEAO\"", "\"CEDEAO</a><img src=x onerror=alert(1)>\""),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    // Markup files only: BibTeX, RIS and CSL-JSON hold the text as text.
    for (path, bytes) in snapshot_dir(out.path())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".xml"))
    {
        let page = String::from_utf8_lossy(&bytes);
        assert!(!page.contains("<script>alert"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
        assert!(!page.contains("<b>Points</b>"), "{path}");
        if path.ends_with(".html") {
            // JSON-LD cannot end its script early.
            assert_eq!(
                page.matches("<script").count(),
                page.matches("</script>").count(),
                "{path}"
            );
        }
    }
    let page = read(out.path(), "fr/mali/index.html");
    let escaped = "<h2>&lt;b&gt;Points&lt;/b&gt; &lt;/script&gt;</h2>";
    assert!(page.contains(escaped), "{page}");
    xmllint("sitemap.rng", &out.path().join("sitemap.xml"));
    xmllint("atom.rng", &out.path().join("fr/atom.xml"));
    xmllint("atom.rng", &out.path().join("fr/tags/ecowas/atom.xml"));
}

#[test]
fn a_bundle_translation_shares_the_bundle_files() {
    let site = copy_site(&fixture("languages"));
    let bundle = site.path().join("content/chad");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::copy(
        fixture("many").join("content/overview/map.png"),
        bundle.join("map.png"),
    )
    .unwrap();
    let briefing = |title: &str, alt: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2012-07-01\n+++\n## One {{#one}}\n\n![{alt}](map.png)\n"
        )
    };
    std::fs::write(bundle.join("index.md"), briefing("Chad", "Map")).unwrap();
    std::fs::write(bundle.join("index.fr.md"), briefing("Tchad", "Carte")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = build_ok(site.path(), out.path());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("not copied"));
    assert!(out.path().join("chad/map.png").is_file());
    assert!(out.path().join("fr/chad/map.png").is_file());
    let fr = read(out.path(), "fr/chad/index.html");
    assert!(
        fr.contains("<img src=\"map.png\" alt=\"Carte\" width="),
        "{fr}"
    );
    assert!(fr.contains("hreflang=\"en\" href=\"https://example.org/sahel/chad/\""));
}

#[test]
fn weekday_names_follow_the_page_language() {
    let site = copy_site(&fixture("languages"));
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("briefing.html"),
        "{% extends \"base.html\" %}{% block main %}<p class=\"weekday\">{{ page.date | date(format=\"%A %-d %B %Y|%a\") }}</p>{% endblock main %}",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    // 5 September 2012 was a Wednesday.
    for (page, shown) in [
        ("mali/index.html", "Wednesday 5 September 2012|Wed"),
        ("fr/mali/index.html", "mercredi 5 septembre 2012|mer."),
        ("ar/mali/index.html", "الأربعاء 5 سبتمبر 2012|الأربعاء"),
    ] {
        let html = read(out.path(), page);
        assert!(
            html.contains(&format!("<p class=\"weekday\">{shown}</p>")),
            "{page}: {}",
            main_of(&html)
        );
    }
}

#[test]
fn a_language_without_weekday_names_is_an_error() {
    let site = copy_site(&fixture("languages"));
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("weekday_short_3 = \"الأربعاء\"\n", "")).unwrap();
    let o = brief(
        site.path(),
        &["build", "-o", site.path().join("public").to_str().unwrap()],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the interface strings of `ar` have no `weekday_short_3`"),
        "{err}"
    );
}
