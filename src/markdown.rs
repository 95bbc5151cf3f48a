//! Markdown to HTML, split into the sections of a briefing.
//!
//! Each `## ` heading opens a section. The heading itself is not part of the
//! section's HTML: templates render it, so they control the markup of the
//! self-link. Footnotes are numbered in order of first reference and gathered
//! at the end, whichever section defines them.

use crate::slug::IdSet;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

/// Ids the default templates put on the page themselves; headings never get them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "content",
    "contents",
    "key-points",
    "key-facts",
    "actors",
    "timeline",
    "sources",
    "footnotes",
    "footnotes-label",
    "updates",
    "related",
    "site-header",
    "site-footer",
];

/// Prefixes of the ids footnotes and their references get (`fn-note`,
/// `fnref-note`, `fnref-note_2` for a second reference); heading ids never
/// start with them, so the two can never clash whatever a footnote is called.
pub const FOOTNOTE_ID_PREFIXES: &[&str] = &["fn-", "fnref-"];

fn is_footnote_id(id: &str) -> bool {
    FOOTNOTE_ID_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// One part of a briefing, from a `## ` heading to the next.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Section {
    /// The element id: `{#id}` from the heading, or a slug of its text.
    pub id: String,
    /// The heading as plain text.
    pub title: String,
    /// The heading as inline HTML (emphasis, code…).
    pub title_html: String,
    /// The section's body as HTML, without its heading.
    pub html: String,
    /// Words in the section, heading included.
    pub words: usize,
    /// 1-based line of the heading in the Markdown body.
    pub line: usize,
}

/// A heading, for the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    /// 2 for a section, 3 to 6 below it.
    pub level: u8,
    /// The element id.
    pub id: String,
    /// The heading as plain text.
    pub title: String,
    /// Headings one level down inside this one.
    pub children: Vec<TocEntry>,
}

/// A link or image target found in the Markdown.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    /// The target as written.
    pub url: String,
    /// Byte offset in the Markdown body.
    pub offset: usize,
    /// Whether it is an image.
    pub image: bool,
}

/// The rendered body of a briefing.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Rendered {
    /// HTML before the first `## ` heading (often empty).
    pub intro_html: String,
    /// The sections in order.
    pub sections: Vec<Section>,
    /// Headings as a tree: sections with their sub-headings.
    pub toc: Vec<TocEntry>,
    /// The footnotes as an ordered list, or empty.
    pub footnotes_html: String,
    /// Words in the whole body.
    pub words: usize,
    /// Every link and image target, in order.
    pub links: Vec<Link>,
    /// Every id the body puts on the page (headings and footnotes).
    pub ids: Vec<String>,
    /// Problems that do not stop the build (images without alt text).
    #[serde(skip)]
    pub warnings: Vec<MarkdownError>,
}

impl Rendered {
    /// The whole body as one piece of HTML, headings included.
    pub fn full_html(&self) -> String {
        let mut out = self.intro_html.clone();
        for s in &self.sections {
            let _ = write!(
                out,
                "<h2 id=\"{}\">{}</h2>\n{}",
                escape_attr(&s.id),
                s.title_html,
                s.html
            );
        }
        out.push_str(&self.footnotes_html);
        out
    }
}

/// A problem in the Markdown itself, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    /// Byte offset in the body.
    pub offset: usize,
    /// Length of the offending text.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// More problems of the same body, in order, reported with this one
    /// (every script link, not just the first).
    pub more: Vec<MarkdownError>,
}

/// The pulldown-cmark extensions briefings use.
pub fn extensions() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

struct Footnote {
    number: usize,
    slug: String,
    refs: usize,
    html: Option<String>,
}

/// Renders a Markdown body into sections.
pub fn render(body: &str) -> Result<Rendered, MarkdownError> {
    render_with(body, &RenderOptions::default())
}

/// How to render a body.
pub struct RenderOptions<'a> {
    /// Pass raw HTML through (authors are trusted by default); when false it
    /// is escaped and shows as text.
    pub raw_html: bool,
    /// The pixel size of an image, so pages can reserve its space before it loads.
    pub image_size: &'a (dyn Fn(&str) -> Option<(u32, u32)> + 'a),
    /// Count the words of each section (and so of the body). A site whose
    /// templates never read `words` skips it: it is a pass over the text.
    pub words: bool,
}

impl Default for RenderOptions<'_> {
    fn default() -> Self {
        RenderOptions {
            raw_html: true,
            image_size: &|_| None,
            words: true,
        }
    }
}

