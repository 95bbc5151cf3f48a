//! `brief help`: the README travels with the binary, so a site made with
//! `brief init` (which has no copy of it) can still look everything up, and
//! every error that points at documentation names a command that prints it.

use crate::support::*;
use std::path::Path;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The part of the README under `heading`, down to the next heading of the
/// same level or higher.
fn readme_part(heading: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let level = heading.chars().take_while(|&c| c == '#').count();
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no `{heading}`"))
        + 1;
    let mut end = readme.len();
    let mut offset = start + heading.len() + 1;
    let mut fenced = false;
    for line in readme[offset..].split_inclusive('\n') {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !fenced && hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            end = offset;
            break;
        }
        offset += line.len();
    }
    readme[start..end].to_string()
}

#[test]
fn help_topics_print_their_part_of_the_readme() {
    let dir = tempfile::tempdir().unwrap();
    for (topic, heading) in [
        ("front-matter", "### Front matter fields"),
        ("content", "### The body and its sections"),
        ("templates", "## Templates"),
        ("hosting", "## Hosting the output"),
        ("search", "## Search"),
        ("cli", "## Command line"),
        ("site-toml", "## site.toml"),
    ] {
        let o = brief(dir.path(), &["help", topic]);
        assert!(o.status.success(), "{topic}: {}", stderr(&o));
        let text = stdout(&o);
        let part = readme_part(heading);
        assert!(
            text.contains(part.trim_end()),
            "`brief help {topic}` lacks the README's `{heading}`:\n{text}"
        );
    }
    // Cut at the headings: the templates topic ends where hosting starts.
    let templates = stdout(&brief(dir.path(), &["help", "templates"]));
    assert!(templates.contains("### Filters"), "{templates}");
    assert!(!templates.contains("## Hosting the output"), "{templates}");
    // A `#` line inside a code block is not a heading: the front matter
    // example (with its `## The request {#request}`) is printed whole.
    let front = stdout(&brief(dir.path(), &["help", "front-matter"]));
    assert!(front.contains("## The request {#request}"), "{front}");
    assert!(front.contains("| `slug` | string |"), "{front}");
}

#[test]
fn help_with_a_command_or_nothing_prints_the_command_help() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["build", "serve", "check", "new", "init"] {
        let o = brief(dir.path(), &["help", command]);
        assert!(o.status.success(), "{command}: {}", stderr(&o));
        let flag = brief(dir.path(), &[command, "--help"]);
        assert_eq!(stdout(&o), stdout(&flag), "{command}");
    }
    let o = brief(dir.path(), &["help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&brief(dir.path(), &["--help"])));
    // The overview names the topics, so they can be found.
    assert!(stdout(&o).contains("front-matter"), "{}", stdout(&o));
    // `help` is not one of clap's own any more: `brief help help` is a
    // topic it does not know, not a second help command.
    assert!(!stdout(&o).contains("Print this message or the help of"));
}

#[test]
fn help_with_an_unknown_topic_lists_the_topics() {
    let dir = tempfile::tempdir().unwrap();
    let o = brief(dir.path(), &["help", "frontmatter"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("error: "), "{err}");
    for topic in ["front-matter", "content", "templates", "hosting", "cli"] {
        assert!(err.contains(topic), "{topic}: {err}");
    }
    assert!(o.stdout.is_empty());
}

/// Builds `root` and returns stderr, asserting it failed.
fn failed_build(root: &Path) -> String {
    let out = tempfile::tempdir().unwrap();
    let o = brief(
        root,
        &["build", "-o", out.path().join("p").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn errors_point_at_help_topics_not_at_a_readme() {
    let dir = tempfile::tempdir().unwrap();
    // An unknown filter: no invalid fixture has one.
    let filter = copy_site(&fixture("minimal"));
    std::fs::create_dir_all(filter.path().join("templates")).unwrap();
    std::fs::write(
        filter.path().join("templates/briefing.html"),
        "{{ page.title | shout }}",
    )
    .unwrap();
    let mut messages = vec![failed_build(filter.path())];
    for case in ["unknown-field", "bad-config", "template-undefined"] {
        messages.push(failed_build(&fixture(&format!("invalid/{case}"))));
    }
    for message in &messages {
        assert!(!message.contains("README"), "{message}");
        let topics = help_commands(message);
        assert!(!topics.is_empty(), "names no help topic: {message}");
        for topic in topics {
            let o = brief(dir.path(), &["help", &topic]);
            assert!(o.status.success(), "`brief help {topic}`: {}", stderr(&o));
        }
    }
    // Each points at the part that answers it.
    assert!(
        messages[0].contains("brief help templates"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("brief help front-matter"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("brief help site-toml"),
        "{}",
        messages[2]
    );
}

#[test]
fn quiet_help_says_what_check_prints() {
    let site = fixture("alt-missing");
    let help = stdout(&brief(&site, &["check", "--help"]));
    let quiet = help
        .lines()
        .find(|l| l.contains("--quiet"))
        .unwrap_or_else(|| panic!("{help}"));
    assert!(quiet.contains("for `check`, only errors"), "{quiet}");
    // And that is what it does: the missing alt text is a warning, unsaid.
    let o = brief(&site, &["check", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let o = brief(&site, &["check"]);
    assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn site_flags_read_the_same_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    // Each flag's line, with the padding (which depends on the other
    // flags of the command) collapsed.
    let flag_lines = |command: &str| -> Vec<String> {
        let help = stdout(&brief(dir.path(), &[command, "--help"]));
        ["--root <DIR>", "--drafts", "--future"]
            .iter()
            .map(|flag| {
                let line = help
                    .lines()
                    .find(|l| l.contains(flag))
                    .unwrap_or_else(|| panic!("{command}: {flag}\n{help}"));
                line.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect()
    };
    let build = flag_lines("build");
    assert_eq!(build, flag_lines("check"));
    assert_eq!(build, flag_lines("serve"));
    assert!(build[0].contains("[default: .]"), "{}", build[0]);
}
