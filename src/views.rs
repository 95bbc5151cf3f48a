//! What templates see: borrowed, serialize-only views of pages and lists,
//! and the JSON-LD built from them.

use crate::briefing::Briefing;
use crate::config::Config;
use crate::date::Date;
use crate::frontmatter::{Actor, KeyFact, PullQuote, SourceLink, Update};
use crate::markdown::{Rendered, Section, TocEntry};
use crate::plan::paths;
use crate::templates::Reads;
use crate::undocs;
use serde::Serialize;
use std::collections::HashMap;

/// A tag as templates see it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct TagView {
    /// As written.
    pub name: String,
    /// For URLs and ids.
    pub slug: String,
    /// Its page relative to the site root: `tags/<slug>/index.html`.
    pub path: String,
}

fn tags(page: &Briefing, prefix: &str) -> Vec<TagView> {
    page.tags
        .iter()
        .map(|(name, slug)| TagView {
            name: name.clone(),
            slug: slug.clone(),
            path: paths::page(&format!("{prefix}{}", paths::tag(slug))),
        })
        .collect()
}

/// A timeline entry as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineView<'a> {
    /// For the `datetime` attribute: `2012-07-05`, `2012-07` or `2012`.
    pub datetime: String,
    /// For readers: the entry's label, or the date in long form.
    pub label: String,
    /// What happened.
    pub event: &'a str,
}

/// The original publication as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView<'a> {
    /// Publication name.
    pub name: &'a str,
    /// Link to the original article.
    pub url: Option<&'a str>,
    /// When it was published, for the `datetime` attribute: `2012-09-05`,
    /// `2012-09` or `2012`.
    pub date: Option<String>,
    /// The same for readers: `5 September 2012`, `September 2012`, `2012`.
    pub date_label: Option<String>,
}

/// A UN document as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView<'a> {
    /// The symbol, e.g. `S/RES/2056(2012)`.
    pub symbol: &'a str,
    /// Its title, or empty.
    pub title: &'a str,
    /// `https://undocs.org/<symbol>`.
    pub url: String,
    /// When it was issued, `YYYY-MM-DD`, if given.
    pub date: Option<Date>,
}

/// What a list of briefings needs to know about each.
#[derive(Debug, Clone, Serialize)]
pub struct Summary<'a> {
    /// Headline.
    pub title: &'a str,
    /// Dek.
    pub summary: &'a str,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Date,
    /// Last revision, `YYYY-MM-DD`.
    pub updated: Option<Date>,
    /// The latest of `date`, `updated` and the `[[updates]]`.
    pub modified: Date,
    /// Authors (the site's when the briefing names none).
    pub authors: &'a [String],
    /// Tags.
    pub tags: Vec<TagView>,
    /// The page's folder relative to the site root, e.g. `mali/`.
    pub url: &'a str,
    /// The page's file relative to the site root, e.g. `mali/index.html`;
    /// prefix it with `root` to link to it from any page.
    pub path: String,
    /// Absolute URL when `base_url` is set, else empty.
    pub permalink: String,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read, at least 1.
    pub reading_time: usize,
    /// Whether it is a draft.
    pub draft: bool,
    /// The language it is written in (a list in another language shows an
    /// untranslated original, marked with its language).
    pub lang: &'a str,
}

impl<'a> Summary<'a> {
    /// The summary of `page`.
    pub fn new(page: &'a Briefing, config: &'a Config) -> Self {
        let authors = if page.front.authors.is_empty() {
            &config.authors
        } else {
            &page.front.authors
        };
        let words = page.words;
        let wpm = config.words_per_minute as usize;
        Summary {
            title: &page.front.title,
            summary: &page.front.summary,
            date: page.front.date.day,
            updated: page.front.updated,
            modified: page.front.modified(),
            authors,
            tags: tags(page, &config.lang_prefix),
            url: &page.url,
            path: paths::page(&page.url),
            permalink: if config.base_url.is_empty() {
                String::new()
            } else {
                format!("{}{}", config.base_url_slash(), page.url)
            },
            word_count: words,
            reading_time: words.div_ceil(wpm).max(1),
            draft: page.front.draft,
            lang: &config.language,
        }
    }
}

