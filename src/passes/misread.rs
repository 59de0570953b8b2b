//! Misread characters: visually similar glyphs, decided in context.
//!
//! OCR swaps a character for one that looks alike: 干 read as 于, 宜 as 官,
//! 城 as 域, 入 as 人. Blind replacement would wreck correct text (落实于,
//! 官居一品 and 人口 are right), so every candidate is judged in context:
//!
//! 1. **Curated context rules** (`rules/context.tsv`) fix what is certain in
//!    context: `实于奋斗` → `实干奋斗`, unless the text is one of the rule's
//!    exceptions.
//! 2. **The language model**: at a suspicious character (one that the best
//!    segmentation of its sentence leaves as a lone character or inside a
//!    rare word), every character it is visually confused with
//!    (`rules/confusions.tsv`) is tried, and the window around it scored
//!    with the lexicon's word-graph model. A candidate that reads much
//!    better becomes a fix; a smaller gain is reported as a suggestion. The
//!    same word spelled correctly elsewhere in the document adds evidence
//!    (`中心城区` two lines above `中心域区`).
//!
//! Numbers, Latin text, protected words (`rules/protected.tsv`) and names
//! after a title word (记者 徐晓会, 书记 乔兵) are never changed.
//!
//! ```text
//! 加快提升中心城区首位度，努力做强中心域区  →  …努力做强中心城区
//! ```

use super::{Options, Pass, RuleInfo};
use crate::chars::is_han;
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::lexicon::Lexicon;
use crate::rules::Rules;
use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::{Context as _, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

pub const ID: &str = "misread";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "context-rule",
        about: "Applies a curated rule from rules/context.tsv (wrong → right in a context, with exceptions).",
    },
    RuleInfo {
        id: "lexicon",
        about: "Replaces a visually confusable character when the lexicon's word model reads the corrected text far better; smaller gains are suggestions.",
    },
];

/// Characters each side of a suspicious character that the model scores.
const WINDOW: usize = 4;
/// A word at least this frequent (jieba counts) is trusted as read.
const SAFE_WORD_FREQ: u64 = 50;
/// Candidates tried per character, best first.
const MAX_CANDIDATES: usize = 10;
/// Gain in nats (log-probability) at which a candidate reaches confidence
/// 0.5, the default `--min-confidence`. Chosen on the dev corpus: at 13 the
/// clean gold pages get no edit and 99% of the fixes on OCR output are right
/// (at 10: 8 of 40 gold pages changed, 89% right).
const MIDPOINT: f64 = 13.0;
/// How fast confidence rises with the gain.
const SCALE: f64 = 2.5;
/// Below this confidence a candidate is not reported at all.
const REPORT_FLOOR: f32 = 0.15;
/// Gain added when the corrected word occurs elsewhere in the document.
const DOC_BONUS: f64 = 4.0;
/// Gain per natural log of the times a pair was seen in real OCR output
/// (pairs seen twice or more), at least 1.5: 1.5 nats for 2 sightings, 3.7
/// for 12 (官→宫).
const OCR_BONUS: f64 = 1.5;

/// One confusion: the true character a misread may stand for.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    truth: char,
    glyph: f32,
    ocr: u32,
}

struct ContextRule {
    wrong: String,
    right: String,
    note: String,
    unless: Vec<String>,
}

pub struct Misread {
    lexicon: Arc<Lexicon>,
    confusions: Confusions,
    rules: Vec<ContextRule>,
    matcher: Option<AhoCorasick>,
    /// Words after which a name follows (记者, 书记): the name is left alone.
    titles: Vec<Vec<char>>,
    /// First characters of `titles`: other positions need no comparison.
    title_first: FxHashSet<char>,
    /// Bytes of text this pass has judged, to decide when the lexicon's
    /// pair tables pay for themselves.
    seen_bytes: AtomicUsize,
}

/// After this much text (in one document or over a batch), the lexicon
/// loads its warm tables ([`Lexicon::warm_up`]: about 4 ms, a copy of 7 MB
/// compiled in); they make its walks about three times as fast and change
/// no answer. About 20,000 characters of Chinese repay the load; a one-line
/// pipe never pays for it.
const WARM_UP_BYTES: usize = 64 * 1024;

/// The confusion sets, by observed character. The built-in table (56,000
/// lines, sorted by observed character) is not parsed at start-up: a
/// character's lines are found by binary search and parsed when first asked
/// for, so a one-line pipe reads a handful of them.
enum Confusions {
    Parsed(FxHashMap<char, Vec<Candidate>>),
    Sorted {
        /// The table's lines after its header comments.
        body: &'static str,
        /// Parsed lists of the CJK Unified Ideographs, by code point.
        cjk: Box<[OnceLock<Vec<Candidate>>]>,
    },
}

