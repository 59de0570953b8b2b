//! Repetition loops: a span, a line or a paragraph emitted more than once.
//!
//! Vision-language OCR models (and some OCR → Markdown converters) fall into
//! loops: the decoder re-emits the text it has just written until something
//! breaks the cycle, so a span appears two or more times back to back, often
//! with the last copy cut short. Other pipelines re-emit a whole line or
//! paragraph. This pass keeps one copy:
//!
//! ```text
//! 动员全区广大党员干部群众聚为全区广大党员干部群众聚为全区广大党员干部群众聚为是区
//!   → 动员全区广大党员干部群众聚为是区
//! ```
//!
//! Copies are compared with whitespace ignored, so a loop broken by OCR line
//! ends or by the spaces a converter left at former line ends is found too.
//! A loop never reaches across a blank line into another paragraph (a
//! repeated whole paragraph is a rule of its own), but a paragraph cut by a
//! column break (the block before the blank line ends mid-sentence and is no
//! title, or the block after it starts with `”`, `，` or, after a cut, a tiny
//! sentence) is one paragraph, as the `reflow` pass will make it. Code,
//! tables, lists and quotes are not touched.
//!
//! Fixing the output again, alone or in the whole pipeline, changes nothing:
//! cutting a loop out can bring two copies of a span together
//! (`U”UU”` → `U”U”`), so the pass runs again on what it left (up to 8
//! rounds); and no decision to keep a repeat rests on line breaks or spaces
//! the later passes remove. So verse is told by its punctuation, not its
//! line breaks (`reflow` joins lines that do not end a sentence): a
//! punctuated line said twice is a clause said twice and stays, while short
//! unpunctuated lines equal character for character are judged like any
//! loop.
//!
//! Real Chinese repeats on purpose, so a span is collapsed only when it
//! cannot be reduplication. Defaults ([`Thresholds::DEFAULT`]), chosen on the
//! dev corpus: its 40 gold pages and the raw Tesseract and RapidOCR output of
//! the same pages contain no span of 3 or more characters repeated back to
//! back (only doubled two-character words, ABAB, and doubled single
//! characters, AA: 185 on the gold pages), while the 57 injected loops are
//! 4–14 characters long (3 of them 4 characters) and repeated 2–4 times.
//!
//! * `min_unit` = 4: a repeated unit of 4 or more characters (whitespace not
//!   counted) is a loop. Shorter units are word reduplication (`看看`,
//!   `研究研究`, `是的是的`, `对不起对不起`) and stay, unless:
//! * `short_run_min` = 20: a unit of 1–3 characters repeated over 20 or more
//!   characters (`的的的的…`, `啊` × 1,000,000) is a loop as well.
//! * `min_han` = 2: the unit must hold two Han characters other than
//!   numerals, so number runs (`1111`, `2000年2000年`, `二十一日二十一日`),
//!   dashes and Latin text stay. (In the whole pipeline one Tesseract page
//!   turns `二十一日、二十二日` into `二十一日二十一日` once the misread and
//!   punctuation passes are done; without the numeral exception the second
//!   round collapsed it.)
//! * `chant_max_unit` = 12: a clause ending in `！` or `？` repeated at most 3
//!   times (`中国加油！中国加油！`) is a slogan and stays.
//! * `clause_min_unit` = 24: a clause of fewer than 24 characters repeated
//!   exactly twice (`团结就是力量，团结就是力量，`) may be a lyric, a refrain or
//!   emphasis; it is only suggested, like a short line repeated twice (none
//!   of the injected loops repeated twice is clause-aligned, so this costs
//!   nothing there).
//! * `cell_min_unit` = 8: copies of fewer than 8 characters standing between
//!   spaces on a line of short fields without punctuation
//!   (`地区 同比增长 同比增长 环比增长`) look like table cells; only
//!   suggested. The line test is the `spaces` pass's field-line test made
//!   strict (no punctuation at all, no field over 4 Han), so the spaces
//!   between such copies survive the later passes and a second run decides
//!   the same.
//! * `max_unit` = 2000: longer units are not looked for.
//! * `long_line` = 24: a line or paragraph repeated in a row is removed when it
//!   holds 24 or more characters, or when it is a full line of a column of
//!   printed lines. A shorter paragraph, or a shorter line whose copies
//!   differ in `**`, may be verse or a refrain and is only suggested.
//! * `distant_min` = 24: a prose paragraph of 24 or more characters that
//!   occurs again further down (not in a row) is reported as a suggestion,
//!   never removed. Enumerated items (`（四）…`, `第五条…`) are left out: one
//!   gold page repeats an 18-character enumerated clause in two sections of
//!   one law.
//!
//! Confidence grows with the unit: 0.95 from 8 characters, 0.9 from 6, 0.85
//! (three or more copies) or 0.8 (two) for 4–5. Every edit names the unit,
//! the count and the confidence.
//!
//! Finding the loops is linear in practice: positions whose 3-character gram
//! occurred within `max_unit` characters before are the only candidates, each
//! candidate period is extended once per maximal run, and a work budget stops
//! the search on input built to defeat it.

use super::{Options, Pass, RuleInfo};
use crate::chars::{is_cjk_punct, is_closing, is_han, is_sentence_end, str_width};
use crate::document::{Block, Document, LineKind};
use crate::edit::{Edit, EditKind};
use crate::rules::Rules;
use anyhow::Result;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::ops::Range;

pub const ID: &str = "repeats";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "tandem",
        about: "Keeps one copy of a span of 4 or more characters (2 of them Han other than numerals) repeated back to back inside a paragraph, whitespace between or inside the copies ignored; a cut-short last copy is kept. Slogans (`加油！加油！`), number runs and short clauses repeated twice stay or are only suggested.",
    },
    RuleInfo {
        id: "short-loop",
        about: "Keeps one copy of a 1–3 character unit repeated over 20 or more characters (`的的的的…`); shorter runs are reduplication (`看看`, `研究研究`).",
    },
    RuleInfo {
        id: "repeated-line",
        about: "Keeps one of consecutive identical lines (whitespace and `**` ignored; the copy with `**` kept) when the line is long or a full column line. Other short lines equal character for character are judged by `tandem`; short copies differing in `**` are only suggested.",
    },
    RuleInfo {
        id: "repeated-paragraph",
        about: "Keeps one of consecutive identical paragraphs (whitespace and `**` ignored); short ones are only suggested.",
    },
    RuleInfo {
        id: "distant-repeat",
        about: "Suggests (never applies) removing a prose paragraph of 24 or more characters that already occurred further up (enumerated items excepted).",
    },
];

/// The thresholds of the pass; see the module documentation for why each
/// default was chosen. All lengths count characters, whitespace excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Shortest unit collapsed by `tandem`.
    pub min_unit: usize,
    /// Han characters other than numerals a unit needs.
    pub min_han: usize,
    /// Longest unit looked for.
    pub max_unit: usize,
    /// Shortest run of a unit shorter than `min_unit` collapsed by `short-loop`.
    pub short_run_min: usize,
    /// Exclamations or questions up to this long, repeated at most 3 times,
    /// are slogans and stay.
    pub chant_max_unit: usize,
    /// A clause shorter than this repeated exactly twice is only suggested,
    /// as is a line shorter than `long_line` repeated twice.
    pub clause_min_unit: usize,
    /// Copies shorter than this that stand between spaces on a line of short
    /// unpunctuated fields are only suggested.
    pub cell_min_unit: usize,
    /// A repeated line or paragraph this long is removed even where a short
    /// one might be verse.
    pub long_line: usize,
    /// Shortest paragraph reported when it repeats further down.
    pub distant_min: usize,
}

impl Thresholds {
    pub const DEFAULT: Thresholds = Thresholds {
        min_unit: 4,
        min_han: 2,
        max_unit: 2000,
        short_run_min: 20,
        chant_max_unit: 12,
        clause_min_unit: 24,
        cell_min_unit: 8,
        long_line: 24,
        distant_min: 24,
    };
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[derive(Debug, Clone, Default)]
pub struct Repeats {
    pub thresholds: Thresholds,
}

impl Repeats {
    pub fn new(thresholds: Thresholds) -> Self {
        Repeats { thresholds }
    }
}

pub fn build(_rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(Repeats::default()))
}

// ---------------------------------------------------------------------------
// Finding maximal repetitions

/// A maximal repetition in a character sequence: `len` characters from
/// `start` with period `period`, at least two full copies, the unit not itself
/// a repetition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
///
/// Invariant (`find_runs_with` is the only constructor): `period >= 1`,
/// `len >= 2 * period` and `end() <= chars.len()` for the `chars` it was
/// found in; the indexing of a stream's vectors by run positions in
/// `Repeats::judge`, `cells`, `window` and `tandem_edit` relies on it.
struct Run {
    start: usize,
    period: usize,
    len: usize,
}

