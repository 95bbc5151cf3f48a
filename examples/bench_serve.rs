//! How long `brief serve` takes from saving a briefing to serving it.
//!
//! Starts `brief serve` on a site, then edits one briefing several times,
//! each time timing from the write to the first response that holds the
//! edit. Two kinds of edit are timed: one word added to the body (the page
//! changes, the reading time other pages show does not) and a new title
//! (which every list and related-briefing box showing the page must pick
//! up). The file is put back as it was at the end.
//!
//! Each edit is saved two ways: written in place (`write`: truncate, write,
//! close) and as many editors save (`rename`: write a temporary file beside
//! it, rename it over the briefing, then `chmod` it). The report counts the
//! rebuilds the server printed for each save: one burst must be one rebuild.

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Time brief serve from saving a briefing to serving it")]
struct Args {
    /// The site to serve (its files are edited and put back).
    site: PathBuf,
    /// The briefing to edit, inside `content/`; the first one found by default.
    #[arg(long)]
    page: Option<String>,
    /// Edits of each kind.
    #[arg(long, default_value_t = 7)]
    edits: usize,
    /// The brief binary.
    #[arg(long, default_value = "target/release/brief")]
    brief: PathBuf,
}

/// Kills the server however the benchmark ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Puts the edited file back however the benchmark ends.
struct Restore<'a>(&'a Path, String);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = std::fs::write(self.0, &self.1);
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let content = args.site.join("content");
    let rel = match &args.page {
        Some(rel) => rel.clone(),
        None => first_briefing(&content)?,
    };
    let file = content.join(&rel);
    let original =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let url = format!("/{}/index.html", rel.trim_end_matches(".md"));

    let mut child = Command::new(&args.brief)
        .args(["serve", "--port", "0", "--root"])
        .arg(&args.site)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", args.brief.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let _server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(600))
            .context("brief serve did not start")?;
        println!("server: {line}");
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    let _restore = Restore(&file, original.clone());

    for save in [Save::Write, Save::Rename] {
        for kind in ["body", "title"] {
            let mut times = Vec::new();
            let mut rebuilds = Vec::new();
            for k in 0..args.edits {
                let marker = format!("Benchedit{kind}{k}{}", save.name());
                let edited = edit(&original, kind, &marker)?;
                std::thread::sleep(Duration::from_millis(400));
                while rx.try_recv().is_ok() {}
                let start = Instant::now();
                save.apply(&file, &edited)?;
                loop {
                    if get(&addr, &url).is_ok_and(|page| page.contains(&marker)) {
                        break;
                    }
                    if start.elapsed() > Duration::from_secs(60) {
                        bail!("the edit did not show within a minute");
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                // Anything the save still sets off shows within the
                // server's longest quiet wait.
                std::thread::sleep(Duration::from_millis(300));
                let mut count = 0;
                while let Ok(line) = rx.try_recv() {
                    count += usize::from(line.starts_with("Rebuilt"));
                    println!("server: {line}");
                }
                rebuilds.push(count);
            }
            let shown: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
            let median = median(&mut times);
            println!(
                "{kind} edit, {} save: save to served {} ms; median {median:.1} ms; rebuilds per save {rebuilds:?}",
                save.name(),
                shown.join(", "),
            );
        }
    }
    Ok(())
}

/// How an edit is saved.
#[derive(Clone, Copy)]
enum Save {
    /// Truncated and written in place.
    Write,
    /// Written to a temporary file, renamed over the briefing, `chmod`ed.
    Rename,
}

impl Save {
    fn name(self) -> &'static str {
        match self {
            Save::Write => "write",
            Save::Rename => "rename",
        }
    }

    fn apply(self, file: &Path, text: &str) -> Result<()> {
        match self {
            Save::Write => std::fs::write(file, text)?,
            Save::Rename => {
                let name = file.file_name().context("no file name")?.to_string_lossy();
                let temp = file.with_file_name(format!(".{name}.bench-tmp"));
                std::fs::write(&temp, text)?;
                std::fs::rename(&temp, file)?;
                let perms = std::fs::metadata(file)?.permissions();
                std::fs::set_permissions(file, perms)?;
            }
        }
        Ok(())
    }
}

/// The briefing with `marker` added: to the first paragraph, or as the title.
fn edit(text: &str, kind: &str, marker: &str) -> Result<String> {
    if kind == "title" {
        let line = text
            .lines()
            .find(|l| l.starts_with("title = \""))
            .context("no title line")?;
        return Ok(text.replacen(line, &format!("title = \"{marker}\""), 1));
    }
    let heading = text.find("\n## ").context("no section")?;
    let paragraph = heading + text[heading + 1..].find("\n\n").context("no paragraph")? + 1;
    let end = paragraph
        + 2
        + text[paragraph + 2..]
            .find("\n\n")
            .context("no paragraph end")?;
    Ok(format!("{} {marker}{}", &text[..end], &text[end..]))
}

/// The body of `GET path`, or an error for anything but a 200.
fn get(addr: &str, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    if !response.starts_with("HTTP/1.1 200") {
        bail!("not found");
    }
    Ok(response)
}

fn first_briefing(content: &Path) -> Result<String> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let first = files.first().context("no briefing under content/")?;
    Ok(first
        .strip_prefix(content)?
        .to_string_lossy()
        .replace('\\', "/"))
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
