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
/// never runs on past it. Line ends are found with `memchr`'s vectorised
/// search, many bytes per step.
fn for_each_line<'a>(markdown: &'a str, mut each: impl FnMut(&'a str)) {
    let bytes = markdown.as_bytes();
    let mut start = 0;
    let mut line = |end: usize| {
        // Line ends are ASCII bytes, so both ends are character boundaries.
        each(markdown.get(start..end).unwrap_or_default());
        start = end + 1;
    };
    if memchr::memchr(b'\r', bytes).is_some() {
        memchr::memchr2_iter(b'\n', b'\r', bytes).for_each(&mut line);
    } else {
        memchr::memchr_iter(b'\n', bytes).for_each(&mut line);
    }
    line(bytes.len());
}

/// The words of a Markdown source counted line by line (see
/// [`count_words`]), kept at the lines a section can start on (the first,
/// and every line that may be an ATX heading: up to three spaces, then
/// `#`), so the words between two such lines are a subtraction: a
/// briefing's sections are counted from the count its whole body got when
/// it was loaded, without counting the text again. Only those lines are
/// kept because this is held for every briefing of a site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineWords {
    /// Byte offset where each kept line starts.
    starts: Vec<u32>,
    /// Words before each kept line; one more entry, the total.
    before: Vec<u32>,
}

/// Whether `line` may be an ATX heading, which may start a section.
fn may_be_heading(line: &str) -> bool {
    let bytes = line.as_bytes();
    let indent = bytes.iter().take(3).take_while(|&&b| b == b' ').count();
    bytes.get(indent) == Some(&b'#')
}

impl LineWords {
    /// Counts `markdown` line by line.
    pub fn count(markdown: &str) -> LineWords {
        let mut starts = Vec::new();
        let mut before = Vec::new();
        let mut at = 0usize;
        let mut total = 0u32;
        for_each_line(markdown, |line| {
            if at == 0 || may_be_heading(line) {
                starts.push(u32::try_from(at).unwrap_or(u32::MAX));
                before.push(total);
            }
            total = total.saturating_add(u32::try_from(line_words(line)).unwrap_or(u32::MAX));
            at += line.len() + 1;
        });
        before.push(total);
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
    /// starts of kept lines (or `to` its end, `len`); `None` otherwise.
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
    let block = &bytes[..bytes.len().min(64)];
    let Masks { alnum, sep, slow } = classify(block);
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

/// The flags of up to 64 bytes as bit masks, bit `k` for byte `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    /// [`ALNUM`] bytes.
    alnum: u64,
    /// [`SPACE`] bytes.
    sep: u64,
    /// [`SLOW`] bytes.
    slow: u64,
}

/// [`FLAGS`] of `block` (at most 64 bytes) gathered into bit masks, 16
/// bytes at a time with SSE2 where there is SSE2 (every x86-64), from the
/// table for the rest.
fn classify(block: &[u8]) -> Masks {
    let mut masks = Masks {
        alnum: 0,
        sep: 0,
        slow: 0,
    };
    let mut at = 0;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while at + 16 <= block.len() {
        let sixteen: &[u8; 16] = block[at..at + 16].try_into().unwrap_or(&[0; 16]);
        // SAFETY: SSE2 is enabled at compile time (the `cfg` above), so the
        // processor running this code has it.
        let m = unsafe { sse2::classify16(sixteen) };
        masks.alnum |= u64::from(m.alnum) << at;
        masks.sep |= u64::from(m.sep) << at;
        masks.slow |= u64::from(m.slow) << at;
        if masks.slow != 0 {
            return masks;
        }
        at += 16;
    }
    classify_table(&block[at..], at, &mut masks);
    masks
}

/// [`classify`] from the table: eight bytes at a time, a multiplication
/// moving bit 0 of each of eight bytes into one byte. Stops after the first
/// eight bytes holding a slow byte, so text where they are frequent
/// (accents, other scripts) wastes little.
fn classify_table(bytes: &[u8], offset: usize, masks: &mut Masks) {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    for (j, eight) in bytes.chunks(8).enumerate() {
        let mut w = [0u8; 8];
        for (f, &b) in w.iter_mut().zip(eight) {
            *f = FLAGS[usize::from(b)];
        }
        let w = u64::from_le_bytes(w);
        let shift = offset + 8 * j;
        let bits = |flag: u32| ((((w >> flag) & LOW_BITS).wrapping_mul(GATHER)) >> 56) << shift;
        masks.alnum |= bits(0);
        masks.sep |= bits(1);
        masks.slow |= bits(2);
        if masks.slow != 0 {
            return;
        }
    }
}

/// The flags of sixteen bytes at once, by SSE2 comparisons (part of every
/// x86-64 processor): the same answers as [`FLAGS`], checked against it
/// for every byte by the tests.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8,
        _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// [`super::Masks`] of sixteen bytes, sixteen bits each.
    pub(super) struct Masks16 {
        pub alnum: u16,
        pub sep: u16,
        pub slow: u16,
    }

