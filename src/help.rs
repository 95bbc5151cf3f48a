//! `brief help <topic>`: the documentation installed with the binary. Each
//! topic is a part of the project's README, embedded at compile time and cut
//! at its headings, so the help and the README can never say different
//! things.

use crate::cli::Cli;
use crate::term::Term;
use anyhow::Result;
use clap::CommandFactory as _;
use std::process::ExitCode;

/// The README this binary was built with.
const README: &str = include_str!("../README.md");

/// Which part of the README under a heading a topic prints.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// The heading and everything under it, down to the next heading of
    /// the same level or higher.
    Whole(&'static str),
    /// The heading and its text, down to the next heading of any level.
    Intro(&'static str),
}

/// A help topic: its name, what it covers (for the list of topics) and the
/// README parts it prints, in order.
struct Topic {
    name: &'static str,
    about: &'static str,
    parts: &'static [Part],
}

/// Every help topic, in the order they are listed.
const TOPICS: &[Topic] = &[
    Topic {
        name: "cli",
        about: "the commands, their flags, what they print and their exit status",
        parts: &[
            Part::Whole("## Command line"),
            Part::Whole("## Checking a site: `brief check`"),
            Part::Whole("## Writing with a live preview: serve, new, init"),
        ],
    },
    Topic {
        name: "content",
        about: "the site's folders, page bundles and the Markdown of a briefing",
        parts: &[
            Part::Whole("## Site layout"),
            Part::Intro("## Writing a briefing"),
            Part::Whole("### The body and its sections"),
        ],
    },
    Topic {
        name: "front-matter",
        about: "every front matter field of a briefing",
        parts: &[
            Part::Intro("## Writing a briefing"),
            Part::Whole("### Front matter fields"),
        ],
    },
    Topic {
        name: "site-toml",
        about: "every setting in site.toml",
        parts: &[Part::Whole("## site.toml")],
    },
    Topic {
        name: "templates",
        about: "the built-in templates, template variables, functions and filters",
        parts: &[Part::Whole("## Templates")],
    },
    Topic {
        name: "search",
        about: "the search page, its index and the header's search form",
        parts: &[Part::Whole("## Search")],
    },
    Topic {
        name: "hosting",
        about: "publishing the output folder on a web server or from disk",
        parts: &[Part::Whole("## Hosting the output")],
    },
];

/// Runs `brief help [COMMAND|TOPIC]`: with nothing or a command, what
/// `brief --help` or `brief COMMAND --help` prints; with a topic, its part
/// of the README. Anything else is a usage error listing the topics.
pub fn run(topic: Option<&str>, term: Term) -> Result<ExitCode> {
    let command = Cli::command();
    let commands: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    let args = match topic {
        None => vec!["brief", "--help"],
        Some(name) if commands.contains(&name) => vec!["brief", name, "--help"],
        Some(name) => {
            if let Some(text) = self::topic(name) {
                println!("{}", text.trim_end());
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "{} `{name}` is neither a help topic nor a command\n  = help: the topics are {}; the commands are {}",
                term.error(),
                topic_names(),
                commands.join(", ")
            );
            return Ok(ExitCode::from(2));
        }
    };
    // clap's own help, printed exactly as for the `--help` flag.
    match command.try_get_matches_from(args) {
        Err(e) => {
            e.print()?;
            Ok(ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1)))
        }
        Ok(_) => Ok(ExitCode::SUCCESS),
    }
}

/// The text of the help topic `name`, or `None` when there is no such topic.
pub fn topic(name: &str) -> Option<String> {
    let topic = TOPICS.iter().find(|t| t.name == name)?;
    let parts: Vec<&str> = topic
        .parts
        .iter()
        .map(|&part| readme_part(README, part))
        .collect();
    Some(parts.join("\n"))
}

/// The topics, one a line with what each covers, for `brief --help` and
/// the error about an unknown topic.
pub fn topic_list() -> String {
    let width = TOPICS.iter().map(|t| t.name.len()).max().unwrap_or(0);
    TOPICS
        .iter()
        .map(|t| format!("  {:width$}  {}\n", t.name, t.about))
        .collect()
}

/// The names of the topics, comma-separated.
pub fn topic_names() -> String {
    TOPICS.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
}

/// The level of a Markdown heading line (`## x` is 2), or 0 for any other
/// line.
fn heading_level(line: &str) -> usize {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if hashes > 0 && line[hashes..].starts_with(' ') {
        hashes
    } else {
        0
    }
}

/// The lines of `text` from the heading line `heading` to the line before
/// the heading that ends `part`; empty when the heading is missing. Lines
/// inside fenced code blocks are never headings.
fn readme_part(text: &str, part: Part) -> &str {
    let (heading, whole) = match part {
        Part::Whole(h) => (h, true),
        Part::Intro(h) => (h, false),
    };
    let level = heading_level(heading);
    let mut start = None;
    let mut fenced = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let this = if fenced { 0 } else { heading_level(line) };
        match start {
            None if this > 0 && line.trim_end() == heading => start = Some(offset),
            Some(s) if this > 0 && (!whole || this <= level) => return &text[s..offset],
            _ => {}
        }
        offset += line.len();
    }
    start.map_or("", |s| &text[s..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Title\n\nintro\n\n## One\n\none\n\n```\n## not a heading\n```\n\n### Sub\n\nsub\n\n## Two\n\ntwo\n";

    #[test]
    fn a_whole_part_runs_to_the_next_heading_of_its_level() {
        assert_eq!(
            readme_part(TEXT, Part::Whole("## One")),
            "## One\n\none\n\n```\n## not a heading\n```\n\n### Sub\n\nsub\n\n"
        );
        assert_eq!(readme_part(TEXT, Part::Whole("## Two")), "## Two\n\ntwo\n");
    }

    #[test]
    fn an_intro_stops_at_the_first_subheading() {
        assert_eq!(
            readme_part(TEXT, Part::Intro("## One")),
            "## One\n\none\n\n```\n## not a heading\n```\n\n"
        );
    }

    #[test]
    fn a_missing_heading_gives_nothing() {
        assert_eq!(readme_part(TEXT, Part::Whole("## Three")), "");
        // A heading is a whole line, not a prefix of one.
        assert_eq!(readme_part(TEXT, Part::Whole("## On")), "");
    }

    #[test]
    fn every_topic_finds_each_of_its_headings_in_the_readme() {
        for t in TOPICS {
            for &part in t.parts {
                assert!(
                    !readme_part(README, part).is_empty(),
                    "{}: {part:?}",
                    t.name
                );
            }
            assert!(topic(t.name).is_some());
        }
        assert!(topic("nothing").is_none());
    }
}
