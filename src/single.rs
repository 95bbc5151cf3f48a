//! The single-file edition of a briefing: its page as one HTML file that
//! needs nothing else (for e-mail): the stylesheet inlined, images as
//! `data:` URIs, links to the rest of the site absolute with `base_url`
//! or not written. Rendered by [`crate::render`] from `briefing.html`
//! with `page.single_file` set.

use crate::briefing::Briefing;
use crate::output::Contents;
use crate::site::Site;

/// The site's stylesheet (`style.css`), for a `<style>` element; empty if
/// it is too large to have been read whole or not UTF-8. `</style` cannot
/// occur in it, so it cannot end the element early.
pub fn stylesheet(site: &Site) -> String {
    match site.statics.get("style.css") {
        Some(Contents::Bytes(bytes)) => {
            String::from_utf8_lossy(bytes).replace("</style", "<\\/style")
        }
        _ => String::new(),
    }
}

/// The `data:` URI of the image `src` as written in briefing `b`, when
/// the site copies it (its bundle or `static/`) and read it whole.
pub fn data_uri(site: &Site, b: &Briefing, src: &str) -> Option<String> {
    let path = crate::site::output_path(&b.url, src).ok()??;
    let contents = b
        .assets
        .iter()
        .find(|a| format!("{}{}", b.url, a.rel) == path)
        .map(|a| &a.contents)
        .or_else(|| site.statics.get(&path))?;
    let Contents::Bytes(bytes) = contents else {
        return None;
    };
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let mime = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => return None,
    };
    Some(format!("data:{mime};base64,{}", base64(bytes)))
}

/// `bytes` in standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &b)| n | u32::from(b) << (16 - 8 * k));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * k)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_examples() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }
}
