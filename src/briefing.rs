//! One briefing: a Markdown file under `content/`, with its front matter
//! parsed and what every list needs to know of it (URL, tags, words, lead
//! paragraph) worked out when the site is loaded. Its body is rendered when
//! its page is (see [`Briefing::render_body`]).
//!
//! The text is not held between the two: at 10,000 briefings it would add
//! the whole content folder (57 MB of the benchmark corpus) to the build's
//! peak memory. It is read again through [`Source`], the same way (below
//! the root, no links) and checked against what was loaded: a file that
//! changed in between is an error, never a page that disagrees with the
//! lists.

use crate::config::Config;
use crate::content::{MAX_FILE_BYTES, SourceFile};
use crate::diagnostics::SourceError;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown::{self, LinkProblem, MarkdownError, RenderOptions, Rendered};
use crate::output::Contents;
use crate::site_fs::Root;
use crate::slug::slugify;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A file of a briefing's bundle (a folder with an `index.md`), copied
/// beside its page; opened when the briefing is loaded.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The file on disk.
    pub source: PathBuf,
    /// Its path inside the page's folder: `map.png`, `data/table.csv`.
    pub rel: String,
    /// Its bytes, or the handle they are copied from.
    pub contents: Contents,
}

/// Where a briefing's text is: in memory (parsed from a string), or in
/// its file, with the length it had when loaded.
#[derive(Debug, Clone)]
pub enum Source {
    /// Parsed from memory (tests, fuzzing): the text itself.
    Held(String),
    /// Loaded from its file ([`Briefing::file`], relative to the site
    /// folder) below the site folder `root`.
    File {
        /// The site folder, opened when the site was loaded.
        root: Arc<Root>,
        /// Its length when it was loaded.
        len: usize,
    },
}

/// A briefing's text as read for one use, and what points into it.
#[derive(Debug)]
pub struct Text<'a> {
    /// The file, as shown in messages.
    file: &'a Path,
    /// The whole file.
    pub text: std::borrow::Cow<'a, str>,
    /// Byte offset of the Markdown body.
    body_offset: usize,
}

/// Numbers every load of a briefing (see [`Briefing::serial`]).
static SERIAL: AtomicU64 = AtomicU64::new(1);

/// One briefing, as loaded.
#[derive(Debug, Clone)]
pub struct Briefing {
    /// The file, as shown in messages (relative to the site root).
    pub file: PathBuf,
    /// Its path inside `content/`, with `/` separators: `sahel/mali.md`.
    pub rel: String,
    /// Where the text comes from, to read it again for rendering.
    pub source: Source,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// Words in the body (see [`crate::words::count_words`]).
    pub words: usize,
    /// The same, line by line, for counting its sections when rendered.
    pub line_words: crate::words::LineWords,
    /// Where its page goes, relative to the output root, as a folder with
    /// a trailing slash: `sahel/mali-ecowas/`. Output paths are made from
    /// it in one place, [`crate::plan::paths`].
    pub url: String,
    /// Files of its bundle, copied beside the page.
    pub assets: Vec<Asset>,
    /// Which load this is: every load of a file gets a new number, so two
    /// briefings with one serial are the same load of the same file.
    pub serial: u64,
    /// Whether raw HTML in the body passes through (from the site's config).
    pub raw_html: bool,
    /// The front matter's tags as (name, slug), without repeats by slug.
    pub tags: Vec<(String, String)>,
    /// The text of the body's first paragraph, for a feed entry, when the
    /// front matter has neither `summary` nor `key_points`; else empty.
    pub lead: String,
    /// Where the body may link to an anchor: itself, and the briefings
    /// (paths inside `content/`) it names in `@/…#id` links. Found by a
    /// quick look at the text that may say yes wrongly but never misses
    /// one, so only these pages' ids are gathered for checking anchors.
    pub anchors: AnchorHints,
    /// Its language: 0 for the site's default, `k` for the `k`-th of
    /// `[languages]` (in the order of their tags).
    pub lang: usize,
    /// For a translation (`mali.fr.md`), what it translates (boxed: held
    /// for every briefing, and most are not translations).
    pub translation: Option<Box<Translation>>,
}

