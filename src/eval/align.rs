//! Character alignment: the Levenshtein distance of two texts and one optimal
//! alignment between them.
//!
//! Both are computed with Hyyrö's bit-parallel algorithm (64 matrix cells
//! per word operation, so a 3,000 × 3,000 page costs about 140,000 word
//! steps), restricted to Ukkonen's band around the diagonal (as wide as the
//! distance) where the whole matrix is not needed; the alignment switches to
//! Hirschberg's divide and conquer once the bit matrix would pass 1 MiB, so
//! memory stays small for long documents. Tests
//! check both against plain dynamic programming and the distance against
//! the `rapidfuzz` crate.
//!
//! Many alignments are optimal. Which one is picked decides how a wrong
//! character is counted (a replacement, or a deletion plus an insertion next
//! to it) and where a paragraph break maps to. This module makes the same
//! choices as the rapidfuzz C++ library behind `score.py` (common prefix and
//! suffix stripped at every level, the same Hirschberg split and the same
//! back-trace preference: deletion, then insertion, then the diagonal), so
//! figures that depend on the alignment agree with `score.py`.

use std::collections::HashMap;
use std::ops::Range;

/// One edit turning `s1` into `s2`: positions as in rapidfuzz's `editops`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditOp {
    pub kind: OpKind,
    /// Position in `s1`.
    pub src: usize,
    /// Position in `s2`.
    pub dest: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `s1[src]` becomes `s2[dest]`.
    Replace,
    /// `s2[dest]` is inserted before `s1[src]`.
    Insert,
    /// `s1[src]` is dropped.
    Delete,
}

/// A block of the alignment: `s1[src]` corresponds to `s2[dest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opcode {
    pub tag: Tag,
    pub src: Range<usize>,
    pub dest: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    Equal,
    Replace,
    Insert,
    Delete,
}

/// Levenshtein distance (unit costs) between two character sequences:
/// common prefix and suffix stripped, then one bit-parallel pass with the
/// shorter text as the pattern.
pub fn distance(s1: &[char], s2: &[char]) -> usize {
    // slice, index: the common prefix and suffix do not overlap within
    // either sequence (the suffix is counted past the prefix), and
    // `banded_last_row` returns `pat.len() + 1` cells.
    let (pre, suf) = common_affix(s1, s2);
    let (a, b) = (&s1[pre..s1.len() - suf], &s2[pre..s2.len() - suf]);
    let (pat, text) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if pat.is_empty() {
        return text.len();
    }
    // Ukkonen's doubling: a result within the band is exact.
    let mut k = (text.len() - pat.len()).max(32);
    loop {
        let d = banded_last_row(pat, text, text.len(), k)[pat.len()];
        if d <= k || k >= text.len() {
            return d;
        }
        k = k.saturating_mul(2);
    }
}

/// The edit operations of one optimal alignment, in order.
pub fn editops(s1: &[char], s2: &[char]) -> Vec<EditOp> {
    let mut out = Vec::new();
    align(s1, s2, 0, 0, usize::MAX, &mut out);
    out
}

/// The alignment as blocks, equal stretches included (rapidfuzz's
/// `opcodes`).
pub fn opcodes(s1: &[char], s2: &[char]) -> Vec<Opcode> {
    to_opcodes(&editops(s1, s2), s1.len(), s2.len())
}

/// Groups edit operations into blocks: runs of the same kind that follow
/// each other directly form one block, and the gaps are equal blocks.
pub fn to_opcodes(ops: &[EditOp], len1: usize, len2: usize) -> Vec<Opcode> {
    // index: `ops[i]` is read only after `i < ops.len()`.
    let mut out = Vec::new();
    let (mut sp, mut dp) = (0, 0);
    let mut i = 0;
    while i < ops.len() {
        if sp < ops[i].src || dp < ops[i].dest {
            out.push(Opcode {
                tag: Tag::Equal,
                src: sp..ops[i].src,
                dest: dp..ops[i].dest,
            });
            sp = ops[i].src;
            dp = ops[i].dest;
        }
        let (s0, d0, kind) = (sp, dp, ops[i].kind);
        loop {
            match kind {
                OpKind::Replace => {
                    sp += 1;
                    dp += 1;
                }
                OpKind::Insert => dp += 1,
                OpKind::Delete => sp += 1,
            }
            i += 1;
            if i >= ops.len() || ops[i].kind != kind || ops[i].src != sp || ops[i].dest != dp {
                break;
            }
        }
        let tag = match kind {
            OpKind::Replace => Tag::Replace,
            OpKind::Insert => Tag::Insert,
            OpKind::Delete => Tag::Delete,
        };
        out.push(Opcode {
            tag,
            src: s0..sp,
            dest: d0..dp,
        });
    }
    if sp < len1 || dp < len2 {
        out.push(Opcode {
            tag: Tag::Equal,
            src: sp..len1,
            dest: dp..len2,
        });
    }
    out
}

