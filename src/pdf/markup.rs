//! A briefing's Markdown body turned into Typst markup, from the
//! pulldown-cmark events, so the PDF template can show it.
//!
//! Author text never becomes Typst code: every piece of text is written
//! with each ASCII punctuation character escaped (`\#`, `\$`, `\<`, `\@`,
//! `\\`…), and text that must go inside a Typst string (a URL, code, an
//! image's description) is written as a string literal with its quotes,
//! backslashes and control characters escaped. Structure (headings, lists,
//! emphasis, footnotes, tables) is written as calls to Typst's own
//! functions with content blocks (`#strong[…]`, `#list([…], […])`), so
//! no line of author text can start a heading, a list item or a comment.

use crate::markdown;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::fmt::Write as _;

/// What the converter needs to know about the site while it writes.
pub struct Context<'a> {
    /// The absolute URL of a link target as written, or `None` when the
    /// link cannot leave the PDF (an `#anchor`, a relative link on a site
    /// without `base_url`): its text is kept, unlinked.
    pub link: &'a dyn Fn(&str) -> Option<String>,
    /// The virtual path of an image as written, when the site has it
    /// (`None`: its description is printed instead).
    pub image: &'a dyn Fn(&str) -> Option<String>,
    /// Whether raw HTML is passed through on the page: then it is left out
    /// of the PDF (it is markup, not text); otherwise it is printed as text,
    /// as the page shows it.
    pub raw_html: bool,
}

