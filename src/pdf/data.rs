//! What the PDF template is given of one briefing: its data as JSON
//! (`json("/.brief/data.json")` in the template) and its body as Typst
//! markup (`include "/.brief/body.typ"`), with the images the body shows.
//! Every value of the data is a string, a number or a list of them: the
//! template places them as text, never as code.

use super::markup;
use crate::briefing::Briefing;
use crate::config::Config;
use crate::site::Site;
use serde::Serialize;
use std::collections::BTreeMap;
use typst::foundations::Bytes;

/// The paper sizes `pdf_paper` offers, as Typst names them.
pub fn paper_name(paper: &str) -> &'static str {
    match paper {
        "letter" => "us-letter",
        _ => "a4",
    }
}

/// One label and value (a key fact, an actor and their role, a dated event).
#[derive(Debug, Serialize)]
struct Pair<'a> {
    label: std::borrow::Cow<'a, str>,
    value: &'a str,
}

/// A document drawn on.
#[derive(Debug, Serialize)]
struct Cited<'a> {
    title: &'a str,
    url: &'a str,
    publisher: &'a str,
}

/// A UN document the briefing cites (`[[documents]]`), linked to UN
/// Documents.
#[derive(Debug, Serialize)]
struct UnDocument<'a> {
    symbol: &'a str,
    /// Its title, or empty.
    title: &'a str,
    url: String,
    /// When it was issued ("5 July 2012"), or empty.
    date: String,
}

/// The briefing as the template reads it.
#[derive(Debug, Serialize)]
struct Data<'a> {
    title: &'a str,
    summary: &'a str,
    date: String,
    date_iso: String,
    year: i32,
    month: u8,
    day: u8,
    updated: String,
    authors: Vec<&'a str>,
    /// "Based on reporting by …", or empty.
    credit: String,
    source_url: &'a str,
    key_points: &'a [String],
    key_facts: Vec<Pair<'a>>,
    actors: Vec<Pair<'a>>,
    timeline: Vec<Pair<'a>>,
    sources: Vec<Cited<'a>>,
    documents: Vec<UnDocument<'a>>,
    pull_quote: &'a str,
    pull_quote_cite: &'a str,
    tags: Vec<&'a str>,
    /// ISO 639 language code for hyphenation (`en`).
    lang: String,
    /// ISO 3166 region, or empty.
    region: String,
    /// `a4` or `us-letter`.
    paper: &'static str,
    site_title: &'a str,
    /// The page's address, when `base_url` is set.
    url: String,
    words: usize,
    /// The template's own words in the briefing's language (`t.key_points`:
    /// "Key points", "Points clés"), from the site's interface strings.
    t: BTreeMap<&'static str, &'a str>,
}

/// The interface strings the PDF template uses.
const TEMPLATE_WORDS: &[&str] = &[
    "by",
    "and",
    "updated",
    "key_points",
    "key_facts",
    "actors",
    "timeline",
    "sources",
    "documents",
    "pdf_online",
];

/// What one compile is given.
#[derive(Clone)]
pub struct Inputs {
    /// The data, as JSON.
    pub data: String,
    /// The body, as Typst markup.
    pub body: String,
    /// The images the body shows: virtual path and bytes.
    pub images: Vec<(String, Bytes)>,
}

/// The language subtag of a BCP 47 tag and its region, as Typst takes
/// them (`en-GB` → `en`, `gb`); a tag Typst cannot take gives `en`.
fn lang_region(tag: &str) -> (String, String) {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default().to_ascii_lowercase();
    let lang = if (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase()) {
        lang
    } else {
        "en".to_string()
    };
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    (lang, region)
}

/// The data and body of briefing `i` of `site`, with its text `body`.
pub fn inputs(site: &Site, i: usize, body: &str) -> Inputs {
    let b = &site.briefings[i];
    let config = &site.langs[b.lang].config;
    let code = &site.langs[b.lang].code;
    let word = |key: &str| site.strings.get(code, key).unwrap_or_default();
    let mut data = data(b, config, &word);
    // Dates in the briefing's language ("5 septembre 2012").
    let months = |text: &mut String| *text = site.strings.localize_months(code, text);
    months(&mut data.date);
    months(&mut data.updated);
    months(&mut data.credit);
    for doc in &mut data.documents {
        months(&mut doc.date);
    }
    for pair in &mut data.timeline {
        if let std::borrow::Cow::Owned(label) = &mut pair.label {
            months(label);
        }
    }
    let link = |url: &str| link_target(site, b, url);
    // The converter holds the image lookup while it writes; the lookup
    // gathers the images it finds.
    let images_cell = std::cell::RefCell::new(Vec::new());
    let image_fn = |src: &str| -> Option<String> {
        let path = crate::site::output_path(&b.url, src).ok()??;
        let bytes = image_bytes(site, b, &path)?;
        let mut list = images_cell.borrow_mut();
        let virtual_path = format!("{}/img/{}", super::world::VIRTUAL_DIR, list.len());
        list.push((virtual_path.clone(), bytes));
        Some(virtual_path)
    };
    let body = markup::convert(
        body,
        &markup::Context {
            link: &link,
            image: &image_fn,
            raw_html: b.raw_html,
        },
    );
    Inputs {
        data: serde_json::to_string(&data).unwrap_or_default(),
        body,
        images: images_cell.into_inner(),
    }
}

