//! Finding briefings under `content/` and parsing each into a [`Page`].

use crate::config::Config;
use crate::diagnostics::SourceError;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::slug::slugify;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The folder of briefings, relative to the site root.
pub const CONTENT_DIR: &str = "content";

/// The largest briefing brief reads. The longest real briefings are well
/// under 1 MB; anything near this is a misplaced data file, and reading it
/// whole would stall the build and the preview.
pub const MAX_FILE_BYTES: u64 = 10_000_000;

/// A Markdown file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path inside `content/`, with `/` separators, e.g. `sahel/mali.md`.
    pub rel: String,
    /// For an `index.md`, the other files of its folder (images, PDFs…),
    /// copied beside the page: (file on disk, path relative to the folder).
    pub assets: Vec<(PathBuf, String)>,
}

/// What [`discover`] found: the Markdown files, and what it passed over.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown files, sorted by path so builds are deterministic.
    pub files: Vec<SourceFile>,
    /// Things skipped on purpose (symbolic links) that the user should know about.
    pub warnings: Vec<SourceError>,
}

/// Walks `content_dir` for `.md` files, sorted, skipping hidden files and
/// folders. Symbolic links are not followed, so a link can neither loop nor
/// pull in files from outside the site.
pub fn discover(root: &Path, content_dir: &Path) -> Result<Discovered> {
    let mut found = Discovered::default();
    if !content_dir.exists() {
        return Ok(found);
    }
    // Sorted by `rel` afterwards: walkdir's own sort re-parses each path
    // for every comparison, which costs more than the walk on a big site.
    let entries = crate::walk::entries(content_dir, true)
        .with_context(|| format!("failed to read `{}`", content_dir.display()))?;
    let mut others: Vec<(PathBuf, String)> = Vec::new();
    for entry in entries {
        let path = entry.path();
        if entry.path_is_symlink() {
            found.warnings.push(
                SourceError::new(
                    crate::diagnostics::display_path(root, path),
                    "symbolic link skipped",
                )
                .with_help("brief does not follow links, so a site cannot loop or read files outside itself; copy the file in instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let inner = path.strip_prefix(content_dir).unwrap_or(path);
        let rel = match inner.to_str() {
            // Where the separator is already `/`, a UTF-8 path is its own
            // relative name: no list of components to build and join.
            Some(s) if std::path::MAIN_SEPARATOR == '/' => s.to_string(),
            _ => inner
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        };
        if path.extension().is_some_and(|e| e == "md") {
            found.files.push(SourceFile {
                path: path.to_path_buf(),
                rel,
                assets: Vec::new(),
            });
        } else {
            others.push((path.to_path_buf(), rel));
        }
    }
    found.files.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    others.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    found.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    // A folder with an index.md is a page bundle: its other files belong to
    // that page, unless a deeper bundle claims them.
    let bundles: Vec<(usize, String)> = found
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let dir = f.rel.strip_suffix("index.md")?;
            (dir.is_empty() || dir.ends_with('/')).then(|| (i, dir.to_string()))
        })
        .filter(|(_, dir)| !dir.is_empty())
        .collect();
    for (path, rel) in others {
        let owner = bundles
            .iter()
            .filter(|(_, dir)| rel.starts_with(dir.as_str()))
            .max_by_key(|(_, dir)| dir.len());
        match owner {
            Some((i, dir)) => {
                let inner = rel[dir.len()..].to_string();
                found.files[*i].assets.push((path, inner));
            }
            None => found.warnings.push(
                SourceError::new(crate::diagnostics::display_path(root, &path), "file not copied")
                    .with_help("only files in a briefing's own folder (beside its index.md) are copied with it; put shared files in static/"),
            ),
        }
    }
    Ok(found)
}

/// One briefing: its front matter and what the site needs to know of its
/// body. The body itself is rendered only when the page is written (see
/// [`Page::body`]), so a big site never holds every briefing's HTML.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file, as shown in messages (relative to the site root).
    pub file: PathBuf,
    /// Its path inside `content/`.
    pub rel: String,
    /// The whole file for a page parsed from memory; empty for a page
    /// loaded from disk, which is read again when it is rendered.
    pub text: String,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// Words in the body, counted on its source (see [`crate::words::count_words`]).
    pub words: usize,
    /// Where the page goes, relative to the output root, as a folder with a
    /// trailing slash: `sahel/mali-ecowas/`.
    pub url: String,
    /// Files copied beside the page: (file on disk, path inside the page folder).
    pub assets: Vec<(PathBuf, String)>,
    /// The folder of the source file on disk, for resolving image paths.
    pub dir: PathBuf,
    /// The site folder: every file the page reads must be inside it.
    pub root: PathBuf,
    /// The source file on disk, when it came from disk.
    pub disk_path: Option<PathBuf>,
    /// The length of the file when it was loaded, so reading it again
    /// needs no size lookup.
    pub source_len: usize,
    /// Whether raw HTML passes through (from the site's config).
    pub raw_html: bool,
    /// The front matter's tags as (name, slug), without repeats by slug;
    /// worked out once because every list showing the page needs them.
    pub tags: Vec<(String, String)>,
    /// The text of the body's first paragraph, for a feed entry, when the
    /// front matter has neither `summary` nor `key_points`; else empty.
    pub lead: String,
}