impl Summary<'_> {
    /// This summary as a template value, the same value serde would make,
    /// but with each tag's value taken from `tags`: one value per tag,
    /// shared by every summary that carries it, instead of a map per tag
    /// per briefing (a big site's briefings share a few dozen tags).
    pub fn to_value(&self, tags: &TagValues) -> tera::Value {
        let value = |v: &dyn erased::Value| v.value();
        let fields: [(&'static str, tera::Value); 14] = [
            ("title", value(&self.title)),
            ("summary", value(&self.summary)),
            ("date", value(&self.date)),
            ("updated", value(&self.updated)),
            ("modified", value(&self.modified)),
            ("authors", value(&self.authors)),
            (
                "tags",
                tera::Value::from(self.tags.iter().map(|t| tags.get(t)).collect::<Vec<_>>()),
            ),
            ("url", value(&self.url)),
            ("path", value(&self.path)),
            ("permalink", value(&self.permalink)),
            ("word_count", value(&self.word_count)),
            ("reading_time", value(&self.reading_time)),
            ("draft", value(&self.draft)),
            ("lang", value(&self.lang)),
        ];
        let mut map = tera::Map::with_capacity(fields.len());
        for (name, value) in fields {
            map.insert(tera::value::Key::from(name), value);
        }
        tera::Value::from(map)
    }
}

/// Template values of tags, one per tag, made once and shared by the
/// summaries of every briefing that carries it.
#[derive(Debug, Default)]
pub struct TagValues(HashMap<TagView, tera::Value>);

impl TagValues {
    /// The values of every tag of `briefings`.
    pub fn of(briefings: &[Briefing]) -> TagValues {
        let mut values = HashMap::new();
        for b in briefings {
            let prefix = b
                .translation
                .as_ref()
                .map_or(String::new(), |t| format!("{}/", t.code));
            for tag in tags(b, &prefix) {
                if let std::collections::hash_map::Entry::Vacant(slot) = values.entry(tag) {
                    let value = tera::Value::from_serializable(slot.key());
                    slot.insert(value);
                }
            }
        }
        TagValues(values)
    }

    /// The value of `tag`: the shared one, or a new one for a tag these
    /// values were not made for.
    fn get(&self, tag: &TagView) -> tera::Value {
        match self.0.get(tag) {
            Some(v) => v.clone(),
            None => tera::Value::from_serializable(tag),
        }
    }
}

/// Serialising one field of a summary on its own, through a trait object,
/// so [`Summary::to_value`] lists its fields in one array.
mod erased {
    /// A field that becomes a template value.
    pub trait Value {
        /// The template value, as serde makes it.
        fn value(&self) -> tera::Value;
    }

    impl<T: serde::Serialize> Value for T {
        fn value(&self) -> tera::Value {
            tera::Value::from_serializable(self)
        }
    }
}

/// A briefing as `briefing.html` sees it, as `page`: borrowed from the
/// loaded page rather than copied.
#[derive(Debug, Serialize)]
pub struct BriefingView<'a> {
    /// Everything a list shows, flattened in.
    #[serde(flatten)]
    pub summary: Summary<'a>,
    /// When it was published, for `datetime` attributes and meta tags:
    /// the day (`2026-12-02`), or the date-time with its offset.
    pub published: String,
    /// When `date` has a time: the date and time in the site's time zone,
    /// "2 December 2026, 09:00 CET"; else empty.
    pub published_time: String,
    /// The original publication.
    pub source: Option<SourceView<'a>>,
    /// Takeaways.
    pub key_points: &'a [String],
    /// Label/value facts.
    pub key_facts: &'a [KeyFact],
    /// People and organisations.
    pub actors: &'a [Actor],
    /// Dated events.
    pub timeline: Vec<TimelineView<'a>>,
    /// Documents drawn on.
    pub sources: &'a [SourceLink],
    /// The pull quote, if any.
    pub pull_quote: Option<&'a PullQuote>,
    /// The "Updated" log, newest first; each entry's `kind` is `update`
    /// or `correction`.
    pub updates: Vec<&'a Update>,
    /// The corrections alone, newest first, for the notice above the text.
    pub corrections: Vec<&'a Update>,
    /// UN documents, each linked to undocs.org.
    pub documents: Vec<DocumentView<'a>>,
    /// Briefings sharing tags with this one, most shared first, as the
    /// summaries the site already holds for lists.
    pub related: Vec<tera::Value>,
    /// Absolute URL of the share image, or empty (needs `base_url`).
    pub image: String,
    /// HTML before the first section. The body's parts are left empty
    /// when no template names them (see [`Reads`]): turning them into
    /// template values copies the whole body. They stay in the value, so
    /// the fields an error lists for a misspelt name are all there.
    pub intro_html: &'a str,
    /// The sections.
    pub sections: &'a [Section],
    /// Headings as a tree.
    pub toc: &'a [TocEntry],
    /// Footnotes as a `<section>`, or empty.
    pub footnotes_html: &'a str,
    /// The whole body as HTML, headings included; only made when a
    /// template reads `content` (it copies the whole body once more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The source file, relative to the site root.
    pub file: String,
    /// Schema.org `NewsArticle` as JSON, safe to put inside `<script>`.
    pub json_ld: String,
    /// "Cite this briefing": the reference in each style (formatted only
    /// when a template names `cite`), and the files.
    pub cite: CiteView,
    /// The PDF edition, when the site makes one (`pdf = true`).
    pub pdf: Option<PdfLink>,
    /// The file name of the single-file edition, relative to the page,
    /// when the site makes one (`single_file = true`).
    pub single: Option<String>,
    /// Whether this is the single-file edition itself.
    pub single_file: bool,
    /// The site's stylesheet, for the single-file edition's `<style>`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub inline_css: String,
}

