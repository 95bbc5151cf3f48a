//! The command line.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// brief: build briefing pages from Markdown.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
}

/// Flags of `brief build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder, holding site.toml, content/, templates/ and static/.
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Include briefings marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include briefings dated after today.
    #[arg(long)]
    pub future: bool,
    /// Publish at this absolute URL, overriding `base_url` in site.toml
    /// (for deploy previews and test hosts).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Treat warnings (such as images without alt text) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Print only errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