/// Bit masks of where each character of a pattern occurs, 64 positions a
/// word.
struct PatternMasks {
    words: usize,
    index: HashMap<char, usize>,
    masks: Vec<u64>,
}

impl PatternMasks {
    // index: `masks` holds `words` cells per distinct character, and
    // character `k` (the `k`-th distinct) of position `i < s.len()` writes
    // word `i / 64 < words`.
    fn new(s: &[char]) -> Self {
        let words = s.len().div_ceil(64).max(1);
        let mut index: HashMap<char, usize> = HashMap::new();
        let mut masks = Vec::new();
        for (i, &c) in s.iter().enumerate() {
            let n = index.len();
            let k = *index.entry(c).or_insert(n);
            if k == n {
                masks.resize(masks.len() + words, 0);
            }
            masks[k * words + i / 64] |= 1 << (i % 64);
        }
        PatternMasks {
            words,
            index,
            masks,
        }
    }

    fn get(&self, c: char) -> Option<&[u64]> {
        let k = *self.index.get(&c)?;
        Some(&self.masks[k * self.words..(k + 1) * self.words])
    }
}

/// Runs Hyyrö's algorithm with `s1` as the pattern over the first `rows`
/// characters of `s2`. After each row `r` (0-based), `vp`/`vn` hold the
/// vertical deltas of matrix column `r + 1`: bit `i` of `vp` says
/// `D[i+1][r+1] - D[i][r+1] == 1`, of `vn` that it is `-1`.
fn hyyro(s1: &[char], s2: &[char], rows: usize, mut each_row: impl FnMut(usize, &[u64], &[u64])) {
    let pm = PatternMasks::new(s1);
    let words = pm.words;
    let mut vp = vec![u64::MAX; words];
    let mut vn = vec![0u64; words];
    let zeros = vec![0u64; words];
    for (r, &c) in s2.iter().take(rows).enumerate() {
        let eq = pm.get(c).unwrap_or(&zeros);
        // The top row grows by one per column: a horizontal +1 enters the
        // first word.
        let (mut hp_carry, mut hn_carry) = (1u64, 0u64);
        for ((&e, p), n) in eq.iter().zip(vp.iter_mut()).zip(vn.iter_mut()) {
            step_word(e, p, n, &mut hp_carry, &mut hn_carry);
        }
        each_row(r, &vp, &vn);
    }
}

/// Callers pass `i < 64 * v.len()` (a pattern position, `v` one row).
/// One 64-bit word of Hyyrö's bit-parallel column step: updates the vertical
/// delta vectors `vp`/`vn` of the word from its match mask `eq` and carries
/// the horizontal deltas into the next word.
#[inline]
fn step_word(eq: u64, vp: &mut u64, vn: &mut u64, hp_carry: &mut u64, hn_carry: &mut u64) {
    let (vpw, vnw) = (*vp, *vn);
    let x = eq | *hn_carry;
    let d0 = ((x & vpw).wrapping_add(vpw) ^ vpw) | x | vnw;
    let hp = vnw | !(d0 | vpw);
    let hn = vpw & d0;
    let hp_s = (hp << 1) | *hp_carry;
    let hn_s = (hn << 1) | *hn_carry;
    *hp_carry = hp >> 63;
    *hn_carry = hn >> 63;
    *vp = hn_s | !(d0 | hp_s);
    *vn = hp_s & d0;
}

fn bit(v: &[u64], i: usize) -> bool {
    v[i / 64] >> (i % 64) & 1 == 1
}

/// `D[i][rows]` for every `i` in `0..=s1.len()`: the distance of each prefix
/// of `s1` to `s2[..rows]` (the unbanded reference for the tests).
#[cfg(test)]
fn last_row(s1: &[char], s2: &[char], rows: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(s1.len() + 1);
    out.push(rows);
    if rows == 0 {
        out.extend(1..=s1.len());
        return out;
    }
    hyyro(s1, s2, rows, |r, vp, vn| {
        if r + 1 == rows {
            let mut d = rows;
            for i in 0..s1.len() {
                if bit(vp, i) {
                    d += 1;
                } else if bit(vn, i) {
                    d -= 1;
                }
                out.push(d);
            }
        }
    });
    out
}