/// The PDF edition of a briefing, as its page links it.
#[derive(Debug, Clone, Serialize)]
pub struct PdfLink {
    /// The file name, relative to the page: `mali.pdf`.
    pub url: String,
    /// Its size for readers (`48 KB`), or empty when not known yet
    /// (`brief serve` makes PDFs only when they are asked for).
    pub size: String,
    /// Its size in bytes, or 0 when not known yet.
    pub bytes: u64,
}

/// "Cite this briefing" as templates see it.
#[derive(Debug, Serialize)]
pub struct CiteView {
    /// The reference in APA, Chicago and MLA: `{name, html}`, `html`
    /// escaped already (print it with `safe`).
    pub styles: Vec<crate::citation::Styled>,
    /// The reference files beside the page: `{name, path}`, `path`
    /// relative to the page (`cite.bib`).
    pub files: Vec<CiteFile>,
    /// The publication date as Highwire Press tags write it, `2026/11/27`.
    pub date: String,
}

/// One reference file beside the page.
#[derive(Debug, Serialize)]
pub struct CiteFile {
    /// Its format for readers: "BibTeX", "RIS", "CSL-JSON".
    pub name: &'static str,
    /// Its name beside the page.
    pub path: &'static str,
}

impl<'a> BriefingView<'a> {
    /// The view of `page` with its rendered `body`; `related` are the pages
    /// to suggest after it, `cite_styles` its formatted references (empty
    /// when no template reads them). `reads` says which costly values
    /// templates read: the body joined into one piece of HTML for
    /// `page.content`, and the JSON-LD (left empty when no template reads
    /// them).
    pub fn new(
        page: &'a Briefing,
        body: &'a Rendered,
        config: &'a Config,
        related: Vec<tera::Value>,
        cite_styles: Vec<crate::citation::Styled>,
        reads: Reads,
        pdf: Option<PdfLink>,
    ) -> Self {
        let summary = Summary::new(page, config);
        let image = share_image(page, config);
        let json_ld = if reads.json_ld {
            article_json_ld(page, config, &summary, &image, pdf.as_ref())
        } else {
            String::new()
        };
        let mut updates: Vec<&Update> = page.front.updates.iter().collect();
        updates.sort_by_key(|u| std::cmp::Reverse(u.date));
        let corrections = updates
            .iter()
            .copied()
            .filter(|u| u.is_correction())
            .collect();
        BriefingView {
            summary,
            published: page.front.date.machine(),
            published_time: page
                .front
                .date
                .time
                .map(|(at, _)| crate::clock::long(at, &config.timezone))
                .unwrap_or_default(),
            source: page.front.source.as_ref().map(|s| SourceView {
                name: &s.name,
                url: s.url.as_ref().map(|u| u.0.as_str()),
                date: s.date.as_ref().map(|d| d.machine()),
                date_label: s.date.as_ref().map(|d| d.long()),
            }),
            key_points: &page.front.key_points,
            key_facts: &page.front.key_facts,
            actors: &page.front.actors,
            timeline: page
                .front
                .timeline
                .iter()
                .map(|t| TimelineView {
                    datetime: t.date.machine(),
                    label: t.label.clone().unwrap_or_else(|| t.date.long()),
                    event: &t.event,
                })
                .collect(),
            sources: &page.front.sources,
            pull_quote: page.front.pull_quote.as_deref(),
            updates,
            corrections,
            documents: page
                .front
                .documents
                .iter()
                .map(|d| DocumentView {
                    symbol: &d.symbol,
                    title: d.title.as_deref().unwrap_or_default(),
                    url: undocs::url(&d.symbol),
                    date: d.date,
                })
                .collect(),
            related,
            image,
            intro_html: if reads.body { &body.intro_html } else { "" },
            sections: if reads.body { &body.sections } else { &[] },
            toc: if reads.toc { &body.toc } else { &[] },
            footnotes_html: if reads.body { &body.footnotes_html } else { "" },
            content: reads.content.then(|| body.full_html()),
            file: page.file.display().to_string(),
            json_ld,
            cite: CiteView {
                styles: cite_styles,
                files: crate::citation::Format::ALL
                    .iter()
                    .map(|f| CiteFile {
                        name: f.name(),
                        path: f.file(),
                    })
                    .collect(),
                date: page.front.date.day.format("%Y/%m/%d"),
            },
            pdf,
            single: None,
            single_file: false,
            inline_css: String::new(),
        }
    }
}