impl Run {
    fn copies(&self) -> usize {
        self.len / self.period
    }

    fn end(&self) -> usize {
        self.start + self.len
    }
}

/// Rounds of the whole pass on what earlier rounds left (see
/// `Repeats::run`).
const ROUNDS: usize = 8;
/// Length of the grams whose recurrence proposes a period. Three characters
/// pack exactly into a `u64` (21 bits each).
const GRAM: usize = 3;
/// Periods below this are checked directly at every position.
const DIRECT: usize = 4;

/// The last position of each gram, in a direct-mapped table: a slot holds
/// one gram, so an earlier occurrence can be forgotten (never invented). A
/// loop is missed only if every one of its grams was forgotten; with the
/// table at least 4× the sequence (up to 2^18 slots) that needs several
/// collisions inside a few characters.
///
/// One table serves every stream of a round: [`LastSeen::reset`] empties it
/// by starting a new generation (a slot written in an earlier one reads as
/// empty), so a page's many short streams do not each allocate and clear
/// their own.
#[derive(Default)]
struct LastSeen {
    slots: Vec<Slot>,
    generation: u32,
    shift: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u64,
    pos: u32,
    /// The generation that wrote the slot; 0 never is one.
    generation: u32,
}

impl LastSeen {
    /// Empties the table and sizes it for a sequence of `n` characters.
    fn reset(&mut self, n: usize) {
        let slots = (4 * n).clamp(64, 1 << 18).next_power_of_two();
        if self.slots.len() < slots {
            self.slots.resize(slots, Slot::default());
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.fill(Slot::default());
            self.generation = 1;
        }
        self.shift = 64 - slots.trailing_zeros();
    }

    /// Records `at` for `key`, returning the position stored before.
    fn swap(&mut self, key: u64, at: usize) -> Option<usize> {
        // index: `shift` keeps the top log2(slots) bits of the size set by
        // `reset`, and the table holds at least that many, so
        // `slot < slots.len()`.
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        let cell = &mut self.slots[slot];
        let before =
            (cell.generation == self.generation && cell.key == key).then_some(cell.pos as usize);
        *cell = Slot {
            key,
            // Sequences are cut into chunks of at most 8 MB, far below u32::MAX.
            pos: u32::try_from(at).unwrap_or(u32::MAX),
            generation: self.generation,
        };
        before
    }
}

fn gram_key(s: &[char]) -> u64 {
    s.iter().fold(0u64, |k, &c| (k << 21) | u64::from(c))
}

/// The smallest period of `u` (prefix function).
fn smallest_period(u: &[char]) -> usize {
    // index: `1 <= i < u.len()`, and prefix-function values satisfy
    // `pi[i] <= i`, so `k <= i - 1` and `k - 1` (taken when `k > 0`) are in range.
    let mut pi = vec![0usize; u.len()];
    for i in 1..u.len() {
        let mut k = pi[i - 1];
        while k > 0 && u[i] != u[k] {
            k = pi[k - 1];
        }
        if u[i] == u[k] {
            k += 1;
        }
        pi[i] = k;
    }
    u.len() - pi.last().copied().unwrap_or(0)
}

fn is_primitive(u: &[char]) -> bool {
    let p = smallest_period(u);
    p == u.len() || u.len() % p != 0
}

/// Every maximal repetition with a period up to `max_unit` that the gram
/// table proposes. Each position proposes at most four periods (1–3 checked
/// directly, one from the gram table); each period is extended once per
/// maximal run (`covered`), and the total extension work is capped at a
/// multiple of the length, so the search is linear.
#[cfg(test)]
fn find_runs(s: &[char], max_unit: usize) -> Vec<Run> {
    find_runs_with(s, max_unit, &mut LastSeen::default())
}

/// [`find_runs`] with a gram table to reuse (emptied first).
fn find_runs_with(s: &[char], max_unit: usize, last: &mut LastSeen) -> Vec<Run> {
    let n = s.len();
    let mut runs = Vec::new();
    if n < 2 || max_unit == 0 {
        return runs;
    }
    // Periods stay below `n` (`d <= i < n`, see `consider`): a short
    // stream needs no cell per possible unit length.
    let mut covered = vec![0usize; max_unit.min(n) + 1];
    last.reset(n);
    let mut work = 0usize;
    let budget = 48 * n + 100_000;
    // index: callers pass `i < n` and `1 <= d <= min(i, max_unit)` (a direct
    // period below `i + 1`, or `i - j` for a gram seen at an earlier `j`), so
    // `covered[d]`, `x0 = i - d` and every `s[..]` below (guarded by `a > 0`,
    // `b + d < n`, and `b - a >= d` so `a + d <= b < n`) are in bounds.
    let mut consider = |i: usize, d: usize, runs: &mut Vec<Run>, work: &mut usize| {
        if i < covered[d] {
            return;
        }
        // s[i - d] == s[i]: extend the stretch of x with s[x] == s[x + d].
        let x0 = i - d;
        let mut a = x0;
        while a > 0 && s[a - 1] == s[a - 1 + d] {
            a -= 1;
        }
        let mut b = x0;
        while b + d < n && s[b] == s[b + d] {
            b += 1;
        }
        *work += b - a + 1;
        covered[d] = b + d;
        if b - a >= d && is_primitive(&s[a..a + d]) {
            runs.push(Run {
                start: a,
                period: d,
                len: b - a + d,
            });
        }
    };
    for i in 0..n {
        if work > budget {
            break;
        }
        for d in 1..DIRECT.min(i + 1).min(max_unit + 1) {
            if s[i] == s[i - d] {
                consider(i, d, &mut runs, &mut work);
            }
        }
        if i + GRAM <= n {
            if let Some(j) = last.swap(gram_key(&s[i..i + GRAM]), i) {
                let d = i - j;
                if (DIRECT..=max_unit).contains(&d) {
                    consider(i, d, &mut runs, &mut work);
                }
            }
        }
    }
    runs
}

// ---------------------------------------------------------------------------
// The text a loop is searched in

/// The non-whitespace characters of a run of lines, with where they sit.
struct Stream<'a> {
    text: &'a str,
    /// The lines, in byte ranges of `text`.
    lines: Vec<Range<usize>>,
    chars: Vec<char>,
    /// Byte offset of each character in the document.
    at: Vec<usize>,
    /// `gap[i]`: whitespace (or a line end) stands between `chars[i - 1]` and
    /// `chars[i]`. `gap[0]` and `gap[n]` are true (the stream's edges).
    gap: Vec<bool>,
    /// `line_sum[i]`: how many of `chars[..i]` begin a line.
    line_sum: Vec<u32>,
}

impl<'a> Stream<'a> {
    fn new(text: &'a str, lines: &[Range<usize>]) -> Self {
        // Sized once for every character of the lines (whitespace too, which
        // is skipped), so that the pushes below never reallocate.
        // slice: as below.
        let n: usize = lines.iter().map(|r| text[r.clone()].chars().count()).sum();
        let mut chars = Vec::with_capacity(n);
        let mut at = Vec::with_capacity(n);
        let mut gap = Vec::with_capacity(n + 1);
        let mut line_start = Vec::with_capacity(n + 1);
        for r in lines {
            let mut pending = true; // a line start is a gap
            let mut first = true;
            // slice: `lines` are line ranges of the parsed document of `text`.
            for (i, c) in text[r.clone()].char_indices() {
                if c.is_whitespace() {
                    pending = true;
                    continue;
                }
                chars.push(c);
                at.push(r.start + i);
                gap.push(pending);
                line_start.push(first);
                pending = false;
                first = false;
            }
        }
        gap.push(true);
        line_start.push(true);
        let mut line_sum = Vec::with_capacity(line_start.len() + 1);
        let mut acc = 0u32;
        line_sum.push(0);
        for &l in &line_start {
            acc += u32::from(l);
            line_sum.push(acc);
        }
        Stream {
            text,
            lines: lines.to_vec(),
            chars,
            at,
            gap,
            line_sum,
        }
    }

    /// The text of the line holding character `i`.
    fn line_of(&self, i: usize) -> Option<&'a str> {
        let at = *self.at.get(i)?;
        let k = self.lines.partition_point(|r| r.end <= at);
        self.text.get(self.lines.get(k)?.clone())
    }

    /// Bytes from the first to the end of the last character of `r`.
    fn bytes(&self, r: Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let p = self.at.get(r.start).copied().unwrap_or(0);
            return p..p;
        }
        // index: callers pass a non-empty range of character indices inside
        // a run (see `Run`), so `r.start <= last < chars.len() == at.len()`.
        let last = r.end - 1;
        self.at[r.start]..self.at[last] + self.chars[last].len_utf8()
    }
}

