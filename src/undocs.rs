//! United Nations document symbols (`S/RES/2056(2012)`, `A/RES/67/1`,
//! `S/2012/894`, `A/67/PV.12`): checked against the symbol grammar and
//! linked to the UN's resolver, `https://undocs.org/<symbol>`. Front
//! matter lists them in `[[documents]]`; the body links to one with
//! `[Resolution 2056](un:S/RES/2056(2012))`.
//!
//! The grammar, from the UN's own rules for document symbols: components
//! joined by `/`; the first names the issuing body (`A` General Assembly,
//! `S` Security Council, `E` Economic and Social Council, `T` Trusteeship
//! Council, `ST` Secretariat, or a treaty body or programme such as `CCPR`
//! or `UNEP`); each component is letters, digits, `.` and `-` (`PV.12`,
//! `CN.4`, `L.1`, `Add.1`, `ES-10`). Resolutions have fixed shapes: the
//! Security Council's are `S/RES/<number>(<four-digit year>)`, the General
//! Assembly's `A/RES/<session>/<number>` (or, before 1976,
//! `A/RES/<number>(<session in Roman numerals>)`).

/// The prefix of a body link to a UN document.
pub const SCHEME: &str = "un:";

/// Where a symbol is resolved to the document in every official language.
pub const RESOLVER: &str = "https://undocs.org/";

/// The bodies a symbol may start with: the principal organs, then the
/// treaty bodies, programmes and conferences that issue their own series.
const SERIES: &[&str] = &[
    "A", "S", "E", "T", "ST", "CAT", "CCPR", "CED", "CEDAW", "CERD", "CMW", "CRC", "CRPD", "DP",
    "FCCC", "HRI", "ICCD", "TD", "UNEP", "UNW", "UNCTAD", "UNDP", "UNICEF", "UNHCR", "ITLOS",
];

/// Whether a link target is a UN document symbol link (`un:…`).
pub fn is_link(url: &str) -> bool {
    url.get(..SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME))
}

/// The undocs.org address of a checked symbol.
pub fn url(symbol: &str) -> String {
    format!("{RESOLVER}{symbol}")
}

/// The href for a body link target: `un:S/RES/2056(2012)` becomes its
/// undocs.org address; `None` for any other link.
pub fn resolve(written: &str) -> Option<Result<String, String>> {
    if !is_link(written) {
        return None;
    }
    let symbol = &written[SCHEME.len()..];
    Some(check(symbol).map(|()| url(symbol)))
}

