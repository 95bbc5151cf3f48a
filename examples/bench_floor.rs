//! The benchmark floor: the least work any generator of this site must do.
//!
//! It reads every page, drops the front matter unparsed, renders the Markdown
//! with the same pulldown-cmark options brief uses and writes the HTML
//! fragment to `OUT/<slug>/index.html`. No templates, no index or tag pages,
//! no front matter parsing. A generator's time divided by this program's time
//! shows how much its own machinery costs on top of unavoidable I/O and
//! Markdown rendering.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Parser;
use pulldown_cmark::{Options, Parser as Markdown, html};
use rayon::prelude::*;
use walkdir::WalkDir;

#[derive(Parser)]
#[command(about = "Render a content folder with pulldown-cmark alone, as a speed floor")]
struct Args {
    /// Content folder holding `.md` pages, possibly in subfolders.
    content: PathBuf,
    /// Output folder; pages go to `OUT/<slug>/index.html`.
    out: PathBuf,
    /// Worker threads; two matches the benchmark machine's cores.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Returns the Markdown after a `+++` TOML front matter block, or the whole
/// text when there is none; the block's contents are deliberately not parsed.
fn body(text: &str) -> &str {
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "+++" {
            return &rest[offset..];
        }
    }
    text
}

fn render(path: &Path, out: &Path) -> Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let markdown = body(&text);
    let mut page = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut page, Markdown::new_ext(markdown, options()));
    let slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .with_context(|| format!("no UTF-8 file stem in {}", path.display()))?;
    let dir = out.join(slug);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    fs::write(dir.join("index.html"), page)
        .with_context(|| format!("writing {}/index.html", dir.display()))
}

fn main() -> Result<()> {
    let args = Args::parse();
    let pages: Vec<PathBuf> = WalkDir::new(&args.content)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    if pages.is_empty() {
        bail!("no .md files under {}", args.content.display());
    }
    fs::create_dir_all(&args.out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    pool.install(|| pages.par_iter().try_for_each(|p| render(p, &args.out)))?;
    Ok(())
}
