//! The `brief` binary: parse the command line, call the library, report.

use brief::cli::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let building = matches!(cli.command, Command::Build(_));
    let result = match cli.command {
        Command::Build(args) => build(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", render_error(&e));
            if building {
                // Output is staged and swapped in whole, so a failed build never touches it.
                eprintln!("note: nothing was written; the previous output is unchanged");
            }
            ExitCode::FAILURE
        }
    }
}

fn build(args: brief::cli::BuildArgs) -> anyhow::Result<()> {
    let options = brief::BuildOptions {
        root: args.root,
        output: args.output,
        drafts: args.drafts,
        future: args.future,
        strict: args.strict,
        base_url: args.base_url,
    };
    let report = brief::build(&options)?;
    for w in &report.warnings {
        eprintln!("warning: {w}\n");
    }
    if !args.quiet {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "Built {}, {} in {} ms into `{}`",
            plural(report.briefings, "briefing"),
            plural(report.pages, "page"),
            report.elapsed.as_millis(),
            report.output.display()
        );
        if report.drafts_skipped > 0 {
            line.push_str(&format!(
                " ({} left out; add --drafts to include)",
                plural(report.drafts_skipped, "draft")
            ));
        }
        if report.future_skipped > 0 {
            line.push_str(&format!(
                " ({} dated after today left out; add --future to include)",
                plural(report.future_skipped, "briefing")
            ));
        }
        if !report.warnings.is_empty() {
            line.push_str(&format!(
                " with {}",
                plural(report.warnings.len(), "warning")
            ));
        }
        println!("{line}");
        if !report.feeds && report.briefings > 0 {
            println!(
                "note: no feeds, sitemap, robots.txt or 404 page: they need absolute URLs; set `base_url` in site.toml"
            );
        }
    }
    Ok(())
}

/// `error: ` and the whole chain, outermost first; a located error is shown
/// with its source line.
fn render_error(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    parts.dedup();
    format!("error: {}", parts.join("\n  caused by: "))
}
