//! The render itself: one pass over pulldown-cmark's events, each kind of
//! event handled by its own method of [`Renderer`], which holds what the
//! pass has gathered so far.

use super::blocks::{attribute_quote, build_toc, heading_level, open_table};
use super::footnotes::Footnotes;
use super::untrusted::{escape_raw, guard, without_id};
use super::{
    Link, MarkdownError, RESERVED_IDS, RenderOptions, Rendered, Section, escape_attr, escape_text,
    extensions, is_footnote_id,
};
use crate::slug::IdSet;
use crate::words::count_words;
use pulldown_cmark::{CowStr, Event, HeadingLevel, OffsetIter, Parser, Tag, TagEnd, html};
use std::fmt::Write;
use std::ops::Range;

/// An image that may be alone in its paragraph, and so become a figure.
struct PendingImage {
    /// Where its tag is in the events of the section.
    at: usize,
    /// Its `<img …>` tag without the title.
    tag: String,
    /// Its title, the figure's caption.
    caption: String,
}

/// One render of one body: the events still to come and everything
/// gathered from those already seen.
pub(super) struct Renderer<'a, 'o> {
    body: &'a str,
    options: &'o RenderOptions<'o>,
    parser: OffsetIter<'a>,
    out: Rendered,
    /// Problems found so far; the render goes on past each.
    errors: Vec<MarkdownError>,
    /// Ids of headings (footnotes have their own).
    ids: IdSet,
    notes: Footnotes,
    /// Events of the current section body, rendered when it ends.
    current: Vec<Event<'a>>,
    /// The section `current` belongs to; none for the intro.
    open_section: Option<Section>,
    /// Where each `## ` heading starts, to count the words of its section.
    section_starts: Vec<usize>,
    /// Every heading in order: level, id, plain title.
    toc_flat: Vec<(u8, String, String)>,
    /// Images rendered so far; all but the first load lazily.
    images: usize,
    /// Where the last paragraph starts in `current`.
    paragraph_start: usize,
    last_image: Option<PendingImage>,
    /// Where each open blockquote starts in `current`.
    quotes: Vec<usize>,
    /// Offset and line the last line number was counted to: lines are
    /// counted on from the previous heading, not from the start.
    counted_to: (usize, usize),
}

impl<'a, 'o> Renderer<'a, 'o> {
    /// A render of `body`, not started.
    pub(super) fn new(body: &'a str, options: &'o RenderOptions<'o>) -> Self {
        Renderer {
            body,
            options,
            parser: Parser::new_ext(body, extensions()).into_offset_iter(),
            out: Rendered::default(),
            errors: Vec::new(),
            ids: IdSet::with_reserved(RESERVED_IDS),
            notes: Footnotes::default(),
            current: Vec::new(),
            open_section: None,
            section_starts: Vec::new(),
            toc_flat: Vec::new(),
            images: 0,
            paragraph_start: usize::MAX,
            last_image: None,
            quotes: Vec::new(),
            counted_to: (0, 1),
        }
    }

    /// Renders the whole body; every problem found, in order, if any.
    pub(super) fn run(mut self) -> (Rendered, Vec<MarkdownError>) {
        while let Some((event, range)) = self.next() {
            self.event(event, range);
        }
        self.finish()
    }

    /// The next event, checked and with its link resolved: every event
    /// passes here, in headings and footnotes as much as in the text, so
    /// every link is recorded, resolved and (without raw HTML) checked.
    fn next(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        let (mut event, range) = self.parser.next()?;
        if !self.options.raw_html {
            event = guard(event, &range, &mut self.errors, &mut self.out.warnings);
        }
        match &mut event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.out.links.push(Link {
                    url: dest_url.to_string(),
                    offset: range.start,
                    image: false,
                });
                match (self.options.resolve_link)(dest_url) {
                    Ok(Some(href)) => *dest_url = CowStr::from(href),
                    Ok(None) => {}
                    Err(problem) => self.errors.push(MarkdownError {
                        offset: range.start,
                        len: range.len(),
                        message: problem.message,
                        help: problem.help,
                    }),
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => self.out.links.push(Link {
                url: dest_url.to_string(),
                offset: range.start,
                image: true,
            }),
            _ => {}
        }
        Some((event, range))
    }

