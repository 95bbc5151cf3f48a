//! The TOML front matter of a briefing: how it is fenced, what fields it
//! has, and what makes a value invalid.

use crate::clock::Published;
use crate::date::{Approx, Date};
use crate::diagnostics::SourceError;
use serde::{Deserialize, Deserializer, Serialize};
use std::path::Path;

/// The most tags one briefing may have. Each tag has a page listing the
/// briefing's card, and the card lists every tag, so a briefing's cost grows
/// with the square of its tags: 2,000 tags wrote 450 MB. No reader needs a
/// briefing filed under more topics than this.
pub const MAX_TAGS: usize = 50;

/// The fence line that opens and closes front matter.
pub const FENCE: &str = "+++";

const TEMPLATE_HELP: &str =
    "a briefing starts like this:\n    +++\n    title = \"…\"\n    date = 2012-09-05\n    +++";

/// Everything a briefing can say about itself. Unknown fields are errors so a
/// misspelt field never silently drops information.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The headline.
    pub title: String,
    /// The dek: one or two sentences under the headline, also the meta description.
    #[serde(default)]
    pub summary: String,
    /// Publication date, or date and time with an offset: the briefing
    /// is under embargo, in no output at all, until the build's clock
    /// passes it.
    pub date: Published,
    /// Date of the last substantive revision.
    #[serde(default)]
    pub updated: Option<Date>,
    /// Who wrote it; falls back to the site's `authors`.
    #[serde(default)]
    pub authors: Vec<String>,
    /// The original publication this briefing is based on.
    /// (Boxed, like `pull_quote`: rare, and held for every briefing.)
    #[serde(default)]
    pub source: Option<Box<Source>>,
    /// Topics, shown as the kicker above the headline.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Drafts are left out of builds unless `--drafts` is given.
    #[serde(default)]
    pub draft: bool,
    /// The last part of the URL, instead of the file name.
    #[serde(default)]
    pub slug: Option<String>,
    /// The whole URL path, instead of the content path (`sahel/2012/mali`).
    #[serde(default)]
    pub path: Option<String>,
    /// Share image for Open Graph: a file in the briefing's bundle (its
    /// path relative to the page), a file from the site's root
    /// (`/img/share.png`), or an absolute URL.
    #[serde(default)]
    pub image: Option<Url>,
    /// Dated notes of what changed since publication.
    #[serde(default)]
    pub updates: Vec<Update>,
    /// The takeaways, one sentence each.
    #[serde(default)]
    pub key_points: Vec<String>,
    /// Figures and facts as label/value pairs.
    #[serde(default)]
    pub key_facts: Vec<KeyFact>,
    /// People and organisations and the part they play.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// Dated events, oldest first.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Documents the briefing draws on.
    #[serde(default)]
    pub sources: Vec<SourceLink>,
    /// A short quotation set large beside a section.
    #[serde(default)]
    pub pull_quote: Option<Box<PullQuote>>,
    /// UN documents the briefing rests on, by symbol.
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Where `path` (or else `slug`) is set: its 1-based line and the
    /// line's text, so an output clash can point at it.
    #[serde(skip)]
    pub url_line: Option<(usize, String)>,
}

/// One entry of the "Updated" log.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// When.
    pub date: Date,
    /// What changed.
    pub note: String,
    /// An update, or a correction of an error (shown above the text, in
    /// the JSON-LD and on the corrections page).
    #[serde(default)]
    pub kind: UpdateKind,
}

/// What an entry of the "Updated" log is.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UpdateKind {
    /// New information or a revision.
    #[default]
    Update,
    /// A correction of something the briefing got wrong.
    Correction,
}

impl Update {
    /// Whether this entry corrects an error.
    pub fn is_correction(&self) -> bool {
        self.kind == UpdateKind::Correction
    }
}

/// A UN document, by its symbol.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The document symbol, e.g. `S/RES/2056(2012)`; checked against the
    /// UN's symbol grammar.
    pub symbol: String,
    /// What to call it, e.g. "Security Council resolution 2056 (2012)".
    #[serde(default)]
    pub title: Option<String>,
    /// When it was issued or adopted.
    #[serde(default)]
    pub date: Option<Date>,
}

