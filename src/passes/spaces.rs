//! Stray spaces inside Chinese text.
//!
//! OCR engines put spaces between Chinese characters where they saw a gap:
//! noise, wide letter-spacing on justified lines, or a former line end after
//! column lines were joined. Chinese prose takes no spaces, so a space between
//! two Chinese characters goes: `提效率 争先锋` → `提效率争先锋`.
//!
//! Spaces that carry structure stay: field separators in page headers and
//! bylines (`编辑 石晶 美编 王涛`, `记者 赵志斌`) and datelines
//! (`淄博1月29日讯 正月初八`). A space between Chinese and a digit or Latin
//! word is removed only when the document does not space such boundaries
//! consistently (`使用 Rust 编写` throughout a document stays).

use super::{Options, Pass, RuleInfo};
use crate::chars::is_inline_space as is_ws;
use crate::chars::{is_alnum, is_cjk, is_han};
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::rules::Rules;
use anyhow::Result;

pub const ID: &str = "spaces";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "cjk-cjk",
        about: "Removes whitespace between two Chinese characters or full-width punctuation in prose.",
    },
    RuleInfo {
        id: "cjk-punct",
        about: "Removes a space beside an ASCII punctuation mark between Chinese characters (`报道: 记者`); a gap before ':' or ';' stays, as the sign that the mark may be a speck.",
    },
    RuleInfo {
        id: "cjk-alnum",
        about: "Removes a space between Chinese and a digit or Latin word, unless the document spaces such boundaries consistently (80% or more).",
    },
];

pub struct Spaces {
    titles: Vec<String>,
}

pub fn build(rules: &Rules) -> Result<Box<dyn Pass>> {
    let mut titles: Vec<String> = rules
        .table("titles.tsv")
        .iter()
        .map(|e| e.key().to_string())
        .collect();
    // Longest first, so 摄影记者 is tried before 记者.
    titles.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    Ok(Box::new(Spaces { titles }))
}

/// A whitespace-separated token of a line, with markup emphasis stripped.
struct Token<'a> {
    text: &'a str,
    han: usize,
}

fn token(s: &str) -> Token<'_> {
    let text = s.trim_matches(|c| c == '*' || c == '_');
    Token {
        text,
        han: text.chars().filter(|&c| is_han(c)).count(),
    }
}

/// A byline name: a few Han characters and nothing that reads as a sentence.
fn is_short_name(t: &Token) -> bool {
    // Trailing marks do not make a name a sentence (`张三：`), and ignoring
    // them keeps the decision the same once a later space is gone.
    let core = t
        .text
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || crate::chars::is_cjk_punct(c));
    t.han <= 4
        && !core
            .chars()
            .any(|c| matches!(c, '，' | '。' | '、' | '：' | '；' | ',' | ':'))
}

fn is_dateline_end(s: &str) -> bool {
    // `29日讯`, `31日电`: the space after a dateline separates it from the story.
    let mut rev = s.chars().rev();
    matches!(rev.next(), Some('讯' | '电')) && rev.next() == Some('日')
}

impl Spaces {
    fn ends_with_title(&self, s: &str) -> bool {
        self.titles.iter().any(|t| s.ends_with(t.as_str()))
    }

    fn starts_with_title(&self, s: &str) -> bool {
        self.titles.iter().any(|t| s.starts_with(t.as_str()))
    }

    /// True when the whitespace between tokens `left` and `right` separates
    /// fields: a title and a name, a dateline and the story, header fields.
    fn keeps_between_han(&self, left: &Token, right: &Token, field_line: bool) -> bool {
        (self.ends_with_title(left.text) && is_short_name(right))
            || is_dateline_end(left.text)
            || (field_line
                && (self.starts_with_title(right.text) || (left.han <= 4 && right.han <= 4)))
    }
}

