//! The loaded site: configuration, templates, static files and every
//! briefing, with the indexes rendering needs (tags, related briefings,
//! links, what lists show of each briefing). A [`Site`] is read-only once
//! loaded; [`crate::plan`] lists what it builds into, [`crate::render`]
//! renders each of those files from it.

mod files;
mod langs;

pub use files::{BUILTIN_STATIC, STATIC_DIR, output_path};
pub use langs::{Edition, Lang, Page};

use crate::briefing::Briefing;
use crate::cache::DiskCache;
use crate::config::Config;
use crate::content::{self, CONTENT_DIR};
use crate::diagnostics::{Problems, SourceError};
use crate::links::LinkIndex;
use crate::output::Contents;
use crate::taxonomy::Tags;
use crate::templates::{FunctionData, Templates};
use crate::views::{Summary, TagValues};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Which briefings to build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Include briefings marked `draft = true`.
    pub drafts: bool,
    /// Include briefings under embargo (dated after the clock) as if live.
    pub future: bool,
    /// The build's clock, deciding which briefings are live; now when `None`.
    pub clock: Option<jiff::Timestamp>,
}

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Drafts and future briefings.
    pub selection: Selection,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Make PDFs only when they are asked for (`brief serve`).
    pub pdf_on_request: bool,
}

/// A loaded site, ready to plan and render.
#[derive(Debug)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// `site.toml`.
    pub config: Config,
    /// Briefings, newest first (then by path, so the order is stable).
    pub briefings: Vec<Briefing>,
    /// Problems that do not stop the build, found loading the site.
    pub warnings: Vec<SourceError>,
    /// Files from `static/` and the built-in defaults, by output path.
    pub statics: BTreeMap<String, Contents>,
    /// Each static file's path with a query string that changes with its
    /// contents (`style.css?v=1a2b3c4d`), for templates' `assets`.
    asset_urls: BTreeMap<String, String>,
    /// The pixel size of every image the site copies, by output path, so
    /// pages can reserve an image's space before it loads.
    pub images: HashMap<String, (u32, u32)>,
    /// Drafts left out because `--drafts` was not given.
    pub drafts_skipped: usize,
    /// Future-dated briefings left out because `--future` was not given.
    pub future_skipped: usize,
    /// The briefings under embargo (left out), soonest first.
    pub embargoed: Vec<Embargoed>,
    /// The build's clock: briefings dated after it are never searchable,
    /// even when `--future` shows them.
    pub now: jiff::Timestamp,
    /// Every tag, with the briefings that carry it.
    pub tags: Tags,
    /// The related briefings of each briefing, by index.
    pub related: Vec<Vec<usize>>,
    /// Where each briefing goes, for `@/` links.
    pub links: LinkIndex,
    /// What lists show of each briefing, as template values, by index.
    pub summaries: Vec<tera::Value>,
    /// Every briefing's index, in order: the home page's list.
    all: Vec<usize>,
    /// Whether links may point at ids of each briefing's page (see
    /// [`crate::briefing::AnchorHints`]), by index.
    targets: Vec<bool>,
    /// The compiled templates, with the site's values published to them.
    pub templates: Templates,
    /// What makes the PDF editions, when `pdf = true`.
    pub pdf: Option<std::sync::Arc<crate::pdf::Engine>>,
    /// Formatted citations kept between builds (`.brief-cache/cite/`),
    /// opened only when templates show them.
    pub cite_cache: DiskCache,
    /// The last search index made (`.brief-cache/search/`), opened only
    /// with `search = true`.
    pub search_cache: DiskCache,
    /// The site's languages, the default first (one on most sites).
    pub langs: Vec<Lang>,
    /// Every language's interface strings.
    pub strings: crate::i18n::Strings,
    /// The editions of each briefing in every language (see
    /// [`Site::editions`]); empty on a one-language site.
    editions: Vec<Vec<usize>>,
}

/// A briefing left out because the clock has not reached its `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embargoed {
    /// Its path inside `content/`.
    pub rel: String,
    /// The file, as shown in messages.
    pub file: PathBuf,
    /// Its headline.
    pub title: String,
    /// When it goes live.
    pub at: jiff::Timestamp,
}

