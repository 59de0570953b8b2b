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
use std::collections::HashMap;
use std::ops::Range;

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
    lexicon: Lexicon,
    confusions: HashMap<char, Vec<Candidate>>,
    rules: Vec<ContextRule>,
    matcher: Option<AhoCorasick>,
    /// Words after which a name follows (记者, 书记): the name is left alone.
    titles: Vec<Vec<char>>,
}

pub fn build(rules: &Rules) -> Result<Box<dyn Pass>> {
    let lexicon = Lexicon::with_rules(rules)?;
    let mut confusions: HashMap<char, Vec<Candidate>> = HashMap::new();
    let mut add = |observed: &str,
                   truth: &str,
                   score: &str,
                   sources: &str,
                   origin: &dyn std::fmt::Display|
     -> Result<()> {
        let (Some(observed), Some(truth)) = (single_char(observed), single_char(truth)) else {
            anyhow::bail!("{origin}: observed and truth must be single characters");
        };
        let glyph: f32 = score
            .parse()
            .with_context(|| format!("{origin}: score must be a number"))?;
        let ocr = sources
            .split(',')
            .find_map(|s| s.strip_prefix("ocr:"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        // A pair seen once in OCR output that does not look alike is noise.
        if glyph >= 0.8 || ocr >= 2 {
            confusions
                .entry(observed)
                .or_default()
                .push(Candidate { truth, glyph, ocr });
        }
        Ok(())
    };
    if let Some(text) = rules.untouched_default("confusions.tsv") {
        // The built-in table, read in place: 56,000 lines in a few
        // milliseconds instead of a generic parse (start-up matters).
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut f = line.split('\t');
            let mut next = || f.next().unwrap_or("");
            let (o, t, sc, src) = (next(), next(), next(), next());
            add(
                o,
                t,
                sc,
                src,
                &format_args!("<built-in>/rules/confusions.tsv:{}", i + 1),
            )?;
        }
    } else {
        for e in rules.table("confusions.tsv") {
            add(e.key(), e.get(1), e.get(2), e.get(3), &e.origin)?;
        }
    }
    for list in confusions.values_mut() {
        list.sort_by(|a, b| {
            (b.ocr.min(5), b.glyph)
                .partial_cmp(&(a.ocr.min(5), a.glyph))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        list.truncate(MAX_CANDIDATES);
    }
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
    Ok(Box::new(Misread {
        lexicon,
        confusions,
        rules: ctx_rules,
        matcher,
        titles,
    }))
}

/// How often words occur in the document. A page is simply searched, with
/// each answer remembered; in a long document every run of two to four Han
/// characters is counted once, when first asked, so that a query is a hash
/// lookup instead of a scan.
#[derive(Default)]
struct Counts {
    seen: HashMap<String, usize>,
    grams: Option<HashMap<u128, u32>>,
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
            let c = text.matches(word).count();
            self.seen.insert(word.to_string(), c);
            return c;
        }
        let grams = self.grams.get_or_insert_with(|| {
            let chars: Vec<char> = text.chars().collect();
            let mut m = HashMap::new();
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
    fn context_rules(&self, doc: &Document, edits: &mut Vec<Edit>) {
        let Some(m) = &self.matcher else { return };
        for hit in m.find_iter(doc.text) {
            let rule = &self.rules[hit.pattern().as_usize()];
            let blocked = rule.unless.iter().any(|u| {
                // The exception must cover the match where it stands.
                u.match_indices(rule.wrong.as_str()).any(|(off, _)| {
                    hit.start() >= off && doc.text[hit.start() - off..].starts_with(u.as_str())
                })
            });
            if blocked {
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
    fn name_positions(&self, chars: &[char]) -> Vec<bool> {
        let mut name = vec![false; chars.len()];
        for i in 0..chars.len() {
            for t in &self.titles {
                if chars[i..].starts_with(t) {
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
        name
    }

    fn lexicon_edits(
        &self,
        doc: &Document,
        counts: &mut Counts,
        text: &str,
        base: usize,
        edits: &mut Vec<Edit>,
    ) {
        let chars: Vec<char> = text.chars().collect();
        let offsets: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| base + i)
            .chain(std::iter::once(base + text.len()))
            .collect();
        let names = self.name_positions(&chars);
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
            let (_, words) = self.lexicon.best_segmentation(&chars[run.clone()]);
            for w in words {
                if w.len() >= 2 {
                    let word: String = chars[run.start + w.start..run.start + w.end]
                        .iter()
                        .collect();
                    if self.lexicon.freq(&word).unwrap_or(0) >= SAFE_WORD_FREQ {
                        continue;
                    }
                }
                for p in w.clone() {
                    let pos = run.start + p;
                    if names[pos] || self.lexicon.protected_span(&chars, pos).is_some() {
                        continue;
                    }
                    let range = offsets[pos]..offsets[pos + 1];
                    if doc.is_protected(&range) {
                        continue;
                    }
                    if let Some(e) = self.judge(doc, counts, &chars, run.clone(), pos, range) {
                        edits.push(e);
                    }
                }
            }
        }
    }

    /// True when some lexicon word of two or more characters covers `pos`
    /// once `t` stands there: a cheap test before scoring the window.
    fn forms_word(&self, chars: &[char], window: &Range<usize>, pos: usize, t: char) -> bool {
        let mut buf = ['\0'; 2 * WINDOW + 1];
        let n = window.len();
        buf[..n].copy_from_slice(&chars[window.clone()]);
        let at = pos - window.start;
        buf[at] = t;
        (0..=at).any(|s| {
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
    ) -> Option<Edit> {
        let cands = self.confusions.get(&chars[pos])?;
        let window = pos.saturating_sub(WINDOW).max(run.start)..(pos + WINDOW + 1).min(run.end);
        let mut base = None;
        let mut best: Option<(f64, Candidate, f64)> = None;
        if is_numeral(chars[pos]) {
            return None;
        }
        for c in cands {
            if !is_han(c.truth) || is_numeral(c.truth) {
                continue;
            }
            if !self.forms_word(chars, &window, pos, c.truth) {
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
        let seen_elsewhere = corrected.chars().count() >= 2
            && counts.of(doc.text, &corrected) > 0
            && counts.of(doc.text, &original) == 1;
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
        Some(Edit::fix(
            range,
            cand.truth.to_string(),
            ID,
            "lexicon",
            conf,
            reason,
        ))
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

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let mut edits = Vec::new();
        self.context_rules(doc, &mut edits);
        let ruled: Vec<Range<usize>> = edits.iter().map(|e| e.range.clone()).collect();
        let mut counts = Counts::default();
        for line in &doc.lines {
            if matches!(line.kind, LineKind::Text | LineKind::Heading) {
                self.lexicon_edits(
                    doc,
                    &mut counts,
                    &doc.text[line.range.clone()],
                    line.range.start,
                    &mut edits,
                );
            }
        }
        // A context rule outranks the model at the same place.
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
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