/// What makes a briefing a translation: `content/mali.fr.md` translates
/// `content/mali.md` into the language `fr` the site declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The original's path inside `content/`: `mali.md`.
    pub original: String,
    /// Its language tag: `fr`.
    pub code: String,
    /// Its own URL inside the language's folder when its front matter sets
    /// `slug` or `path`; else it takes the original's.
    pub own_url: Option<String>,
}

/// When `rel` names a translation (`sahel/mali.fr.md`, `mali/index.fr.md`)
/// into one of the site's other languages: the original's path, the tag
/// and the language's number.
pub fn translation_of(rel: &str, config: &Config) -> Option<(String, String, usize)> {
    let stem = rel.strip_suffix(".md")?;
    let (base, code) = stem.rsplit_once('.')?;
    if base.is_empty() || base.ends_with('/') {
        return None;
    }
    let k = config.languages.keys().position(|c| c == code)?;
    Some((format!("{base}.md"), code.to_string(), k + 1))
}

/// See [`Briefing::anchors`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorHints {
    /// The body may hold a `#id` link into its own page.
    pub own: bool,
    /// The briefings it may link into with `@/path.md#id`.
    pub others: Vec<String>,
    /// Every briefing it may link to with `@/path.md`, anchor or not: its
    /// page shows their URLs.
    pub linked: Vec<String>,
}

impl AnchorHints {
    /// Looks through a Markdown body for what may be anchor links: any `#`
    /// other than the marks of a heading may start a link to the page's
    /// own ids, and every `@/path#` one to another briefing's.
    pub fn scan(body: &str) -> AnchorHints {
        // Each `#` is found with a one-byte search (`memchr`, vectorised);
        // one is a heading's mark when only spaces (at most three) and marks
        // come before it on its line, and the run of marks (one to six) ends
        // the line or is followed by a space or tab.
        let bytes = body.as_bytes();
        let own = memchr::memchr_iter(b'#', bytes).any(|at| {
            let start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1);
            let before = body[start..at].trim_start_matches(' ');
            if at - start - before.len() > 3 || before.bytes().any(|b| b != b'#') {
                return true;
            }
            let run = body[at..].bytes().take_while(|&b| b == b'#').count();
            let after = &body[at + run..];
            let heading = (1..=6).contains(&(before.len() + run))
                && (after.is_empty() || after.starts_with([' ', '\t', '\n', '\r']));
            !heading
        });
        let mut others = Vec::new();
        let mut linked = Vec::new();
        let mut seen_others = std::collections::HashSet::new();
        let mut seen_linked = std::collections::HashSet::new();
        let mut rest = body;
        while let Some(at) = memchr::memchr(b'@', rest.as_bytes()) {
            rest = &rest[at + 1..];
            let Some(after) = rest.strip_prefix('/') else {
                continue;
            };
            rest = after;
            let end = rest
                .find([')', '>', '"', '\'', ']', '\n'])
                .unwrap_or(rest.len());
            let (path, anchor) = match rest[..end].split_once('#') {
                Some((path, _)) => (path, true),
                None => (&rest[..end], false),
            };
            let path = path.trim().trim_start_matches('/');
            // Sets beside the lists: a body linking to thousands of
            // briefings must not search its list once per link.
            if anchor && seen_others.insert(path) {
                others.push(path.to_string());
            }
            if seen_linked.insert(path) {
                linked.push(path.to_string());
            }
        }
        AnchorHints {
            own,
            others,
            linked,
        }
    }
}

