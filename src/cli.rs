//! The command line.

use crate::site::Selection;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// brief: build briefing pages from Markdown.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print only warnings and errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what each step did and how long it took.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Serve the site on this machine and rebuild it on every change.
    Serve(ServeArgs),
    /// Build in memory and report broken links, missing anchors, images
    /// without alt text, duplicate ids, empty sections and missing summaries
    /// or sources, without writing anything.
    Check(CheckArgs),
    /// Write a new draft briefing with every front matter field to fill in.
    New(NewArgs),
    /// Make a new site: settings, templates, stylesheet and an example briefing.
    Init(InitArgs),
}

/// The flags that say which site and which of its briefings: shared by
/// `build`, `check` and `serve`.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, holding site.toml, content/, templates/ and static/.
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Include briefings marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include briefings dated after today.
    #[arg(long)]
    pub future: bool,
}

impl SiteArgs {
    /// Which briefings to build.
    pub fn selection(&self) -> Selection {
        Selection {
            drafts: self.drafts,
            future: self.future,
        }
    }
}

/// Flags of `brief build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site and which briefings.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site [default: ROOT/public].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Publish at this absolute URL, overriding `base_url` in site.toml
    /// (for deploy previews and test hosts).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Treat warnings (such as images without alt text) as errors.
    #[arg(long)]
    pub strict: bool,
}

/// Flags of `brief check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site and which briefings.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Also request every external link (needs the network; slow).
    #[arg(long)]
    pub external: bool,
}

/// Flags of `brief serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site and which briefings.
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. The default lets only this machine in;
    /// `0.0.0.0` lets in every machine that can reach this one.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: std::net::IpAddr,
}

/// Flags of `brief new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The headline; the file is named after it.
    pub title: String,
    /// A folder inside content/ to put it in, e.g. `sahel/`.
    #[arg(long, value_name = "FOLDER")]
    pub path: Option<String>,
    /// The site folder.
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

/// Flags of `brief init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to make the site in; created if missing.
    pub dir: PathBuf,
    /// Add the site's files to a folder that is not empty. Existing files
    /// are kept as they are, never replaced or removed.
    #[arg(long)]
    pub force: bool,
}
