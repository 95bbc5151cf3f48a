//! The PDF edition: the bundled briefing's PDF holds the whole article,
//! is tagged, titled, outlined and embeds its fonts; author text that
//! looks like Typst code prints as written; a broken template is an error
//! at its line, naming the briefing. Needs poppler-utils (pdftotext,
//! pdfinfo, pdffonts) and qpdf, which scripts/test.sh installs.

use crate::support::*;
use std::path::Path;
use std::process::Command;

/// Runs a PDF tool on `pdf` and returns what it printed.
fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| {
            panic!("{name} is needed for the PDF tests ({e}); scripts/test.sh installs poppler-utils and qpdf")
        });
    assert!(
        out.status.success(),
        "{name} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of a PDF, as pdftotext reads it.
fn text(pdf: &Path) -> String {
    tool("pdftotext", &["-enc", "UTF-8"], pdf);
    // pdftotext with no output name writes beside the PDF.
    std::fs::read_to_string(pdf.with_extension("txt")).expect("pdftotext output")
}

/// Only the letters and digits of `s`, lower-cased: hyphenation, line
/// breaks, ligatures and spacing do not matter.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every character of `s` except white space, for text that must print
/// exactly (punctuation included).
/// Curly quotes are made straight: the body's smart punctuation makes them.
fn visible(s: &str) -> String {
    s.replace(['\u{ad}', '\u{2010}'], "")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn article_paragraphs() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/mali-ecowas-article.txt"))
        .expect("the article text");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .skip(1)
        .map(String::from)
        .collect()
}

/// The bundled site built once into a temporary folder (a copy, so the
/// repository gets no cache folder).
fn bundled() -> (tempfile::TempDir, tempfile::TempDir) {
    bundled_with(&[])
}

#[test]
fn the_bundled_briefing_has_a_whole_tagged_pdf() {
    let (_site, out) = bundled();
    let pdf = out
        .path()
        .join("mali-ecowas-military-support/mali-ecowas-military-support.pdf");
    assert!(pdf.is_file(), "the PDF is written beside the page");

    let text = text(&pdf);
    let flat = letters(&text);
    let mut last = 0;
    for para in article_paragraphs() {
        let at = flat
            .find(&letters(&para))
            .unwrap_or_else(|| panic!("paragraph missing from the PDF: {para}"));
        assert!(at >= last, "paragraphs in order");
        last = at;
    }
    for fact in [
        "Dioncounda Traoré, interim president of Mali",
        "3,000 soldiers, promised for several months",
        "Key points",
        "Who’s who",
        "Timeline",
        // The UN documents, linked to UN Documents.
        "Documents",
        "Security Council resolution 2056 (2012) on the situation in Mali (S/RES/2056(2012)), 5 July 2012",
    ] {
        assert!(flat.contains(&letters(fact)), "{fact} in the PDF");
    }

    let info = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Title:           Mali Asks ECOWAS For Military Support"),
        "{info}"
    );
    assert!(
        info.contains("Page size:       595.") && info.contains("841."),
        "A4: {info}"
    );

    let fonts = tool("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        // Columns: name type encoding emb sub uni object ID.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "embedded: {row}");
        assert_eq!(cols[n - 4], "yes", "subset: {row}");
    }
    assert!(fonts.contains("LibertinusSerif"), "a serif face: {fonts}");

    tool("qpdf", &["--check"], &pdf);
    let plain = pdf.with_extension("qdf");
    Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&plain)
        .status()
        .expect("qpdf");
    let raw = String::from_utf8_lossy(&std::fs::read(&plain).unwrap()).into_owned();
    assert!(raw.contains("pdfuaid:part>1<"), "PDF/UA-1 declared");
    let json = tool("qpdf", &["--json", "--json-key=outlines"], &pdf);
    for section in ["The request", "Diplomacy", "Historical context"] {
        assert!(json.contains(section), "outline lists {section}: {json}");
    }
    let objects = tool("qpdf", &["--json"], &pdf);
    assert!(
        objects.contains("\"/Subtype\": \"/Link\"")
            && objects.contains("https://undocs.org/S/RES/2056(2012)"),
        "links are annotations"
    );

    let page = read(out.path(), "mali-ecowas-military-support/index.html");
    let len = std::fs::metadata(&pdf).unwrap().len();
    let size = format!("Download PDF ({} KB)", len.div_ceil(1000));
    assert!(
        page.contains(&size),
        "the page links the PDF with its size: {size}"
    );
    assert!(page.contains("href=\"mali-ecowas-military-support.pdf\""));
    assert!(page.contains("\"encodingFormat\":\"application/pdf\""));
}

