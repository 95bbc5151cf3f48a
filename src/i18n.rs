//! Languages and interface strings: the built-in string tables (English
//! and French), the site's own from `[strings.xx]` in `site.toml`, month
//! names for dates, and which languages are written right to left.
//!
//! Templates reach the strings through `t(key="key_points")`; the page's
//! language is `lang` in the template context.

use crate::config::Config;
use std::collections::{BTreeSet, HashMap};

/// The English interface strings. `{name}` is filled in from the arguments
/// of `t()`; a key with `_one` and `_other` forms is chosen by `count`.
pub const EN: &[(&str, &str)] = &[
    ("language_name", "English"),
    ("languages", "Languages"),
    ("in_en", "in English"),
    ("in_fr", "in French"),
    ("in_ar", "in Arabic"),
    ("in_pt", "in Portuguese"),
    ("translated_from", "Translated from the original briefing"),
    ("skip_link", "Skip to main content"),
    ("site_nav", "Site"),
    ("topics", "Topics"),
    ("topics_label", "Topics: "),
    ("other_topics", "Other topics"),
    ("feed", "Feed"),
    ("site_search", "Site search"),
    ("search_label", "Search the briefings"),
    ("search_button", "Search"),
    ("all_topics", "All topics"),
    ("every_topic", "Every topic covered by {site}."),
    ("no_briefings", "No briefings yet."),
    ("page_of", "page {number} of {total}"),
    ("page_number", "page {number}"),
    ("pagination", "More briefings"),
    ("newer", "← Newer"),
    ("older", "Older →"),
    ("page_of_long", "Page {number} of {total}"),
    ("briefing_count_one", "{count} briefing"),
    ("briefing_count_other", "{count} briefings"),
    (
        "tag_description_one",
        "{count} briefing tagged {tag}, newest first.",
    ),
    (
        "tag_description_other",
        "{count} briefings tagged {tag}, newest first.",
    ),
    ("draft", "Draft"),
    ("min_read", "min read"),
    ("by", "By"),
    ("and", "and"),
    ("updated", "updated"),
    ("based_on", "Based on reporting by"),
    ("key_points", "Key points"),
    ("contents_label", "Contents of this briefing"),
    ("in_this_briefing", "In this briefing"),
    ("at_a_glance", "At a glance:"),
    ("key_facts", "Key facts"),
    ("actors", "Who’s who"),
    ("timeline", "Timeline"),
    ("actors_and_timeline", "Who’s who and timeline"),
    ("section_link", "Link to this section: {title}"),
    ("documents", "Documents"),
    ("updates", "Updates"),
    ("correction", "Correction"),
    ("corrections", "Corrections"),
    ("correction_label", "Correction:"),
    ("every_correction", "Every correction on {site}"),
    (
        "corrections_description",
        "Every correction to the briefings of {site}, newest first.",
    ),
    (
        "corrections_intro",
        "When a briefing gets something wrong, it is corrected and the correction is noted on the briefing and listed here, newest first.",
    ),
    ("sources", "Sources"),
    ("original_article", "original article"),
    ("cite_title", "Cite this briefing"),
    ("cite_apa", "APA (7th edition)"),
    (
        "cite_chicago",
        "Chicago (18th edition, notes and bibliography)",
    ),
    ("cite_mla", "MLA (9th edition)"),
    ("download_reference", "Download the reference:"),
    ("download_pdf", "Download PDF"),
    ("pdf_online", "Online:"),
    ("single_file", "Single file"),
    ("related_title", "Related briefings"),
    ("published_with", "Published with brief."),
    ("notes", "Notes"),
    ("back_to_reference", "Back to reference {number}"),
    ("table", "Table"),
    ("not_found", "Page not found"),
    (
        "not_found_text",
        "There is no briefing at this address. It may have moved, or the link may be mistyped.",
    ),
    ("see_all", "See all briefings"),
    ("or", "or"),
    ("browse_by_topic", "browse by topic"),
    ("search_title", "Search"),
    ("search_description", "Search the briefings of {site}."),
    ("search_words", "Words to find"),
    ("search_topic", "Topic"),
    ("search_year", "Year"),
    ("all_years", "All years"),
    ("search_more", "Show more results"),
    (
        "search_note",
        "Search as you type needs JavaScript, and a web server: browsers block the search index on a page opened from disk. Every topic is listed below, and every briefing, by month, in the archive.",
    ),
    ("archive_link", "Every briefing, by month"),
    ("search_loading", "Loading the search index…"),
    (
        "search_failed",
        "The search index could not be loaded. Every topic is listed below, and every briefing in the archive.",
    ),
    (
        "search_from_disk",
        "Search does not work on a page opened from disk: browsers block the search index there. Every topic is listed below, and every briefing in the archive.",
    ),
    ("search_results_zero", "No briefings"),
    ("search_results_one", "{count} briefing"),
    ("search_results_other", "{count} briefings"),
    ("search_summary", "{results} for {term}."),
    (
        "search_summary_within",
        "{results} for {term} in {filters}.",
    ),
    ("search_term", "“{term}”"),
    ("search_everything", "everything"),
    ("archive_title", "Archive"),
    (
        "archive_description",
        "Every briefing of {site}, by month, newest first.",
    ),
    ("archive_intro", "Every briefing, by month, newest first."),
    ("weekday_1", "Monday"),
    ("weekday_2", "Tuesday"),
    ("weekday_3", "Wednesday"),
    ("weekday_4", "Thursday"),
    ("weekday_5", "Friday"),
    ("weekday_6", "Saturday"),
    ("weekday_7", "Sunday"),
    ("weekday_short_1", "Mon"),
    ("weekday_short_2", "Tue"),
    ("weekday_short_3", "Wed"),
    ("weekday_short_4", "Thu"),
    ("weekday_short_5", "Fri"),
    ("weekday_short_6", "Sat"),
    ("weekday_short_7", "Sun"),
    ("month_1", "January"),
    ("month_2", "February"),
    ("month_3", "March"),
    ("month_4", "April"),
    ("month_5", "May"),
    ("month_6", "June"),
    ("month_7", "July"),
    ("month_8", "August"),
    ("month_9", "September"),
    ("month_10", "October"),
    ("month_11", "November"),
    ("month_12", "December"),
];

