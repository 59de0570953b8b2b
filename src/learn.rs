//! Learning an archive's OCR habits from proofread pages.
//!
//! Each OCR page is aligned to its gold (whitespace removed, the same
//! alignment as `ocrfix eval`). Isolated one-character substitutions between
//! Han characters (`…实于奋斗…` against `…实干奋斗…`) become confusion pairs
//! `observed → truth` with their count, and the gold characters around them
//! their contexts. Pairs seen at least `min_count` times are written as a
//! `confusions.tsv` layer (`ocr:N` is the evidence the misread pass weighs);
//! a substitution seen `min_count` times in the same three-character context
//! whose wrong form never occurs in the gold becomes a `context.tsv` rule.
//!
//! Nothing is kept that would damage clean text: the pipeline, with the
//! learned layer on top of the given rules, is run over the gold pages
//! themselves, and every learned pair or rule that changes them is dropped
//! (repeated until the gold comes through untouched by learned rules).
//!
//! Punctuation and spacing habits (half-width `:` for `：`, spaces between
//! Chinese characters, dropped characters) have no rule table the pipeline
//! reads — the punct and spaces passes handle them by rule — so they are
//! reported in `learned.md` beside the tables.

use crate::eval::align::{opcodes, Tag};
use crate::eval::metrics::{cjk_spaces, hw_punct, nows};
use crate::{Options, Pipeline, Rules, Selection};
use anyhow::{Context as _, Result};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// One proofread page and the OCR of it.
#[derive(Debug, Clone)]
pub struct PagePair {
    pub id: String,
    pub gold: String,
    pub ocr: String,
}

/// What the alignments showed.
#[derive(Debug, Clone, Default)]
pub struct Observations {
    pub pages: usize,
    pub gold_chars: usize,
    /// Isolated Han → Han substitutions: (observed, truth) → count.
    pub pairs: BTreeMap<(char, char), usize>,
    /// Their contexts: (left, observed, right) in gold neighbours → truth
    /// and count.
    pub contexts: BTreeMap<(String, String), usize>,
    /// Other isolated substitutions (punctuation, digits, Latin): (observed,
    /// truth) → count.
    pub other: BTreeMap<(char, char), usize>,
    /// Gold characters the OCR dropped, and characters it added.
    pub dropped: BTreeMap<char, usize>,
    pub added: BTreeMap<char, usize>,
    pub cjk_spaces_ocr: usize,
    pub cjk_spaces_gold: usize,
    pub hw_punct_ocr: usize,
    pub hw_punct_gold: usize,
    /// The whitespace-free gold text of every page, for the check that a
    /// context rule's wrong form never occurs in clean text.
    gold_nows: Vec<String>,
}

fn is_han(c: char) -> bool {
    crate::chars::is_han(c)
}

/// Aligns every page and counts what the OCR did.
pub fn observe(pages: &[PagePair]) -> Observations {
    let mut o = Observations::default();
    for p in pages {
        let (g, c) = (nows(&p.gold), nows(&p.ocr));
        o.pages += 1;
        o.gold_chars += g.len();
        let gold_chars: Vec<char> = p.gold.chars().collect();
        let ocr_chars: Vec<char> = p.ocr.chars().collect();
        o.cjk_spaces_ocr += cjk_spaces(&ocr_chars);
        o.cjk_spaces_gold += cjk_spaces(&gold_chars);
        o.hw_punct_ocr += hw_punct(&ocr_chars);
        o.hw_punct_gold += hw_punct(&gold_chars);
        o.gold_nows.push(g.iter().collect());
        // index: opcode ranges are ranges of `c` (src) and `g` (dest), and a
        // replace covers one character of each here; `k ± 1` and `j ± 1` are
        // checked against the ends first.
        let ops = opcodes(&c, &g);
        for (k, op) in ops.iter().enumerate() {
            match op.tag {
                Tag::Equal => {}
                Tag::Insert => {
                    for &ch in &g[op.dest.clone()] {
                        *o.dropped.entry(ch).or_default() += 1;
                    }
                }
                Tag::Delete => {
                    for &ch in &c[op.src.clone()] {
                        *o.added.entry(ch).or_default() += 1;
                    }
                }
                Tag::Replace => {
                    let isolated = op.src.len() == 1
                        && op.dest.len() == 1
                        && (k == 0 || ops[k - 1].tag == Tag::Equal)
                        && (k + 1 == ops.len() || ops[k + 1].tag == Tag::Equal);
                    if !isolated {
                        continue;
                    }
                    let (obs, truth) = (c[op.src.start], g[op.dest.start]);
                    if is_han(obs) && is_han(truth) {
                        *o.pairs.entry((obs, truth)).or_default() += 1;
                        let j = op.dest.start;
                        if j > 0 && j + 1 < g.len() && is_han(g[j - 1]) && is_han(g[j + 1]) {
                            let wrong: String = [g[j - 1], obs, g[j + 1]].iter().collect();
                            let right: String = g[j - 1..=j + 1].iter().collect();
                            *o.contexts.entry((wrong, right)).or_default() += 1;
                        }
                    } else {
                        *o.other.entry((obs, truth)).or_default() += 1;
                    }
                }
            }
        }
    }
    o
}

