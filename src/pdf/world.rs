//! What Typst sees of the site while it compiles one PDF: brief's own
//! [`World`]. Fonts and the standard library are made once per build
//! ([`Shared`]) and lent to every compile; a compile's own files are the
//! template's folder (read when the site was loaded) and the briefing's
//! virtual files under `/.brief/`: its data, its body as Typst markup and
//! the images the body shows.
//!
//! Nothing is read from disk while compiling: a path the template names
//! is looked up in what was read at load (below `templates/`, no symbolic
//! links, see [`crate::site_fs`]), so `#import "/etc/passwd"` or
//! `../../site.toml` finds nothing. Packages (`@preview/…`) are not
//! available: they would need the network.

use std::collections::HashMap;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The folder of a compile's generated files.
pub const VIRTUAL_DIR: &str = "/.brief";
/// The data of the briefing, as JSON.
pub const DATA: &str = "/.brief/data.json";
/// The body of the briefing, as Typst markup.
pub const BODY: &str = "/.brief/body.typ";
/// The template, at the root of the template folder.
pub const MAIN: &str = "/briefing.typ";

/// The fonts brief bundles (Typst's own: Libertinus Serif, New Computer
/// Modern, DejaVu Sans Mono), parsed once per process and shared by every
/// compile of every build.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// Typst's standard library, made once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The id of a path in the template's folder.
pub fn id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|p| RootedPath::new(VirtualRoot::Project, p).intern())
}

/// The template's folder as read at load: every file's bytes by id, and
/// the Typst sources among them, parsed once.
#[derive(Default)]
pub struct Files {
    /// Every file, by id.
    pub bytes: HashMap<FileId, Bytes>,
    /// The `.typ` files, parsed.
    pub sources: HashMap<FileId, Source>,
}

impl Files {
    /// Adds a file at a virtual path (`/briefing.typ`); a path Typst
    /// cannot name is skipped. `.typ` files that are UTF-8 are also parsed.
    pub fn add(&mut self, path: &str, data: Vec<u8>) {
        let Some(id) = id(path) else {
            return;
        };
        if path.ends_with(".typ")
            && let Ok(text) = std::str::from_utf8(&data)
        {
            self.sources.insert(id, Source::new(id, text.to_string()));
        }
        self.bytes.insert(id, Bytes::new(data));
    }
}

/// One compile: the shared fonts and library, the template's files, and
/// this briefing's own files.
pub struct BriefWorld<'a> {
    /// The template's folder.
    files: &'a Files,
    /// The briefing's data, body and images, by id.
    own: HashMap<FileId, Bytes>,
    /// The body, parsed.
    body: Source,
    /// The date `datetime.today()` gives: the briefing's, so the same
    /// briefing always makes the same PDF.
    today: Option<Datetime>,
}

impl<'a> BriefWorld<'a> {
    /// A world for one briefing: `data` (JSON), `body` (Typst markup) and
    /// its images (virtual path and bytes).
    pub fn new(
        files: &'a Files,
        data: String,
        body: String,
        images: Vec<(String, Bytes)>,
        today: Option<Datetime>,
    ) -> Option<BriefWorld<'a>> {
        let body_id = id(BODY)?;
        let mut own = HashMap::new();
        own.insert(id(DATA)?, Bytes::from_string(data));
        for (path, bytes) in images {
            if let Some(image) = id(&path) {
                own.insert(image, bytes);
            }
        }
        let body = Source::new(body_id, body);
        own.insert(body_id, Bytes::from_string(body.text().to_string()));
        Some(BriefWorld {
            files,
            own,
            body,
            today,
        })
    }
}

/// The error for a path that is not there: outside the template's folder,
/// in a package, or simply missing.
fn missing(id: FileId) -> FileError {
    match id.get().root() {
        VirtualRoot::Package(_) => FileError::Other(Some(
            "packages are not available: brief builds without the network; copy the files into templates/"
                .into(),
        )),
        VirtualRoot::Project => {
            FileError::NotFound(id.get().vpath().get_with_slash().trim_start_matches('/').into())
        }
    }
}

impl World for BriefWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        // Checked when the engine was made: the path is valid.
        id(MAIN).unwrap_or_else(|| self.body.id())
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.body.id() {
            return Ok(self.body.clone());
        }
        if !matches!(id.get().root(), VirtualRoot::Project) {
            return Err(missing(id));
        }
        if let Some(source) = self.files.sources.get(&id) {
            return Ok(source.clone());
        }
        match self.file(id) {
            Ok(bytes) => std::str::from_utf8(&bytes)
                .map(|text| Source::new(id, text.to_string()))
                .map_err(|_| FileError::InvalidUtf8),
            Err(e) => Err(e),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if !matches!(id.get().root(), VirtualRoot::Project) {
            return Err(missing(id));
        }
        self.own
            .get(&id)
            .or_else(|| self.files.bytes.get(&id))
            .cloned()
            .ok_or_else(|| missing(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(files: &Files) -> BriefWorld<'_> {
        BriefWorld::new(files, "{}".into(), "body".into(), Vec::new(), None).unwrap()
    }

    #[test]
    fn only_the_template_folder_and_own_files_are_there() {
        let mut files = Files::default();
        files.add("/briefing.typ", b"= Hi".to_vec());
        files.add("/parts/x.typ", b"#let x = 1".to_vec());
        let w = world(&files);
        assert!(w.source(id("/parts/x.typ").unwrap()).is_ok());
        assert!(w.file(id(DATA).unwrap()).is_ok());
        assert_eq!(w.source(id(BODY).unwrap()).unwrap().text(), "body");
        for outside in ["/etc/passwd", "/site.toml", "/content/a.md"] {
            assert!(w.file(id(outside).unwrap()).is_err(), "{outside}");
        }
        // A path that climbs out of the root is refused before any lookup.
        assert!(id("/../../etc/passwd").is_none_or(|i| w.file(i).is_err()));
    }

    #[test]
    fn bundled_fonts_hold_a_serif_face() {
        assert!(
            FONTS
                .0
                .families()
                .any(|(name, _)| name.eq_ignore_ascii_case("Libertinus Serif"))
        );
    }
}