/// The bytes of an image the site copies to `path`: a file of the
/// briefing's bundle or of `static/`, when it was read whole.
fn image_bytes(site: &Site, b: &Briefing, path: &str) -> Option<Bytes> {
    let contents = b
        .assets
        .iter()
        .find(|a| format!("{}{}", b.url, a.rel) == path)
        .map(|a| &a.contents)
        .or_else(|| site.statics.get(path))?;
    match contents {
        crate::output::Contents::Bytes(bytes) => Some(Bytes::new(bytes.clone())),
        crate::output::Contents::Copy(_) => None,
    }
}

/// Where a link of the body goes from the PDF: an address with a scheme
/// as written; a link into the site made absolute with `base_url`; else
/// nowhere (its text stays).
fn link_target(site: &Site, b: &Briefing, url: &str) -> Option<String> {
    if url.contains("://") || url.starts_with("mailto:") {
        return Some(url.to_string());
    }
    if url.starts_with('#') || site.config.base_url.is_empty() {
        return None;
    }
    let href = match site.links.resolve(&b.url, url) {
        Ok(Some(href)) => href,
        Ok(None) => url.to_string(),
        Err(_) => return None,
    };
    Some(format!(
        "{}{}",
        site.config.base_url_slash(),
        join(&b.url, &href)
    ))
}

/// `href` (relative to the folder `folder`, `../x/index.html#y`) as a path
/// from the site's root.
pub fn join(folder: &str, href: &str) -> String {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let (path, rest) = match href.find(['#', '?']) {
        Some(k) => href.split_at(k),
        None => (href, ""),
    };
    if let Some(absolute) = path.strip_prefix('/') {
        return format!("{absolute}{rest}");
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (k, segment) in segments.iter().enumerate() {
        match *segment {
            ".." => {
                parts.pop();
            }
            "." | "" if k != last => {}
            s => parts.push(s),
        }
    }
    format!("{}{rest}", parts.join("/"))
}

/// The data of briefing `b`, its words from `word` (an interface string by
/// key; empty when the site has none).
fn data<'a>(b: &'a Briefing, config: &'a Config, word: &dyn Fn(&str) -> &'a str) -> Data<'a> {
    let fm = &b.front;
    let authors: Vec<&str> = if fm.authors.is_empty() {
        config.authors.iter().map(String::as_str).collect()
    } else {
        fm.authors.iter().map(String::as_str).collect()
    };
    let credit = fm
        .source
        .as_ref()
        .map_or_else(String::new, |s| match &s.date {
            Some(d) => format!("{} {}, {}", word("based_on"), s.name, d.long()),
            None => format!("{} {}", word("based_on"), s.name),
        });
    let (lang, region) = lang_region(&config.language);
    Data {
        title: &fm.title,
        summary: &fm.summary,
        date: fm.date.day.long(),
        date_iso: fm.date.day.to_string(),
        year: fm.date.day.year,
        month: fm.date.day.month,
        day: fm.date.day.day,
        updated: fm.updated.map(|d| d.long()).unwrap_or_default(),
        authors,
        credit,
        source_url: fm
            .source
            .as_ref()
            .and_then(|s| s.url.as_ref())
            .map_or("", |u| u.0.as_str()),
        key_points: &fm.key_points,
        key_facts: fm
            .key_facts
            .iter()
            .map(|f| Pair {
                label: f.label.as_str().into(),
                value: &f.value,
            })
            .collect(),
        actors: fm
            .actors
            .iter()
            .map(|a| Pair {
                label: a.name.as_str().into(),
                value: &a.role,
            })
            .collect(),
        timeline: fm
            .timeline
            .iter()
            .map(|t| Pair {
                label: t
                    .label
                    .as_deref()
                    .map_or_else(|| t.date.long().into(), Into::into),
                value: &t.event,
            })
            .collect(),
        sources: fm
            .sources
            .iter()
            .map(|s| Cited {
                title: &s.title,
                url: &s.url.0,
                publisher: s.publisher.as_deref().unwrap_or(""),
            })
            .collect(),
        documents: fm
            .documents
            .iter()
            .map(|d| UnDocument {
                symbol: &d.symbol,
                title: d.title.as_deref().unwrap_or_default(),
                url: crate::undocs::url(&d.symbol),
                date: d.date.map(|d| d.long()).unwrap_or_default(),
            })
            .collect(),
        pull_quote: fm.pull_quote.as_ref().map_or("", |q| q.text.as_str()),
        pull_quote_cite: fm
            .pull_quote
            .as_ref()
            .and_then(|q| q.cite.as_deref())
            .unwrap_or(""),
        tags: fm.tags.iter().map(String::as_str).collect(),
        lang,
        region,
        paper: paper_name(&config.pdf_paper),
        site_title: &config.title,
        url: if config.base_url.is_empty() {
            String::new()
        } else {
            format!("{}{}", config.base_url_slash(), b.url)
        },
        words: b.words,
        t: TEMPLATE_WORDS.iter().map(|&key| (key, word(key))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_become_typst_lang_and_region() {
        assert_eq!(lang_region("en"), ("en".into(), String::new()));
        assert_eq!(lang_region("fr-FR"), ("fr".into(), "fr".into()));
        assert_eq!(lang_region("zh-Hant-TW"), ("zh".into(), "tw".into()));
        assert_eq!(lang_region("x1"), ("en".into(), String::new()));
    }

    #[test]
    fn hrefs_join_the_page_folder() {
        assert_eq!(
            join("sahel/mali/", "../niger/index.html#x"),
            "sahel/niger/index.html#x"
        );
        assert_eq!(join("mali/", "map.png"), "mali/map.png");
        assert_eq!(join("mali/", "/img/a.png"), "img/a.png");
    }
}