/// A learned `confusions.tsv` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedPair {
    pub observed: char,
    pub truth: char,
    pub count: usize,
    /// Glyph similarity from the rules it was learned on top of (0 if the
    /// pair was not there).
    pub score: f32,
    pub glyph: bool,
}

/// A learned `context.tsv` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedContext {
    pub wrong: String,
    pub right: String,
    pub count: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Learned {
    pub pairs: Vec<LearnedPair>,
    pub contexts: Vec<LearnedContext>,
    /// Dropped by the gold check, with what they did to the gold.
    pub rejected: Vec<String>,
    /// Seen but below the minimum count.
    pub below_min: usize,
}

/// The pairs and context rules with enough evidence. `base` supplies the
/// glyph similarity of pairs it already knows.
pub fn select(obs: &Observations, base: &Rules, min_count: usize) -> Learned {
    let mut known: BTreeMap<(char, char), (f32, bool)> = BTreeMap::new();
    for e in base.table("confusions.tsv") {
        let mut k = e.key().chars();
        let mut t = e.get(1).chars();
        if let (Some(o), None, Some(tr), None) = (k.next(), k.next(), t.next(), t.next()) {
            let score = e.get(2).parse().unwrap_or(0.0);
            let glyph = e.get(3).split(',').any(|s| s == "glyph");
            known.insert((o, tr), (score, glyph));
        }
    }
    let mut l = Learned::default();
    for (&(observed, truth), &count) in &obs.pairs {
        if count < min_count {
            l.below_min += 1;
            continue;
        }
        let (score, glyph) = known
            .get(&(observed, truth))
            .copied()
            .unwrap_or((0.0, false));
        l.pairs.push(LearnedPair {
            observed,
            truth,
            count,
            score,
            glyph,
        });
    }
    for ((wrong, right), &count) in &obs.contexts {
        if count < min_count {
            continue;
        }
        if obs.gold_nows.iter().any(|g| g.contains(wrong.as_str())) {
            l.rejected.push(format!(
                "context {wrong} → {right}: {wrong} occurs in the gold text"
            ));
            continue;
        }
        l.contexts.push(LearnedContext {
            wrong: wrong.clone(),
            right: right.clone(),
            count,
        });
    }
    l
}

impl Learned {
    pub fn confusions_tsv(&self, source: &str) -> String {
        let mut s = String::from(
            "# Confusions learned by `ocrfix learn` from proofread pages.\n\
             # observed\ttruth\tscore\tsources\n",
        );
        let _ = writeln!(s, "# source: {source}");
        let mut pairs = self.pairs.clone();
        pairs.sort_by_key(|p| (p.observed, p.truth));
        for p in pairs {
            let sources = if p.glyph {
                format!("glyph,ocr:{}", p.count)
            } else {
                format!("ocr:{}", p.count)
            };
            let _ = writeln!(
                s,
                "{}\t{}\t{:.3}\t{}",
                p.observed, p.truth, p.score, sources
            );
        }
        s
    }

    pub fn context_tsv(&self) -> String {
        let mut s = String::from(
            "# Context rules learned by `ocrfix learn`: the wrong form was seen in the OCR\n\
             # and never occurs in the gold pages.\n# wrong\tright\tnote\tunless\n",
        );
        let mut rules = self.contexts.clone();
        rules.sort_by(|a, b| a.wrong.cmp(&b.wrong));
        for r in rules {
            let _ = writeln!(
                s,
                "{}\t{}\tlearned: seen {} times in the OCR",
                r.wrong, r.right, r.count
            );
        }
        s
    }

    /// Writes the layer into `dir` (created if needed).
    pub fn write(&self, dir: &Path, source: &str) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let write = |name: &str, text: String| {
            let p = dir.join(name);
            std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
        };
        write("confusions.tsv", self.confusions_tsv(source))?;
        let ctx = dir.join("context.tsv");
        if self.contexts.is_empty() {
            if ctx.exists() {
                std::fs::remove_file(&ctx)
                    .with_context(|| format!("cannot remove {}", ctx.display()))?;
            }
        } else {
            write("context.tsv", self.context_tsv())?;
        }
        Ok(())
    }
}