/// The French interface strings (French typography: a no-break space
/// before `:` and inside « »).
pub const FR: &[(&str, &str)] = &[
    ("language_name", "Français"),
    ("languages", "Langues"),
    ("in_en", "en anglais"),
    ("in_fr", "en français"),
    ("in_ar", "en arabe"),
    ("in_pt", "en portugais"),
    ("translated_from", "Traduit de la note originale"),
    ("skip_link", "Aller au contenu principal"),
    ("site_nav", "Navigation du site"),
    ("topics", "Thèmes"),
    ("topics_label", "Thèmes\u{a0}: "),
    ("other_topics", "Autres thèmes"),
    ("feed", "Flux"),
    ("site_search", "Recherche sur le site"),
    ("search_label", "Rechercher dans les notes"),
    ("search_button", "Rechercher"),
    ("all_topics", "Tous les thèmes"),
    ("every_topic", "Tous les thèmes traités par {site}."),
    ("no_briefings", "Aucune note pour l’instant."),
    ("page_of", "page {number} sur {total}"),
    ("page_number", "page {number}"),
    ("pagination", "Autres notes"),
    ("newer", "← Plus récentes"),
    ("older", "Plus anciennes →"),
    ("page_of_long", "Page {number} sur {total}"),
    ("briefing_count_one", "{count} note"),
    ("briefing_count_other", "{count} notes"),
    (
        "tag_description_one",
        "{count} note sur le thème {tag}, la plus récente d’abord.",
    ),
    (
        "tag_description_other",
        "{count} notes sur le thème {tag}, les plus récentes d’abord.",
    ),
    ("draft", "Brouillon"),
    ("min_read", "min de lecture"),
    ("by", "Par"),
    ("and", "et"),
    ("updated", "mis à jour le"),
    ("based_on", "D’après les informations de"),
    ("key_points", "Points clés"),
    ("contents_label", "Sommaire de cette note"),
    ("in_this_briefing", "Dans cette note"),
    ("at_a_glance", "En bref\u{a0}:"),
    ("key_facts", "Faits essentiels"),
    ("actors", "Qui est qui"),
    ("timeline", "Chronologie"),
    ("actors_and_timeline", "Qui est qui et chronologie"),
    ("section_link", "Lien vers cette section\u{a0}: {title}"),
    ("documents", "Documents officiels"),
    ("updates", "Mises à jour"),
    ("correction", "Rectificatif"),
    ("corrections", "Rectificatifs"),
    ("correction_label", "Rectificatif\u{a0}:"),
    ("every_correction", "Tous les rectificatifs de {site}"),
    (
        "corrections_description",
        "Tous les rectificatifs apportés aux notes de {site}, les plus récents d’abord.",
    ),
    (
        "corrections_intro",
        "Quand une note comporte une erreur, elle est rectifiée\u{a0}; le rectificatif est signalé sur la note et recensé ici, du plus récent au plus ancien.",
    ),
    ("sources", "Sources"),
    ("original_article", "article original"),
    ("cite_title", "Citer cette note"),
    ("cite_apa", "APA (7e édition)"),
    (
        "cite_chicago",
        "Chicago (18e édition, notes et bibliographie)",
    ),
    ("cite_mla", "MLA (9e édition)"),
    ("download_reference", "Télécharger la référence\u{a0}:"),
    ("download_pdf", "Télécharger le PDF"),
    ("pdf_online", "En ligne\u{a0}:"),
    ("single_file", "Fichier unique"),
    ("related_title", "Notes connexes"),
    ("published_with", "Publié avec brief."),
    ("notes", "Notes"),
    ("back_to_reference", "Retour à l’appel de note {number}"),
    ("table", "Tableau"),
    ("not_found", "Page introuvable"),
    (
        "not_found_text",
        "Aucune note ne se trouve à cette adresse. Elle a peut-être été déplacée, ou le lien est mal saisi.",
    ),
    ("see_all", "Voir toutes les notes"),
    ("or", "ou"),
    ("browse_by_topic", "parcourir par thème"),
    ("search_title", "Recherche"),
    ("search_description", "Rechercher dans les notes de {site}."),
    ("search_words", "Mots à rechercher"),
    ("search_topic", "Thème"),
    ("search_year", "Année"),
    ("all_years", "Toutes les années"),
    ("search_more", "Afficher plus de résultats"),
    (
        "search_note",
        "La recherche instantanée nécessite JavaScript et un serveur web\u{a0}: les navigateurs bloquent l’index de recherche sur une page ouverte depuis le disque. Tous les thèmes sont listés ci-dessous, et toutes les notes, mois par mois, dans les archives.",
    ),
    ("archive_link", "Toutes les notes, mois par mois"),
    ("search_loading", "Chargement de l’index de recherche…"),
    (
        "search_failed",
        "L’index de recherche n’a pas pu être chargé. Tous les thèmes sont listés ci-dessous, et toutes les notes dans les archives.",
    ),
    (
        "search_from_disk",
        "La recherche ne fonctionne pas sur une page ouverte depuis le disque\u{a0}: les navigateurs y bloquent l’index de recherche. Tous les thèmes sont listés ci-dessous, et toutes les notes dans les archives.",
    ),
    ("search_results_zero", "Aucune note"),
    ("search_results_one", "{count}\u{a0}note"),
    ("search_results_other", "{count}\u{a0}notes"),
    ("search_summary", "{results} pour {term}."),
    (
        "search_summary_within",
        "{results} pour {term} ({filters}).",
    ),
    ("search_term", "«\u{a0}{term}\u{a0}»"),
    ("search_everything", "l’ensemble des notes"),
    ("archive_title", "Archives"),
    (
        "archive_description",
        "Toutes les notes de {site}, mois par mois, les plus récentes d’abord.",
    ),
    (
        "archive_intro",
        "Toutes les notes, mois par mois, les plus récentes d’abord.",
    ),
    ("weekday_1", "lundi"),
    ("weekday_2", "mardi"),
    ("weekday_3", "mercredi"),
    ("weekday_4", "jeudi"),
    ("weekday_5", "vendredi"),
    ("weekday_6", "samedi"),
    ("weekday_7", "dimanche"),
    ("weekday_short_1", "lun."),
    ("weekday_short_2", "mar."),
    ("weekday_short_3", "mer."),
    ("weekday_short_4", "jeu."),
    ("weekday_short_5", "ven."),
    ("weekday_short_6", "sam."),
    ("weekday_short_7", "dim."),
    ("month_1", "janvier"),
    ("month_2", "février"),
    ("month_3", "mars"),
    ("month_4", "avril"),
    ("month_5", "mai"),
    ("month_6", "juin"),
    ("month_7", "juillet"),
    ("month_8", "août"),
    ("month_9", "septembre"),
    ("month_10", "octobre"),
    ("month_11", "novembre"),
    ("month_12", "décembre"),
];

