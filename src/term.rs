//! How messages look on the terminal: colour only when a person is
//! watching (a terminal, and `NO_COLOR` unset), plain text otherwise.

use std::io::IsTerminal;

/// Styles for the labels of messages on standard error.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    color: bool,
}

impl Term {
    /// Colour when standard error is a terminal and `NO_COLOR` is not set
    /// (<https://no-color.org>).
    pub fn detect() -> Term {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Term {
            color: !no_color && std::io::stderr().is_terminal(),
        }
    }

    /// Plain text, whatever the output is.
    pub fn plain() -> Term {
        Term { color: false }
    }

    /// Whether progress can be drawn in place (a terminal).
    pub fn interactive(&self) -> bool {
        self.color || std::io::stderr().is_terminal()
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// `error:` in bold red.
    pub fn error(&self) -> String {
        self.paint("1;31", "error:")
    }

    /// `warning:` in bold yellow.
    pub fn warning(&self) -> String {
        self.paint("1;33", "warning:")
    }

    /// `note:` in bold cyan.
    pub fn note(&self) -> String {
        self.paint("1;36", "note:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_has_no_escape_codes() {
        let t = Term::plain();
        assert_eq!(t.error(), "error:");
        assert_eq!(t.warning(), "warning:");
        let c = Term { color: true };
        assert_eq!(c.error(), "\x1b[1;31merror:\x1b[0m");
    }
}
