//! Readable, stable slugs for URLs and element ids.

use std::collections::{HashMap, HashSet};

/// Lower-cases, folds Latin accents to ASCII ("Côte d'Ivoire" → "cote-d-ivoire"),
/// and joins words with single hyphens. Letters of other scripts are kept,
/// so a heading in Arabic or Greek still gets a meaningful id. Returns an
/// empty string when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    let push = |f: char, out: &mut String, gap: &mut bool| {
        if *gap && !out.is_empty() {
            out.push('-');
        }
        *gap = false;
        out.push(f);
    };
    for c in text.chars() {
        // Most headings are ASCII: no case tables, no folding.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push(c.to_ascii_lowercase(), &mut out, &mut gap);
            } else if c != '\'' {
                gap = true;
            }
            continue;
        }
        for lower in c.to_lowercase() {
            let mut pushed = false;
            match fold(lower) {
                Some(folded) => {
                    for f in folded.chars() {
                        push(f, &mut out, &mut gap);
                    }
                    pushed = true;
                }
                None if lower.is_alphanumeric() => {
                    push(lower, &mut out, &mut gap);
                    pushed = true;
                }
                None => {}
            }
            // Apostrophes join ("Mali’s" → "malis"); everything else separates.
            if !pushed && lower != '\u{2019}' {
                gap = true;
            }
        }
    }
    out
}

/// ASCII spelling of common Latin letters with diacritics; `None` for
/// every other character.
fn fold(c: char) -> Option<&'static str> {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(s)
}

/// Hands out unique ids within one page: a repeated heading gets `-2`,
/// `-3`…, and ids the templates use themselves are never handed out.
#[derive(Debug, Clone, Default)]
pub struct IdSet {
    /// Ids the page's templates use; a fixed list, so not copied per page.
    reserved: &'static [&'static str],
    taken: HashSet<String>,
    /// For each base that was already taken, the suffix to try next: every
    /// smaller one was taken when last asked, and ids are never given back,
    /// so a repeated heading costs one lookup, not a scan from `-2`.
    next_suffix: HashMap<String, usize>,
}

impl IdSet {
    /// A set with `reserved` ids already taken.
    pub fn with_reserved(reserved: &'static [&'static str]) -> Self {
        IdSet {
            reserved,
            taken: HashSet::new(),
            next_suffix: HashMap::new(),
        }
    }

    /// Takes an explicit id; false when it was already taken.
    pub fn claim(&mut self, id: &str) -> bool {
        !self.reserved.contains(&id) && self.taken.insert(id.to_string())
    }

    /// A unique id derived from `text`, falling back to `fallback` when the
    /// text has no letters or digits.
    pub fn unique(&mut self, text: &str, fallback: &str) -> String {
        self.unique_slug(slugify(text), fallback)
    }

    /// [`IdSet::unique`] for text already slugified.
    pub fn unique_slug(&mut self, slug: String, fallback: &str) -> String {
        let base = if slug.is_empty() {
            fallback.to_string()
        } else {
            slug
        };
        if self.claim(&base) {
            return base;
        }
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(2);
        loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if self.claim(&candidate) {
                self.next_suffix.insert(base, n);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_cases() {
        let cases = [
            ("The request", "the-request"),
            ("Historical context", "historical-context"),
            ("Côte d’Ivoire", "cote-divoire"),
            ("  ECOWAS & the AU  ", "ecowas-the-au"),
            ("Mali's army", "malis-army"),
            ("Straße", "strasse"),
            ("Ελλάδα", "ελλάδα"),
            ("2012: a year", "2012-a-year"),
            ("!!!", ""),
        ];
        for (input, want) in cases {
            assert_eq!(slugify(input), want, "{input}");
        }
    }

    #[test]
    fn ids_are_unique_and_avoid_reserved() {
        let mut ids = IdSet::with_reserved(&["sources"]);
        assert_eq!(ids.unique("Sources", "s"), "sources-2");
        assert_eq!(ids.unique("Diplomacy", "s"), "diplomacy");
        assert_eq!(ids.unique("Diplomacy", "s"), "diplomacy-2");
        assert_eq!(ids.unique("???", "section"), "section");
        assert!(!ids.claim("diplomacy"));
    }

    #[test]
    fn repeated_ids_take_the_next_free_suffix() {
        // The suffixes a scan from `-2` gives, explicit claims in between
        // included: `b-3` is taken by hand, so the third `b` is `b-4`.
        let mut ids = IdSet::default();
        assert!(ids.claim("b-3"));
        let got: Vec<String> = (0..4).map(|_| ids.unique("B", "s")).collect();
        assert_eq!(got, ["b", "b-2", "b-4", "b-5"]);
        assert!(ids.claim("b-7"));
        assert_eq!(ids.unique("B", "s"), "b-6");
        assert_eq!(ids.unique("B", "s"), "b-8");
        // A slug that is itself a suffixed form: `b-2` taken, so `b-2-2`.
        assert_eq!(ids.unique("B 2", "s"), "b-2-2");
    }

    #[test]
    fn many_identical_headings_cost_linear_time() {
        // 20,000 identical headings took 20 s when each rescanned every
        // suffix from `-2`; one lookup each is a few milliseconds. The
        // bound is loose so a busy machine cannot fail it.
        let mut ids = IdSet::default();
        let start = std::time::Instant::now();
        for _ in 0..20_000 {
            ids.unique("Same", "s");
        }
        assert_eq!(ids.unique("Same", "s"), "same-20001");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
}