/// The absolute URL of the briefing's image, or of the site's, or empty.
fn share_image(page: &Briefing, config: &Config) -> String {
    if config.base_url.is_empty() {
        return String::new();
    }
    match &page.front.image {
        Some(url) if url.0.contains("://") => url.0.clone(),
        // `/img/share.png` names a file from the site's root (`static/`).
        Some(url) if url.0.starts_with('/') => {
            format!(
                "{}{}",
                config.base_url_slash(),
                url.0.trim_start_matches('/')
            )
        }
        Some(url) => format!("{}{}{}", config.base_url_slash(), page.url, url.0),
        None if !config.image.is_empty() => {
            format!(
                "{}{}",
                config.base_url_slash(),
                config.image.trim_start_matches('/')
            )
        }
        None => String::new(),
    }
}

/// A schema.org `Thing` with a type and a name: an author, a publisher, a
/// cited work.
#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// A schema.org `CorrectionComment`: a correction of the article.
#[derive(Serialize)]
struct CorrectionLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished")]
    date_published: Date,
    text: &'a str,
}

/// Schema.org `NewsArticle`, fields in alphabetical order like the rest of
/// brief's JSON. Serialized straight from borrowed fields: every briefing
/// page has one.
#[derive(Serialize)]
struct ArticleLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "associatedMedia", skip_serializing_if = "Option::is_none")]
    associated_media: Option<MediaLd>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    correction: Vec<CorrectionLd<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: Date,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<MediaLd>,
    headline: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    image: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isBasedOn", skip_serializing_if = "Option::is_none")]
    is_based_on: Option<&'a str>,
    #[serde(skip_serializing_if = "String::is_empty")]
    keywords: String,
    #[serde(rename = "mainEntityOfPage", skip_serializing_if = "str::is_empty")]
    main_entity_of_page: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "str::is_empty")]
    url: &'a str,
    #[serde(rename = "wordCount")]
    word_count: usize,
}

/// Schema.org `MediaObject`: the PDF edition of a briefing.
#[derive(Serialize, Clone)]
struct MediaLd {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contentSize", skip_serializing_if = "String::is_empty")]
    content_size: String,
    #[serde(rename = "contentUrl")]
    content_url: String,
    #[serde(rename = "encodingFormat")]
    encoding_format: &'static str,
}