/// Runs the pipeline (`base` plus the learned layer) over the gold pages and
/// drops every learned pair or context rule that changes them; repeats until
/// none does. Returns the number of rounds.
pub fn check_against_gold(learned: &mut Learned, base: &Rules, golds: &[String]) -> Result<usize> {
    for round in 1..=6 {
        let tmp = tempfile::tempdir().context("cannot create a temporary folder")?;
        learned.write(tmp.path(), "gold check")?;
        let mut rules = base.clone();
        rules.extend_from_dir(tmp.path())?;
        let pipeline = Pipeline::new(&rules, &Selection::default(), Options::default())?;
        let pairs: HashSet<(char, char)> = learned
            .pairs
            .iter()
            .map(|p| (p.observed, p.truth))
            .collect();
        let mut bad_pairs: BTreeSet<(char, char)> = BTreeSet::new();
        let mut bad_ctx: BTreeSet<String> = BTreeSet::new();
        let outputs: Vec<String> = {
            use rayon::prelude::*;
            golds.par_iter().map(|g| pipeline.run(g).output).collect()
        };
        for (gold, out) in golds.iter().zip(&outputs) {
            if gold == out {
                continue;
            }
            let (g, o) = (nows(gold), nows(out));
            for op in opcodes(&g, &o) {
                if op.tag != Tag::Replace || op.src.len() != op.dest.len() {
                    continue;
                }
                // index: a replace of equal lengths: `src` in `g`, `dest` in `o`.
                for k in 0..op.src.len() {
                    let (was, now) = (g[op.src.start + k], o[op.dest.start + k]);
                    if pairs.contains(&(was, now)) {
                        bad_pairs.insert((was, now));
                    }
                }
            }
            // A context rule that fired: its right form occurs more often
            // than in the gold.
            let (gs, os): (String, String) = (g.iter().collect(), o.iter().collect());
            for r in &learned.contexts {
                if os.matches(r.right.as_str()).count() > gs.matches(r.right.as_str()).count() {
                    bad_ctx.insert(r.wrong.clone());
                }
            }
        }
        if bad_pairs.is_empty() && bad_ctx.is_empty() {
            return Ok(round);
        }
        learned
            .pairs
            .retain(|p| !bad_pairs.contains(&(p.observed, p.truth)));
        for (o, t) in &bad_pairs {
            learned
                .rejected
                .push(format!("pair {o} → {t}: changes the gold pages"));
        }
        learned.contexts.retain(|r| !bad_ctx.contains(&r.wrong));
        for w in &bad_ctx {
            learned
                .rejected
                .push(format!("context {w}: changes the gold pages"));
        }
    }
    anyhow::bail!("the learned rules still change the gold pages after 6 rounds of removal")
}

