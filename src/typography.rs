//! Smart punctuation for front matter text, the same the Markdown body gets
//! from pulldown-cmark: straight quotes become curly ones, `--` an en dash,
//! `---` an em dash and `...` an ellipsis.

use crate::frontmatter::FrontMatter;
use std::borrow::Cow;

/// `text` with smart punctuation; borrowed when there is nothing to change.
pub fn smart(text: &str) -> Cow<'_, str> {
    if !text.contains(['\'', '"']) && !text.contains("--") && !text.contains("...") {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                out.push('…');
                i += 3;
                continue;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                let run = chars[i..].iter().take_while(|&&h| h == '-').count();
                // As pulldown-cmark does: em dashes when the run divides by
                // three, en dashes when by two, else em dashes then en dashes.
                let (ems, ens) = if run % 3 == 0 {
                    (run / 3, 0)
                } else if run % 2 == 0 {
                    (0, run / 2)
                } else if run % 3 == 2 {
                    (run / 3, 1)
                } else {
                    ((run - 4) / 3, 2)
                };
                out.extend(std::iter::repeat_n('—', ems));
                out.extend(std::iter::repeat_n('–', ens));
                i += run;
                continue;
            }
            '\'' | '"' => {
                let before = out.chars().next_back();
                let after = chars.get(i + 1).copied();
                let opens = opens_after(before) && after.is_some_and(|a| !a.is_whitespace());
                out.push(match (c, opens) {
                    ('\'', true) => '‘',
                    ('\'', false) => '’',
                    (_, true) => '“',
                    (_, false) => '”',
                });
            }
            _ => out.push(c),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// Whether a quote after `before` opens a quotation: at the start, after a
/// space, an opening bracket or quote, or a dash.
fn opens_after(before: Option<char>) -> bool {
    match before {
        None => true,
        Some(b) => {
            b.is_whitespace() || matches!(b, '(' | '[' | '{' | '‘' | '“' | '—' | '–' | '-' | '/')
        }
    }
}

fn smarten(s: &mut String) {
    if let Cow::Owned(new) = smart(s) {
        *s = new;
    }
}

/// Applies [`smart`] to every piece of reader-facing text in the front
/// matter: title, summary, key points, key facts, actors, timeline, sources,
/// the pull quote and the updates log. Ids, URLs, slugs, dates and tags are
/// left as written, so no address changes.
pub fn smarten_front_matter(fm: &mut FrontMatter) {
    smarten(&mut fm.title);
    smarten(&mut fm.summary);
    fm.key_points.iter_mut().for_each(smarten);
    for f in &mut fm.key_facts {
        smarten(&mut f.label);
        smarten(&mut f.value);
    }
    for a in &mut fm.actors {
        smarten(&mut a.name);
        smarten(&mut a.role);
    }
    for t in &mut fm.timeline {
        if let Some(label) = &mut t.label {
            smarten(label);
        }
        smarten(&mut t.event);
    }
    for s in &mut fm.sources {
        smarten(&mut s.title);
        if let Some(p) = &mut s.publisher {
            smarten(p);
        }
    }
    if let Some(s) = &mut fm.source {
        smarten(&mut s.name);
    }
    if let Some(q) = &mut fm.pull_quote {
        smarten(&mut q.text);
        if let Some(c) = &mut q.cite {
            smarten(c);
        }
    }
    for u in &mut fm.updates {
        smarten(&mut u.note);
    }
    for d in &mut fm.documents {
        if let Some(t) = &mut d.title {
            smarten(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::smart;
    use std::borrow::Cow;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            smart("Mali – ECOWAS, 3,000 soldiers"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(smart("a-b, 1.5, end."), Cow::Borrowed(_)));
    }

    #[test]
    fn apostrophes_inside_and_after_words_close() {
        assert_eq!(smart("Mali's request"), "Mali’s request");
        assert_eq!(smart("ECOWAS's troops' role"), "ECOWAS’s troops’ role");
        assert_eq!(smart("don't"), "don’t");
    }

    #[test]
    fn quotes_open_after_spaces_and_brackets_and_close_after_words() {
        assert_eq!(smart("\"two heads\""), "“two heads”");
        assert_eq!(smart("has \"two heads\"."), "has “two heads”.");
        assert_eq!(smart("(\"quoted\")"), "(“quoted”)");
        assert_eq!(smart("['x']"), "[‘x’]");
        assert_eq!(smart("said 'no', then"), "said ‘no’, then");
    }

    #[test]
    fn nested_quotes() {
        assert_eq!(
            smart("\"She said 'not yet'\" he wrote"),
            "“She said ‘not yet’” he wrote"
        );
        assert_eq!(smart("'\"Two heads\"'"), "‘“Two heads”’");
    }

    #[test]
    fn dashes_and_ellipses() {
        assert_eq!(smart("Mali -- ECOWAS"), "Mali – ECOWAS");
        assert_eq!(smart("support---not troops"), "support—not troops");
        assert_eq!(smart("wait..."), "wait…");
        assert_eq!(smart("a - b"), "a - b");
        assert_eq!(smart("----"), "––");
        assert_eq!(smart("-----"), "—–");
    }

    #[test]
    fn matches_the_body_renderer() {
        use pulldown_cmark::{Options, Parser, html};
        for text in [
            "Mali's \"request\" -- not an 'intervention'...",
            "\"She said 'not yet'\" he wrote",
            "x---y -- z",
        ] {
            let mut body = String::new();
            html::push_html(
                &mut body,
                Parser::new_ext(text, Options::ENABLE_SMART_PUNCTUATION),
            );
            let body = body
                .trim()
                .trim_start_matches("<p>")
                .trim_end_matches("</p>");
            assert_eq!(smart(text), body, "for {text:?}");
        }
    }
}
