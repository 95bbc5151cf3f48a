//! The page as a reader sees it (issue #16): contents, typography, order,
//! dates, drafts, feeds.

use crate::support::*;
use std::path::Path;

/// A site in a temp folder with these files, built with `args` into `out/`.
fn site(files: &[(&str, &str)], args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = dir.path().join("out");
    let mut all = vec!["build", "--output", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = brief(dir.path(), &all);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (dir, out)
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}"));
    let to = html[from..].find(end).unwrap_or_else(|| panic!("no {end}")) + from;
    &html[from..to]
}

fn mali(out: &Path) -> String {
    build_ok(&repo(), out);
    read(out, "mali-ecowas-military-support/index.html")
}

#[test]
fn contents_list_sub_headings_under_their_section() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("minimal"), out.path());
    let html = read(out.path(), "first/index.html");
    let toc = between(&html, "<nav class=\"toc\"", "</nav>");
    // `### Detail` nests in a list inside its section's item.
    let background = between(toc, "<li><a href=\"#background\">", "</ol>\n      </li>");
    assert!(
        background.contains("<ol>")
            && background.contains("<li><a href=\"#detail\">Detail</a></li>"),
        "{toc}"
    );
    assert!(toc.find("#detail").unwrap() < toc.find("#what-next").unwrap());
}

#[test]
fn front_matter_text_gets_smart_punctuation_everywhere() {
    let md = r#"+++
title = "Mali's \"request\" -- not an 'intervention'..."
summary = "Traoré's letter---in full."
date = 2020-01-02
tags = ["Côte d'Ivoire"]
key_points = ["ECOWAS's offer"]

[[key_facts]]
label = "Troops' role"
value = "\"None\""
+++

## One

Text.

## Two

More.
"#;
    let (_dir, out) = site(
        &[
            (
                "site.toml",
                "title = \"T\"\nbase_url = \"https://x.example/\"\n",
            ),
            ("content/mali.md", md),
        ],
        &[],
    );
    let html = read(&out, "mali/index.html");
    let title = "Mali’s “request” – not an ‘intervention’…";
    assert!(html.contains(&format!("<h1>{title}</h1>")), "h1");
    assert!(html.contains(&format!("<title>{title} · T</title>")));
    assert!(html.contains(&format!("<meta property=\"og:title\" content=\"{title}\">")));
    assert!(html.contains("<meta name=\"description\" content=\"Traoré’s letter—in full.\">"));
    assert!(
        html.contains(&format!("\"headline\":\"{title}\"")),
        "JSON-LD"
    );
    assert!(html.contains("<li>ECOWAS’s offer</li>"));
    assert!(html.contains("<dt>Troops’ role</dt><dd>“None”</dd>"));
    assert!(!html.contains("Mali's"));
    let feed = read(&out, "atom.xml");
    assert!(feed.contains(&format!("<title>{title}</title>")), "{feed}");
    assert!(feed.contains("<summary>Traoré’s letter—in full.</summary>"));
    let home = read(&out, "index.html");
    assert!(home.contains(title));
    // The tag's URL is made from the text as written.
    assert!(out.join("tags/cote-divoire/index.html").is_file());
}

#[test]
fn key_facts_come_before_the_text_and_the_rest_is_one_tap_from_the_contents() {
    let out = tempfile::tempdir().unwrap();
    let html = mali(out.path());
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(at("id=\"key-points\"") < at("<nav class=\"toc\""));
    assert!(at("<nav class=\"toc\"") < at("id=\"key-facts\""));
    assert!(at("id=\"key-facts\"") < at("<section id=\"request\""));
    let toc = between(&html, "<nav class=\"toc\"", "</nav>");
    for target in ["#key-facts", "#actors", "#timeline"] {
        assert!(
            toc.contains(&format!("href=\"{target}\"")),
            "{target} in {toc}"
        );
    }
}

#[test]
fn the_mali_credit_line_says_when_the_reporting_is_from() {
    let out = tempfile::tempdir().unwrap();
    let html = mali(out.path());
    let credit = between(&html, "<p class=\"credit\">", "</p>");
    assert!(
        credit.ends_with("UN Dispatch</a>, <time datetime=\"2012-09\">September 2012</time>."),
        "{credit}"
    );
    // Consistent with the timeline's entry for the request.
    assert!(html.contains("<time datetime=\"2012-09\">Early September 2012</time>"));
    let sources = between(&html, "<section class=\"sources\"", "</section>");
    assert!(sources.contains("UN Dispatch (original article, September 2012)"));
}

