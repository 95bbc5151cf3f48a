//! The check both HTML-writing targets make with raw HTML off: no element
//! of the page carries an event handler (`on…=`), and no `href` or `src`
//! names a scheme that runs script. Written apart from brief's own check
//! (`frontmatter::check_scheme`), so the two can disagree.

/// Panics, naming `input`, at the first tag of `html` with an attribute
/// named `on…`, or an `href`/`src` whose scheme a browser would run:
/// `javascript:`, `vbscript:`, or `data:` other than a raster image in a
/// `src` (or the empty `data:,`).
pub fn assert_script_free(html: &str, input: &str) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        rest = &rest[end..];
        for (name, value) in attributes(tag) {
            let name = name.to_ascii_lowercase();
            assert!(
                !name.starts_with("on"),
                "event handler `{name}` in <{tag}> from {input:?}"
            );
            if name == "href" || name == "src" {
                assert!(
                    !runs_script(&decode(value), name == "src"),
                    "script URL in <{tag}> from {input:?}"
                );
            }
        }
    }
}

/// Where the tag starting `s` (after its `<`) ends: the first `>` outside
/// a quoted attribute value.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len()
}

/// The attributes of a tag's text (its name first, then `name="value"`,
/// `name='value'`, `name=value` or a bare `name`), as (name, raw value).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let name_end = tag
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(tag.len());
    let mut rest = &tag[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let n = rest
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '/' | '>'))
            .unwrap_or(rest.len())
            .max(1);
        let name = &rest[..n];
        rest = rest[n..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, left) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], &body[(close + 1).min(body.len())..])
                }
                _ => {
                    let close = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            value = v;
            rest = left;
        }
        out.push((name, value));
    }
}

/// An attribute value with the character references brief and
/// pulldown-cmark write decoded (named ones and numeric ones).
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a browser following (or, for `src`, loading) `url` could run
/// script: leading C0 controls and spaces dropped and tabs and newlines
/// removed, as the URL standard reads it.
fn runs_script(url: &str, src: bool) -> bool {
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    if url.starts_with("javascript:") || url.starts_with("vbscript:") {
        return true;
    }
    let Some(data) = url.strip_prefix("data:") else {
        return false;
    };
    // Empty data holds nothing to run: the built-in templates' blank
    // favicon, `<link rel="icon" href="data:,">`.
    if data == "," {
        return false;
    }
    let media = data.split([';', ',']).next().unwrap_or_default().trim();
    !(src
        && matches!(
            media,
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/avif"
        ))
}
