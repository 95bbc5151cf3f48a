//! A site in several languages: translations linked to their originals,
//! each language's lists and tags, and which editions of a page exist.

use super::Site;
use crate::briefing::Briefing;
use crate::config::{Config, Fallback};
use crate::diagnostics::{Problems, SourceError};
use crate::plan::paths;
use crate::taxonomy::Tags;
use crate::views::{Summary, TagValues};
use serde::Serialize;
use std::collections::HashMap;

/// One of the site's languages as the build uses it.
#[derive(Debug, Clone)]
pub struct Lang {
    /// Its tag: `fr`.
    pub code: String,
    /// The site's settings as its pages see them (`site` in templates):
    /// its title, description, language, reading speed and folder.
    pub config: Config,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// Its home list: its briefings and, with `fallback = "show"`, the
    /// originals not translated into it, newest first. Empty for the
    /// default language, whose list is the site's.
    pub items: Vec<usize>,
    /// Its tags, over `items`. Empty for the default language.
    pub tags: Tags,
    /// What its lists show of the originals they list untranslated.
    pub fallbacks: HashMap<usize, tera::Value>,
    /// What its pages see in place of the site-wide values (`site`,
    /// `tags`, `taxonomies`); empty for the default language.
    pub values: Vec<(&'static str, tera::Value)>,
    /// Whether its month names are not the English ones, so the dates a
    /// briefing's view spells out are put in them.
    pub localize: bool,
}

impl Lang {
    /// Every language of `config`, the default first.
    pub fn all(config: &Config) -> Vec<Lang> {
        config
            .language_codes()
            .into_iter()
            .enumerate()
            .map(|(k, code)| {
                let mut c = config.clone();
                let mut dir = crate::i18n::is_rtl(code);
                if k > 0 {
                    let lang = &config.languages[code];
                    if !lang.title.is_empty() {
                        c.title = lang.title.clone();
                    }
                    if !lang.description.is_empty() {
                        c.description = lang.description.clone();
                    }
                    if let Some(wpm) = lang.words_per_minute {
                        c.words_per_minute = wpm;
                    }
                    match lang.dir.as_str() {
                        "rtl" => dir = true,
                        "ltr" => dir = false,
                        _ => {}
                    }
                    c.language = code.to_string();
                    c.lang_prefix = format!("{code}/");
                }
                Lang {
                    code: code.to_string(),
                    config: c,
                    dir: if dir { "rtl" } else { "ltr" },
                    items: Vec::new(),
                    tags: Tags::default(),
                    fallbacks: HashMap::new(),
                    values: Vec::new(),
                    localize: false,
                }
            })
            .collect()
    }
}

/// One edition of a page, as templates see it in `alternates` and
/// `languages`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Edition {
    /// Its language tag, or `x-default`.
    pub lang: String,
    /// The language's name in that language ("Français").
    pub name: String,
    /// Its page relative to the site root.
    pub path: String,
    /// Its address for `hreflang` links: absolute with a `base_url`, else
    /// relative to the site root.
    pub href: String,
    /// Whether it is the page being rendered.
    pub current: bool,
    /// Whether this language has the page itself (else the switch goes to
    /// the language's home page).
    pub exists: bool,
}

/// What a page is, to find its editions in other languages.
#[derive(Debug, Clone, Copy)]
pub enum Page<'a> {
    /// A briefing's page.
    Briefing(usize),
    /// Page `n` of the home list (`None`) or a tag's.
    List(Option<&'a str>, usize),
    /// The tags overview.
    TagsIndex,
    /// The corrections page.
    Corrections,
    /// The search page (with `search = true`, every language has one).
    Search,
    /// The archive of every briefing by month (with `search = true`).
    Archive,
    /// A page that exists in the default language only.
    Only,
}

