//! "Cite this briefing": the reference in APA 7, Chicago and MLA 9 for the
//! page (formatted by hayagriva from the CSL styles it bundles), and the
//! files a reference manager imports, written beside the page: `cite.bib`
//! (BibTeX), `cite.ris` (RIS) and `cite.json` (CSL-JSON).
//!
//! Every format escapes the author's text for its own syntax: HTML for the
//! page (hayagriva's own HTML writer does not escape, so the formatted
//! reference is walked and escaped here), braces and backslashes for
//! BibTeX, line breaks for RIS, and JSON strings for CSL-JSON.

use crate::briefing::Briefing;
use crate::cache::DiskCache;
use crate::config::Config;
use crate::date::Date;
use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, Library,
};
use serde::Serialize;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The files written beside each briefing's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `cite.bib`.
    Bibtex,
    /// `cite.ris`.
    Ris,
    /// `cite.json`, CSL-JSON.
    CslJson,
}

impl Format {
    /// Every format, in the order the page offers them.
    pub const ALL: [Format; 3] = [Format::Bibtex, Format::Ris, Format::CslJson];

    /// The file's name beside the page.
    pub fn file(self) -> &'static str {
        match self {
            Format::Bibtex => "cite.bib",
            Format::Ris => "cite.ris",
            Format::CslJson => "cite.json",
        }
    }

    /// The format's name for readers.
    pub fn name(self) -> &'static str {
        match self {
            Format::Bibtex => "BibTeX",
            Format::Ris => "RIS",
            Format::CslJson => "CSL-JSON",
        }
    }

    /// The file for `briefing`.
    pub fn render(self, briefing: &Briefing, config: &Config) -> String {
        let work = Work::of(briefing, config);
        match self {
            Format::Bibtex => bibtex(&work),
            Format::Ris => ris(&work),
            Format::CslJson => csl_json(&work),
        }
    }
}

/// What a reference says about a briefing.
#[derive(Debug, Clone)]
struct Work<'a> {
    /// A key for the reference: the briefing's URL as one word.
    key: String,
    title: &'a str,
    /// Authors as written ("Dioncounda Traoré").
    authors: &'a [String],
    date: Date,
    /// The site's name.
    site: &'a str,
    /// Absolute URL, or empty without `base_url`.
    url: String,
    language: &'a str,
    summary: &'a str,
}

impl<'a> Work<'a> {
    fn of(b: &'a Briefing, config: &'a Config) -> Work<'a> {
        let authors = if b.front.authors.is_empty() {
            &config.authors
        } else {
            &b.front.authors
        };
        let key: String = b
            .url
            .trim_end_matches('/')
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        Work {
            key: format!("{}-{}", key, b.front.date.day.year),
            title: &b.front.title,
            authors,
            date: b.front.date.day,
            site: &config.title,
            url: if config.base_url.is_empty() {
                String::new()
            } else {
                format!("{}{}", config.base_url_slash(), b.url)
            },
            language: &config.language,
            summary: &b.front.summary,
        }
    }
}

/// A name split into family and given names: the last word is the
/// family name ("Dioncounda Traoré"), unless written "Family, Given".
fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    if let Some((family, given)) = name.split_once(',') {
        return (family.trim().to_string(), given.trim().to_string());
    }
    match name.rsplit_once(' ') {
        Some((given, family)) => (family.to_string(), given.trim().to_string()),
        None => (name.to_string(), String::new()),
    }
}

/// One formatted reference, as the page shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Styled {
    /// The style's name for readers, in the page's language: "APA (7th
    /// edition)" (the interface string `cite_apa`).
    pub name: String,
    /// The reference as HTML, every piece of text escaped.
    pub html: String,
}

/// The styles offered, as (the interface string naming it, hayagriva's
/// name).
const STYLES: [(&str, &str); 3] = [
    ("cite_apa", "apa"),
    ("cite_chicago", "chicago-notes"),
    ("cite_mla", "modern-language-association"),
];

/// The locale CSL falls back to for a term another locale lacks, and the
/// one the three styles are written for.
const EN_US: &str = "en-US";