    /// Handles one event outside headings, footnote definitions and images.
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(level, id, classes, attrs, range),
            Event::Start(Tag::FootnoteDefinition(label)) => self.footnote_definition(&label),
            Event::FootnoteReference(label) => {
                let html = self.notes.reference(&label);
                self.current.push(Event::InlineHtml(CowStr::from(html)));
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => self.image(&dest_url, &title, range),
            Event::Start(Tag::Paragraph) => {
                self.paragraph_start = self.current.len();
                self.current.push(event);
            }
            Event::End(TagEnd::Paragraph) => self.end_paragraph(event),
            Event::Start(Tag::BlockQuote(_)) => {
                self.quotes.push(self.current.len());
                self.current.push(event);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.current.push(event);
                if let Some(at) = self.quotes.pop() {
                    attribute_quote(&mut self.current, at);
                }
            }
            Event::Start(Tag::Table(_)) => open_table(
                &mut self.current,
                self.paragraph_start,
                event,
                self.options.labels.table,
            ),
            Event::End(TagEnd::Table) => {
                self.current.push(event);
                self.current.push(Event::Html(CowStr::from("</div>\n")));
            }
            other => self.current.push(escape_raw(other, self.options.raw_html)),
        }
    }

    /// A heading: a `## ` one opens a section, others stay in the current one.
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        range: Range<usize>,
    ) {
        let mut inline = Vec::new();
        let mut text = String::new();
        while let Some((e, _)) = self.next() {
            if matches!(e, Event::End(TagEnd::Heading(_))) {
                break;
            }
            if let Event::Text(t) | Event::Code(t) = &e {
                text.push_str(t);
            }
            inline.push(escape_raw(e, self.options.raw_html));
        }
        let id = match explicit {
            Some(explicit) => self.claim(&explicit, &range),
            None => {
                let slug = crate::slug::slugify(&text);
                // "Fn 1" would slug to `fn-1`, a footnote's id.
                if is_footnote_id(&slug) {
                    self.ids.unique(&format!("section {text}"), "section")
                } else {
                    self.ids.unique_slug(slug, "section")
                }
            }
        };
        let title = text.trim().to_string();
        self.toc_flat
            .push((heading_level(level), id.clone(), title.clone()));
        if level == HeadingLevel::H2 {
            self.open_section(id, title, inline, range.start);
        } else {
            self.current.push(Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(id)),
                classes,
                attrs: without_id(attrs),
            }));
            self.current.extend(inline);
            self.current.push(Event::End(TagEnd::Heading(level)));
        }
    }

    /// Takes `explicit`, a heading's `{#id}`, for the heading at `range`.
    /// One the page has already, or one kept for footnotes, is an error;
    /// the heading then gets a fresh id so the render can go on.
    fn claim(&mut self, explicit: &str, range: &Range<usize>) -> String {
        let (message, help) = if is_footnote_id(explicit) {
            (
                format!("the id `{explicit}` is kept for footnotes"),
                "ids starting with `fn-` or `fnref-` link footnotes; choose another id".to_string(),
            )
        } else if self.ids.claim(explicit) {
            return explicit.to_string();
        } else if RESERVED_IDS.contains(&explicit) {
            (
                format!("the id `{explicit}` is kept for the page template"),
                format!(
                    "the page template gives `{explicit}` to a part of every page (whether or not this one shows it); choose another id"
                ),
            )
        } else {
            (
                format!("the id `{explicit}` is used twice on this page"),
                "give each heading its own id".to_string(),
            )
        };
        self.errors.push(MarkdownError {
            offset: range.start,
            len: range.len(),
            message,
            help,
        });
        if is_footnote_id(explicit) {
            self.ids.unique(&format!("section {explicit}"), "section")
        } else {
            self.ids.unique_slug(explicit.to_string(), "section")
        }
    }

    /// Ends the open section (or the intro) and opens the one of the `## `
    /// heading at `start`.
    fn open_section(&mut self, id: String, title: String, inline: Vec<Event<'a>>, start: usize) {
        let from = self.section_starts.last().copied().unwrap_or(0);
        self.finish_section(start - from);
        self.section_starts.push(start);
        let mut title_html = String::new();
        html::push_html(&mut title_html, inline.into_iter());
        let line = self.line_of(start);
        self.open_section = Some(Section {
            id,
            title,
            title_html,
            html: String::new(),
            words: 0,
            line,
            text: String::new(),
        });
    }

    /// The 1-based line of `offset`, counted on from the last one asked.
    fn line_of(&mut self, offset: usize) -> usize {
        let (from, line) = self.counted_to;
        let to = offset.clamp(from, self.body.len());
        let line = line
            + self.body.as_bytes()[from..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
        self.counted_to = (to, line);
        line
    }

    /// Renders the gathered events into the open section, or the intro
    /// when none is open; `source_len` is the length of its Markdown,
    /// which its HTML is a little longer than.
    fn finish_section(&mut self, source_len: usize) {
        let mut html_out = String::with_capacity(source_len + source_len / 4);
        let text = if self.options.plain_text {
            plain_text(&self.current, source_len)
        } else {
            String::new()
        };
        html::push_html(&mut html_out, self.current.drain(..));
        match self.open_section.take() {
            Some(mut s) => {
                s.html = html_out;
                s.text = text;
                self.out.sections.push(s);
            }
            None => {
                self.out.intro_html = html_out;
                self.out.intro_text = text;
            }
        }
    }

    /// A footnote definition: rendered on its own, for the list at the end.
    fn footnote_definition(&mut self, label: &str) {
        let mut inner = Vec::new();
        let mut depth = 0usize;
        while let Some((e, r)) = self.next() {
            // A heading inside a note keeps its explicit id only if the
            // page has no other element with it.
            let e = match e {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let id = id.map(|explicit| {
                        let id = self.claim(&explicit, &r);
                        self.out.ids.push(id.clone());
                        CowStr::from(id)
                    });
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
            inner.push(escape_raw(e, self.options.raw_html));
        }
        let mut html_out = String::new();
        html::push_html(&mut html_out, inner.into_iter());
        self.notes.define(label, html_out);
    }

    /// An image: its own `<img>` tag with size and lazy loading, kept
    /// aside in case it is alone in its paragraph.
    fn image(&mut self, dest_url: &str, title: &str, range: Range<usize>) {
        let mut alt = String::new();
        while let Some((e, _)) = self.next() {
            match e {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
        }
        if alt.trim().is_empty() {
            self.out.warnings.push(MarkdownError {
                offset: range.start,
                len: range.len(),
                message: format!("the image `{dest_url}` has no alt text"),
                help: "describe the image for readers who cannot see it: ![a map of northern Mali](map.png)".to_string(),
            });
        }
        self.images += 1;
        let src = self
            .options
            .image_src
            .and_then(|f| f(dest_url))
            .unwrap_or_else(|| dest_url.to_string());
        let mut tag = format!(
            "<img src=\"{}\" alt=\"{}\"",
            escape_attr(&src),
            escape_attr(alt.trim())
        );
        if let Some((w, h)) = (self.options.image_size)(dest_url) {
            let _ = write!(tag, " width=\"{w}\" height=\"{h}\"");
        }
        // The first image is likely in view on load; later ones can wait.
        if self.images > 1 {
            tag.push_str(" loading=\"lazy\"");
        }
        tag.push_str(" decoding=\"async\"");
        let caption = title.trim().to_string();
        let inline_tag = if caption.is_empty() {
            format!("{tag}>")
        } else {
            format!("{tag} title=\"{}\">", escape_attr(&caption))
        };
        self.last_image = Some(PendingImage {
            at: self.current.len(),
            tag: format!("{tag}>"),
            caption,
        });
        self.current
            .push(Event::InlineHtml(CowStr::from(inline_tag)));
    }

    /// The end of a paragraph: one holding only an image becomes a
    /// figure, the image's title its caption.
    fn end_paragraph(&mut self, event: Event<'a>) {
        match self.last_image.take() {
            Some(image)
                if image.at == self.paragraph_start + 1 && self.current.len() == image.at + 1 =>
            {
                self.current.truncate(self.paragraph_start);
                let figure = if image.caption.is_empty() {
                    format!("<figure>{}</figure>\n", image.tag)
                } else {
                    format!(
                        "<figure>{}<figcaption>{}</figcaption></figure>\n",
                        image.tag,
                        escape_text(&image.caption)
                    )
                };
                self.current.push(Event::Html(CowStr::from(figure)));
            }
            _ => self.current.push(event),
        }
    }

    /// Once every event is handled: the last section, the footnotes, the
    /// ids, the contents and the word counts, with the problems found.
    fn finish(mut self) -> (Rendered, Vec<MarkdownError>) {
        let mut errors = std::mem::take(&mut self.errors);
        errors.sort_by_key(|e| e.offset);
        self.out.warnings.sort_by_key(|w| w.offset);
        let from = self.section_starts.last().copied().unwrap_or(0);
        self.finish_section(self.body.len() - from);
        self.out.footnotes_html = self.notes.finish(&self.options.labels);
        self.out.ids.extend(self.notes.ids());
        self.out
            .ids
            .extend(self.toc_flat.iter().map(|(_, id, _)| id.clone()));
        self.out.toc = build_toc(&self.toc_flat);
        // Each section counts from its heading to the next; notes count
        // where they are written.
        self.section_starts.push(self.body.len());
        let (body, lines) = (self.body, self.options.line_words);
        let words = |from: usize, to: usize| {
            lines
                .and_then(|l| l.between(from, to, body.len()))
                .unwrap_or_else(|| count_words(&body[from..to]))
        };
        self.out.words = words(0, self.section_starts[0]);
        for (s, bounds) in self
            .out
            .sections
            .iter_mut()
            .zip(self.section_starts.windows(2))
        {
            s.words = words(bounds[0], bounds[1]);
            self.out.words += s.words;
        }
        (self.out, errors)
    }
}

/// The words of `events` as plain text: text and code as written, a space
/// for each line break and between blocks; raw HTML, footnote markers and
/// markup left out. Runs of white space become one space.
fn plain_text(events: &[Event<'_>], capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => {
                for (k, word) in t.split_whitespace().enumerate() {
                    if k > 0 || t.starts_with(char::is_whitespace) {
                        space(&mut out);
                    }
                    out.push_str(word);
                }
                if t.ends_with(char::is_whitespace) {
                    space(&mut out);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::Image,
            ) => space(&mut out),
            _ => {}
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out
}
