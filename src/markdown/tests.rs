use super::*;
use crate::words::count_words;

#[test]
fn splits_sections_at_h2_with_explicit_and_slug_ids() {
    let r =
        render("Intro.\n\n## The request {#request}\n\nOne.\n\n## Historical context\n\nTwo.\n")
            .unwrap();
    assert_eq!(r.intro_html, "<p>Intro.</p>\n");
    let ids: Vec<_> = r.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["request", "historical-context"]);
    assert_eq!(r.sections[0].title, "The request");
    assert_eq!(r.sections[0].html, "<p>One.</p>\n");
    assert_eq!(r.sections[1].line, 7);
    assert_eq!(r.words, 7);
    assert_eq!(r.sections[0].words, 3);
}

#[test]
fn sub_headings_get_ids_and_nest_in_the_toc() {
    let r = render("## A\n\n### B\n\n### B\n\n## C\n").unwrap();
    assert!(r.sections[0].html.contains("<h3 id=\"b\">B</h3>"));
    assert!(r.sections[0].html.contains("<h3 id=\"b-2\">B</h3>"));
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children.len(), 2);
}

#[test]
fn raw_html_off_escapes_html_in_headings_and_footnotes() {
    // Found by the `markdown` fuzz target (`# <script>`, 10 bytes): the
    // loops that gather a heading's or a footnote's events passed raw
    // HTML through even with raw HTML off.
    let off = RenderOptions {
        raw_html: false,
        ..RenderOptions::default()
    };
    for body in [
        "# <script>x</script>\n",
        "## A <script>x</script>\n",
        "### <img src=x onerror=alert(1)>\n",
        "Text[^1].\n\n[^1]: a <script>x</script>\n",
    ] {
        let html = render_with(body, &off).unwrap().full_html();
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{body}: {html}"
        );
        assert!(html.contains("&lt;"), "{body}: {html}");
    }
    // Trusted HTML still passes.
    let html = render("## A <b>b</b>\n").unwrap().full_html();
    assert!(html.contains("<b>b</b>"), "{html}");
}

fn untrusted() -> RenderOptions<'static> {
    RenderOptions {
        raw_html: false,
        ..RenderOptions::default()
    }
}

#[test]
fn raw_html_off_refuses_script_links_in_every_form() {
    // Each of these gave a live script `href` or `src` with raw HTML
    // off (issue #14): the trusted render shows it is a real link.
    let cases = [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;&#x61;vascript:alert(1))",
        "[x](java&#9;script:alert(1))",
        "[x](&#32;javascript:alert(1))",
        "[x](< javascript:alert(1)>)",
        "[x](vbscript:msgbox(1))",
        "[x](VBScript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](data:image/svg+xml;base64,PHN2Zz4=)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x]\n\n[x]: <JAVASCRIPT:alert(1)>",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "![x](data:text/html,x)",
        "## A [x](javascript:alert(1))",
        "### A ![x](vbscript:x)",
        "Text[^1].\n\n[^1]: [x](javascript:alert(1))",
        "Text[^1].\n\n[^1]: ![x](data:text/html,x)",
        "> - [x](javascript:alert(1))",
    ];
    for body in cases {
        let trusted = render(body).unwrap().full_html().to_ascii_lowercase();
        assert!(
            trusted.contains("=\"javascript:")
                || trusted.contains("=\"vbscript:")
                || trusted.contains("=\"data:")
                || trusted.contains("=\"%20javascript:")
                || trusted.contains("=\"java%09script:"),
            "not a live link when trusted: {body:?}: {trusted}"
        );
        let errors = render_with(body, &untrusted()).unwrap_err();
        assert_eq!(errors.len(), 1, "{body:?}: {errors:?}");
        let err = &errors[0];
        assert!(
            err.message.contains("not allowed"),
            "{body:?}: {}",
            err.message
        );
        assert!(err.help.contains("raw_html = false"), "{}", err.help);
    }
    // Trusted authors keep what the README documents.
    assert!(render("[x](javascript:void(0))").is_ok());
}

