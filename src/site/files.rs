//! Site files copied as they are: `static/` (over the built-in defaults)
//! and the files of briefings' bundles, each opened once when the site is
//! loaded, and the pixel sizes of the images among them.

use crate::briefing::Briefing;
use crate::diagnostics::{SourceError, display_path};
use crate::output::Contents;
use anyhow::{Context as _, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use walkdir::WalkDir;

/// The folder copied as-is into the output, relative to the site root.
pub const STATIC_DIR: &str = "static";

/// Static files compiled into the binary; the site's `static/` overrides them.
pub const BUILTIN_STATIC: &[(&str, &str)] =
    &[("style.css", include_str!("../../static/style.css"))];

/// Reads `static/` over the built-in files, by output path. Links and
/// other non-regular files are skipped with a warning.
pub fn load_statics(
    root: &Path,
    warnings: &mut Vec<SourceError>,
) -> Result<BTreeMap<String, Contents>> {
    let mut statics: BTreeMap<String, Contents> = BUILTIN_STATIC
        .iter()
        .map(|(p, s)| (p.to_string(), Contents::Bytes(s.as_bytes().to_vec())))
        .collect();
    let dir = root.join(STATIC_DIR);
    if !dir.is_dir() {
        return Ok(statics);
    }
    let site = crate::site_fs::Root::new(root);
    for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if entry.path_is_symlink() {
            warnings.push(
                SourceError::new(display_path(root, entry.path()), "symbolic link skipped")
                    .with_help("brief does not follow links; copy the file into static/ instead"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // Opened now, without following links, and copied (or served) from
        // this handle: a file swapped for a link after the walk is refused
        // like one found by the walk, and one swapped after this is never
        // read through the link.
        let shown = display_path(root, entry.path());
        match Contents::open(&site, entry.path(), &shown) {
            Ok(contents) => {
                statics.insert(rel, contents);
            }
            Err(e) if crate::site_fs::refusal(&e).is_some() => warnings.push(
                SourceError::new(&shown, format!("not copied: {e}")).with_help(
                    "brief copies only regular files; copy the file into static/ instead",
                ),
            ),
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", shown.display()));
            }
        }
    }
    Ok(statics)
}

/// Each static file's path with a query string that changes with its
/// contents (`style.css?v=1a2b3c4d`), so browsers never keep an old copy.
pub fn asset_urls(statics: &BTreeMap<String, Contents>) -> Result<BTreeMap<String, String>> {
    statics
        .iter()
        .map(|(path, contents)| {
            Ok((
                path.clone(),
                format!("{path}?v={}", contents.fingerprint()?),
            ))
        })
        .collect()
}

/// The sizes of the images among `statics` and the briefings' bundle
/// files, by output path.
pub fn image_sizes(
    statics: &BTreeMap<String, Contents>,
    briefings: &[Briefing],
) -> HashMap<String, (u32, u32)> {
    let mut sizes = HashMap::new();
    for (path, contents) in statics {
        if let Some(size) = image_size(path, contents) {
            sizes.insert(path.clone(), size);
        }
    }
    for b in briefings {
        for asset in &b.assets {
            let path = format!("{}{}", b.url, asset.rel);
            if let Some(size) = image_size(&path, &asset.contents) {
                sizes.insert(path, size);
            }
        }
    }
    sizes
}

/// The pixel size of an image file, read from its first bytes; `None` for
/// other files and formats `imagesize` does not know.
fn image_size(path: &str, contents: &Contents) -> Option<(u32, u32)> {
    const IMAGES: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "tif", "tiff", "ico", "heic", "heif",
    ];
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    if !IMAGES.contains(&ext.as_str()) {
        return None;
    }
    let head = match contents {
        Contents::Bytes(b) => imagesize::blob_size(b),
        Contents::Copy(snapshot) => {
            let mut buf = vec![0u8; 64 * 1024];
            let n = snapshot.read_at(0, &mut buf).ok()?;
            imagesize::blob_size(&buf[..n])
        }
    };
    let size = head.ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}

/// Where a relative URL written in the page whose folder is `folder`
/// (`mali/`) points inside the output: `Ok(None)` for URLs that are not
/// relative paths (a scheme, `/…`, `@/…`, `#…`), `Err(())` for one that
/// climbs above the output's root.
pub fn output_path(folder: &str, src: &str) -> Result<Option<String>, ()> {
    if src.is_empty() || src.contains(':') || src.starts_with(['/', '@', '#', '?']) {
        return Ok(None);
    }
    let file = src.split(['?', '#']).next().unwrap_or_default();
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for seg in file.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(())?;
            }
            s => parts.push(s),
        }
    }
    Ok(Some(parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_against_the_page_folder() {
        for (folder, src, want) in [
            ("mali/", "map.png", Ok(Some("mali/map.png"))),
            ("mali/", "./a/b.png?x#y", Ok(Some("mali/a/b.png"))),
            ("sahel/mali/", "../../img/x.png", Ok(Some("img/x.png"))),
            ("mali/", "../../../etc/passwd", Err(())),
            ("mali/", "https://example.org/a.png", Ok(None)),
            ("mali/", "/img/x.png", Ok(None)),
            ("mali/", "@/b.md", Ok(None)),
        ] {
            assert_eq!(
                output_path(folder, src),
                want.map(|w| w.map(str::to_string)),
                "{src}"
            );
        }
    }

    #[test]
    fn sizes_come_from_image_files_only() {
        let gif = b"GIF89a\x01\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
        assert_eq!(
            image_size("a/x.gif", &Contents::Bytes(gif.clone())),
            Some((1, 2))
        );
        assert_eq!(image_size("a/x.txt", &Contents::Bytes(gif)), None);
        assert_eq!(
            image_size("a/y.png", &Contents::Bytes(b"nope".to_vec())),
            None
        );
    }
}
