//! `brief new` and `brief init`: files an author starts from. Both only ever
//! create files; neither overwrites nor deletes one.

use crate::content::CONTENT_DIR;
use crate::date::Date;
use crate::site::{BUILTIN_STATIC, STATIC_DIR};
use crate::slug::slugify;
use crate::templates::{BUILTIN, TEMPLATES_DIR};
use anyhow::{Context as _, Result, bail};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// File names longer than this are cut at a word boundary: the title is in
/// the front matter, and URLs are easier to share when short.
const MAX_SLUG: usize = 60;

/// The sections a new briefing starts with, each with a prompt to replace.
const SECTIONS: &[(&str, &str)] = &[
    (
        "The request",
        "Who asked whom for what, when, and in what form; what was explicitly left out.",
    ),
    (
        "Diplomacy",
        "Who backs the request, who resists it, and what each party needs from the outcome.",
    ),
    (
        "Historical context",
        "The earlier decisions, precedents and failures that explain why this is happening now.",
    ),
];

/// The text of a new draft briefing titled `title`, dated `date`: every
/// front matter field, the optional ones commented out with an example
/// value, so the file builds as it is and each field is one `# ` away.
pub fn briefing_text(title: &str, date: Date) -> String {
    // The file's own name, as `slug` would give it; `new_briefing` refuses
    // a title without one before it gets here.
    let slug = file_stem(title).unwrap_or_default();
    let mut text = format!(
        "+++\n\
         title = {title}\n\
         summary = \"\"\n\
         date = {date}\n\
         draft = true\n\
         tags = []\n\
         key_points = []\n\
         # authors = [\"Your Name\"]\n\
         # updated = {date}\n\
         # slug = \"{slug}\"\n\
         # path = \"{year}/{slug}\"\n\
         # image = \"https://example.org/share.png\"\n\
         \n\
         # More blocks, ready to uncomment and fill in (`brief help front-matter` lists every field):\n\
         #\n\
         # [source]\n\
         # name = \"Publication\"\n\
         # url = \"https://example.org/article\"\n\
         # date = {date}\n\
         #\n\
         # [pull_quote]\n\
         # text = \"A line worth quoting.\"\n\
         # cite = \"Who said it\"\n\
         # section = \"diplomacy\"\n\
         #\n\
         # [[updates]]\n\
         # date = {date}\n\
         # note = \"What changed, and why.\"\n\
         # kind = \"update\"  # or \"correction\": shown above the text and on corrections/\n\
         #\n\
         # [[key_facts]]\n\
         # label = \"Label\"\n\
         # value = \"Value\"\n\
         #\n\
         # [[actors]]\n\
         # name = \"Name\"\n\
         # role = \"Role in the story\"\n\
         #\n\
         # [[timeline]]\n\
         # date = {date}\n\
         # label = \"The date in words, if the date alone says too little\"\n\
         # event = \"What happened.\"\n\
         #\n\
         # [[sources]]\n\
         # title = \"Document title\"\n\
         # url = \"https://example.org/document\"\n\
         # publisher = \"Who published it\"\n\
         #\n\
         # [[documents]]\n\
         # symbol = \"S/RES/2056(2012)\"\n\
         # title = \"Security Council resolution 2056 (2012)\"\n\
         # date = 2012-07-05\n\
         +++\n",
        title = toml_string(title),
        year = date.year,
    );
    for (heading, prompt) in SECTIONS {
        text.push_str(&format!("\n## {heading}\n\n{prompt}\n"));
    }
    text
}

/// A TOML basic string holding `s`, escaped.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The file name (without `.md`) for a title: its slug, cut to a readable
/// length at a hyphen.
pub fn file_stem(title: &str) -> Result<String> {
    let slug = slugify(title);
    if slug.is_empty() {
        bail!(
            "`{title}` has no letters or digits to name the file after\n  = help: give the briefing a title with words in it"
        );
    }
    if slug.chars().count() <= MAX_SLUG {
        return Ok(slug);
    }
    let cut: String = slug.chars().take(MAX_SLUG).collect();
    Ok(match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut,
    })
}