#[test]
fn raw_html_off_reports_every_script_link_in_order() {
    let body = "## A\n\n[a](javascript:a)\n\n[ok](https://a.org)\n\n![b](data:text/html,b)\n\n<vbscript:c>\n";
    let err = render_with(body, &untrusted()).unwrap_err();
    let offsets: Vec<usize> = err.iter().map(|e| e.offset).collect();
    assert_eq!(
        offsets,
        [
            body.find("[a]").unwrap(),
            body.find("![b]").unwrap(),
            body.find("<vb").unwrap()
        ]
    );
    assert!(
        err[1]
            .message
            .starts_with("`data:` images are not allowed unless PNG"),
        "{}",
        err[1].message
    );
    assert!(err[2].message.contains("`vbscript:`"));
    // A repeated id is reported with the script links, in order.
    let err = render_with(
        "[a](javascript:a)\n\n## B {#x}\n\n## C {#x}\n",
        &untrusted(),
    )
    .unwrap_err();
    assert_eq!(err.len(), 2, "{err:?}");
    assert!(
        err[0].message.contains("`javascript:`"),
        "{}",
        err[0].message
    );
    assert!(err[1].message.contains("used twice"));
}

#[test]
fn raw_html_off_allows_ordinary_links_and_raster_data_images() {
    let body = "[a](https://un.org) [b](http://a) [c](mailto:a@b.org) [d](/x) [e](../y#z) \
                    [f](#top) [g](@/sahel/mali.md#x) [h](a/b:c) <https://x.org> <a@b.org> \
                    ![i](map.png) ![j](https://a.org/m.jpg) ![k](data:image/png;base64,iVBORw0KGgo=)";
    let r = render_with(body, &untrusted()).unwrap();
    assert_eq!(r.links.len(), 13);
    assert!(r.warnings.is_empty());
}