/// The bundled styles, decoded once per run.
fn styles() -> &'static [IndependentStyle] {
    static STYLES_DECODED: OnceLock<Vec<IndependentStyle>> = OnceLock::new();
    STYLES_DECODED.get_or_init(|| {
        STYLES
            .iter()
            .filter_map(
                |(_, name)| match hayagriva::archive::ArchivedStyle::by_name(name)?.get() {
                    Style::Independent(s) => Some(s),
                    Style::Dependent(_) => None,
                },
            )
            .collect()
    })
}

/// The CSL locale a page in `lang` (a BCP 47 tag) has its references
/// formatted in: the bundled locale of its language (see [`csl_locale`]),
/// else en-US where the page's interface is English (`english`). None
/// leaves the formatted styles off the page rather than show English
/// terms in another language.
pub fn locale_for(lang: &str, english: bool) -> Option<&'static str> {
    csl_locale(lang).or(english.then_some(EN_US))
}

/// The bundled CSL locale of `lang`: the same tag (`fr-CA`), else a longer
/// one of it (`sr-Latn` → `sr-Latn-RS`), else the language's own (`ar`),
/// else its main region's as CSL names it (`fr` → `fr-FR`, `pt` →
/// `pt-PT`), else any region's. None when hayagriva has no locale for the
/// language.
pub fn csl_locale(lang: &str) -> Option<&'static str> {
    resolve(lang, locale_tags())
}

/// [`csl_locale`] among `tags`.
fn resolve<'t>(lang: &str, tags: &'t [String]) -> Option<&'t str> {
    let primary = lang.split('-').next().unwrap_or(lang);
    if primary.is_empty() {
        return None;
    }
    let find = |want: &str| {
        tags.iter()
            .find(|t| t.eq_ignore_ascii_case(want))
            .map(String::as_str)
    };
    let starts = |t: &str, head: &str| {
        t.get(..head.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(head))
            && t.as_bytes().get(head.len()) == Some(&b'-')
    };
    let longer = || {
        (lang.len() > primary.len())
            .then(|| tags.iter().find(|t| starts(t, lang)))
            .flatten()
            .map(String::as_str)
    };
    let main = || {
        let code = hayagriva::citationberg::LocaleCode(primary.to_ascii_lowercase());
        find(&code.fallback()?.0)
    };
    find(lang)
        .or_else(longer)
        .or_else(|| find(primary))
        .or_else(main)
        .or_else(|| tags.iter().find(|t| starts(t, primary)).map(String::as_str))
}

/// The tag of each of hayagriva's bundled locales, in the order of
/// `hayagriva::archive::LOCALES`: read from the head of its data, so no
/// locale is decoded to find one (decoding all 63 costs about 100 ms).
fn locale_tags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| {
        hayagriva::archive::LOCALES
            .iter()
            .map(|bytes| {
                head_tag(bytes)
                    .map(str::to_string)
                    .or_else(|| decode(bytes)?.lang.map(|code| code.0))
                    .unwrap_or_default()
            })
            .collect()
    })
}

/// The `@xml:lang` tag a CBOR-encoded locale starts with: its data is a map
/// whose first key is the text `@xml:lang`, its value a short text. None
/// if the data is laid out otherwise.
fn head_tag(bytes: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"\x69@xml:lang";
    let head = &bytes[..bytes.len().min(32)];
    let at = head.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let len = usize::from(bytes.get(at)?.checked_sub(0x60).filter(|&n| n < 24)?);
    std::str::from_utf8(bytes.get(at + 1..at + 1 + len)?).ok()
}

/// One locale decoded from hayagriva's data.
fn decode(bytes: &[u8]) -> Option<Locale> {
    ciborium::from_reader::<Locale, _>(bytes).ok()
}

/// The locale files decoded so far in this run, by the tag they are for.
static DECODED: Mutex<Vec<(String, Arc<[Locale]>)>> = Mutex::new(Vec::new());