/// The original publication.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Publication name, e.g. "UN Dispatch".
    pub name: String,
    /// Link to the original article.
    #[serde(default)]
    pub url: Option<Url>,
    /// When the original was published: a day, month or year, shown in
    /// the credit line.
    #[serde(default, serialize_with = "serialize_opt_approx")]
    pub date: Option<Approx>,
}

/// One key fact.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeyFact {
    /// What the figure is, e.g. "Stand-by force".
    pub label: String,
    /// The figure, e.g. "3,000 soldiers".
    pub value: String,
}

/// One actor.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Person or organisation.
    pub name: String,
    /// Their role in the story.
    pub role: String,
}

/// One timeline event.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// A day (`2012-07-05`), month (`"2012-07"`) or year (`"1990"`).
    #[serde(serialize_with = "serialize_approx")]
    pub date: Approx,
    /// Wording for the date when it is vaguer than the value, e.g. "Early July 2012".
    #[serde(default)]
    pub label: Option<String>,
    /// What happened.
    pub event: String,
}

/// One source document.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    /// Title of the document.
    pub title: String,
    /// Where to read it.
    pub url: Url,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
}

/// A pull quote.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PullQuote {
    /// The quoted words.
    pub text: String,
    /// Who said it.
    #[serde(default)]
    pub cite: Option<String>,
    /// The id of the section it accompanies; the second section by default.
    #[serde(default)]
    pub section: Option<String>,
}

fn serialize_opt_approx<S: serde::Serializer>(a: &Option<Approx>, s: S) -> Result<S::Ok, S::Error> {
    a.as_ref().map(Approx::machine).serialize(s)
}

fn serialize_approx<S: serde::Serializer>(a: &Approx, s: S) -> Result<S::Ok, S::Error> {
    a.machine().serialize(s)
}

/// A link target from front matter: http(s), mailto, or relative. Script
/// schemes are refused, because these values end up in `href` attributes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Url(pub String);

impl Url {
    /// Checks that `s` is a link a reader can safely follow.
    pub fn parse(s: &str) -> Result<Url, String> {
        if s.trim().is_empty() {
            return Err("the URL is empty".into());
        }
        if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(format!(
                "`{}` contains spaces or control characters; encode spaces as %20",
                s.escape_debug()
            ));
        }
        check_scheme(s, false)?;
        Ok(Url(s.to_string()))
    }
}

/// Checks the scheme of a link (`image` false) or an image source (`image`
/// true) the way a browser reads it: `http`, `https` and `mailto` pass, and
/// so do relative URLs; an image may also be raster `data:` (PNG, JPEG, GIF,
/// WebP, AVIF), which cannot run script. Every other scheme is refused,
/// `javascript:`, `vbscript:` and `data:` in links among them. Front matter
/// URLs and, with `raw_html = false`, body links and images go through it.
pub fn check_scheme(url: &str, image: bool) -> Result<(), String> {
    let Some((scheme, rest)) = scheme_of(url) else {
        return Ok(());
    };
    let lower = scheme.to_ascii_lowercase();
    if matches!(lower.as_str(), "http" | "https" | "mailto") {
        return Ok(());
    }
    if !image {
        return Err(format!(
            "links with the `{scheme}:` scheme are not allowed; use an http(s) or relative URL"
        ));
    }
    if lower != "data" {
        return Err(format!(
            "images with the `{scheme}:` scheme are not allowed; use an http(s) or relative URL"
        ));
    }
    if is_raster_media_type(&rest) {
        return Ok(());
    }
    Err(format!(
        "`{scheme}:` images are not allowed unless PNG, JPEG, GIF, WebP or AVIF; other types (SVG, HTML) can hold script"
    ))
}

/// The scheme of `url` as written (without tabs and newlines) and what
/// follows its colon, read as the URL standard does: leading C0 controls and
/// spaces dropped, ASCII tabs and newlines removed anywhere. `None` for a
/// relative URL.
fn scheme_of(url: &str) -> Option<(String, String)> {
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let is_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| (scheme.to_string(), url[colon + 1..].to_string()))
}