impl Briefing {
    /// Reads one briefing file (without following links, at most
    /// [`MAX_FILE_BYTES`]) and parses it with the site's settings.
    /// `site` is the site folder, opened once for every briefing.
    pub fn load(site: &Arc<Root>, file: &SourceFile, config: &Config) -> Result<Briefing> {
        let root = site.path();
        let display = crate::diagnostics::display_path(root, &file.path);
        let bytes = site.read(&file.path, MAX_FILE_BYTES, 0).map_err(|e| {
            if e.kind() == std::io::ErrorKind::FileTooLarge {
                too_large(&display, &file.path).into()
            } else {
                anyhow::Error::new(e).context(format!("failed to read `{}`", display.display()))
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            SourceError::new(&display, "this file is not valid UTF-8")
                .at_offset(&lossy, e.utf8_error().valid_up_to(), 1)
                .with_help(
                    "save the file as UTF-8 (most editors have an encoding option when saving)",
                )
        })?;
        let len = text.len();
        let mut briefing = Briefing::parse_with(&display, &file.rel, text, config.raw_html)?;
        if let Some((original, code, k)) = translation_of(&file.rel, config) {
            let own_url = match (&briefing.front.path, &briefing.front.slug) {
                (Some(path), _) => Some(format!("{path}/")),
                (None, Some(slug)) => Some(url_for(&display, "", &original, Some(slug))?),
                (None, None) => None,
            };
            // Until it is linked to its original (`crate::site`), its URL
            // is the one the original would have by default.
            let url = match &own_url {
                Some(url) => url.clone(),
                None => url_for(&display, "", &original, None)?,
            };
            briefing.url = format!("{code}/{url}");
            briefing.lang = k;
            briefing.translation = Some(Box::new(Translation {
                original,
                code,
                own_url,
            }));
        }
        // Held for every briefing until the build ends, the text would
        // double the memory a big site needs; rendering reads it again.
        briefing.source = Source::File {
            root: Arc::clone(site),
            len,
        };
        for (source, rel) in &file.assets {
            let shown = crate::diagnostics::display_path(root, source);
            let contents = Contents::open(site, source, &shown).with_context(|| {
                format!(
                    "failed to read `{}`; was it changed during the build? Run the build again",
                    shown.display()
                )
            })?;
            briefing.assets.push(Asset {
                source: source.clone(),
                rel: rel.clone(),
                contents,
            });
        }
        Ok(briefing)
    }

    /// Parses a briefing from its text, raw HTML allowed. `file` is used in
    /// messages, `rel` for the URL.
    pub fn parse(file: &Path, rel: &str, text: String) -> Result<Briefing, SourceError> {
        Briefing::parse_with(file, rel, text, true)
    }

    /// [`Briefing::parse`], saying whether raw HTML in the body passes through.
    pub fn parse_with(
        file: &Path,
        rel: &str,
        text: String,
        raw_html: bool,
    ) -> Result<Briefing, SourceError> {
        let split = frontmatter::split(file, &text)?;
        let mut front = frontmatter::parse(file, &text, &split)?;
        // Reader-facing text only: slugs, paths, tags and URLs stay as written.
        crate::typography::smarten_front_matter(&mut front);
        let body_offset = split.body_offset;
        let line_words = crate::words::LineWords::count(split.body);
        let words = line_words.total();
        let url = match &front.path {
            Some(path) => format!("{path}/"),
            None => url_for(file, &text, rel, front.slug.as_deref())?,
        };
        let tags = unique_tags(&front.tags);
        let lead = if front.summary.is_empty() && front.key_points.is_empty() {
            lead_paragraph(split.body)
        } else {
            String::new()
        };
        let anchors = AnchorHints::scan(split.body);
        Ok(Briefing {
            file: file.to_path_buf(),
            rel: rel.to_string(),
            body_offset,
            front,
            words,
            line_words,
            url,
            source: Source::Held(text),
            assets: Vec::new(),
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
            raw_html,
            tags,
            lead,
            anchors,
            lang: 0,
            translation: None,
        })
    }

    /// Whether `other`, a new load of the same file, sits where this one
    /// does: the same URL, date, tags, draft state, bundle files and
    /// anchor links, so the site's plan and indexes stay as they are.
    pub fn same_place(&self, other: &Briefing) -> bool {
        self.url == other.url
            && self.front.date == other.front.date
            && self.front.draft == other.front.draft
            && self.corrected() == other.corrected()
            && self.tags == other.tags
            && self.anchors == other.anchors
            && self.assets.len() == other.assets.len()
            && self
                .assets
                .iter()
                .zip(&other.assets)
                .all(|(a, b)| a.rel == b.rel)
    }

    /// Whether any entry of its "Updated" log is a correction: the site
    /// then has a corrections page.
    pub fn corrected(&self) -> bool {
        self.front.updates.iter().any(|u| u.is_correction())
    }

    /// The whole text: as parsed, or read again from the file (below the
    /// site folder, without following links). A file that is gone, is no
    /// longer UTF-8 or has another length than when it was loaded is an
    /// error: it changed during the build.
    pub fn text(&self) -> Result<Text<'_>, SourceError> {
        let text = match &self.source {
            Source::Held(text) => std::borrow::Cow::Borrowed(text.as_str()),
            Source::File { root, len } => {
                let again = root
                    .read(&self.file, MAX_FILE_BYTES, *len)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| String::from_utf8(bytes).map_err(|e| e.to_string()))
                    .and_then(|text| {
                        if text.len() == *len {
                            Ok(text)
                        } else {
                            Err(format!(
                                "it is {} bytes now, {len} when it was loaded",
                                text.len()
                            ))
                        }
                    });
                match again {
                    Ok(text) => std::borrow::Cow::Owned(text),
                    Err(why) => {
                        return Err(SourceError::new(
                            &self.file,
                            format!("this file changed while the site was being built ({why})"),
                        )
                        .with_help("run the build again"));
                    }
                }
            }
        };
        Ok(Text {
            file: &self.file,
            text,
            body_offset: self.body_offset,
        })
    }

    /// Renders the body: sections, footnotes, the links found, warnings.
    /// `image_size` gives the size of an image as written, `resolve_link`
    /// the href for a link target as written (see
    /// [`crate::links::LinkIndex::resolve`]). Every problem in the
    /// Markdown is returned beside the body as far as it could be rendered,
    /// each pointing into the file, with the text it was rendered from.
    pub fn render_body(
        &self,
        image_size: &dyn Fn(&str) -> Option<(u32, u32)>,
        resolve_link: &dyn Fn(&str) -> Result<Option<String>, LinkProblem>,
        image_src: Option<&markdown::ImageSrc<'_>>,
        labels: markdown::Labels<'_>,
    ) -> Result<(Rendered, Vec<SourceError>, Text<'_>), SourceError> {
        self.render_body_with(image_size, resolve_link, image_src, labels, false)
    }

    /// [`Briefing::render_body`], also giving the plain text of the intro
    /// and of each section when `plain_text` (for the search index).
    pub fn render_body_with(
        &self,
        image_size: &dyn Fn(&str) -> Option<(u32, u32)>,
        resolve_link: &dyn Fn(&str) -> Result<Option<String>, LinkProblem>,
        image_src: Option<&markdown::ImageSrc<'_>>,
        labels: markdown::Labels<'_>,
        plain_text: bool,
    ) -> Result<(Rendered, Vec<SourceError>, Text<'_>), SourceError> {
        let text = self.text()?;
        let options = RenderOptions {
            raw_html: self.raw_html,
            image_size,
            resolve_link,
            line_words: Some(&self.line_words),
            image_src,
            labels,
            plain_text,
        };
        let (body, problems) = markdown::render_anyway(text.body(), &options);
        let problems = problems.into_iter().map(|e| text.located(e)).collect();
        Ok((body, problems, text))
    }

    /// The body rendered with no image sizes and links left as written,
    /// for tests of what the Markdown alone gives.
    #[cfg(test)]
    pub fn render_plain(&self) -> Result<Rendered, Vec<SourceError>> {
        match self.render_body(&|_| None, &|_| Ok(None), None, markdown::Labels::default()) {
            Ok((body, problems, _)) if problems.is_empty() => Ok(body),
            Ok((_, problems, _)) => Err(problems),
            Err(e) => Err(vec![e]),
        }
    }
}

