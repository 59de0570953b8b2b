//! Dashes OCR read as the ideograph 一.
//!
//! A Chinese dash `——` is a long horizontal stroke, and so is the numeral
//! `一`: engines read one for the other, often mixed with the full-width
//! hyphen `－` within one dash (`一一一`, `—一一`, `－一－`). The page gives
//! the answer where the numeral cannot stand:
//!
//! ```text
//! 盛典一一一2001年  →  盛典———2001年      (a run of three: no word)
//! 核心—一－巴以争端  →  核心———巴以争端     (a run mixing dash forms)
//! 偏北风4一6级       →  偏北风4—6级        (between two Arabic digits)
//! 美军U一2型        →  美军U—2型          (between Latin letters or digits)
//! ```
//!
//! Each dash keeps the length OCR gave it. `一一` alone is a word (一一列举,
//! one by one) and a single `一` between Han is the numeral: both stay,
//! unless the pair stands where a word cannot (after a closing mark such as
//! `！”`, or before an opening quote), and then it is a dash.

use super::{Options, Pass, RuleInfo};
use crate::chars::{is_alnum, is_cjk, is_closing, is_sentence_end};
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::rules::Rules;
use anyhow::Result;

pub const ID: &str = "dashes";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "dash-run",
        about: "A run of three or more 一, or of two or more mixing 一 with — or －, in Chinese text is a dash: written ——— (one — per character).",
    },
    RuleInfo {
        id: "range-dash",
        about: "A single 一 between two Arabic digits or Latin letters (4一6级, U一2) is a dash: written —.",
    },
];

pub struct Dashes;

pub fn build(_rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(Dashes))
}

/// Characters a printed dash is read as, including the dash itself.
fn dashlike(c: char) -> bool {
    matches!(c, '一' | '—' | '－' | '―' | '─')
}

/// A mark after which the adverb 一一 (one by one) cannot stand.
fn closes(c: char) -> bool {
    is_sentence_end(c) || is_closing(c) || matches!(c, '，' | '；' | '：' | '、')
}

fn opens(c: char) -> bool {
    matches!(c, '“' | '‘' | '《' | '（' | '「')
}

impl Pass for Dashes {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Writes the dash OCR read as 一: `一一一` → `———`, `4一6级` → `4—6级`."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let mut edits = Vec::new();
        for line in &doc.lines {
            if !matches!(line.kind, LineKind::Text | LineKind::Heading) {
                continue;
            }
            // slice: a line range of `doc` (see `Document`).
            let text = &doc.text[line.range.clone()];
            if !text.contains('一') {
                continue;
            }
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            // index: `i` and `j` stay below `chars.len()`; `start - 1` only
            // when `start > 0`.
            let mut i = 0;
            while i < chars.len() {
                if !dashlike(chars[i].1) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && dashlike(chars[i].1) {
                    i += 1;
                }
                let run = &chars[start..i];
                let ones = run.iter().filter(|(_, c)| *c == '一').count();
                if ones == 0 {
                    continue;
                }
                let before = start.checked_sub(1).map(|k| chars[k].1);
                let after = chars.get(i).map(|&(_, c)| c);
                let bytes = line.range.start + run[0].0
                    ..line.range.start + chars.get(i).map_or(text.len(), |&(b, _)| b);
                let dash = "—".repeat(run.len());
                let (rule, conf, why) = if run.len() >= 3 && ones == run.len() {
                    // No word of three or more 一: a dash, if Chinese text
                    // is around it.
                    if !(before.is_some_and(is_cjk) || after.is_some_and(is_cjk)) {
                        continue;
                    }
                    (
                        "dash-run",
                        0.9,
                        format!("'{}' in Chinese text is no word: a dash", "一".repeat(ones)),
                    )
                } else if run.len() >= 2 && ones < run.len() {
                    (
                        "dash-run",
                        0.9,
                        "一 mixed with dash forms in one run: a dash".to_string(),
                    )
                } else if run.len() == 2 && ones == 2 {
                    // The word 一一 (one by one) stands before a verb, never
                    // after a closing mark or before an opening one.
                    let wordless = before.is_some_and(closes) || after.is_some_and(opens);
                    if !wordless {
                        continue;
                    }
                    (
                        "dash-run",
                        0.8,
                        "'一一' after a closing mark or before an opening one: a dash".to_string(),
                    )
                } else if run.len() == 1
                    && before.is_some_and(is_alnum)
                    && after.is_some_and(is_alnum)
                {
                    (
                        "range-dash",
                        0.8,
                        format!(
                            "'一' between '{}' and '{}' is no numeral: a dash",
                            before.unwrap_or(' '),
                            after.unwrap_or(' ')
                        ),
                    )
                } else {
                    continue;
                };
                edits.push(Edit::fix(bytes, dash, ID, rule, conf, why));
            }
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn table() {
        let cases = [
            ("世纪音乐盛典一一一2001年", "世纪音乐盛典———2001年"),
            ("矛盾及其核心—一－巴以争端", "矛盾及其核心———巴以争端"),
            ("活动－一－“让黄河明珠", "活动———“让黄河明珠"),
            ("充满希望！”一一文艺工作者", "充满希望！”——文艺工作者"),
            ("东南沿海有4一6级偏北风", "东南沿海有4—6级偏北风"),
            ("一架美军U一2型高空侦察机", "一架美军U—2型高空侦察机"),
            // The word 一一 and the numeral stay.
            ("把遗落的包装品一一捡起", "把遗落的包装品一一捡起"),
            ("一一列举，逐条落实", "一一列举，逐条落实"),
            ("道一琼斯指数", "道一琼斯指数"),
            ("第一一条", "第一一条"),
            ("统一一下", "统一一下"),
            // Latin text.
            ("a--b", "a--b"),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
