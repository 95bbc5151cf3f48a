//! What `brief check` says about translations: briefings missing one in a
//! language of the site, translations whose original changed after them,
//! and translations whose `##` sections do not match the original's.

use crate::briefing::{Briefing, Source};
use crate::date::Date;
use crate::diagnostics::SourceError;
use crate::site::Site;
use std::time::SystemTime;

/// A file saved less than this long after another counts as saved with
/// it: a checkout or a copy writes a site's files within moments, in no
/// particular order.
const SAME_SAVE_SECS: u64 = 60;

/// The warnings about translations of `site` (none on a one-language site).
pub fn findings(site: &Site) -> Vec<SourceError> {
    let mut out = Vec::new();
    if !site.multilingual() {
        return out;
    }
    let default = &site.config.language;
    for (i, b) in site.briefings.iter().enumerate() {
        let editions = site.editions(i);
        if b.lang == 0 {
            for lang in site.langs.iter().skip(1) {
                if !editions.iter().any(|&j| {
                    site.briefings[j]
                        .translation
                        .as_ref()
                        .is_some_and(|t| t.code == lang.code)
                }) {
                    out.push(missing(b, &lang.code, &site.config.fallback));
                }
            }
            continue;
        }
        let Some(&o) = editions.first() else {
            continue;
        };
        let original = &site.briefings[o];
        if let Some(e) = out_of_date(b, original, default) {
            out.push(e);
        }
        if let Some(e) = other_sections(b, original) {
            out.push(e);
        }
    }
    out
}

/// The warning for an original without a translation into `code`.
fn missing(b: &Briefing, code: &str, fallback: &crate::config::Fallback) -> SourceError {
    let rel = &b.rel;
    let file = translation_path(rel, code);
    let shown = match fallback {
        crate::config::Fallback::Show => "its lists show this briefing in the original language",
        crate::config::Fallback::Hide => "its lists leave this briefing out",
    };
    SourceError::new(
        &b.file,
        format!(
            "this briefing has no {} (`{code}`) translation: `content/{file}` does not exist",
            english_name(code)
        ),
    )
    .with_help(format!(
        "write it (`brief new --lang {code} --from content/{rel}` starts one with this briefing's front matter and headings); until then {shown}"
    ))
}

/// `mali.md` → `mali.fr.md`, `mali/index.md` → `mali/index.fr.md`.
pub fn translation_path(rel: &str, code: &str) -> String {
    format!("{}.{code}.md", rel.strip_suffix(".md").unwrap_or(rel))
}

/// The warning for a translation whose original changed after it: a later
/// `updated` (or correction), or the file saved later.
fn out_of_date(t: &Briefing, original: &Briefing, default: &str) -> Option<SourceError> {
    let edition = format!("the {} edition", english_name(default));
    let (when, how) = if original.front.modified() > t.front.modified() {
        (original.front.modified(), "`updated`")
    } else {
        let (Some(o), Some(m)) = (saved(original), saved(t)) else {
            return None;
        };
        let later = o.duration_since(m).ok()?.as_secs();
        if later < SAME_SAVE_SECS {
            return None;
        }
        let secs = o
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        (
            Date::from_days((secs / 86_400) as i64),
            "its file was saved",
        )
    };
    Some(
        SourceError::new(
            &t.file,
            format!(
                "{edition} changed on {} ({how}), after this translation: `{}` may say something this does not",
                when.long(),
                original.file.display()
            ),
        )
        .with_help(format!(
            "bring the translation up to date with `{}`, then set `updated = {}` (or later) in its front matter",
            original.file.display(),
            when
        )),
    )
}

/// When a briefing's file was last saved.
fn saved(b: &Briefing) -> Option<SystemTime> {
    match &b.source {
        Source::File { root, .. } => std::fs::symlink_metadata(root.path().join(&b.file))
            .ok()?
            .modified()
            .ok(),
        Source::Held(_) => None,
    }
}

/// The warning for a translation with another number of `##` sections
/// than its original.
fn other_sections(t: &Briefing, original: &Briefing) -> Option<SourceError> {
    let count = |b: &Briefing| b.text().ok().map(|text| sections(text.body()));
    let (mine, theirs) = (count(t)?, count(original)?);
    (mine != theirs).then(|| {
        SourceError::new(
            &t.file,
            format!(
                "this translation has {mine} `##` section{}, its original `{}` has {theirs}",
                if mine == 1 { "" } else { "s" },
                original.file.display()
            ),
        )
        .with_help("translate the original section by section, one `##` heading for each, so both editions have the same parts and contents")
    })
}

/// How many `## ` headings a Markdown body has outside fenced code.
pub fn sections(body: &str) -> usize {
    let mut fence: Option<&str> = None;
    let mut n = 0;
    for line in body.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        for mark in ["```", "~~~"] {
            if indent < 4 && trimmed.starts_with(mark) {
                fence = match fence {
                    None => Some(mark),
                    Some(open) if open == mark => None,
                    open => open,
                };
            }
        }
        if fence.is_none()
            && indent < 4
            && (trimmed.starts_with("## ") || trimmed.trim_end() == "##")
        {
            n += 1;
        }
    }
    n
}

/// A language's name in English, for messages; the tag for others.
pub fn english_name(code: &str) -> String {
    let primary = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
    match primary.as_str() {
        "ar" => "Arabic",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "fr" => "French",
        "it" => "Italian",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "zh" => "Chinese",
        _ => return format!("`{code}`"),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_second_level_headings_outside_code() {
        let body = "intro\n\n## One\n\ntext\n\n```\n## not a heading\n```\n\n### Sub\n\n## Two {#two}\n\n    ## indented code\n";
        assert_eq!(sections(body), 2);
        assert_eq!(sections(""), 0);
    }

    #[test]
    fn names_the_translation_file() {
        assert_eq!(translation_path("sahel/mali.md", "fr"), "sahel/mali.fr.md");
        assert_eq!(
            translation_path("mali/index.md", "pt-BR"),
            "mali/index.pt-BR.md"
        );
        assert_eq!(english_name("fr-CA"), "French");
        assert_eq!(english_name("wo"), "`wo`");
    }
}