/// An ASCII punctuation mark OCR put between Chinese characters, with a
/// space beside it: `报道: 记者`, `什么? 明天`, `新世纪 (图片`. The space goes;
/// the mark itself is the punctuation pass's business.
fn ascii_mark_in_chinese(left: &str, right: &str) -> Option<char> {
    let mut l = left.chars().rev();
    let (a, before_a) = (l.next()?, l.next());
    let mut r = right.chars();
    let (b, after_b) = (r.next()?, r.next());
    let closing = |c: char| matches!(c, ',' | '.' | ':' | ';' | '?' | '!' | ')');
    if closing(a) && before_a.is_some_and(is_cjk) && is_cjk(b) {
        return Some(a);
    }
    // A ':' or ';' after a gap stays apart: Tesseract sets the marks it
    // reads tight against the text, so the gap is the evidence that the
    // mark may be a speck, and `punct` only suggests its full-width form.
    if is_cjk(a)
        && (b == '(' || closing(b))
        && !matches!(b, ':' | ';')
        && after_b.is_none_or(is_cjk)
    {
        return Some(b);
    }
    None
}

/// Counts Chinese–alphanumeric boundaries with and without a space.
fn alnum_spacing(doc: &Document) -> (usize, usize) {
    let (mut spaced, mut tight) = (0, 0);
    let mut prev: Option<char> = None;
    let mut gap = false;
    for c in doc.text.chars() {
        if c == ' ' {
            gap = true;
            continue;
        }
        if let Some(p) = prev {
            if (is_han(p) && is_alnum(c)) || (is_alnum(p) && is_han(c)) {
                if gap {
                    spaced += 1;
                } else {
                    tight += 1;
                }
            }
        }
        prev = if c == '\n' { None } else { Some(c) };
        gap = false;
    }
    (spaced, tight)
}

impl Pass for Spaces {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Removes spaces that OCR left between Chinese characters, keeping field separators in headers, bylines and datelines."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let (spaced, tight) = alnum_spacing(doc);
        let spacing = Spacing {
            on_purpose: spaced >= 3 && spaced * 5 >= (spaced + tight) * 4,
            spaced,
            total: spaced + tight,
        };
        let mut edits = Vec::new();
        for line in &doc.lines {
            if matches!(line.kind, LineKind::Text | LineKind::Heading) {
                // slice: a line range of `doc` (see `Document`).
                self.line_edits(
                    &doc.text[line.range.clone()],
                    line.range.start,
                    &spacing,
                    &mut edits,
                );
            }
        }
        edits
    }
}

/// How the document spaces Chinese–alphanumeric boundaries.
struct Spacing {
    on_purpose: bool,
    spaced: usize,
    total: usize,
}

/// Most rounds of gap decisions per line; each round can only remove gaps,
/// and real lines settle in two.
const MAX_ROUNDS: usize = 8;