/// Like [`last_row`], but only cells within `k` of the diagonal
/// (`|i - j| <= k`) are computed, whole 64-bit words at a time; cells
/// outside the band are taken to grow by one per step, so every value is an
/// upper bound and the value of any cell with a path of cost ≤ `k` through
/// the band is exact. Values the band never reaches are `usize::MAX / 4`.
fn banded_last_row(s1: &[char], s2: &[char], rows: usize, k: usize) -> Vec<usize> {
    let n = s1.len();
    if rows == 0 || n == 0 {
        return (0..=n).map(|i| i + rows).collect();
    }
    // index: `out` has `n + 1` cells and is written at `i + 1` for `i < n`;
    // `vp`, `vn` and `eq` have `words` cells, and `first <= fw <= lw =
    // (hi - 1) / 64 < words` since `1 <= lo <= hi <= n`.
    let big = usize::MAX / 4;
    let mut out = vec![big; n + 1];
    out[0] = rows;
    let pm = PatternMasks::new(s1);
    let words = pm.words;
    let mut vp = vec![u64::MAX; words];
    let mut vn = vec![0u64; words];
    let zeros = vec![0u64; words];
    // First word in the band, and D[first * 64][j].
    let (mut first, mut base) = (0usize, 0usize);
    let mut last = 0usize;
    for (r, &c) in s2.iter().take(rows).enumerate() {
        let j = r + 1;
        let lo = j.saturating_sub(k).max(1);
        let hi = (j + k).min(n);
        if lo > hi {
            // The band has left the pattern: no cell of this row is within k.
            return out;
        }
        let (fw, lw) = ((lo - 1) / 64, (hi - 1) / 64);
        while first < fw {
            // The word leaves the band: carry its column sum into the base.
            base = base + vp[first].count_ones() as usize - vn[first].count_ones() as usize;
            first += 1;
        }
        base += 1;
        last = lw;
        let eq = pm.get(c).unwrap_or(&zeros);
        let (mut hp_carry, mut hn_carry) = (1u64, 0u64);
        for w in first..=lw {
            step_word(eq[w], &mut vp[w], &mut vn[w], &mut hp_carry, &mut hn_carry);
        }
    }
    let mut d = base;
    for i in first * 64..n.min((last + 1) * 64) {
        if bit(&vp, i) {
            d += 1;
        } else if bit(&vn, i) {
            d -= 1;
        }
        out[i + 1] = d;
    }
    out
}