/// The locale files for references in `tag`: its own locale, then en-US
/// (CSL's fallback for a term a locale lacks). Each is decoded the first
/// time a reference needs it and kept for the rest of the run, so a build
/// decodes only the locales of its languages. None if `tag`'s own locale
/// cannot be read.
fn locale_files(tag: &str) -> Option<Arc<[Locale]>> {
    let mut decoded = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, files)) = decoded.iter().find(|(t, _)| t == tag) {
        return Some(Arc::clone(files));
    }
    let read = |tag: &str| {
        let at = locale_tags().iter().position(|t| t == tag)?;
        decode(hayagriva::archive::LOCALES[at])
            .filter(|l| l.lang.as_ref().is_some_and(|code| code.0 == tag))
    };
    let mut files = vec![read(tag)?];
    if tag != EN_US {
        files.extend(read(EN_US));
    }
    let files: Arc<[Locale]> = files.into();
    decoded.push((tag.to_string(), Arc::clone(&files)));
    Some(files)
}

/// The reference to `briefing` in each style, for the page, with the CSL
/// locale `locale` (from [`locale_for`]) and each style's name from
/// `label` (given the interface string's key): from `cache` when the same
/// reference was formatted before (formatting three styles takes
/// hayagriva about 2 ms of CPU per briefing), else formatted and kept
/// there.
pub fn styled(
    briefing: &Briefing,
    config: &Config,
    cache: &DiskCache,
    locale: &str,
    label: impl Fn(&str) -> String,
) -> Vec<Styled> {
    let work = Work::of(briefing, config);
    let key = crate::cache::key(&(
        "cite-v2",
        &work.key,
        work.title,
        work.authors,
        work.date.to_string(),
        work.site,
        &work.url,
        work.language,
        locale,
    ));
    let kept = match cache.get(key).and_then(|bytes| from_cache(&bytes)) {
        Some(kept) => kept,
        None => {
            let formatted = format(&work, locale);
            if let Ok(bytes) = serde_json::to_vec(&formatted) {
                cache.put(key, &bytes);
            }
            formatted
        }
    };
    kept.into_iter()
        .map(|(key, html)| Styled {
            name: label(key),
            html,
        })
        .collect()
}

/// References kept by [`styled`]: each style's key and HTML. `None` for
/// anything else (a file cut short, a style brief no longer offers).
fn from_cache(bytes: &[u8]) -> Option<Vec<(&'static str, String)>> {
    let kept: Vec<(String, String)> = serde_json::from_slice(bytes).ok()?;
    kept.into_iter()
        .map(|(key, html)| Some((STYLES.iter().find(|(k, _)| *k == key)?.0, html)))
        .collect()
}

/// `work` formatted in each style by hayagriva, with the CSL locale
/// `locale`, as (the style's key, HTML). Empty if the locale cannot be
/// read.
fn format(work: &Work<'_>, locale: &str) -> Vec<(&'static str, String)> {
    let Some(library) = library(work) else {
        return Vec::new();
    };
    let Some(entry) = library.iter().next() else {
        return Vec::new();
    };
    let Some(files) = locale_files(locale) else {
        return Vec::new();
    };
    let code = hayagriva::citationberg::LocaleCode(locale.to_string());
    STYLES
        .iter()
        .zip(styles())
        .filter_map(|((key, _), style)| {
            let mut driver = BibliographyDriver::new();
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_entry(entry)],
                style,
                Some(code.clone()),
                &files,
                None,
            ));
            let rendered = driver.finish(BibliographyRequest {
                style,
                locale: Some(code.clone()),
                locale_files: &files,
            });
            let item = rendered.bibliography?.items.into_iter().next()?;
            let mut html = String::new();
            for child in &item.content.0 {
                escape_child(child, &mut html);
            }
            Some((*key, html.trim().to_string()))
        })
        .collect()
}

/// The briefing as a hayagriva library of one entry: an article in the
/// site as a periodical, which the three styles format as a news article
/// with the site's name in italics.
fn library(work: &Work<'_>) -> Option<Library> {
    let authors: Vec<serde_json::Value> = work
        .authors
        .iter()
        .map(|a| {
            let (family, given) = split_name(a);
            if given.is_empty() {
                serde_json::json!({ "name": family })
            } else {
                serde_json::json!({ "name": family, "given-name": given })
            }
        })
        .collect();
    let mut entry = serde_json::json!({
        "type": "article",
        "title": work.title,
        "date": work.date.to_string(),
        "language": work.language,
        "parent": { "type": "newspaper", "title": work.site, "publisher": work.site },
    });
    if !authors.is_empty() {
        entry["author"] = serde_json::Value::from(authors);
    }
    if !work.url.is_empty() {
        entry["url"] = serde_json::Value::from(work.url.as_str());
    }
    let mut lib = serde_json::Map::new();
    lib.insert(work.key.clone(), entry);
    serde_json::from_value(serde_json::Value::Object(lib)).ok()
}