/// Whether the part of a `data:` URL after the colon starts with the media
/// type of a raster image (which a browser never runs), not SVG or HTML.
fn is_raster_media_type(data: &str) -> bool {
    let media = data.split([';', ',']).next().unwrap_or_default();
    matches!(
        media.trim().to_ascii_lowercase().as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/avif"
    )
}

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Url::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A file split at its front matter fences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Finds the `+++` fences. `text` is the whole file (a byte-order mark is allowed).
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, SourceError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = line_spans(text, start);
    let first = lines.next();
    let opened = first.is_some_and(|(a, b)| text[a..b].trim_end() == FENCE);
    if !opened {
        let starts_yaml = first.is_some_and(|(a, b)| text[a..b].trim_end() == "---");
        let help = if starts_yaml {
            "brief reads TOML front matter between `+++` lines, not YAML between `---`: change both fences to `+++` and write fields as `key = \"value\"`".to_string()
        } else {
            format!("did you forget the opening `+++` fence? {TEMPLATE_HELP}")
        };
        return Err(SourceError::new(path, "this briefing has no front matter")
            .at_offset(text, start, 3)
            .with_help(help));
    }
    let front_offset = first.map_or(start, |(_, b)| next_line(text, b));
    for (a, b) in lines {
        if text[a..b].trim_end() == FENCE {
            return Ok(Split {
                front: &text[front_offset..a],
                front_offset,
                body: &text[next_line(text, b)..],
                body_offset: next_line(text, b),
            });
        }
    }
    Err(
        SourceError::new(path, "the front matter opened here is never closed")
            .at_offset(text, start, 3)
            .with_help("add a line with just `+++` after the last front matter field"),
    )
}

/// Start and end (exclusive of the newline) of each line from `from`.
fn line_spans(text: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let span = (pos, end);
        pos = end + 1;
        Some(span)
    })
}

fn next_line(text: &str, line_end: usize) -> usize {
    (line_end + 1).min(text.len())
}

/// Whether a relative path has a `..` segment (also spelled `%2e%2e`, or
/// with a backslash): the share image is a file of the briefing's own
/// folder, and a path that climbs could name any file on the machine.
fn climbs(path: &str) -> bool {
    path.split(['?', '#'])
        .next()
        .unwrap_or(path)
        .split(['/', '\\'])
        .any(|seg| seg.replace("%2e", ".").replace("%2E", ".") == "..")
}