/// The built-in table of a language tag, by its primary subtag (`fr-CA`
/// takes French).
pub fn builtin(code: &str) -> Option<&'static [(&'static str, &'static str)]> {
    match primary(code).as_str() {
        "en" => Some(EN),
        "fr" => Some(FR),
        _ => None,
    }
}

/// Whether pages in `code` show the English interface: English itself,
/// and on a one-language site a language brief has no table for.
pub fn interface_is_english(code: &str, multilingual: bool) -> bool {
    match primary(code).as_str() {
        "en" => true,
        _ => builtin(code).is_none() && !multilingual,
    }
}

/// The primary subtag of a language tag, lower case: `fr-CA` → `fr`.
fn primary(code: &str) -> String {
    code.split('-').next().unwrap_or(code).to_ascii_lowercase()
}

/// Whether `code` looks like a BCP 47 language tag: letters, digits and
/// hyphens, starting with two or three letters.
pub fn is_language_tag(code: &str) -> bool {
    let first = code.split('-').next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !code.ends_with('-')
}

/// Whether a language is written right to left, by its primary subtag.
pub fn is_rtl(code: &str) -> bool {
    matches!(
        primary(code).as_str(),
        "ar" | "arc" | "ckb" | "dv" | "fa" | "he" | "ks" | "ps" | "sd" | "ug" | "ur" | "yi"
    )
}