impl Page {
    /// Reads one briefing file and parses its front matter with the site's
    /// settings. The Markdown body is only counted here; it is parsed once,
    /// when the page is rendered, and its errors are reported then.
    pub fn load(root: &Path, file: &SourceFile, config: &Config) -> Result<Page> {
        let display = crate::diagnostics::display_path(root, &file.path);
        let bytes = read_bounded(root, &file.path, 0).map_err(|e| {
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
        let dir = file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut page = Page::parse_with(&display, &file.rel, text, config.raw_html)?;
        page.assets = file.assets.clone();
        page.dir = dir;
        page.root = root.to_path_buf();
        page.disk_path = Some(file.path.clone());
        page.source_len = page.text.len();
        // Held for every briefing until the build ends, the text would
        // double the memory a big site needs; rendering reads it again.
        page.text = String::new();
        Ok(page)
    }

    /// Parses a briefing from its text, raw HTML allowed. `file` is used in
    /// messages, `rel` for the URL.
    pub fn parse(file: &Path, rel: &str, text: String) -> Result<Page, SourceError> {
        Page::parse_with(file, rel, text, true)
    }

    /// [`Page::parse`], saying whether raw HTML in the body passes through.
    pub fn parse_with(
        file: &Path,
        rel: &str,
        text: String,
        raw_html: bool,
    ) -> Result<Page, SourceError> {
        let split = frontmatter::split(file, &text)?;
        let mut front = frontmatter::parse(file, &text, &split)?;
        // Reader-facing text only: slugs, paths, tags and URLs stay as written.
        crate::typography::smarten_front_matter(&mut front);
        let body_offset = split.body_offset;
        let words = crate::words::count_words(split.body);
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
        Ok(Page {
            file: file.to_path_buf(),
            rel: rel.to_string(),
            body_offset,
            front,
            words,
            url,
            text,
            assets: Vec::new(),
            dir: PathBuf::new(),
            root: PathBuf::new(),
            disk_path: None,
            source_len: 0,
            raw_html,
            tags,
            lead,
        })
    }

    /// Renders the body: sections, footnotes, links found, warnings. Errors
    /// in the Markdown (a heading id used twice…) point into the file.
    /// Links between briefings are left as written; the site rewrites them.
    pub fn body(&self) -> Result<Rendered, SourceError> {
        self.body_with(true)
    }

    /// [`Page::body`]; section words are always counted now, so `_words`
    /// is ignored.
    pub fn body_with(&self, _words: bool) -> Result<Rendered, SourceError> {
        let text = self.read_source()?;
        let split = frontmatter::split(&self.file, &text)?;
        let size = |src: &str| image_size(&self.root, &self.dir, src);
        let options = RenderOptions {
            raw_html: self.raw_html,
            image_size: &size,
            resolve_link: &|_| Ok(None),
        };
        let located = |e: markdown::MarkdownError| {
            SourceError::new(&self.file, e.message)
                .at_offset(&text, split.body_offset + e.offset, e.len)
                .with_help(e.help)
        };
        markdown::render_with(split.body, &options).map_err(|errors| {
            let mut errors = errors.into_iter().map(located);
            // Never empty: an Err holds at least one problem.
            let mut err = errors.next().unwrap_or_else(|| {
                SourceError::new(&self.file, "the Markdown could not be rendered")
            });
            err.also = errors.collect();
            err
        })
    }

    /// The whole source text, from memory or, for a loaded page, from disk;
    /// empty if the file can no longer be read. For locating messages: to
    /// render, use [`Page::read_source`].
    pub fn source(&self) -> std::borrow::Cow<'_, str> {
        self.read_source().unwrap_or(std::borrow::Cow::Borrowed(""))
    }

    /// The whole source text, from memory or, for a loaded page, from disk.
    /// A file that went away or stopped being UTF-8 since it was loaded is
    /// an error: rendering it empty would publish a blank briefing.
    pub fn read_source(&self) -> Result<std::borrow::Cow<'_, str>, SourceError> {
        match &self.disk_path {
            Some(path) if self.text.is_empty() => read_bounded(&self.root, path, self.source_len)
                .and_then(|bytes| {
                    String::from_utf8(bytes)
                        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
                })
                .map(std::borrow::Cow::Owned)
                .map_err(|e| {
                    SourceError::new(
                        &self.file,
                        format!("could not read it again to render it: {e}"),
                    )
                    .with_help("was it moved or changed during the build? Run the build again")
                }),
            _ => Ok(std::borrow::Cow::Borrowed(&self.text)),
        }
    }

