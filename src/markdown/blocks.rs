//! Blocks brief renders its own way: attributed quotes, captioned tables,
//! and the table of contents built from the headings.

use super::{TocEntry, escape_attr};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd, html};

/// A blockquote whose last paragraph starts with an em dash (`---` in the
/// source) becomes a figure with that paragraph as its attribution:
/// `<figure class="quote"><blockquote>…</blockquote><figcaption>…`.
/// `at` is where the blockquote starts in `events`, which ends with it.
pub(super) fn attribute_quote(events: &mut Vec<Event<'_>>, at: usize) {
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
pub(super) fn open_table<'a>(
    events: &mut Vec<Event<'a>>,
    paragraph_start: usize,
    table: Event<'a>,
    unnamed: &str,
) {
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
        unnamed.to_string()
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

/// A heading's level as a number, 1 to 6.
pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The table of contents from the headings in order (level, id, title).
pub(super) fn build_toc(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
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