// ---------------------------------------------------------------------------
// Deciding about a repetition

/// Punctuation after which a clause may start again.
fn is_break(c: char) -> bool {
    is_cjk_punct(c) || c.is_ascii_punctuation()
}

fn is_exclaim(c: char) -> bool {
    matches!(c, '！' | '？' | '!' | '?')
}

/// What to do with a repetition.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Fix(f32),
    Suggest(f32, &'static str),
}

/// A repetition ready to become an edit.
#[derive(Debug, Clone)]
struct Candidate {
    run: Run,
    rule: &'static str,
    verdict: Verdict,
}

/// Shows a unit in a reason: whole when short, else its ends.
fn show(unit: &[char]) -> String {
    if unit.len() <= 24 {
        format!("\"{}\"", unit.iter().collect::<String>())
    } else {
        // slice: `unit.len() > 24` here.
        let head: String = unit[..12].iter().collect();
        let tail: String = unit[unit.len() - 6..].iter().collect();
        format!("\"{head}…{tail}\" ({} characters)", unit.len())
    }
}

fn show_str(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    show(&chars)
}

impl Repeats {
    /// Judges a maximal repetition of a stream. `None`: leave it alone.
    fn judge(&self, st: &Stream, run: &Run) -> Option<(&'static str, Verdict)> {
        let t = &self.thresholds;
        let s = &st.chars;
        let d = run.period;
        // index: see the invariant on `Run`; `run.end() - 2 * d >= run.start`.
        let unit = &s[run.start..run.start + d];
        // Chinese numerals count as digits: `二十一日二十一日` is a number
        // run like `2000年2000年` (in the pipeline, a list of dates whose
        // separator and second date OCR garbled).
        let han = unit
            .iter()
            .filter(|&&c| is_han(c) && !is_numeral(c))
            .count();
        if han == 0 {
            // Number runs, dashes, dots, Latin: not what OCR loops look like
            // in Chinese text, and often meant (`1111`, `……`, `一一一`).
            return None;
        }
        if d < t.min_unit {
            // Cheers run long on purpose (`好！好！好！…`).
            let cheer = unit.iter().any(|&c| is_exclaim(c));
            return (run.len >= t.short_run_min && !cheer)
                .then_some(("short-loop", Verdict::Fix(0.75)));
        }
        if han < t.min_han {
            return None;
        }
        let k = run.copies();
        // Rotations of the run at which every copy is a whole clause: cut
        // after a punctuation mark. `clause_ends` holds the mark ending the
        // copies, one per such rotation.
        let mut clause_ends = Vec::new();
        let clause_start = match run.start.checked_sub(1) {
            Some(i) => is_break(s[i]),
            None => true,
        };
        if clause_start && is_break(unit[d - 1]) {
            clause_ends.push(unit[d - 1]);
        }
        let inside = &s[run.start..run.end() - 2 * d];
        clause_ends.extend(inside.iter().copied().filter(|&c| is_break(c)));
        let clause = !clause_ends.is_empty();
        if clause_ends.iter().any(|&c| is_exclaim(c)) && k <= 3 && d <= t.chant_max_unit {
            return None;
        }
        let all_han = unit.iter().filter(|&&c| is_han(c)).count();
        if d < t.cell_min_unit && all_han <= 4 && self.cells(st, run) {
            return Some((
                "tandem",
                Verdict::Suggest(0.4, "the copies stand between spaces like table cells"),
            ));
        }
        if clause && k == 2 && d < t.clause_min_unit {
            return Some((
                "tandem",
                Verdict::Suggest(
                    0.45,
                    "a short clause said twice may be meant (a lyric, emphasis)",
                ),
            ));
        }
        let conf = match d {
            8.. => 0.95,
            6..=7 => 0.9,
            _ if k >= 3 => 0.85,
            _ => 0.8,
        };
        Some(("tandem", Verdict::Fix(conf)))
    }

    /// True when, at some rotation, every copy starts and ends at whitespace
    /// on one line of short fields without punctuation: table cells.
    fn cells(&self, st: &Stream, run: &Run) -> bool {
        let d = run.period;
        // index: `line_sum` has `chars.len() + 2` cells and `gap`
        // `chars.len() + 1`; `run.start + r + j * d <= run.end()` since
        // `j <= k = (len - r) / d` (see `Run`).
        let one_line = st.line_sum[run.end()] == st.line_sum[run.start + 1];
        let aligned = (0..d.min(run.len - 2 * d + 1)).any(|r| {
            let k = (run.len - r) / d;
            (0..=k).all(|j| st.gap[run.start + r + j * d])
        });
        one_line
            && aligned
            && st.line_of(run.start).is_some_and(|line| {
                !line.chars().any(is_break)
                    && line
                        .split_whitespace()
                        .all(|f| f.chars().filter(|&c| is_han(c)).count() <= 4)
            })
    }

    /// Picks the stretch of a run to remove: `(k - 1) * period` characters,
    /// the copies after the first unless they touch a protected span (a
    /// number such as `10.4`, `**`), then the nearest shift of them that does
    /// not: any shift leaves the same text. The flag is false when every
    /// shift is protected.
    fn window(&self, doc: &Document, st: &Stream, run: &Run) -> (Range<usize>, bool) {
        let d = run.period;
        let m = (run.copies() - 1) * d;
        let first = run.start + d;
        let (lo, hi) = (run.start, run.end() - m); // possible starts
        let mut order = (0..=(hi - lo)).flat_map(|step| {
            let right = Some(first + step).filter(|&r| r <= hi);
            let left = first.checked_sub(step).filter(|&l| l >= lo && step > 0);
            [right, left].into_iter().flatten()
        });
        match order.find(|&t| !doc.is_protected(&st.bytes(t..t + m))) {
            Some(t) => (t..t + m, true),
            None => (first..first + m, false),
        }
    }

    /// The loops of one stream worth an edit: each with the stretch to
    /// remove and whether that stretch is free of protected spans.
    fn take_loops(
        &self,
        doc: &Document,
        st: &Stream,
        claimed: &Claimed,
        grams: &mut LastSeen,
    ) -> Vec<(Candidate, Range<usize>, bool)> {
        let runs = find_runs_with(&st.chars, self.thresholds.max_unit, grams);
        let mut cands: Vec<Candidate> = runs
            .into_iter()
            .filter_map(|run| {
                let (rule, verdict) = self.judge(st, &run)?;
                Some(Candidate { run, rule, verdict })
            })
            .filter(|c| !claimed.overlaps(&st.bytes(c.run.start..c.run.end())))
            .collect();
        // Biggest loops first; a smaller one is taken only where it can be
        // collapsed together with the bigger ones.
        cands.sort_by_key(|c| {
            (
                std::cmp::Reverse((c.run.copies() - 1) * c.run.period),
                c.run.start,
            )
        });
        let mut taken = Taken::default();
        let mut out = Vec::new();
        for c in cands {
            let ext = c.run.start..c.run.end();
            let (win, free) = self.window(doc, st, &c.run);
            if taken.try_take(ext, win.clone()) {
                out.push((c, win, free));
            }
        }
        out
    }

    /// Loops of one run of lines; `grams` is the round's gram table.
    fn tandem_edits(
        &self,
        doc: &Document,
        lines: &[Range<usize>],
        claimed: &Claimed,
        loops: &mut Claimed,
        edits: &mut Vec<Edit>,
        grams: &mut LastSeen,
    ) {
        let st = Stream::new(doc.text, lines);
        for (c, win, free) in self.take_loops(doc, &st, claimed, grams) {
            let mut e = self.tandem_edit(&st, &c, win, free);
            // The line rule leaves alone the lines a loop was taken from,
            // and the copies a suggestion is about (not the text around
            // them: a suggestion changes nothing).
            if e.kind == EditKind::Fix {
                loops.add(st.bytes(c.run.start..c.run.end()));
                e.range = whole_lines_with_break(doc, e.range);
            } else {
                loops.add(e.range.clone());
            }
            edits.push(e);
        }
    }

    fn tandem_edit(&self, st: &Stream, c: &Candidate, win: Range<usize>, free: bool) -> Edit {
        let run = &c.run;
        // slice: see `Run`; `tail = len % period < period`.
        let unit = &st.chars[run.start..run.start + run.period];
        let k = run.copies();
        let tail = run.len - k * run.period;
        let mut why = format!("{} ×{k} in a row", show(unit));
        if tail > 0 {
            let cut: String = unit[..tail].iter().collect();
            why.push_str(&format!(", then a cut-short copy \"{cut}\""));
        }
        let (conf, note) = match &c.verdict {
            Verdict::Fix(conf) if free => (*conf, None),
            Verdict::Fix(_) => (0.4, Some("every copy touches protected text; not applied")),
            Verdict::Suggest(conf, note) => (*conf, Some(*note)),
        };
        let reason = match note {
            None => format!("{why}: kept one copy (confidence {conf:.2})"),
            Some(n) => format!("{why}: {n}; keep one copy? (confidence {conf:.2})"),
        };
        let e = Edit::fix(st.bytes(win), "", ID, c.rule, conf, reason);
        if note.is_some() {
            e.suggest()
        } else {
            e
        }
    }
}