const CJK_FIRST: u32 = 0x4e00;
const CJK_LAST: u32 = 0x9fff;

impl Confusions {
    fn sorted(text: &'static str) -> Confusions {
        // Header comments come first; the body starts at the first line
        // that is not one.
        // slice: `at` is 0, the end of `text` or just after a `\n`.
        let mut at = 0;
        while text[at..].starts_with('#') {
            at = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        }
        let cjk = (CJK_FIRST..=CJK_LAST).map(|_| OnceLock::new()).collect();
        Confusions::Sorted {
            body: &text[at..],
            cjk,
        }
    }

    fn get(&self, c: char) -> Option<&[Candidate]> {
        let list = match self {
            Confusions::Parsed(m) => m.get(&c)?,
            Confusions::Sorted { body, cjk } => {
                let slot = (c as u32).checked_sub(CJK_FIRST).map(|i| i as usize);
                match slot.and_then(|i| cjk.get(i)) {
                    Some(cell) => cell.get_or_init(|| parse_lines_of(body, c)),
                    // Outside the block: rare, parsed each time.
                    None => return leak_free(parse_lines_of(body, c)),
                }
            }
        };
        (!list.is_empty()).then_some(list.as_slice())
    }
}

/// Characters outside the CJK block are not cached; none of the built-in
/// table's observed characters is one, so this is never reached with it.
fn leak_free(_: Vec<Candidate>) -> Option<&'static [Candidate]> {
    None
}

/// The candidates for `c` from the sorted table `body`: binary search for
/// the first line whose observed character is `c`, then its block of
/// lines, ranked.
fn parse_lines_of(body: &str, c: char) -> Vec<Candidate> {
    let bytes = body.as_bytes();
    // Line starts are character boundaries: work on bytes.
    // slice: every position passed to or returned by these helpers is in
    // `0..=body.len()`, and `lo` is 0 or just after a `\n`.
    let line_start = |i: usize| {
        bytes[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1)
    };
    let line_end = |i: usize| {
        bytes[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |n| i + n + 1)
    };
    let key = |start: usize| body.get(start..).and_then(|s| s.chars().next());
    // Invariant: lines starting before `lo` have a key < c; lines starting
    // at or after `hi` have a key >= c.
    let (mut lo, mut hi) = (0, body.len());
    while lo < hi {
        let mid = line_start(lo + (hi - lo) / 2).max(lo);
        if key(mid).is_some_and(|k| k < c) {
            lo = line_end(mid);
        } else {
            hi = mid;
        }
    }
    let mut list = Vec::new();
    for line in body[lo..].lines() {
        let mut f = line.split('\t');
        if f.next().and_then(single_char) != Some(c) {
            break;
        }
        let mut next = || f.next().unwrap_or("");
        let (t, sc, src) = (next(), next(), next());
        // The built-in table is checked by a test (`builtin_confusions_parse`).
        if let Ok(Some(cand)) = candidate(t, sc, src) {
            list.push(cand);
        }
    }
    rank(&mut list);
    list
}

