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
    /// Make a typeset PDF of every briefing, beside its page.
    pub pdf: bool,
    /// The PDF's paper: `a4` or `letter`.
    pub pdf_paper: String,
    /// Make a single-file HTML edition of every briefing (styles inlined,
    /// images as `data:` URIs), for e-mail.
    pub single_file: bool,
    /// Other languages the site publishes in, by BCP 47 tag (`[languages.fr]`):
    /// each gets its pages under `fr/`. Empty for a one-language site.
    pub languages: BTreeMap<String, Language>,
    /// What a language's lists do with a briefing not translated into it:
    /// list the original with an "in English" marker, or leave it out.
    pub fallback: Fallback,
    /// Interface strings by language (`[strings.fr] key_points = "…"`),
    /// over the built-in tables (see [`crate::i18n`]).
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
    /// The folder of this language's pages (`fr/`), empty for the default
    /// language; set on the per-language copies the site makes.
    #[serde(skip)]
    pub lang_prefix: String,
    /// Build a search index and a search page (`search/index.html`), with
    /// a search form in every page's header. Off by default, so an
    /// existing site's pages stay as they were.
    pub search: bool,
}

/// One of the site's other languages, `[languages.fr]` in `site.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Language {
    /// The site's name in this language; the site's `title` when empty.
    pub title: String,
    /// The site's description in this language; the site's when empty.
    pub description: String,
    /// `rtl` or `ltr`; worked out from the language tag when empty (Arabic,
    /// Hebrew, Persian, Urdu… are right to left).
    pub dir: String,
    /// Reading speed in this language; the site's `words_per_minute` when unset.
    pub words_per_minute: Option<u32>,
}

/// See [`Config::fallback`].
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Fallback {
    /// Listed in the original language, marked as such.
    #[default]
    Show,
    /// Left out of the language's lists.
    Hide,
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
            pdf: false,
            pdf_paper: "a4".to_string(),
            single_file: false,
            languages: BTreeMap::new(),
            fallback: Fallback::Show,
            strings: BTreeMap::new(),
            lang_prefix: String::new(),
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
        if !matches!(self.pdf_paper.as_str(), "a4" | "letter") {
            return Err(at(
                "pdf_paper",
                format!(
                    "`pdf_paper` must be `a4` or `letter`, not `{}`",
                    self.pdf_paper
                ),
                "write pdf_paper = \"a4\" or pdf_paper = \"letter\"",
            ));
        }
        self.validate_languages(text)?;
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

    /// Checks `[languages]` and `[strings]`: tags, directions, no second
    /// entry for the default language, every interface string present.
    fn validate_languages(&self, text: &str) -> Result<(), SourceError> {
        let table = |name: &str| find_table(text, name).unwrap_or(0);
        for (code, lang) in &self.languages {
            let header = format!("languages.{code}");
            let at = |message: String, help: &str| {
                SourceError::new(CONFIG_FILE, message)
                    .at_offset(text, table(&header), header.len() + 2)
                    .with_help(help)
            };
            if !crate::i18n::is_language_tag(code) {
                return Err(at(
                    format!("`{code}` is not a language tag"),
                    "use a BCP 47 tag such as fr, pt-BR or ar, e.g. [languages.fr]",
                ));
            }
            if code == &self.language {
                return Err(at(
                    format!(
                        "`{code}` is the site's default language (`language`), so it cannot also be one of `[languages]`"
                    ),
                    "remove this table: the default language takes its title and description from the top of site.toml",
                ));
            }
            if !matches!(lang.dir.as_str(), "" | "ltr" | "rtl") {
                return Err(at(
                    format!(
                        "`dir` of `{code}` must be `ltr` or `rtl`, not `{}`",
                        lang.dir
                    ),
                    "write dir = \"rtl\" for a right-to-left language, or leave it out",
                ));
            }
            if lang.words_per_minute == Some(0) {
                return Err(at(
                    format!("`words_per_minute` of `{code}` must be above zero"),
                    "leave it out to use the site's reading speed",
                ));
            }
        }
        for code in self.strings.keys() {
            if code != &self.language && !self.languages.contains_key(code) {
                let header = format!("strings.{code}");
                return Err(SourceError::new(
                    CONFIG_FILE,
                    format!("`[strings.{code}]` is for a language the site does not publish in"),
                )
                .at_offset(text, table(&header), header.len() + 2)
                .with_help("declare it with [languages.CODE], or fix the tag to match `language` or one of `[languages]`"));
            }
        }
        if let Some((code, missing)) = crate::i18n::missing_strings(self).into_iter().next() {
            let header = format!("strings.{code}");
            let offset = find_table(text, &header)
                .or_else(|| find_table(text, &format!("languages.{code}")))
                .or_else(|| find_key(text, "language"))
                .unwrap_or(0);
            let list = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(SourceError::new(
                CONFIG_FILE,
                format!("the interface strings of `{code}` have no {list}"),
            )
            .at_offset(text, offset, 1)
            .with_help(format!("brief has no built-in strings for every key in `{code}`: add them under [strings.{code}], e.g. {} = \"…\"; `brief help site-toml` lists every key", missing[0])));
        }
        Ok(())
    }

    /// The languages the site publishes in: the default first, then the
    /// others in the order of their tags.
    pub fn language_codes(&self) -> Vec<&str> {
        std::iter::once(self.language.as_str())
            .chain(self.languages.keys().map(String::as_str))
            .collect()
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

/// Byte offset of a `[name]` table header, to point errors at it.
fn find_table(text: &str, name: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(inner) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']'))
            && inner.trim().replace('"', "") == name
        {
            return Some(offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    None
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
    fn languages_are_checked_where_they_are_written() {
        let fr = "title = \"x\"\n[languages.fr]\ntitle = \"Notes\"\n";
        let config = Config::parse(fr).unwrap();
        assert_eq!(config.language_codes(), ["en", "fr"]);
        assert_eq!(config.fallback, Fallback::Show);
        for (text, location, words) in [
            ("[languages.en]\n", "site.toml:1:1", "default language"),
            ("x = 1\n", "site.toml:1:1", "unknown field `x`"),
            (
                "\n[languages.\"f r\"]\n",
                "site.toml:2:1",
                "not a language tag",
            ),
            (
                "[languages.fr]\ndir = \"up\"\n",
                "site.toml:1:1",
                "`ltr` or `rtl`",
            ),
            (
                "[languages.fr]\nwords_per_minute = 0\n",
                "site.toml:1:1",
                "above zero",
            ),
            (
                "[strings.de]\nkey_points = \"x\"\n",
                "site.toml:1:1",
                "does not publish in",
            ),
            (
                "fallback = \"maybe\"\n",
                "site.toml:1:12",
                "unknown variant",
            ),
            ("[languages.ar]\n", "site.toml:1:1", "have no `actors`"),
        ] {
            let err = Config::parse(text).unwrap_err();
            let err = err.downcast::<SourceError>().unwrap();
            assert_eq!(err.location(), location, "{text}: {}", err.message);
            assert!(err.message.contains(words), "{text}: {}", err.message);
        }
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let mut c = Config::default();
        assert_eq!(c.base_url_slash(), "");
        c.base_url = "https://e.org/b//".into();
        assert_eq!(c.base_url_slash(), "https://e.org/b/");
    }
}