/// Links translations to their originals: the URL under the language's
/// folder (the original's, unless the translation sets `slug` or `path`),
/// the original's tags (with the translation's names, one for one), bundle
/// files, and source, sources, documents, image and authors where the
/// translation gives none. A translation without its original, or with another
/// date or other tags, is left out with its problem.
pub fn link(briefings: &mut Vec<Briefing>) -> Problems {
    let originals: HashMap<String, usize> = briefings
        .iter()
        .enumerate()
        .filter(|(_, b)| b.translation.is_none())
        .map(|(i, b)| (b.rel.clone(), i))
        .collect();
    let mut problems = Problems::default();
    let mut drop = vec![false; briefings.len()];
    for i in 0..briefings.len() {
        let Some(t) = &briefings[i].translation else {
            continue;
        };
        let result = match originals.get(&t.original) {
            Some(&o) => {
                let original = briefings[o].clone();
                link_one(&mut briefings[i], &original)
            }
            None => Err(missing_original(&briefings[i])),
        };
        if let Err(e) = result {
            problems.0.push(e);
            drop[i] = true;
        }
    }
    let mut k = 0;
    briefings.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    problems
}

/// The error for a translation whose original is not in `content/`.
fn missing_original(b: &Briefing) -> SourceError {
    let original = b.translation.as_ref().map_or("", |t| t.original.as_str());
    SourceError::new(
        &b.file,
        format!("this translation has no original: `content/{original}` does not exist"),
    )
    .with_help("a translation is named after its original with the language before `.md` (`mali.fr.md` translates `mali.md`): rename it, or add the original")
}