/// The keys every language of a site with several languages must have:
/// the built-in English keys, every key the site defines in any language,
/// and the marker of a briefing shown in the default language.
fn required_keys(config: &Config) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = EN.iter().map(|(k, _)| k.to_string()).collect();
    for (code, table) in &config.strings {
        if config.language_codes().contains(&code.as_str()) {
            keys.extend(table.keys().cloned());
        }
    }
    keys.insert(format!("in_{}", primary(&config.language)));
    keys
}

/// For each language of a site with several languages, the keys it has no
/// string for (neither built in nor in `[strings.xx]`), in order. A
/// one-language site takes English for a key its language lacks, as it
/// always has, so it is never short of one.
pub fn missing_strings(config: &Config) -> Vec<(String, Vec<String>)> {
    if config.languages.is_empty() {
        return Vec::new();
    }
    let required = required_keys(config);
    let mut out = Vec::new();
    for code in config.language_codes() {
        let builtin: HashMap<&str, &str> = builtin(code).unwrap_or(&[]).iter().copied().collect();
        let own = config.strings.get(code);
        let missing: Vec<String> = required
            .iter()
            .filter(|k| {
                !builtin.contains_key(k.as_str()) && !own.is_some_and(|t| t.contains_key(*k))
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            out.push((code.to_string(), missing));
        }
    }
    out
}

/// Every language's interface strings, built in and from `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_lang: HashMap<String, HashMap<String, String>>,
    default: String,
    /// Each language's month names where they differ from English, found
    /// once: dates are localised for every briefing a list shows, and a
    /// language with English names has nothing to replace.
    months: HashMap<String, Option<[String; 12]>>,
}