/// Renders a Markdown body into sections.
pub fn render_with(body: &str, options: &RenderOptions<'_>) -> Result<Rendered, MarkdownError> {
    let image_size = options.image_size;
    let mut ids = IdSet::with_reserved(RESERVED_IDS);
    let mut out = Rendered::default();
    let mut footnotes: Vec<Footnote> = Vec::new();
    let mut footnote_index: HashMap<String, usize> = HashMap::new();
    let mut fn_ids = IdSet::default();
    // Notes numbered so far: counting them at each new reference made
    // 80,000 notes take 8 s.
    let mut numbered = 0usize;

    // Events of the current section body, and where they go when it ends.
    let mut current: Vec<Event<'_>> = Vec::new();
    let mut open_section: Option<Section> = None;
    // Where each `## ` heading starts, to count the words of its section.
    let mut section_starts: Vec<usize> = Vec::new();

    // Without raw HTML, links, images and heading attributes are checked
    // as they pass, in headings and footnotes as much as in the text.
    let untrusted = RefCell::new(Untrusted::default());
    let raw_html = options.raw_html;
    let mut parser = Parser::new_ext(body, extensions())
        .into_offset_iter()
        .map(|(e, r)| {
            let e = if raw_html {
                e
            } else {
                guard(e, &r, &untrusted)
            };
            (e, r)
        });
    // An error that stops the render, with the script links found so far.
    let fail = |e: MarkdownError| {
        let mut all = std::mem::take(&mut untrusted.borrow_mut().errors);
        all.push(e);
        gather(all)
    };
    let mut toc_flat: Vec<(u8, String, String)> = Vec::new();
    let mut images = 0usize;
    let mut paragraph_start = usize::MAX;
    let mut last_image: Option<(usize, String, String)> = None;
    // Where each open blockquote starts in `current`.
    let mut quotes: Vec<usize> = Vec::new();

    // Lines are counted on from the previous heading, not from the start.
    let mut counted_to = (0usize, 1usize);
    let mut line_of = |offset: usize| {
        let (from, line) = counted_to;
        let to = offset.clamp(from, body.len());
        let line = line
            + body.as_bytes()[from..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
        counted_to = (to, line);
        line
    };

    while let Some((event, range)) = parser.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inline = Vec::new();
                let mut text = String::new();
                for (e, _) in parser.by_ref() {
                    if matches!(e, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    if let Event::Text(t) | Event::Code(t) = &e {
                        text.push_str(t);
                    }
                    inline.push(escape_raw(e, options.raw_html));
                }
                let id = match id {
                    Some(explicit) if is_footnote_id(&explicit) => {
                        return Err(fail(MarkdownError {
                            offset: range.start,
                            len: range.len(),
                            message: format!("the id `{explicit}` is kept for footnotes"),
                            help: "ids starting with `fn-` or `fnref-` link footnotes; choose another id".to_string(),
                            more: Vec::new(),
                        }));
                    }
                    Some(explicit) => {
                        if !ids.claim(&explicit) {
                            return Err(fail(MarkdownError {
                                offset: range.start,
                                len: range.len(),
                                message: format!("the id `{explicit}` is used twice on this page"),
                                help: if RESERVED_IDS.contains(&explicit.as_ref()) {
                                    format!(
                                        "`{explicit}` is used by the page template; choose another id"
                                    )
                                } else {
                                    "give each heading its own id".to_string()
                                },
                                more: Vec::new(),
                            }));
                        }
                        explicit.to_string()
                    }
                    None => {
                        let slug = crate::slug::slugify(&text);
                        // "Fn 1" would slug to `fn-1`, a footnote's id.
                        if is_footnote_id(&slug) {
                            ids.unique(&format!("section {text}"), "section")
                        } else {
                            ids.unique_slug(slug, "section")
                        }
                    }
                };
                let level_num = heading_level(level);
                toc_flat.push((level_num, id.clone(), text.trim().to_string()));
                if level == HeadingLevel::H2 {
                    let from = section_starts.last().copied().unwrap_or(0);
                    finish_section(
                        &mut out,
                        open_section.take(),
                        &mut current,
                        range.start - from,
                    );
                    section_starts.push(range.start);
                    let mut title_html = String::new();
                    html::push_html(&mut title_html, inline.into_iter());
                    open_section = Some(Section {
                        id,
                        title: text.trim().to_string(),
                        title_html,
                        html: String::new(),
                        words: 0,
                        line: line_of(range.start),
                    });
                } else {
                    current.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id)),
                        classes,
                        attrs: without_id(attrs),
                    }));
                    current.extend(inline);
                    current.push(Event::End(TagEnd::Heading(level)));
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let mut inner = Vec::new();
                let mut depth = 0usize;
                for (e, r) in parser.by_ref() {
                    // A heading inside a note keeps its explicit id only if
                    // the page has no other element with it.
                    let e = match e {
                        Event::Start(Tag::Heading {
                            level,
                            id,
                            classes,
                            attrs,
                        }) => {
                            if let Some(explicit) = &id {
                                if is_footnote_id(explicit) || !ids.claim(explicit) {
                                    return Err(fail(MarkdownError {
                                        offset: r.start,
                                        len: r.len(),
                                        message: format!(
                                            "the id `{explicit}` is used twice on this page"
                                        ),
                                        help: "give each heading its own id".to_string(),
                                        more: Vec::new(),
                                    }));
                                }
                                out.ids.push(explicit.to_string());
                            }
                            Event::Start(Tag::Heading {
                                level,
                                id,
                                classes,
                                attrs: without_id(attrs),
                            })
                        }
                        other => other,
                    };
                    match &e {
                        Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                        Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                        Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                        _ => {}
                    }
                    inner.push(escape_raw(e, options.raw_html));
                }
                let idx = footnote_slot(&mut footnotes, &mut footnote_index, &mut fn_ids, &label);
                let mut html_out = String::new();
                html::push_html(&mut html_out, inner.into_iter());
                footnotes[idx].html = Some(html_out);
            }
            Event::FootnoteReference(label) => {
                let idx = footnote_slot(&mut footnotes, &mut footnote_index, &mut fn_ids, &label);
                if footnotes[idx].number == 0 {
                    numbered += 1;
                    footnotes[idx].number = numbered;
                }
                let f = &mut footnotes[idx];
                f.refs += 1;
                let ref_id = if f.refs == 1 {
                    format!("fnref-{}", f.slug)
                } else {
                    // `_` never occurs in a slug, so a repeat's id can never be
                    // the first reference of a note whose slug ends in `-2`.
                    format!("fnref-{}_{}", f.slug, f.refs)
                };
                current.push(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-ref\" id=\"{ref_id}\"><a href=\"#fn-{}\" aria-describedby=\"footnotes-label\">{}</a></sup>",
                    f.slug, f.number
                ))));
            }
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                out.links.push(Link {
                    url: dest_url.to_string(),
                    offset: range.start,
                    image: false,
                });
                current.push(event);
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                out.links.push(Link {
                    url: dest_url.to_string(),
                    offset: range.start,
                    image: true,
                });
                let mut alt = String::new();
                for (e, _) in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        Event::SoftBreak | Event::HardBreak => alt.push(' '),
                        _ => {}
                    }
                }
                if alt.trim().is_empty() {
                    out.warnings.push(MarkdownError {
                        offset: range.start,
                        len: range.len(),
                        message: format!("the image `{dest_url}` has no alt text"),
                        help: "describe the image for readers who cannot see it: ![a map of northern Mali](map.png)".to_string(),
                        more: Vec::new(),
                    });
                }
                images += 1;
                let size = image_size(&dest_url);
                let mut tag = format!(
                    "<img src=\"{}\" alt=\"{}\"",
                    escape_attr(&dest_url),
                    escape_attr(alt.trim())
                );
                if let Some((w, h)) = size {
                    let _ = write!(tag, " width=\"{w}\" height=\"{h}\"");
                }
                // The first image is likely in view on load; later ones can wait.
                if images > 1 {
                    tag.push_str(" loading=\"lazy\"");
                }
                tag.push_str(" decoding=\"async\"");
                let caption = title.trim().to_string();
                let inline_tag = if caption.is_empty() {
                    format!("{tag}>")
                } else {
                    format!("{tag} title=\"{}\">", escape_attr(&caption))
                };
                last_image = Some((current.len(), format!("{tag}>"), caption));
                current.push(Event::InlineHtml(CowStr::from(inline_tag)));
            }
            Event::Start(Tag::Paragraph) => {
                paragraph_start = current.len();
                current.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                // An image alone in its paragraph is a figure, its title the caption.
                match last_image.take() {
                    Some((at, tag, caption))
                        if at == paragraph_start + 1 && current.len() == at + 1 =>
                    {
                        current.truncate(paragraph_start);
                        let figure = if caption.is_empty() {
                            format!("<figure>{tag}</figure>\n")
                        } else {
                            format!(
                                "<figure>{tag}<figcaption>{}</figcaption></figure>\n",
                                escape_text(&caption)
                            )
                        };
                        current.push(Event::Html(CowStr::from(figure)));
                    }
                    _ => current.push(event),
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                quotes.push(current.len());
                current.push(event);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                current.push(event);
                if let Some(at) = quotes.pop() {
                    attribute_quote(&mut current, at);
                }
            }
            Event::Start(Tag::Table(_)) => open_table(&mut current, paragraph_start, event),
            Event::End(TagEnd::Table) => {
                current.push(event);
                current.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Html(html) | Event::InlineHtml(html) if !options.raw_html => {
                current.push(Event::Text(html));
            }
            other => current.push(other),
        }
    }
    let found = untrusted.take();
    if !found.errors.is_empty() {
        return Err(gather(found.errors));
    }
    if !found.warnings.is_empty() {
        out.warnings.extend(found.warnings);
        out.warnings.sort_by_key(|w| w.offset);
    }
    let from = section_starts.last().copied().unwrap_or(0);
    finish_section(
        &mut out,
        open_section.take(),
        &mut current,
        body.len() - from,
    );

    out.footnotes_html = render_footnotes(&mut footnotes);
    for f in &footnotes {
        if f.html.is_some() {
            out.ids.push(format!("fn-{}", f.slug));
        }
        for n in 1..=f.refs {
            out.ids.push(if n == 1 {
                format!("fnref-{}", f.slug)
            } else {
                format!("fnref-{}_{n}", f.slug)
            });
        }
    }
    out.ids.extend(toc_flat.iter().map(|(_, id, _)| id.clone()));
    out.toc = build_toc(&toc_flat);
    // Each section counts from its heading to the next; notes count where
    // they are written.
    if !options.words {
        return Ok(out);
    }
    section_starts.push(body.len());
    out.words = count_words(&body[..section_starts[0]]);
    for (s, bounds) in out.sections.iter_mut().zip(section_starts.windows(2)) {
        s.words = count_words(&body[bounds[0]..bounds[1]]);
        out.words += s.words;
    }
    Ok(out)
}

