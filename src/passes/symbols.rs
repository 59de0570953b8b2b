//! Symbols OCR read as other glyphs: dashes read as the ideograph 一, and
//! the bullet `●` read as `@@`.
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
//!
//! A list bullet `●` starts an item (`●2月2日，…`); Tesseract reads it as
//! `@` or `@@`. An `@` that starts a line or follows a sentence end, before
//! a digit or a Han character, is that bullet (e-mail addresses are
//! protected spans and never get here).
//!
//! RapidOCR reads the semicolon `；` as the colon `：`. A colon introduces
//! (说：, 如下：, 包括：); a semicolon separates parallel clauses, each of
//! them often with a comma inside. A `：` in a sentence that already has a
//! `：` or `；`, closing a segment with a comma in it, and not after a word
//! that introduces, is such a separator:
//!
//! ```text
//! 担任排级职务的，应当经过院校培训：担任团级职务的，…：…
//!                                ↓
//! 担任排级职务的，应当经过院校培训；担任团级职务的，…；…
//! ```
//!
//! In the dev corpus gold pages, 43 of 44 marks after a `：`/`；` are `；`
//! (the other follows 倡议, which introduces), and 30 of 31 before a
//! parallel segment (the other follows 分了三类).

use super::{Options, Pass, RuleInfo};
use crate::chars::{is_alnum, is_cjk, is_closing, is_han, is_sentence_end};
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::rules::Rules;
use anyhow::Result;

pub const ID: &str = "symbols";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "dash-run",
        about: "A run of three or more 一, or of two or more mixing 一 with — or －, in Chinese text is a dash: written ——— (one — per character).",
    },
    RuleInfo {
        id: "bullet",
        about: "`@` or `@@` at a line start or after a sentence end, before a digit or Han character, is the bullet ●.",
    },
    RuleInfo {
        id: "semicolon",
        about: "A '：' in a sentence that already has a '：' or '；', after a segment with a '，' in it and not after an introducing word (说, 如下, 包括, 倡议…), nor before a quote, bracket or digit, is a misread '；'.",
    },
    RuleInfo {
        id: "range-dash",
        about: "A single 一 between two Arabic digits or Latin letters (4一6级, U一2) is a dash: written —.",
    },
];

pub struct Symbols;

pub fn build(_rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(Symbols))
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

fn bullets(doc: &Document, text: &str, at: usize, edits: &mut Vec<Edit>) {
    let mut prev: Option<char> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '@' {
            if !c.is_whitespace() {
                prev = Some(c);
            }
            continue;
        }
        let mut end = i + 1;
        if it.peek().is_some_and(|&(_, n)| n == '@') {
            it.next();
            end += 1;
        }
        let next = it.peek().map(|&(_, n)| n);
        let starts = prev.is_none_or(|p| is_sentence_end(p) || matches!(p, '：' | '；'));
        let item = next.is_some_and(|n| n.is_ascii_digit() || is_han(n));
        let range = at + i..at + end;
        if starts && item && !doc.is_protected(&range) {
            edits.push(Edit::fix(
                range,
                "●",
                ID,
                "bullet",
                0.8,
                String::from("'@' starting an item: the bullet ●, misread"),
            ));
        }
        prev = Some('@');
    }
}

/// Last characters of words that introduce what follows a colon: 说,
/// 表示, 指出, 强调, 认为, 如下, 包括, 倡议, 规定, 要求, 介绍, 呼吁, 宣布,
/// 分别为, 修改为, 写道, 问, 答, 称, 是, 有, 即, 如, 曰, 看到了, 分为三类;
/// and of labels: 主持人, 记者, 嘉宾, 编辑, 地址, 时间, 电话, 来源, 摄影.
fn introduces(c: char) -> bool {
    "说道示出调为下括议定求绍吁布问答称是有即如曰云言述写讲知明告醒望信到题点项条款了类种人员者宾编辑址间话码源名持演摄稿"
        .contains(c)
}

/// Whether the next segment of `rest` has a comma and ends with `：` or
/// `；` in the same sentence: a second clause parallel to the one before.
fn parallel_follows(rest: &str) -> bool {
    let Some(end) = rest.find(['：', '；', '。', '！', '？']) else {
        return false;
    };
    // slice: `end` is the start of the character found.
    let (seg, mark) = (&rest[..end], &rest[end..]);
    seg.contains('，') && (mark.starts_with('：') || mark.starts_with('；'))
}