/// Checks `symbol` against the grammar; the message says what is wrong
/// and shows the right shape.
pub fn check(symbol: &str) -> Result<(), String> {
    if symbol.is_empty() {
        return Err("the UN document symbol is empty".into());
    }
    if symbol.len() > 80 {
        return Err("a UN document symbol is never this long".into());
    }
    if let Some(c) = symbol
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-' | '(' | ')')))
    {
        return Err(format!(
            "`{symbol}` has `{}`, which UN document symbols never contain (only letters, digits, `/`, `.`, `-` and a year in parentheses)",
            c.escape_debug()
        ));
    }
    let parts: Vec<&str> = symbol.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{symbol}` has an empty part: parts are joined by single slashes, e.g. S/2012/894"
        ));
    }
    if parts.len() < 2 {
        return Err(format!(
            "`{symbol}` has one part; a symbol names the body and then the document, e.g. S/2012/894"
        ));
    }
    if !SERIES.contains(&parts[0]) {
        return Err(format!(
            "`{symbol}` starts with `{}`, which is no UN body's series; symbols start with A, S, E, T, ST or a body such as CCPR or UNEP",
            parts[0]
        ));
    }
    if parts[1] == "RES" {
        return resolution(symbol, &parts);
    }
    for part in &parts[1..] {
        component(symbol, part)?;
    }
    Ok(())
}

/// One part after the series: letters, digits, `.` and `-`, starting with
/// a letter or digit, and no parentheses.
fn component(symbol: &str, part: &str) -> Result<(), String> {
    let first_ok = part
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let last_ok = part
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !first_ok || !last_ok || part.contains("..") || part.contains(['(', ')']) {
        return Err(format!(
            "`{symbol}` has the part `{part}`; parts are letters and digits, joined by `.` or `-` (PV.12, CN.4, ES-10)"
        ));
    }
    Ok(())
}

/// `S/RES/2056(2012)`, `A/RES/67/1`, `A/RES/181(II)`, `A/RES/ES-10/19`.
fn resolution(symbol: &str, parts: &[&str]) -> Result<(), String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let numbered = |s: &str| -> Option<(String, String)> {
        let (n, rest) = s.split_once('(')?;
        let inner = rest.strip_suffix(')')?;
        digits(n).then(|| (n.to_string(), inner.to_string()))
    };
    match parts[0] {
        "S" => {
            let shape =
                "Security Council resolutions are S/RES/<number>(<year>), e.g. S/RES/2056(2012)";
            let Some((_, year)) = (parts.len() == 3).then(|| numbered(parts[2])).flatten() else {
                return Err(format!("`{symbol}` is not a resolution symbol: {shape}"));
            };
            let plausible = year.len() == 4
                && digits(&year)
                && year
                    .parse::<u32>()
                    .is_ok_and(|y| (1946..=2100).contains(&y));
            if !plausible {
                return Err(format!(
                    "`{symbol}` has the year `{year}`; the year is written in full: {shape}"
                ));
            }
            Ok(())
        }
        "A" => {
            let shape = "General Assembly resolutions are A/RES/<session>/<number>, e.g. A/RES/67/1 (before 1976 A/RES/<number>(<session in Roman numerals>))";
            let ok = match parts {
                [_, _, old] => numbered(old).is_some_and(|(_, session)| {
                    !session.is_empty() && session.chars().all(|c| "IVXL".contains(c))
                        || session
                            .strip_prefix("ES-")
                            .or(session.strip_prefix("S-"))
                            .is_some_and(digits)
                }),
                [_, _, session, number] => {
                    let session_ok = digits(session)
                        || session
                            .strip_prefix("ES-")
                            .or(session.strip_prefix("S-"))
                            .is_some_and(digits);
                    session_ok && digits(number)
                }
                _ => false,
            };
            if ok {
                Ok(())
            } else {
                Err(format!("`{symbol}` is not a resolution symbol: {shape}"))
            }
        }
        _ => {
            for part in &parts[2..] {
                component(symbol, part)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_symbols_pass() {
        for good in [
            "S/RES/2056(2012)",
            "A/RES/67/1",
            "S/2012/894",
            "A/67/PV.12",
            "A/RES/181(II)",
            "A/RES/ES-10/19",
            "E/CN.4/2005/L.10/Add.1",
            "S/PV.6798",
            "CCPR/C/GC/34",
            "ST/SGB/2003/13",
            "A/C.1/67/L.1",
            "S/RES/1(1946)",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn bad_symbols_say_what_is_wrong() {
        for (bad, says) in [
            ("S/RES/2056", "S/RES/<number>(<year>)"),
            ("S/RES/2056(12)", "year `12`"),
            ("S/RES/2056(1812)", "year `1812`"),
            ("X//1", "empty part"),
            ("X/1", "no UN body"),
            ("", "empty"),
            ("S", "one part"),
            ("s/2012/894", "no UN body"),
            ("S/2012/894 ", "never contain"),
            ("S/2012/<b>", "never contain"),
            ("A/RES/67", "A/RES/<session>/<number>"),
            ("A/RES/67/1(2012)", "A/RES/<session>/<number>"),
            ("S/2012/(894)", "the part `(894)`"),
            ("S/.2012", "the part `.2012`"),
            ("S/2012/894\"onclick=", "never contain"),
        ] {
            let err = check(bad).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn body_links_resolve_to_undocs_with_the_same_check() {
        assert_eq!(
            resolve("un:S/RES/2056(2012)"),
            Some(Ok("https://undocs.org/S/RES/2056(2012)".into()))
        );
        assert_eq!(
            resolve("UN:A/67/PV.12"),
            Some(Ok("https://undocs.org/A/67/PV.12".into()))
        );
        assert!(matches!(resolve("un:S/RES/2056"), Some(Err(_))));
        assert_eq!(resolve("https://undocs.org/S/2012/894"), None);
        assert_eq!(resolve("@/a.md"), None);
    }
}