#[test]
fn raw_html_off_keeps_only_id_and_classes_of_headings() {
    // `### Sub {onfocus=alert(1) tabindex=1 autofocus}` ran script on
    // load in Chromium with raw HTML off (issue #14).
    let body = "## A\n\n### Sub {onfocus=alert(1) tabindex=1 autofocus}\n\n#### Kept {#kept .wide onclick=x}\n\n# One {style=x}\n\nText[^1].\n\n[^1]: ### In note {onmouseover=x}\n";
    let r = render_with(body, &untrusted()).unwrap();
    let html = r.full_html();
    for gone in [
        "onfocus",
        "tabindex",
        "autofocus",
        "onclick",
        "style",
        "onmouseover",
    ] {
        assert!(!html.contains(gone), "{gone}: {html}");
    }
    assert!(html.contains("<h3 id=\"sub\">Sub</h3>"), "{html}");
    assert!(
        html.contains("<h4 id=\"kept\" class=\"wide\">Kept</h4>"),
        "{html}"
    );
    let messages: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(
        messages[0].contains("attributes `onfocus`, `tabindex`, `autofocus` were dropped"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("attribute `onclick` was dropped"),
        "{}",
        messages[1]
    );
    assert_eq!(r.warnings[0].offset, body.find("### Sub").unwrap());
    // Trusted authors keep today's attributes.
    let trusted = render(body).unwrap().full_html();
    assert!(trusted.contains("onfocus=\"alert(1)\""), "{trusted}");
    assert!(render(body).unwrap().warnings.is_empty());
}

#[test]
fn whole_body_escapes_section_ids() {
    // Found by the `markdown` fuzz target's event-handler check: an
    // explicit id may hold `"`, and the whole body (`page.content`)
    // wrote section ids unescaped, so `{#a"onfocus=…}` became an
    // attribute. Sub-headings were already escaped by pulldown-cmark.
    let body = "## A {#a\"onfocus=\"alert(1)\"}\n\n### B {#b\"onclick=x}\n";
    let html = render_with(body, &untrusted()).unwrap().full_html();
    assert!(!html.contains("\"onfocus"), "{html}");
    assert!(
        html.contains("<h2 id=\"a&quot;onfocus=&quot;alert(1)&quot;\">"),
        "{html}"
    );
    assert!(!html.contains("\"onclick"), "{html}");
}

#[test]
fn headings_in_footnotes_and_id_attributes_never_repeat_an_id() {
    // Found by the `page` fuzz target's unique-id check: an explicit id
    // on a heading inside a footnote, or an `id=` heading attribute,
    // went round the page's id set.
    let e = &render("## A\n\nText[^1].\n\n[^1]: # B {#a}\n").unwrap_err()[0];
    assert!(e.message.contains("`a` is used twice"), "{}", e.message);
    let r = render("Text[^1].\n\n[^1]: # B {#b}\n\n## B\n").unwrap();
    assert!(r.ids.contains(&"b".to_string()));
    assert_eq!(r.sections[0].id, "b-2");
    let r = render("## Z\n\n### B {#b id=a}\n\n### C {ID=a}\n").unwrap();
    let html = r.full_html();
    assert!(
        !html.contains("id=\"a\"") && !html.contains("ID="),
        "{html}"
    );
    assert!(html.contains("<h3 id=\"b\">"), "{html}");
}

#[test]
fn heading_ids_never_clash_with_footnote_ids() {
    // Found by the `markdown` fuzz target's unique-id check: a heading
    // slugged or named `fn-a` gave the page two elements with that id.
    let r = render("## Fn a\n\n### Fnref a\n\nText[^a].\n\n[^a]: Note.\n").unwrap();
    let mut seen = std::collections::HashSet::new();
    assert!(r.ids.iter().all(|id| seen.insert(id)), "{:?}", r.ids);
    assert_eq!(r.sections[0].id, "section-fn-a");
    assert!(r.ids.contains(&"section-fnref-a".to_string()));
    for explicit in ["{#fn-a}", "{#fnref-a}"] {
        let e = render(&format!("## Head {explicit}\n\nText[^a].\n\n[^a]: Note.\n")).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        let e = &e[0];
        assert!(e.message.contains("kept for footnotes"), "{}", e.message);
    }
}

#[test]
fn heading_slug_avoids_template_ids() {
    let r = render("## Sources\n").unwrap();
    assert_eq!(r.sections[0].id, "sources-2");
}

#[test]
fn an_id_the_template_keeps_is_not_called_a_repeat() {
    // A page without sources still may not take `sources`: the message
    // says why instead of calling it a second use.
    let err = render("## Reading list {#sources}\n\nText.\n").unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(
        err[0].message,
        "the id `sources` is kept for the page template"
    );
    assert!(!err[0].message.contains("twice"));
}

#[test]
fn errors_on_duplicate_explicit_id() {
    let err = render("## A {#x}\n\n## B {#x}\n").unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    let err = &err[0];
    assert_eq!(err.offset, 11);
    assert!(err.message.contains("`x` is used twice"));
}

#[test]
fn footnotes_are_numbered_by_reference_and_gathered() {
    let r = render("## A\n\nSee[^b] and[^a].\n\n[^a]: First def.\n\n## B\n\n[^b]: Second def.\n")
        .unwrap();
    assert!(
        r.sections[0]
            .html
            .contains("href=\"#fn-b\" aria-describedby=\"footnotes-label\">1</a>")
    );
    assert!(
        r.sections[0]
            .html
            .contains("href=\"#fn-a\" aria-describedby=\"footnotes-label\">2</a>")
    );
    assert!(!r.sections[1].html.contains("Second def"));
    let b = r.footnotes_html.find("Second def").unwrap();
    let a = r.footnotes_html.find("First def").unwrap();
    assert!(b < a, "{}", r.footnotes_html);
    assert!(r.ids.contains(&"fn-a".to_string()));
    assert!(r.ids.contains(&"fnref-b".to_string()));
}

#[test]
fn repeated_references_never_share_an_id_with_another_note() {
    // `a` and `A` get the slugs `a` and `a-2`; the second reference to
    // `a` once took `fnref-a-2`, the id of `A`'s first reference.
    let r = render("T[^a] T[^a] T[^A].\n\n[^a]: One.\n[^A]: Two.\n").unwrap();
    let mut ids = r.ids.clone();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "{:?}", r.ids);
    let html = r
        .sections
        .iter()
        .map(|s| s.html.as_str())
        .collect::<String>()
        + &r.intro_html;
    let count = |id: &str| html.matches(&format!("id=\"{id}\"")).count();
    assert_eq!(count("fnref-a"), 1);
    assert_eq!(count("fnref-a_2"), 1);
    assert_eq!(count("fnref-a-2"), 1);
}