/// `text` as Typst markup that shows exactly these characters.
#[cfg(test)]
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out` as Typst markup showing exactly these characters:
/// ASCII punctuation is escaped with a backslash, line breaks and tabs
/// become spaces (a line break could start a heading or a list item).
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
}

/// `text` as a Typst string literal, quotes included.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An open element, and what closing it writes.
enum Open {
    /// Closed by `]`.
    Block,
    /// A list item, closed by `],`.
    Item,
    /// A list, closed by `)`.
    List,
    /// A link that goes nowhere: its text only.
    Nothing,
    /// A table cell, closed by `],`.
    Cell,
    /// A code block: its text is gathered and written as one string.
    Code,
    /// An image: its description is gathered, not written.
    Image { path: Option<String>, title: String },
}

/// Turns Markdown events into Typst markup.
struct Writer<'c, 'a> {
    cx: &'c Context<'a>,
    out: String,
    open: Vec<Open>,
    /// The text of the image being read (its description).
    alt: Option<String>,
    /// Footnote definitions, as markup, by label.
    notes: HashMap<String, String>,
    /// Labels of footnotes already shown once, and their number.
    shown: HashMap<String, usize>,
    /// Alignment of the columns of the table being written.
    columns: Vec<Alignment>,
    /// Whether the table row being written is the header.
    in_head: bool,
}

/// The body `markdown` as Typst markup.
pub fn convert(markdown: &str, cx: &Context<'_>) -> String {
    // Footnote definitions may come after their references: read them first.
    let mut first = Writer::new(cx, HashMap::new());
    let mut notes = HashMap::new();
    let mut label: Option<String> = None;
    for event in Parser::new_ext(markdown, markdown::extensions()) {
        match event {
            Event::Start(Tag::FootnoteDefinition(l)) => {
                label = Some(l.to_string());
                first.out.clear();
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(l) = label.take() {
                    notes.insert(l, std::mem::take(&mut first.out).trim().to_string());
                }
            }
            event if label.is_some() => first.event(event),
            _ => {}
        }
    }
    let mut writer = Writer::new(cx, notes);
    let mut skip = 0usize;
    for event in Parser::new_ext(markdown, markdown::extensions()) {
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => skip += 1,
            Event::End(TagEnd::FootnoteDefinition) => skip = skip.saturating_sub(1),
            event if skip == 0 => writer.event(event),
            _ => {}
        }
    }
    writer.out
}

impl<'c, 'a> Writer<'c, 'a> {
    fn new(cx: &'c Context<'a>, notes: HashMap<String, String>) -> Self {
        Writer {
            cx,
            out: String::new(),
            open: Vec::new(),
            alt: None,
            notes,
            shown: HashMap::new(),
            columns: Vec::new(),
            in_head: false,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                if let Some(alt) = &mut self.alt {
                    alt.push_str(&code);
                } else {
                    let _ = write!(self.out, "#raw({})", string(&code));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if !self.cx.raw_html {
                    self.text(&html);
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self
                .out
                .push_str("\n\n#line(length: 100%, stroke: 0.5pt)\n\n"),
            Event::FootnoteReference(label) => self.footnote(&label),
            Event::TaskListMarker(done) => self.out.push_str(if done { "☒ " } else { "☐ " }),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.text(&m),
        }
    }

    fn text(&mut self, text: &str) {
        match &mut self.alt {
            Some(alt) => alt.push_str(text),
            None => push_escaped(&mut self.out, text),
        }
    }

    fn footnote(&mut self, label: &str) {
        let n = self.shown.len();
        if let Some(k) = self.shown.get(label) {
            // A note referred to again points at the one already shown.
            let _ = write!(self.out, "#footnote(<brief-note-{k}>)");
            return;
        }
        let Some(note) = self.notes.get(label) else {
            self.text(&format!("[^{label}]"));
            return;
        };
        let _ = write!(self.out, "#footnote[{note}]<brief-note-{n}>");
        self.shown.insert(label.to_string(), n);
    }

    fn start(&mut self, tag: Tag<'_>) {
        let (open, write): (Open, String) = match tag {
            Tag::Paragraph => {
                self.out.push_str("\n\n");
                return;
            }
            Tag::Heading { level, .. } => {
                // `##` sections are the PDF's top level.
                let level = (level as usize).saturating_sub(1).max(1);
                (Open::Block, format!("\n\n#heading(level: {level})["))
            }
            Tag::BlockQuote(_) => (Open::Block, "\n\n#quote(block: true)[".into()),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) if !l.is_empty() => format!(", lang: {}", string(&l)),
                    _ => String::new(),
                };
                self.alt = Some(String::new());
                (Open::Code, format!("\n\n#raw(block: true{lang}, "))
            }
            Tag::List(start) => match start {
                Some(n) => (Open::List, format!("\n\n#enum(start: {n}, ")),
                None => (Open::List, "\n\n#list(".into()),
            },
            Tag::Item => (Open::Item, "[".into()),
            Tag::Emphasis => (Open::Block, "#emph[".into()),
            Tag::Strong => (Open::Block, "#strong[".into()),
            Tag::Strikethrough => (Open::Block, "#strike[".into()),
            Tag::Link { dest_url, .. } => match (self.cx.link)(&dest_url) {
                Some(url) => (Open::Block, format!("#link({})[", string(&url))),
                None => (Open::Nothing, String::new()),
            },
            Tag::Image {
                dest_url, title, ..
            } => {
                self.alt = Some(String::new());
                (
                    Open::Image {
                        path: (self.cx.image)(&dest_url),
                        title: title.to_string(),
                    },
                    String::new(),
                )
            }
            Tag::Table(columns) => {
                self.columns = columns;
                let align: Vec<&str> = self
                    .columns
                    .iter()
                    .map(|a| match a {
                        Alignment::Right => "right",
                        Alignment::Center => "center",
                        Alignment::Left | Alignment::None => "left",
                    })
                    .collect();
                (
                    Open::List,
                    format!(
                        "\n\n#table(columns: {}, align: ({},), ",
                        self.columns.len().max(1),
                        align.join(", ")
                    ),
                )
            }
            Tag::TableHead => {
                self.in_head = true;
                (Open::List, "table.header(".into())
            }
            Tag::TableRow => return,
            Tag::TableCell => (Open::Cell, "[".into()),
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => (Open::Nothing, String::new()),
        };
        self.out.push_str(&write);
        self.open.push(open);
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.out.push_str("\n\n");
                return;
            }
            TagEnd::TableRow | TagEnd::FootnoteDefinition => return,
            _ => {}
        }
        let Some(open) = self.open.pop() else {
            return;
        };
        match open {
            Open::Block => self.out.push(']'),
            Open::Item | Open::Cell => self.out.push_str("], "),
            Open::List => {
                self.out.push(')');
                if matches!(tag, TagEnd::TableHead) {
                    self.in_head = false;
                    self.out.push_str(", ");
                }
            }
            Open::Nothing => {}
            Open::Code => {
                let code = self.alt.take().unwrap_or_default();
                let _ = write!(self.out, "{})\n\n", string(code.trim_end_matches('\n')));
            }
            Open::Image { path, title } => {
                let alt = self.alt.take().unwrap_or_default();
                match path {
                    Some(path) => {
                        let image = format!("image({}, alt: {})", string(&path), string(&alt));
                        if title.is_empty() {
                            let _ = write!(self.out, "#box({image})");
                        } else {
                            let _ = write!(self.out, "#figure({image}, caption: [");
                            push_escaped(&mut self.out, &title);
                            self.out.push_str("])");
                        }
                    }
                    None => push_escaped(&mut self.out, &alt),
                }
            }
        }
        if matches!(tag, TagEnd::Heading(_) | TagEnd::BlockQuote(_)) {
            self.out.push_str("\n\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str) -> String {
        convert(
            md,
            &Context {
                link: &|u| u.starts_with("https://").then(|| u.to_string()),
                image: &|_| None,
                raw_html: false,
            },
        )
    }

    #[test]
    fn every_punctuation_character_is_escaped() {
        let s = escape("#set page(width: 1pt) $x$ <label> @ref \\ ` = - + / * _ ~ [ ] { } \" '");
        for (i, c) in s.char_indices() {
            if c.is_ascii_punctuation() && c != '\\' {
                assert_eq!(&s[i - 1..i], "\\", "unescaped {c} in {s}");
            }
        }
        assert!(s.starts_with("\\#set page\\(width\\: 1pt\\)"));
        assert!(s.contains("\\\\ "), "a backslash is doubled");
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(string("a\"b\\c\nd\u{7}"), "\"a\\\"b\\\\c\\nd\\u{7}\"");
    }

    #[test]
    fn structure_becomes_function_calls() {
        let out =
            plain("## Title\n\nSome *em* and **strong** [x](https://e.org/\"q).\n\n- a\n- b\n");
        assert!(out.contains("#heading(level: 1)[Title]"), "{out}");
        assert!(out.contains("#emph[em]"), "{out}");
        assert!(out.contains("#strong[strong]"), "{out}");
        assert!(
            out.contains("#link(\"https://e.org/%22q\")[x]")
                || out.contains("#link(\"https://e.org/\\\"q\")[x]"),
            "{out}"
        );
        assert!(out.contains("#list([a], [b], )"), "{out}");
    }

    #[test]
    fn footnotes_become_notes_where_they_are_referred_to() {
        let out = plain("Text.[^a] Again.[^a]\n\n[^a]: The *note*.\n");
        assert!(
            out.contains("#footnote[The #emph[note]\\.]<brief-note-0>"),
            "{out}"
        );
        assert!(out.contains("#footnote(<brief-note-0>)"), "{out}");
        assert!(!out.contains("[^a]"), "{out}");
    }

    #[test]
    fn code_is_a_string_literal() {
        let out = plain("Use `#import \"x\"` and\n\n```\n$y$ \\ `z`\n```\n");
        assert!(out.contains("#raw(\"#import \\\"x\\\"\")"), "{out}");
        assert!(out.contains("#raw(block: true, \"$y$ \\\\ `z`\")"), "{out}");
    }

    #[test]
    fn html_is_text_when_the_page_escapes_it() {
        let out = plain("A <label> here.\n");
        assert!(out.contains("A \\<label\\> here"), "{out}");
    }

    #[test]
    fn links_that_cannot_leave_the_pdf_keep_their_text() {
        let out = plain("See [the request](#request).\n");
        assert!(out.contains("See the request\\."), "{out}");
        assert!(!out.contains("#link"), "{out}");
    }
}