/// Related briefings shown under each briefing.
pub(crate) const RELATED: usize = 3;

impl Site {
    /// Reads config, templates, static files and every briefing. Briefings
    /// that cannot be read or parsed are left out and their problems
    /// returned beside the site, so the rest can still be rendered and
    /// checked and one run reports everything; problems that leave nothing
    /// to render (config, templates) are the error.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<(Site, Problems), Problems> {
        let mut config = Config::load(root).map_err(|e| problems(&e))?;
        if let Some(url) = &options.base_url {
            config.base_url = url.clone();
            config
                .validate_base_url()
                .map_err(|m| Problems::from(SourceError::new("", format!("--base-url: {m}"))))?;
        }
        // Templates, static files and briefings are each read even when
        // another fails, so one run reports the problems of all of them.
        let templates = Templates::load(root);
        let discovered =
            content::discover(root, &root.join(CONTENT_DIR)).map_err(|e| problems(&e))?;
        let mut warnings = discovered.warnings;
        let statics = files::load_statics(root, &mut warnings);
        let (mut briefings, mut failed, unreadable) =
            load_briefings(root, &discovered.files, &config);
        failed.0.extend(langs::link(&mut briefings).0);
        let pdf = config
            .pdf
            .then(|| {
                crate::pdf::Engine::load(root).map(|mut engine| {
                    if options.pdf_on_request {
                        engine.set_on_request();
                    }
                    std::sync::Arc::new(engine)
                })
            })
            .transpose();
        let (templates, statics, pdf) = match (templates, statics, pdf) {
            (Ok(templates), Ok(statics), Ok(pdf)) => (templates, statics, pdf),
            (templates, statics, pdf) => {
                let mut all = Problems::default();
                for e in [templates.err(), statics.err()].into_iter().flatten() {
                    all.add(&e);
                }
                all.0.extend(pdf.err());
                all.0.extend(failed.0);
                return Err(all);
            }
        };
        let asset_urls = files::asset_urls(&statics).map_err(|e| problems(&e))?;
        let (mut briefings, drafts_skipped, embargoed) = select(briefings, &options.selection);
        // A translation goes where its original goes: not without it.
        let kept: std::collections::HashSet<String> = briefings
            .iter()
            .filter(|b| b.translation.is_none())
            .map(|b| b.rel.clone())
            .collect();
        briefings.retain(|b| {
            b.translation
                .as_ref()
                .is_none_or(|t| kept.contains(&t.original))
        });
        let future_skipped = embargoed.len();
        let search = config.search;
        let mut site = Site {
            root: root.to_path_buf(),
            langs: Lang::all(&config),
            strings: crate::i18n::Strings::of(&config),
            editions: Vec::new(),
            config,
            briefings: Vec::new(),
            warnings,
            statics,
            asset_urls,
            images: HashMap::new(),
            drafts_skipped,
            future_skipped,
            embargoed,
            now: crate::clock::now_or(options.selection.clock),
            tags: Tags::default(),
            related: Vec::new(),
            links: LinkIndex::default(),
            summaries: Vec::new(),
            all: Vec::new(),
            targets: Vec::new(),
            cite_cache: if templates.reads().cite {
                DiskCache::open(root, "cite")
            } else {
                DiskCache::default()
            },
            search_cache: if search {
                DiskCache::open(root, "search")
            } else {
                DiskCache::default()
            },
            templates,
            pdf,
        };
        let english: Vec<&str> = crate::i18n::EN[crate::i18n::EN.len() - 12..]
            .iter()
            .map(|(_, v)| *v)
            .collect();
        for l in &mut site.langs {
            l.localize = site
                .strings
                .months(&l.code)
                .is_some_and(|m| m[..] != english[..]);
        }
        site.links.unreadable = unreadable;
        site.links.embargoed = site
            .embargoed
            .iter()
            .map(|e| {
                (
                    e.rel.clone(),
                    crate::clock::long(e.at, &site.config.timezone),
                )
            })
            .collect();
        site.index(newest_first(briefings), None);
        Ok((site, failed))
    }

    /// Puts `briefings` (sorted newest first) in place and works out every
    /// index from them. Summaries of briefings `previous` already had
    /// (the same file, loaded at the same time) are taken from it.
    fn index(&mut self, briefings: Vec<Briefing>, previous: Option<&[(u64, tera::Value)]>) {
        self.briefings = briefings;
        self.all = (0..self.briefings.len())
            .filter(|&i| self.briefings[i].lang == 0)
            .collect();
        let known: HashMap<u64, &tera::Value> = previous
            .unwrap_or_default()
            .iter()
            .map(|(serial, v)| (*serial, v))
            .collect();
        let ((links, (tags, related)), summaries) = rayon::join(
            || {
                rayon::join(
                    || {
                        let mut links = LinkIndex::new(&self.briefings, &self.links.unreadable);
                        links.embargoed = self.links.embargoed.clone();
                        links
                    },
                    || {
                        let tags = if self.all.len() == self.briefings.len() {
                            Tags::index(&self.briefings)
                        } else {
                            Tags::index_some(&self.briefings, &self.all, "", usize::MAX)
                        };
                        // Worked out only for templates that show it.
                        let related = if self.templates.reads().related {
                            tags.related_all(&self.briefings, RELATED)
                        } else {
                            vec![Vec::new(); self.briefings.len()]
                        };
                        (tags, related)
                    },
                )
            },
            || {
                let tags = TagValues::of(&self.briefings);
                self.briefings
                    .par_iter()
                    .map(|b| match known.get(&b.serial) {
                        Some(v) => (*v).clone(),
                        None => Summary::new(b, &self.langs[b.lang].config).to_value(&tags),
                    })
                    .collect()
            },
        );
        self.links = links;
        self.tags = tags;
        self.related = related;
        self.summaries = summaries;
        self.images = files::image_sizes(&self.statics, &self.briefings);
        self.targets = vec![false; self.briefings.len()];
        let mut unsure = false;
        for (i, b) in self.briefings.iter().enumerate() {
            self.targets[i] |= b.anchors.own;
            for rel in &b.anchors.others {
                match self.links.index_of(rel) {
                    Some(to) => self.targets[to] = true,
                    // Written in a way the quick look cannot follow
                    // (escapes, entities), or a link to nowhere: any page
                    // may be the target.
                    None => unsure = true,
                }
            }
        }
        if unsure {
            self.targets.iter_mut().for_each(|t| *t = true);
        }
        self.index_langs();
        self.publish();
    }

    /// Gives templates what they see of the whole site (`site`, `assets`,
    /// `briefings`, `tags`, `taxonomies`, `get_page`).
    fn publish(&mut self) {
        let site = self.site_value(0);
        let templates = &mut self.templates;
        templates.set_global_value("site", site);
        templates.set_global("lang", &self.config.language);
        templates.set_global("lang_root", "");
        templates.set_global("alternates", &Vec::<Edition>::new());
        templates.set_global("languages", &Vec::<Edition>::new());
        templates.set_global_value("translation_of", tera::Value::none());
        templates.set_global("assets", &self.asset_urls);
        templates.set_global("feeds", &!self.config.base_url.is_empty());
        // Tera values are reference-counted: `briefings`, `get_page` and
        // every list share the same summaries.
        templates.set_function_data(FunctionData {
            strings: self.strings.clone(),
            by_file: self
                .briefings
                .iter()
                .zip(&self.summaries)
                .map(|(b, s)| (b.rel.clone(), (crate::plan::paths::page(&b.url), s.clone())))
                .collect(),
        });
        templates.set_global_value("briefings", tera::Value::from(self.summaries.clone()));
        templates.set_global("tags", &self.tags.sorted());
        templates.set_global("taxonomies", &self.tags.groups(&self.config));
    }

    /// Puts `briefing` (a fresh load of a file the site holds) in place of
    /// the old version, for `serve`; false when the site has no briefing
    /// from that file. When the briefing sits where it did
    /// ([`Briefing::same_place`]) only what lists show of it is worked out
    /// again, else every index.
    pub fn replace(&mut self, mut briefing: Briefing) -> bool {
        let Some(i) = self.briefings.iter().position(|b| b.rel == briefing.rel) else {
            return false;
        };
        if !self.link_translation(&mut briefing) {
            return false;
        }
        let same = self.briefings[i].same_place(&briefing);
        // Translations take their original's URL and tags: when it moves,
        // load everything again.
        let rel = &briefing.rel;
        if !same
            && self
                .briefings
                .iter()
                .any(|b| b.translation.as_ref().is_some_and(|t| &t.original == rel))
        {
            return false;
        }
        if same {
            self.briefings[i] = briefing;
            if self.multilingual() {
                self.index_langs();
            }
            let b = &self.briefings[i];
            let summary = Summary::new(b, &self.langs[b.lang].config).to_value(&TagValues::of(&[]));
            if summary != self.summaries[i] {
                // Tags and paths are as they were: only this summary is new
                // to what templates see.
                let b = &self.briefings[i];
                self.templates.update_function_entry(
                    &b.rel,
                    crate::plan::paths::page(&b.url),
                    summary.clone(),
                );
                self.summaries[i] = summary;
                self.templates
                    .set_global_value("briefings", tera::Value::from(self.summaries.clone()));
            }
            return true;
        }
        let previous: Vec<(u64, tera::Value)> = self
            .briefings
            .iter()
            .map(|b| b.serial)
            .zip(self.summaries.iter().cloned())
            .collect();
        let mut briefings = std::mem::take(&mut self.briefings);
        briefings[i] = briefing;
        self.index(newest_first(briefings), Some(&previous));
        true
    }

    /// Links a new load of a translation to its original, as the site's
    /// load did; false when that fails (the whole site must be loaded
    /// again to report why).
    pub fn link_translation(&self, briefing: &mut Briefing) -> bool {
        let Some(t) = &briefing.translation else {
            return true;
        };
        let Some(original) = self
            .briefings
            .iter()
            .find(|b| b.translation.is_none() && b.rel == t.original)
        else {
            return false;
        };
        langs::link_one(briefing, original).is_ok()
    }

    /// What templates see as `site` on pages of language `lang`: its
    /// settings, with `dir` (`ltr` or `rtl`).
    pub fn site_value(&self, lang: usize) -> tera::Value {
        let l = &self.langs[lang];
        let value = tera::Value::from_serializable(&l.config);
        match value.into_map() {
            Some(mut map) => {
                map.insert(tera::value::Key::from("dir"), tera::Value::from(l.dir));
                tera::Value::from(map)
            }
            None => tera::Value::from_serializable(&l.config),
        }
    }

    /// The briefings of the home page's list (`None`) or a tag's.
    pub fn list_items(&self, tag: Option<&str>) -> &[usize] {
        match tag {
            None => &self.all,
            Some(slug) => self.tags.by_slug.get(slug).map_or(&[], |t| &t.pages),
        }
    }

    /// The briefings with at least one correction, in site order.
    pub fn corrected(&self) -> Vec<usize> {
        self.briefings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.corrected())
            .map(|(i, _)| i)
            .collect()
    }

    /// The briefings of language `lang` with at least one correction, in
    /// site order.
    pub fn corrected_in(&self, lang: usize) -> Vec<usize> {
        self.briefings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.lang == lang && b.corrected())
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether links may point into the page of the briefing at `i`, so
    /// its ids are needed.
    pub fn is_target(&self, i: usize) -> bool {
        self.targets.get(i).copied().unwrap_or(true)
    }

    /// Whether feeds, the sitemap, robots.txt and the 404 page are built:
    /// they need absolute URLs, so only with a `base_url`.
    pub fn feeds(&self) -> bool {
        !self.config.base_url.is_empty()
    }

    /// The size of the image `src`, as written in the briefing whose page
    /// is in `folder`, when the site copies that image.
    pub fn image_size(&self, folder: &str, src: &str) -> Option<(u32, u32)> {
        let path = files::output_path(folder, src).ok()??;
        self.images.get(&path).copied()
    }
}

