//! What each subcommand does, as the binary runs it: call the library,
//! then tell the user what happened. `main.rs` only parses and dispatches.

use crate::build::{BuildOptions, StrictFailure};
use crate::check::{self, CheckOptions, Severity};
use crate::cli::{BuildArgs, CheckArgs, Cli, Command, InitArgs, NewArgs, ServeArgs};
use crate::report::{Reporter, plural};
use crate::term::Term;
use anyhow::Result;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Runs the command, printing what it did and every problem it found;
/// returns the exit status (0 success, 1 failure).
pub fn run(cli: Cli, term: Term) -> ExitCode {
    // Rendering threads wait on PDF compiles (see `pdf`) and take other
    // routes meanwhile, which nests their stacks: give them room.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build_global();
    let out = Output {
        term,
        quiet: cli.quiet,
        verbose: cli.verbose,
        // `-q` leaves out everything but warnings and errors; only `check`
        // leaves out its warnings too.
        report: Reporter::new(term, false),
    };
    let result = match cli.command {
        Command::Build(args) => build(args, &out),
        Command::Serve(args) => serve(args, &out),
        Command::Check(args) => check(args, &out),
        Command::New(args) => new(args),
        Command::Init(args) => init(args),
        Command::Help { topic } => crate::help::run(topic.as_deref(), term),
    };
    result.unwrap_or_else(|e| {
        out.report.errors(&e);
        ExitCode::FAILURE
    })
}

/// How much to say, and how.
struct Output {
    term: Term,
    quiet: bool,
    verbose: bool,
    report: Reporter,
}

/// Builds that run longer than this get a progress line on a terminal.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

