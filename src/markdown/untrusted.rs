//! What `raw_html = false` refuses (script links) and drops (raw HTML,
//! heading attributes), checked on each event as it passes, in headings and
//! footnotes as much as in the text.

use super::MarkdownError;
use pulldown_cmark::{CowStr, Event, Tag};
use std::ops::Range;

/// Checks an event from a body whose authors are not trusted: a link or
/// image whose scheme could run script is an error pushed to `errors` (the
/// same rule as front matter URLs, see [`crate::frontmatter::check_scheme`]);
/// heading attributes other than `{#id}` and `{.class}` (`onfocus=…`,
/// `style=…`) are dropped with a warning pushed to `warnings`.
pub(super) fn guard<'a>(
    mut event: Event<'a>,
    range: &Range<usize>,
    errors: &mut Vec<MarkdownError>,
    warnings: &mut Vec<MarkdownError>,
) -> Event<'a> {
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
            warnings.push(MarkdownError {
                offset: range.start,
                len: range.len(),
                message: format!(
                    "the heading {noun} {} {verb} dropped: only {{#id}} and {{.class}} are allowed while raw_html = false",
                    names.join(", ")
                ),
                help: "write `{#id .class}`; other attributes can run script (`onfocus=…`), so they pass only when site.toml trusts authors with raw_html = true".to_string(),
            });
            attrs.clear();
            return event;
        }
        _ => return event,
    };
    // `un:` names a UN document; the link resolver checks its symbol and
    // turns it into an https address.
    if !image && crate::undocs::is_link(url) {
        return event;
    }
    if let Err(message) = crate::frontmatter::check_scheme(url, image) {
        let help = if image {
            "while raw_html = false, images must be http(s), relative, or PNG, JPEG, GIF, WebP or AVIF `data:` URLs"
        } else {
            "while raw_html = false, links must be http(s), mailto: or relative, as in front matter"
        };
        errors.push(MarkdownError {
            offset: range.start,
            len: range.len(),
            message,
            help: help.to_string(),
        });
    }
    event
}

/// Heading attributes without `id=…`: a heading's id comes only from
/// `{#id}` or its text, so it is always checked for repeats.
pub(super) fn without_id<'a>(
    mut attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
) -> Vec<(CowStr<'a>, Option<CowStr<'a>>)> {
    attrs.retain(|(key, _)| !key.eq_ignore_ascii_case("id"));
    attrs
}

/// Raw HTML as text that shows as written, unless raw HTML is allowed.
pub(super) fn escape_raw(event: Event<'_>, raw_html: bool) -> Event<'_> {
    match event {
        Event::Html(html) | Event::InlineHtml(html) if !raw_html => Event::Text(html),
        other => other,
    }
}