fn article_json_ld(
    page: &Briefing,
    config: &Config,
    summary: &Summary<'_>,
    image: &str,
    pdf: Option<&PdfLink>,
) -> String {
    let fm = &page.front;
    // The PDF's address: absolute with a `base_url`, else beside the page.
    let media = pdf.map(|p| MediaLd {
        kind: "MediaObject",
        content_size: if p.bytes == 0 {
            String::new()
        } else {
            format!("{} B", p.bytes)
        },
        content_url: if config.base_url.is_empty() {
            p.url.clone()
        } else {
            format!("{}{}{}", config.base_url_slash(), page.url, p.url)
        },
        encoding_format: "application/pdf",
    });
    script_safe_json(&ArticleLd {
        context: "https://schema.org",
        kind: "NewsArticle",
        associated_media: media.clone(),
        encoding: media,
        author: summary
            .authors
            .iter()
            .map(|name| Named {
                kind: "Person",
                name,
                url: None,
            })
            .collect(),
        citation: fm
            .sources
            .iter()
            .map(|s| Named {
                kind: "CreativeWork",
                name: &s.title,
                url: Some(&s.url.0),
            })
            .collect(),
        correction: {
            let mut c: Vec<CorrectionLd<'_>> = fm
                .updates
                .iter()
                .filter(|u| u.is_correction())
                .map(|u| CorrectionLd {
                    kind: "CorrectionComment",
                    date_published: u.date,
                    text: &u.note,
                })
                .collect();
            c.sort_by_key(|c| std::cmp::Reverse(c.date_published));
            c
        },
        date_modified: fm.modified(),
        date_published: fm.date.machine(),
        description: &fm.summary,
        headline: &fm.title,
        image,
        in_language: &config.language,
        is_based_on: fm
            .source
            .as_ref()
            .and_then(|s| s.url.as_ref())
            .map(|u| u.0.as_str()),
        keywords: fm.tags.join(", "),
        main_entity_of_page: &summary.permalink,
        publisher: (!config.title.is_empty()).then(|| Named {
            kind: "Organization",
            name: &config.title,
            url: None,
        }),
        url: &summary.permalink,
        word_count: page.words,
    })
}

/// One entry of an `ItemList`.
#[derive(Serialize)]
struct ListItemLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    position: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// The list a `CollectionPage` is about.
#[derive(Serialize)]
struct ItemListLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItemLd<'a>>,
}

/// Schema.org `CollectionPage`, fields in alphabetical order.
#[derive(Serialize)]
struct CollectionLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "mainEntity")]
    main_entity: ItemListLd<'a>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// Schema.org `CollectionPage` JSON for a list of briefings named `name`.
pub fn collection_json_ld(
    config: &Config,
    name: &str,
    url_path: &str,
    pages: &[&Briefing],
) -> String {
    let absolute = |path: &str| {
        (!config.base_url.is_empty()).then(|| format!("{}{path}", config.base_url_slash()))
    };
    script_safe_json(&CollectionLd {
        context: "https://schema.org",
        kind: "CollectionPage",
        description: &config.description,
        in_language: &config.language,
        main_entity: ItemListLd {
            kind: "ItemList",
            items: pages
                .iter()
                .enumerate()
                .map(|(i, p)| ListItemLd {
                    kind: "ListItem",
                    name: &p.front.title,
                    position: i + 1,
                    url: absolute(&p.url),
                })
                .collect(),
        },
        name,
        url: absolute(url_path),
    })
}

/// JSON that cannot end a `<script>` element or start an HTML comment,
/// whatever the strings in it say.
pub fn script_safe_json<T: Serialize + ?Sized>(value: &T) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    // Copied in runs between the few characters to escape: every page's
    // JSON-LD passes through here.
    let mut out = String::with_capacity(raw.len() + 16);
    let mut copied = 0;
    for (at, c) in raw.char_indices() {
        let escaped = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&raw[copied..at]);
        out.push_str(escaped);
        copied = at + c.len_utf8();
    }
    out.push_str(&raw[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_images_resolve_against_the_page_or_the_site_root() {
        let config = Config {
            base_url: "https://example.org/briefings/".into(),
            ..Config::default()
        };
        for (image, want) in [
            ("map.png", "https://example.org/briefings/mali/map.png"),
            (
                "/img/share.png",
                "https://example.org/briefings/img/share.png",
            ),
            (
                "https://cdn.example.org/a.png",
                "https://cdn.example.org/a.png",
            ),
        ] {
            let text = format!("+++\ntitle = \"t\"\ndate = 2020-01-01\nimage = \"{image}\"\n+++\n");
            let page =
                Briefing::parse(std::path::Path::new("content/mali.md"), "mali.md", text).unwrap();
            assert_eq!(share_image(&page, &config), want, "{image}");
        }
    }

    #[test]
    fn json_cannot_break_out_of_script() {
        let v = serde_json::json!({"t": "</script><!-- & \u{2028}", "u": "Côte “x” <y>\u{2029}é"});
        let s = script_safe_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