/// Checks `--path`: folders inside `content/`, `/`-separated, none hidden
/// (a build skips hidden folders) and none leaving the folder.
pub fn content_subdir(path: &str) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part.starts_with('.') || part.contains(['\\', '\0', ':']) {
            bail!(
                "`{path}` is not a folder inside content/: `{part}` is not allowed\n  = help: use plain folder names separated by `/`, e.g. --path sahel/"
            );
        }
        out.push(part);
    }
    if path.starts_with('/') {
        bail!(
            "`{path}` is an absolute path; --path names a folder inside content/\n  = help: leave out the leading `/`, e.g. --path sahel/"
        );
    }
    Ok(out)
}

/// Writes a new draft briefing to `content/<path><slug of title>.md` under
/// `root` and returns its path. Refuses to replace an existing file.
pub fn new_briefing(root: &Path, title: &str, path: Option<&str>, today: Date) -> Result<PathBuf> {
    let title = title.trim();
    let dir = root
        .join(CONTENT_DIR)
        .join(content_subdir(path.unwrap_or(""))?);
    let file = dir.join(format!("{}.md", file_stem(title)?));
    fs::create_dir_all(&dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    create_new(&file, &briefing_text(title, today)).map_err(|e| match e {
        Create::Exists => anyhow::anyhow!(
            "`{}` already exists; brief new never replaces a briefing\n  = help: edit that file, or choose another title or --path",
            file.display()
        ),
        Create::Failed(e) => e,
    })?;
    Ok(file)
}

/// Writes the skeleton of a translation of the briefing `from` (a path
/// inside the site, `content/mali.md`, or inside `content/`) into `lang`,
/// one of the site's `[languages]`, beside it (`content/mali.fr.md`): the
/// original's front matter, a draft until translated, and its headings,
/// each over a line to replace. Never replaces a file.
pub fn new_translation(root: &Path, from: &str, lang: &str) -> Result<PathBuf> {
    let config = crate::config::Config::load(root)?;
    if !config.languages.contains_key(lang) {
        bail!(
            "`{lang}` is not one of the site's languages\n  = help: declare it in site.toml with a [languages.{lang}] table (its title and description), then run this again"
        );
    }
    let rel = from
        .trim_start_matches("./")
        .strip_prefix("content/")
        .unwrap_or(from.trim_start_matches("./"));
    let source = root.join(CONTENT_DIR).join(content_subdir(rel)?);
    if crate::briefing::translation_of(rel, &config).is_some() {
        bail!(
            "`{from}` is itself a translation\n  = help: translate from the original, e.g. `{}`",
            rel.rsplit_once('.').map_or(rel, |(a, _)| a)
        );
    }
    let text = String::from_utf8(
        crate::site_fs::read(root, &source, crate::content::MAX_FILE_BYTES, 0)
            .with_context(|| format!("failed to read `content/{rel}`"))?,
    )
    .with_context(|| format!("`content/{rel}` is not UTF-8"))?;
    let split = crate::frontmatter::split(Path::new(from), &text)?;
    let target_rel = crate::translations::translation_path(rel, lang);
    let target = root.join(CONTENT_DIR).join(&target_rel);
    let skeleton = translation_text(rel, lang, split.front, split.body);
    create_new(&target, &skeleton).map_err(|e| match e {
        Create::Exists => anyhow::anyhow!(
            "`content/{target_rel}` already exists; brief new never replaces a file\n  = help: edit that translation"
        ),
        Create::Failed(e) => e,
    })?;
    Ok(target)
}

/// The text of a translation skeleton of `content/{rel}` into `lang`:
/// `front` (the original's front matter) as a draft, and the `##`
/// headings of `body`, each over a line to replace.
fn translation_text(rel: &str, lang: &str, front: &str, body: &str) -> String {
    let mut out = format!(
        "+++\n# A translation into `{lang}` of content/{rel}. Translate every text\n# field; `date` stays the original's, and `tags` name the original's\n# tags one for one in this language. Remove `draft` to publish it.\ndraft = true\n"
    );
    let mut in_table = false;
    for line in front.lines() {
        let t = line.trim_start();
        in_table |= t.starts_with('[');
        // The original's own `draft` gives way to the one above.
        if !in_table
            && t.strip_prefix("draft")
                .is_some_and(|r| r.trim_start().starts_with('='))
        {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("+++\n");
    let headings: Vec<&str> = {
        let mut fence = false;
        body.lines()
            .filter(|l| {
                let t = l.trim_start();
                if t.starts_with("```") || t.starts_with("~~~") {
                    fence = !fence;
                }
                !fence && (t.starts_with("# ") || t.starts_with("## ") || t.starts_with("### "))
            })
            .collect()
    };
    let intro = body
        .lines()
        .take_while(|l| headings.first().is_none_or(|h| l != h))
        .any(|l| !l.trim().is_empty());
    if intro {
        out.push_str("\nTranslate the introduction of the original here.\n");
    }
    for h in headings {
        let _ = write!(
            out,
            "\n{h}\n\nTranslate this section of the original here.\n"
        );
    }
    out
}

/// What [`init`] did.
#[derive(Debug, Default)]
pub struct Initialized {
    /// Files written, in order.
    pub written: Vec<PathBuf>,
    /// Files that were already there and were left alone (only with `force`).
    pub kept: Vec<PathBuf>,
    /// What became of the example briefing.
    pub example: Example,
}

/// What [`init`] did with the example briefing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Example {
    /// Added and published: the folder was new or empty.
    #[default]
    Published,
    /// Added as a draft, so a site that was already there publishes
    /// nothing new (with `force` in a folder holding files).
    Draft,
    /// Not added: `content/` already has briefings.
    Skipped,
}

/// Why a file was not created.
enum Create {
    Exists,
    Failed(anyhow::Error),
}

/// Creates `path` with `text`, failing if it exists (atomically: no window
/// between checking and writing).
fn create_new(path: &Path, text: &str) -> Result<(), Create> {
    let mut f = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(Create::Exists),
        Err(e) => {
            return Err(Create::Failed(
                anyhow::Error::from(e).context(format!("failed to create `{}`", path.display())),
            ));
        }
    };
    f.write_all(text.as_bytes())
        .with_context(|| format!("failed to write `{}`", path.display()))
        .map_err(Create::Failed)
}

/// Makes a new site in `dir`: `site.toml`, a README, the built-in
/// templates, the stylesheet, an example briefing dated `today` and a
/// `.gitignore`. A folder that holds anything is refused unless `force`;
/// even then no file is replaced or removed, only missing ones are added,
/// and the example briefing comes as a draft, or not at all where
/// `content/` already has briefings.
pub fn init(dir: &Path, force: bool, today: Date) -> Result<Initialized> {
    let mut example = Example::Published;
    if dir.exists() {
        if !dir.is_dir() {
            bail!("`{}` exists and is not a folder", dir.display());
        }
        let mut entries =
            fs::read_dir(dir).with_context(|| format!("failed to read `{}`", dir.display()))?;
        if entries.next().is_some() {
            if !force {
                bail!(
                    "`{}` is not empty; brief init makes a site in a new or empty folder\n  = help: choose another folder, or pass --force to add the site's files beside what is there (existing files are kept, never replaced)",
                    dir.display()
                );
            }
            example = if has_briefings(&dir.join(CONTENT_DIR)) {
                Example::Skipped
            } else {
                Example::Draft
            };
        }
    }
    let mut files: Vec<(PathBuf, String)> = vec![
        (PathBuf::from("site.toml"), SITE_TOML.to_string()),
        (PathBuf::from("README.md"), SITE_README.to_string()),
        (
            PathBuf::from(".gitignore"),
            "/public\n/.brief-cache\n".to_string(),
        ),
    ];
    for (name, text) in BUILTIN {
        files.push((Path::new(TEMPLATES_DIR).join(name), text.to_string()));
    }
    files.push((
        Path::new(TEMPLATES_DIR).join(crate::pdf::TEMPLATE),
        crate::pdf::BUILTIN_TEMPLATE.to_string(),
    ));
    for (name, text) in BUILTIN_STATIC {
        files.push((Path::new(STATIC_DIR).join(name), text.to_string()));
    }
    if example != Example::Skipped {
        files.push((
            Path::new(CONTENT_DIR).join(EXAMPLE_FILE),
            example_text(today, example == Example::Draft),
        ));
    }

    let mut done = Initialized {
        example,
        ..Initialized::default()
    };
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        match create_new(&path, &text) {
            Ok(()) => done.written.push(rel),
            Err(Create::Exists) => done.kept.push(rel),
            Err(Create::Failed(e)) => return Err(e),
        }
    }
    Ok(done)
}

