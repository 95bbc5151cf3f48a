//! Markdown to HTML, split into the sections of a briefing.
//!
//! Each `## ` heading opens a section. The heading itself is not part of the
//! section's HTML: templates render it, so they control the markup of the
//! self-link. Footnotes are numbered in order of first reference and gathered
//! at the end, whichever section defines them.
//!
//! A render reports every problem of a body at once: it goes on past a
//! repeated id or a refused link and returns them all, in order.

mod blocks;
mod footnotes;
mod render;
mod untrusted;

use pulldown_cmark::Options;
use serde::Serialize;
use std::fmt::Write;

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
    "documents",
    "correction-notice",
    "correction-notice-title",
    "cite",
    "cite-title",
    "related",
    "site-header",
    "site-footer",
];

/// Prefixes of the ids footnotes and their references get (`fn-note`,
/// `fnref-note`, `fnref-note_2` for a second reference); heading ids never
/// start with them, so the two can never clash whatever a footnote is called.
pub const FOOTNOTE_ID_PREFIXES: &[&str] = &["fn-", "fnref-"];

/// Whether `id` is one footnotes could get.
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
    /// The section's body as plain text, for the search index; empty
    /// unless [`RenderOptions::plain_text`] asked for it.
    #[serde(skip)]
    pub text: String,
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
    /// The target as written (before any resolution).
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
    /// The intro as plain text, when [`RenderOptions::plain_text`] asked.
    #[serde(skip)]
    pub intro_text: String,
    /// The sections in order.
    pub sections: Vec<Section>,
    /// Headings as a tree: sections with their sub-headings.
    pub toc: Vec<TocEntry>,
    /// The footnotes as an ordered list, or empty.
    pub footnotes_html: String,
    /// Words in the whole body.
    pub words: usize,
    /// Every link and image target, in order, wherever it is (text,
    /// headings, footnotes).
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
}

/// Why a link target could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    /// What is wrong, as an error message.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The pulldown-cmark extensions briefings use.
pub fn extensions() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The `src` written for an image as written, or `None` to write it as is.
pub type ImageSrc<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// How to render a body.
pub struct RenderOptions<'a> {
    /// Pass raw HTML through (authors are trusted by default); when false it
    /// is escaped and shows as text.
    pub raw_html: bool,
    /// The pixel size of an image, so pages can reserve its space before it loads.
    pub image_size: &'a (dyn Fn(&str) -> Option<(u32, u32)> + 'a),
    /// Called with every link target as written (not images); Ok(Some(href)) writes
    /// href in its place, Ok(None) leaves it as written, Err is a located error at the link.
    pub resolve_link: &'a (dyn Fn(&str) -> Result<Option<String>, LinkProblem> + 'a),
    /// The body's words counted line by line when it was loaded, so
    /// sections are counted without reading the text again; `None` counts
    /// them here.
    pub line_words: Option<&'a crate::words::LineWords>,
    /// The `src` to write for an image as written, when it is not that:
    /// the single-file edition writes images as `data:` URIs.
    pub image_src: Option<&'a ImageSrc<'a>>,
    /// The words the rendered body adds of its own, in the page's language.
    pub labels: Labels<'a>,
    /// Also give each section's text as plain text (for the search index):
    /// the words readers see, without markup, raw HTML or note markers.
    pub plain_text: bool,
}

/// The words a rendered body adds of its own: the heading of the notes,
/// the label of a note's way back, the name of an unnamed table. English
/// by default; the site's interface strings in its other languages.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// The heading of the notes: "Notes".
    pub notes: &'a str,
    /// A note's link back to its reference, `{number}` its number:
    /// "Back to reference {number}".
    pub back_to_reference: &'a str,
    /// The name of a table without a `Table:` caption: "Table".
    pub table: &'a str,
}

impl Default for Labels<'_> {
    fn default() -> Self {
        Labels {
            notes: "Notes",
            back_to_reference: "Back to reference {number}",
            table: "Table",
        }
    }
}

impl Default for RenderOptions<'_> {
    fn default() -> Self {
        RenderOptions {
            raw_html: true,
            image_size: &|_| None,
            resolve_link: &|_| Ok(None),
            line_words: None,
            image_src: None,
            labels: Labels::default(),
            plain_text: false,
        }
    }
}

/// Renders a Markdown body into sections, raw HTML allowed and links left
/// as written.
pub fn render(body: &str) -> Result<Rendered, Vec<MarkdownError>> {
    render_with(body, &RenderOptions::default())
}

/// Renders a Markdown body into sections. Every problem found (an id used
/// twice, a script link while raw HTML is off, a link the resolver refuses)
/// is reported, in order of offset; the render goes on past each one.
pub fn render_with(
    body: &str,
    options: &RenderOptions<'_>,
) -> Result<Rendered, Vec<MarkdownError>> {
    let (rendered, problems) = render_anyway(body, options);
    if problems.is_empty() {
        Ok(rendered)
    } else {
        Err(problems)
    }
}

/// [`render_with`], giving the body as rendered even when there are
/// problems (a repeated id is given a fresh one, a refused link is left as
/// written), so the rest of the page can still be checked in the same run.
pub fn render_anyway(body: &str, options: &RenderOptions<'_>) -> (Rendered, Vec<MarkdownError>) {
    render::Renderer::new(body, options).run()
}

/// `s` escaped for a double-quoted HTML attribute.
fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

/// `s` escaped for HTML text.
pub(crate) fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests;