/// What `raw_html = false` refuses (script links) and drops (heading
/// attributes) beyond raw HTML, gathered as the events pass.
#[derive(Default)]
struct Untrusted {
    errors: Vec<MarkdownError>,
    warnings: Vec<MarkdownError>,
}

/// Checks an event from a body whose authors are not trusted: a link or
/// image whose scheme could run script is an error (the same rule as front
/// matter URLs, see [`crate::frontmatter::check_scheme`]); heading
/// attributes other than `{#id}` and `{.class}` (`onfocus=…`, `style=…`)
/// are dropped with a warning.
fn guard<'a>(mut event: Event<'a>, range: &Range<usize>, found: &RefCell<Untrusted>) -> Event<'a> {
    let (url, image): (&str, bool) = match &mut event {
        Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
        Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
        Event::Start(Tag::Heading { attrs, .. }) if !attrs.is_empty() => {
            let names: Vec<String> = attrs.iter().map(|(k, _)| format!("`{k}`")).collect();
            let (noun, verb) = if names.len() == 1 {
                ("attribute", "was")
            } else {
                ("attributes", "were")
            };
            found.borrow_mut().warnings.push(MarkdownError {
                offset: range.start,
                len: range.len(),
                message: format!(
                    "the heading {noun} {} {verb} dropped: only {{#id}} and {{.class}} are allowed while raw_html = false",
                    names.join(", ")
                ),
                help: "write `{#id .class}`; other attributes can run script (`onfocus=…`), so they pass only when site.toml trusts authors with raw_html = true".to_string(),
                more: Vec::new(),
            });
            attrs.clear();
            return event;
        }
        _ => return event,
    };
    if let Err(message) = crate::frontmatter::check_scheme(url, image) {
        let help = if image {
            "while raw_html = false, images must be http(s), relative, or PNG, JPEG, GIF, WebP or AVIF `data:` URLs"
        } else {
            "while raw_html = false, links must be http(s), mailto: or relative, as in front matter"
        };
        found.borrow_mut().errors.push(MarkdownError {
            offset: range.start,
            len: range.len(),
            message,
            help: help.to_string(),
            more: Vec::new(),
        });
    }
    event
}

/// One error holding `errors` (at least one) in the order they appear.
fn gather(mut errors: Vec<MarkdownError>) -> MarkdownError {
    errors.sort_by_key(|e| e.offset);
    let mut first = errors.remove(0);
    first.more = errors;
    first
}

/// Heading attributes without `id=…`: a heading's id comes only from
/// `{#id}` or its text, so it is always checked for repeats.
fn without_id<'a>(
    mut attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
) -> Vec<(CowStr<'a>, Option<CowStr<'a>>)> {
    attrs.retain(|(key, _)| !key.eq_ignore_ascii_case("id"));
    attrs
}

