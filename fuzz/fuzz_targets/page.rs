//! A whole briefing through the page pipeline: front matter, Markdown,
//! links between briefings, and `Site::render` with the built-in templates
//! (briefing page, home page, tag pages, feeds, sitemap).
//!
//! Loading a site compiles the templates, which costs far more than one
//! input, so a site is loaded once from a small folder (one seed briefing,
//! a `base_url` so feeds are written) and each input takes the place of its
//! pages.
//!
//! The first byte picks raw HTML on or off; the rest is the file. With raw
//! HTML off, no page may carry a script but the JSON-LD block, an
//! event-handler attribute or a script-scheme `href` or `src`.
#![no_main]

#[path = "script_free.rs"]
mod script_free;

use brief::content::Page;
use brief::links;
use brief::output::Contents;
use brief::{LoadOptions, Site};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{LazyLock, Mutex};

const SEED: &str =
    "+++\ntitle = \"Seed\"\ndate = 2020-01-01\ntags = [\"Mali\"]\n+++\n\n## Part\n\nText.\n";

static SITE: LazyLock<Mutex<Site>> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("brief-fuzz-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content")).expect("temp dir");
    std::fs::write(
        dir.join("site.toml"),
        "title = \"Fuzz\"\nbase_url = \"https://example.org/b/\"\npaginate = 2\n",
    )
    .expect("site.toml");
    std::fs::write(dir.join("content/seed.md"), SEED).expect("seed");
    let site = Site::load(
        &dir,
        &LoadOptions {
            drafts: true,
            future: true,
            ..LoadOptions::default()
        },
    )
    .expect("the seed site loads");
    let _ = std::fs::remove_dir_all(&dir);
    Mutex::new(site)
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let raw_html = mode & 1 == 1;
    let file = Path::new("content/fuzz.md");
    let Ok(page) = Page::parse_with(file, "fuzz.md", text.to_string(), raw_html) else {
        return;
    };
    let mut site = SITE.lock().unwrap_or_else(|e| e.into_inner());
    site.set_pages(vec![page]);
    // Broken links and anchors are errors of the input, not of brief.
    let Ok(files) = site.render() else {
        return;
    };
    let mut paths = HashSet::new();
    for f in &files {
        assert!(paths.insert(f.path.as_str()), "`{}` written twice", f.path);
        assert!(!f.path.starts_with('/') && !f.path.split('/').any(|s| s == ".."));
        let Contents::Bytes(bytes) = &f.contents else {
            continue;
        };
        let html = std::str::from_utf8(bytes).expect("output is UTF-8");
        if !f.path.ends_with(".html") {
            continue;
        }
        assert!(html.ends_with("</html>\n"), "`{}` is cut short", f.path);
        if f.path == format!("{}index.html", site.pages[0].url) {
            // Without raw HTML only brief writes ids, and each only once.
            if !raw_html {
                let mut seen = HashSet::new();
                for id in links::id_values(html) {
                    assert!(seen.insert(id), "id `{id}` twice on the page from {text:?}");
                }
            }
        }
        // JSON-LD is the only script a page may carry without raw HTML,
        // and nothing in it may close its element early.
        if raw_html {
            continue;
        }
        script_free::assert_script_free(html, text);
        let lower = html.to_ascii_lowercase();
        for (at, _) in lower.match_indices("<script") {
            let json = lower[at..]
                .strip_prefix("<script type=\"application/ld+json\">")
                .unwrap_or_else(|| panic!("a script in `{}` from {text:?}", f.path));
            let end = json.find("</").expect("the script is closed");
            assert!(
                json[end..].starts_with("</script>"),
                "JSON-LD broken in `{}`",
                f.path
            );
        }
    }
});