/// Links one translation to its original (see [`link`]).
pub fn link_one(b: &mut Briefing, original: &Briefing) -> Result<(), SourceError> {
    let Some(t) = &b.translation else {
        return Ok(());
    };
    if b.front.date != original.front.date {
        let text = b.text()?;
        let message = format!(
            "a translation has its original's date: `{}` says `{}`, this says `{}`",
            original.file.display(),
            original.front.date.machine(),
            b.front.date.machine()
        );
        let help =
            "write the original's date; a translation that came later says so with `updated`";
        return Err(match key_line(&text.text, "date") {
            Some(line) => SourceError::new(&b.file, message).at_line(&text.text, line, Some(1)),
            None => SourceError::new(&b.file, message),
        }
        .with_help(help));
    }
    if !b.front.tags.is_empty() && b.front.tags.len() != original.tags.len() {
        let text = b.text()?;
        let message = format!(
            "a translation names its original's {} tags, in the same order, in its language; this names {}",
            original.tags.len(),
            b.front.tags.len()
        );
        let e = SourceError::new(&b.file, message);
        return Err(match key_line(&text.text, "tags") {
            Some(line) => e.at_line(&text.text, line, Some(1)),
            None => e,
        }
        .with_help(format!(
            "the tags of `{}` are {}; leave `tags` out to use them as they are",
            original.file.display(),
            original
                .tags
                .iter()
                .map(|(n, _)| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let url = t.own_url.clone().unwrap_or_else(|| original.url.clone());
    b.url = format!("{}/{url}", t.code);
    if b.front.tags.is_empty() {
        // For what names the tags as written (JSON-LD keywords, feeds).
        b.front.tags = original.front.tags.clone();
    }
    b.tags = if b.front.tags.is_empty() {
        original.tags.clone()
    } else {
        b.front
            .tags
            .iter()
            .zip(&original.tags)
            .map(|(name, (_, slug))| (name.clone(), slug.clone()))
            .collect()
    };
    b.assets = original.assets.clone();
    // What names rather than says (the source, the documents, the image,
    // the authors) is the original's unless the translation gives its own.
    let (mine, theirs) = (&mut b.front, &original.front);
    if mine.source.is_none() {
        mine.source = theirs.source.clone();
    }
    if mine.sources.is_empty() {
        mine.sources = theirs.sources.clone();
    }
    if mine.documents.is_empty() {
        mine.documents = theirs.documents.clone();
    }
    if mine.image.is_none() {
        mine.image = theirs.image.clone();
    }
    if mine.authors.is_empty() {
        mine.authors = theirs.authors.clone();
    }
    Ok(())
}

/// The 1-based line of the front matter's `key =` line in `text`.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|n| n + 1)
}

impl Site {
    /// Whether the site publishes in more than one language.
    pub fn multilingual(&self) -> bool {
        self.langs.len() > 1
    }

    /// Works out each other language's lists, tags, related briefings and
    /// the editions of every briefing (after the default language's).
    pub(super) fn index_langs(&mut self) {
        self.editions = Vec::new();
        if !self.multilingual() {
            return;
        }
        let n = self.briefings.len();
        let mut group: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, b) in self.briefings.iter().enumerate() {
            let key = b
                .translation
                .as_ref()
                .map_or(b.rel.as_str(), |t| &t.original);
            group.entry(key).or_default().push(i);
        }
        let mut editions = vec![Vec::new(); n];
        for members in group.values() {
            let mut sorted = members.clone();
            sorted.sort_by_key(|&i| self.briefings[i].lang);
            for &i in members {
                editions[i] = sorted.clone();
            }
        }
        let hide = self.config.fallback == Fallback::Hide;
        for k in 1..self.langs.len() {
            let items: Vec<usize> = (0..n)
                .filter(|&i| {
                    let b = &self.briefings[i];
                    b.lang == k
                        || (!hide
                            && b.lang == 0
                            && !editions[i].iter().any(|&j| self.briefings[j].lang == k))
                })
                .collect();
            let prefix = self.langs[k].config.lang_prefix.clone();
            let tags = Tags::index_some(&self.briefings, &items, &prefix, k);
            if self.templates.reads().related {
                let related = tags.related_all(&self.briefings, super::RELATED);
                for (i, r) in related.into_iter().enumerate() {
                    if self.briefings[i].lang == k {
                        self.related[i] = r;
                    }
                }
            }
            let config = &self.langs[k].config;
            let values = TagValues::default();
            let fallbacks = items
                .iter()
                .filter(|&&i| self.briefings[i].lang != k)
                .map(|&i| {
                    let b = &self.briefings[i];
                    let mut summary = Summary::new(b, config);
                    summary.lang = &self.config.language;
                    (i, summary.to_value(&values))
                })
                .collect();
            let values = vec![
                ("site", self.site_value(k)),
                ("tags", tera::Value::from_serializable(&tags.sorted())),
                (
                    "taxonomies",
                    tera::Value::from_serializable(&tags.groups(&self.config)),
                ),
            ];
            let lang = &mut self.langs[k];
            lang.values = values;
            lang.items = items;
            lang.tags = tags;
            lang.fallbacks = fallbacks;
        }
        self.editions = editions;
    }

    /// The briefings of language `lang`'s home list (`None`) or a tag's.
    pub fn lang_items(&self, lang: usize, tag: Option<&str>) -> &[usize] {
        if lang == 0 {
            return self.list_items(tag);
        }
        let l = &self.langs[lang];
        match tag {
            None => &l.items,
            Some(slug) => l.tags.by_slug.get(slug).map_or(&[], |t| &t.pages),
        }
    }

    /// The tags of language `lang`.
    pub fn lang_tags(&self, lang: usize) -> &Tags {
        if lang == 0 {
            &self.tags
        } else {
            &self.langs[lang].tags
        }
    }

    /// What lists of language `lang` show of briefing `i`.
    pub fn summary_in(&self, lang: usize, i: usize) -> tera::Value {
        match self.langs.get(lang).and_then(|l| l.fallbacks.get(&i)) {
            Some(v) => v.clone(),
            None => self.summaries[i].clone(),
        }
    }

    /// The editions of briefing `i` in every language, itself included,
    /// the default language's first; empty on a one-language site.
    pub fn editions(&self, i: usize) -> &[usize] {
        self.editions.get(i).map_or(&[], Vec::as_slice)
    }

    /// How many pages a list of `count` briefings has.
    fn pages_of(&self, count: usize) -> usize {
        count.div_ceil(self.config.paginate.max(1)).max(1)
    }

    /// The folder (relative to the root) of `page` in language `lang`,
    /// when that language has it.
    fn folder_in(&self, lang: usize, page: Page<'_>) -> Option<String> {
        let prefix = &self.langs[lang].config.lang_prefix;
        match page {
            Page::Briefing(i) => self
                .editions(i)
                .iter()
                .find(|&&j| self.briefings[j].lang == lang)
                .map(|&j| self.briefings[j].url.clone()),
            Page::List(tag, n) => {
                let count = match tag {
                    None => self.lang_items(lang, None).len(),
                    Some(slug) => self.lang_tags(lang).by_slug.get(slug)?.pages.len(),
                };
                let base = match tag {
                    None => prefix.clone(),
                    Some(slug) => format!("{prefix}{}", paths::tag(slug)),
                };
                (n <= self.pages_of(count)).then(|| paths::list_page(&base, n))
            }
            Page::TagsIndex => {
                (!self.lang_tags(lang).by_slug.is_empty()).then(|| format!("{prefix}tags/"))
            }
            Page::Corrections => (!self.corrected_in(lang).is_empty())
                .then(|| format!("{prefix}{}", paths::CORRECTIONS)),
            Page::Search => self.config.search.then(|| paths::search(prefix)),
            Page::Archive => self.config.search.then(|| paths::archive(prefix)),
            Page::Only => (lang == 0).then(String::new),
        }
    }

    /// The editions of `page` (in language `lang`) in every language, for
    /// the language switch: each language's edition, or its home page
    /// when it has none. Empty on a one-language site.
    pub fn switch(&self, lang: usize, page: Page<'_>, root: &str) -> Vec<Edition> {
        if !self.multilingual() {
            return Vec::new();
        }
        (0..self.langs.len())
            .map(|k| {
                let (folder, exists) = match self.folder_in(k, page) {
                    Some(f) => (f, true),
                    None => (self.langs[k].config.lang_prefix.clone(), false),
                };
                self.edition(k, &self.langs[k].code, &folder, root, (k == lang, exists))
            })
            .collect()
    }

    /// The `hreflang` alternates of `page`: every language that has it,
    /// and `x-default` (the default language's), when at least two do.
    pub fn alternates(&self, page: Page<'_>, root: &str) -> Vec<Edition> {
        if !self.multilingual() {
            return Vec::new();
        }
        let mut out: Vec<Edition> = (0..self.langs.len())
            .filter_map(|k| {
                let folder = self.folder_in(k, page)?;
                Some(self.edition(k, &self.langs[k].code, &folder, root, (false, true)))
            })
            .collect();
        if out.len() < 2 {
            return Vec::new();
        }
        if let Some(folder) = self.folder_in(0, page) {
            out.push(self.edition(0, "x-default", &folder, root, (false, true)));
        }
        out
    }

    /// Language `k`'s edition in `folder`, as `tag`, linked from a page
    /// whose way to the root is `root`; `(current, exists)`.
    fn edition(
        &self,
        k: usize,
        tag: &str,
        folder: &str,
        root: &str,
        (current, exists): (bool, bool),
    ) -> Edition {
        let base = self.config.base_url_slash();
        Edition {
            lang: tag.to_string(),
            name: self
                .strings
                .get(&self.langs[k].code, "language_name")
                .unwrap_or(&self.langs[k].code)
                .to_string(),
            path: paths::page(folder),
            href: if base.is_empty() {
                format!("{root}{}", paths::page(folder))
            } else {
                format!("{base}{folder}")
            },
            current,
            exists,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_a_key() {
        let text = "+++\ntitle = \"x\"\ndate = 2012-01-01\n+++\n";
        assert_eq!(key_line(text, "date"), Some(3));
        assert_eq!(key_line(text, "tags"), None);
    }
}