/// The example briefing's file name, inside `content/`.
pub const EXAMPLE_FILE: &str = "example-briefing.md";

/// Whether `content` holds a briefing (a `.md` file) at any depth, as a
/// build would find it: hidden files and folders and symbolic links do not
/// count.
fn has_briefings(content: &Path) -> bool {
    walkdir::WalkDir::new(content)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
}

const SITE_TOML: &str =
    "# Site settings for brief. Every field is optional; `brief help site-toml` lists them all.
title = \"Briefings\"
description = \"\"
language = \"en\"
# The address the site will be published at; enables canonical links, feeds and a sitemap.
# base_url = \"https://example.org/briefings/\"
# A typeset PDF of every briefing beside its page; pdf_paper is \"a4\" or \"letter\".
pdf = true
# A single-file HTML edition of every briefing, for e-mail.
single_file = true
# A search page (search/), a search form in every page's header, and the index it reads.
search = true
# Another language: its pages go under fr/, and content/x.fr.md translates
# content/x.md (`brief new --lang fr --from content/x.md` starts one).
# [languages.fr]
# title = \"Notes\"
# description = \"\"
";

/// The README of a new site: what its folders are for, the commands that
/// matter day to day, and where the rest of the documentation is.
const SITE_README: &str = "# Briefings