fn build(args: BuildArgs, out: &Output) -> Result<ExitCode> {
    let options = BuildOptions {
        selection: args.site.selection(),
        root: args.site.root,
        output: args.output,
        strict: args.strict,
        base_url: args.base_url,
    };
    let started = Instant::now();
    let shown = Mutex::new(Instant::now());
    let draw = out.term.interactive() && !out.quiet;
    let progress = |done: usize, total: usize| {
        if !draw || started.elapsed() < PROGRESS_AFTER {
            return;
        }
        // A few redraws a second are plenty, and cheap for the writing threads.
        if let Ok(mut last) = shown.try_lock()
            && (last.elapsed() > Duration::from_millis(100) || done == total)
        {
            *last = Instant::now();
            let width = 30;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            eprint!(
                "\r[{}{}] {done}/{total} briefings",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            let _ = std::io::stderr().flush();
        }
    };
    let result = crate::build::build(&options, &progress);
    if draw && started.elapsed() >= PROGRESS_AFTER {
        eprint!("\r{}\r", " ".repeat(60));
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            build_failed(&e, &options, out);
            return Ok(ExitCode::FAILURE);
        }
    };
    out.report.warnings(&report.warnings);
    if out.verbose {
        eprintln!(
            "loaded {} in {} ms; rendered and wrote {} files ({} pages) in {} ms",
            plural(report.briefings, "briefing"),
            report.load_time.as_millis(),
            report.files,
            report.pages,
            report.elapsed.saturating_sub(report.load_time).as_millis()
        );
    }
    if report.unchanged {
        if !out.quiet {
            println!(
                "Nothing changed since the last build: `{}` left as it was ({}, {}; checked in {} ms)",
                report.output.display(),
                plural(report.briefings, "briefing"),
                plural(report.pages, "page"),
                report.elapsed.as_millis()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !out.quiet {
        print_summary(&report, &options);
    }
    Ok(ExitCode::SUCCESS)
}

/// Every problem of a failed build, then one count of them and what
/// happened to the output.
fn build_failed(e: &anyhow::Error, options: &BuildOptions, out: &Output) {
    let count = out.report.errors(e);
    // Output is staged and swapped in whole, so a failed build never
    // touches it; say so only where there is a previous build.
    let kept = if crate::output::holds_a_build(&options.output_dir()) {
        "; the previous output is unchanged"
    } else {
        ""
    };
    let why = if e.downcast_ref::<StrictFailure>().is_some() {
        format!(
            "--strict turns warnings into errors: {}",
            plural(count, "warning")
        )
    } else {
        plural(count, "error")
    };
    out.report
        .note(&format!("{why}; nothing was written{kept}"));
}

/// The line a successful build ends with, and its notes.
fn print_summary(report: &crate::BuildReport, options: &BuildOptions) {
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
            " ({} under embargo left out; add --future to include)",
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
    if let Some(note) = robots_note(options, report.feeds) {
        println!("note: {note}");
    }
}

/// For a site published under a path (`https://example.org/briefings/`):
/// its `robots.txt` is written, but crawlers only ever read the one at the
/// host's root. `None` when no `robots.txt` was written or it is at the root.
fn robots_note(options: &crate::BuildOptions, written: bool) -> Option<String> {
    if !written {
        return None;
    }
    let base = match &options.base_url {
        Some(url) => url.clone(),
        None => crate::config::Config::load(&options.root).ok()?.base_url,
    };
    let base = base.trim_end_matches('/');
    let host_start = base.find("://")? + 3;
    let host_end = host_start + base[host_start..].find('/')?;
    Some(format!(
        "this site's robots.txt is at {base}/robots.txt, but crawlers read robots.txt only at the host's root, {}/robots.txt: the host must serve it there (see `brief help hosting`)",
        &base[..host_end]
    ))
}

fn check(args: CheckArgs, out: &Output) -> Result<ExitCode> {
    let report = check::check(
        &args.site.root,
        &CheckOptions {
            selection: args.site.selection(),
            external: args.external,
        },
    );
    let shown = Reporter::new(out.term, out.quiet);
    for f in &report.findings {
        match f.severity {
            Severity::Error => shown.error(&f.error),
            Severity::Warning => shown.warnings(std::slice::from_ref(&f.error)),
        }
    }
    if !out.quiet && !report.upcoming.is_empty() {
        println!("Goes live next (times in {}):", report.timezone);
        for u in &report.upcoming {
            println!("  {}  `{}`  {}", u.when, u.file.display(), u.title);
        }
    }
    let errors = report.errors();
    let warnings = report.warnings();
    if !out.quiet || errors > 0 {
        let mut line = format!(
            "Checked {}, {}: {}, {}",
            plural(report.briefings, "briefing"),
            plural(report.pages, "page"),
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        if args.external {
            line.push_str(&format!(
                "; {} requested",
                plural(report.external_checked, "external link")
            ));
        }
        println!("{line}");
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn serve(args: ServeArgs, out: &Output) -> Result<ExitCode> {
    crate::serve::serve(
        &crate::serve::ServeOptions {
            selection: args.site.selection(),
            root: args.site.root,
            bind: args.bind,
            port: args.port,
        },
        out.report,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn new(args: NewArgs) -> Result<ExitCode> {
    let path = match (&args.from, &args.lang, &args.title) {
        (Some(from), Some(lang), _) => crate::scaffold::new_translation(&args.root, from, lang)?,
        (_, _, Some(title)) => crate::scaffold::new_briefing(
            &args.root,
            title,
            args.path.as_deref(),
            crate::date::Date::today(),
        )?,
        _ => anyhow::bail!("give a title, or --from FILE --lang TAG for a translation"),
    };
    // `./content/…` reads better as `content/…`.
    let shown = path.strip_prefix(".").unwrap_or(&path);
    println!(
        "Wrote `{}` (a draft: build with --drafts to see it)",
        shown.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn init(args: InitArgs) -> Result<ExitCode> {
    let done = crate::scaffold::init(&args.dir, args.force, crate::date::Date::today())?;
    for kept in &done.kept {
        println!("kept the existing `{}`", kept.display());
    }
    match done.example {
        crate::scaffold::Example::Published => {}
        crate::scaffold::Example::Draft => println!(
            "added the example briefing `content/{}` as a draft: brief serve --drafts shows it",
            crate::scaffold::EXAMPLE_FILE
        ),
        crate::scaffold::Example::Skipped => {
            println!("no example briefing added: `content/` already has briefings")
        }
    }
    println!(
        "Made a site in `{}` ({} files). Next: brief serve --root {}",
        args.dir.display(),
        done.written.len(),
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