fn common_affix(s1: &[char], s2: &[char]) -> (usize, usize) {
    // slice: `pre <= min(s1.len(), s2.len())`.
    let pre = s1.iter().zip(s2).take_while(|(a, b)| a == b).count();
    let suf = s1[pre..]
        .iter()
        .rev()
        .zip(s2[pre..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (pre, suf)
}

fn align(s1: &[char], s2: &[char], sp: usize, dp: usize, max: usize, out: &mut Vec<EditOp>) {
    // slice, index: see `distance` for the affixes; `left` and `right` have
    // `n + 1` cells (`banded_last_row`), `1 <= s1_mid <= n` and
    // `s2_mid <= s2.len()`.
    let (pre, suf) = common_affix(s1, s2);
    let s1 = &s1[pre..s1.len() - suf];
    let s2 = &s2[pre..s2.len() - suf];
    let (sp, dp) = (sp + pre, dp + pre);
    let max = max.min(s1.len().max(s2.len()));
    let full_band = s1.len().min(max.saturating_mul(2).saturating_add(1));
    let matrix_bytes = 2 * full_band * s2.len() / 8;
    if matrix_bytes < 1 << 20 || s1.len() < 65 || s2.len() < 10 {
        align_direct(s1, s2, sp, dp, out);
        return;
    }
    // Hirschberg: split s2 in the middle, find where s1 splits on an optimal
    // path (the first such position), align both halves.
    // Only cells within the distance of the diagonal can be on an optimal
    // path, so the rows are computed in that band.
    let band = if max >= s1.len().max(s2.len()) {
        distance(s1, s2)
    } else {
        max
    };
    let s2_mid = s2.len() / 2;
    let left = banded_last_row(s1, s2, s2_mid, band);
    let r1: Vec<char> = s1.iter().rev().copied().collect();
    let r2: Vec<char> = s2[s2_mid..].iter().rev().copied().collect();
    let right = banded_last_row(&r1, &r2, r2.len(), band);
    let n = s1.len();
    let mut best = (usize::MAX, 0, 0, 0);
    for s1_mid in 1..=n {
        let sum = left[s1_mid] + right[n - s1_mid];
        if sum < best.0 {
            best = (sum, s1_mid, left[s1_mid], right[n - s1_mid]);
        }
    }
    let (_, s1_mid, lscore, rscore) = best;
    align(&s1[..s1_mid], &s2[..s2_mid], sp, dp, lscore, out);
    align(
        &s1[s1_mid..],
        &s2[s2_mid..],
        sp + s1_mid,
        dp + s2_mid,
        rscore,
        out,
    );
}

/// Full bit matrix and back-trace from the end: a deletion where the cell
/// above is one less, else an insertion where the cell to the left is one
/// less, else the diagonal.
fn align_direct(s1: &[char], s2: &[char], sp: usize, dp: usize, out: &mut Vec<EditOp>) {
    let words = s1.len().div_ceil(64).max(1);
    let mut vps = Vec::new();
    let mut vns = Vec::new();
    if !s1.is_empty() && !s2.is_empty() {
        vps.reserve(words * s2.len());
        vns.reserve(words * s2.len());
        hyyro(s1, s2, s2.len(), |_, vp, vn| {
            vps.extend_from_slice(vp);
            vns.extend_from_slice(vn);
        });
    }
    // index: `vps`/`vns` hold `words` cells per row of `s2`; the back-trace
    // reads row `row - 1 < s2.len()` and column `col - 1 < s1.len()` only
    // while both are positive, and `out[start..]` is what it pushed.
    let vp = |row: usize, col: usize| bit(&vps[row * words..(row + 1) * words], col);
    let vn = |row: usize, col: usize| bit(&vns[row * words..(row + 1) * words], col);
    let start = out.len();
    let (mut col, mut row) = (s1.len(), s2.len());
    let mut push = |kind, col: usize, row: usize| {
        out.push(EditOp {
            kind,
            src: col + sp,
            dest: row + dp,
        })
    };
    while row > 0 && col > 0 {
        if vp(row - 1, col - 1) {
            col -= 1;
            push(OpKind::Delete, col, row);
        } else {
            row -= 1;
            if row > 0 && vn(row - 1, col - 1) {
                push(OpKind::Insert, col, row);
            } else {
                col -= 1;
                if s1[col] != s2[row] {
                    push(OpKind::Replace, col, row);
                }
            }
        }
    }
    while col > 0 {
        col -= 1;
        push(OpKind::Delete, col, row);
    }
    while row > 0 {
        row -= 1;
        push(OpKind::Insert, col, row);
    }
    out[start..].reverse();
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// Plain dynamic programming, the reference.
    fn dp_distance(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    /// Applies the edit operations to `s1`; the result must be `s2`.
    fn apply(s1: &[char], s2: &[char], ops: &[EditOp]) -> Vec<char> {
        let mut out = Vec::new();
        for op in to_opcodes(ops, s1.len(), s2.len()) {
            match op.tag {
                Tag::Equal => {
                    assert_eq!(s1[op.src.clone()], s2[op.dest.clone()]);
                    out.extend_from_slice(&s1[op.src]);
                }
                Tag::Replace | Tag::Insert => out.extend_from_slice(&s2[op.dest]),
                Tag::Delete => {}
            }
        }
        out
    }

    #[test]
    fn small_cases() {
        let (a, b) = (chars("实于奋斗"), chars("实干奋斗"));
        assert_eq!(
            editops(&a, &b),
            vec![EditOp {
                kind: OpKind::Replace,
                src: 1,
                dest: 1
            }]
        );
        let (a, b) = (chars("海面上上"), chars("海面上"));
        assert_eq!(distance(&a, &b), 1);
        assert_eq!(editops(&a, &b).len(), 1);
        assert_eq!(editops(&[], &chars("ab")).len(), 2);
        assert_eq!(
            opcodes(&chars("abc"), &chars("axc")),
            vec![
                Opcode {
                    tag: Tag::Equal,
                    src: 0..1,
                    dest: 0..1
                },
                Opcode {
                    tag: Tag::Replace,
                    src: 1..2,
                    dest: 1..2
                },
                Opcode {
                    tag: Tag::Equal,
                    src: 2..3,
                    dest: 2..3
                },
            ]
        );
    }

    /// rapidfuzz's choice among optimal alignments, checked against the
    /// Python library: `Levenshtein.editops("abcd", "xaby")` is
    /// insert x@0, replace c→y@2, delete d@3.
    #[test]
    fn tie_breaking_matches_rapidfuzz() {
        let ops = editops(&chars("abcd"), &chars("xaby"));
        let got: Vec<_> = ops.iter().map(|o| (o.kind, o.src, o.dest)).collect();
        assert_eq!(
            got,
            vec![
                (OpKind::Insert, 0, 0),
                (OpKind::Replace, 2, 3),
                (OpKind::Delete, 3, 4)
            ]
        );
    }

    /// More ties, each checked against rapidfuzz 3.14 (`Levenshtein.editops`).
    #[test]
    fn tie_breaking_table() {
        use OpKind::*;
        type Case = (
            &'static str,
            &'static str,
            &'static [(OpKind, usize, usize)],
        );
        let cases: &[Case] = &[
            ("bbabaaaa", "bbabaaa", &[(Delete, 7, 7)]),
            (
                "abbabaaa",
                "baaaaaa",
                &[(Delete, 0, 0), (Replace, 2, 1), (Replace, 4, 3)],
            ),
            (
                "aabbaaaa",
                "bbabbaa",
                &[
                    (Insert, 0, 0),
                    (Replace, 0, 1),
                    (Delete, 4, 5),
                    (Delete, 5, 5),
                ],
            ),
            ("babbabab", "bbbbabb", &[(Replace, 1, 1), (Delete, 6, 6)]),
            (
                "aababbab",
                "bbabaaa",
                &[
                    (Replace, 0, 0),
                    (Delete, 1, 1),
                    (Replace, 5, 4),
                    (Replace, 7, 6),
                ],
            ),
            (
                "aabbbbba",
                "bbabaab",
                &[
                    (Delete, 0, 0),
                    (Delete, 1, 0),
                    (Replace, 4, 2),
                    (Replace, 6, 4),
                    (Insert, 8, 6),
                ],
            ),
        ];
        for (a, b, want) in cases {
            let got: Vec<_> = editops(&chars(a), &chars(b))
                .iter()
                .map(|o| (o.kind, o.src, o.dest))
                .collect();
            assert_eq!(&got, want, "{a} → {b}");
        }
    }

    /// Long random texts over a small alphabet take the Hirschberg path; the
    /// alignment must still be optimal and valid.
    #[test]
    fn long_texts_use_hirschberg_and_stay_optimal() {
        let mut x: u64 = 12345;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let a: Vec<char> = (0..3000)
            .map(|_| char::from(b'a' + (next() % 4) as u8))
            .collect();
        let mut b = a.clone();
        for _ in 0..400 {
            let i = (next() as usize) % b.len();
            match next() % 3 {
                0 => b[i] = 'z',
                1 => {
                    b.remove(i);
                }
                _ => b.insert(i, 'y'),
            }
        }
        let ops = editops(&a, &b);
        let d = rapidfuzz::distance::levenshtein::distance(a.iter().copied(), b.iter().copied());
        assert_eq!(distance(&a, &b), d);
        assert_eq!(ops.len(), d);
        assert_eq!(apply(&a, &b, &ops), b);
    }

    proptest! {
        /// Within a band at least as wide as the distance, the banded row
        /// equals the full row wherever a cell is within the distance.
        #[test]
        fn banded_rows_are_exact_where_it_matters(a in "[abc中]{1,200}", b in "[abc中]{1,200}", extra in 0usize..40) {
            let (a, b) = (chars(&a), chars(&b));
            let d = dp_distance(&a, &b);
            let rows = b.len() / 2;
            let full = last_row(&a, &b, rows);
            let banded = banded_last_row(&a, &b, rows, d + extra);
            for i in 0..=a.len() {
                prop_assert!(banded[i] >= full[i]);
                if full[i] <= d + extra && i.abs_diff(rows) <= d + extra {
                    prop_assert_eq!(banded[i], full[i], "i = {}", i);
                }
            }
        }

        #[test]
        fn alignment_is_optimal_and_valid(a in "[abc中文，]{0,150}", b in "[abc中文，]{0,150}") {
            let (a, b) = (chars(&a), chars(&b));
            let d = dp_distance(&a, &b);
            prop_assert_eq!(distance(&a, &b), d);
            prop_assert_eq!(
                rapidfuzz::distance::levenshtein::distance(a.iter().copied(), b.iter().copied()),
                d
            );
            let ops = editops(&a, &b);
            prop_assert_eq!(ops.len(), d);
            prop_assert_eq!(apply(&a, &b, &ops), b);
        }
    }
}