#[test]
fn many_footnotes_cost_linear_time() {
    // Each new reference counted the notes numbered before it, so
    // 80,000 notes took 8 s; the bound is loose for a busy machine.
    let n = 40_000;
    let refs: String = (0..n).map(|i| format!("T[^n{i}]\n")).collect();
    let defs: String = (0..n).map(|i| format!("[^n{i}]: N.\n\n")).collect();
    let body = format!("{refs}\n{defs}");
    let start = std::time::Instant::now();
    let r = render(&body).unwrap();
    let took = start.elapsed();
    assert!(
        r.footnotes_html
            .contains("<li id=\"fn-n39999\" value=\"40000\">")
    );
    assert!(took < std::time::Duration::from_secs(4), "{took:?}");
}

#[test]
fn collects_links_and_images() {
    let r = render("[a](https://x.org) ![i](p.png)").unwrap();
    assert_eq!(r.links.len(), 2);
    assert!(r.links[1].image);
    assert_eq!(r.links[0].offset, 0);
}

#[test]
fn lone_images_become_figures_with_size_and_caption() {
    let size = |src: &str| (src == "map.png").then_some((640, 480));
    let options = RenderOptions {
        image_size: &size,
        ..RenderOptions::default()
    };
    let r = render_with(
        "![Map of Mali](map.png \"The north\")\n\nText ![x](b.png) more.\n",
        &options,
    )
    .unwrap();
    assert_eq!(
        r.intro_html,
        "<figure><img src=\"map.png\" alt=\"Map of Mali\" width=\"640\" height=\"480\" decoding=\"async\"><figcaption>The north</figcaption></figure>\n<p>Text <img src=\"b.png\" alt=\"x\" loading=\"lazy\" decoding=\"async\"> more.</p>\n"
    );
    assert!(r.warnings.is_empty());
}

#[test]
fn raw_html_passes_through_or_is_escaped() {
    let body =
        "<div class=\"x\">block</div>\n\nInline <b>bold</b> and <script>alert(1)</script>.\n";
    let trusted = render(body).unwrap();
    assert!(trusted.intro_html.contains("<div class=\"x\">block</div>"));
    let options = RenderOptions {
        raw_html: false,
        ..RenderOptions::default()
    };
    let escaped = render_with(body, &options).unwrap();
    assert!(
        !escaped.intro_html.contains("<script>"),
        "{}",
        escaped.intro_html
    );
    assert!(
        escaped
            .intro_html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        escaped
            .intro_html
            .contains("&lt;div class=&quot;x&quot;&gt;")
            || escaped.intro_html.contains("&lt;div class=\"x\"&gt;")
    );
}

#[test]
fn images_without_alt_are_warnings() {
    let r = render("![](a.png)").unwrap();
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].message.contains("no alt text"));
}

#[test]
fn keeps_curly_quotes_and_dashes_verbatim() {
    let text = "Mali’s “two heads” – said.";
    let r = render(text).unwrap();
    assert_eq!(r.intro_html, format!("<p>{text}</p>\n"));
}

#[test]
fn section_word_counts_add_up_to_the_body() {
    let body = "Intro words.\n\n## One\n\nA b c.[^n]\n\n## Two {#two}\n\nD.\n\n[^n]: Note here.\n";
    let r = render(body).unwrap();
    assert_eq!(r.words, count_words(body));
    assert_eq!(r.sections[0].words, 4);
    assert_eq!(
        r.sections[1].words, 4,
        "its heading, its text and the note written in it"
    );
    assert_eq!(r.words, 2 + 4 + 4);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = ">".repeat(10_000) + " x\n";
    assert!(render(&deep).is_ok());
    let list = (0..10_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect::<String>();
    assert!(render(&list).is_ok());
}

/// Resolves `@/path.md` to `/out/path/`, refuses `@/missing.md`, leaves
/// other targets as written.
fn resolve_internal(url: &str) -> Result<Option<String>, LinkProblem> {
    match url.strip_prefix("@/") {
        Some(rest) if rest.starts_with("missing.md") => Err(LinkProblem {
            message: format!("`{url}` links to a briefing that does not exist"),
            help: "name a file under content/".to_string(),
        }),
        Some(rest) => Ok(Some(format!("/out/{}", rest.replacen(".md", "/", 1)))),
        None => Ok(None),
    }
}

fn resolving() -> RenderOptions<'static> {
    RenderOptions {
        resolve_link: &resolve_internal,
        ..RenderOptions::default()
    }
}