/// Reads every briefing of `files` on every core: those that load, and
/// the problems of those that do not, with their paths inside `content/`.
fn load_briefings(
    root: &Path,
    files: &[content::SourceFile],
    config: &Config,
) -> (Vec<Briefing>, Problems, Vec<String>) {
    let site = std::sync::Arc::new(crate::site_fs::Root::new(root));
    let results: Vec<anyhow::Result<Briefing>> = files
        .par_iter()
        .map(|f| Briefing::load(&site, f, config))
        .collect();
    let mut failed = Problems::default();
    let mut unreadable = Vec::new();
    for (r, file) in results.iter().zip(files) {
        if let Err(e) = r {
            failed.add(e);
            unreadable.push(file.rel.clone());
        }
    }
    // In place: a second vector of every briefing would double the
    // memory they take at the moment of loading.
    let briefings = results.into_iter().filter_map(Result::ok).collect();
    (briefings, failed, unreadable)
}

/// The briefings to build: drafts left out unless asked for, and those
/// under embargo (the clock has not reached their `date`) unless
/// `--future`; with how many drafts were left out and which briefings are
/// under embargo, soonest first.
fn select(
    mut briefings: Vec<Briefing>,
    selection: &Selection,
) -> (Vec<Briefing>, usize, Vec<Embargoed>) {
    let before = briefings.len();
    if !selection.drafts {
        briefings.retain(|b| !b.front.draft);
    }
    let drafts = before - briefings.len();
    let mut embargoed = Vec::new();
    if !selection.future {
        let now = crate::clock::now_or(selection.clock);
        briefings.retain(|b| {
            let at = b.front.date.instant();
            if at <= now {
                return true;
            }
            embargoed.push(Embargoed {
                rel: b.rel.clone(),
                file: b.file.clone(),
                title: b.front.title.clone(),
                at,
            });
            false
        });
    }
    embargoed.sort_by(|a, b| (a.at, &a.rel).cmp(&(b.at, &b.rel)));
    (briefings, drafts, embargoed)
}

