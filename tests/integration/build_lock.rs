//! Two `brief build` runs of one site at once: the OS file lock lets one
//! write and turns the other away, and the output is a whole site after.

use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Briefings in the generated site: enough that builds take long enough to
/// overlap.
const BRIEFINGS: usize = 2000;

fn generated_site(n: usize) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("site.toml"), "title = \"Lock\"\n").unwrap();
    for i in 0..n {
        let dir = site.path().join(format!("content/part-{}", i % 20));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("b-{i}.md")),
            format!(
                "+++\ntitle = \"Briefing {i}\"\ndate = 2020-01-{:02}\ntags = [\"T{}\"]\n+++\n\nIntro {i}.\n\n## One\n\nText of {i}.\n\n## Two\n\nMore text.\n",
                i % 28 + 1,
                i % 7
            ),
        )
        .unwrap();
    }
    site
}

fn spawn_build(root: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--quiet"])
        .current_dir(root)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run brief")
}

/// Every briefing has its page, whole, and nothing is left half-done.
fn assert_complete(root: &Path, n: usize) {
    let public = root.join("public");
    for i in 0..n {
        let page = public.join(format!("part-{}/b-{i}/index.html", i % 20));
        let html =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(
            html.contains(&format!("Briefing {i}")),
            "{}",
            page.display()
        );
        assert!(html.ends_with("</html>\n"), "{}", page.display());
    }
    assert!(public.join(".brief-output").is_file());
    assert!(public.join("index.html").is_file());
    assert!(!root.join(".public.brief-new").exists(), "staging left");
    assert!(!root.join(".public.brief-old").exists(), "old output left");
}

#[test]
fn two_builds_at_once_one_writes_the_other_is_turned_away() {
    let site = generated_site(BRIEFINGS);
    // Both start loading at once; whichever reaches the output first holds
    // the lock while it renders and writes. On a busy machine the two can
    // miss each other, so try a few times: they must overlap at least once,
    // and every round must end in a whole site.
    let mut overlapped = 0;
    for round in 0..3 {
        // A build of an unchanged site is skipped before it takes the lock,
        // so each round changes a briefing.
        let edited = site.path().join("content/part-0/b-0.md");
        let mut text = std::fs::read_to_string(&edited).unwrap();
        text.push_str(&format!("\nRound {round}.\n"));
        std::fs::write(&edited, text).unwrap();
        let a = spawn_build(site.path());
        let b = spawn_build(site.path());
        let outcomes = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let ok = outcomes.iter().filter(|o| o.status.success()).count();
        assert!(ok >= 1, "round {round}: neither build succeeded");
        for o in outcomes.iter().filter(|o| !o.status.success()) {
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("another brief build is writing"),
                "{stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
        assert_complete(site.path(), BRIEFINGS);
        if ok == 1 {
            println!("build lock: the builds overlapped in round {}", round + 1);
            overlapped += 1;
            break;
        }
    }
    assert_eq!(overlapped, 1, "the two builds never overlapped in 3 rounds");
}

#[test]
fn a_held_lock_turns_a_build_away_and_keeps_the_output() {
    let site = copy_site(&fixture("minimal"));
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = snapshot_dir(&out);
    let lock = std::fs::File::options()
        .write(true)
        .open(site.path().join(".public.brief-lock"))
        .unwrap();
    lock.lock().unwrap();
    // Something to build, so the build does not stop early as up to date.
    let first = site.path().join("content/first.md");
    let mut text = std::fs::read_to_string(&first).unwrap();
    text.push_str("\nEdited while locked.\n");
    std::fs::write(&first, text).unwrap();
    let o = brief(site.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another brief build is writing"),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(&out), before);
    lock.unlock().unwrap();
    build_ok(site.path(), &out);
}
