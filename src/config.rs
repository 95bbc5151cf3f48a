//! The site configuration, `site.toml` in the site root.

use crate::diagnostics::SourceError;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The name of the config file in the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// Site-wide settings. Every field has a default, so an empty or missing
/// `site.toml` builds; a misspelt field is an error rather than silence.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in every page header and in titles.
    pub title: String,
    /// One sentence about the site, for the home page's meta description.
    pub description: String,
    /// The BCP 47 language tag of the content (`lang` attribute), e.g. `en`.
    pub language: String,
    /// Absolute URL the site is published at, e.g. `https://example.org/briefings/`.
    /// Empty (the default) keeps every URL relative, so the output works from
    /// disk and from any sub-path. When set, canonical links, Open Graph URLs
    /// and JSON-LD use it; links between pages stay relative.
    pub base_url: String,
    /// Authors used for briefings whose front matter names none.
    pub authors: Vec<String>,
    /// Reading speed for the reading-time estimate.
    pub words_per_minute: u32,
    /// Briefings per page of the home page list.
    pub paginate: usize,
    /// Groups of tags shown together on the tags page, e.g.
    /// `countries = ["Mali", "Liberia"]`. Tags in no group are listed as topics.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The site's share image (a path in `static/`), used for briefings without one.
    pub image: String,
    /// Pass raw HTML in Markdown through to the page (authors are trusted).
    /// `false` escapes it, so it shows as text.
    pub raw_html: bool,
    /// The IANA time zone times are shown in (`Europe/Paris`): a
    /// briefing's publication time, and `brief check`'s list of what goes
    /// live next. `UTC` by default.
    pub timezone: String,
    /// Build a search index and a search page (`search/index.html`), with
    /// a search form in every page's header. Off by default, so an
    /// existing site's pages stay as they were.
    pub search: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Briefings".to_string(),
            description: String::new(),
            language: "en".to_string(),
            base_url: String::new(),
            authors: Vec::new(),
            words_per_minute: 230,
            paginate: 10,
            taxonomies: BTreeMap::new(),
            image: String::new(),
            raw_html: true,
            timezone: "UTC".to_string(),
            search: false,
        }
    }
}

impl Config {
    /// Reads `site.toml` from `root`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let read = crate::site_fs::read(
            root,
            Path::new(CONFIG_FILE),
            crate::content::MAX_FILE_BYTES,
            0,
        );
        let text = match read {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                SourceError::new(CONFIG_FILE, "the file is not valid UTF-8")
                    .at_offset(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                        1,
                    )
                    .with_help("save the file as UTF-8")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
            }
        };
        Config::parse(&text)
    }

    /// Parses the text of `site.toml` and checks the values.
    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = crate::frontmatter::from_toml(Path::new(CONFIG_FILE), text, text, 0)?;
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), SourceError> {
        let at = |field: &str, message: String, help: &str| {
            let offset = find_key(text, field).unwrap_or(0);
            SourceError::new(CONFIG_FILE, message)
                .at_offset(text, offset, field.len())
                .with_help(help)
        };
        if let Err(m) = self.validate_base_url() {
            return Err(at(
                "base_url",
                format!("`base_url` {m}"),
                "write e.g. base_url = \"https://example.org/briefings/\", or remove it to keep every URL relative",
            ));
        }
        if self.language.trim().is_empty()
            || !self
                .language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(at(
                "language",
                format!(
                    "`language` must be a language tag like `en` or `fr-FR`, not `{}`",
                    self.language
                ),
                "use a BCP 47 tag such as en, en-GB, fr",
            ));
        }
        if self.paginate == 0 {
            return Err(at(
                "paginate",
                "`paginate` must be above zero".to_string(),
                "it is the number of briefings per page of the home page, e.g. 10",
            ));
        }
        if let Err(m) = crate::clock::zone(&self.timezone) {
            return Err(at(
                "timezone",
                m,
                "write e.g. timezone = \"Europe/Paris\"; the names are those of the IANA time zone database",
            ));
        }
        if self.words_per_minute == 0 {
            return Err(at(
                "words_per_minute",
                "`words_per_minute` must be above zero".to_string(),
                "230 is a typical adult reading speed",
            ));
        }
        Ok(())
    }

    /// Checks `base_url` alone (for a value given on the command line).
    pub fn validate_base_url(&self) -> Result<(), String> {
        let url = &self.base_url;
        if url.is_empty() {
            return Ok(());
        }
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        else {
            return Err(format!("must be an absolute http(s) URL, not `{url}`"));
        };
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty() || host.contains('@') {
            return Err(format!(
                "must name a host after `://` (and no user name), not `{url}`"
            ));
        }
        // Every absolute URL of the site is this prefix and a path: a query
        // or fragment here would end up in the middle of each of them.
        if let Some(c) = url.chars().find(|c| {
            matches!(c, '?' | '#' | '"' | '<' | '>' | '\\' | '`')
                || c.is_whitespace()
                || c.is_control()
        }) {
            return Err(format!(
                "must be a plain address without a query, fragment, spaces or `{c}`, not `{url}`"
            ));
        }
        Ok(())
    }

    /// `base_url` with exactly one trailing slash, or empty.
    pub fn base_url_slash(&self) -> String {
        if self.base_url.is_empty() {
            String::new()
        } else {
            format!("{}/", self.base_url.trim_end_matches('/'))
        }
    }
}

/// Byte offset of a top-level `key =` line, to point errors at it.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_gives_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn errors_on_unknown_field_with_location() {
        let err = Config::parse("title = \"x\"\ntitel = \"y\"\n").unwrap_err();
        let err = err.downcast::<SourceError>().unwrap();
        assert_eq!(err.location(), "site.toml:2:1");
        assert!(
            err.message.contains("unknown field `titel`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn errors_on_relative_base_url() {
        let err = Config::parse("base_url = \"example.org\"\n").unwrap_err();
        let err = err.downcast::<SourceError>().unwrap();
        assert_eq!(err.location(), "site.toml:1:1");
        assert!(err.message.contains("absolute"));
    }

    #[test]
    fn base_url_is_a_plain_address() {
        for bad in [
            "https://e.org/?utm=1",
            "https://e.org/#top",
            "https://e.org/a b/",
            "https://",
            "https:///path",
            "https://user@e.org/",
            "https://e.org/\"onload=\"x",
        ] {
            let c = Config {
                base_url: bad.into(),
                ..Config::default()
            };
            assert!(c.validate_base_url().is_err(), "{bad}");
        }
        for good in ["", "https://e.org", "http://localhost:8000/briefings/"] {
            let c = Config {
                base_url: good.into(),
                ..Config::default()
            };
            assert!(c.validate_base_url().is_ok(), "{good}");
        }
    }

    #[test]
    fn timezone_is_an_iana_name() {
        assert_eq!(
            Config::parse("timezone = \"Africa/Bamako\"\n")
                .unwrap()
                .timezone,
            "Africa/Bamako"
        );
        let err = Config::parse("title = \"x\"\ntimezone = \"CET+1\"\n").unwrap_err();
        let err = err.downcast::<SourceError>().unwrap();
        assert_eq!(err.location(), "site.toml:2:1");
        assert!(err.message.contains("not a time zone"), "{}", err.message);
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let mut c = Config::default();
        assert_eq!(c.base_url_slash(), "");
        c.base_url = "https://e.org/b//".into();
        assert_eq!(c.base_url_slash(), "https://e.org/b/");
    }
}