/// A removal that takes whole lines takes one line break with them, so no
/// blank line (a paragraph break) is left where the lines were.
fn whole_lines_with_break(doc: &Document, r: Range<usize>) -> Range<usize> {
    // The lines holding the ends (found by bisection: a page may be one
    // line of a megabyte).
    let line_at = |p: usize| doc.lines.partition_point(|l| l.range.end < p);
    let (Some(first), Some(last)) = (
        doc.lines.get(line_at(r.start)),
        doc.lines.get(line_at(r.end)),
    ) else {
        return r;
    };
    let (line_start, line_end) = (first.range.start, last.range.end);
    let text = doc.text;
    // slice: `r` comes from `Stream::bytes` (character boundaries) and the
    // two comparisons, evaluated first, keep both slices inside the lines.
    let alone = line_start <= r.start
        && r.end <= line_end
        && text[line_start..r.start].trim().is_empty()
        && text[r.end..line_end].trim().is_empty();
    if !alone {
        r
    } else if line_end < text.len() {
        line_start..line_end + 1
    } else if line_start > 0 {
        line_start - 1..line_end
    } else {
        r
    }
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn within(inner: &Range<usize>, outer: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// True when `inner` lies in what the loop `ext` keeps once `win` is cut.
fn kept_by(inner: &Range<usize>, ext: &Range<usize>, win: &Range<usize>) -> bool {
    within(inner, &(ext.start..win.start)) || within(inner, &(win.end..ext.end))
}

/// The loops taken so far in a stream: extent and removed stretch, by start,
/// and the union of the extents (a new loop outside it is taken at once).
#[derive(Debug, Default)]
struct Taken {
    by_start: BTreeMap<(usize, usize), (Range<usize>, Range<usize>)>,
    longest: usize,
    cover: BTreeMap<usize, usize>,
}

impl Taken {
    /// Takes a loop if it can be collapsed together with every loop taken
    /// before: neither removes text of the other, or one lies wholly in the
    /// text the other keeps (a loop inside the copy a bigger loop keeps;
    /// two loops sharing a cut-short copy).
    fn try_take(&mut self, ext: Range<usize>, win: Range<usize>) -> bool {
        if self.covers(&ext) {
            let from = ext.start.saturating_sub(self.longest);
            let clash = self
                .by_start
                .range((from, 0)..(ext.end, 0))
                .any(|(_, (e, w))| {
                    let mine_ok = !overlap(&win, e) || kept_by(&ext, e, w);
                    let theirs_ok = !overlap(w, &ext) || kept_by(e, &ext, &win);
                    overlap(e, &ext) && !(mine_ok && theirs_ok)
                });
            if clash {
                return false;
            }
        }
        self.longest = self.longest.max(ext.len());
        let key = (ext.start, self.by_start.len());
        self.by_start.insert(key, (ext.clone(), win));
        self.cover_insert(ext);
        true
    }

    /// True when `r` overlaps a loop taken.
    fn covers(&self, r: &Range<usize>) -> bool {
        self.cover
            .range(..r.end)
            .next_back()
            .is_some_and(|(_, &end)| end > r.start)
    }

    fn cover_insert(&mut self, r: Range<usize>) {
        let (mut start, mut end) = (r.start, r.end);
        let touching: Vec<(usize, usize)> = self
            .cover
            .range(..=end)
            .rev()
            .take_while(|(_, &e)| e >= start)
            .map(|(&s, &e)| (s, e))
            .collect();
        for (s, e) in touching {
            self.cover.remove(&s);
            start = start.min(s);
            end = end.max(e);
        }
        self.cover.insert(start, end);
    }
}

/// Byte ranges one rule decided about, which the next rules leave alone.
#[derive(Debug, Default)]
struct Claimed {
    ranges: Vec<Range<usize>>,
}

impl Claimed {
    fn add(&mut self, r: Range<usize>) {
        self.ranges.push(r);
    }

    /// Sorts and merges the ranges, so that lookups can bisect.
    fn seal(&mut self) {
        self.ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(self.ranges.len());
        for r in self.ranges.drain(..) {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        self.ranges = merged;
    }

    /// True when `r` overlaps a range (after [`Claimed::seal`]).
    fn overlaps(&self, r: &Range<usize>) -> bool {
        let i = self.ranges.partition_point(|c| c.end <= r.start);
        self.ranges.get(i).is_some_and(|c| c.start < r.end)
    }
}

// ---------------------------------------------------------------------------
// Repeated lines and paragraphs

/// A line's or paragraph's content for comparison: no whitespace, no
/// emphasis markers.
fn normalized(s: &str) -> String {
    let unmarked;
    let src = if has_markers(s) {
        unmarked = s.replace("**", "").replace("__", "");
        unmarked.as_str()
    } else {
        s
    };
    // Whole runs between whitespace, not a character at a time: this is
    // called for every line and paragraph of a page.
    let mut out = String::with_capacity(src.len());
    for piece in src.split(char::is_whitespace) {
        out.push_str(piece);
    }
    out
}

fn has_markers(s: &str) -> bool {
    s.contains("**") || s.contains("__")
}

/// The width of a column of printed lines, if `lines` (normalized) are one:
/// at least 3 lines and 40% of them share a width of 8 em or more, and fewer
/// than half of them end with punctuation. Justified column lines are cut
/// mid-phrase (13–23% of the dev corpus's OCR lines end with punctuation);
/// verse of equal line lengths (`床前明月光，`) ends nearly every line with it.
fn column_width<S: AsRef<str>>(lines: &[S]) -> Option<f32> {
    let mut counts: FxHashMap<i64, usize> = FxHashMap::default();
    for l in lines {
        let w = str_width(l.as_ref());
        if w >= 8.0 {
            *counts.entry(w.round() as i64).or_insert(0) += 1;
        }
    }
    let (&w, &n) = counts.iter().max_by_key(|(w, n)| (**n, **w))?;
    let punct_ends = lines
        .iter()
        .filter(|l| l.as_ref().chars().next_back().is_some_and(is_break))
        .count();
    (n >= 3 && n * 5 >= lines.len() * 2 && punct_ends * 2 < lines.len()).then_some(w as f32)
}

/// What a repeated piece is: the rule and the word in reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    Line,
    Paragraph,
}

impl Whole {
    fn word(self) -> &'static str {
        match self {
            Whole::Line => "line",
            Whole::Paragraph => "paragraph",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Whole::Line => "repeated-line",
            Whole::Paragraph => "repeated-paragraph",
        }
    }
}

/// A line or paragraph for the repeat rules.
#[derive(Debug, Clone)]
struct Piece {
    /// Bytes of the content (first line start to last line end).
    range: Range<usize>,
    norm: String,
    marked: bool,
    /// Printed lines it consists of.
    lines: usize,
    /// A full line of a column of printed lines (lines only).
    column_line: bool,
    /// Several short lines of uneven width: verse-like (paragraphs only).
    verse: bool,
}

impl Piece {
    fn chars(&self) -> usize {
        self.norm.chars().count()
    }

    fn han(&self) -> usize {
        self.norm.chars().filter(|&c| is_han(c)).count()
    }
}

impl Repeats {
    fn substantial(&self, p: &Piece) -> bool {
        p.chars() >= self.thresholds.min_unit && p.han() >= self.thresholds.min_han
    }

    /// Edits for maximal groups of consecutive equal pieces, except groups
    /// overlapping `avoid`; every group's extent goes into `claimed`.
    /// Returns which pieces are in a group.
    fn group_edits(
        &self,
        doc: &Document,
        pieces: &[Piece],
        kind: Whole,
        avoid: &Claimed,
        claimed: &mut Claimed,
        edits: &mut Vec<Edit>,
    ) {
        // index: `i < j <= pieces.len()` throughout, so `pieces[i]`,
        // `pieces[j - 1]` and `pieces[i..j]` are in bounds.
        let mut i = 0;
        while i < pieces.len() {
            let mut j = i + 1;
            while j < pieces.len() && pieces[j].norm == pieces[i].norm {
                j += 1;
            }
            let span = pieces[i].range.start..pieces[j - 1].range.end;
            if j - i >= 2 && self.substantial(&pieces[i]) && !avoid.overlaps(&span) {
                self.group_edit(doc, &pieces[i..j], kind, claimed, edits);
            }
            i = j;
        }
    }

    fn group_edit(
        &self,
        doc: &Document,
        group: &[Piece],
        kind: Whole,
        claimed: &mut Claimed,
        edits: &mut Vec<Edit>,
    ) {
        // index: `group_edits` passes groups of two pieces or more, and
        // `keep` is a position in the group.
        let first = &group[0];
        let last = &group[group.len() - 1];
        let k = group.len();
        let long = first.chars() >= self.thresholds.long_line;
        let column = kind == Whole::Line && group.iter().all(|p| p.column_line);
        let verse = group.iter().any(|p| p.verse);
        let mixed = group.iter().any(|p| p.marked) && !group.iter().all(|p| p.marked);
        let (conf, note) = if long && !verse {
            (0.95, None)
        } else if column {
            (0.85, None)
        } else if kind == Whole::Line && !mixed {
            // Short lines equal character for character are judged by the
            // loop rule, on their characters alone: `reflow` joins lines
            // that do not end a sentence, and a verdict that rested on the
            // line breaks would change in a second run.
            return;
        } else {
            (
                0.4,
                Some(if verse || first.lines > 1 {
                    "short lines of uneven width may be verse"
                } else {
                    "a short line may be verse or a refrain"
                }),
            )
        };
        // Keep the copy with emphasis markers when the copies differ in
        // them: markers carry information, and removing them is refused.
        let keep = if mixed {
            group.iter().position(|p| p.marked).unwrap_or(0)
        } else {
            0
        };
        let mut ranges = Vec::new();
        if keep > 0 {
            ranges.push(first.range.start..group[keep].range.start);
        }
        if keep + 1 < k {
            ranges.push(group[keep].range.end..last.range.end);
        }
        let what = format!("{} {} ×{k} in a row", kind.word(), show_str(&first.norm));
        for r in ranges {
            let blocked = doc.is_protected(&r);
            let (conf, note) = match note {
                None if blocked => (0.4, Some("the copies hold protected text; not applied")),
                n => (conf, n),
            };
            // What goes is no business of the rules that follow; the copy
            // kept still is (a loop inside it), and so is what a suggestion
            // is about: it changes nothing.
            if note.is_none() {
                claimed.add(r.clone());
            }
            let reason = match note {
                None => format!("{what}: kept one copy (confidence {conf:.2})"),
                Some(n) => format!("{what}: {n}; keep one copy? (confidence {conf:.2})"),
            };
            let e = Edit::fix(r, "", ID, kind.rule(), conf, reason);
            edits.push(if note.is_some() { e.suggest() } else { e });
        }
    }

    /// The paragraphs (blocks) of the document as pieces; `None` for blocks
    /// holding code, tables, lists or quotes.
    ///
    /// `norms` holds [`normalized`] of every line of `doc`: a paragraph's
    /// content is that of its lines end to end, since neither whitespace
    /// nor an emphasis marker (`**`, `__`) spans a line break.
    fn paragraphs(&self, doc: &Document, norms: &[String]) -> Vec<Option<Piece>> {
        doc.blocks
            .iter()
            .map(|b| {
                // index, slice: block and line ranges (see `Document`).
                let lines = &doc.lines[b.lines.clone()];
                if lines
                    .iter()
                    .any(|l| !matches!(l.kind, LineKind::Text | LineKind::Heading))
                {
                    return None;
                }
                let (first, last) = (lines.first()?, lines.last()?);
                let range = first.range.start..last.range.end;
                let text = &doc.text[range.clone()];
                let norms = &norms[b.lines.clone()];
                let short = norms
                    .iter()
                    .all(|l| str_width(l) < self.thresholds.long_line as f32);
                let verse = lines.len() >= 2 && short && column_width(norms).is_none();
                Some(Piece {
                    range,
                    norm: norms.concat(),
                    marked: has_markers(text),
                    lines: lines.len(),
                    column_line: false,
                    verse,
                })
            })
            .collect()
    }

    /// The lines of one block's text segments as pieces, segment by segment.
    /// `norms` as for [`Repeats::paragraphs`].
    fn line_pieces(
        &self,
        doc: &Document,
        norms: &[String],
        seg: &[usize],
        col: Option<f32>,
    ) -> Vec<Piece> {
        seg.iter()
            .map(|&li| {
                // index, slice: `seg` holds line indices from `segments`.
                let r = doc.lines[li].range.clone();
                let text = &doc.text[r.clone()];
                let norm = norms[li].clone();
                let w = str_width(&norm);
                Piece {
                    range: r,
                    column_line: col.is_some_and(|c| w >= c - 1.0),
                    norm,
                    marked: has_markers(text),
                    lines: 1,
                    verse: false,
                }
            })
            .collect()
    }
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十百千万亿零〇○两".contains(c)
}

/// An enumerated item: `（四）…`, `(4)…`, `四、…`, `4.…`, `第五条…`. Laws and
/// regulations repeat such items in several sections on purpose.
fn enumerated(s: &str) -> bool {
    let mut it = s.chars().peekable();
    let opened = matches!(it.peek(), Some('（' | '('));
    let ordinal = it.peek() == Some(&'第');
    if opened || ordinal {
        it.next();
    }
    let mut digits = 0;
    while it.peek().copied().is_some_and(is_numeral) {
        it.next();
        digits += 1;
    }
    if digits == 0 || digits > 4 {
        return false;
    }
    match it.next() {
        Some('）' | ')') => opened,
        Some('、' | '．' | '.') => !opened && !ordinal,
        Some('条' | '款' | '章' | '节' | '项') => ordinal,
        _ => false,
    }
}

/// Runs of consecutive lines of one kind inside a block: the stretches a
/// loop is searched in. Headings stand alone; code, tables, lists and quotes
/// are left out.
fn segments(doc: &Document, lines: Range<usize>) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    for li in lines {
        // index: `lines` is a block's line range (see `Document`).
        match doc.lines[li].kind {
            LineKind::Text => cur.push(li),
            LineKind::Heading => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push(vec![li]);
            }
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// True when a paragraph, given as its text lines, ends mid-sentence and so
/// continues in the next block, as at a column break: its last line does
/// not end a sentence, and it is not a title (30 characters or fewer
/// without sentence punctuation and without an open quote or bracket). The
/// lines are those of a whole chain of blocks already joined, and the test
/// does not depend on how they are broken, so a run on the joined text
/// decides the same.
fn continues(doc: &Document, lines: &[usize]) -> bool {
    let Some(&last) = lines.last() else {
        return false;
    };
    let core = doc
        .line(last)
        .trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_')
        .trim_end_matches(is_closing);
    if core.chars().next_back().is_none_or(is_sentence_end) {
        return false;
    }
    // A title is short: the first characters decide (whitespace not
    // counted), all of them only when emphasis markers make it close.
    let head: String = lines
        .iter()
        .flat_map(|&li| doc.line(li).chars())
        .filter(|c| !c.is_whitespace())
        .take(40)
        .collect();
    let mut text = normalized(&head);
    if text.chars().count() > 30 {
        return true;
    }
    if head.chars().count() == 40 {
        text = lines.iter().map(|&li| normalized(doc.line(li))).collect();
    }
    // A quote or bracket still open at the end: the text goes on.
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '“' | '（' | '《' | '(' => depth += 1,
            '”' | '）' | '》' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let sentence_punct = text.contains(['，', '。', '、', '；', '：', '！', '？', ',', ';', ':']);
    let title = text.chars().count() <= 30 && !sentence_punct;
    !title || depth > 0
}

/// The stretches a loop is searched in: [`segments`] of each block, the
/// last of a block joined with the first of the next when the block
/// continues there (a paragraph cut by a column break is one paragraph; the
/// `reflow` pass joins it, and a loop across the cut must be found now, or a
/// second run would find it in the joined text).
///
/// Also returns, per block, whether it was joined to the block before.
fn loop_segments(doc: &Document) -> (Vec<Vec<usize>>, Vec<bool>) {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut joined = vec![false; doc.blocks.len()];
    // The previous block ends with a text line (so the last segment ends
    // there), and whether that segment's paragraph continues in this block.
    let (mut tail_text, mut cont, mut cut) = (false, false, false);
    for (bi, b) in doc.blocks.iter().enumerate() {
        // index: blocks are non-empty line ranges (see `Document`), and
        // `joined` has one cell per block.
        let is_text = |li: usize| doc.lines[li].kind == LineKind::Text;
        let mut segs = segments(doc, b.lines.clone());
        let head_text = is_text(b.lines.start);
        if tail_text && head_text && (cont || starts_inside(doc, b, cut)) && !segs.is_empty() {
            let head = segs.remove(0);
            if let Some(last) = out.last_mut() {
                last.extend(head);
                joined[bi] = true;
            }
        }
        out.extend(segs);
        tail_text = b.lines.end > b.lines.start && is_text(b.lines.end - 1);
        cont = tail_text && out.last().is_some_and(|seg| continues(doc, seg));
        cut = tail_text && out.last().is_some_and(|seg| stops_mid_sentence(doc, seg));
    }
    (out, joined)
}

/// True when a block cannot start a paragraph: it opens with a closing
/// mark or punctuation that ends a clause (`”`, `）`, `，`, `。`), or, after
/// a block that stops mid-sentence (`after_cut`), with a sentence of three
/// characters or fewer (`表率。`), the rest of a sentence cut by a column
/// break.
fn starts_inside(doc: &Document, block: &Block, after_cut: bool) -> bool {
    // The block's first characters, across its line breaks.
    let text: String = block
        .lines
        .clone()
        .flat_map(|li| normalized(doc.line(li)).chars().take(4).collect::<Vec<_>>())
        .take(4)
        .collect();
    let opens_inside = text.chars().next().is_some_and(|c| {
        is_closing(c)
            || matches!(
                c,
                '，' | '。' | '、' | '；' | '：' | '！' | '？' | ',' | ';' | ':'
            )
    });
    opens_inside || (after_cut && text.chars().take(4).any(is_sentence_end))
}

/// True when the last of `lines` does not end a sentence.
fn stops_mid_sentence(doc: &Document, lines: &[usize]) -> bool {
    lines.last().is_some_and(|&li| {
        let core = doc
            .line(li)
            .trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_')
            .trim_end_matches(is_closing);
        core.chars()
            .next_back()
            .is_some_and(|c| !is_sentence_end(c))
    })
}

impl Pass for Repeats {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Keeps one copy of spans, lines and paragraphs that OCR emitted several times in a row (repetition loops); reports paragraphs repeated further down."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    /// Runs the rules once more on what the fixes of the previous round
    /// left, until nothing changes (at most [`ROUNDS`] rounds): removing a
    /// loop can bring two copies of a span together (`U”UU”` → `U”U”`), or
    /// make two paragraphs equal. Every edit is a deletion, so a later
    /// round's deletion maps back onto the input by stepping over the holes
    /// left before it; deletions that overlap or touch become one edit.
    /// Fixing the output again then changes nothing.
    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let (fixes, mut out): (Vec<Edit>, Vec<Edit>) = self
            .once(doc)
            .into_iter()
            .partition(|e| e.kind == EditKind::Fix && !doc.is_protected(&e.range));
        let first = crate::edit::apply(doc.text, fixes);
        let mut fixes = first.applied;
        let mut text = first.text;
        // Holes: input byte ranges deleted so far, sorted and merged.
        let mut holes = merge_holes(fixes.iter().map(|e| e.range.clone()).collect());
        // Nothing applied: the text is unchanged, so another round would
        // parse the same document (the pipeline's `doc` is the parse of its
        // text), propose the same fixes and apply none of them again. Most
        // pages stop here, at half the cost.
        let rounds = if fixes.is_empty() { 1 } else { ROUNDS };
        for _ in 1..rounds {
            let next = Document::parse(&text);
            let more: Vec<Edit> = self
                .once(&next)
                .into_iter()
                .filter(|e| e.kind == EditKind::Fix && !next.is_protected(&e.range))
                .collect();
            if more.is_empty() {
                break;
            }
            let applied = crate::edit::apply(&text, more);
            if applied.applied.is_empty() {
                break;
            }
            // Applied edits are sorted and apart, so one sweep maps them.
            let starts =
                map_over_holes(&holes, applied.applied.iter().map(|e| e.range.start), false);
            let ends = map_over_holes(&holes, applied.applied.iter().map(|e| e.range.end), true);
            for ((mut e, start), end) in applied.applied.iter().cloned().zip(starts).zip(ends) {
                e.range = start..end;
                fixes.push(e);
            }
            holes = merge_holes(fixes.iter().map(|e| e.range.clone()).collect());
            text = applied.text;
        }
        out.extend(merge_deletions(fixes));
        out
    }
}

/// Sorts ranges and merges those that overlap or touch.
fn merge_holes(mut rs: Vec<Range<usize>>) -> Vec<Range<usize>> {
    rs.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(rs.len());
    for r in rs {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Maps positions of the text left after deleting `holes` (input ranges,
/// sorted and apart) back onto the input; `positions` must not decrease.
/// Each steps over the holes before it; a hole exactly at a position is
/// stepped over unless `strictly` (the end of a deleted range stays before
/// it, a start goes after it, so a hole inside a range ends up inside the
/// mapped range). One sweep: linear in holes plus positions.
fn map_over_holes(
    holes: &[Range<usize>],
    positions: impl Iterator<Item = usize>,
    strictly: bool,
) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut h, mut shift) = (0, 0);
    for p in positions {
        while let Some(hole) = holes.get(h) {
            let q = p + shift;
            if hole.start < q || (!strictly && hole.start == q) {
                shift += hole.len();
                h += 1;
            } else {
                break;
            }
        }
        out.push(p + shift);
    }
    out
}

/// Deletions of all rounds, in input coordinates, as one edit per stretch:
/// overlapping ones are merged, their reasons joined.
fn merge_deletions(mut fixes: Vec<Edit>) -> Vec<Edit> {
    fixes.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out: Vec<Edit> = Vec::with_capacity(fixes.len());
    for e in fixes {
        match out.last_mut() {
            Some(last) if e.range.start < last.range.end => {
                last.range.end = last.range.end.max(e.range.end);
                last.confidence = last.confidence.min(e.confidence);
                last.reason = format!("{}; then {}", last.reason, e.reason);
            }
            _ => out.push(e),
        }
    }
    out
}

impl Repeats {
    /// One round of every rule over `doc`.
    fn once(&self, doc: &Document) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut claimed = Claimed::default();

        // Whole paragraphs repeated in a row. Blocks that cannot be compared
        // (code, tables) break a group, and so does a block that continues
        // the one before it (one paragraph cut by a column break: its
        // repeats are loops, found below).
        // Each line's content, normalized once for all the rules below.
        let norms: Vec<String> = (0..doc.lines.len())
            .map(|li| normalized(doc.line(li)))
            .collect();
        let paras = self.paragraphs(doc, &norms);
        let (chains, joined) = loop_segments(doc);
        let nothing = Claimed::default();
        // index: `paras` and `joined` have one cell per block; `i <= j`, and
        // `j` is checked against `paras.len()` before use.
        let mut i = 0;
        while i < paras.len() {
            let mut j = i;
            while j < paras.len() && paras[j].is_some() && (j == i || !joined[j]) {
                j += 1;
            }
            if j > i {
                let pieces: Vec<Piece> = paras[i..j].iter().flatten().cloned().collect();
                self.group_edits(
                    doc,
                    &pieces,
                    Whole::Paragraph,
                    &nothing,
                    &mut claimed,
                    &mut edits,
                );
            }
            i = if j < paras.len() && paras[j].is_some() {
                j
            } else {
                j + 1
            };
        }
        claimed.seal();

        // Loops inside a paragraph. Copies that are whole lines are left to
        // the line rule below.
        let mut loops = Claimed::default();
        let mut grams = LastSeen::default();
        for seg in &chains {
            let ranges: Vec<Range<usize>> =
                seg.iter().map(|&li| doc.lines[li].range.clone()).collect();
            self.tandem_edits(doc, &ranges, &claimed, &mut loops, &mut edits, &mut grams);
        }
        for r in &claimed.ranges {
            loops.add(r.clone());
        }
        loops.seal();

        // Lines repeated in a row inside a paragraph, where no loop was
        // taken (a loop whose copies straddle line ends can make two lines
        // equal).
        // Lines are compared along the same stretches as loops, so a line
        // repeated across a column break counts as in a row.
        let mut unused = Claimed::default();
        for seg in chains.iter().filter(|seg| seg.len() >= 2) {
            let seg_norms: Vec<&str> = seg.iter().map(|&li| norms[li].as_str()).collect();
            let col = column_width(&seg_norms);
            let pieces = self.line_pieces(doc, &norms, seg, col);
            self.group_edits(doc, &pieces, Whole::Line, &loops, &mut unused, &mut edits);
        }

        // Paragraphs repeated further down: suggestions only. A copy right
        // after the previous one belongs to a group handled above.
        let t = &self.thresholds;
        let mut seen: FxHashMap<&str, (usize, usize)> = FxHashMap::default();
        for (bi, p) in paras.iter().enumerate() {
            let Some(p) = p else { continue };
            // Prose only: bylines, titles and captions recur on a page by
            // design (`记者 赵志斌` under two stories).
            let prose = p.norm.contains(['，', '。', '；', '！', '？']);
            if !prose
                || enumerated(&p.norm)
                || p.chars() < t.distant_min
                || p.han() * 2 < t.distant_min
            {
                continue;
            }
            let Some(&(first, last)) = seen.get(p.norm.as_str()) else {
                seen.insert(p.norm.as_str(), (bi, bi));
                continue;
            };
            seen.insert(p.norm.as_str(), (first, bi));
            if last + 1 == bi {
                continue;
            }
            // index: an earlier copy sits at `last < bi` with `last + 1 != bi`,
            // so `bi >= 2`; blocks are non-empty (see `Document`).
            let prev_end = doc.blocks[bi - 1].lines.end - 1;
            let range = doc.lines[prev_end].range.end..p.range.end;
            let line = doc.blocks[first].lines.start + 1;
            let conf = 0.3;
            edits.push(
                Edit::fix(
                    range,
                    "",
                    ID,
                    "distant-repeat",
                    conf,
                    format!(
                        "paragraph {} already stands at line {line}: remove this copy? (confidence {conf:.2})",
                        show_str(&p.norm)
                    ),
                )
                .suggest(),
            );
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::Selection;
    use crate::pipeline::Pipeline;
    use std::time::{Duration, Instant};

    /// Built once: loading the built-in rules is slow in a debug build.
    fn pipeline() -> &'static Pipeline {
        static P: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
        P.get_or_init(|| {
            let sel = Selection {
                only: vec![ID.into()],
                skip: vec![],
            };
            let rules = Rules::embedded().expect("built-in rules load");
            Pipeline::new(&rules, &sel, Options::default()).expect("pipeline builds")
        })
    }

    fn fix(s: &str) -> String {
        pipeline().run(s).output
    }

    fn edits(s: &str) -> Vec<Edit> {
        Repeats::default().run(&Document::parse(s), &Options::default())
    }

    #[test]
    fn table() {
        let cases = [
            // The user's sample: three copies, the text after them kept.
            (
                "动员全区广大党员干部群众聚为全区广大党员干部群众聚为全区广大党员干部群众聚为是区、\"城市愿景",
                "动员全区广大党员干部群众聚为是区、\"城市愿景",
            ),
            // Copies broken by OCR line ends and converter spaces.
            (
                "坚持稳中求进，推动经济社会\n高质量发展推动经济社会高质量发展推\n动经济社会高质量发展取得新成效。",
                "坚持稳中求进，推动经济社会\n高质量发展取得新成效。",
            ),
            (
                "持续优化营商环境持续 优化营商环境，为企业服务。",
                "持续优化营商环境，为企业服务。",
            ),
            // The last copy cut short: the text after the last full copy stays.
            (
                "要加快推进新型城镇化建设加快推进新型城镇化建设加快推进新型城市群发展。",
                "要加快推进新型城镇化建设加快推进新型城市群发展。",
            ),
            // Four characters, two copies: the shortest loop taken.
            ("今年5月，年5月，全市开工", "今年5月，全市开工"),
            ("全体党员干部党员干部党员干部参加", "全体党员干部参加"),
            // A unit of one character over 20 characters.
            (&"的".repeat(30), "的"),
            // Reduplication and slogans stay.
            ("大家研究研究，看看。", "大家研究研究，看看。"),
            ("他天天锻炼，身体一天比一天好。", "他天天锻炼，身体一天比一天好。"),
            ("“谢谢，谢谢！”“是的是的。”", "“谢谢，谢谢！”“是的是的。”"),
            ("“对不起对不起，来晚了。”", "“对不起对不起，来晚了。”"),
            ("高喊：“加油！加油！”“好！好！好！”", "高喊：“加油！加油！”“好！好！好！”"),
            ("“中国队加油！中国队加油！中国队加油！”", "“中国队加油！中国队加油！中国队加油！”"),
            (&"好！".repeat(15), &"好！".repeat(15)),
            ("哈哈哈哈哈哈哈哈，真好笑。", "哈哈哈哈哈哈哈哈，真好笑。"),
            // Number runs and dashes.
            ("编号1111和2000年2000年两栏", "编号1111和2000年2000年两栏"),
            ("二十一日二十一日和二十六日", "二十一日二十一日和二十六日"),
            ("——————————————————————", "——————————————————————"),
            // A clause said twice, cells between spaces: suggested only.
            ("唱道：团结就是力量，团结就是力量，这力量", "唱道：团结就是力量，团结就是力量，这力量"),
            ("地区 同比增长 同比增长 环比增长", "地区 同比增长 同比增长 环比增长"),
            // Never across a blank line.
            ("凝心聚力推动高质量发展\n\n推动高质量发展取得新成效。", "凝心聚力推动高质量发展\n\n推动高质量发展取得新成效。"),
            // Tables, code and quotes are left alone.
            ("| 工业产值工业产值 | 12 |\n| 工业产值工业产值 | 12 |", "| 工业产值工业产值 | 12 |\n| 工业产值工业产值 | 12 |"),
            ("```\n推进改革推进改革\n```", "```\n推进改革推进改革\n```"),
            // Repeated lines and paragraphs.
            (
                "今年以来，全区上下紧紧围绕年度\n目标任务，扎实推进重点项目建设\n目标任务，扎实推进重点项目建设\n各项工作都取得了新的明显进展，\n为全年发展奠定了坚实基础。",
                "今年以来，全区上下紧紧围绕年度\n目标任务，扎实推进重点项目建设\n各项工作都取得了新的明显进展，\n为全年发展奠定了坚实基础。",
            ),
            (
                "市区各大公园游人如织，不少市民登高望远迎接新世纪。\n\n市区各大公园游人如织，不少市民 登高望远迎接新世纪。\n\n下午。",
                "市区各大公园游人如织，不少市民登高望远迎接新世纪。\n\n下午。",
            ),
            (
                "市区各大公园游人如织，不少市民登高望远迎接新世纪。\n\n**市区各大公园游人如织，不少市民登高望远迎接新世纪。**",
                "**市区各大公园游人如织，不少市民登高望远迎接新世纪。**",
            ),
            // Verse keeps its repeated lines.
            ("春风吹过山岗，\n我在这里等你，\n我在这里等你，\n等你回到故乡。", "春风吹过山岗，\n我在这里等你，\n我在这里等你，\n等你回到故乡。"),
            // Removing a loop brings two copies together: one pass removes
            // both (the second in a second round).
            (
                "全区广大党员干部群众聚为和全区广大党员干部群众聚为全区广大党员干部群众聚为和谐",
                "全区广大党员干部群众聚为和谐",
            ),
            (
                "全区广大党员干部群众聚为”全区广大党员干部群众聚为全区广大党员干部群众聚为”。",
                "全区广大党员干部群众聚为”全区广大党员干部群众聚为”。",
            ),
            // A paragraph cut by a column break is one paragraph.
            (
                "各部门坚持稳中求进，推动经济社会高质量发展推\n\n动经济社会高质量发展取得新成效。",
                "各部门坚持稳中求进，推动经济社会高质量发展取得新成效。",
            ),
            ("科技创新\n\n科技创新是第一动力。", "科技创新\n\n科技创新是第一动力。"),
            // A loop inside the copy a bigger loop keeps.
            (
                "他说推进改革推进改革继续前进推进改革推进改革继续前进推进改革推进改革继续前进吧",
                "他说推进改革继续前进吧",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(fix(input), want, "input: {input}");
            assert_eq!(fix(want), want, "not idempotent: {want}");
        }
    }

    #[test]
    fn reason_names_unit_count_and_confidence() {
        let e = edits(
            "动员全区广大党员干部群众聚为全区广大党员干部群众聚为全区广大党员干部群众聚为是区",
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].rule, "tandem");
        assert_eq!(e[0].kind, EditKind::Fix);
        assert_eq!(
            e[0].reason,
            "\"全区广大党员干部群众聚为\" ×3 in a row: kept one copy (confidence 0.95)"
        );
        let e = edits("今年5月，年5月，全市");
        assert_eq!(
            e[0].reason,
            "\"年5月，\" ×2 in a row: kept one copy (confidence 0.80)"
        );
        let long = prose(44, 5);
        let e = edits(&format!("{long}{long}。"));
        let head: String = long.chars().take(12).collect();
        let tail: String = long.chars().skip(38).collect();
        assert_eq!(
            e[0].reason,
            format!(
                "\"{head}…{tail}\" (44 characters) ×2 in a row: kept one copy (confidence 0.95)"
            )
        );
    }

    #[test]
    fn uncertain_repeats_are_suggestions() {
        for s in [
            "唱道：团结就是力量，团结就是力量，这力量",
            "地区 同比增长 同比增长 环比增长",
            "春风吹过山岗，\n我在这里等你，\n我在这里等你，\n等你回到故乡。",
            "全年增长10.4%，全年增长10.4%，全年增长10.4%，",
            "## 加速奔跑提速前进\n\n## 加速奔跑提速前进",
        ] {
            let e = edits(s);
            assert_eq!(e.len(), 1, "{s}: {e:?}");
            assert_eq!(e[0].kind, EditKind::Suggestion, "{s}");
            assert!(e[0].confidence < 0.5, "{s}");
            assert_eq!(fix(s), s);
        }
        let far = "经过三年的努力，全区新建改建农村公路一千二百公里，群众出行更加便利。";
        let s = format!("{far}\n\n下一步，将继续推进。\n\n{far}");
        let e = edits(&s);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].rule, "distant-repeat");
        assert_eq!(e[0].kind, EditKind::Suggestion);
        assert_eq!(&s[e[0].range.clone()], format!("\n\n{far}"));
    }

    #[test]
    fn clean_text_gets_no_edit() {
        let s = "新的一年开始了，人们在思考：未来一年会带来些什么？\n\n\
                 想看清楚未来，先要回头看看过去。\n\n（一）负责组织实施本区规划的；\n\n\
                 （二）其他事项。\n\n（一）负责组织实施本区规划的；\n\n\
                 记者 赵志斌\n\n本报讯\n\n记者 赵志斌\n\n2000年、2001年，增长10.4%。";
        assert!(edits(s).is_empty(), "{:?}", edits(s));
    }

    #[test]
    fn enumerated_items() {
        assert!(enumerated("（四）负责组织"));
        assert!(enumerated("第五条 军官"));
        assert!(enumerated("3.服役"));
        assert!(!enumerated("四川省"));
        assert!(!enumerated("（记者张三）"));
    }

    /// A deterministic pseudo-random Han text with no repeats.
    fn prose(n: usize, seed: u64) -> String {
        let mut x = seed.wrapping_mul(2).wrapping_add(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from_u32(0x4E00 + (x % 20000) as u32).unwrap_or('中')
            })
            .collect()
    }

    /// Runs the pass on `s`, returning the edits and the time taken.
    fn timed(s: &str) -> (Vec<Edit>, Duration) {
        let t = Instant::now();
        let e = edits(s);
        (e, t.elapsed())
    }

    /// Pathological input: 1 MB paragraphs. Well under a second each in a
    /// release build (see the module docs, and `tests/reliability.rs`, which
    /// `.ci/run` runs in release mode); the bound here leaves room for an
    /// unoptimized build on a slow, busy machine (8 s failed under a load
    /// average of 10) while a quadratic walk over a million characters
    /// would still take far longer.
    #[test]
    fn pathological_inputs_are_linear() {
        let limit = if cfg!(debug_assertions) {
            Duration::from_secs(30)
        } else {
            Duration::from_millis(500)
        };
        let unit = prose(1000, 7);
        let cases: Vec<(&str, String, usize)> = vec![
            ("啊 × 1,000,000", "啊".repeat(1_000_000), 1),
            ("1,000-character unit × 1,000", unit.repeat(1000), 1),
            ("1,000,000 spaces", " ".repeat(1_000_000), 0),
            ("1,000,000 characters of prose", prose(1_000_000, 3), 0),
            (
                "near-copies: 2,500 × (unit, unit less one character)",
                (0..2500)
                    .map(|i| {
                        let u = prose(200, i + 11);
                        let cut: String = u.chars().take(199).collect();
                        format!("{u}{cut}，")
                    })
                    .collect(),
                0,
            ),
            (
                "30,000 small loops in one line of 570,000 characters",
                (0..30_000)
                    .map(|i| format!("{}，", prose(6, i + 101).repeat(3)))
                    .collect(),
                30_000,
            ),
        ];
        for (name, s, want) in cases {
            let (e, took) = timed(&s);
            eprintln!("{name}: {took:?}, {} edits", e.len());
            assert_eq!(e.len(), want, "{name}");
            assert!(took < limit, "{name}: {took:?}");
        }
        let (e, _) = timed(&"啊".repeat(1_000_000));
        let out = crate::edit::apply(&"啊".repeat(1_000_000), e).text;
        assert_eq!(out, "啊");
    }

    #[test]
    fn runs_are_maximal_and_primitive() {
        let s: Vec<char> = "xabcabcabyy".chars().collect();
        let runs = find_runs(&s, 100);
        assert!(runs.contains(&Run {
            start: 1,
            period: 3,
            len: 8
        }));
        assert!(runs.contains(&Run {
            start: 9,
            period: 1,
            len: 2
        }));
        let s: Vec<char> = "啊".repeat(50).chars().collect();
        assert_eq!(
            find_runs(&s, 100),
            vec![Run {
                start: 0,
                period: 1,
                len: 50
            }]
        );
    }

    /// A gram table reused from stream to stream (as a round of the rules
    /// does) finds exactly the runs a fresh table finds, whatever the
    /// streams before it held: a longer one (a bigger table, its slots
    /// left behind) or the same text (the same grams, at other positions).
    #[test]
    fn reused_gram_table_finds_what_a_fresh_one_does() {
        let mut rng = 11u64;
        let mut next = |k: u64| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) % k
        };
        let mut grams = LastSeen::default();
        let mut found = 0;
        for round in 0..300 {
            let len = if round % 7 == 0 {
                3_000
            } else {
                5 + next(200) as usize
            };
            // Few letters, so grams recur and loops form.
            let s: Vec<char> = (0..len)
                .map(|_| ['甲', '乙', '丙', '丁', '。'][next(5) as usize])
                .collect();
            let fresh = find_runs(&s, 40);
            assert_eq!(find_runs_with(&s, 40, &mut grams), fresh, "round {round}");
            assert_eq!(
                find_runs_with(&s, 40, &mut grams),
                fresh,
                "round {round} again"
            );
            found += fresh.iter().filter(|r| r.period >= DIRECT).count();
        }
        assert!(found > 100, "{found} runs found through the table");
    }

    /// A paragraph's content is taken as its lines' end to end
    /// (`Repeats::paragraphs`): the same as normalizing the paragraph whole,
    /// also where markers, stars and underscores meet at line breaks.
    #[test]
    fn paragraph_norm_is_its_lines_end_to_end() {
        let cases = [
            "a*\n*b",
            "x**\ny",
            "x*\n**y",
            "_**_\n__",
            "* *\n**",
            "a_\n_b__c",
            "***\n*_\n_**\n_",
            "  **甲** 乙\r\n 丙__丁 \n\u{3000}戊",
            "\n\n",
        ];
        for p in cases {
            let joined: String = p.split('\n').map(normalized).collect();
            assert_eq!(normalized(p), joined, "{p:?}");
        }
        let mut mixed = String::new();
        let mut rng = 7u64;
        for _ in 0..2_000 {
            mixed.clear();
            for _ in 0..12 {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                mixed.push(['*', '_', '\n', ' ', '甲', 'a'][(rng >> 33) as usize % 6]);
            }
            let joined: String = mixed.split('\n').map(normalized).collect();
            assert_eq!(normalized(&mixed), joined, "{mixed:?}");
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            /// Any loop of 4–40 Han characters repeated 2–5 times inside
            /// non-repeating prose is removed exactly, at any place, with
            /// OCR line ends anywhere, and fixing again changes nothing.
            #[test]
            fn loops_are_removed_exactly(
                seed in 1u64..u64::MAX,
                len in 40usize..400,
                at in 0usize..400,
                unit_len in 4usize..40,
                times in 2usize..6,
                wrap in 11usize..15,
            ) {
                let base: Vec<char> = prose(len, seed).chars().collect();
                let at = at % (base.len() - unit_len);
                let unit: String = base[at..at + unit_len].iter().collect();
                let mut looped: String = base[..at + unit_len].iter().collect();
                for _ in 1..times {
                    looped.push_str(&unit);
                }
                looped.extend(&base[at + unit_len..]);
                let wrapped = |s: &str, sep: &str| -> String {
                    let cs: Vec<char> = s.chars().collect();
                    cs.chunks(wrap).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(sep)
                };
                let original: String = base.iter().collect();
                let out = fix(&looped);
                prop_assert_eq!(&out, &original);
                prop_assert_eq!(fix(&out), out.clone());
                // Broken into printed lines, or joined by a converter with a
                // space at every former line end: the same text once
                // whitespace is dropped.
                for sep in ["\n", " "] {
                    let out = fix(&wrapped(&looped, sep));
                    prop_assert_eq!(out.replace(sep, ""), original.clone());
                    prop_assert_eq!(fix(&out), out.clone());
                }
            }
        }
    }
}