/// A summary for people: what was learned, what was dropped and why, and
/// the punctuation and spacing habits no table takes.
pub fn summary_md(obs: &Observations, l: &Learned, min_count: usize, source: &str) -> String {
    let mut s = String::from("# What `ocrfix learn` found\n\n");
    let _ = writeln!(
        s,
        "Source: {source}. {} pages, {} gold characters (whitespace removed). Minimum count: {min_count}.\n",
        obs.pages, obs.gold_chars
    );
    let seen: usize = obs.pairs.values().sum();
    let _ = writeln!(
        s,
        "## Character confusions (confusions.tsv)\n\n{} distinct Han → Han substitutions seen ({} times in all); \
         {} kept, {} below the minimum count.\n",
        obs.pairs.len(),
        seen,
        l.pairs.len(),
        l.below_min
    );
    let mut pairs = l.pairs.clone();
    pairs.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then((a.observed, a.truth).cmp(&(b.observed, b.truth)))
    });
    if !pairs.is_empty() {
        s.push_str("| OCR | truth | count | glyph score |\n|---|---|---|---|\n");
        for p in &pairs {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.3} |",
                p.observed, p.truth, p.count, p.score
            );
        }
        s.push('\n');
    }
    if !l.contexts.is_empty() {
        s.push_str("## Context rules (context.tsv)\n\n| wrong | right | count |\n|---|---|---|\n");
        for r in &l.contexts {
            let _ = writeln!(s, "| {} | {} | {} |", r.wrong, r.right, r.count);
        }
        s.push('\n');
    }
    if !l.rejected.is_empty() {
        s.push_str("## Dropped by the gold check\n\n");
        for r in &l.rejected {
            let _ = writeln!(s, "- {r}");
        }
        s.push('\n');
    }
    s.push_str("## Punctuation and spacing habits (no rule table; handled by the punct and spaces passes)\n\n");
    let _ = writeln!(
        s,
        "- Spaces between Chinese characters: {} runs in the OCR, {} in the gold.\n\
         - ASCII punctuation next to Han: {} in the OCR, {} in the gold.\n",
        obs.cjk_spaces_ocr, obs.cjk_spaces_gold, obs.hw_punct_ocr, obs.hw_punct_gold
    );
    let top = |m: &BTreeMap<(char, char), usize>| -> Vec<((char, char), usize)> {
        let mut v: Vec<_> = m
            .iter()
            .filter(|(_, &n)| n >= min_count)
            .map(|(k, n)| (*k, *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(30);
        v
    };
    let other = top(&obs.other);
    if !other.is_empty() {
        s.push_str("Other substitutions (punctuation, digits, Latin), OCR → truth:\n\n| OCR | truth | count |\n|---|---|---|\n");
        for ((o, t), n) in other {
            let _ = writeln!(s, "| `{}` | `{}` | {} |", o, t, n);
        }
        s.push('\n');
    }
    let top1 = |m: &BTreeMap<char, usize>| {
        let mut v: Vec<_> = m.iter().filter(|(_, &n)| n >= min_count).collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.truncate(20);
        v.iter()
            .map(|(c, n)| format!("`{c}` {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        s,
        "Characters the OCR dropped most: {}.\n\nCharacters the OCR added most: {}.",
        top1(&obs.dropped),
        top1(&obs.added)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(gold: &str, ocr: &str) -> PagePair {
        PagePair {
            id: "x".into(),
            gold: gold.into(),
            ocr: ocr.into(),
        }
    }

    #[test]
    fn counts_isolated_substitutions_and_contexts() {
        let obs = observe(&[
            page("坚持实干兴邦。", "坚持实于兴邦."),
            page("实干兴邦，宜居", "实于兴邦，官居"),
        ]);
        assert_eq!(obs.pairs.get(&('于', '干')), Some(&2));
        assert_eq!(obs.pairs.get(&('官', '宜')), Some(&1));
        assert_eq!(obs.other.get(&('.', '。')), Some(&1));
        assert_eq!(
            obs.contexts
                .get(&("实于兴".to_string(), "实干兴".to_string())),
            Some(&2)
        );
        let l = select(&obs, &Rules::default(), 2);
        assert_eq!(l.pairs.len(), 1);
        assert_eq!(
            (l.pairs[0].observed, l.pairs[0].truth, l.pairs[0].count),
            ('于', '干', 2)
        );
        assert_eq!(l.below_min, 1);
        assert_eq!(l.contexts.len(), 1);
        assert!(l.confusions_tsv("t").contains("于\t干\t0.000\tocr:2\n"));
    }

    /// Whatever the learned layer changes in the gold pages goes: a context
    /// rule that fires on them, and a pair whose substitution shows up in
    /// them (here made by a built-in context rule on a contrived gold line).
    /// A pair that leaves the gold alone stays.
    #[test]
    fn gold_check_drops_what_changes_clean_text() {
        let base = Rules::embedded().unwrap();
        let pair = |observed, truth| LearnedPair {
            observed,
            truth,
            count: 3,
            score: 0.9,
            glyph: true,
        };
        let mut l = Learned {
            pairs: vec![pair('于', '干'), pair('宫', '官')],
            contexts: vec![LearnedContext {
                wrong: "中心域".into(),
                right: "中心城".into(),
                count: 2,
            }],
            ..Learned::default()
        };
        let golds = vec![
            "这里是中心域。\n".to_string(),
            "他们埋头苦于。\n".to_string(),
            "参观故宫博物院。\n".to_string(),
        ];
        let rounds = check_against_gold(&mut l, &base, &golds).unwrap();
        assert!(rounds >= 2);
        assert!(l.contexts.is_empty());
        let kept: Vec<_> = l.pairs.iter().map(|p| (p.observed, p.truth)).collect();
        assert_eq!(kept, vec![('宫', '官')]);
        assert_eq!(l.rejected.len(), 2, "{:?}", l.rejected);
    }

    #[test]
    fn context_whose_wrong_form_is_in_gold_is_dropped() {
        let obs = observe(&[
            page("实干兴邦", "实于兴邦"),
            page("实干兴邦", "实于兴邦"),
            page("落实于兴邦路上", "落实于兴邦路上"),
        ]);
        let l = select(&obs, &Rules::default(), 2);
        assert!(l.contexts.is_empty());
        assert!(
            l.rejected[0].contains("occurs in the gold"),
            "{:?}",
            l.rejected
        );
    }
}
