//! The PDF edition of every briefing, typeset in-process with Typst.
//!
//! An [`Engine`] is made when the site is loaded with `pdf = true`: it
//! reads the template's folder (`templates/briefing.typ`, or the built-in
//! one, and every other file under `templates/` that is not an HTML
//! template) once. Making one briefing's PDF ([`Engine::make`]) gives the
//! template the briefing's data as JSON and its body as Typst markup
//! ([`data`], [`markup`]), compiles it in brief's own [`world`] with the
//! bundled fonts, and writes the PDF. A PDF is cached under
//! `.brief-cache/pdf/` in the site folder by a hash of everything that went
//! into it (template files, data, body, images, Typst's and brief's
//! versions), so a rebuild compiles only the briefings that changed.

mod data;
mod markup;
mod world;

pub use data::join;

use crate::cache::DiskCache;
use crate::diagnostics::SourceError;
use crate::site::Site;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use typst::diag::{Severity, SourceDiagnostic};
use typst::utils::hash128;
use typst::{World, WorldExt};
use typst_pdf::PdfOptions;
use world::{BriefWorld, Files};

/// The template's name in `templates/`.
pub const TEMPLATE: &str = "briefing.typ";
/// The built-in template, used when the site has no `templates/briefing.typ`.
pub const BUILTIN_TEMPLATE: &str = include_str!("../../templates/briefing.typ");
/// The kind of work PDFs are kept as in `.brief-cache/` ([`DiskCache`]).
pub const CACHE_KIND: &str = "pdf";
/// Files of `templates/` the PDF template cannot use (Tera's).
const NOT_FOR_TYPST: &[&str] = &["html", "xml"];
/// Bumped when what brief gives the template changes shape, so old cached
/// PDFs are not reused.
const CACHE_VERSION: u32 = 1;

/// What one PDF is made from.
pub struct Job {
    /// The hash of everything that goes into it.
    key: u128,
    /// The briefing, for messages.
    pub file: PathBuf,
    /// The data, body and images.
    inputs: data::Inputs,
}

/// The threads Typst compiles on: one per core, with stacks large enough
/// for its deepest recursion (the memory is only reserved, not used).
static TYPST_POOL: std::sync::LazyLock<Option<rayon::ThreadPool>> =
    std::sync::LazyLock::new(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("brief-typst-{i}"))
            .stack_size(256 << 20)
            .build()
            .ok()
    });

/// One of the compiles allowed to run at once; given back when dropped.
struct Slot;

/// How many compiles run now, and the signal that one ended.
static RUNNING: (Mutex<usize>, std::sync::Condvar) = (Mutex::new(0), std::sync::Condvar::new());

impl Slot {
    /// Waits (blocking the thread, taking up no other work) until fewer
    /// than `max` compiles run, then counts this one.
    fn take(max: usize) -> Slot {
        let mut running = RUNNING
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while *running >= max.max(1) {
            running = RUNNING
                .1
                .wait(running)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *running += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = RUNNING
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *running = running.saturating_sub(1);
        RUNNING.1.notify_one();
    }
}

/// Makes the PDFs of one loaded site.
pub struct Engine {
    /// The template's folder, read at load.
    files: Files,
    /// The template as messages name it: `templates/briefing.typ` or
    /// `(built-in) briefing.typ`.
    shown: PathBuf,
    /// A hash of every file of the template's folder.
    template_hash: u128,
    /// PDFs made by earlier builds (`.brief-cache/pdf/`).
    cache: DiskCache,
    /// Whether PDFs are made only when asked for (`brief serve`): a page
    /// then shows the size of a PDF already made, and no size otherwise.
    on_request: bool,
    /// The size of every PDF made or found in this run, by key.
    sizes: Mutex<HashMap<u128, u64>>,
    /// PDFs that could not be cached on disk, by key.
    held: Mutex<HashMap<u128, Vec<u8>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("template", &self.shown)
            .field("files", &self.files.bytes.len())
            .finish()
    }
}