#[test]
fn resolver_applies_to_links_in_text_headings_footnotes_and_definitions() {
    let body = "Intro [a](@/a.md#x).\n\n## Head [b](@/b.md)\n\n### Sub [c](@/c.md)\n\n\
                Text[^n], [d][ref], [d2][ref] and [e](https://e.org) ![i](@/i.png).\n\n\
                [ref]: @/d.md\n\n[^n]: See [f](@/f.md).\n";
    let r = render_with(body, &resolving()).unwrap();
    assert_eq!(r.intro_html, "<p>Intro <a href=\"/out/a/#x\">a</a>.</p>\n");
    assert_eq!(r.sections[0].title_html, "Head <a href=\"/out/b/\">b</a>");
    let html = &r.sections[0].html;
    assert!(
        html.contains("<h3 id=\"sub-c\">Sub <a href=\"/out/c/\">c</a></h3>"),
        "{html}"
    );
    assert_eq!(html.matches("<a href=\"/out/d/\">").count(), 2, "{html}");
    assert!(html.contains("<a href=\"https://e.org\">e</a>"), "{html}");
    // Images are not links: their source stays as written.
    assert!(html.contains("<img src=\"@/i.png\""), "{html}");
    assert!(
        r.footnotes_html.contains("See <a href=\"/out/f/\">f</a>."),
        "{}",
        r.footnotes_html
    );
    assert_eq!(r.sections[0].title, "Head b");
    assert_eq!(r.toc[0].title, "Head b");
    // Every link is recorded as written, where it is written.
    let links: Vec<(&str, usize, bool)> = r
        .links
        .iter()
        .map(|l| (l.url.as_str(), l.offset, l.image))
        .collect();
    let at = |s: &str| body.find(s).unwrap();
    assert_eq!(
        links,
        [
            ("@/a.md#x", at("[a]"), false),
            ("@/b.md", at("[b]"), false),
            ("@/c.md", at("[c]"), false),
            ("@/d.md", at("[d]"), false),
            ("@/d.md", at("[d2]"), false),
            ("https://e.org", at("[e]"), false),
            ("@/i.png", at("![i]"), true),
            ("@/f.md", at("[f]"), false),
        ]
    );
}

#[test]
fn resolved_hrefs_are_escaped_like_any_other() {
    let options = RenderOptions {
        resolve_link: &|_| Ok(Some("/a\"b&c <d>".to_string())),
        ..RenderOptions::default()
    };
    let r = render_with("[x](@/a.md)", &options).unwrap();
    assert_eq!(
        r.intro_html,
        "<p><a href=\"/a%22b&amp;c%20%3Cd%3E\">x</a></p>\n"
    );
}

#[test]
fn code_and_plain_text_showing_internal_links_are_untouched() {
    let called = std::cell::Cell::new(0);
    let resolve = |url: &str| {
        called.set(called.get() + 1);
        resolve_internal(url)
    };
    let options = RenderOptions {
        resolve_link: &resolve,
        ..RenderOptions::default()
    };
    let body = "Write `[x](@/x.md)` or `@/x.md`; plain @/x.md too.\n\n\
                ```\n[x](@/x.md)\n```\n\n    [y](@/y.md)\n";
    let r = render_with(body, &options).unwrap();
    assert_eq!(called.get(), 0);
    assert!(r.links.is_empty(), "{:?}", r.links);
    let html = r.full_html();
    assert!(html.contains("<code>[x](@/x.md)</code>"), "{html}");
    assert!(html.contains("<code>@/x.md</code>"), "{html}");
    assert!(html.contains("plain @/x.md too"), "{html}");
    assert!(html.contains("[x](@/x.md)\n</code></pre>"), "{html}");
    assert!(!html.contains("/out/"), "{html}");
}