    /// Bytes equal to `c`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn eq(v: __m128i, c: u8) -> __m128i {
        _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))
    }

    /// Bytes from `lo` to `hi`, both ASCII. Signed comparisons: bytes from
    /// 0x80 are negative, so no ASCII range takes them in; they are slow
    /// bytes.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn between(v: __m128i, lo: u8, hi: u8) -> __m128i {
        _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8((lo - 1) as i8)),
            _mm_cmplt_epi8(v, _mm_set1_epi8((hi + 1) as i8)),
        )
    }

    /// The masks of `bytes`.
    #[target_feature(enable = "sse2")]
    pub(super) fn classify16(bytes: &[u8; 16]) -> Masks16 {
        // SAFETY: `bytes` is 16 readable bytes, and `_mm_loadu_si128` reads
        // exactly 16 with no alignment required.
        let v = unsafe { _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>()) };
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let alnum = _mm_or_si128(between(v, b'0', b'9'), between(folded, b'a', b'z'));
        // ASCII white space is tab, line feed, form feed, carriage return
        // and space: 0x09 to 0x0D but not 0x0B.
        let space = _mm_or_si128(
            _mm_andnot_si128(eq(v, 0x0B), between(v, 0x09, 0x0D)),
            _mm_or_si128(eq(v, b' '), _mm_or_si128(eq(v, b'/'), eq(v, b'|'))),
        );
        let slow = _mm_or_si128(
            _mm_cmplt_epi8(v, _mm_set1_epi8(0)),
            _mm_or_si128(
                _mm_or_si128(eq(v, b'['), eq(v, b']')),
                _mm_or_si128(eq(v, b'<'), eq(v, b'{')),
            ),
        );
        // `_mm_movemask_epi8` gives one bit per byte in the low 16 bits.
        Masks16 {
            alnum: _mm_movemask_epi8(alnum) as u16,
            sep: _mm_movemask_epi8(space) as u16,
            slow: _mm_movemask_epi8(slow) as u16,
        }
    }
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

    /// `classify` from the table alone, for every byte of `block`.
    fn by_table(block: &[u8]) -> Masks {
        let mut m = Masks {
            alnum: 0,
            sep: 0,
            slow: 0,
        };
        for (k, &b) in block.iter().enumerate() {
            let f = FLAGS[usize::from(b)];
            m.alnum |= u64::from(f & ALNUM != 0) << k;
            m.sep |= u64::from(f & SPACE != 0) << k;
            m.slow |= u64::from(f & SLOW != 0) << k;
        }
        m
    }

    /// The bits up to and including the lowest set bit of `slow` (all bits
    /// when none is set): where the masks must agree.
    fn up_to_first(slow: u64) -> u64 {
        if slow == 0 {
            return u64::MAX;
        }
        let lowest = slow & slow.wrapping_neg();
        lowest | (lowest - 1)
    }

    #[test]
    fn vector_classes_agree_with_the_table_for_every_byte() {
        // Each byte value at each of the 64 places, among plain letters:
        // every mask bit up to the first slow byte must agree.
        for b in 0..=255u8 {
            for place in [0, 5, 15, 16, 31, 47, 63] {
                let mut block = [b'a'; 64];
                block[place] = b;
                let (got, want) = (classify(&block), by_table(&block));
                let upto = up_to_first(want.slow);
                assert_eq!(
                    got.slow & upto,
                    want.slow & upto,
                    "byte {b:#04x} at {place}"
                );
                assert_eq!(
                    got.alnum & upto,
                    want.alnum & upto,
                    "byte {b:#04x} at {place}"
                );
                assert_eq!(got.sep & upto, want.sep & upto, "byte {b:#04x} at {place}");
            }
        }
        // Blocks of every length, so the table finishes the vector's tail.
        let text =
            b"Mali's 3,000 troops/observers | e.g. ECOWAS [x] <b> {#id} \xc3\xa9t\xc3\xa9 end.";
        for len in 0..=text.len().min(64) {
            let block = &text[..len];
            let (got, want) = (classify(block), by_table(block));
            let upto = up_to_first(want.slow);
            assert_eq!(
                (got.alnum & upto, got.sep & upto, got.slow & upto),
                (want.alnum & upto, want.sep & upto, want.slow & upto),
                "length {len}"
            );
        }
    }

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
            "Intro.\n\n   ## Indented\n\n    # code, not a heading\nText\n---\n",
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
            // The first line, the end and lines that may be headings are
            // kept; any other line start may be unknown, never wrong.
            let kept = |o: usize| o == 0 || o >= text.len() || may_be_heading(&text[o..]);
            for &a in &starts {
                for &b in starts.iter().filter(|&&b| b >= a) {
                    let got = lines.between(a, b, text.len());
                    let want = count_words(&text[a..b]);
                    if kept(a) && kept(b) {
                        assert_eq!(got, Some(want), "{text:?} {a}..{b}");
                    } else {
                        assert!(got.is_none_or(|n| n == want), "{text:?} {a}..{b}");
                    }
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