impl Engine {
    /// Reads the template's folder of the site at `root`: the site's
    /// `templates/briefing.typ` (or the built-in one) and every file beside
    /// it that Typst may read (not `.html`/`.xml`), through
    /// [`crate::site_fs`] (below the root, no symbolic links).
    pub fn load(root: &Path) -> Result<Engine, SourceError> {
        let mut files = Files::default();
        let dir = root.join(crate::templates::TEMPLATES_DIR);
        let mut own_template = false;
        let mut hashes: Vec<(String, u128)> = Vec::new();
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry = entry.map_err(|e| {
                    SourceError::new(
                        crate::templates::TEMPLATES_DIR,
                        format!("cannot read the folder: {e}"),
                    )
                    .with_help("check the folder's permissions")
                })?;
                let path = entry.path();
                if !entry.file_type().is_file()
                    || path
                        .extension()
                        .is_some_and(|e| NOT_FOR_TYPST.iter().any(|n| e == *n))
                {
                    continue;
                }
                let rel = path.strip_prefix(&dir).unwrap_or(path);
                let name: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let virtual_path = format!("/{}", name.join("/"));
                if virtual_path.starts_with(world::VIRTUAL_DIR) {
                    continue;
                }
                let shown = Path::new(crate::templates::TEMPLATES_DIR).join(rel);
                let bytes = crate::site_fs::read(root, path, crate::content::MAX_FILE_BYTES, 0)
                    .map_err(|e| {
                        SourceError::new(&shown, format!("cannot read this file: {e}"))
                            .with_help("the PDF template reads every file under templates/ that is not an HTML template; fix or remove it")
                    })?;
                own_template |= virtual_path == world::MAIN;
                hashes.push((virtual_path.clone(), hash128(&bytes)));
                files.add(&virtual_path, bytes);
            }
        }
        let shown = if own_template {
            Path::new(crate::templates::TEMPLATES_DIR).join(TEMPLATE)
        } else {
            files.add(world::MAIN, BUILTIN_TEMPLATE.as_bytes().to_vec());
            hashes.push((world::MAIN.into(), hash128(BUILTIN_TEMPLATE)));
            PathBuf::from(format!("(built-in) {TEMPLATE}"))
        };
        if let Some(main) = files.sources.get(
            &world::id(world::MAIN)
                .ok_or_else(|| SourceError::new(&shown, "the template's path is not valid"))?,
        ) {
            // A syntax error is found here, before any briefing is compiled.
            let (errors, _) = main.root().errors_and_warnings();
            if let Some(e) = errors.first() {
                let range = span_range(main, e.span).unwrap_or(0..0);
                return Err(
                    SourceError::new(&shown, format!("Typst syntax error: {}", e.message))
                        .at_offset(main.text(), range.start, range.len().max(1))
                        .with_help(
                            "fix the template; see https://typst.app/docs/reference/syntax/",
                        ),
                );
            }
        } else {
            return Err(
                SourceError::new(&shown, "the PDF template is not valid UTF-8")
                    .with_help("save the file as UTF-8"),
            );
        }
        // The fonts and Typst's library are made by the first compile, not
        // here: a build whose PDFs are all cached never needs them, and
        // reading the bundled fonts' character maps is most of a small
        // site's cold build.
        Ok(Engine {
            files,
            shown,
            template_hash: hash128(&hashes),
            cache: DiskCache::open(root, CACHE_KIND),
            on_request: false,
            sizes: Mutex::new(HashMap::new()),
            held: Mutex::new(HashMap::new()),
        })
    }

    /// Makes PDFs only when they are asked for (`brief serve`).
    pub fn set_on_request(&mut self) {
        self.on_request = true;
    }

    /// What briefing `i`'s PDF is made from, taken from `site` so it can
    /// be made later without it ([`Engine::run`]; `brief serve`).
    pub fn job(&self, site: &Site, i: usize) -> Result<Job, Vec<SourceError>> {
        let b = &site.briefings[i];
        let text = b.text().map_err(|e| vec![e])?;
        let inputs = data::inputs(site, i, text.body());
        Ok(Job {
            key: self.key(&inputs),
            file: b.file.clone(),
            inputs,
        })
    }

    /// Makes the PDF of `job`: from the cache when nothing that goes into
    /// it changed, else compiled (and cached). A Typst error is returned
    /// located in the template, naming the briefing.
    pub fn run(&self, job: &Job) -> Result<Vec<u8>, Vec<SourceError>> {
        if let Some(bytes) = self.cached(job.key) {
            return Ok(bytes);
        }
        let bytes = self.compile(&job.file, job.inputs.clone())?;
        self.store(job.key, &bytes);
        Ok(bytes)
    }

    /// The PDF of briefing `i` of `site` ([`Engine::job`], [`Engine::run`]).
    pub fn make(&self, site: &Site, i: usize) -> Result<Vec<u8>, Vec<SourceError>> {
        self.run(&self.job(site, i)?)
    }

    /// The size in bytes of briefing `i`'s PDF, for its page's link: made
    /// now if need be, except when PDFs are made on request (then only a
    /// size already known); `None` if it cannot be made (the PDF's own
    /// route reports why).
    pub fn size(&self, site: &Site, i: usize) -> Option<u64> {
        let job = self.job(site, i).ok()?;
        let key = job.key;
        if let Some(size) = self.lock_sizes().get(&key) {
            return Some(*size);
        }
        if let Some(size) = self.cache.size(key) {
            self.lock_sizes().insert(key, size);
            return Some(size);
        }
        if self.on_request {
            return None;
        }
        self.run(&job).ok().map(|bytes| bytes.len() as u64)
    }

    fn lock_sizes(&self) -> std::sync::MutexGuard<'_, HashMap<u128, u64>> {
        self.sizes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_held(&self) -> std::sync::MutexGuard<'_, HashMap<u128, Vec<u8>>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The hash of everything that goes into one PDF.
    fn key(&self, inputs: &data::Inputs) -> u128 {
        let images: Vec<(&str, u128)> = inputs
            .images
            .iter()
            .map(|(path, bytes)| (path.as_str(), hash128(bytes.as_slice())))
            .collect();
        crate::cache::key(&(
            CACHE_VERSION,
            self.template_hash,
            &inputs.data,
            &inputs.body,
            images,
        ))
    }

    /// A PDF made before with the same inputs.
    fn cached(&self, key: u128) -> Option<Vec<u8>> {
        if let Some(bytes) = self.lock_held().get(&key) {
            return Some(bytes.clone());
        }
        let bytes = self.cache.get(key)?;
        // A PDF ends with `%%EOF`: a file cut short is made again.
        if !bytes.trim_ascii_end().ends_with(b"%%EOF") {
            return None;
        }
        self.lock_sizes().insert(key, bytes.len() as u64);
        Some(bytes)
    }

    /// Keeps a PDF just made: in the cache folder, or in memory when that
    /// fails.
    fn store(&self, key: u128, bytes: &[u8]) {
        self.lock_sizes().insert(key, bytes.len() as u64);
        let written = self.cache.put(key, bytes);
        if !written {
            self.lock_held().insert(key, bytes.to_vec());
        }
    }

    /// Compiles one PDF. `file` is the briefing, for messages.
    fn compile(&self, file: &Path, inputs: data::Inputs) -> Result<Vec<u8>, Vec<SourceError>> {
        // Typst recurses deeply and runs its own parallel work: it gets a
        // pool of its own with large stacks. The caller is usually a thread
        // of the pool rendering routes; had it entered Typst's pool itself
        // (`install`), rayon would let it render more routes while it waits,
        // each asking for another PDF, and Typst's threads would take those
        // compiles up while waiting on their own parallel work: compiles
        // nested on their stacks, each holding its laid-out pages (peak
        // memory grew by about 0.5 MB a briefing). A plain thread that only
        // waits, and a cap of one compile per Typst thread, keep the work in
        // flight to what the cores can do.
        let Some(pool) = TYPST_POOL.as_ref() else {
            return self.compile_here(file, inputs);
        };
        let _slot = Slot::take(pool.current_num_threads());
        std::thread::scope(|scope| {
            scope
                .spawn(|| pool.install(|| self.compile_here(file, inputs)))
                .join()
        })
        .unwrap_or_else(|_| {
            Err(vec![
                SourceError::new(file, "the PDF compiler stopped unexpectedly")
                    .with_help("report this with the briefing that causes it; set `pdf = false` in site.toml to build without PDFs"),
            ])
        })
    }

    /// [`Engine::compile`] on the current thread.
    fn compile_here(&self, file: &Path, inputs: data::Inputs) -> Result<Vec<u8>, Vec<SourceError>> {
        let world = BriefWorld::new(&self.files, inputs.data, inputs.body, inputs.images, None)
            .ok_or_else(|| {
                vec![SourceError::new(
                    &self.shown,
                    "the template's path is not valid",
                )]
            })?;
        let document = typst::compile::<typst_layout::PagedDocument>(&world)
            .output
            .map_err(|errors| self.located(&world, file, &errors))?;
        let options = |standards: typst_pdf::PdfStandards| PdfOptions {
            ident: typst::foundations::Smart::Custom(file.display().to_string()),
            creator: typst::foundations::Smart::Custom(Some(format!(
                "brief {}",
                env!("CARGO_PKG_VERSION")
            ))),
            standards,
            ..PdfOptions::default()
        };
        // PDF/UA-1 where the briefing meets it (every image described…);
        // else the tagged PDF Typst always writes.
        let ua = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
            .ok()
            .and_then(|standards| typst_pdf::pdf(&document, &options(standards)).ok());
        let pdf = match ua {
            Some(pdf) => Ok(pdf),
            None => typst_pdf::pdf(&document, &options(typst_pdf::PdfStandards::default()))
                .map_err(|errors| self.located(&world, file, &errors)),
        };
        // Typst remembers results between compiles; keep only recent ones
        // so a big build's memory stays flat.
        typst::comemo::evict(30);
        pdf
    }

    /// Typst's errors as brief's: at the template's line and column,
    /// naming the briefing being made.
    fn located(
        &self,
        world: &BriefWorld<'_>,
        file: &Path,
        errors: &[SourceDiagnostic],
    ) -> Vec<SourceError> {
        errors
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let message = format!(
                    "the PDF of `{}` cannot be made: {}",
                    file.display(),
                    d.message
                );
                let mut help: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
                help.push(format!(
                    "fix the PDF template `{}` (or turn PDFs off with `pdf = false` in site.toml)",
                    self.shown.display()
                ));
                let help = help.join("; ");
                let located = d.span.id().and_then(|id| {
                    let source = world.source(id).ok()?;
                    let range = world.range(d.span)?;
                    let path = id.get().vpath().get_without_slash().to_string();
                    Some((path, source, range))
                });
                match located {
                    Some((path, source, range)) => {
                        let shown = if format!("/{path}") == world::MAIN {
                            self.shown.clone()
                        } else if format!("/{path}") == world::BODY {
                            PathBuf::from(format!("(the body of {}, as Typst)", file.display()))
                        } else {
                            Path::new(crate::templates::TEMPLATES_DIR).join(&path)
                        };
                        SourceError::new(shown, message)
                            .at_offset(source.text(), range.start, range.len().max(1))
                            .with_help(help)
                    }
                    None => SourceError::new(&self.shown, message).with_help(help),
                }
            })
            .collect()
    }
}

/// The bytes of `source` a span of it covers.
fn span_range(
    source: &typst::syntax::Source,
    span: typst::syntax::DiagSpan,
) -> Option<std::ops::Range<usize>> {
    match span.get() {
        typst::syntax::DiagSpanKind::Number { num, sub_range, .. } => source.range(num, sub_range),
        typst::syntax::DiagSpanKind::Range { range, .. } => Some(range),
        typst::syntax::DiagSpanKind::Detached => None,
    }
}

/// A byte count for readers: `48 KB`, `1.2 MB`.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(48_200), "49 KB");
        assert_eq!(human_size(1_240_000), "1.2 MB");
    }
}
