//! The bundled briefing: every paragraph of the article reaches the page
//! verbatim, exactly once, in order, inside the three sections.

use crate::support::*;

fn article() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(repo().join("../shared/source/mali-ecowas-article.txt"))
        .or_else(|_| std::fs::read_to_string(repo().join("tests/fixtures/mali-ecowas-article.txt")))
        .expect("the article text");
    let mut paras = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from);
    let title = paras.next().unwrap();
    (title, paras.collect())
}

/// The text of an HTML fragment, tags dropped and entities decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("section {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

#[test]
fn every_paragraph_appears_once_in_order_in_its_section() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&repo(), out.path());
    let html = read(out.path(), "mali-ecowas-military-support/index.html");
    let (title, paras) = article();
    assert_eq!(paras.len(), 4);
    let page_text = text_of(main_of(&html));
    let expected_section = ["request", "diplomacy", "diplomacy", "historical-context"];
    let mut last = 0;
    for (para, id) in paras.iter().zip(expected_section) {
        assert_eq!(
            page_text.matches(para.as_str()).count(),
            1,
            "exactly once: {para}"
        );
        let at = page_text.find(para.as_str()).unwrap();
        assert!(at > last, "in order: {para}");
        last = at;
        assert!(
            text_of(section(&html, id)).contains(para.as_str()),
            "in #{id}: {para}"
        );
    }
    let h1 = &html[html.find("<h1>").unwrap()..html.find("</h1>").unwrap()];
    assert_eq!(text_of(h1), title);
    let headings: Vec<String> = ["request", "diplomacy", "historical-context"]
        .iter()
        .map(|id| {
            let s = section(&html, id);
            text_of(&s[s.find("<h2>").unwrap()..s.find("</h2>").unwrap()])
                .trim_end_matches('#')
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(headings, ["The request", "Diplomacy", "Historical context"]);
}

#[test]
fn structured_facts_are_on_the_page() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&repo(), out.path());
    let html = read(out.path(), "mali-ecowas-military-support/index.html");
    let text = text_of(main_of(&html));
    for fact in [
        "Logistics, training, equipment and aerial support",
        "ECOWAS troops on the ground",
        "3,000 soldiers",
        "New York, 26 September 2012, during the UN General Assembly; sixty heads of state invited",
        "Dioncounda Traoré",
        "Captain Amadou Sanogo",
        "François Hollande",
        "Jean Félix-Paganon",
        "Gilles Yabi",
        "International Crisis Group",
        "stopped short of endorsing military action",
        "Liberia",
    ] {
        assert!(text.contains(fact), "missing fact: {fact}");
    }
    assert!(html.contains("<time datetime=\"2012-07-05\">5 July 2012</time>"));
    assert!(html.contains("\"@type\":\"NewsArticle\""));
    assert!(html.contains("<meta property=\"og:title\" content=\"Mali Asks ECOWAS For Military Support – Not An Intervention\">"));
}

/// The paragraphs of each section of a Markdown body, by the section's id.
fn paragraphs_by_section(markdown: &str) -> Vec<(String, usize)> {
    let body = markdown.rsplit("+++").next().unwrap();
    let mut out: Vec<(String, usize)> = Vec::new();
    for block in body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if let Some(heading) = block.strip_prefix("## ") {
            let id = heading.rsplit_once("{#").unwrap().1.trim_end_matches('}');
            out.push((id.to_string(), 0));
        } else {
            out.last_mut().expect("text before the first section").1 += 1;
        }
    }
    out
}

#[test]
fn the_french_edition_has_the_same_sections_and_paragraphs() {
    let content = repo().join("content");
    let en = std::fs::read_to_string(content.join("mali-ecowas-military-support.md")).unwrap();
    let fr = std::fs::read_to_string(content.join("mali-ecowas-military-support.fr.md")).unwrap();
    let (en_sections, fr_sections) = (paragraphs_by_section(&en), paragraphs_by_section(&fr));
    assert_eq!(
        en_sections,
        [
            ("request".to_string(), 1),
            ("diplomacy".to_string(), 2),
            ("historical-context".to_string(), 1)
        ]
    );
    assert_eq!(
        fr_sections, en_sections,
        "same sections, same paragraph count"
    );

    let out = tempfile::tempdir().unwrap();
    build_ok(&repo(), out.path());
    let html = read(out.path(), "fr/mali-ecowas-military-support/index.html");
    assert!(html.starts_with("<!doctype html>\n<html lang=\"fr\">"));
    let headings: Vec<String> = ["request", "diplomacy", "historical-context"]
        .iter()
        .map(|id| {
            let s = section(&html, id);
            text_of(&s[s.find("<h2>").unwrap()..s.find("</h2>").unwrap()])
                .trim_end_matches('#')
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(
        headings,
        ["La demande", "Diplomatie", "Contexte historique"]
    );
    for id in ["request", "diplomacy", "historical-context"] {
        let want = en_sections.iter().find(|(s, _)| s == id).unwrap().1;
        // The pull quote's paragraph is not the text's.
        let s = section(&html, id);
        let text = match (s.find("<figure"), s.find("</figure>")) {
            (Some(a), Some(b)) => format!("{}{}", &s[..a], &s[b..]),
            _ => s.to_string(),
        };
        assert_eq!(text.matches("<p>").count(), want, "#{id}");
    }
    // Marked as a translation of the English briefing, not of the article.
    assert!(html.contains(
        "<p class=\"translation-note\">Traduit de la note originale <a href=\"../../mali-ecowas-military-support/index.html\" hreflang=\"en\" rel=\"alternate\">en anglais</a>.</p>"
    ));
    // The structured parts are in French.
    let text = text_of(main_of(&html));
    for part in [
        "Points clés",
        "Faits essentiels",
        "Qui est qui",
        "Chronologie",
        "Logistique, formation, équipement et appui aérien",
        "Capitaine Amadou Sanogo",
        "Début septembre 2012",
        "5 juillet 2012",
        "3\u{202f}000 soldats",
    ] {
        assert!(text.contains(part), "missing: {part}");
    }
    // And the English page links to it.
    let en_html = read(out.path(), "mali-ecowas-military-support/index.html");
    assert!(en_html.contains(
        "<a href=\"../fr/mali-ecowas-military-support/index.html\" hreflang=\"fr\" lang=\"fr\" rel=\"alternate\">Français</a>"
    ));
}
