//! Markdown bodies: rendered with raw HTML passed through and escaped.
//! Invariants: no panic; every id the body puts on the page is unique and
//! none is one the templates use; with raw HTML off, no `<script` element,
//! no event-handler attribute and no script-scheme `href` or `src` can come
//! out of the body.
#![no_main]

#[path = "script_free.rs"]
mod script_free;

use brief::fuzzing::{RESERVED_IDS, RenderOptions, Rendered, count_words, render, render_with};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;

fn check_ids(r: &Rendered, input: &str) {
    let mut seen = HashSet::new();
    for id in &r.ids {
        assert!(seen.insert(id.as_str()), "id `{id}` twice for {input:?}");
        assert!(
            !RESERVED_IDS.contains(&id.as_str()),
            "reserved id `{id}` for {input:?}"
        );
    }
    let mut sections = HashSet::new();
    for s in &r.sections {
        assert!(
            sections.insert(s.id.as_str()),
            "section id `{}` twice",
            s.id
        );
        assert!(!s.id.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = render(body);
    let escaped = render_with(
        body,
        &RenderOptions {
            raw_html: false,
            ..RenderOptions::default()
        },
    );
    // Raw HTML changes the markup; whether the body is valid, only by the
    // script links it refuses without raw HTML.
    match (&trusted, &escaped) {
        (Err(_), Ok(_)) => panic!("valid only without raw HTML: {body:?}"),
        (Ok(_), Err(errors)) => {
            for e in errors {
                assert!(e.message.contains("not allowed"), "{}: {body:?}", e.message);
            }
        }
        _ => {}
    }
    if let Ok(r) = &trusted {
        check_ids(r, body);
        for link in &r.links {
            assert!(link.offset <= body.len());
        }
    }
    if let Ok(r) = &escaped {
        check_ids(r, body);
        let html = r.full_html().to_ascii_lowercase();
        assert!(!html.contains("<script"), "script from {body:?}");
        script_free::assert_script_free(&r.full_html(), body);
        // Resolving every link changes no id, and the resolved hrefs go
        // through the same escaping as any other.
        let resolved = render_with(
            body,
            &RenderOptions {
                raw_html: false,
                resolve_link: &|_| Ok(Some("/a\"b/<x>#y".to_string())),
                ..RenderOptions::default()
            },
        )
        .expect("resolving links fails where leaving them did not");
        assert_eq!(resolved.ids, r.ids);
        assert_eq!(resolved.links, r.links);
        script_free::assert_script_free(&resolved.full_html(), body);
        assert_eq!(r.words, count_words(body));
    }
});