#[test]
fn the_french_edition_has_its_own_pdf_in_french() {
    let (_site, out) = bundled_with(&["--base-url", "https://example.org/"]);
    let pdf = out
        .path()
        .join("fr/mali-ecowas-military-support/mali-ecowas-military-support.pdf");
    assert!(pdf.is_file(), "one PDF per language edition");
    let text = text(&pdf);
    let flat = letters(&text);
    for label in [
        "Points clés",
        "Faits essentiels",
        "Qui est qui",
        "Chronologie",
        "D’après les informations de",
        "Documents officiels",
        "5 juillet 2012",
        "En ligne : https://example.org/fr/mali-ecowas-military-support/",
    ] {
        assert!(flat.contains(&letters(label)), "{label} in the French PDF");
    }
    for english in [
        "Key points",
        "Key facts",
        "Who’s who",
        "Timeline",
        "Based on reporting",
        "Online",
    ] {
        assert!(
            !flat.contains(&letters(english)),
            "no English label {english:?}"
        );
    }
    // Dates in French.
    assert!(
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre"
        ]
        .iter()
        .any(|m| text.contains(m)),
        "a French month name: {text}"
    );
    let info = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("Title:           Le Mali"), "{info}");
    let page = read(out.path(), "fr/mali-ecowas-military-support/index.html");
    assert!(
        page.contains(">Télécharger le PDF ("),
        "the French page links its PDF in French"
    );
}

#[test]
fn author_text_that_looks_like_typst_prints_as_written() {
    let site = copy_site(&fixture("pdf"));
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    let pdf = out.path().join("injection/injection.pdf");
    let text = visible(&text(&pdf));
    for written in [
        "Typst#setpage(width:1pt)inatitle",
        "#import\"/etc/passwd\"",
        "#setpage(width:1pt)",
        "$x$",
        "<label>",
        "@ref",
        "backslash\\here",
        "backtick`there",
        "#rawcode",
        "=Notaheading,-notalist,//notacomment,/*not*/acommenteither~tilde.",
        "C:\\temp\\#x",
        "The note, with #emph[not code].",
        "|#2",
    ] {
        let written = visible(written);
        let found = text.contains(&written) || text.contains(&written.replace('|', ""));
        assert!(found, "`{written}` printed as written in:\n{text}");
    }
    // The page was not shrunk to 1pt: US letter, as configured.
    let info = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("612 x 792"), "{info}");
    assert!(!text.contains("root:"), "nothing of /etc/passwd");
}

#[test]
fn a_template_error_is_located_and_names_the_briefing() {
    let site = copy_site(&fixture("pdf"));
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/briefing.typ"),
        "#let d = json(\"/.brief/data.json\")\n= #d.title\n#d.nosuch\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        site.path(),
        &["build", "--output", out.path().to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("templates/briefing.typ:3:"), "{err}");
    assert!(err.contains("content/injection.md"), "{err}");
    assert!(err.contains("nosuch"), "{err}");
}

#[test]
fn a_template_cannot_read_outside_its_folder() {
    let site = copy_site(&fixture("pdf"));
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/briefing.typ"),
        "#read(\"../site.toml\")\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        site.path(),
        &["build", "--output", out.path().to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("templates/briefing.typ:1:"), "{err}");
}

#[test]
fn a_rebuild_after_an_edit_compiles_only_that_pdf() {
    let site = copy_site(&fixture("minimal"));
    let toml = site.path().join("site.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap();
    config.push_str("pdf = true\n");
    std::fs::write(&toml, config).unwrap();
    let out = tempfile::tempdir().unwrap();
    build_ok(site.path(), out.path());
    let cache = site.path().join(".brief-cache/pdf");
    let count = || std::fs::read_dir(&cache).unwrap().count();
    let first = count();
    assert!(first >= 2, "one cached PDF per briefing");
    let file = site.path().join("content/first.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nOne more paragraph.\n")).unwrap();
    build_ok(site.path(), out.path());
    assert_eq!(count(), first + 1, "exactly one PDF compiled again");
}

#[test]
fn the_single_file_edition_needs_no_other_file() {
    let (_site, out) = bundled();
    let single = read(
        out.path(),
        "mali-ecowas-military-support/mali-ecowas-military-support.html",
    );
    assert!(single.len() < 100_000, "under 100 KB: {}", single.len());
    assert!(single.contains("<style>") && !single.contains("rel=\"stylesheet\""));
    for link in links(&single) {
        assert!(
            link.starts_with('#')
                || link.starts_with("https://")
                || link.starts_with("data:")
                || link.starts_with("mailto:"),
            "a link that needs the rest of the site: {link}"
        );
    }
    let flat = letters(&single);
    for para in article_paragraphs() {
        assert!(flat.contains(&letters(&para)), "{para}");
    }
    let page = read(out.path(), "mali-ecowas-military-support/index.html");
    assert!(page.contains("href=\"mali-ecowas-military-support.html\">Single file</a>"));
}