impl Text<'_> {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset.min(self.text.len())..]
    }

    /// A Markdown problem as an error pointing into the file.
    pub fn located(&self, e: MarkdownError) -> SourceError {
        SourceError::new(self.file, e.message)
            .at_offset(&self.text, self.body_offset + e.offset, e.len)
            .with_help(e.help)
    }

    /// An error at `offset` of the body, marking the text `written` there
    /// (a link as written, say) when it is found at that place.
    pub fn error_at(
        &self,
        offset: usize,
        written: &str,
        message: String,
        help: &str,
    ) -> SourceError {
        let at = (self.body_offset + offset).min(self.text.len());
        let len = self
            .text
            .get(at..)
            .and_then(|rest| rest.find(written))
            .map_or(1, |i| i + written.len());
        SourceError::new(self.file, message)
            .at_offset(&self.text, at, len)
            .with_help(help)
    }

    /// An error at a 1-based line of the file.
    pub fn error_at_line(&self, line: usize, message: String, help: &str) -> SourceError {
        SourceError::new(self.file, message)
            .at_line(&self.text, line, None)
            .with_help(help)
    }

    /// The 1-based line of the file at a byte offset of the body.
    pub fn body_line(&self, offset: usize) -> usize {
        let mut at = (self.body_offset + offset).min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        self.text[..at].matches('\n').count() + 1
    }
}

