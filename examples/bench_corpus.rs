//! Writes a synthetic briefing site for benchmarks: a brief site (`site.toml`
//! plus `content/`) and a Hugo site (`hugo/`) that renders the same files.
//!
//! Every page is derived from its own index alone, so a corpus of N pages is
//! byte-identical across runs and machines, and page 7 is the same page in
//! every corpus size. That keeps timings comparable between sizes and lets the
//! benchmark script cache corpora safely.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use rayon::prelude::*;

#[derive(Parser)]
#[command(about = "Generate a deterministic benchmark corpus for brief and Hugo")]
struct Args {
    /// Number of pages to write.
    #[arg(long)]
    pages: usize,
    /// Folder to write the corpus into; an earlier corpus there is replaced.
    #[arg(long)]
    out: PathBuf,
    /// Put pages in one folder per topic, or all in `content/`.
    #[arg(long, value_enum, default_value_t = Layout::Nested)]
    layout: Layout,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Layout {
    Nested,
    Flat,
}

/// Seed mixed into every page's generator; changing it changes every corpus.
const SEED: u64 = 0x6272_6965_665f_6265; // "brief_be"

/// splitmix64: tiny, fast and good enough for filler text, and unlike an
/// external crate its output can never change under us.
struct Rng(u64);

impl Rng {
    fn for_page(index: usize) -> Self {
        let mut rng = Rng(SEED ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // Warm up so neighbouring indices do not start from related states.
        rng.next_u64();
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`; the modulo bias is irrelevant for filler text.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.range(1, 100) <= percent
    }
}

const TOPICS: &[&str] = &[
    "economy",
    "energy",
    "health",
    "security",
    "climate",
    "trade",
    "technology",
    "education",
];

const TAGS: &[&str] = &[
    "budget",
    "inflation",
    "labour",
    "housing",
    "grid",
    "oil-gas",
    "renewables",
    "vaccines",
    "hospitals",
    "defence",
    "cyber",
    "borders",
    "emissions",
    "adaptation",
    "tariffs",
    "supply-chains",
    "ai",
    "telecoms",
    "schools",
    "universities",
];

const NOUNS: &[&str] = &[
    "ministry",
    "committee",
    "budget",
    "forecast",
    "market",
    "regulator",
    "proposal",
    "agreement",
    "council",
    "report",
    "survey",
    "deficit",
    "programme",
    "network",
    "supplier",
    "household",
    "region",
    "sector",
    "policy",
    "framework",
    "minister",
    "treasury",
    "index",
    "pipeline",
    "coalition",
    "audit",
    "consultation",
    "review",
    "tariff",
    "subsidy",
    "reserve",
    "capacity",
    "workforce",
    "contract",
    "parliament",
    "agency",
    "standard",
    "settlement",
    "outlook",
    "margin",
];

const VERBS: &[&str] = &[
    "expects",
    "signals",
    "delays",
    "approves",
    "questions",
    "extends",
    "reviews",
    "tightens",
    "eases",
    "publishes",
    "confirms",
    "rejects",
    "revises",
    "funds",
    "supports",
    "limits",
    "measures",
    "outlines",
    "doubles",
    "weighs",
];

const ADJECTIVES: &[&str] = &[
    "annual",
    "regional",
    "fragile",
    "modest",
    "steady",
    "sharp",
    "provisional",
    "long-term",
    "cautious",
    "new",
    "revised",
    "uneven",
    "structural",
    "temporary",
    "broad",
    "narrow",
    "early",
    "late",
    "public",
    "private",
    "national",
    "local",
    "cross-border",
    "quarterly",
];

const PREPOSITIONS: &[&str] = &[
    "of", "in", "for", "with", "on", "under", "after", "before", "by", "from", "over", "across",
    "within", "despite", "amid",
];

const ADVERBS: &[&str] = &[
    "quietly",
    "again",
    "sooner than planned",
    "for now",
    "in part",
    "at last",
    "on balance",
    "once more",
];

const DETERMINERS: &[&str] = &["the", "the", "a", "its", "each", "this"];

const JOINERS: &[&str] = &["and", "while", "as", "after", "because", "but", "so"];

/// One clause shaped like news copy: "the cautious ministry delays a review of the tariff".
fn clause(rng: &mut Rng, words: &mut Vec<String>) {
    words.push(rng.pick(DETERMINERS).to_string());
    if rng.chance(60) {
        words.push(rng.pick(ADJECTIVES).to_string());
    }
    words.push(rng.pick(NOUNS).to_string());
    words.push(rng.pick(VERBS).to_string());
    words.push(rng.pick(DETERMINERS).to_string());
    if rng.chance(40) {
        words.push(rng.pick(ADJECTIVES).to_string());
    }
    words.push(rng.pick(NOUNS).to_string());
    if rng.chance(50) {
        words.push(rng.pick(PREPOSITIONS).to_string());
        words.push("the".to_string());
        words.push(rng.pick(NOUNS).to_string());
    }
    if rng.chance(15) {
        words.push(rng.pick(ADVERBS).to_string());
    }
}

/// Appends one sentence and returns how many words it added.
fn sentence(rng: &mut Rng, out: &mut String, inline_markup: bool) -> usize {
    let len = rng.range(9, 22);
    let mut words: Vec<String> = Vec::with_capacity(len + 8);
    clause(rng, &mut words);
    while words.len() < len {
        let last = words.pop().unwrap_or_default();
        words.push(format!("{last},"));
        words.push(rng.pick(JOINERS).to_string());
        clause(rng, &mut words);
    }
    let count = words.len();
    if inline_markup && count > 6 {
        let at = rng.range(1, count - 3);
        let word = words[at].trim_end_matches(',').to_string();
        let comma = if words[at].ends_with(',') { "," } else { "" };
        match rng.range(0, 5) {
            0 | 1 => words[at] = format!("*{word}*{comma}"),
            2 | 3 => words[at] = format!("**{word}**{comma}"),
            4 if comma.is_empty() && !words[at + 1].ends_with(',') => {
                let next = words.remove(at + 1);
                let target = rng.pick(NOUNS);
                words[at] = format!("[{word} {next}](https://example.org/{target})");
            }
            _ => words[at] = format!("~~{word}~~{comma}"),
        }
    }
    let start = out.len();
    for (i, word) in words.iter().enumerate() {
        if i == 0 {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    match rng.range(0, 11) {
        0 => out.push_str(", officials said \"for now\"."),
        1 => out.push_str(" -- so far."),
        2 => out.push_str(", it's said."),
        _ => out.push('.'),
    }
    out[start..].split_whitespace().count()
}

/// Appends paragraphs until at least `target` words are written.
fn paragraphs(rng: &mut Rng, out: &mut String, target: usize) -> usize {
    let mut written = 0;
    while written < target {
        let sentences = rng.range(3, 6);
        for i in 0..sentences {
            if i > 0 {
                out.push(' ');
            }
            let markup = rng.chance(45);
            written += sentence(rng, out, markup);
            // Stop mid-paragraph rather than overshoot the page's word budget.
            if i >= 1 && written >= target {
                break;
            }
        }
        out.push_str("\n\n");
    }
    written
}

fn title_case(words: &[&str]) -> String {
    let mut title = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            title.push(' ');
        }
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            title.extend(c.to_uppercase());
            title.push_str(chars.as_str());
        }
    }
    title
}

struct Page {
    rel_path: PathBuf,
    text: String,
}

fn page(index: usize, layout: Layout) -> Page {
    let mut rng = Rng::for_page(index);
    let topic = TOPICS[index % TOPICS.len()];
    let a = rng.pick(ADJECTIVES);
    let n = rng.pick(NOUNS);
    let v = rng.pick(VERBS);
    let n2 = rng.pick(NOUNS);
    let slug = format!("briefing-{index:06}-{a}-{n}");
    let title = format!("Briefing {index}: {} {v} {n2}", title_case(&[a, n]));

    let mut dek = String::new();
    sentence(&mut rng, &mut dek, false);
    // The dek may quote; a TOML basic string needs its quotes escaped.
    let dek = dek.replace('"', "\\\"");

    let tag_count = rng.range(2, 3);
    let mut tags: Vec<&str> = Vec::with_capacity(tag_count);
    while tags.len() < tag_count {
        let tag = rng.pick(TAGS);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let tag_list = tags
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");

    let year = rng.range(2019, 2025);
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);

    let mut text = String::with_capacity(8 * 1024);
    let _ = write!(
        text,
        "+++\ntitle = \"{title}\"\nsummary = \"{dek}\"\ndate = {year}-{month:02}-{day:02}\ntags = [{tag_list}]\n+++\n\n"
    );

    // 600–900 words of body, split unevenly over three sections; the target
    // leaves room for the footnote and for overshoot at sentence granularity.
    let total = rng.range(620, 790);
    let first = total * rng.range(28, 38) / 100;
    let second = total * rng.range(28, 38) / 100;

    let _ = writeln!(text, "## {}\n", title_case(&[rng.pick(ADJECTIVES), n]));
    let mut written = paragraphs(&mut rng, &mut text, first.saturating_sub(40));
    text.push_str("> ");
    written += sentence(&mut rng, &mut text, true);
    text.push(' ');
    written += sentence(&mut rng, &mut text, false);
    text.push_str("\n\n");

    let _ = writeln!(
        text,
        "## {}\n",
        title_case(&[rng.pick(ADJECTIVES), rng.pick(NOUNS)])
    );
    written += paragraphs(&mut rng, &mut text, second.saturating_sub(90));
    for _ in 0..rng.range(3, 5) {
        text.push_str("- ");
        written += sentence(&mut rng, &mut text, true);
        text.push('\n');
    }
    text.push('\n');

    let _ = writeln!(
        text,
        "## {}\n",
        title_case(&[rng.pick(ADJECTIVES), rng.pick(NOUNS)])
    );
    // Keep the total in range whatever the first two sections used.
    let remaining = total.saturating_sub(written).max(40);
    let before_note = text.len();
    paragraphs(&mut rng, &mut text, remaining);
    // Attach the footnote reference to the end of the section's first sentence.
    if let Some(dot) = text[before_note..].find(". ").map(|i| before_note + i) {
        text.insert_str(dot + 1, "[^1]");
    } else {
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        text.push_str("[^1]\n\n");
    }
    text.push_str("[^1]: ");
    sentence(&mut rng, &mut text, false);
    text.push('\n');

    let rel_path = match layout {
        Layout::Nested => Path::new(topic).join(format!("{slug}.md")),
        Layout::Flat => PathBuf::from(format!("{slug}.md")),
    };
    Page { rel_path, text }
}

/// Hugo templates live as plain files under bench/hugo so they can be read
/// and edited as templates; they are embedded so the generator is one binary.
const HUGO_FILES: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        include_str!("../bench/hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("../bench/hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/_default/taxonomy.html",
        include_str!("../bench/hugo/layouts/_default/taxonomy.html"),
    ),
    (
        "layouts/_default/term.html",
        include_str!("../bench/hugo/layouts/_default/term.html"),
    ),
    (
        "layouts/index.html",
        include_str!("../bench/hugo/layouts/index.html"),
    ),
];

const HUGO_CONFIG: &str = include_str!("../bench/hugo/hugo.toml");

fn write_hugo(out: &Path) -> Result<()> {
    let hugo = out.join("hugo");
    for (rel, body) in HUGO_FILES {
        let path = hugo.join(rel);
        fs::create_dir_all(path.parent().expect("template paths have a parent"))?;
        fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
    }
    fs::write(hugo.join("hugo.toml"), HUGO_CONFIG)?;
    Ok(())
}

/// Refuses to delete a folder that does not look like an earlier corpus, so a
/// mistyped --out cannot wipe unrelated files.
fn prepare_out(out: &Path) -> Result<()> {
    if out.exists() {
        let looks_like_corpus =
            out.join("site.toml").is_file() || fs::read_dir(out)?.next().is_none();
        if !looks_like_corpus {
            bail!(
                "{} exists and is not an earlier bench corpus (no site.toml); refusing to overwrite",
                out.display()
            );
        }
        for sub in ["content", "hugo"] {
            let path = out.join(sub);
            if path.exists() {
                fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
    }
    fs::create_dir_all(out.join("content"))?;
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.pages == 0 {
        bail!("--pages must be at least 1");
    }
    prepare_out(&args.out)?;
    fs::write(
        args.out.join("site.toml"),
        "title = \"Bench\"\ndescription = \"Benchmark corpus\"\nlanguage = \"en\"\n",
    )?;
    if args.layout == Layout::Nested {
        for topic in TOPICS {
            fs::create_dir_all(args.out.join("content").join(topic))?;
        }
    }
    let content = args.out.join("content");
    (0..args.pages).into_par_iter().try_for_each(|index| {
        let page = page(index, args.layout);
        let path = content.join(&page.rel_path);
        fs::write(&path, page.text).with_context(|| format!("writing {}", path.display()))
    })?;
    write_hugo(&args.out)?;
    println!(
        "wrote {} pages to {}",
        args.pages,
        args.out.join("content").display()
    );
    Ok(())
}
