//! Files for machines: Atom feeds, `sitemap.xml` and `robots.txt`. They need
//! absolute URLs, so they exist only when `base_url` is set.

use crate::briefing::Briefing;
use crate::config::Config;
use crate::date::Date;
use std::fmt::Write as _;

/// Briefings per feed: enough for any reader catching up, small enough to fetch often.
pub const FEED_LIMIT: usize = 50;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids outright.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// An Atom feed (RFC 4287) of `pages`, newest first.
///
/// `self_path` is the feed's path under the site, `title` its title.
pub fn atom(
    config: &Config,
    title: &str,
    self_path: &str,
    alternate_path: &str,
    pages: &[&Briefing],
) -> String {
    let base = config.base_url_slash();
    let updated = pages
        .iter()
        .map(|p| p.front.modified())
        .max()
        .unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        });
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&config.language)
    );
    let _ = writeln!(
        x,
        "  <id>{}</id>",
        xml_escape(&format!("{base}{self_path}"))
    );
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(title));
    if !config.description.is_empty() {
        let _ = writeln!(
            x,
            "  <subtitle>{}</subtitle>",
            xml_escape(&config.description)
        );
    }
    let _ = writeln!(x, "  <updated>{}</updated>", timestamp(updated));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&format!("{base}{self_path}"))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&format!("{base}{alternate_path}"))
    );
    // Atom needs an author on the feed or on every entry.
    let _ = writeln!(
        x,
        "  <author><name>{}</name></author>",
        xml_escape(&config.title)
    );
    let _ = writeln!(x, "  <generator>brief</generator>");
    for page in pages.iter().take(FEED_LIMIT) {
        let url = format!("{base}{}", page.url);
        let fm = &page.front;
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&url));
        let _ = writeln!(x, "    <title>{}</title>", xml_escape(&fm.title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&url)
        );
        let _ = writeln!(x, "    <published>{}</published>", fm.date.atom());
        let _ = writeln!(x, "    <updated>{}</updated>", timestamp(fm.modified()));
        let authors = if fm.authors.is_empty() {
            &config.authors
        } else {
            &fm.authors
        };
        for a in authors {
            let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(a));
        }
        for t in &fm.tags {
            let _ = writeln!(x, "    <category term=\"{}\"/>", xml_escape(t));
        }
        // Without a summary, the key points, or else the lead paragraph.
        let summary = if !fm.summary.is_empty() {
            fm.summary.clone()
        } else if !fm.key_points.is_empty() {
            fm.key_points.join(" ")
        } else {
            page.lead.clone()
        };
        if !summary.is_empty() {
            let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&summary));
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Path under the site, e.g. `mali/`.
    pub path: String,
    /// Last modification, when known.
    pub lastmod: Option<Date>,
    /// Its editions in every language, itself included, and `x-default`:
    /// (language tag, absolute URL). Empty on a one-language site.
    pub alternates: Vec<(String, String)>,
}

/// `sitemap.xml` (sitemaps.org protocol 0.9).
pub fn sitemap(config: &Config, entries: &[SitemapEntry]) -> String {
    let base = config.base_url_slash();
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        x.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    x.push_str(">\n");
    for e in entries {
        let _ = write!(
            x,
            "  <url><loc>{}</loc>",
            xml_escape(&format!("{base}{}", e.path))
        );
        if let Some(d) = e.lastmod {
            let _ = write!(x, "<lastmod>{d}</lastmod>");
        }
        for (lang, href) in &e.alternates {
            let _ = write!(
                x,
                "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml_escape(lang),
                xml_escape(href)
            );
        }
        if !e.alternates.is_empty() {
            x.push_str("\n  ");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        config.base_url_slash()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml_escape("a<b>&\"'\u{1}\u{FFFE}\u{FFFF}"),
            "a&lt;b&gt;&amp;&quot;&apos;"
        );
    }

    #[test]
    fn atom_has_required_elements_and_absolute_urls() {
        let config = Config {
            base_url: "https://example.org/b".into(),
            ..Config::default()
        };
        let text = "+++\ntitle = \"A < B\"\ndate = 2012-09-05\nupdated = 2012-09-07\ntags = [\"Mali\"]\n+++\n".to_string();
        let page = Briefing::parse(Path::new("content/a.md"), "a.md", text).unwrap();
        let feed = atom(&config, "Site", "atom.xml", "", &[&page]);
        assert!(feed.contains("<id>https://example.org/b/atom.xml</id>"));
        assert!(feed.contains("<title>A &lt; B</title>"));
        assert!(feed.contains("<updated>2012-09-07T00:00:00Z</updated>"));
        assert!(feed.contains(
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/b/a/\"/>"
        ));
        assert!(feed.contains("<category term=\"Mali\"/>"));
    }

    #[test]
    fn sitemap_and_robots() {
        let config = Config {
            base_url: "https://example.org/".into(),
            ..Config::default()
        };
        let s = sitemap(
            &config,
            &[SitemapEntry {
                path: "a/".into(),
                lastmod: None,
                alternates: Vec::new(),
            }],
        );
        assert!(s.contains("<url><loc>https://example.org/a/</loc></url>"));
        assert!(robots(&config).ends_with("Sitemap: https://example.org/sitemap.xml\n"));
    }
}