/// Parses and checks front matter; errors point into the whole file.
pub fn parse(path: &Path, text: &str, split: &Split<'_>) -> Result<FrontMatter, SourceError> {
    let mut fm: FrontMatter = from_toml(path, text, split.front, split.front_offset)?;
    let field_error = |key: &str, message: &str, help: &str| {
        let offset = split
            .front
            .find(&format!("{key} ="))
            .or_else(|| split.front.find(key))
            .map_or(split.front_offset, |o| split.front_offset + o);
        SourceError::new(path, message)
            .at_offset(text, offset, key.len())
            .with_help(help)
    };
    if fm.title.trim().is_empty() {
        return Err(field_error(
            "title",
            "the title is empty",
            "give the briefing a headline",
        ));
    }
    if fm.tags.len() > MAX_TAGS {
        return Err(field_error(
            "tags",
            &format!(
                "this briefing has {} tags; a briefing may have at most {MAX_TAGS}",
                fm.tags.len()
            ),
            "keep the topics a reader would browse by; every tag gets a page listing the briefing",
        ));
    }
    if let Some(slug) = &fm.slug
        && !is_slug(slug)
    {
        return Err(field_error(
            "slug",
            &format!("`{slug}` is not a valid slug"),
            "use lower-case letters, digits and hyphens, e.g. slug = \"mali-ecowas\"",
        ));
    }
    if let Some(path) = &fm.path
        && !path.split('/').all(is_slug)
    {
        return Err(field_error(
            "path",
            &format!("`{path}` is not a valid path"),
            "use slug segments joined by `/`, e.g. path = \"sahel/2012/mali\" (no leading or trailing `/`, no `..`)",
        ));
    }
    if let Some(tag) = fm.tags.iter().find(|t| crate::slug::slugify(t).is_empty()) {
        return Err(field_error(
            "tags",
            &format!("the tag `{tag}` has no letters or digits to name its page by"),
            "write tags as words, e.g. tags = [\"Mali\", \"ECOWAS\"]",
        ));
    }
    if let Some(image) = &fm.image
        && !image.0.contains(':')
        && climbs(&image.0)
    {
        return Err(field_error(
            "image",
            &format!(
                "the image `{}` has a `..` segment, which could name a file outside the site",
                image.0
            ),
            "put the image beside the briefing and write its name (image = \"map.png\"), or use a full https:// URL",
        ));
    }
    if let Some(update) = fm.updates.iter().find(|u| u.date < fm.date.day) {
        return Err(field_error(
            "updates",
            &format!(
                "an update is dated {}, before the briefing's `date` ({})",
                update.date, fm.date.day
            ),
            "updates come after publication; check the dates in [[updates]]",
        ));
    }
    if let Some(updated) = fm.updated
        && updated < fm.date.day
    {
        return Err(field_error(
            "updated",
            &format!("`updated` ({updated}) is before `date` ({})", fm.date.day),
            "`updated` is the date of the latest revision, on or after `date`",
        ));
    }
    for doc in &fm.documents {
        if let Err(message) = crate::undocs::check(&doc.symbol) {
            // At the symbol's value, found as written (a TOML string).
            let at = split
                .front
                .find(&format!("\"{}\"", doc.symbol))
                .or_else(|| split.front.find(&format!("'{}'", doc.symbol)));
            let error = match at {
                Some(o) => SourceError::new(path, message).at_offset(
                    text,
                    split.front_offset + o,
                    doc.symbol.len() + 2,
                ),
                None => field_error("symbol", &message, ""),
            };
            return Err(error.with_help(
                "write the symbol as the UN does, e.g. symbol = \"S/RES/2056(2012)\", \"A/RES/67/1\", \"S/2012/894\" or \"A/67/PV.12\"",
            ));
        }
    }
    fm.url_line = ["path", "slug"].iter().find_map(|key| {
        let at = line_spans(split.front, 0).find(|&(start, end)| {
            let line = split.front[start..end].trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })?;
        let offset = split.front_offset + at.0;
        let line = text[..offset].matches('\n').count() + 1;
        Some((line, split.front[at.0..at.1].trim_end().to_string()))
    });
    Ok(fm)
}

impl FrontMatter {
    /// The latest of `date`, `updated` and the `[[updates]]` dates.
    pub fn modified(&self) -> Date {
        self.updates
            .iter()
            .map(|u| u.date)
            .chain(self.updated)
            .fold(self.date.day, Date::max)
    }
}

/// A URL segment: lower-case ASCII letters, digits and single inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Turns a TOML error into one that points into the whole file.
/// How deep keys, tables and arrays may nest. TOML's parser stops a little
/// deeper without saying where; no briefing or site.toml needs more than a
/// handful of levels.
pub const MAX_NESTING: usize = 48;

/// Parses `toml`, found at `base` in the file `text`, with every error
/// pointing into the file, nesting that is too deep included.
pub fn from_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    toml: &str,
    base: usize,
) -> Result<T, SourceError> {
    if let Some(at) = too_deep(toml) {
        return Err(SourceError::new(
            path,
            format!("keys, tables or lists nest more than {MAX_NESTING} levels deep here"),
        )
        .at_offset(text, base + at, 1)
        .with_help("no briefing or site.toml needs more than a few levels; flatten the value"));
    }
    toml::from_str(toml).map_err(|e| toml_error(path, text, base, &e))
}

/// The offset where nesting first goes past [`MAX_NESTING`]: brackets and
/// braces outside strings and comments, plus the dots of the key being read.
fn too_deep(toml: &str) -> Option<usize> {
    let b = toml.as_bytes();
    let mut open: Vec<u8> = Vec::new();
    let mut dots = 0;
    let mut in_key = true;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                let triple = b[i..].starts_with(&[q, q, q]);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if q == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && b[i] == b'\n' {
                        break;
                    }
                    if b[i] == q && (!triple || b[i..].starts_with(&[q, q, q])) {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            c @ (b'[' | b'{') => {
                // `[a.b]` at the start of a line is a table header: a key.
                in_key = c == b'{' || (open.is_empty() && in_key);
                open.push(c);
                dots = 0;
            }
            b']' | b'}' => {
                open.pop();
            }
            b'.' if in_key => dots += 1,
            b'=' => {
                in_key = false;
                dots = 0;
            }
            b',' => in_key = open.last() == Some(&b'{'),
            b'\n' => {
                in_key = open.is_empty();
                dots = 0;
            }
            _ => {}
        }
        if open.len() + dots > MAX_NESTING {
            return Some(i);
        }
        i += 1;
    }
    None
}