#[test]
fn every_problem_of_a_body_is_reported_at_once_in_order() {
    let body = "## A {#x}\n\n## B [bad](@/missing.md) {#x}\n\n\
                [js](javascript:x)\n\nText[^n].\n\n[^n]: [gone](@/missing.md#y)\n";
    let options = RenderOptions {
        raw_html: false,
        ..resolving()
    };
    let errors = render_with(body, &options).unwrap_err();
    let found: Vec<(usize, usize)> = errors.iter().map(|e| (e.offset, e.len)).collect();
    let at = |s: &str| (body.find(s).unwrap(), s.len());
    assert_eq!(
        found,
        [
            at("## B [bad](@/missing.md) {#x}\n"),
            at("[bad](@/missing.md)"),
            at("[js](javascript:x)"),
            at("[gone](@/missing.md#y)"),
        ],
        "{errors:?}"
    );
    assert!(
        errors[0].message.contains("`x` is used twice"),
        "{errors:?}"
    );
    assert_eq!(
        errors[1].message,
        "`@/missing.md` links to a briefing that does not exist"
    );
    assert_eq!(errors[1].help, "name a file under content/");
    assert!(errors[2].message.contains("`javascript:`"), "{errors:?}");
    assert!(errors[3].message.contains("`@/missing.md#y`"), "{errors:?}");
    // Trusted authors may link to script; the rest is still refused.
    assert_eq!(render_with(body, &resolving()).unwrap_err().len(), 3);
}

#[test]
fn repeated_ids_get_fresh_ones_so_later_headings_are_still_checked() {
    // The repeated `x` becomes `x-2` for the rest of the render, so the
    // later explicit `x-2` is a repeat too, and the notes' heading as well.
    let body = "## A {#x}\n\n## B {#x}\n\n## C {#x-2}\n\n## D {#fn-d}\n\nT[^n].\n\n[^n]: # E {#a}\n\n## a\n";
    let errors = render(body).unwrap_err();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the id `x` is used twice on this page",
            "the id `x-2` is used twice on this page",
            "the id `fn-d` is kept for footnotes",
        ]
    );
    // Without the repeats, the same headings render and their ids are exact.
    let r = render("## A {#x}\n\n## B\n\n## B\n\nT[^n].\n\n[^n]: # E {#a}\n\n## a\n").unwrap();
    assert_eq!(r.ids, ["a", "fn-n", "fnref-n", "x", "b", "b-2", "a-2"]);
}

#[test]
fn sections_counted_from_the_line_counts_match_counting_them_here() {
    let body = "Intro words here.\n\n## One\n\nAlpha beta [gamma](x).\n\n  ## Two {#two}\n\nDelta\r\nepsilon.\n\n> ## Quoted\n\nZeta.\n\nA setext\nheading\n---\n\nEta theta.\n";
    let lines = crate::words::LineWords::count(body);
    let with = render_with(
        body,
        &RenderOptions {
            line_words: Some(&lines),
            ..RenderOptions::default()
        },
    )
    .unwrap();
    let without = render(body).unwrap();
    assert_eq!(with.words, without.words);
    let counts = |r: &Rendered| r.sections.iter().map(|s| s.words).collect::<Vec<_>>();
    assert_eq!(counts(&with), counts(&without));
    assert_eq!(with.words, count_words(body));
}

#[test]
fn plain_text_is_the_words_readers_see_only_when_asked() {
    let body = "Intro *words*.\n\n## First {#first}\n\nSome **bold** and `code`, a [link](https://x.org) and <span>raw</span> HTML.[^n]\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\n### Deeper\n\nLine one\nline two.\n\n[^n]: A note.\n\n## Second\n\n> Quoted.\n";
    let asked = RenderOptions {
        plain_text: true,
        ..RenderOptions::default()
    };
    let r = render_with(body, &asked).unwrap();
    assert_eq!(r.intro_text, "Intro words.");
    assert_eq!(
        r.sections[0].text,
        "Some bold and code, a link and raw HTML. one two a b c d Deeper Line one line two."
    );
    assert_eq!(r.sections[1].text, "Quoted.");
    // Not asked: nothing gathered, and the HTML is the same either way.
    let plain = render(body).unwrap();
    assert!(plain.intro_text.is_empty() && plain.sections.iter().all(|s| s.text.is_empty()));
    assert_eq!(plain.full_html(), r.full_html());
}
