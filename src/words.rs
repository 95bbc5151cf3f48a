//! Word counts of Markdown sources, read from the source text without parsing it.

/// Counts the words of a Markdown source the way readers see them: runs
/// holding a letter or digit, split at spaces, slashes and dashes, with link
/// targets, footnote markers, HTML tags, heading attributes, list numbers,
/// code fence lines and link reference definitions left out.
///
/// It reads the source rather than parsed text so a site can know every
/// briefing's length (for reading times in lists) without parsing any of
/// them before rendering; on real briefings it agrees with a count of the
/// rendered text to within a word or two in a thousand.
pub fn count_words(markdown: &str) -> usize {
    let mut words = 0;
    for_each_line(markdown, |line| words += line_words(line));
    words
}

/// Calls `each` with every line of a Markdown source. A lone `\r` ends a
/// line too (old Mac files), as it does for the Markdown parser, so markup
/// never runs on past it. Lines are found with a one-byte search unless
/// the text has a `\r`.
fn for_each_line<'a>(markdown: &'a str, mut each: impl FnMut(&'a str)) {
    if markdown.contains('\r') {
        markdown.split(['\n', '\r']).for_each(each);
    } else {
        for line in markdown.split('\n') {
            each(line);
        }
    }
}

/// The words of a Markdown source counted line by line (see
/// [`count_words`]), so the words between two line starts are a
/// subtraction: a briefing's sections are counted from the count its
/// whole body got when it was loaded, without reading the text again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineWords {
    /// Byte offset where each line starts.
    starts: Vec<u32>,
    /// Words in the lines before each line; one more entry, the total.
    before: Vec<u32>,
}

impl LineWords {
    /// Counts `markdown` line by line.
    pub fn count(markdown: &str) -> LineWords {
        // Prose lines run to a few hundred bytes: room for most bodies'
        // lines at once.
        let guess = markdown.len() / 64 + 8;
        let mut starts = Vec::with_capacity(guess);
        let mut before = Vec::with_capacity(guess + 1);
        before.push(0u32);
        let mut at = 0usize;
        let mut total = 0u32;
        for_each_line(markdown, |line| {
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
            total = total.saturating_add(u32::try_from(line_words(line)).unwrap_or(u32::MAX));
            before.push(total);
            at += line.len() + 1;
        });
        // Held for every briefing of the site: no spare room.
        starts.shrink_to_fit();
        before.shrink_to_fit();
        LineWords { starts, before }
    }

    /// Words in the whole source.
    pub fn total(&self) -> usize {
        self.before.last().copied().unwrap_or(0) as usize
    }

    /// Words from byte `from` to byte `to` of the source, when both are
    /// line starts (or `to` its end, `len`); `None` otherwise.
    pub fn between(&self, from: usize, to: usize, len: usize) -> Option<usize> {
        let line = |offset: usize| -> Option<usize> {
            if offset >= len {
                return Some(self.starts.len());
            }
            let offset = u32::try_from(offset).ok()?;
            self.starts.binary_search(&offset).ok()
        };
        let (a, b) = (line(from)?, line(to)?);
        Some(self.before[b].checked_sub(self.before[a])? as usize)
    }
}

// How `count_words` treats each byte, as bit flags so the loop over plain
// text runs without branches: word boundaries are too frequent and too
// irregular for a branch predictor.
const ALNUM: u8 = 1;
const SPACE: u8 = 2;
/// May open markup to skip (`[^`, `](`, `][`, `<tag`, `{#`), or is not
/// ASCII: handled one at a time, off the fast path.
const SLOW: u8 = 4;

const FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 || matches!(c, b'[' | b']' | b'<' | b'{') {
            SLOW
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else if c.is_ascii_whitespace() || c == b'/' || c == b'|' {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

fn line_words(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut i = line_start(bytes);
    let mut count = 0usize;
    // Whether the last letter, digit or separator seen was a letter or
    // digit: punctuation between two letters ("e.g.", "3,000") does not
    // start a new word.
    let mut in_word = false;
    while i < bytes.len() {
        // Plain ASCII text up to the next byte that needs a closer look,
        // 64 bytes at a time as bit masks (see `plain_run`).
        if FLAGS[usize::from(bytes[i])] & SLOW == 0 {
            let (n, words, still_in_word) = plain_run(&bytes[i..], in_word);
            count += words;
            in_word = still_in_word;
            i += n;
            // The run stopped at the end, at its 64-byte limit or at a slow byte.
            match bytes.get(i) {
                None => break,
                Some(&b) if FLAGS[usize::from(b)] & SLOW == 0 => continue,
                Some(_) => {}
            }
        }
        i = slow_step(line, i, &mut count, &mut in_word);
    }
    count
}

/// Counts the [`SLOW`] byte at `i` of `line` (markup to skip or a non-ASCII
/// character) and returns where the count goes on.
fn slow_step(line: &str, i: usize, count: &mut usize, in_word: &mut bool) -> usize {
    let bytes = line.as_bytes();
    if bytes[i] < 0x80 {
        return match skip_markup(bytes, i) {
            Some(end) => {
                *in_word = false;
                end
            }
            None => i + 1,
        };
    }
    let c = line[i..].chars().next().unwrap_or(' ');
    if c.is_whitespace() || matches!(c, '—' | '–') {
        *in_word = false;
    } else if c.is_alphanumeric() {
        *count += usize::from(!*in_word);
        *in_word = true;
    }
    i + c.len_utf8()
}

/// Counts the words starting in the leading run of `bytes` that holds no
/// [`SLOW`] byte, at most 64 bytes long. Returns the run's length, the words
/// starting in it, and whether it ends inside a word.
///
/// Whether byte `k` is inside a word follows the rule of a carry in binary
/// addition: a letter sets it ("generates"), punctuation keeps the one
/// before ("propagates"), a separator clears it. So one 64-bit addition
/// works out all 64 bytes at once, without a branch or a chain of steps
/// from byte to byte.
fn plain_run(bytes: &[u8], in_word: bool) -> (usize, usize, bool) {
    // Each flag of eight bytes at a time is gathered into a bit mask: a
    // multiplication moves bit 0 of each of eight bytes into one byte. The
    // masks stop at the first eight bytes holding a slow byte, so text
    // where they are frequent (accents, other scripts) wastes little.
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let block = &bytes[..bytes.len().min(64)];
    let (mut alnum, mut sep, mut slow) = (0u64, 0u64, 0u64);
    for (j, eight) in block.chunks(8).enumerate() {
        let mut w = [0u8; 8];
        for (f, &b) in w.iter_mut().zip(eight) {
            *f = FLAGS[usize::from(b)];
        }
        let w = u64::from_le_bytes(w);
        let bits = |shift: u32| ((((w >> shift) & LOW_BITS).wrapping_mul(GATHER)) >> 56) << (8 * j);
        alnum |= bits(0);
        sep |= bits(1);
        slow |= bits(2);
        if slow != 0 {
            break;
        }
    }
    let n = if slow == 0 {
        block.len()
    } else {
        slow.trailing_zeros() as usize
    };
    if n == 0 {
        return (0, 0, in_word);
    }
    let run = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let alnum = alnum & run;
    let punct = !(alnum | sep) & run;
    // Generate = alnum, propagate = punct: a = alnum|punct, b = alnum.
    let a = alnum | punct;
    let (sum, c1) = a.overflowing_add(alnum);
    let (sum, c2) = sum.overflowing_add(u64::from(in_word));
    // Bit k of `carries` says whether byte k follows a byte inside a word.
    let carries = sum ^ a ^ alnum;
    let starts = alnum & !carries;
    let carry_out = if n == 64 {
        c1 || c2
    } else {
        (carries >> n) & 1 == 1
    };
    (n, starts.count_ones() as usize, carry_out)
}

/// Where the words of a line start: after indentation, quote markers and an
/// ordered list number. Fence lines and link reference definitions hold no
/// words a reader sees, so they start at the end.
fn line_start(bytes: &[u8]) -> usize {
    let mut i = 0;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'>') {
        i += 1;
    }
    let rest = &bytes[i..];
    if rest.starts_with(b"```") || rest.starts_with(b"~~~") {
        return bytes.len();
    }
    if rest.first() == Some(&b'[')
        && rest.get(1) != Some(&b'^')
        && let Some(close) = rest.iter().position(|&b| b == b']')
        && rest.get(close + 1) == Some(&b':')
    {
        return bytes.len();
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..10).contains(&digits)
        && matches!(rest.get(digits), Some(b'.' | b')'))
        && rest.get(digits + 1).is_none_or(|b| b.is_ascii_whitespace())
    {
        return i + digits + 1;
    }
    i
}

/// The end of markup starting at `at` that shows no words of its own: a
/// link target `](…)` or `][…]`, a footnote marker `[^…]`, an HTML tag or
/// autolink `<…>`, heading attributes `{#…}`. `None` when it is plain text.
fn skip_markup(bytes: &[u8], at: usize) -> Option<usize> {
    let next = *bytes.get(at + 1)?;
    let close = |open: u8, close: u8, from: usize| -> Option<usize> {
        let mut depth = 0usize;
        for (k, &b) in bytes.iter().enumerate().skip(from) {
            if b == open {
                depth += 1;
            } else if b == close {
                if depth <= 1 {
                    return Some(k + 1);
                }
                depth -= 1;
            }
        }
        None
    };
    match (bytes[at], next) {
        (b']', b'(') => close(b'(', b')', at + 1),
        (b']', b'[') | (b'[', b'^') => close(b'[', b']', at + 1),
        (b'<', n) if n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?') => {
            close(b'<', b'>', at)
        }
        (b'{', b'#' | b'.') => close(b'{', b'}', at),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time count `plain_run` must agree with (slow bytes are
    /// shared, through `slow_step`).
    fn reference_line_words(line: &str) -> usize {
        let bytes = line.as_bytes();
        let mut i = line_start(bytes);
        let (mut count, mut in_word) = (0, false);
        while i < bytes.len() {
            let f = FLAGS[usize::from(bytes[i])];
            if f & SLOW != 0 {
                i = slow_step(line, i, &mut count, &mut in_word);
                continue;
            }
            if f & ALNUM != 0 {
                count += usize::from(!in_word);
                in_word = true;
            } else if f & SPACE != 0 {
                in_word = false;
            }
            i += 1;
        }
        count
    }

    #[test]
    fn block_word_count_agrees_with_byte_at_a_time() {
        // Lines across the 64-byte block edge, with words, punctuation runs
        // and separators landing on every position of a block.
        let pieces = [
            "a", "bc", "e.g.", "3,000", " ", "  ", "/", "--", "...", "x|y", "’", "é", "[l](u)",
            "<b>", "—", "z9", "(", ")", "\t",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut line = String::new();
            let len = 1 + (seed % 40) as usize;
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            assert_eq!(line_words(&line), reference_line_words(&line), "{line:?}");
        }
        let long = "word ".repeat(40) + &"x.".repeat(70) + " end";
        assert_eq!(line_words(&long), reference_line_words(&long));
        assert_eq!(line_words(&long), 42);
    }

    #[test]
    fn counts_between_line_starts_agree_with_counting_the_part() {
        for text in [
            "## A\n\nOne two.\n\n## B\n\nThree [four](x) five.\n",
            "Intro words\r\n## A\r\nOne\r\n",
            "](f\r## )\rmore words",
            "",
        ] {
            let lines = LineWords::count(text);
            assert_eq!(lines.total(), count_words(text), "{text:?}");
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices(['\n', '\r']).map(|(i, _)| i + 1))
                .chain(std::iter::once(text.len()))
                .collect();
            for &a in &starts {
                for &b in starts.iter().filter(|&&b| b >= a) {
                    assert_eq!(
                        lines.between(a, b, text.len()),
                        Some(count_words(&text[a..b])),
                        "{text:?} {a}..{b}"
                    );
                }
            }
            if text.len() > 2 {
                assert_eq!(
                    lines.between(1, text.len(), text.len()),
                    None,
                    "not a line start"
                );
            }
        }
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // Found by the markdown fuzz target: a link target left open on one
        // line ran on past a lone `\r`, so a section counted a word its
        // whole body did not.
        assert_eq!(count_words("](f\r## )"), count_words("](f\n## )"));
        assert_eq!(
            count_words("](f\r## )"),
            count_words("](f") + count_words("## )")
        );
        assert_eq!(count_words("one two\r\nthree\r"), 3);
    }

    #[test]
    fn word_counts() {
        assert_eq!(count_words("Mali’s stand-by force – 3,000 soldiers"), 5);
        assert_eq!(count_words("  "), 0);
        assert_eq!(count_words("it's **bold** and ~~struck~~, *so* said"), 6);
    }

    #[test]
    fn word_counts_leave_out_markup_readers_do_not_see() {
        let cases = [
            ("## The request {#request .wide}", 2),
            ("See [the UN](https://un.org/a/b \"UN (home)\") now.", 4),
            ("See [the UN][un] now.\n\n[un]: https://un.org/a/b", 4),
            ("Said so.[^note]\n\n[^note]: Two words.", 4),
            ("<div class=\"x\">Inside</div> <https://un.org/x>", 1),
            ("1. First\n2) Second\n   10. Tenth", 3),
            ("> > Quoted text", 2),
            ("```rust\nlet x = 1;\n```", 3),
            ("| Year | Troops |\n|---|---|\n| 2012 | 3,300 |", 4),
            ("A [broken](link and a < b {c}", 6),
            ("Ségou — Mopti", 2),
        ];
        for (text, want) in cases {
            assert_eq!(count_words(text), want, "{text}");
        }
    }
}
