//! A whole briefing through the page pipeline: front matter, Markdown,
//! links between briefings, and every route of the site's plan rendered
//! with the built-in templates (briefing page, home page, tag pages, feeds,
//! sitemap).
//!
//! Loading a site compiles the templates, which costs far more than one
//! input, so a site is loaded once from a small folder (one seed briefing,
//! a `base_url` so feeds are written) and each input takes the place of its
//! briefing (`Site::replace`, as `serve` does after an edit).
//!
//! The first byte picks raw HTML on or off; the rest is the file. With raw
//! HTML off, no page may carry a script but the JSON-LD block, an
//! event-handler attribute or a script-scheme `href` or `src`, and no id
//! appears twice on the briefing's page. With either, when the plan finds
//! no clash no path is planned twice, none leaves the output folder, and
//! every HTML page is whole.
#![no_main]

#[path = "script_free.rs"]
mod script_free;

use brief::fuzzing::{
    Briefing, Contents, LoadOptions, Selection, Site, Want, id_values, plan, render_route,
};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{LazyLock, Mutex};

const SEED: &str =
    "+++\ntitle = \"Seed\"\ndate = 2020-01-01\ntags = [\"Mali\"]\n+++\n\n## Part\n\nText.\n";

/// The seed's file, as messages name it, and its path inside `content/`:
/// each input is loaded as a new version of that file, so a link to
/// `@/fuzz.md` in an input points at itself.
const FILE: &str = "content/fuzz.md";
const REL: &str = "fuzz.md";

/// The loaded site, taken out for each input and put back with the input
/// in place of the seed (`Site::replace` takes the site by value).
static SITE: LazyLock<Mutex<Option<Site>>> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("brief-fuzz-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content")).expect("temp dir");
    std::fs::write(
        dir.join("site.toml"),
        "title = \"Fuzz\"\nbase_url = \"https://example.org/b/\"\npaginate = 2\n",
    )
    .expect("site.toml");
    std::fs::write(dir.join(FILE), SEED).expect("seed");
    let (site, problems) = Site::load(
        &dir,
        &LoadOptions {
            selection: Selection {
                drafts: true,
                future: true,
                clock: None,
            },
            ..LoadOptions::default()
        },
    )
    .expect("the seed site loads");
    assert!(
        problems.0.is_empty(),
        "the seed site has problems: {problems}"
    );
    assert_eq!(site.briefings.len(), 1, "the seed site has one briefing");
    let _ = std::fs::remove_dir_all(&dir);
    Mutex::new(Some(site))
});

/// One built file: its path in the output folder and its contents.
struct File {
    path: String,
    contents: Contents,
}

/// Every file a build of `site` writes: each route of its plan rendered.
/// `None` when the input is at fault, as a build would refuse it: two
/// routes claim one path, or a route fails to render or has problems (a
/// broken link, a refused script link, a template error). Anchor links
/// are not checked, so inputs with a broken one still reach the checks
/// below.
fn render_all(site: &Site) -> Option<Vec<File>> {
    let (routes, clashes) = plan(site);
    if !clashes.0.is_empty() {
        return None;
    }
    routes
        .iter()
        .map(|route| {
            let want = Want {
                targets: true,
                details: true,
            };
            let out = render_route(site, route, want).ok()?;
            // A page with problems in its Markdown is still rendered (so
            // its links are checked), but a build writes nothing then.
            if !out.facts.problems.is_empty() {
                return None;
            }
            Some(File {
                path: route.path.clone(),
                contents: out.contents,
            })
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let raw_html = mode & 1 == 1;
    let Ok(briefing) = Briefing::parse_with(Path::new(FILE), REL, text.to_string(), raw_html)
    else {
        return;
    };
    let mut slot = SITE.lock().unwrap_or_else(|e| e.into_inner());
    let site = slot.as_mut().expect("the site is loaded once");
    // The input keeps the seed's path, so the site always has it.
    assert!(site.replace(briefing), "the site has no briefing from `{REL}`");
    let files = render_all(site);
    let url = site.briefings[0].url.clone();
    drop(slot);
    let Some(files) = files else {
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
        if f.path == format!("{url}index.html") {
            // Without raw HTML only brief writes ids, and each only once.
            if !raw_html {
                let mut seen = HashSet::new();
                for id in id_values(html) {
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