pub fn toml_error(
    path: impl AsRef<Path>,
    text: &str,
    base: usize,
    e: &toml::de::Error,
) -> SourceError {
    let message = e.message().trim().trim_end_matches('.').to_string();
    let (offset, len) = e.span().map_or((base, 1), |s| {
        (base + s.start, s.end.saturating_sub(s.start))
    });
    let help = if message.starts_with("unknown field") {
        "check the spelling; `brief help front-matter` lists every field of a briefing, `brief help site-toml` every setting"
    } else if message.starts_with("missing field") {
        "add the field to the front matter"
    } else if message.contains("invalid type") {
        "strings need quotes, lists need [ ], and tables need [name] or [[name]] headers"
    } else if message.contains("date") || message.contains(" days") || message.contains("month") {
        "write dates as YYYY-MM-DD, and check that the day exists"
    } else if message.contains("scheme") || message.contains("URL") {
        "link to an http(s) address or a relative path"
    } else {
        "fix the TOML syntax at the marked place"
    };
    SourceError::new(path.as_ref(), message)
        .at_offset(text, offset, len)
        .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<FrontMatter, SourceError> {
        let p = Path::new("content/a.md");
        let s = split(p, text)?;
        parse(p, text, &s)
    }

    #[test]
    fn splits_fences_and_keeps_offsets() {
        let text = "+++\ntitle = \"T\"\n+++\nBody\n";
        let s = split(Path::new("a"), text).unwrap();
        assert_eq!(s.front, "title = \"T\"\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(&text[s.body_offset..], "Body\n");
    }

    #[test]
    fn accepts_crlf_and_bom() {
        let text = "\u{feff}+++\r\ntitle = \"T\"\r\ndate = 2012-01-01\r\n+++\r\nBody";
        let fm = parse_str(text).unwrap();
        assert_eq!(fm.title, "T");
    }

    #[test]
    fn errors_on_missing_front_matter() {
        let err = parse_str("# Hello\n").unwrap_err();
        assert_eq!(err.location(), "content/a.md:1:1");
        assert!(err.message.contains("no front matter"));
    }

    #[test]
    fn errors_on_yaml_fences_with_a_hint() {
        let err = parse_str("---\ntitle: x\n---\n").unwrap_err();
        assert!(err.help.as_deref().unwrap().contains("not YAML"));
    }

    #[test]
    fn errors_on_unclosed_fence() {
        let err = parse_str("+++\ntitle = \"x\"\n").unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn errors_name_the_line_of_an_unknown_field() {
        let err = parse_str("+++\ntitle = \"x\"\ndate = 2012-01-01\ntagz = []\n+++\n").unwrap_err();
        assert_eq!(err.location(), "content/a.md:4:1");
        assert!(
            err.message.contains("unknown field `tagz`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn errors_on_impossible_date_at_its_value() {
        let err = parse_str("+++\ntitle = \"x\"\ndate = \"2012-02-30\"\n+++\n").unwrap_err();
        assert_eq!(err.location(), "content/a.md:3:8");
        assert!(err.message.contains("29 days"), "{}", err.message);
    }

    #[test]
    fn refuses_script_urls() {
        let text = "+++\ntitle = \"x\"\ndate = 2012-01-01\n[[sources]]\ntitle = \"s\"\nurl = \"JavaScript:alert(1)\"\n+++\n";
        let err = parse_str(text).unwrap_err();
        assert_eq!(err.line, Some(6));
        assert!(
            err.message.contains("`JavaScript:` scheme"),
            "{}",
            err.message
        );
    }

    #[test]
    fn url_rules() {
        for ok in [
            "https://a.org/x?y#z",
            "http://a",
            "mailto:a@b.org",
            "/x",
            "../x",
            "#x",
            "a/b:c",
        ] {
            assert!(Url::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:x",
            "data:text/html,x",
            "vbscript:x",
            "x:y/z",
            "",
            "a b",
            "https://a\u{0}",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn script_schemes_are_found_the_way_browsers_read_them() {
        for bad in [
            "javascript:x",
            "JaVaScRiPt:x",
            " javascript:x",
            "\u{1}\u{1f} javascript:x",
            "java\tscr\nipt:x",
            "jav\rascript:x",
            "vbscript:x",
            "VBScript:x",
            "data:text/html,<script>x</script>",
            "data:image/svg+xml,<svg onload=x>",
            "livescript:x",
        ] {
            assert!(check_scheme(bad, false).is_err(), "link {bad:?}");
        }
        for bad in [
            "javascript:x",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:text/html,x",
            "DATA: image/svg+xml,x",
            "data:,x",
        ] {
            assert!(check_scheme(bad, true).is_err(), "image {bad:?}");
        }
        for ok in [
            "data:image/png;base64,iVBORw0KGgo=",
            "DATA:Image/JPEG,x",
            "data:image/webp;base64,x",
            "data:image/gif,x",
            "data:image/avif,x",
            "https://a.org/m.png",
            "m.png",
        ] {
            assert!(check_scheme(ok, true).is_ok(), "image {ok:?}");
        }
        for ok in [
            "https://a",
            "HTTP://a",
            "mailto:a@b",
            "/x",
            "#x",
            "a/b:c",
            "@/a.md",
        ] {
            assert!(check_scheme(ok, false).is_ok(), "link {ok:?}");
        }
        // Raster data is for images: in a link it is refused like any data.
        assert!(check_scheme("data:image/png,x", false).is_err());
        let err = check_scheme(" JavaScript:x", false).unwrap_err();
        assert!(err.contains("`JavaScript:` scheme"), "{err}");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("mali-ecowas-2012"));
        for bad in ["", "-a", "a-", "a--b", "A", "a/b", "..", "é"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn refuses_tags_without_letters_or_digits() {
        for tag in ["!!!", "", "\u{1F30D}", " - "] {
            let text = format!(
                "+++\ntitle = \"t\"\ndate = 2020-01-01\ntags = [\"Mali\", \"{tag}\"]\n+++\n"
            );
            let err = parse_str(&text).unwrap_err();
            assert_eq!(err.line, Some(4), "{tag:?}");
            assert!(err.message.contains("no letters or digits"), "{tag:?}");
        }
        let ok = "+++\ntitle = \"t\"\ndate = 2020-01-01\ntags = [\"Côte d’Ivoire\", \"G5\", \"مالي\"]\n+++\n";
        assert!(parse_str(ok).is_ok());
    }

    #[test]
    fn nesting_too_deep_is_located_where_it_happens() {
        let head = "+++\ntitle = \"t\"\ndate = 2020-01-01\n";
        let deep_key = format!("{head}{} = 1\n+++\n", vec!["a"; 10_000].join("."));
        let deep_list = format!("{head}x = {}{}\n+++\n", "[".repeat(500), "]".repeat(500));
        let deep_table = format!(
            "{head}x = {}1{}\n+++\n",
            "{a = ".repeat(200),
            "}".repeat(200)
        );
        for text in [deep_key, deep_list, deep_table] {
            let err = parse_str(&text).unwrap_err();
            assert_eq!(err.line, Some(4), "{}", err.message);
            assert!(err.message.contains("levels deep"), "{}", err.message);
        }
        // Dots and brackets in values, strings and comments are not nesting.
        let fine = format!(
            "{head}summary = \"{}\" # {}\nkey_points = ['''{}''']\n[source]\nname = \"a.b.c\"\nx = 1.5\n",
            ".".repeat(200),
            ".[".repeat(200),
            "[{.".repeat(100)
        );
        assert!(too_deep(&fine).is_none());
        let ok_depth = format!("{head}x = {}{}\n", "[".repeat(40), "]".repeat(40));
        assert!(too_deep(&ok_depth).is_none());
    }

    #[test]
    fn errors_on_more_tags_than_the_limit_at_the_tags_line() {
        let tags = |n: usize| {
            let list: Vec<String> = (0..n).map(|i| format!("\"t{i}\"")).collect();
            format!(
                "+++\ntitle = \"x\"\ndate = 2012-01-01\ntags = [{}]\n+++\n",
                list.join(", ")
            )
        };
        assert!(parse_str(&tags(MAX_TAGS)).is_ok());
        let err = parse_str(&tags(MAX_TAGS + 1)).unwrap_err();
        assert_eq!(err.location(), "content/a.md:4:1");
        assert!(
            err.message.contains("51 tags") && err.message.contains("at most 50"),
            "{}",
            err.message
        );
    }

    #[test]
    fn un_document_symbols_are_checked_where_they_are_written() {
        let doc = |symbol: &str| {
            format!(
                "+++\ntitle = \"x\"\ndate = 2012-09-05\n[[documents]]\nsymbol = \"S/2012/894\"\n[[documents]]\nsymbol = \"{symbol}\"\ntitle = \"T\"\n+++\n"
            )
        };
        let fm = parse_str(&doc("S/RES/2056(2012)")).unwrap();
        assert_eq!(fm.documents[1].symbol, "S/RES/2056(2012)");
        assert_eq!(fm.documents[1].title.as_deref(), Some("T"));
        for bad in ["S/RES/2056", "X//1", "S/RES/2056(12)"] {
            let err = parse_str(&doc(bad)).unwrap_err();
            assert_eq!(err.location(), "content/a.md:7:10", "{bad}");
            assert!(err.help.as_deref().unwrap().contains("S/RES/2056(2012)"));
        }
    }

    #[test]
    fn updates_are_updates_or_corrections() {
        let text = "+++\ntitle = \"x\"\ndate = 2012-09-05\n[[updates]]\ndate = 2012-09-06\nnote = \"a\"\n[[updates]]\ndate = 2012-09-07\nnote = \"b\"\nkind = \"correction\"\n+++\n";
        let fm = parse_str(text).unwrap();
        assert!(!fm.updates[0].is_correction());
        assert!(fm.updates[1].is_correction());
        let err = parse_str(&text.replace("\"correction\"", "\"erratum\"")).unwrap_err();
        assert_eq!(err.line, Some(10));
        assert!(err.message.contains("unknown variant"), "{}", err.message);
    }

    #[test]
    fn the_date_may_have_a_time_with_an_offset() {
        let fm = parse_str("+++\ntitle = \"x\"\ndate = 2026-12-02T09:00:00+01:00\n+++\n").unwrap();
        assert_eq!(fm.date.instant().to_string(), "2026-12-02T08:00:00Z");
        let err = parse_str("+++\ntitle = \"x\"\ndate = 2026-12-02T09:00:00\n+++\n").unwrap_err();
        assert_eq!(err.location(), "content/a.md:3:8");
        assert!(err.message.contains("no offset"), "{}", err.message);
    }

    #[test]
    fn errors_when_updated_precedes_date() {
        let err = parse_str("+++\ntitle = \"x\"\ndate = 2012-05-01\nupdated = 2012-04-01\n+++\n")
            .unwrap_err();
        assert_eq!(err.line, Some(4));
    }

    #[test]
    fn refuses_a_share_image_that_climbs_out_of_its_folder() {
        for bad in [
            "../../../etc/passwd",
            "../x.png",
            "img/../../x.png",
            "%2e%2e/%2E%2E/etc/passwd",
            "..\\..\\x.png",
        ] {
            let text = format!(
                "+++\ntitle = \"x\"\ndate = 2012-05-01\nimage = \"{}\"\n+++\n",
                bad.replace('\\', "\\\\")
            );
            let err = parse_str(&text).unwrap_err();
            assert_eq!(err.line, Some(4), "{bad}");
            assert!(err.to_string().contains("`..` segment"), "{bad}: {err}");
        }
        for good in [
            "map.png",
            "img/map.png",
            "https://example.org/a/../b.png",
            "a..b.png",
        ] {
            let text = format!("+++\ntitle = \"x\"\ndate = 2012-05-01\nimage = \"{good}\"\n+++\n");
            assert!(parse_str(&text).is_ok(), "{good}");
        }
    }
}
