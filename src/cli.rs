//! The command line.

use crate::site::Selection;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// brief: build briefing pages from Markdown.
#[derive(Debug, Parser)]
#[command(
    name = "brief",
    version,
    about,
    long_about = None,
    propagate_version = true,
    disable_help_subcommand = true,
    after_help = after_help()
)]
pub struct Cli {
    /// Print only warnings and errors (for `check`, only errors).
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
    /// Print the help of a command, or a topic of the documentation.
    Help {
        /// A command (`build`, `serve`, `check`, `new`, `init`) or a topic:
        /// cli, content, front-matter, site-toml, templates, search, hosting.
        #[arg(value_name = "COMMAND|TOPIC")]
        topic: Option<String>,
    },
}

/// The end of `brief --help`: where the rest of the documentation is.
fn after_help() -> String {
    format!(
        "Documentation: brief help <TOPIC>, one of\n{}",
        crate::help::topic_list().trim_end()
    )
}

/// The site to work on, and which briefings to include: the same flags in
/// `brief build`, `brief check` and `brief serve`.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, holding site.toml, content/, templates/ and static/.
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Include briefings marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include briefings under embargo (dated after the clock) as if live.
    #[arg(long)]
    pub future: bool,
    /// The time to build as of, e.g. 2026-12-02T08:00:00Z: briefings dated
    /// after it are under embargo [default: now].
    #[arg(long, value_name = "TIME", value_parser = crate::clock::parse_clock)]
    pub clock: Option<jiff::Timestamp>,
}

impl SiteArgs {
    /// Which briefings to build.
    pub fn selection(&self) -> Selection {
        Selection {
            drafts: self.drafts,
            future: self.future,
            clock: self.clock,
        }
    }
}

/// Flags of `brief build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder and which briefings to include.
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
    /// The site folder and which briefings to include.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Also request every external link (needs the network; slow).
    #[arg(long)]
    pub external: bool,
}

/// Flags of `brief serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder and which briefings to include.
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
    #[arg(required_unless_present = "from")]
    pub title: Option<String>,
    /// A folder inside content/ to put it in, e.g. `sahel/`.
    #[arg(long, value_name = "FOLDER", conflicts_with = "from")]
    pub path: Option<String>,
    /// Start a translation of this briefing (`content/mali.md`) instead:
    /// its front matter and headings, to translate, beside it.
    #[arg(long, value_name = "FILE", requires = "lang", conflicts_with = "title")]
    pub from: Option<String>,
    /// The language of the translation, one of the site's `[languages]`.
    #[arg(long, value_name = "TAG", requires = "from")]
    pub lang: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn build_check_and_serve_share_one_set_of_site_flags() {
        for command in ["build", "check", "serve"] {
            let cli = Cli::try_parse_from(["brief", command, "-r", "site", "--drafts", "--future"])
                .unwrap();
            let site = match &cli.command {
                Command::Build(a) => &a.site,
                Command::Check(a) => &a.site,
                Command::Serve(a) => &a.site,
                other => panic!("{other:?}"),
            };
            assert_eq!(site.root, PathBuf::from("site"));
            assert!(site.drafts && site.future, "{command}");

            let cli = Cli::try_parse_from(["brief", command]).unwrap();
            let (Command::Build(BuildArgs { site, .. })
            | Command::Check(CheckArgs { site, .. })
            | Command::Serve(ServeArgs { site, .. })) = cli.command
            else {
                panic!("{command}");
            };
            assert_eq!(site.root, PathBuf::from("."));
            assert!(!site.drafts && !site.future, "{command}");
        }
    }

    #[test]
    fn the_clock_is_a_date_time_with_an_offset() {
        let cli = Cli::try_parse_from(["brief", "build", "--clock", "2026-12-02T09:00:00+01:00"])
            .unwrap();
        let Command::Build(args) = cli.command else {
            panic!("build")
        };
        assert_eq!(
            args.site
                .selection()
                .clock
                .map(|c| c.to_string())
                .as_deref(),
            Some("2026-12-02T08:00:00Z")
        );
        let err = Cli::try_parse_from(["brief", "check", "--clock", "2026-12-02T09:00"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no offset"), "{err}");
    }

    #[test]
    fn help_is_brief_own_command() {
        let cli = Cli::try_parse_from(["brief", "help", "front-matter"]).unwrap();
        assert!(
            matches!(cli.command, Command::Help { topic: Some(ref t) } if t == "front-matter"),
            "{:?}",
            cli.command
        );
        let cli = Cli::try_parse_from(["brief", "help"]).unwrap();
        assert!(matches!(cli.command, Command::Help { topic: None }));
    }
}