impl Spaces {
    /// Decides every whitespace gap of one line. Removing a gap merges its
    /// tokens, which can change the decision about a neighbouring gap, so
    /// the decisions are repeated until they settle: running the pass on its
    /// own output then changes nothing.
    fn line_edits(&self, text: &str, base: usize, spacing: &Spacing, edits: &mut Vec<Edit>) {
        let tokens = split_tokens(text);
        if tokens.len() < 2 {
            return;
        }
        // index: `decided` has one cell per gap (`tokens.len() - 1`, with at
        // least two tokens); `starts` holds 0 and `g + 1` for gaps `g`, so
        // every start and `starts[k + 1] - 1` (for the `merged.len() - 1`
        // windows, `merged` having one string per start) are token/gap indices.
        let mut decided: Vec<Option<(&'static str, f32, String)>> = vec![None; tokens.len() - 1];
        for _ in 0..MAX_ROUNDS {
            // Merged tokens: runs of tokens joined by removed gaps.
            let mut starts = vec![0];
            for (g, d) in decided.iter().enumerate() {
                if d.is_none() {
                    starts.push(g + 1);
                }
            }
            // Merged tokens are compared without the whitespace already
            // removed, exactly as the next run will see them.
            let merged: Vec<String> = starts
                .iter()
                .enumerate()
                .map(|(k, &first)| {
                    let last = starts.get(k + 1).map_or(tokens.len() - 1, |&n| n - 1);
                    tokens[first..=last].iter().map(|(_, t)| *t).collect()
                })
                .collect();
            let short = merged.iter().filter(|t| token(t).han <= 4).count();
            let sentence = text.contains(['，', '。', ',']);
            let field_line = short * 2 >= merged.len() && !sentence;
            let mut changed = false;
            for (k, w) in merged.windows(2).enumerate() {
                let gap = starts[k + 1] - 1;
                if let Some(d) = self.decide_gap(&w[0], &w[1], field_line, spacing) {
                    decided[gap] = Some(d);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (g, d) in decided.into_iter().enumerate() {
            if let Some((rule, conf, why)) = d {
                let (ls, lt) = tokens[g];
                let (rs, _) = tokens[g + 1];
                edits.push(Edit::fix(
                    base + ls + lt.len()..base + rs,
                    "",
                    ID,
                    rule,
                    conf,
                    why,
                ));
            }
        }
    }

    /// Whether the whitespace between tokens `lt` and `rt` goes, by which
    /// rule, how surely and why.
    fn decide_gap(
        &self,
        lt: &str,
        rt: &str,
        field_line: bool,
        spacing: &Spacing,
    ) -> Option<(&'static str, f32, String)> {
        let (a, b) = (lt.chars().next_back()?, rt.chars().next()?);
        if is_cjk(a) && is_cjk(b) {
            let han_pair = is_han(a) && is_han(b);
            if (han_pair || field_line)
                && self.keeps_between_han(&token(lt), &token(rt), field_line)
            {
                return None;
            }
            let conf = if han_pair { 0.9 } else { 0.95 };
            return Some((
                "cjk-cjk",
                conf,
                format!("space between '{a}' and '{b}' in Chinese prose"),
            ));
        }
        if let Some(mark) = ascii_mark_in_chinese(lt, rt) {
            return Some((
                "cjk-punct",
                0.85,
                format!("space next to '{mark}' between Chinese characters"),
            ));
        }
        if ((is_cjk(a) && is_alnum(b)) || (is_alnum(a) && is_cjk(b)))
            && !spacing.on_purpose
            && !field_line
        {
            return Some((
                "cjk-alnum",
                0.8,
                format!(
                    "space between '{a}' and '{b}'; the document spaces {} of {} such boundaries",
                    spacing.spaced, spacing.total
                ),
            ));
        }
        None
    }
}

/// Splits a line into whitespace-separated tokens with their byte offsets.
/// Leading whitespace (indentation) is not a gap between tokens.
fn split_tokens(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    // slice: `s` and `i` come from `char_indices` of `line`.
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (is_ws(c), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn table() {
        let cases = [
            ("提效率 争先锋、提效 益争先进", "提效率争先锋、提效益争先进"),
            (
                "2023年1月30日 星期一 编辑 石晶 美编 王涛 校对 杜蕾",
                "2023年1月30日 星期一 编辑 石晶 美编 王涛 校对 杜蕾",
            ),
            ("记者 赵志斌", "记者 赵志斌"),
            (
                "大众日报淄博融媒体中 心记者 **赵志斌** ",
                "大众日报淄博融媒体中心记者 **赵志斌** ",
            ),
            (
                "淄博1月29日讯 正月初八,张店区召开",
                "淄博1月29日讯 正月初八,张店区召开",
            ),
            (
                "扫描\"鲁中晨报\"APP二 维码查看现场 视频",
                "扫描\"鲁中晨报\"APP二维码查看现场视频",
            ),
            ("重要动力。 20 多年的改革", "重要动力。20多年的改革"),
            (
                "使用 Rust 编写，用 Rust 测试，以 Go 对比。",
                "使用 Rust 编写，用 Rust 测试，以 Go 对比。",
            ),
            ("plain English text  stays", "plain English text  stays"),
            ("  缩进的段落", "  缩进的段落"),
            ("记者今天报道: 记者今天", "记者今天报道:记者今天"),
            ("新世纪 (图片)", "新世纪(图片)"),
            // A gap before ':' or ';' is the sign of a speck: it stays.
            ("解放军总 :政治部", "解放军总 :政治部"),
            ("延长的年龄 ;最多", "延长的年龄 ;最多"),
            ("什么 ?明天", "什么?明天"),
            ("Hello, world (again).", "Hello, world (again)."),
            (
                "本报讯 记者 吴坤胜报道：记者今天",
                "本报讯 记者吴坤胜报道：记者今天",
            ),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