impl Strings {
    /// The tables of every language of `config`: built in, then the site's
    /// own over them. A one-language site's gaps are filled from English.
    pub fn of(config: &Config) -> Strings {
        let mut by_lang = HashMap::new();
        for code in config.language_codes() {
            let mut table: HashMap<String, String> = HashMap::new();
            if config.languages.is_empty() {
                table.extend(EN.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            }
            if let Some(b) = builtin(code) {
                table.extend(b.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            }
            if let Some(own) = config.strings.get(code) {
                table.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            by_lang.insert(code.to_string(), table);
        }
        let mut strings = Strings {
            by_lang,
            default: config.language.clone(),
            months: HashMap::new(),
        };
        let months = strings
            .by_lang
            .keys()
            .map(|code| {
                let names = strings
                    .months(code)
                    .filter(|m| m.iter().zip(english_months()).any(|(a, b)| *a != b))
                    .map(|m| m.map(str::to_string));
                (code.clone(), names)
            })
            .collect();
        strings.months = months;
        strings
    }

    /// The string of `key` in `lang` (the default language when the site
    /// has no `lang`).
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.by_lang
            .get(lang)
            .or_else(|| self.by_lang.get(&self.default))?
            .get(key)
            .map(String::as_str)
    }

    /// Month names of `lang`, January first, when it has all twelve.
    pub fn months(&self, lang: &str) -> Option<[&str; 12]> {
        let mut out = [""; 12];
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = self.get(lang, &format!("month_{}", k + 1))?;
        }
        Some(out)
    }

    /// Weekday names of `lang`, Monday first, when it has all seven in
    /// both forms (`weekday_1`…, `weekday_short_1`…).
    pub fn weekdays(&self, lang: &str) -> Option<crate::date::Weekdays<'_>> {
        let mut long = [""; 7];
        let mut short = [""; 7];
        for k in 0..7 {
            long[k] = self.get(lang, &format!("weekday_{}", k + 1))?;
            short[k] = self.get(lang, &format!("weekday_short_{}", k + 1))?;
        }
        Some(crate::date::Weekdays { long, short })
    }

    /// `text` (made with English month names) with `lang`'s month names.
    pub fn localize_months(&self, lang: &str, text: &str) -> String {
        let names = match self.months.get(lang) {
            Some(names) => names.as_ref(),
            // A language the site does not have: the default's.
            None => self.months.get(&self.default).and_then(Option::as_ref),
        };
        let Some(names) = names else {
            return text.to_string();
        };
        let mut out = text.to_string();
        for (english, name) in english_months().zip(names) {
            if english != name && out.contains(english) {
                out = out.replace(english, name);
            }
        }
        out
    }
}

/// The English month names, January first (the built-in table's last
/// twelve strings).
fn english_months() -> impl Iterator<Item = &'static str> {
    EN[EN.len() - 12..].iter().map(|(_, name)| *name)
}

/// Fills `{name}` in `template` from `args`, taken in the order of their
/// names (a value holding another's `{mark}` is filled too when that name
/// comes later).
pub fn fill(template: &str, mut args: Vec<(String, String)>) -> String {
    let mut out = template.to_string();
    if args.is_empty() {
        return out;
    }
    args.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in &args {
        let mark = format!("{{{name}}}");
        if out.contains(&mark) {
            out = out.replace(&mark, value);
        }
    }
    out
}

