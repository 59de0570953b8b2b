//! The figures of one page and their sums, defined as in the dev corpus's
//! `score.py` so that both report the same numbers.

use super::align::{distance, editops, to_opcodes, Tag};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Whitespace as Python's `str.isspace` (and `\s` in `re`) sees it:
/// Unicode White_Space plus the information separators U+001C–U+001F.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// How a text is prepared before scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prep {
    /// Fold full-width digits, Latin letters and the symbols ％／＋－＝＊＃＆＠＜＞［］＿｜～
    /// to ASCII (their width is a style choice). Chinese sentence
    /// punctuation is never folded.
    pub fold_width: bool,
}

impl Default for Prep {
    fn default() -> Self {
        Prep { fold_width: true }
    }
}

/// Full-width forms whose width is a style choice.
fn fold(c: char) -> char {
    let u = c as u32;
    let folds = matches!(u, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
        || matches!(
            u,
            0xFF03
                | 0xFF05
                | 0xFF06
                | 0xFF0A
                | 0xFF0B
                | 0xFF0D
                | 0xFF0F
                | 0xFF1C
                | 0xFF1D
                | 0xFF1E
                | 0xFF20
                | 0xFF3B
                | 0xFF3D
                | 0xFF3F
                | 0xFF5C
                | 0xFF5E
        );
    if folds {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// Text as scored: BOM dropped, CR LF and CR made LF, width folded.
pub fn prepare(text: &str, prep: Prep) -> String {
    let t = text.trim_start_matches('\u{feff}');
    let t = t.replace("\r\n", "\n").replace('\r', "\n");
    if prep.fold_width {
        t.chars().map(fold).collect()
    } else {
        t
    }
}

/// All whitespace removed.
pub fn nows(s: &str) -> Vec<char> {
    s.chars().filter(|&c| !is_space(c)).collect()
}

/// Ends stripped; a whitespace run containing a newline becomes `\n`, any
/// other run one space.
pub fn normws(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    let mut run: Option<bool> = None; // Some(has_newline) while in a run
    for c in s.trim_matches(is_space).chars() {
        if is_space(c) {
            let nl = run.unwrap_or(false) || c == '\n';
            run = Some(nl);
        } else {
            if let Some(nl) = run.take() {
                out.push(if nl { '\n' } else { ' ' });
            }
            out.push(c);
        }
    }
    out
}

/// What separates paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParaSep {
    /// A blank line (a line of nothing but whitespace).
    #[default]
    Blank,
    /// Any line break.
    Newline,
}

/// The paragraphs of a text, whitespace removed, empty ones dropped.
fn paragraphs(s: &str, sep: ParaSep) -> Vec<Vec<char>> {
    // index: `i < j <= chars.len()` where read, and `start <= i + 1`.
    let chars: Vec<char> = s.chars().collect();
    let mut parts: Vec<&[char]> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\n' {
            match sep {
                ParaSep::Newline => {
                    parts.push(&chars[start..i]);
                    start = i + 1;
                }
                ParaSep::Blank => {
                    let mut j = i + 1;
                    while j < chars.len() && chars[j] != '\n' && is_space(chars[j]) {
                        j += 1;
                    }
                    if j < chars.len() && chars[j] == '\n' {
                        parts.push(&chars[start..i]);
                        start = j + 1;
                        i = j + 1;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    parts.push(&chars[start..]);
    parts
        .into_iter()
        .map(|p| {
            p.iter()
                .copied()
                .filter(|&c| !is_space(c))
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Where paragraphs start, as positions in the whitespace-free text (the
/// first paragraph's start, 0, is not a break).
pub fn break_positions(s: &str, sep: ParaSep) -> Vec<usize> {
    let paras = paragraphs(s, sep);
    let mut n = 0;
    let mut out = Vec::new();
    for p in paras.iter().take(paras.len().saturating_sub(1)) {
        n += p.len();
        out.push(n);
    }
    out
}

/// For each position `0..=src.len()`, the corresponding position in `dst`
/// under the alignment.
pub fn align_map(src: &[char], dst: &[char]) -> Vec<usize> {
    align_map_and_distance(src, dst).0
}

/// [`align_map`] and the distance (the alignment's length), from one
/// alignment.
fn align_map_and_distance(src: &[char], dst: &[char]) -> (Vec<usize>, usize) {
    // index: opcode `src` ranges are ranges of `src`; `m` has one more cell.
    let ops = editops(src, dst);
    let mut m = vec![0; src.len() + 1];
    for op in to_opcodes(&ops, src.len(), dst.len()) {
        for k in op.src.clone() {
            m[k] = match op.tag {
                Tag::Equal | Tag::Replace => op.dest.start + (k - op.src.start),
                _ => op.dest.start,
            };
        }
    }
    m[src.len()] = dst.len();
    (m, ops.len())
}

const HAN_RANGES: &[(u32, u32)] = &[
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
    (0x3007, 0x3007),
];

/// Han as score.py counts it (for the half-width punctuation count).
pub fn is_han(c: char) -> bool {
    let u = c as u32;
    HAN_RANGES.iter().any(|&(a, b)| (a..=b).contains(&u))
}

/// CJK as score.py counts it: Han, CJK and full-width punctuation, “”‘’—…·・.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32, 0x3001..=0x303F | 0xFF01..=0xFF60 | 0xFFE0..=0xFFE6 | 0x2018..=0x201D)
        || matches!(c, '\u{2014}' | '\u{2026}' | '\u{b7}' | '\u{30fb}')
}

fn is_hspace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{3000}' | '\u{2000}'..='\u{200b}' | '\u{202f}' | '\u{205f}'
    )
}

/// Runs of spaces inside a line with a CJK character on both sides.
pub fn cjk_spaces(s: &[char]) -> usize {
    // index: every read is behind `i < s.len()` (or `start > 0`).
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        if is_hspace(s[i]) {
            let start = i;
            while i < s.len() && is_hspace(s[i]) {
                i += 1;
            }
            if start > 0 && is_cjk(s[start - 1]) && i < s.len() && is_cjk(s[i]) {
                n += 1;
            }
        } else {
            i += 1;
        }
    }
    n
}

fn is_hw_punct(c: char) -> bool {
    matches!(c, ',' | '.' | ':' | ';' | '?' | '!' | '(' | ')')
}

/// ASCII `, . : ; ? ! ( )` next to a Han character (spaces between allowed).
pub fn hw_punct(s: &[char]) -> usize {
    // index: every read is behind `i > 0`, `q < s.len()` or the loop bound.
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        if i > 0 && is_han(s[i - 1]) {
            let mut q = i;
            while q < s.len() && s[q] == ' ' {
                q += 1;
            }
            if q < s.len() && is_hw_punct(s[q]) {
                n += 1;
                i = q + 1;
                continue;
            }
        }
        if is_hw_punct(s[i]) {
            let mut q = i + 1;
            while q < s.len() && s[q] == ' ' {
                q += 1;
            }
            if q < s.len() && is_han(s[q]) {
                n += 1;
            }
        }
        i += 1;
    }
    n
}

/// What a candidate's changes to the raw OCR did, in gold coordinates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EditCounts {
    /// Levenshtein(raw, gold).
    pub raw_errors: usize,
    /// Levenshtein(candidate, gold).
    pub cand_errors: usize,
    /// Raw wrong at a gold position, candidate right.
    pub fixed: usize,
    /// Raw right, candidate wrong.
    pub introduced: usize,
    /// Changed, wrong before and after.
    pub neutral: usize,
    pub changes: usize,
}

impl EditCounts {
    fn add(&mut self, o: &EditCounts) {
        self.raw_errors += o.raw_errors;
        self.cand_errors += o.cand_errors;
        self.fixed += o.fixed;
        self.introduced += o.introduced;
        self.neutral += o.neutral;
        self.changes += o.changes;
    }

    /// fixed / all changes; None without changes.
    pub fn precision(&self) -> Option<f64> {
        (self.changes > 0).then(|| self.fixed as f64 / self.changes as f64)
    }

    /// fixed / raw errors; None without raw errors.
    pub fn fixed_frac(&self) -> Option<f64> {
        (self.raw_errors > 0).then(|| self.fixed as f64 / self.raw_errors as f64)
    }
}

/// A text in gold coordinates: per gold character the aligned character
/// (None where dropped), and per gap the characters inserted there.
struct Slots {
    at: Vec<Option<char>>,
    ins: BTreeMap<usize, Vec<char>>,
    /// The distance of `hyp` to gold.
    distance: usize,
}

fn slots(hyp: &[char], gold: &[char]) -> Slots {
    // index: equal and replace opcodes have `src` (in `hyp`) and `dest` (in
    // `gold`) of one length.
    let mut at = vec![None; gold.len()];
    let mut ins: BTreeMap<usize, Vec<char>> = BTreeMap::new();
    let ops = editops(hyp, gold);
    for op in to_opcodes(&ops, hyp.len(), gold.len()) {
        match op.tag {
            Tag::Equal | Tag::Replace => {
                for k in 0..op.dest.len() {
                    at[op.dest.start + k] = Some(hyp[op.src.start + k]);
                }
            }
            Tag::Delete => ins
                .entry(op.dest.start)
                .or_default()
                .extend_from_slice(&hyp[op.src]),
            Tag::Insert => {}
        }
    }
    Slots {
        at,
        ins,
        distance: ops.len(),
    }
}

/// Classifies every change from `raw` to `cand` as fixed, introduced or
/// neutral relative to `gold`.
pub fn edit_classes(raw: &[char], cand: &[char], gold: &[char]) -> EditCounts {
    let r = slots(raw, gold);
    let c = slots(cand, gold);
    let mut e = EditCounts {
        raw_errors: r.distance,
        cand_errors: c.distance,
        ..EditCounts::default()
    };
    for ((g, rc), cc) in gold.iter().zip(&r.at).zip(&c.at) {
        if rc == cc {
            continue;
        }
        if *cc == Some(*g) {
            e.fixed += 1;
        } else if *rc == Some(*g) {
            e.introduced += 1;
        } else {
            e.neutral += 1;
        }
    }
    let keys: HashSet<usize> = r.ins.keys().chain(c.ins.keys()).copied().collect();
    let empty = Vec::new();
    for j in keys {
        let rs = r.ins.get(&j).unwrap_or(&empty);
        let cs = c.ins.get(&j).unwrap_or(&empty);
        if rs == cs {
            continue;
        }
        let d = distance(rs, cs);
        if cs.len() < rs.len() {
            let k = rs.len() - cs.len();
            e.fixed += k;
            e.neutral += d - k;
        } else {
            let k = cs.len() - rs.len();
            e.introduced += k;
            e.neutral += d - k;
        }
    }
    e.changes = e.fixed + e.introduced + e.neutral;
    e
}

/// Counts of one page or a sum of pages; rates are derived (micro-averaged
/// over the summed counts).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub pages: usize,
    /// Gold characters, whitespace removed.
    pub gold_chars: usize,
    pub cand_chars: usize,
    /// Levenshtein distance on whitespace-free text.
    pub ed_nows: usize,
    /// Gold length after whitespace normalisation.
    pub gold_len_ws: usize,
    /// Levenshtein distance on whitespace-normalised text.
    pub ed_ws: usize,
    pub cjk_spaces: usize,
    pub hw_punct: usize,
    pub gold_breaks: usize,
    pub cand_breaks: usize,
    pub tp_breaks: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits_nows: Option<EditCounts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits_ws: Option<EditCounts>,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.pages += o.pages;
        self.gold_chars += o.gold_chars;
        self.cand_chars += o.cand_chars;
        self.ed_nows += o.ed_nows;
        self.gold_len_ws += o.gold_len_ws;
        self.ed_ws += o.ed_ws;
        self.cjk_spaces += o.cjk_spaces;
        self.hw_punct += o.hw_punct;
        self.gold_breaks += o.gold_breaks;
        self.cand_breaks += o.cand_breaks;
        self.tp_breaks += o.tp_breaks;
        for (mine, theirs) in [
            (&mut self.edits_nows, &o.edits_nows),
            (&mut self.edits_ws, &o.edits_ws),
        ] {
            if let Some(t) = theirs {
                mine.get_or_insert_with(EditCounts::default).add(t);
            }
        }
    }

    pub fn cer_nows(&self) -> f64 {
        self.ed_nows as f64 / self.gold_chars.max(1) as f64
    }

    pub fn cer_ws(&self) -> f64 {
        self.ed_ws as f64 / self.gold_len_ws.max(1) as f64
    }

    /// Paragraph-break precision: with no candidate breaks, 1 if the gold
    /// has none either, else 0.
    pub fn para_p(&self) -> f64 {
        if self.cand_breaks > 0 {
            self.tp_breaks as f64 / self.cand_breaks as f64
        } else if self.gold_breaks == 0 {
            1.0
        } else {
            0.0
        }
    }

    pub fn para_r(&self) -> f64 {
        if self.gold_breaks > 0 {
            self.tp_breaks as f64 / self.gold_breaks as f64
        } else {
            1.0
        }
    }

    pub fn para_f1(&self) -> f64 {
        let (p, r) = (self.para_p(), self.para_r());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

/// Scores one candidate text against its gold (both already prepared), and
/// with `raw` also classifies the candidate's edits to it.
pub fn score_page(gold: &str, cand: &str, raw: Option<&str>, sep: ParaSep) -> Counts {
    let (g0, c0) = (nows(gold), nows(cand));
    let (g1, c1) = (normws(gold), normws(cand));
    let gb: HashSet<usize> = break_positions(gold, sep).into_iter().collect();
    let cb_raw = break_positions(cand, sep);
    let (m, ed_nows) = align_map_and_distance(&c0, &g0);
    // index: break positions count characters of the paragraphs, which
    // hold no more than `c0` (both drop whitespace), so `p <= c0.len()` and
    // `m` has `c0.len() + 1` cells.
    let cb: HashSet<usize> = cb_raw
        .iter()
        .map(|&p| m[p])
        .filter(|&q| 0 < q && q < g0.len())
        .collect();
    let cand_chars: Vec<char> = cand.chars().collect();
    let mut c = Counts {
        pages: 1,
        gold_chars: g0.len(),
        cand_chars: c0.len(),
        ed_nows,
        gold_len_ws: g1.len(),
        ed_ws: distance(&c1, &g1),
        cjk_spaces: cjk_spaces(&cand_chars),
        hw_punct: hw_punct(&cand_chars),
        gold_breaks: gb.len(),
        cand_breaks: cb_raw.len(),
        tp_breaks: gb.intersection(&cb).count(),
        edits_nows: None,
        edits_ws: None,
    };
    if let Some(raw) = raw {
        c.edits_nows = Some(edit_classes(&nows(raw), &c0, &g0));
        c.edits_ws = Some(edit_classes(&normws(raw), &c1, &g1));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Vec<char> {
        x.chars().collect()
    }

    #[test]
    fn whitespace_forms() {
        assert_eq!(nows(" a b\n\nc "), s("abc"));
        assert_eq!(normws("  a  b \n \n c\t"), s("a b\nc"));
        assert_eq!(
            break_positions("ab\n\ncd\n \nef\n", ParaSep::Blank),
            vec![2, 4]
        );
        assert_eq!(
            break_positions("ab\ncd", ParaSep::Blank),
            Vec::<usize>::new()
        );
        assert_eq!(break_positions("ab\ncd", ParaSep::Newline), vec![2]);
        assert_eq!(
            break_positions("\n\nab\n\n\n\ncd\n\n", ParaSep::Blank),
            vec![2]
        );
    }

    #[test]
    fn width_folding_spares_sentence_punctuation() {
        let p = Prep { fold_width: true };
        assert_eq!(prepare("\u{feff}５０％，Ａ／Ｂ。\r\n", p), "50%，A/B。\n");
        assert_eq!(prepare("５０", Prep { fold_width: false }), "５０");
    }

    #[test]
    fn space_and_punct_counts() {
        assert_eq!(cjk_spaces(&s("中 文  字，\n中 a 文")), 2);
        // `(中` and `中)` both count, as in score.py.
        assert_eq!(hw_punct(&s("中,文 . a,b (中)")), 4);
    }

    /// Gold `实干兴邦。` raw `实于兴 邦` candidate `实干兴邦，`: the raw has a
    /// misread and a dropped 。; the candidate fixed the misread and put ，
    /// where 。 belongs (a neutral change: wrong before, wrong after).
    #[test]
    fn edit_classes_by_hand() {
        let e = edit_classes(&s("实于兴邦"), &s("实干兴邦，"), &s("实干兴邦。"));
        assert_eq!((e.raw_errors, e.cand_errors), (2, 1));
        assert_eq!((e.fixed, e.introduced, e.neutral, e.changes), (1, 0, 1, 2));
        // A candidate that breaks a right character and adds a stray one.
        let e = edit_classes(&s("实干兴邦"), &s("实于兴邦邦"), &s("实干兴邦"));
        assert_eq!((e.fixed, e.introduced, e.neutral), (0, 2, 0));
        assert_eq!(e.precision(), Some(0.0));
    }
}
