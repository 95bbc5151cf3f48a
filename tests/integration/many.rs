//! A site of many briefings: nested folders, pagination, tags, internal
//! links, page bundles, drafts, future dates, feeds and the sitemap.

use crate::support::*;
use std::path::Path;
use std::process::Command;

fn built() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("many"), &out.path().join("public"));
    out
}

fn xmllint(schema: &str, file: &Path) {
    let o = Command::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(repo().join("tests/schemas").join(schema))
        .arg(file)
        .output()
        .expect("xmllint is needed (Debian package libxml2-utils; scripts/test.sh installs it)");
    assert!(
        o.status.success(),
        "{} does not validate against {schema}:\n{}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn paginates_the_home_page_newest_first() {
    let out = built();
    let site = out.path().join("public");
    // 34 briefings at 10 a page.
    for n in 2..=4 {
        assert!(
            site.join(format!("page/{n}/index.html")).is_file(),
            "page {n}"
        );
    }
    assert!(!site.join("page/5").exists());
    let first = read(&site, "index.html");
    assert!(first.contains("<link rel=\"next\" href=\"page/2/index.html\">"));
    assert!(!first.contains("rel=\"prev\""));
    let second = read(&site, "page/2/index.html");
    assert!(
        second.contains("href=\"../../index.html\">← Newer</a>"),
        "prev of page 2 is the home page"
    );
    assert!(second.contains("href=\"../../page/3/index.html\">Older →</a>"));
    assert!(second.contains("<link rel=\"stylesheet\" href=\"../../style.css?v="));
    // Newest first: the 2020 overview leads the first page.
    let overview = first.find("Regional overview").unwrap();
    let other = first.find("outlook, part").unwrap();
    assert!(overview < other);
}

#[test]
fn tag_pages_have_readable_slugs_and_group_into_taxonomies() {
    let out = built();
    let site = out.path().join("public");
    let tag = read(&site, "tags/cote-divoire/index.html");
    assert!(tag.contains("<h1>Côte d’Ivoire</h1>"));
    assert!(
        tag.contains("href=\"../../overview/index.html\""),
        "lists the overview"
    );
    let tags = read(&site, "tags/index.html");
    let countries = tags.find("<h2>Countries</h2>").expect("countries group");
    let orgs = tags
        .find("<h2>Organisations</h2>")
        .expect("organisations group");
    let other = tags.find("<h2>Other topics</h2>").expect("the rest");
    assert!(countries < orgs && orgs < other);
    assert!(tags.contains("<a href=\"../tags/ecowas/index.html\">ECOWAS</a>"));
}

#[test]
fn internal_links_become_relative_urls_with_checked_anchors() {
    let out = built();
    let site = out.path().join("public");
    let mali = read(&site, "sahel/mali-security-0/index.html");
    assert!(
        mali.contains("href=\"../../overview/index.html#timeline-of-events\""),
        "section link"
    );
    assert!(mali.contains("href=\"../../overview/index.html\""));
    let overview = read(&site, "overview/index.html");
    assert!(overview.contains("href=\"../sahel/mali-security-0/index.html#diplomacy\""));
    assert!(!overview.contains("@/"));
}

#[test]
fn page_bundles_carry_their_images_with_sizes() {
    let out = built();
    let site = out.path().join("public");
    assert!(site.join("overview/map.png").is_file());
    let overview = read(&site, "overview/index.html");
    assert!(overview.contains(
        "<figure><img src=\"map.png\" alt=\"Map of the region\" width=\"64\" height=\"48\" decoding=\"async\"><figcaption>The region at a glance</figcaption></figure>"
    ));
    assert!(overview.contains("<meta property=\"og:image\" content=\"https://briefings.example.org/desk/overview/map.png\">"));
    // Briefings without an image share the site's.
    let mali = read(&site, "sahel/mali-security-0/index.html");
    assert!(mali.contains(
        "<meta property=\"og:image\" content=\"https://briefings.example.org/desk/share.png\">"
    ));
}

#[test]
fn updates_log_and_modified_date() {
    let out = built();
    let overview = read(&out.path().join("public"), "overview/index.html");
    assert!(overview.contains(", updated <time datetime=\"2020-06-20\">20 June 2020</time>"));
    let log = overview.find("<h2>Updates</h2>").unwrap();
    let newest = overview[log..].find("Corrected the timeline").unwrap();
    let oldest = overview[log..].find("Added the map").unwrap();
    assert!(newest < oldest, "newest update first");
    assert!(overview.contains("\"dateModified\":\"2020-06-20\""));
}

#[test]
fn related_briefings_share_tags() {
    let out = built();
    let mali = read(
        &out.path().join("public"),
        "sahel/mali-security-0/index.html",
    );
    let related = &mali[mali.find("<h2>Related briefings</h2>").expect("related")..];
    assert_eq!(
        related.matches("<article class=\"briefing-card\">").count(),
        3
    );
    // Mali + Security + ECOWAS: the overview shares two of them.
    assert!(related.contains("Regional overview"));
}

#[test]
fn drafts_and_future_briefings_need_flags() {
    let out = built();
    let site = out.path().join("public");
    assert!(!site.join("sahel/unfinished").exists());
    assert!(!site.join("sahel/next-year").exists());
    let all = out.path().join("all");
    let o = brief(
        &fixture("many"),
        &["build", "--drafts", "--future", "-o", all.to_str().unwrap()],
    );
    assert!(o.status.success());
    assert!(all.join("sahel/unfinished/index.html").is_file());
    assert!(all.join("sahel/next-year/index.html").is_file());
}

#[test]
fn feeds_and_sitemap_are_valid_xml_with_absolute_urls() {
    let out = built();
    let site = out.path().join("public");
    xmllint("atom.rng", &site.join("atom.xml"));
    for tag in std::fs::read_dir(site.join("tags")).unwrap() {
        let feed = tag.unwrap().path().join("atom.xml");
        if feed.exists() {
            xmllint("atom.rng", &feed);
        }
    }
    xmllint("sitemap.rng", &site.join("sitemap.xml"));
    let sitemap = read(&site, "sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://briefings.example.org/desk/overview/</loc><lastmod>2020-06-20</lastmod>"
    ));
    // Home, 34 briefings, the tags overview and 19 tags.
    assert_eq!(sitemap.matches("<url>").count(), 1 + 34 + 1 + 19);
    assert_eq!(
        read(&site, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://briefings.example.org/desk/sitemap.xml\n"
    );
    let not_found = read(&site, "404.html");
    assert!(not_found.contains("href=\"https://briefings.example.org/desk/style.css?v="));
    let feed = read(&site, "atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 34);
}

#[test]
fn the_schemas_reject_a_broken_feed() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("atom.xml");
    std::fs::write(
        &bad,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title></feed>",
    )
    .unwrap();
    let o = Command::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(repo().join("tests/schemas/atom.rng"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "a feed without id and updated must fail"
    );
}

#[test]
fn without_base_url_there_are_no_feeds_and_a_note_says_why() {
    let out = tempfile::tempdir().unwrap();
    let o = build_ok(&fixture("minimal"), out.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("set `base_url` in site.toml"));
    for f in ["atom.xml", "sitemap.xml", "robots.txt", "404.html"] {
        assert!(!out.path().join(f).exists(), "{f}");
    }
}