/// Raw HTML as text that shows as written, unless raw HTML is allowed.
fn escape_raw(event: Event<'_>, raw_html: bool) -> Event<'_> {
    match event {
        Event::Html(html) | Event::InlineHtml(html) if !raw_html => Event::Text(html),
        other => other,
    }
}

fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Renders the gathered `events` into the open section, or the intro when
/// none is open; `source_len` is the length of its Markdown, which its HTML
/// is a little longer than.
/// A blockquote whose last paragraph starts with an em dash (`---` in the
/// source) becomes a figure with that paragraph as its attribution:
/// `<figure class="quote"><blockquote>…</blockquote><figcaption>…`.
/// `at` is where the blockquote starts in `events`, which ends with it.
fn attribute_quote(events: &mut Vec<Event<'_>>, at: usize) {
    // A section heading inside the quote has already flushed its start.
    if !matches!(events.get(at), Some(Event::Start(Tag::BlockQuote(_)))) {
        return;
    }
    let end = events.len() - 1;
    if !matches!(events.get(end - 1), Some(Event::End(TagEnd::Paragraph))) {
        return;
    }
    let Some(p) = (at..end)
        .rev()
        .find(|&i| matches!(events[i], Event::Start(Tag::Paragraph)))
    else {
        return;
    };
    let starts_with_dash = matches!(&events.get(p + 1), Some(Event::Text(t)) if t.starts_with('—'));
    if !starts_with_dash || p == at + 1 {
        return;
    }
    let mut caption = String::new();
    html::push_html(&mut caption, events.drain(p + 1..end - 1));
    let caption = caption.trim_start_matches('—').trim_start().to_string();
    events.truncate(p);
    events.push(Event::End(TagEnd::BlockQuote(None)));
    events.insert(at, Event::Html(CowStr::from("<figure class=\"quote\">\n")));
    events.push(Event::Html(CowStr::from(format!(
        "<figcaption>{caption}</figcaption>\n</figure>\n"
    ))));
}

/// Opens a table inside a scrolling box, so a wide table scrolls on its
/// own instead of widening the page. A paragraph just before it that
/// starts with `Table:` becomes its `<caption>` and names the box.
fn open_table<'a>(events: &mut Vec<Event<'a>>, paragraph_start: usize, table: Event<'a>) {
    let captioned = events
        .last()
        .is_some_and(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        && matches!(
            events.get(paragraph_start),
            Some(Event::Start(Tag::Paragraph))
        )
        && matches!(events.get(paragraph_start + 1), Some(Event::Text(t)) if t.starts_with("Table:"));
    let mut caption = String::new();
    let mut label = String::new();
    if captioned {
        let end = events.len() - 1;
        for e in &events[paragraph_start + 1..end] {
            if let Event::Text(t) | Event::Code(t) = e {
                label.push_str(t);
            }
        }
        html::push_html(&mut caption, events.drain(paragraph_start + 1..end));
        events.truncate(paragraph_start);
        caption = caption
            .trim_start_matches("Table:")
            .trim_start()
            .to_string();
        label = label.trim_start_matches("Table:").trim().to_string();
    }
    let label = if label.is_empty() {
        "Table".to_string()
    } else {
        label
    };
    events.push(Event::Html(CowStr::from(format!(
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n",
        escape_attr(&label)
    ))));
    events.push(table);
    if captioned {
        events.push(Event::Html(CowStr::from(format!(
            "<caption>{caption}</caption>"
        ))));
    }
}

fn finish_section(
    out: &mut Rendered,
    section: Option<Section>,
    events: &mut Vec<Event<'_>>,
    source_len: usize,
) {
    let mut html_out = String::with_capacity(source_len + source_len / 4);
    html::push_html(&mut html_out, events.drain(..));
    match section {
        Some(mut s) => {
            s.html = html_out;
            out.sections.push(s);
        }
        None => out.intro_html = html_out,
    }
}

fn footnote_slot(
    footnotes: &mut Vec<Footnote>,
    index: &mut HashMap<String, usize>,
    ids: &mut IdSet,
    label: &str,
) -> usize {
    if let Some(&i) = index.get(label) {
        return i;
    }
    footnotes.push(Footnote {
        number: 0,
        slug: ids.unique(label, "note"),
        refs: 0,
        html: None,
    });
    index.insert(label.to_string(), footnotes.len() - 1);
    footnotes.len() - 1
}

fn render_footnotes(footnotes: &mut [Footnote]) -> String {
    // Referenced notes keep their reference order; unreferenced ones follow.
    let first_free = footnotes.iter().filter(|f| f.number > 0).count() + 1;
    for (n, f) in (first_free..).zip(footnotes.iter_mut().filter(|f| f.number == 0)) {
        f.number = n;
    }
    let mut defined: Vec<&Footnote> = footnotes.iter().filter(|f| f.html.is_some()).collect();
    if defined.is_empty() {
        return String::new();
    }
    defined.sort_by_key(|f| f.number);
    let mut s = String::from(
        "<section class=\"footnotes\" id=\"footnotes\" aria-labelledby=\"footnotes-label\">\n<h2 id=\"footnotes-label\">Notes</h2>\n<ol>\n",
    );
    for f in defined {
        let body = f.html.as_deref().unwrap_or_default().trim_end();
        let back = if f.refs > 0 {
            format!(
                " <a href=\"#fnref-{}\" class=\"footnote-back\" aria-label=\"Back to reference {}\">↩</a>",
                f.slug, f.number
            )
        } else {
            String::new()
        };
        // Put the back link inside the last paragraph so it does not sit on a line of its own.
        let body = match body.strip_suffix("</p>") {
            Some(inner) if !back.is_empty() => format!("{inner}{back}</p>"),
            _ => format!("{body}{back}"),
        };
        let _ = writeln!(
            s,
            "<li id=\"fn-{}\" value=\"{}\">{body}</li>",
            f.slug, f.number
        );
    }
    s.push_str("</ol>\n</section>\n");
    s
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn build_toc(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn insert(into: &mut Vec<TocEntry>, entry: TocEntry) {
        match into.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => into.push(entry),
        }
    }
    let mut root = Vec::new();
    for (level, id, title) in flat {
        // The page's one h1 is the title; an h1 in the body is shown but not listed.
        if *level < 2 {
            continue;
        }
        insert(
            &mut root,
            TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children: Vec::new(),
            },
        );
    }
    root
}

/// Counts the words of a Markdown source the way readers see them: runs
/// holding a letter or digit, split at spaces, slashes and dashes, with link
/// targets, footnote markers, HTML tags, heading attributes, list numbers,
/// code fence lines and link reference definitions left out.
///
/// It reads the source rather than parsed text so a site can know every
/// briefing's length (for reading times in lists) without parsing any of
/// them before rendering; on real briefings it agrees with a count of the
/// rendered text to within a word or two in a thousand.
pub fn count_words(markdown: &str) -> usize {
    markdown.split('\n').map(line_words).sum()
}