/// Which plural form a count takes in `lang`: French counts 0 and 1 as
/// singular, English only 1.
pub fn plural_key(lang: &str, key: &str, count: i64) -> String {
    let one = if primary(lang) == "fr" {
        count == 0 || count == 1
    } else {
        count == 1
    };
    format!("{key}_{}", if one { "one" } else { "other" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_has_every_english_key() {
        let fr: BTreeSet<&str> = FR.iter().map(|(k, _)| *k).collect();
        let en: BTreeSet<&str> = EN.iter().map(|(k, _)| *k).collect();
        assert_eq!(fr, en);
        assert_eq!(EN[EN.len() - 12].0, "month_1", "months come last");
    }

    #[test]
    fn no_key_is_a_name_that_changes_what_templates_read() {
        // `t(key="…")` puts the key inside a tag, where the build looks for
        // the names of costly values (`crate::templates::Reads`) and for
        // `briefings`, which makes serve render every page on any edit.
        for (key, _) in EN {
            assert!(
                ![
                    "content",
                    "json_ld",
                    "related",
                    "sections",
                    "intro_html",
                    "footnotes_html",
                    "toc",
                    "cite",
                    "briefings",
                    "get_page"
                ]
                .contains(key),
                "{key}"
            );
        }
    }

    #[test]
    fn a_language_without_a_table_must_give_every_key() {
        let mut config = Config::default();
        config.languages.insert("ar".into(), Default::default());
        let missing = missing_strings(&config);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].0, "ar");
        assert!(missing[0].1.contains(&"key_points".to_string()));
        // A key the site adds in one language is needed in every other.
        let mut config = Config::default();
        config.languages.insert("fr".into(), Default::default());
        config.strings.insert(
            "en".into(),
            [("newsletter".into(), "Newsletter".into())].into(),
        );
        assert_eq!(
            missing_strings(&config),
            [("fr".to_string(), vec!["newsletter".to_string()])]
        );
    }

    #[test]
    fn one_language_sites_fill_gaps_from_english() {
        let config = Config {
            language: "de".into(),
            ..Config::default()
        };
        assert!(missing_strings(&config).is_empty());
        assert_eq!(
            Strings::of(&config).get("de", "key_points"),
            Some("Key points")
        );
    }

    #[test]
    fn months_and_plurals_follow_the_language() {
        let mut config = Config::default();
        config.languages.insert("fr".into(), Default::default());
        let s = Strings::of(&config);
        assert_eq!(
            s.localize_months("fr", "5 September 2012"),
            "5 septembre 2012"
        );
        assert_eq!(
            s.localize_months("en", "5 September 2012"),
            "5 September 2012"
        );
        let fr = s.weekdays("fr").unwrap();
        assert_eq!((fr.long[0], fr.short[6]), ("lundi", "dim."));
        let en = s.weekdays("en").unwrap();
        assert_eq!((en.long[6], en.short[0]), ("Sunday", "Mon"));
        // A language short of one name has none (`%A` stays English).
        let mut config = Config::default();
        config.languages.insert("ar".into(), Default::default());
        let names = (1..=7).map(|k| (format!("weekday_{k}"), format!("d{k}")));
        config.strings.insert("ar".into(), names.collect());
        assert!(Strings::of(&config).weekdays("ar").is_none());
        assert_eq!(plural_key("fr", "briefings", 0), "briefings_one");
        assert_eq!(plural_key("en", "briefings", 0), "briefings_other");
        let args = vec![("count".to_string(), "3".to_string())];
        assert_eq!(fill("{count} notes", args), "3 notes");
        assert_eq!(fill("{a} notes", Vec::new()), "{a} notes");
        // Names are taken in order whatever order they came in.
        let args = vec![
            ("b".to_string(), "2".to_string()),
            ("a".to_string(), "{b}".to_string()),
        ];
        assert_eq!(fill("{a}{b}", args), "22");
        assert!(is_rtl("ar") && is_rtl("he-IL") && !is_rtl("fr"));
        assert!(interface_is_english("en-GB", true) && interface_is_english("de", false));
        assert!(!interface_is_english("fr", false) && !interface_is_english("ar", true));
        assert!(is_language_tag("pt-BR") && !is_language_tag("french!") && !is_language_tag("x"));
    }
}