This site is made with brief: it turns the briefings in `content/`, written in
Markdown, into plain HTML pages.

- `site.toml`: the site's settings (title, language, the address it is published
  at); `brief help site-toml` lists every one.
- `content/`: one Markdown file per briefing; folders become parts of the URL.
  A folder holding `index.md` is a page bundle: its images and other files are
  published beside the page. Front matter between the `+++` lines holds the
  facts (`brief help front-matter`), the Markdown below it the text
  (`brief help content`).
- `templates/`: copies of the built-in Tera templates, to edit; a deleted one is
  replaced by the built-in again (`brief help templates`).
- `static/`: files copied as they are to the site's root, such as `style.css`.
- `public/`: the built site, ready to upload (`brief help hosting`); git ignores it.

## Commands

- `brief serve --drafts`: a preview at http://127.0.0.1:1111/, rebuilt on every save.
- `brief check`: broken links and anchors, images without alt text, missing summaries.
- `brief build`: the site, written into `public/`.

`brief new \"Title\"` starts a new draft briefing with every field to fill in.

## More

`brief help` lists every command and documentation topic; `brief help cli`
describes every command and flag.
";

/// The example briefing of a new site: it shows each part of a briefing by
/// describing it, so it reads as a guide and builds as a page. `draft`
/// marks it a draft, for a site that was already there.
fn example_text(today: Date, draft: bool) -> String {
    let draft = if draft { "draft = true\n" } else { "" };
    format!(
        r#"+++
title = "How a Briefing Is Put Together"
summary = "An example to read, copy and then delete: each part of this page comes from one field of its Markdown file."
date = {today}
{draft}tags = ["Example"]
key_points = [
  "The front matter between the +++ lines holds the facts; the Markdown below holds the prose.",
  "Each level-two heading starts a section, listed in the page's contents.",
  "Run brief serve while writing: the page in the browser follows every save.",
]

[[key_facts]]
label = "Source file"
value = "content/example-briefing.md"

[[key_facts]]
label = "Sections"
value = "Three, one per level-two heading"

[[actors]]
name = "The analyst"
role = "Writes the briefing in Markdown"

[[actors]]
name = "brief"
role = "Turns it into this page"

[[timeline]]
date = {today}
event = "This site was created with brief init."

[[sources]]
title = "Every front matter field: run brief help front-matter"
url = "https://example.org/brief/front-matter"

[pull_quote]
text = "The front matter holds the facts; the Markdown holds the prose."
cite = "The example briefing"
section = "diplomacy"
+++

This paragraph sits before the first heading, so it becomes the introduction.

## The request

A briefing usually opens with what happened: who asked whom for what, and
what was left out of the request. Keep it short and concrete.

## Diplomacy

The second section is a good place for the positions of the parties. The
`[pull_quote]` in the front matter appears beside it, as its `section` says.

## Historical context

End with what came before. Footnotes[^1] are gathered at the bottom of the
page.

[^1]: Like this one.
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::briefing::Briefing as Page;

    fn day() -> Date {
        Date::new(2026, 11, 27).unwrap()
    }

    #[test]
    fn new_briefing_text_parses_with_the_default_sections() {
        let text = briefing_text("Niger's \"Junta\" \\ Talks", day());
        let page = Page::parse(Path::new("content/x.md"), "x.md", text).unwrap();
        // Escaped for TOML and read back whole (with the smart punctuation
        // every front matter title gets).
        assert_eq!(page.front.title, "Niger’s “Junta” \\ Talks");
        assert!(page.front.draft);
        assert_eq!(page.front.date.day, day());
        let body = page.render_plain().unwrap();
        let ids: Vec<&str> = body.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["the-request", "diplomacy", "historical-context"]);
    }

    #[test]
    fn the_new_site_toml_parses_with_its_language_uncommented() {
        let plain = crate::config::Config::parse(SITE_TOML).unwrap();
        assert!(plain.languages.is_empty());
        let uncommented = SITE_TOML
            .replace("# [languages.fr]", "[languages.fr]")
            .replace("# title = \"Notes\"", "title = \"Notes\"")
            .replace("# description = \"\"", "description = \"\"");
        let config = crate::config::Config::parse(&uncommented).unwrap();
        assert_eq!(config.languages["fr"].title, "Notes");
    }

    #[test]
    fn example_briefing_parses() {
        let page = Page::parse(
            Path::new("content/e.md"),
            "e.md",
            example_text(day(), false),
        )
        .unwrap();
        assert!(!page.front.draft);
        assert_eq!(page.render_plain().unwrap().sections.len(), 3);
        let quote = page.front.pull_quote.as_ref().unwrap();
        assert_eq!(quote.section.as_deref(), Some("diplomacy"));
        let draft =
            Page::parse(Path::new("content/e.md"), "e.md", example_text(day(), true)).unwrap();
        assert!(draft.front.draft);
    }

    #[test]
    fn file_names_come_from_the_title() {
        assert_eq!(
            file_stem("Mali Asks ECOWAS For Help").unwrap(),
            "mali-asks-ecowas-for-help"
        );
        let long = file_stem(&"word ".repeat(40)).unwrap();
        assert!(long.len() <= MAX_SLUG && !long.ends_with('-'), "{long}");
        assert!(file_stem("!!!").is_err());
    }

    #[test]
    fn path_must_stay_inside_content() {
        assert_eq!(content_subdir("sahel/").unwrap(), PathBuf::from("sahel"));
        assert_eq!(content_subdir("a/b").unwrap(), PathBuf::from("a/b"));
        assert_eq!(content_subdir("").unwrap(), PathBuf::new());
        for bad in ["../x", "a/../../b", "/etc", ".hidden/", "a\\b"] {
            assert!(content_subdir(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn init_with_force_keeps_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.toml"), "title = \"Mine\"\n").unwrap();
        assert!(init(dir.path(), false, day()).is_err());
        let done = init(dir.path(), true, day()).unwrap();
        assert_eq!(done.kept, [PathBuf::from("site.toml")]);
        assert_eq!(done.example, Example::Draft);
        assert_eq!(
            fs::read_to_string(dir.path().join("site.toml")).unwrap(),
            "title = \"Mine\"\n"
        );
        assert!(dir.path().join("templates/base.html").is_file());
    }

    #[test]
    fn init_adds_no_example_beside_briefings() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        // Hidden files and folders are not briefings.
        fs::create_dir_all(content.join(".drafts")).unwrap();
        fs::write(content.join(".drafts/x.md"), "").unwrap();
        fs::write(content.join("notes.txt"), "").unwrap();
        assert!(!has_briefings(&content));
        fs::create_dir_all(content.join("sahel")).unwrap();
        fs::write(content.join("sahel/mali.md"), "").unwrap();
        assert!(has_briefings(&content));
        let done = init(dir.path(), true, day()).unwrap();
        assert_eq!(done.example, Example::Skipped);
        assert!(!content.join(EXAMPLE_FILE).exists());
    }

    #[test]
    fn a_new_site_publishes_the_example() {
        let dir = tempfile::tempdir().unwrap();
        let done = init(&dir.path().join("site"), false, day()).unwrap();
        assert_eq!(done.example, Example::Published);
        assert!(done.written.contains(&PathBuf::from("README.md")));
    }
}
