//! The one place messages reach the person at the terminal: every
//! command (build, check, serve) prints its errors, warnings and notes
//! through a [`Reporter`], so they look the same everywhere, are coloured
//! only on a terminal (see [`Term`]), and are counted as they are listed.

use crate::diagnostics::{SourceError, flatten};
use crate::term::Term;

/// Prints messages to standard error.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    term: Term,
    quiet: bool,
}

impl Reporter {
    /// A reporter with `term`'s styles; `quiet` leaves warnings out.
    pub fn new(term: Term, quiet: bool) -> Reporter {
        Reporter { term, quiet }
    }

    /// Prints every problem `error` holds, each with its own `error:`
    /// label, and returns how many it printed.
    pub fn errors(&self, error: &anyhow::Error) -> usize {
        let all = flatten(error);
        for e in &all {
            self.error(e);
        }
        all.len()
    }

    /// Prints one error.
    pub fn error(&self, e: &SourceError) {
        eprintln!("{} {e}\n", self.term.error());
    }

    /// Prints warnings, unless quiet.
    pub fn warnings(&self, warnings: &[SourceError]) {
        if self.quiet {
            return;
        }
        for w in warnings {
            eprintln!("{} {w}\n", self.term.warning());
        }
    }

    /// Prints a note (a line of advice that is neither error nor warning).
    pub fn note(&self, text: &str) {
        eprintln!("{} {text}", self.term.note());
    }
}

/// `n` and `word`, plural when `n` is not 1: `1 briefing`, `2 pages`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_adds_s_except_for_one() {
        assert_eq!(plural(0, "page"), "0 pages");
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(2, "error"), "2 errors");
    }
}