/// The plain text of the first paragraph of `body` that has any, with the
/// body's smart punctuation; footnote markers, images and markup left out.
fn lead_paragraph(body: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut text = String::new();
    let mut in_paragraph = false;
    let mut in_image = 0usize;
    for event in Parser::new_ext(body, markdown::extensions()) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image -= 1,
            _ if in_image > 0 => {}
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                if !text.trim().is_empty() {
                    break;
                }
                text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Tags with their slugs; a tag written twice ("Mali", "mali") counts once.
fn unique_tags(names: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(names.len());
    for name in names {
        let slug = crate::taxonomy::tag_slug(name);
        if !out.iter().any(|(_, s)| *s == slug) {
            out.push((name.clone(), slug));
        }
    }
    out
}

/// The output folder for a content path: `sahel/mali.md` → `sahel/mali/`,
/// `sahel/mali/index.md` → `sahel/mali/`; `slug` replaces the last part.
fn url_for(file: &Path, text: &str, rel: &str, slug: Option<&str>) -> Result<String, SourceError> {
    let without_ext = rel.strip_suffix(".md").unwrap_or(rel);
    let mut parts: Vec<String> = without_ext.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "index") {
        parts.pop();
    }
    if let Some(slug) = slug {
        match parts.last_mut() {
            Some(last) => *last = slug.to_string(),
            None => parts.push(slug.to_string()),
        }
    }
    if parts.is_empty() {
        return Err(
            SourceError::new(file, "`content/index.md` would replace the home page")
                .at_offset(text, 0, 3)
                .with_help("rename the file, or set `slug` in its front matter"),
        );
    }
    let mut url = String::new();
    for part in &parts {
        let s = slugify(part);
        if s.is_empty() {
            return Err(
                SourceError::new(file, format!("`{part}` cannot be made into a URL"))
                    .with_help("rename the file or folder using letters or digits, or set `slug`"),
            );
        }
        url.push_str(&s);
        url.push('/');
    }
    Ok(url)
}