/// Colons that separate parallel clauses: misread semicolons.
fn semicolons(text: &str, at: usize, edits: &mut Vec<Edit>) {
    // A '：' or '；' earlier in this sentence; a '，' since the last mark.
    let (mut marked, mut comma) = (false, false);
    // Characters since the last of ：；。！？.
    let mut seg = 0usize;
    let mut prev: Option<char> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '。' | '！' | '？' => (marked, comma, seg) = (false, false, 0),
            '，' => {
                comma = true;
                seg += 1;
            }
            '；' => (marked, comma, seg) = (true, false, 0),
            '：' => {
                let next = it.peek().map(|&(_, n)| n);
                // slice: after the one-character mark at `i`.
                let rest = &text[i + c.len_utf8()..];
                // A label's value is short (编辑：石晶，美编：王涛); a clause is not.
                let clause = rest
                    .chars()
                    .take_while(|&n| !"，；：。！？、".contains(n))
                    .count()
                    >= 4;
                // Clauses run long: a field list's segments (中心，统筹) do not.
                let separates = (marked || parallel_follows(rest))
                    && clause
                    && seg >= 9
                    && comma
                    && prev.is_some_and(|p| is_han(p) && !introduces(p))
                    && next.is_some_and(is_han);
                if separates {
                    edits.push(Edit::fix(
                        at + i..at + i + c.len_utf8(),
                        "；",
                        ID,
                        "semicolon",
                        0.8,
                        "'：' ending a clause with a comma, in a sentence that already has '：' or '；', after no introducing word: a misread '；'",
                    ));
                }
                (marked, comma, seg) = (true, false, 0);
            }
            c if !c.is_whitespace() => seg += 1,
            _ => {}
        }
        if !c.is_whitespace() {
            prev = Some(c);
        }
    }
}

impl Pass for Symbols {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Writes the dashes OCR read as 一 (`一一一` → `———`, `4一6级` → `4—6级`), the bullet read as @ (`@@2月` → `●2月`), and the semicolon read as a colon between parallel clauses."
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
            if text.contains('@') && text.chars().any(is_han) {
                bullets(doc, text, line.range.start, &mut edits);
            }
            if text.contains('：') {
                semicolons(text, line.range.start, &mut edits);
            }
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
            // Bullets read as @.
            ("公布如下：@@2月2日，会议", "公布如下：●2月2日，会议"),
            ("@适应社会需要。@@6月28日", "●适应社会需要。●6月28日"),
            ("联系user@example.com或@某人", "联系user@example.com或@某人"),
            // A colon between parallel clauses is a semicolon.
            (
                "军官的最高年龄：担任排级职务的，三十岁：担任连级职务的，三十五岁。",
                "军官的最高年龄：担任排级职务的，三十岁；担任连级职务的，三十五岁。",
            ),
            (
                "他说：在巴黎，我们看到了：各种灯饰如同火树",
                "他说：在巴黎，我们看到了：各种灯饰如同火树",
            ),
            // Introducing words, quotes, digits and a new sentence keep it.
            (
                "会上宣布：在全国，向青少年发出倡议：从我做起",
                "会上宣布：在全国，向青少年发出倡议：从我做起",
            ),
            ("规定如下：一，二：“第三条", "规定如下：一，二：“第三条"),
            ("时间：上午，开始于：10时", "时间：上午，开始于：10时"),
            // Labels and their values.
            (
                "编辑：石晶，美编：王涛，校对：杜蕾",
                "编辑：石晶，美编：王涛，校对：杜蕾",
            ),
            (
                "主持人：张三，嘉宾：李四、王五",
                "主持人：张三，嘉宾：李四、王五",
            ),
            (
                "出品：中心，统筹：王大明同志",
                "出品：中心，统筹：王大明同志",
            ),
            ("标准：一。二，三：四", "标准：一。二，三：四"),
            // The first of a series: the next clause is built the same.
            (
                "对于国家明令关停的，在年底前关停：对于其他企业，限期治理；",
                "对于国家明令关停的，在年底前关停；对于其他企业，限期治理；",
            ),
            (
                "将企业分了三类：对于国家明令关停的，在年底前关停；",
                "将企业分了三类：对于国家明令关停的，在年底前关停；",
            ),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