/// The problems of a load step's error.
fn problems(e: &anyhow::Error) -> Problems {
    let mut p = Problems::default();
    p.add(e);
    p
}

/// `briefings` sorted newest first, then by source path. A briefing is a
/// large value, so the sort orders indexes and then moves them into place.
fn newest_first(mut briefings: Vec<Briefing>) -> Vec<Briefing> {
    let mut order: Vec<usize> = (0..briefings.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (&briefings[a], &briefings[b]);
        b.front
            .date
            .instant()
            .cmp(&a.front.date.instant())
            .then_with(|| a.rel.cmp(&b.rel))
    });
    permute(&mut briefings, &order);
    briefings
}

/// Rearranges `items` in place so that position `k` holds what was at
/// `order[k]`; `order` must be a permutation of the positions.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // One pass along each cycle of the permutation: every swap puts one
    // item in its final place, so the work is linear whatever the order.
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let from = order[k];
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_share_tag_values_and_equal_what_serde_makes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/many");
        let options = LoadOptions {
            selection: Selection {
                drafts: true,
                future: true,
                clock: None,
            },
            ..LoadOptions::default()
        };
        let (site, _) = Site::load(&root, &options).unwrap();
        assert!(site.briefings.len() > 3);
        let tags = TagValues::of(&site.briefings);
        for (b, held) in site.briefings.iter().zip(&site.summaries) {
            let summary = Summary::new(b, &site.config);
            let serde = tera::Value::from_serializable(&summary);
            assert_eq!(held, &serde, "{}", b.rel);
            assert_eq!(summary.to_value(&tags), serde, "{}", b.rel);
            assert_eq!(summary.to_value(&TagValues::default()), serde, "{}", b.rel);
        }
    }

    #[test]
    fn permute_moves_every_item_where_the_order_says() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for n in [0, 1, 2, 3, 10, 257] {
            let mut order: Vec<usize> = (0..n).collect();
            // Fisher–Yates with a fixed xorshift, so failures repeat.
            for i in (1..n).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                order.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            permute(&mut items, &order);
            let want: Vec<String> = order.iter().map(|i| format!("item {i}")).collect();
            assert_eq!(items, want, "n = {n}, order {order:?}");
        }
    }
}