#[test]
fn tags_overview_and_tag_pages_name_things_once() {
    let (_dir, out) = site(
        &[(
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = 2020-01-02\ntags = [\"Mali\"]\n+++\n\nText.\n",
        )],
        &[],
    );
    let tags = read(&out, "tags/index.html");
    assert_eq!(
        main_of(&tags).matches("Topics").count(),
        1,
        "{}",
        main_of(&tags)
    );
    let tag = read(&out, "tags/mali/index.html");
    assert!(!tag.contains("from Briefings"), "{tag}");
    assert!(
        tag.contains(
            "<meta name=\"description\" content=\"1 briefing tagged Mali, newest first.\">"
        )
    );
}

#[test]
fn drafts_are_labelled_on_their_page_and_in_lists() {
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        &fixture("minimal"),
        &[
            "build",
            "--drafts",
            "--output",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let draft = read(out.path(), "draft/index.html");
    assert!(
        draft.contains("<p class=\"draft-label\">Draft</p>"),
        "{draft}"
    );
    // The home list shows one briefing a page; the draft is the newest.
    let home = read(out.path(), "index.html");
    let card = between(&home, "Unfinished draft", "</article>");
    assert!(
        card.contains("<span class=\"draft-label\">Draft</span>"),
        "{card}"
    );
    let first = read(out.path(), "first/index.html");
    assert!(!first.contains("draft-label"));
}

#[test]
fn feed_entries_without_summary_use_key_points_or_the_lead_paragraph() {
    let (_dir, out) = site(
        &[
            ("site.toml", "base_url = \"https://x.example/\"\n"),
            (
                "content/points.md",
                "+++\ntitle = \"Points\"\ndate = 2020-01-03\nkey_points = [\"First point.\", \"Second point.\"]\n+++\n\nBody.\n",
            ),
            (
                "content/lead.md",
                "+++\ntitle = \"Lead\"\ndate = 2020-01-02\n+++\n\n![a map](map.png)\n\n## The request\n\nThe *lead* paragraph's text.[^1]\n\nNot this one.\n\n[^1]: A note.\n",
            ),
        ],
        &[],
    );
    let feed = read(&out, "atom.xml");
    assert!(
        feed.contains("<summary>First point. Second point.</summary>"),
        "{feed}"
    );
    assert!(
        feed.contains("<summary>The lead paragraph’s text.</summary>"),
        "{feed}"
    );
}

#[test]
fn tables_scroll_in_a_named_box_with_their_caption() {
    let md = "+++\ntitle = \"T\"\ndate = 2020-01-02\n+++\n\nTable: Troops *pledged*\n\n| Country | Troops |\n| --- | ---: |\n| Niger | 500 |\n\n| a |\n| - |\n| b |\n";
    let (_dir, out) = site(&[("content/t.md", md)], &[]);
    let html = read(&out, "t/index.html");
    assert!(
        html.contains("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Troops pledged\">\n<table><caption>Troops <em>pledged</em></caption><thead>"),
        "{html}"
    );
    assert!(!html.contains("Table:"));
    assert!(html.contains("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">\n<table><thead>"));
    assert_eq!(html.matches("</table>\n</div>").count(), 2);
}

#[test]
fn a_blockquote_ending_in_a_dash_line_gets_its_attribution() {
    let md = "+++\ntitle = \"T\"\ndate = 2020-01-02\n+++\n\n> The leadership has \"two heads\".\n>\n> --- Gilles Yabi, *International Crisis Group*\n\n> No attribution here.\n";
    let (_dir, out) = site(&[("content/q.md", md)], &[]);
    let html = read(&out, "q/index.html");
    assert!(
        html.contains("<figure class=\"quote\">\n<blockquote>\n<p>The leadership has “two heads”.</p>\n</blockquote>\n<figcaption>Gilles Yabi, <em>International Crisis Group</em></figcaption>\n</figure>"),
        "{html}"
    );
    assert!(html.contains("<blockquote>\n<p>No attribution here.</p>\n</blockquote>"));
}

#[test]
fn the_stylesheet_keeps_superscripts_and_self_links_quiet() {
    // What the browser suite measures, pinned in the shipped stylesheet.
    let css = std::fs::read_to_string(repo().join("static/style.css")).unwrap();
    assert!(css.contains("sup { line-height: 0; vertical-align: baseline;"));
    assert!(css.contains(".self-link {\n  opacity: 0;"));
    assert!(css.contains(".briefing-card .dek { font-size: 1.05rem;"));
    assert!(css.contains("th, td {") && css.contains("vertical-align: top"));
}