/// Writes a formatted piece of a reference as HTML: its text escaped, its
/// italics and bold as `<i>` and `<b>`, its links with escaped addresses.
fn escape_child(child: &ElemChild, out: &mut String) {
    use hayagriva::citationberg::{FontStyle, FontWeight};
    match child {
        ElemChild::Text(t) => {
            let italic = t.formatting.font_style == FontStyle::Italic;
            let bold = t.formatting.font_weight == FontWeight::Bold;
            out.push_str(if italic { "<i>" } else { "" });
            out.push_str(if bold { "<b>" } else { "" });
            out.push_str(&html_escape(&t.text));
            out.push_str(if bold { "</b>" } else { "" });
            out.push_str(if italic { "</i>" } else { "" });
        }
        ElemChild::Elem(e) => {
            for c in &e.children.0 {
                escape_child(c, out);
            }
        }
        ElemChild::Markup(m) => out.push_str(&html_escape(m)),
        ElemChild::Link { text, url } => {
            let _ = write!(
                out,
                "<a href=\"{}\">{}</a>",
                html_escape(url),
                html_escape(&text.text)
            );
        }
        ElemChild::Transparent { .. } => {}
    }
}

/// Text for HTML content or a quoted attribute.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for a BibTeX field value between braces: the characters TeX reads
/// as commands or grouping are written as TeX escapes, so a title can
/// neither close the field nor run a command.
fn bibtex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '%' => out.push_str("\\%"),
            '&' => out.push_str("\\&"),
            '$' => out.push_str("\\$"),
            '#' => out.push_str("\\#"),
            '_' => out.push_str("\\_"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '@' => out.push_str("{@}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `cite.bib`: one `@online` entry (biblatex), readable as `@misc` by
/// BibTeX tools that do not know it.
fn bibtex(w: &Work<'_>) -> String {
    let mut out = format!("@online{{{},\n", w.key);
    let mut field = |name: &str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "  {name} = {{{value}}},");
        }
    };
    field("title", &format!("{{{}}}", bibtex_escape(w.title)));
    let authors: Vec<String> = w
        .authors
        .iter()
        .map(|a| {
            let (family, given) = split_name(a);
            if given.is_empty() {
                format!("{{{}}}", bibtex_escape(&family))
            } else {
                format!("{}, {}", bibtex_escape(&family), bibtex_escape(&given))
            }
        })
        .collect();
    field("author", &authors.join(" and "));
    field("date", &w.date.to_string());
    field("year", &w.date.year.to_string());
    field("month", &w.date.month.to_string());
    field("organization", &bibtex_escape(w.site));
    field("publisher", &bibtex_escape(w.site));
    // A URL is read verbatim by biblatex; characters that would end the
    // field are percent-encoded.
    field(
        "url",
        &w.url
            .replace('%', "%25")
            .replace('{', "%7B")
            .replace('}', "%7D")
            .replace('\\', "%5C"),
    );
    field("langid", &bibtex_escape(w.language));
    field("abstract", &bibtex_escape(w.summary));
    out.push_str("}\n");
    out
}

/// A RIS value on one line (RIS fields end at the line's end).
fn ris_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// `cite.ris`: one `ELEC` (web page) record.
fn ris(w: &Work<'_>) -> String {
    let mut out = String::from("TY  - ELEC\r\n");
    let mut tag = |t: &str, value: &str| {
        let value = ris_line(value);
        if !value.is_empty() {
            let _ = write!(out, "{t}  - {value}\r\n");
        }
    };
    tag("TI", w.title);
    for a in w.authors {
        let (family, given) = split_name(a);
        if given.is_empty() {
            tag("AU", &family);
        } else {
            tag("AU", &format!("{family}, {given}"));
        }
    }
    tag(
        "DA",
        &format!("{:04}/{:02}/{:02}", w.date.year, w.date.month, w.date.day),
    );
    tag("PY", &w.date.year.to_string());
    tag("T2", w.site);
    tag("PB", w.site);
    tag("UR", &w.url);
    tag("LA", w.language);
    tag("AB", w.summary);
    tag("ID", &w.key);
    out.push_str("ER  - \r\n");
    out
}