    /// The 1-based line of a byte offset in the Markdown body.
    pub fn body_line(&self, offset: usize) -> usize {
        let text = self.source();
        let mut at = (self.body_offset + offset).min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text[..at].matches('\n').count() + 1
    }
}

/// Tags with their slugs; a tag written twice ("Mali", "mali") counts once.
/// The plain text of the first paragraph of `body` that has any, with the
/// body's smart punctuation; footnote markers and markup left out.
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

/// The pixel size of a local image, read from its header; `None` for remote
/// images, unreadable files, formats `imagesize` does not know, and paths
/// that leave the site (see [`image_leaves_site`]), which are never opened.
/// The file is opened like every site file (no links, no FIFOs), and only
/// its first bytes are read.
fn image_size(root: &Path, dir: &Path, src: &str) -> Option<(u32, u32)> {
    if src.contains(':') || src.starts_with('/') || src.starts_with('@') {
        return None;
    }
    let path = dir.join(src.split(['?', '#']).next()?);
    let opened = crate::site_fs::open(root, &path).ok()?;
    let size = imagesize::reader_size(std::io::BufReader::new(opened.file)).ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}

/// Whether a relative image path in a briefing in `dir` climbs out of the
/// site folder `root` (`../../../etc/passwd`). Such an image is not read
/// for its size, and the build warns about it.
pub fn image_leaves_site(root: &Path, dir: &Path, src: &str) -> bool {
    if src.contains(':') || src.starts_with('/') || src.starts_with('@') {
        return false;
    }
    let Some(file) = src.split(['?', '#']).next().filter(|f| !f.is_empty()) else {
        return false;
    };
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let dir = dir.strip_prefix(root).unwrap_or(dir);
    crate::site_fs::inside(Path::new(""), &dir.join(file)).is_none()
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

/// Reads the site file `path` (see [`crate::site_fs::open`]: no links, no
/// FIFOs, nothing outside `root`), stopping after [`MAX_FILE_BYTES`] and
/// one byte more, so a file over the limit is an error (kind
/// `FileTooLarge`) without being read whole, and never a briefing cut
/// short. `expected` is the likely size, 0 if unknown.
fn read_bounded(root: &Path, path: &Path, expected: usize) -> std::io::Result<Vec<u8>> {
    crate::site_fs::read(root, path, MAX_FILE_BYTES, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A briefing loaded from `content/a.md` in a new folder, with its path.
    fn loaded(dir: &Path) -> (PathBuf, Page) {
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
        let page = Page::load(dir, &file, &Config::default()).unwrap();
        (path, page)
    }

    #[test]
    fn a_briefing_gone_before_it_renders_is_an_error_not_a_blank_page() {
        let dir = tempfile::tempdir().unwrap();
        let (path, page) = loaded(dir.path());
        assert!(page.body().is_ok());
        std::fs::remove_file(&path).unwrap();
        let err = page.body().unwrap_err().to_string();
        assert!(
            err.contains("content/a.md") && err.contains("could not read it again"),
            "{err}"
        );
    }

    #[test]
    fn a_briefing_grown_past_the_limit_before_it_renders_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (path, page) = loaded(dir.path());
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&"word ".repeat(MAX_FILE_BYTES as usize / 5 + 1));
        std::fs::write(&path, text).unwrap();
        let err = page.body().unwrap_err().to_string();
        assert!(err.contains("larger than 10 MB"), "{err}");
    }

    #[test]
    fn reads_the_whole_file_whatever_size_it_was_expected_to_have() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        let text = "x".repeat(40_000);
        std::fs::write(&path, &text).unwrap();
        // Unknown, too small (the file grew since it was loaded), exact, too big.
        for expected in [0, 10, 40_000, 90_000] {
            assert_eq!(
                read_bounded(dir.path(), &path, expected).unwrap(),
                text.as_bytes()
            );
        }
        assert!(read_bounded(dir.path(), &dir.path().join("gone.md"), 0).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_briefing_replaced_by_a_link_is_never_read_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let (path, page) = loaded(dir.path());
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("shadow");
        std::fs::write(&secret, "root:SECRET-HASH:19000\n").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&secret, &path).unwrap();
        let err = page.body().unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
        let file = SourceFile {
            path: path.clone(),
            rel: "a.md".into(),
            assets: Vec::new(),
        };
        let err = format!(
            "{:#}",
            Page::load(dir.path(), &file, &Config::default()).unwrap_err()
        );
        assert!(
            err.contains("symbolic link") && !err.contains("SECRET"),
            "{err}"
        );
    }

    #[test]
    fn image_paths_that_climb_out_of_the_site_are_found() {
        let root = Path::new("/site");
        let dir = Path::new("/site/content/sahel/mali");
        for (src, leaves) in [
            ("map.png", false),
            ("../other/map.png", false),
            ("../../../site.png", false),
            ("../../../../etc/passwd", true),
            ("../../../../../../etc/passwd?x#y", true),
            ("https://example.org/a.png", false),
            ("/static.png", false),
        ] {
            assert_eq!(image_leaves_site(root, dir, src), leaves, "{src}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn images_outside_the_site_or_not_files_get_no_size_and_never_hang() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let bundle = site.join("content/b");
        std::fs::create_dir_all(&bundle).unwrap();
        // A 1x1 GIF, outside the site and inside it.
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        std::fs::write(dir.path().join("outside.gif"), gif).unwrap();
        std::fs::write(bundle.join("in.gif"), gif).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.gif"), bundle.join("link.gif"))
            .unwrap();
        let fifo =
            std::ffi::CString::new(bundle.join("pipe.gif").as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        assert_eq!(image_size(&site, &bundle, "in.gif"), Some((1, 1)));
        assert_eq!(image_size(&site, &bundle, "../../../outside.gif"), None);
        assert_eq!(image_size(&site, &bundle, "link.gif"), None);
        assert_eq!(image_size(&site, &bundle, "pipe.gif"), None);
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
    fn a_loaded_page_renders_the_same_body_as_one_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let text = "+++\ntitle = \"t\"\ndate = 2020-01-01\n+++\n\nIntro.\n\n## A\n\nOne two three.[^n]\n\n## B\n\nFour.\n\n[^n]: Note.\n";
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let path = dir.path().join("content/x.md");
        std::fs::write(&path, text).unwrap();
        let in_memory = Page::parse(Path::new("content/x.md"), "x.md", text.to_string()).unwrap();
        let file = SourceFile {
            path,
            rel: "x.md".into(),
            assets: Vec::new(),
        };
        let loaded = Page::load(dir.path(), &file, &Config::default()).unwrap();
        assert!(loaded.text.is_empty(), "the text is not kept");
        assert_eq!(loaded.words, in_memory.words);
        assert_eq!(loaded.body().unwrap(), in_memory.body().unwrap());
    }

    #[test]
    fn markdown_errors_point_into_the_file() {
        let text =
            "+++\ntitle = \"t\"\ndate = 2012-01-01\n+++\n\n## A {#a}\n\n## B {#a}\n".to_string();
        let page = Page::parse(Path::new("content/x.md"), "x.md", text).unwrap();
        assert_eq!(page.body().unwrap_err().location(), "content/x.md:8:1");
    }
}