/// One line of `confusions.tsv` as a candidate: None when the pair is too
/// weak to try (seen once in OCR output and not alike in glyph).
fn candidate(truth: &str, score: &str, sources: &str) -> Result<Option<Candidate>, String> {
    let truth = single_char(truth).ok_or("observed and truth must be single characters")?;
    let glyph: f32 = score.parse().map_err(|_| "score must be a number")?;
    let ocr = sources
        .split(',')
        .find_map(|s| s.strip_prefix("ocr:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Ok((glyph >= 0.8 || ocr >= 2).then_some(Candidate { truth, glyph, ocr }))
}

/// Best candidates first: often seen in OCR output, then most alike.
fn rank(list: &mut Vec<Candidate>) {
    list.sort_by(|a, b| {
        (b.ocr.min(5), b.glyph)
            .partial_cmp(&(a.ocr.min(5), a.glyph))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    list.truncate(MAX_CANDIDATES);
}

pub fn build(rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(misread(rules)?))
}

fn misread(rules: &Rules) -> Result<Misread> {
    let lexicon = rules.lexicon()?;
    let confusions = match rules.untouched_default("confusions.tsv") {
        Some(text) => Confusions::sorted(text),
        None => {
            let mut map: FxHashMap<char, Vec<Candidate>> = FxHashMap::default();
            for e in rules.table("confusions.tsv") {
                let observed = single_char(e.key()).with_context(|| {
                    format!("{}: observed and truth must be single characters", e.origin)
                })?;
                let cand = candidate(e.get(1), e.get(2), e.get(3))
                    .map_err(|why| anyhow::anyhow!("{}: {why}", e.origin))?;
                if let Some(cand) = cand {
                    map.entry(observed).or_default().push(cand);
                }
            }
            map.values_mut().for_each(rank);
            Confusions::Parsed(map)
        }
    };
    let mut ctx_rules = Vec::new();
    for e in rules.table("context.tsv") {
        let (wrong, right) = (e.key().to_string(), e.get(1).to_string());
        if wrong.chars().count() != right.chars().count() {
            anyhow::bail!(
                "{}: wrong and right must have the same number of characters",
                e.origin
            );
        }
        ctx_rules.push(ContextRule {
            wrong,
            right,
            note: e.get(2).to_string(),
            unless: e
                .get(3)
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        });
    }
    let matcher = if ctx_rules.is_empty() {
        None
    } else {
        Some(
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(ctx_rules.iter().map(|r| r.wrong.as_str()))
                .context("cannot build the context-rule matcher")?,
        )
    };
    let mut titles: Vec<Vec<char>> = rules
        .table("titles.tsv")
        .iter()
        .map(|e| e.key().chars().collect())
        .collect();
    titles.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let title_first = titles.iter().filter_map(|t| t.first().copied()).collect();
    Ok(Misread {
        lexicon,
        confusions,
        rules: ctx_rules,
        matcher,
        titles,
        title_first,
        seen_bytes: AtomicUsize::new(0),
    })
}

/// How often words occur in the document. A page is simply searched, with
/// each answer remembered; in a long document every run of two to four Han
/// characters is counted once, when first asked, so that a query is a hash
/// lookup instead of a scan.
#[derive(Default)]
struct Counts {
    seen: FxHashMap<String, usize>,
    grams: Option<FxHashMap<u128, u32>>,
}

/// Above this size, counting every short run beats searching per word.
const SCAN_LIMIT: usize = 64 * 1024;

fn gram_key(chars: impl Iterator<Item = char>) -> u128 {
    chars.fold(1u128, |k, c| (k << 21) | c as u128)
}

impl Counts {
    fn of(&mut self, text: &str, word: &str) -> usize {
        let n = word.chars().count();
        if text.len() <= SCAN_LIMIT || !(2..=4).contains(&n) || !word.chars().all(is_han) {
            if let Some(&c) = self.seen.get(word) {
                return c;
            }
            // memchr's SIMD search: counting a page's words this way was a
            // tenth of the pass. (An empty word matches at every character
            // boundary, as `str::matches` counts it.)
            let c = if word.is_empty() {
                text.chars().count() + 1
            } else {
                memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).count()
            };
            self.seen.insert(word.to_string(), c);
            return c;
        }
        let grams = self.grams.get_or_insert_with(|| {
            let chars: Vec<char> = text.chars().collect();
            let mut m = FxHashMap::default();
            for i in 0..chars.len() {
                for len in 2..=4 {
                    let Some(g) = chars.get(i..i + len) else {
                        break;
                    };
                    if !g.iter().all(|&c| is_han(c)) {
                        break;
                    }
                    *m.entry(gram_key(g.iter().copied())).or_insert(0) += 1;
                }
            }
            m
        });
        grams.get(&gram_key(word.chars())).copied().unwrap_or(0) as usize
    }
}

/// What a run of the pass keeps from line to line: the document's word
/// counts, and for the line being judged its characters, their byte
/// offsets in the document (one more: the line's end) and which of them
/// are names, in buffers that a page allocates once.
#[derive(Default)]
struct Sweep {
    counts: Counts,
    chars: Vec<char>,
    offsets: Vec<usize>,
    names: Vec<bool>,
}

/// What [`Misread::forms_word_after`] learns at a position that holds for
/// every candidate there.
#[derive(Default)]
struct Walks {
    /// The [`Misread::join_chain`] of the position.
    chain: Option<usize>,
}

/// Chinese numerals: digits of numbers and article numbers (第二十一条),
/// which a word model cannot judge; left alone like Arabic digits.
fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '○'
            | '零'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
            | '两'
    )
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// Confidence of a gain in nats: 0.5 at [`MIDPOINT`], rising steeply.
fn confidence(gain: f64) -> f32 {
    (1.0 / (1.0 + (-(gain - MIDPOINT) / SCALE).exp())) as f32
}

impl Misread {
    /// Applies the curated rules; the spans of their exceptions that stand
    /// in the text go to `excepted`: curated as right, so no other evidence
    /// may change them either.
    fn context_rules(
        &self,
        doc: &Document,
        edits: &mut Vec<Edit>,
        excepted: &mut Vec<Range<usize>>,
    ) {
        let Some(m) = &self.matcher else { return };
        for hit in m.find_iter(doc.text) {
            // index: the matcher was built from `self.rules`, one pattern
            // per rule, so a pattern id is a rule index.
            let rule = &self.rules[hit.pattern().as_usize()];
            let blocked = rule.unless.iter().find_map(|u| {
                // The exception must cover the match where it stands. Where
                // it would start may fall inside a character of the text
                // (`A实于` before `好实于`): no match there.
                u.match_indices(rule.wrong.as_str()).find_map(|(off, _)| {
                    hit.start()
                        .checked_sub(off)
                        .filter(|&at| {
                            doc.text
                                .get(at..)
                                .is_some_and(|rest| rest.starts_with(u.as_str()))
                        })
                        .map(|at| at..at + u.len())
                })
            });
            if let Some(span) = blocked {
                excepted.push(span);
                continue;
            }
            // Edit only the characters that differ, so the change is minimal.
            for ((off, w), r) in rule.wrong.char_indices().zip(rule.right.chars()) {
                if w != r {
                    let at = hit.start() + off;
                    edits.push(Edit::fix(
                        at..at + w.len_utf8(),
                        r.to_string(),
                        ID,
                        "context-rule",
                        0.95,
                        format!("{} → {}: {}", rule.wrong, rule.right, rule.note),
                    ));
                }
            }
        }
    }

    /// Positions (char indices into `chars`) of names after a title word.
    fn name_positions(&self, chars: &[char], name: &mut Vec<bool>) {
        // index: `i < chars.len()` and `k < chars.len()` from the loop bounds.
        name.clear();
        name.resize(chars.len(), false);
        for i in 0..chars.len() {
            if !self.title_first.contains(&chars[i]) {
                continue;
            }
            for t in &self.titles {
                if t.first() == Some(&chars[i]) && chars[i..].starts_with(t) {
                    let start = i + t.len();
                    let mut k = start;
                    while k < chars.len()
                        && k < start + 4
                        && (is_han(chars[k]) || chars[k] == ' ' || chars[k] == '*')
                    {
                        name[k] = true;
                        k += 1;
                    }
                    break;
                }
            }
        }
    }

    fn lexicon_edits(
        &self,
        doc: &Document,
        sweep: &mut Sweep,
        text: &str,
        base: usize,
        edits: &mut Vec<Edit>,
        judged: &mut Vec<(usize, Judged)>,
    ) {
        let Sweep {
            counts,
            chars,
            offsets,
            names,
        } = sweep;
        chars.clear();
        offsets.clear();
        for (i, c) in text.char_indices() {
            chars.push(c);
            offsets.push(base + i);
        }
        offsets.push(base + text.len());
        self.name_positions(chars, names);
        let (chars, offsets, names) = (&chars[..], &offsets[..], &names[..]);
        // index: `i` and `run` stay within `chars`; a word of the
        // segmentation of `chars[run]` is a range of it, so `pos < run.end`,
        // and `names`/`offsets` have `chars.len()` and `chars.len() + 1` cells.
        let mut i = 0;
        while i < chars.len() {
            if !is_han(chars[i]) {
                i += 1;
                continue;
            }
            // A run of Han characters: the unit the model segments.
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            let run = start..i;
            if run.len() < 2 {
                continue;
            }
            let (_, words) = self.lexicon.segment(&chars[run.clone()]);
            for (w, freq) in words {
                if w.len() >= 2 && freq.unwrap_or(0) >= SAFE_WORD_FREQ {
                    continue;
                }
                for p in w.clone() {
                    let pos = run.start + p;
                    if names[pos] || self.lexicon.protected_span(chars, pos).is_some() {
                        continue;
                    }
                    let range = offsets[pos]..offsets[pos + 1];
                    if doc.is_protected(&range) {
                        continue;
                    }
                    if let Some((e, j)) = self.judge(doc, counts, chars, run.clone(), pos, range) {
                        judged.push((edits.len(), j));
                        edits.push(e);
                    }
                }
            }
        }
    }

    /// True when some lexicon word of two or more characters covers `pos`
    /// once `t` stands there: a cheap test before scoring the window.
    #[cfg(test)]
    fn forms_word(&self, chars: &[char], window: &Range<usize>, pos: usize, t: char) -> bool {
        self.forms_word_after(chars, window, pos, t, &mut Walks::default())
    }

    /// Where the chain of joinable pairs that ends just before `pos - 1`
    /// begins, as an offset into `window`: the first start a word through
    /// `pos` can have, whatever stands at `pos`, once the pair
    /// `chars[pos - 1]`+candidate joins (see `forms_word_after`). The same
    /// for every candidate at `pos`: computed once per position.
    fn join_chain(&self, chars: &[char], window: &Range<usize>, pos: usize) -> usize {
        // index: `window` is a range of `chars` holding `pos` (see `judge`);
        // `k + 1 < at` in the search.
        let at = pos - window.start;
        let w = &chars[window.clone()];
        (0..at.saturating_sub(1))
            .rev()
            .find(|&k| !self.lexicon.may_join(w[k], w[k + 1]))
            .map_or(0, |k| k + 1)
    }

    /// [`Misread::forms_word`], with what does not depend on `t` computed
    /// into `walks` when first needed and reused for the next candidate.
    fn forms_word_after(
        &self,
        chars: &[char],
        window: &Range<usize>,
        pos: usize,
        t: char,
        walks: &mut Walks,
    ) -> bool {
        // index: `window` is a range of `chars` of at most `2 * WINDOW + 1`
        // characters holding `pos` (see `judge`); neighbours are checked
        // against its ends first; `first <= at`.
        // Such a word holds `t` next to a neighbour: with neither pair in
        // any word, there is nothing to walk.
        let left = pos > window.start && self.lexicon.may_join(chars[pos - 1], t);
        let right = pos + 1 < window.end && self.lexicon.may_join(t, chars[pos + 1]);
        if !left && !right {
            return false;
        }
        let n = window.len();
        let at = pos - window.start;
        // A word from `s` that reaches `at` holds every pair in between: it
        // cannot start at or before a pair that no word holds. (Without the
        // pair tables every pair may join, and every start is walked.) The
        // pair just before `at` is the one `left` tested; the pairs before
        // it are the chain's.
        let first = match (at, left) {
            (0, _) => 0,
            (_, false) => at,
            (_, true) => *walks
                .chain
                .get_or_insert_with(|| self.join_chain(chars, window, pos)),
        };
        let mut buf = ['\0'; 2 * WINDOW + 1];
        buf[..n].copy_from_slice(&chars[window.clone()]);
        buf[at] = t;
        (first..=at).any(|s| {
            self.lexicon
                .prefix_words(&buf[..n], s, n - s)
                .any(|(len, _)| len >= 2 && s + len > at)
        })
    }

    /// Tries every candidate for the character at `pos` and returns the best
    /// one worth reporting.
    fn judge(
        &self,
        doc: &Document,
        counts: &mut Counts,
        chars: &[char],
        run: Range<usize>,
        pos: usize,
        range: Range<usize>,
    ) -> Option<(Edit, Judged)> {
        // index: `pos` lies in `run`, a range of `chars`, and `window` is
        // clamped to `run` around it; `word` is a range of the segmentation
        // of `fixed` (the window's characters), or `at..at + 1`.
        let cands = self.confusions.get(chars[pos])?;
        let window = pos.saturating_sub(WINDOW).max(run.start)..(pos + WINDOW + 1).min(run.end);
        let mut base = None;
        let mut best: Option<(f64, Candidate, f64)> = None;
        if is_numeral(chars[pos]) {
            return None;
        }
        let mut walks = Walks::default();
        for c in cands {
            if !is_han(c.truth) || is_numeral(c.truth) {
                continue;
            }
            if !self.forms_word_after(chars, &window, pos, c.truth, &mut walks) {
                continue; // no word to gain: the model could not prefer it
            }
            let base = *base.get_or_insert_with(|| self.lexicon.score(&chars[window.clone()]));
            let model = self.lexicon.score_with(chars, window.clone(), pos, c.truth) - base;
            let gain = model
                + if c.ocr >= 2 {
                    OCR_BONUS * f64::from(c.ocr).ln().max(1.0)
                } else {
                    0.0
                };
            if best.as_ref().is_none_or(|b| gain > b.0) {
                best = Some((gain, *c, model));
            }
        }
        let (mut gain, cand, model) = best?;
        if confidence(gain + DOC_BONUS) < REPORT_FLOOR {
            return None;
        }
        // Document evidence: the corrected word, as the model segments it,
        // spelled that way elsewhere in the document.
        let mut fixed: Vec<char> = chars[window.clone()].to_vec();
        fixed[pos - window.start] = cand.truth;
        let (_, words) = self.lexicon.best_segmentation(&fixed);
        let at = pos - window.start;
        let word = words
            .iter()
            .find(|w| w.contains(&at))
            .cloned()
            .unwrap_or(at..at + 1);
        let corrected: String = fixed[word.clone()].iter().collect();
        // Only a consistent spelling counts: the misread form must not occur
        // anywhere else (then it may be a real word the lexicon lacks).
        let original: String = chars[window.start + word.start..window.start + word.end]
            .iter()
            .collect();
        let consistent = corrected.chars().count() >= 2 && counts.of(doc.text, &original) == 1;
        let seen_elsewhere = consistent && counts.of(doc.text, &corrected) > 0;
        let judged = Judged {
            corrected: corrected.clone(),
            original,
            gain,
            awaits_evidence: corrected.chars().count() >= 2 && !seen_elsewhere,
        };
        if seen_elsewhere {
            gain += DOC_BONUS;
        }
        let conf = confidence(gain);
        if conf < REPORT_FLOOR {
            return None;
        }
        let mut reason = format!(
            "'{}' reads as '{}' ({}): model gain {:.1} nats, glyph similarity {:.2}",
            chars[pos], cand.truth, corrected, model, cand.glyph
        );
        if cand.ocr >= 2 {
            reason.push_str(&format!(", a known OCR confusion ({}×)", cand.ocr));
        }
        if seen_elsewhere {
            reason.push_str(&format!(
                ", and \"{corrected}\" occurs elsewhere in the document"
            ));
        }
        Some((
            Edit::fix(range, cand.truth.to_string(), ID, "lexicon", conf, reason),
            judged,
        ))
    }
}

/// What `judge` found beside its edit: the corrected word and its misread
/// form, the gain without document evidence, and whether the word could
/// still earn that evidence (it did not find it in the text as it stands).
struct Judged {
    corrected: String,
    original: String,
    gain: f64,
    awaits_evidence: bool,
}

/// Document evidence from this pass's own fixes: where a fix writes a word
/// (`国务螂` → `国务卿`), a weaker reading of the same word elsewhere
/// (`国务巍`) has the evidence it would find if the fixed text were run
/// again, so one run gives what two would (fixing fixed text changes
/// nothing). The test is the one `judge` makes, on the text as this run's
/// fixes leave it (`kept`: the fixes that survive the context rules): the
/// misread form occurs once there (`国家机天` twice, one fixed by this run,
/// is consistent there) and the corrected word somewhere. An upgraded edit
/// writes its word and removes its misread form, which may help another
/// reading, so the sweep is repeated until nothing changes.
fn evidence_from_fixes(
    text: &str,
    edits: &mut [Edit],
    judged: &[(usize, Judged)],
    min_confidence: f32,
    kept: impl Fn(&Edit) -> bool,
) {
    // index: every `judged` index was the length of `edits` before a push.
    let waiting = |edits: &[Edit], i: usize, j: &Judged| {
        j.awaits_evidence && edits[i].confidence < min_confidence
    };
    // Each round upgrades at least one edit, or ends.
    for _ in 0..judged.len() {
        // Only a reading whose word, or misread form, a fix of this run
        // writes or rewrites can change its verdict: most runs stop here.
        let touched = |j: &Judged| {
            judged.iter().any(|(k, f)| {
                edits[*k].confidence >= min_confidence
                    && (f.corrected.contains(j.corrected.as_str())
                        || f.original.contains(j.original.as_str()))
            })
        };
        if !judged
            .iter()
            .any(|(i, j)| waiting(edits, *i, j) && touched(j))
        {
            return;
        }
        let fixes: Vec<Edit> = edits
            .iter()
            .filter(|e| e.confidence >= min_confidence && kept(e))
            .cloned()
            .collect();
        if fixes.is_empty() {
            return;
        }
        let fixed = crate::edit::apply(text, fixes).text;
        let mut counts = Counts::default();
        let mut upgraded = false;
        for (i, j) in judged {
            if !waiting(edits, *i, j)
                || counts.of(&fixed, &j.original) != 1
                || counts.of(&fixed, &j.corrected) == 0
            {
                continue;
            }
            let conf = confidence(j.gain + DOC_BONUS);
            if conf >= min_confidence {
                let e = &mut edits[*i];
                e.confidence = conf;
                e.reason = format!(
                    "{}, and this pass writes \"{}\" elsewhere in the document",
                    e.reason, j.corrected
                );
                upgraded = true;
            }
        }
        if !upgraded {
            return;
        }
    }
}

impl Pass for Misread {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Corrects visually confused characters (实于→实干, 官居→宜居, 中心域区→中心城区) by curated context rules and a lexicon word model; weak evidence gives a suggestion."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    /// It judges Han words only, which the other passes do not change, and
    /// it is the slowest pass: one run.
    fn rerun(&self) -> bool {
        false
    }

    fn run(&self, doc: &Document, opts: &Options) -> Vec<Edit> {
        let seen = self.seen_bytes.fetch_add(doc.text.len(), Ordering::Relaxed) + doc.text.len();
        if seen >= WARM_UP_BYTES {
            self.lexicon.warm_up();
        }
        let mut edits = Vec::new();
        let mut excepted = Vec::new();
        self.context_rules(doc, &mut edits, &mut excepted);
        let mut ruled: Vec<Range<usize>> = edits.iter().map(|e| e.range.clone()).collect();
        ruled.extend(excepted);
        let mut sweep = Sweep::default();
        let mut judged = Vec::new();
        for line in &doc.lines {
            if matches!(line.kind, LineKind::Text | LineKind::Heading) {
                // slice: a line range of `doc` (see `Document`).
                self.lexicon_edits(
                    doc,
                    &mut sweep,
                    &doc.text[line.range.clone()],
                    line.range.start,
                    &mut edits,
                    &mut judged,
                );
            }
        }
        let outside_rules = |e: &Edit| {
            e.rule == "context-rule"
                || !ruled
                    .iter()
                    .any(|r| r.start < e.range.end && e.range.start < r.end)
        };
        evidence_from_fixes(
            doc.text,
            &mut edits,
            &judged,
            opts.min_confidence,
            outside_rules,
        );
        // A context rule, or its curated exception, outranks the model at
        // the same place.
        let mut seen = std::collections::HashSet::new();
        edits.retain(|e| {
            let key = (e.range.start, e.range.end);
            (e.rule == "context-rule"
                || !ruled
                    .iter()
                    .any(|r| r.start < e.range.end && e.range.start < r.end))
                && seen.insert(key)
        });
        edits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in table is parsed lazily, a character at a time, where a
    /// bad line could only be skipped: every line must parse.
    #[test]
    fn builtin_confusions_parse() {
        let text = Rules::builtin()
            .unwrap()
            .untouched_default("confusions.tsv")
            .unwrap();
        let mut lines = 0;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "line {}: {line:?}", i + 1);
            assert!(single_char(f[0]).is_some(), "line {}: {line:?}", i + 1);
            candidate(f[1], f[2], f[3]).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
            lines += 1;
        }
        assert!(lines > 50_000, "{lines} pairs");
        // Every observed character's list, found by binary search, is what a
        // full parse gives.
        let conf = Confusions::sorted(text);
        let mut full: FxHashMap<char, Vec<Candidate>> = FxHashMap::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            let o = single_char(f[0]).unwrap();
            assert!((CJK_FIRST..=CJK_LAST).contains(&(o as u32)), "{line:?}");
            let entry = full.entry(o).or_default();
            if let Some(c) = candidate(f[1], f[2], f[3]).unwrap() {
                entry.push(c);
            }
        }
        assert!(full.len() > 6_000, "{} observed characters", full.len());
        for (o, mut list) in full {
            rank(&mut list);
            let got: Vec<char> = conf.get(o).unwrap_or(&[]).iter().map(|c| c.truth).collect();
            let want: Vec<char> = list.iter().map(|c| c.truth).collect();
            assert_eq!(got, want, "{o}");
        }
        // 于 may stand for 干 (实于 → 实干), the pair the pass exists for.
        assert!(conf.get('于').unwrap().iter().any(|c| c.truth == '干'));
        assert!(conf.get('a').is_none());
    }

    /// The lexicon's tables (built for long inputs) change no answer of the
    /// pass: `forms_word` skips starts that a pair no word holds cuts off,
    /// and gives the same verdict as walking them all; whole runs give the
    /// same edits.
    #[test]
    fn warm_tables_change_no_answer() {
        // Rules share one lexicon per rules object: the cold pass gets its own.
        let own = Rules::embedded().unwrap();
        let cold = misread(&own).unwrap();
        let warm = misread(Rules::builtin().unwrap()).unwrap();
        warm.lexicon.warm_up();
        assert!(!Arc::ptr_eq(&cold.lexicon, &warm.lexicon));
        let text = format!(
            "{}\n为建设官居宜业幸福张店贡献力量。努力做强中心域区，及早介人。把工作落实于每一个环节。",
            include_str!("../../examples/zibo-excerpt.md")
        );
        let chars: Vec<char> = text.chars().collect();
        let (mut tried, mut formed, mut cut) = (0, 0, 0);
        for pos in 0..chars.len() {
            let window = pos.saturating_sub(WINDOW)..(pos + WINDOW + 1).min(chars.len());
            let Some(cands) = cold.confusions.get(chars[pos]) else {
                continue;
            };
            for c in cands {
                let a = cold.forms_word(&chars, &window, pos, c.truth);
                let b = warm.forms_word(&chars, &window, pos, c.truth);
                assert_eq!(a, b, "{pos} {} -> {}", chars[pos], c.truth);
                // The pair tables rule out only starts that find no word:
                // the same answer as walking every start of the window.
                let mut buf = chars[window.clone()].to_vec();
                let at = pos - window.start;
                buf[at] = c.truth;
                let plain = (0..=at).any(|s| {
                    warm.lexicon
                        .prefix_words(&buf, s, buf.len() - s)
                        .any(|(len, _)| len >= 2 && s + len > at)
                });
                assert_eq!(b, plain, "{pos} {} -> {} plain", chars[pos], c.truth);
                tried += 1;
                formed += usize::from(a);
                // Starts ruled out: some pair before `pos` no word holds.
                cut += usize::from((window.start..pos).any(|k| {
                    let next = if k + 1 == pos { c.truth } else { chars[k + 1] };
                    !warm.lexicon.may_join(chars[k], next)
                }));
            }
        }
        assert!(
            tried > 1_000 && formed > 100 && cut > 100,
            "{tried} {formed} {cut}"
        );
        for doc_text in [
            text.as_str(),
            "创新提升，必须实于奋斗。中心城区，中心域区。",
        ] {
            let doc = Document::parse(doc_text);
            let opts = Options::default();
            let a = cold.run(&doc, &opts);
            let b = warm.run(&doc, &opts);
            assert_eq!(a, b);
        }
    }

    /// 下足 (下足功夫, to spare no effort) is missing from jieba: without the
    /// newspaper word list the model preferred 不足 next to a 不足 elsewhere.
    #[test]
    fn domain_words_are_not_suggested_away() {
        let pass = misread(Rules::builtin().unwrap()).unwrap();
        let doc = Document::parse("找准自身的不足之处。这些难题都需要下足苦功夫、笨功夫、细功夫。");
        assert_eq!(pass.run(&doc, &Options::default()), vec![]);
    }

    #[test]
    fn table() {
        let cases = [
            ("创新提升，必须实于奋斗。", "创新提升，必须实干奋斗。"),
            (
                "为建设官居宜业幸福张店贡献力量。",
                "为建设宜居宜业幸福张店贡献力量。",
            ),
            (
                "加快提升中心城区首位度，努力做强做优做大中心域区",
                "加快提升中心城区首位度，努力做强做优做大中心城区",
            ),
            (
                "要及早摸排、及早介人、及早解决。",
                "要及早摸排、及早介入、及早解决。",
            ),
            ("把工作落实于每一个环节。", "把工作落实于每一个环节。"),
            ("他官居一品，权倾朝野。", "他官居一品，权倾朝野。"),
            ("全市人口持续增长。", "全市人口持续增长。"),
            ("大众日报记者 徐晓会 报道", "大众日报记者 徐晓会 报道"),
            ("房镇镇党委书记乔兵介绍", "房镇镇党委书记乔兵介绍"),
            // A weak reading gains the evidence of the pass's own fix of the
            // same word elsewhere: one run does what two would.
            (
                "美国国务螂奥尔布赖特今天抵达北京。克林顿和国务巍奥尔布赖特一起会见了各国代表。",
                "美国国务卿奥尔布赖特今天抵达北京。克林顿和国务卿奥尔布赖特一起会见了各国代表。",
            ),
            // The same misread form twice, one reading strong: the fixed
            // text has it once, beside the word, so the weak one is fixed
            // too (one run does what two would).
            (
                "国家机天工覆盖率很高。国家机天工作人员要廉洁奉公。",
                "国家机关工覆盖率很高。国家机关工作人员要廉洁奉公。",
            ),
            (
                "国家机天工作人员要廉洁奉公。这位国家\"机天工作人员很廉洁。",
                "国家机关工作人员要廉洁奉公。这位国家\"机关工作人员很廉洁。",
            ),
            // Alone, the weak reading stays a suggestion.
            (
                "克林顿和国务巍奥尔布赖特一起会见了各国代表。",
                "克林顿和国务巍奥尔布赖特一起会见了各国代表。",
            ),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