// How `count_words` treats each byte, as bit flags so the loop over plain
// text runs without branches: word boundaries are too frequent and too
// irregular for a branch predictor.
const ALNUM: u8 = 1;
const SPACE: u8 = 2;
/// May open markup to skip (`[^`, `](`, `][`, `<tag`, `{#`), or is not
/// ASCII: handled one at a time, off the fast path.
const SLOW: u8 = 4;

const FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 || matches!(c, b'[' | b']' | b'<' | b'{') {
            SLOW
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else if c.is_ascii_whitespace() || c == b'/' || c == b'|' {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

fn line_words(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut i = line_start(bytes);
    let mut count = 0usize;
    // Whether the last letter, digit or separator seen was a letter or
    // digit: punctuation between two letters ("e.g.", "3,000") does not
    // start a new word.
    let mut in_word = false;
    while i < bytes.len() {
        // Plain ASCII text up to the next byte that needs a closer look,
        // 64 bytes at a time as bit masks (see `plain_run`).
        if FLAGS[usize::from(bytes[i])] & SLOW == 0 {
            let (n, words, still_in_word) = plain_run(&bytes[i..], in_word);
            count += words;
            in_word = still_in_word;
            i += n;
            // The run stopped at the end, at its 64-byte limit or at a slow byte.
            match bytes.get(i) {
                None => break,
                Some(&b) if FLAGS[usize::from(b)] & SLOW == 0 => continue,
                Some(_) => {}
            }
        }
        i = slow_step(line, i, &mut count, &mut in_word);
    }
    count
}

/// Counts the [`SLOW`] byte at `i` of `line` (markup to skip or a non-ASCII
/// character) and returns where the count goes on.
fn slow_step(line: &str, i: usize, count: &mut usize, in_word: &mut bool) -> usize {
    let bytes = line.as_bytes();
    if bytes[i] < 0x80 {
        return match skip_markup(bytes, i) {
            Some(end) => {
                *in_word = false;
                end
            }
            None => i + 1,
        };
    }
    let c = line[i..].chars().next().unwrap_or(' ');
    if c.is_whitespace() || matches!(c, '—' | '–') {
        *in_word = false;
    } else if c.is_alphanumeric() {
        *count += usize::from(!*in_word);
        *in_word = true;
    }
    i + c.len_utf8()
}

/// Counts the words starting in the leading run of `bytes` that holds no
/// [`SLOW`] byte, at most 64 bytes long. Returns the run's length, the words
/// starting in it, and whether it ends inside a word.
///
/// Whether byte `k` is inside a word follows the rule of a carry in binary
/// addition: a letter sets it ("generates"), punctuation keeps the one
/// before ("propagates"), a separator clears it. So one 64-bit addition
/// works out all 64 bytes at once, without a branch or a chain of steps
/// from byte to byte.
fn plain_run(bytes: &[u8], in_word: bool) -> (usize, usize, bool) {
    // Each flag of eight bytes at a time is gathered into a bit mask: a
    // multiplication moves bit 0 of each of eight bytes into one byte. The
    // masks stop at the first eight bytes holding a slow byte, so text
    // where they are frequent (accents, other scripts) wastes little.
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let block = &bytes[..bytes.len().min(64)];
    let (mut alnum, mut sep, mut slow) = (0u64, 0u64, 0u64);
    for (j, eight) in block.chunks(8).enumerate() {
        let mut w = [0u8; 8];
        for (f, &b) in w.iter_mut().zip(eight) {
            *f = FLAGS[usize::from(b)];
        }
        let w = u64::from_le_bytes(w);
        let bits = |shift: u32| ((((w >> shift) & LOW_BITS).wrapping_mul(GATHER)) >> 56) << (8 * j);
        alnum |= bits(0);
        sep |= bits(1);
        slow |= bits(2);
        if slow != 0 {
            break;
        }
    }
    let n = if slow == 0 {
        block.len()
    } else {
        slow.trailing_zeros() as usize
    };
    if n == 0 {
        return (0, 0, in_word);
    }
    let run = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let alnum = alnum & run;
    let punct = !(alnum | sep) & run;
    // Generate = alnum, propagate = punct: a = alnum|punct, b = alnum.
    let a = alnum | punct;
    let (sum, c1) = a.overflowing_add(alnum);
    let (sum, c2) = sum.overflowing_add(u64::from(in_word));
    // Bit k of `carries` says whether byte k follows a byte inside a word.
    let carries = sum ^ a ^ alnum;
    let starts = alnum & !carries;
    let carry_out = if n == 64 {
        c1 || c2
    } else {
        (carries >> n) & 1 == 1
    };
    (n, starts.count_ones() as usize, carry_out)
}

/// Where the words of a line start: after indentation, quote markers and an
/// ordered list number. Fence lines and link reference definitions hold no
/// words a reader sees, so they start at the end.
fn line_start(bytes: &[u8]) -> usize {
    let mut i = 0;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'>') {
        i += 1;
    }
    let rest = &bytes[i..];
    if rest.starts_with(b"```") || rest.starts_with(b"~~~") {
        return bytes.len();
    }
    if rest.first() == Some(&b'[')
        && rest.get(1) != Some(&b'^')
        && let Some(close) = rest.iter().position(|&b| b == b']')
        && rest.get(close + 1) == Some(&b':')
    {
        return bytes.len();
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..10).contains(&digits)
        && matches!(rest.get(digits), Some(b'.' | b')'))
        && rest.get(digits + 1).is_none_or(|b| b.is_ascii_whitespace())
    {
        return i + digits + 1;
    }
    i
}

/// The end of markup starting at `at` that shows no words of its own: a
/// link target `](…)` or `][…]`, a footnote marker `[^…]`, an HTML tag or
/// autolink `<…>`, heading attributes `{#…}`. `None` when it is plain text.
fn skip_markup(bytes: &[u8], at: usize) -> Option<usize> {
    let next = *bytes.get(at + 1)?;
    let close = |open: u8, close: u8, from: usize| -> Option<usize> {
        let mut depth = 0usize;
        for (k, &b) in bytes.iter().enumerate().skip(from) {
            if b == open {
                depth += 1;
            } else if b == close {
                if depth <= 1 {
                    return Some(k + 1);
                }
                depth -= 1;
            }
        }
        None
    };
    match (bytes[at], next) {
        (b']', b'(') => close(b'(', b')', at + 1),
        (b']', b'[') | (b'[', b'^') => close(b'[', b']', at + 1),
        (b'<', n) if n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?') => {
            close(b'<', b'>', at)
        }
        (b'{', b'#' | b'.') => close(b'{', b'}', at),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections_at_h2_with_explicit_and_slug_ids() {
        let r = render(
            "Intro.\n\n## The request {#request}\n\nOne.\n\n## Historical context\n\nTwo.\n",
        )
        .unwrap();
        assert_eq!(r.intro_html, "<p>Intro.</p>\n");
        let ids: Vec<_> = r.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["request", "historical-context"]);
        assert_eq!(r.sections[0].title, "The request");
        assert_eq!(r.sections[0].html, "<p>One.</p>\n");
        assert_eq!(r.sections[1].line, 7);
        assert_eq!(r.words, 7);
        assert_eq!(r.sections[0].words, 3);
    }

    #[test]
    fn sub_headings_get_ids_and_nest_in_the_toc() {
        let r = render("## A\n\n### B\n\n### B\n\n## C\n").unwrap();
        assert!(r.sections[0].html.contains("<h3 id=\"b\">B</h3>"));
        assert!(r.sections[0].html.contains("<h3 id=\"b-2\">B</h3>"));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
    }

    #[test]
    fn raw_html_off_escapes_html_in_headings_and_footnotes() {
        // Found by the `markdown` fuzz target (`# <script>`, 10 bytes): the
        // loops that gather a heading's or a footnote's events passed raw
        // HTML through even with raw HTML off.
        let off = RenderOptions {
            raw_html: false,
            ..RenderOptions::default()
        };
        for body in [
            "# <script>x</script>\n",
            "## A <script>x</script>\n",
            "### <img src=x onerror=alert(1)>\n",
            "Text[^1].\n\n[^1]: a <script>x</script>\n",
        ] {
            let html = render_with(body, &off).unwrap().full_html();
            assert!(
                !html.contains("<script") && !html.contains("<img"),
                "{body}: {html}"
            );
            assert!(html.contains("&lt;"), "{body}: {html}");
        }
        // Trusted HTML still passes.
        let html = render("## A <b>b</b>\n").unwrap().full_html();
        assert!(html.contains("<b>b</b>"), "{html}");
    }

    fn untrusted() -> RenderOptions<'static> {
        RenderOptions {
            raw_html: false,
            ..RenderOptions::default()
        }
    }

    #[test]
    fn raw_html_off_refuses_script_links_in_every_form() {
        // Each of these gave a live script `href` or `src` with raw HTML
        // off (issue #14): the trusted render shows it is a real link.
        let cases = [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](&#x6A;&#x61;vascript:alert(1))",
            "[x](java&#9;script:alert(1))",
            "[x](&#32;javascript:alert(1))",
            "[x](< javascript:alert(1)>)",
            "[x](vbscript:msgbox(1))",
            "[x](VBScript:msgbox(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[x](data:image/svg+xml;base64,PHN2Zz4=)",
            "<javascript:alert(1)>",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[x]\n\n[x]: <JAVASCRIPT:alert(1)>",
            "![x](javascript:alert(1))",
            "![x](data:image/svg+xml;base64,PHN2Zz4=)",
            "![x](data:text/html,x)",
            "## A [x](javascript:alert(1))",
            "### A ![x](vbscript:x)",
            "Text[^1].\n\n[^1]: [x](javascript:alert(1))",
            "Text[^1].\n\n[^1]: ![x](data:text/html,x)",
            "> - [x](javascript:alert(1))",
        ];
        for body in cases {
            let trusted = render(body).unwrap().full_html().to_ascii_lowercase();
            assert!(
                trusted.contains("=\"javascript:")
                    || trusted.contains("=\"vbscript:")
                    || trusted.contains("=\"data:")
                    || trusted.contains("=\"%20javascript:")
                    || trusted.contains("=\"java%09script:"),
                "not a live link when trusted: {body:?}: {trusted}"
            );
            let err = render_with(body, &untrusted()).unwrap_err();
            assert!(
                err.message.contains("not allowed"),
                "{body:?}: {}",
                err.message
            );
            assert!(err.help.contains("raw_html = false"), "{}", err.help);
        }
        // Trusted authors keep what the README documents.
        assert!(render("[x](javascript:void(0))").is_ok());
    }

    #[test]
    fn raw_html_off_reports_every_script_link_in_order() {
        let body = "## A\n\n[a](javascript:a)\n\n[ok](https://a.org)\n\n![b](data:text/html,b)\n\n<vbscript:c>\n";
        let err = render_with(body, &untrusted()).unwrap_err();
        let offsets: Vec<usize> = std::iter::once(err.offset)
            .chain(err.more.iter().map(|e| e.offset))
            .collect();
        assert_eq!(
            offsets,
            [
                body.find("[a]").unwrap(),
                body.find("![b]").unwrap(),
                body.find("<vb").unwrap()
            ]
        );
        assert!(
            err.more[0]
                .message
                .starts_with("`data:` images are not allowed unless PNG"),
            "{}",
            err.more[0].message
        );
        assert!(err.more[1].message.contains("`vbscript:`"));
        // An error that stops the render early keeps those found before it.
        let err = render_with(
            "[a](javascript:a)\n\n## B {#x}\n\n## C {#x}\n",
            &untrusted(),
        )
        .unwrap_err();
        assert!(err.message.contains("`javascript:`"), "{}", err.message);
        assert!(err.more[0].message.contains("used twice"));
    }

    #[test]
    fn raw_html_off_allows_ordinary_links_and_raster_data_images() {
        let body = "[a](https://un.org) [b](http://a) [c](mailto:a@b.org) [d](/x) [e](../y#z) \
                    [f](#top) [g](@/sahel/mali.md#x) [h](a/b:c) <https://x.org> <a@b.org> \
                    ![i](map.png) ![j](https://a.org/m.jpg) ![k](data:image/png;base64,iVBORw0KGgo=)";
        let r = render_with(body, &untrusted()).unwrap();
        assert_eq!(r.links.len(), 13);
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn raw_html_off_keeps_only_id_and_classes_of_headings() {
        // `### Sub {onfocus=alert(1) tabindex=1 autofocus}` ran script on
        // load in Chromium with raw HTML off (issue #14).
        let body = "## A\n\n### Sub {onfocus=alert(1) tabindex=1 autofocus}\n\n#### Kept {#kept .wide onclick=x}\n\n# One {style=x}\n\nText[^1].\n\n[^1]: ### In note {onmouseover=x}\n";
        let r = render_with(body, &untrusted()).unwrap();
        let html = r.full_html();
        for gone in [
            "onfocus",
            "tabindex",
            "autofocus",
            "onclick",
            "style",
            "onmouseover",
        ] {
            assert!(!html.contains(gone), "{gone}: {html}");
        }
        assert!(html.contains("<h3 id=\"sub\">Sub</h3>"), "{html}");
        assert!(
            html.contains("<h4 id=\"kept\" class=\"wide\">Kept</h4>"),
            "{html}"
        );
        let messages: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(
            messages[0].contains("attributes `onfocus`, `tabindex`, `autofocus` were dropped"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("attribute `onclick` was dropped"),
            "{}",
            messages[1]
        );
        assert_eq!(r.warnings[0].offset, body.find("### Sub").unwrap());
        // Trusted authors keep today's attributes.
        let trusted = render(body).unwrap().full_html();
        assert!(trusted.contains("onfocus=\"alert(1)\""), "{trusted}");
        assert!(render(body).unwrap().warnings.is_empty());
    }

    #[test]
    fn whole_body_escapes_section_ids() {
        // Found by the `markdown` fuzz target's event-handler check: an
        // explicit id may hold `"`, and the whole body (`page.content`)
        // wrote section ids unescaped, so `{#a"onfocus=…}` became an
        // attribute. Sub-headings were already escaped by pulldown-cmark.
        let body = "## A {#a\"onfocus=\"alert(1)\"}\n\n### B {#b\"onclick=x}\n";
        let html = render_with(body, &untrusted()).unwrap().full_html();
        assert!(!html.contains("\"onfocus"), "{html}");
        assert!(
            html.contains("<h2 id=\"a&quot;onfocus=&quot;alert(1)&quot;\">"),
            "{html}"
        );
        assert!(!html.contains("\"onclick"), "{html}");
    }

    #[test]
    fn headings_in_footnotes_and_id_attributes_never_repeat_an_id() {
        // Found by the `page` fuzz target's unique-id check: an explicit id
        // on a heading inside a footnote, or an `id=` heading attribute,
        // went round the page's id set.
        let e = render("## A\n\nText[^1].\n\n[^1]: # B {#a}\n").unwrap_err();
        assert!(e.message.contains("`a` is used twice"), "{}", e.message);
        let r = render("Text[^1].\n\n[^1]: # B {#b}\n\n## B\n").unwrap();
        assert!(r.ids.contains(&"b".to_string()));
        assert_eq!(r.sections[0].id, "b-2");
        let r = render("## Z\n\n### B {#b id=a}\n\n### C {ID=a}\n").unwrap();
        let html = r.full_html();
        assert!(
            !html.contains("id=\"a\"") && !html.contains("ID="),
            "{html}"
        );
        assert!(html.contains("<h3 id=\"b\">"), "{html}");
    }

    #[test]
    fn heading_ids_never_clash_with_footnote_ids() {
        // Found by the `markdown` fuzz target's unique-id check: a heading
        // slugged or named `fn-a` gave the page two elements with that id.
        let r = render("## Fn a\n\n### Fnref a\n\nText[^a].\n\n[^a]: Note.\n").unwrap();
        let mut seen = std::collections::HashSet::new();
        assert!(r.ids.iter().all(|id| seen.insert(id)), "{:?}", r.ids);
        assert_eq!(r.sections[0].id, "section-fn-a");
        assert!(r.ids.contains(&"section-fnref-a".to_string()));
        for explicit in ["{#fn-a}", "{#fnref-a}"] {
            let e =
                render(&format!("## Head {explicit}\n\nText[^a].\n\n[^a]: Note.\n")).unwrap_err();
            assert!(e.message.contains("kept for footnotes"), "{}", e.message);
        }
    }

    #[test]
    fn heading_slug_avoids_template_ids() {
        let r = render("## Sources\n").unwrap();
        assert_eq!(r.sections[0].id, "sources-2");
    }

    #[test]
    fn errors_on_duplicate_explicit_id() {
        let err = render("## A {#x}\n\n## B {#x}\n").unwrap_err();
        assert_eq!(err.offset, 11);
        assert!(err.message.contains("`x` is used twice"));
    }

    #[test]
    fn footnotes_are_numbered_by_reference_and_gathered() {
        let r =
            render("## A\n\nSee[^b] and[^a].\n\n[^a]: First def.\n\n## B\n\n[^b]: Second def.\n")
                .unwrap();
        assert!(
            r.sections[0]
                .html
                .contains("href=\"#fn-b\" aria-describedby=\"footnotes-label\">1</a>")
        );
        assert!(
            r.sections[0]
                .html
                .contains("href=\"#fn-a\" aria-describedby=\"footnotes-label\">2</a>")
        );
        assert!(!r.sections[1].html.contains("Second def"));
        let b = r.footnotes_html.find("Second def").unwrap();
        let a = r.footnotes_html.find("First def").unwrap();
        assert!(b < a, "{}", r.footnotes_html);
        assert!(r.ids.contains(&"fn-a".to_string()));
        assert!(r.ids.contains(&"fnref-b".to_string()));
    }

    #[test]
    fn repeated_references_never_share_an_id_with_another_note() {
        // `a` and `A` get the slugs `a` and `a-2`; the second reference to
        // `a` once took `fnref-a-2`, the id of `A`'s first reference.
        let r = render("T[^a] T[^a] T[^A].\n\n[^a]: One.\n[^A]: Two.\n").unwrap();
        let mut ids = r.ids.clone();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "{:?}", r.ids);
        let html = r
            .sections
            .iter()
            .map(|s| s.html.as_str())
            .collect::<String>()
            + &r.intro_html;
        let count = |id: &str| html.matches(&format!("id=\"{id}\"")).count();
        assert_eq!(count("fnref-a"), 1);
        assert_eq!(count("fnref-a_2"), 1);
        assert_eq!(count("fnref-a-2"), 1);
    }

    #[test]
    fn many_footnotes_cost_linear_time() {
        // Each new reference counted the notes numbered before it, so
        // 80,000 notes took 8 s; the bound is loose for a busy machine.
        let n = 40_000;
        let refs: String = (0..n).map(|i| format!("T[^n{i}]\n")).collect();
        let defs: String = (0..n).map(|i| format!("[^n{i}]: N.\n\n")).collect();
        let body = format!("{refs}\n{defs}");
        let start = std::time::Instant::now();
        let r = render(&body).unwrap();
        let took = start.elapsed();
        assert!(
            r.footnotes_html
                .contains("<li id=\"fn-n39999\" value=\"40000\">")
        );
        assert!(took < std::time::Duration::from_secs(4), "{took:?}");
    }

    #[test]
    fn collects_links_and_images() {
        let r = render("[a](https://x.org) ![i](p.png)").unwrap();
        assert_eq!(r.links.len(), 2);
        assert!(r.links[1].image);
        assert_eq!(r.links[0].offset, 0);
    }

    #[test]
    fn lone_images_become_figures_with_size_and_caption() {
        let size = |src: &str| (src == "map.png").then_some((640, 480));
        let options = RenderOptions {
            raw_html: true,
            image_size: &size,
            words: true,
        };
        let r = render_with(
            "![Map of Mali](map.png \"The north\")\n\nText ![x](b.png) more.\n",
            &options,
        )
        .unwrap();
        assert_eq!(
            r.intro_html,
            "<figure><img src=\"map.png\" alt=\"Map of Mali\" width=\"640\" height=\"480\" decoding=\"async\"><figcaption>The north</figcaption></figure>\n<p>Text <img src=\"b.png\" alt=\"x\" loading=\"lazy\" decoding=\"async\"> more.</p>\n"
        );
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn raw_html_passes_through_or_is_escaped() {
        let body =
            "<div class=\"x\">block</div>\n\nInline <b>bold</b> and <script>alert(1)</script>.\n";
        let trusted = render(body).unwrap();
        assert!(trusted.intro_html.contains("<div class=\"x\">block</div>"));
        let options = RenderOptions {
            raw_html: false,
            ..RenderOptions::default()
        };
        let escaped = render_with(body, &options).unwrap();
        assert!(
            !escaped.intro_html.contains("<script>"),
            "{}",
            escaped.intro_html
        );
        assert!(
            escaped
                .intro_html
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        );
        assert!(
            escaped
                .intro_html
                .contains("&lt;div class=&quot;x&quot;&gt;")
                || escaped.intro_html.contains("&lt;div class=\"x\"&gt;")
        );
    }

    #[test]
    fn images_without_alt_are_warnings() {
        let r = render("![](a.png)").unwrap();
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].message.contains("no alt text"));
    }

    #[test]
    fn keeps_curly_quotes_and_dashes_verbatim() {
        let text = "Mali’s “two heads” – said.";
        let r = render(text).unwrap();
        assert_eq!(r.intro_html, format!("<p>{text}</p>\n"));
    }

    /// The byte-at-a-time count `plain_run` must agree with (slow bytes are
    /// shared, through `slow_step`).
    fn reference_line_words(line: &str) -> usize {
        let bytes = line.as_bytes();
        let mut i = line_start(bytes);
        let (mut count, mut in_word) = (0, false);
        while i < bytes.len() {
            let f = FLAGS[usize::from(bytes[i])];
            if f & SLOW != 0 {
                i = slow_step(line, i, &mut count, &mut in_word);
                continue;
            }
            if f & ALNUM != 0 {
                count += usize::from(!in_word);
                in_word = true;
            } else if f & SPACE != 0 {
                in_word = false;
            }
            i += 1;
        }
        count
    }

    #[test]
    fn block_word_count_agrees_with_byte_at_a_time() {
        // Lines across the 64-byte block edge, with words, punctuation runs
        // and separators landing on every position of a block.
        let pieces = [
            "a", "bc", "e.g.", "3,000", " ", "  ", "/", "--", "...", "x|y", "’", "é", "[l](u)",
            "<b>", "—", "z9", "(", ")", "\t",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut line = String::new();
            let len = 1 + (seed % 40) as usize;
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            assert_eq!(line_words(&line), reference_line_words(&line), "{line:?}");
        }
        let long = "word ".repeat(40) + &"x.".repeat(70) + " end";
        assert_eq!(line_words(&long), reference_line_words(&long));
        assert_eq!(line_words(&long), 42);
    }

    #[test]
    fn word_counts() {
        assert_eq!(count_words("Mali’s stand-by force – 3,000 soldiers"), 5);
        assert_eq!(count_words("  "), 0);
        assert_eq!(count_words("it's **bold** and ~~struck~~, *so* said"), 6);
    }

    #[test]
    fn word_counts_leave_out_markup_readers_do_not_see() {
        let cases = [
            ("## The request {#request .wide}", 2),
            ("See [the UN](https://un.org/a/b \"UN (home)\") now.", 4),
            ("See [the UN][un] now.\n\n[un]: https://un.org/a/b", 4),
            ("Said so.[^note]\n\n[^note]: Two words.", 4),
            ("<div class=\"x\">Inside</div> <https://un.org/x>", 1),
            ("1. First\n2) Second\n   10. Tenth", 3),
            ("> > Quoted text", 2),
            ("```rust\nlet x = 1;\n```", 3),
            ("| Year | Troops |\n|---|---|\n| 2012 | 3,300 |", 4),
            ("A [broken](link and a < b {c}", 6),
            ("Ségou — Mopti", 2),
        ];
        for (text, want) in cases {
            assert_eq!(count_words(text), want, "{text}");
        }
    }

    #[test]
    fn section_word_counts_add_up_to_the_body() {
        let body =
            "Intro words.\n\n## One\n\nA b c.[^n]\n\n## Two {#two}\n\nD.\n\n[^n]: Note here.\n";
        let r = render(body).unwrap();
        assert_eq!(r.words, count_words(body));
        assert_eq!(r.sections[0].words, 4);
        assert_eq!(
            r.sections[1].words, 4,
            "its heading, its text and the note written in it"
        );
        assert_eq!(r.words, 2 + 4 + 4);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = ">".repeat(10_000) + " x\n";
        assert!(render(&deep).is_ok());
        let list = (0..10_000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>();
        assert!(render(&list).is_ok());
    }
}