/// A CSL-JSON name.
#[derive(Serialize)]
struct CslName<'a> {
    #[serde(skip_serializing_if = "String::is_empty")]
    family: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    given: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    literal: Option<&'a str>,
}

/// A CSL-JSON date.
#[derive(Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: [[i32; 3]; 1],
}

/// One CSL-JSON item, fields as the CSL-JSON schema names them.
#[derive(Serialize)]
struct CslItem<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName<'a>>,
    issued: CslDate,
    #[serde(rename = "container-title")]
    container_title: &'a str,
    publisher: &'a str,
    #[serde(rename = "URL", skip_serializing_if = "str::is_empty")]
    url: &'a str,
    language: &'a str,
    #[serde(rename = "abstract", skip_serializing_if = "str::is_empty")]
    summary: &'a str,
}

/// `cite.json`: a CSL-JSON array of one item.
fn csl_json(w: &Work<'_>) -> String {
    let item = CslItem {
        id: &w.key,
        kind: "article-newspaper",
        title: w.title,
        author: w
            .authors
            .iter()
            .map(|a| {
                let (family, given) = split_name(a);
                if given.is_empty() {
                    CslName {
                        family: String::new(),
                        given: String::new(),
                        literal: Some(a.as_str()),
                    }
                } else {
                    CslName {
                        family,
                        given,
                        literal: None,
                    }
                }
            })
            .collect(),
        issued: CslDate {
            date_parts: [[w.date.year, i32::from(w.date.month), i32::from(w.date.day)]],
        },
        container_title: w.site,
        publisher: w.site,
        url: &w.url,
        language: w.language,
        summary: w.summary,
    };
    let mut json = serde_json::to_string_pretty(&[item]).unwrap_or_else(|_| "[]".into());
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn briefing(front: &str) -> Briefing {
        let text = format!("+++\n{front}\n+++\n## A\n\nText.\n");
        Briefing::parse(Path::new("content/sahel/mali.md"), "sahel/mali.md", text).unwrap()
    }

    fn config() -> Config {
        Config {
            title: "Sahel Briefings".into(),
            base_url: "https://example.org/b/".into(),
            ..Config::default()
        }
    }

    fn french() -> Config {
        Config {
            language: "fr".into(),
            ..config()
        }
    }

    /// A style's name from the built-in English table.
    fn english(key: &str) -> String {
        crate::i18n::EN
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| panic!("no string `{key}`"), |(_, v)| v.to_string())
    }

    /// `briefing`'s references in English.
    fn styled_en(b: &Briefing, config: &Config, cache: &DiskCache) -> Vec<Styled> {
        styled(b, config, cache, EN_US, english)
    }

    #[test]
    fn names_split_at_the_last_word_or_a_comma() {
        assert_eq!(
            split_name("Dioncounda Traoré"),
            ("Traoré".into(), "Dioncounda".into())
        );
        assert_eq!(
            split_name("Le Drian, Jean-Yves"),
            ("Le Drian".into(), "Jean-Yves".into())
        );
        assert_eq!(split_name("ECOWAS"), ("ECOWAS".into(), String::new()));
    }

    #[test]
    fn references_are_kept_in_the_cache_and_read_back() {
        let site = tempfile::tempdir().unwrap();
        let cache = DiskCache::open(site.path(), "cite");
        let b = briefing(
            "title = \"Mali asks ECOWAS\"\ndate = 2026-11-27\nauthors = [\"Ann Analyst\"]",
        );
        let first = styled_en(&b, &config(), &cache);
        assert_eq!(first.len(), 3);
        let dir = site.path().join(".brief-cache/cite");
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(styled_en(&b, &config(), &cache), first);
        // What the cache holds is what the page gets: a kept file changed
        // by hand shows, so the second call did not format again.
        let kept: Vec<(String, String)> =
            serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
        let changed: Vec<(String, String)> = kept
            .into_iter()
            .map(|(n, _)| (n, "kept".to_string()))
            .collect();
        std::fs::write(&files[0], serde_json::to_vec(&changed).unwrap()).unwrap();
        assert!(
            styled_en(&b, &config(), &cache)
                .iter()
                .all(|s| s.html == "kept")
        );
        // A file that is not a list of known styles is formatted again.
        std::fs::write(&files[0], "[[\"Harvard\", \"x\"]]").unwrap();
        assert_eq!(styled_en(&b, &config(), &cache), first);
        // Another title is another reference.
        let other = briefing("title = \"Niger\"\ndate = 2026-11-27");
        styled_en(&other, &config(), &cache);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    }

    #[test]
    fn the_three_styles_format_the_briefing() {
        let b = briefing(
            "title = \"Mali asks ECOWAS for support\"\ndate = 2026-11-27\nauthors = [\"Ann Analyst\"]",
        );
        let styled = styled_en(&b, &config(), &DiskCache::default());
        let names: Vec<&str> = styled.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "APA (7th edition)",
                "Chicago (18th edition, notes and bibliography)",
                "MLA (9th edition)"
            ]
        );
        for s in &styled {
            assert!(s.html.contains("Analyst"), "{}: {}", s.name, s.html);
            // Chicago and MLA set titles in title case.
            assert!(
                s.html
                    .to_lowercase()
                    .contains("mali asks ecowas for support"),
                "{}",
                s.html
            );
            assert!(s.html.contains("<i>Sahel Briefings</i>"), "{}", s.html);
            assert!(s.html.contains("2026"), "{}", s.html);
            assert!(
                s.html.contains("https://example.org/b/sahel/mali/"),
                "{}",
                s.html
            );
        }
    }

    #[test]
    fn hostile_titles_stay_text_in_every_format() {
        let b = briefing(
            "title = '</script><script>alert(1)</script> \"} {\\x} @x'\ndate = 2026-11-27\nauthors = ['A \"B\" <i>C</i>']",
        );
        for s in styled_en(&b, &config(), &DiskCache::default()) {
            assert!(!s.html.contains("<script"), "{}: {}", s.name, s.html);
            assert!(!s.html.contains("<i>C</i>"), "{}: {}", s.name, s.html);
        }
        let bib = Format::Bibtex.render(&b, &config());
        assert!(
            bib.contains(
                "title = {{</script><script>alert(1)</script> “\\} \\{\\textbackslash{}x\\} {@}x}},"
            ),
            "{bib}"
        );
        let ris = Format::Ris.render(&b, &config());
        assert_eq!(ris.matches("\r\n").count(), ris.lines().count());
        let json: serde_json::Value =
            serde_json::from_str(&Format::CslJson.render(&b, &config())).unwrap();
        assert_eq!(
            json[0]["title"],
            "</script><script>alert(1)</script> “} {\\x} @x"
        );
    }

    #[test]
    fn locale_tags_read_from_the_data_are_the_decoded_ones() {
        let tags = locale_tags();
        assert_eq!(tags.len(), hayagriva::archive::LOCALES.len());
        for (tag, bytes) in tags.iter().zip(hayagriva::archive::LOCALES) {
            assert!(head_tag(bytes).is_some(), "{tag} read from its head");
            let decoded = decode(bytes).and_then(|l| l.lang).map(|c| c.0);
            assert_eq!(decoded.as_deref(), Some(tag.as_str()));
        }
        assert_eq!(head_tag(b"\xa1\x64lang\x62fr"), None);
    }

    #[test]
    fn a_page_language_finds_the_nearest_bundled_locale() {
        let tags: Vec<String> = ["ar", "en-GB", "en-US", "fr-CA", "fr-FR", "pt-BR", "pt-PT"]
            .map(String::from)
            .into();
        let tags = &tags;
        assert_eq!(resolve("fr", tags), Some("fr-FR"));
        assert_eq!(resolve("fr-CA", tags), Some("fr-CA"));
        assert_eq!(resolve("fr-ca", tags), Some("fr-CA"));
        assert_eq!(resolve("fr-BE", tags), Some("fr-FR"));
        assert_eq!(resolve("en", tags), Some("en-US"));
        assert_eq!(resolve("ar-EG", tags), Some("ar"));
        assert_eq!(resolve("pt", tags), Some("pt-PT"));
        assert_eq!(resolve("de", tags), None);
        assert_eq!(resolve("", tags), None);
        // A language CSL names no main region for takes any of its own.
        let tags: Vec<String> = ["sr-Cyrl-RS", "sr-Latn-RS"].map(String::from).into();
        assert_eq!(resolve("sr-Latn", &tags), Some("sr-Latn-RS"));
        assert_eq!(resolve("sr", &tags), Some("sr-Cyrl-RS"));
        // Over hayagriva's own locales.
        assert_eq!(csl_locale("fr"), Some("fr-FR"));
        assert_eq!(csl_locale("fr-CA"), Some("fr-CA"));
        assert_eq!(csl_locale("de-LU"), Some("de-DE"));
        assert_eq!(csl_locale("sw"), None);
        assert_eq!(locale_for("sw", true), Some(EN_US));
        assert_eq!(locale_for("sw", false), None);
        assert_eq!(locale_for("fr", false), Some("fr-FR"));
    }

    #[test]
    fn only_the_locales_asked_for_are_decoded_each_with_en_us_behind_it() {
        let codes = |files: &[Locale]| -> Vec<String> {
            files
                .iter()
                .filter_map(|l| l.lang.as_ref().map(|c| c.0.clone()))
                .collect()
        };
        let french = locale_files("fr-FR").unwrap();
        assert_eq!(codes(&french), ["fr-FR", "en-US"]);
        assert_eq!(codes(&locale_files(EN_US).unwrap()), ["en-US"]);
        // Asked again, the same decoded locales.
        assert!(Arc::ptr_eq(&french, &locale_files("fr-FR").unwrap()));
        assert!(locale_files("xx-XX").is_none());
        // The tests format in these two only: nothing else was decoded.
        let decoded = DECODED.lock().unwrap();
        for (tag, files) in decoded.iter() {
            assert!(["fr-FR", EN_US].contains(&tag.as_str()), "{tag}");
            assert!(codes(files).iter().all(|c| c == "fr-FR" || c == EN_US));
        }
    }

    #[test]
    fn french_references_read_as_french() {
        let b = briefing(
            "title = \"Le Mali demande l’aide de la CEDEAO\"\ndate = 2026-09-05\nauthors = [\"Ann Analyst\"]",
        );
        let labels = |key: &str| format!("[{key}]");
        let styled = styled(&b, &french(), &DiskCache::default(), "fr-FR", labels);
        let names: Vec<&str> = styled.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["[cite_apa]", "[cite_chicago]", "[cite_mla]"]);
        for s in &styled {
            assert!(s.html.contains("septembre"), "{}: {}", s.name, s.html);
            assert!(!s.html.contains("September"), "{}: {}", s.name, s.html);
            // Not set in title case: the entry is in French.
            assert!(
                s.html.contains("Le Mali demande l’aide de la CEDEAO"),
                "{}: {}",
                s.name,
                s.html
            );
        }
        let in_en = styled_en(&b, &french(), &DiskCache::default());
        assert_ne!(in_en[0].html, styled[0].html);
    }

    #[test]
    fn the_locale_is_part_of_the_cache_key() {
        let site = tempfile::tempdir().unwrap();
        let cache = DiskCache::open(site.path(), "cite");
        let b = briefing("title = \"Mali\"\ndate = 2026-09-05");
        let in_en = styled_en(&b, &french(), &cache);
        let in_fr = styled(&b, &french(), &cache, "fr-FR", english);
        assert_ne!(in_en, in_fr);
        let dir = site.path().join(".brief-cache/cite");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        // Each read back as it was written.
        assert_eq!(styled_en(&b, &french(), &cache), in_en);
        assert_eq!(styled(&b, &french(), &cache, "fr-FR", english), in_fr);
    }

    #[test]
    fn bibtex_escapes_what_tex_reads() {
        assert_eq!(
            bibtex_escape("a{b}c\\d%e&f$g#h_i~j^k@l"),
            "a\\{b\\}c\\textbackslash{}d\\%e\\&f\\$g\\#h\\_i\\textasciitilde{}j\\textasciicircum{}k{@}l"
        );
        assert_eq!(bibtex_escape("line\nbreak"), "line break");
        assert_eq!(ris_line(" a\nb\r\nc "), "a b  c");
    }
}