/// The error for a briefing over [`MAX_FILE_BYTES`], shown as `display`.
fn too_large(display: &Path, path: &Path) -> SourceError {
    let size = std::fs::symlink_metadata(path).map_or(MAX_FILE_BYTES + 1, |m| m.len());
    SourceError::new(
        display,
        format!(
            "this file is {} MB; briefings are limited to {} MB",
            size / 1_000_000,
            MAX_FILE_BYTES / 1_000_000
        ),
    )
    .with_help("is this the right file? Move data files out of content/, or split the briefing")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A briefing loaded from `content/a.md` in a new site folder.
    fn loaded(dir: &Path) -> (PathBuf, Briefing) {
        let path = dir.join("content/a.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\n## One\n\nText.\n",
        )
        .unwrap();
        let file = SourceFile {
            path: path.clone(),
            rel: "a.md".into(),
            assets: Vec::new(),
        };
        let site = Arc::new(Root::new(dir));
        let briefing = Briefing::load(&site, &file, &Config::default()).unwrap();
        (path, briefing)
    }

    #[test]
    fn a_loaded_briefing_renders_what_was_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let (_, b) = loaded(dir.path());
        assert!(
            matches!(b.source, Source::File { len: 52, .. }),
            "{:?}",
            b.source
        );
        let body = b.render_plain().unwrap();
        assert_eq!(body.sections[0].html, "<p>Text.</p>\n");
    }

    #[test]
    fn a_briefing_changed_or_gone_before_it_renders_is_an_error_not_another_page() {
        let dir = tempfile::tempdir().unwrap();
        let (path, b) = loaded(dir.path());
        std::fs::write(
            &path,
            "+++\ntitle = \"Other\"\ndate = 2020-01-01\n+++\n## One\n",
        )
        .unwrap();
        let err = b.text().unwrap_err().to_string();
        assert!(
            err.contains("content/a.md") && err.contains("changed while the site was being built"),
            "{err}"
        );
        std::fs::remove_file(&path).unwrap();
        assert!(b.text().is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_briefing_replaced_by_a_link_is_never_read_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let (path, b) = loaded(dir.path());
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("shadow");
        std::fs::write(&secret, "root:SECRET-HASH:19000:0:99999:7:::\n\n\n").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&secret, &path).unwrap();
        let err = b.text().unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
    }

    #[test]
    fn urls_follow_the_content_path() {
        let cases = [
            ("mali.md", None, "mali/"),
            ("sahel/Mali ECOWAS.md", None, "sahel/mali-ecowas/"),
            ("sahel/mali/index.md", None, "sahel/mali/"),
            ("sahel/mali.md", Some("mali-2012"), "sahel/mali-2012/"),
        ];
        for (rel, slug, want) in cases {
            assert_eq!(
                url_for(Path::new("f"), "", rel, slug).unwrap(),
                want,
                "{rel}"
            );
        }
        assert!(url_for(Path::new("f"), "", "index.md", None).is_err());
    }

    #[test]
    fn markdown_problems_point_into_the_file() {
        let text =
            "+++\ntitle = \"t\"\ndate = 2012-01-01\n+++\n\n## A {#a}\n\n## B {#a}\n".to_string();
        let b = Briefing::parse(Path::new("content/x.md"), "x.md", text).unwrap();
        let problems = b.render_plain().unwrap_err();
        assert_eq!(problems[0].location(), "content/x.md:8:1");
    }

    #[test]
    fn anchor_hints_never_miss_a_link_that_may_be_an_anchor() {
        let hints = AnchorHints::scan("## Heading {#h}\n\nText.\n");
        assert!(hints.own, "an explicit id may be linked to from the page");
        let hints = AnchorHints::scan("## Plain\n\n### Deeper\n\nNo links.\n");
        assert!(!hints.own && hints.others.is_empty() && hints.linked.is_empty());
        for body in ["[x](#a)", "[x](\n#a)", "[x]: #a", "[x](<#a>)"] {
            assert!(AnchorHints::scan(body).own, "{body}");
        }
        let hints = AnchorHints::scan("[a](@/b.md#x) [c](@//c/d.md \"t\") <@/e f.md#y>");
        assert_eq!(hints.others, ["b.md", "e f.md"]);
        assert_eq!(hints.linked, ["b.md", "c/d.md", "e f.md"]);
    }
}
