//! Marks OCR read from specks in the margin.
//!
//! Chinese typesetting sets a comma tight against the character before it,
//! hanging into the margin at a line end. A comma that OCR reports at a line
//! end *after a gap* was not set there: it is a speck of dirt or
//! show-through in the margin, which Tesseract reads as `，` (on the dev
//! corpus, 83 of 85 such commas are not in the printed text, while commas
//! tight against the text are real):
//!
//! ```text
//! 发展和稳定的关系，解决好经 ，     发展和稳定的关系，解决好经
//! 济和社会发展中一系列关系     →   济和社会发展中一系列关系
//! ```
//!
//! After a number or a Latin word a spaced comma is ordinary typing
//! (`6.16 ,`), so it stays there. This pass runs before `reflow`, while the
//! printed lines are still lines.
//!
//! The line that ends a paragraph is blank after its final mark; one or two
//! characters OCR reports there after a wide gap (`工资照发。      人`) are
//! specks too.
//!
//! The small centred dot of a transliterated name (诺罗敦·拉那烈) is a speck
//! to the OCR too: Tesseract reads it as `.`, `:` or `'`, which `punct` would
//! delete or widen to `：`. Between two characters of transliteration it is
//! put back as `·` first.

use super::{word_across, Options, Pass, RuleInfo};
use crate::chars::is_inline_space as is_gap;
use crate::chars::{
    ends_open, is_cjk, is_clause_mark, is_han, is_transliteration, leaves_quote_open, unpunctuated,
};
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::lexicon::Lexicon;
use crate::rules::Rules;
use anyhow::Result;
use std::sync::Arc;

pub const ID: &str = "specks";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "margin-comma",
        about: "Removes a comma that stands alone at a line end, apart from Chinese text by a gap, or a '、' apart from a Han character so: a speck in the margin, not a printed mark.",
    },
    RuleInfo {
        id: "margin-hyphen",
        about: "Removes an ASCII hyphen that starts a line before a Han character or ends a line after one: Chinese is never hyphenated, so it is a speck.",
    },
    RuleInfo {
        id: "hyphen-one",
        about: "An ASCII hyphen at a line start or end right after 第 or 十 (across the line break) is the numeral 一 read short: 第-缕 → 第一缕, 三十-日 → 三十一日.",
    },
    RuleInfo {
        id: "split-word",
        about: "Removes a comma at a line end that parts a common word (frequency 100 or more in the lexicon) continued on the next line, when neither half belongs to a longer word on its side (`在改革发，` / `展中保持` → `在改革发` / `展中保持`), and a comma or '、' tight at a line end before a 的 that starts the next line (`最好，` / `的时期`; not 的确).",
    },
    RuleInfo {
        id: "indent-quote",
        about: "Removes a closing quote ” that starts a line (before a Han character or a digit) after a line ending a sentence with no quotation open, or at the top of a block when no closing quote follows in its sentence: closing marks never start a line, so it is a speck read in a new paragraph's lost indent (`任命军官。` / `”第十条人民…`).",
    },
    RuleInfo {
        id: "leading-comma",
        about: "Removes a '，', ',' or '、' that starts a line of Chinese text below another: a comma hangs at the end of the line before and never starts a printed line, so it is a speck (`相对落后的` / `，生产力` → `相对落后的` / `生产力`).",
    },
    RuleInfo {
        id: "lead-speck",
        about: "Removes specks ('.', ':', ';', ',', '-', '@', '`', an apostrophe, '·') that start a line right before a news lead (`:本报讯…`, `.本报平壤1月1日电…`): a lead opens an article and nothing is set before it, so they are dust read in its lost indent.",
    },
    RuleInfo {
        id: "doubled-mark",
        about: "Removes the second of two clause marks in a row (`完成，，对于`, `境界。，要`, `军官、、政治`): a '，' or '、' after any clause mark, or a mark repeated; Chinese never sets them so, and OCR reads one mark twice or a speck beside it. Runs of three (`。。。`) and '！！' are left alone.",
    },
    RuleInfo {
        id: "tail-speck",
        about: "Removes one or two characters that stand at a line end after a sentence end and a wide gap (`工资照发。      人`, `音乐会。     2`): a paragraph's last line is blank after its final mark, so they are specks read as characters.",
    },
    RuleInfo {
        id: "name-dot",
        about: "An ASCII '.', ':' or ' between two characters of a transliterated name (both sides spelled with transliteration characters, read on across a line break) is the name's middle dot: 诺罗敦.拉那烈 → 诺罗敦·拉那烈.",
    },
];

/// Middle dots of names read as ASCII marks in `text` (a line at `at`).
/// `above` and `below` are the text lines right before and after it, if
/// any: a name may be cut at the line end (`铁木尔.` / `达瓦买提`).
fn name_dots(
    text: &str,
    at: usize,
    above: Option<&str>,
    below: Option<&str>,
    edits: &mut Vec<Edit>,
) {
    if !text.contains(['.', ':', '\'']) {
        return; // most lines: no per-line character table
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let tail: Vec<char> = above.map_or(Vec::new(), |a| a.chars().rev().take(2).collect());
    let head: Vec<char> = below.map_or(Vec::new(), |b| b.chars().take(2).collect());
    // The character `d` places from the mark at `k` (negative: before it),
    // reading on into the lines above and below.
    let get = |k: usize, d: isize| -> Option<char> {
        let j = k as isize + d;
        if j < 0 {
            tail.get((-j - 1) as usize).copied()
        } else if (j as usize) < chars.len() {
            Some(chars[j as usize].1)
        } else {
            head.get(j as usize - chars.len()).copied()
        }
    };
    for (k, &(i, m)) in chars.iter().enumerate() {
        if !matches!(m, '.' | ':' | '\'') {
            continue;
        }
        let (Some(a), Some(b)) = (get(k, -1), get(k, 1)) else {
            continue;
        };
        // Both neighbours spell a name, and one of them a longer one.
        let outer =
            get(k, -2).is_some_and(is_transliteration) || get(k, 2).is_some_and(is_transliteration);
        if is_transliteration(a) && is_transliteration(b) && outer {
            edits.push(Edit::fix(
                at + i..at + i + 1,
                "·",
                ID,
                "name-dot",
                0.8,
                format!("'{m}' inside the transliterated name …{a}{m}{b}…: its middle dot"),
            ));
        }
    }
}

/// Spaces that make a gap wide enough to tell a speck from spaced text.
const WIDE_GAP: usize = 3;

/// One or two characters at the end of `text` (a line at `at`) after a
/// sentence end and a wide gap (`工资照发。      人`): the line of a
/// paragraph's final mark is blank after it in print, so OCR read specks
/// there. Commas and dots are left to the rules for them.
fn tail_speck(text: &str, at: usize, edits: &mut Vec<Edit>) {
    let body = text.trim_end_matches(is_gap);
    // A gap may be the three-byte ideographic space of an indent.
    let tail_start = body
        .char_indices()
        .rev()
        .find(|&(_, c)| is_gap(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    // slice: just after a gap character, or 0: character boundaries; `kept`
    // is a prefix of `before`.
    let tail = &body[tail_start..];
    let before = &body[..tail_start];
    let kept = before.trim_end_matches(is_gap);
    let n = tail.chars().count();
    if !(1..=2).contains(&n)
        || before[kept.len()..].chars().count() < WIDE_GAP
        || tail.chars().any(|c| {
            matches!(c, '，' | ',' | '、' | '.' | '。' | '·' | '…') || crate::chars::is_closing(c)
        })
    {
        return;
    }
    let mut end = kept
        .chars()
        .rev()
        .skip_while(|&c| matches!(c, '”' | '’' | '）' | ')'));
    let stop = end.next().is_some_and(|c| matches!(c, '。' | '！' | '？'));
    // Chinese prose before the mark, not a Latin sentence.
    if stop && end.next().is_some_and(is_cjk) {
        edits.push(Edit::fix(
            at + kept.len()..at + body.len(),
            "",
            ID,
            "tail-speck",
            0.75,
            format!("'{tail}' after a sentence end and a wide gap at the line end: specks read as characters"),
        ));
    }
}

/// The second of two clause marks in a row in `text` (a line at `at`),
/// spaces between them allowed.
fn doubled_marks(text: &str, at: usize, edits: &mut Vec<Edit>) {
    if !text.contains(['，', '、', '。', '；', '：']) {
        return;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let get = |j: usize| chars.get(j).map(|&(_, c)| c);
    let mut k = 0;
    while k < chars.len() {
        let (i, first) = chars[k];
        k += 1;
        if !is_clause_mark(first) {
            continue;
        }
        let mut m = k;
        while get(m).is_some_and(is_gap) {
            m += 1;
        }
        let Some(second) = get(m) else { break };
        let doubled =
            matches!(second, '，' | '、') || (second == first && !matches!(first, '？' | '！'));
        // A run of three is an informal ellipsis or emphasis, not a misread.
        let run = (k >= 2 && get(k - 2) == Some(first)) || get(m + 1) == Some(second);
        if !doubled || run {
            continue;
        }
        // Marks after the second that double the first as well go with it
        // (`：，、：` → `：`): one edit, so a second run finds none.
        loop {
            let mut n = m + 1;
            while get(n).is_some_and(is_gap) {
                n += 1;
            }
            let Some(next) = get(n) else { break };
            let doubled =
                matches!(next, '，' | '、') || (next == first && !matches!(first, '？' | '！'));
            if !doubled || get(n + 1) == Some(next) {
                break;
            }
            m = n;
        }
        let end = chars.get(m + 1).map_or(text.len(), |&(j, _)| j);
        edits.push(Edit::fix(
            at + i + first.len_utf8()..at + end,
            "",
            ID,
            "doubled-mark",
            0.8,
            format!("'{second}' right after '{first}': one mark read twice, or a speck beside it"),
        ));
        k = m + 1;
    }
}

/// The text of line `k` when it is a text line right next to line `n`
/// (one line break between them, no blank line).
fn adjacent_text<'a>(doc: &'a Document, k: usize, n: usize) -> Option<&'a str> {
    let (a, b) = (doc.lines.get(k.min(n))?, doc.lines.get(k.max(n))?);
    let other = doc.lines.get(k)?;
    // slice: a line range of `doc` (see `Document`).
    (other.kind == LineKind::Text && doc.text.get(a.range.end..b.range.start) == Some("\n"))
        .then(|| &doc.text[other.range.clone()])
}

/// A headline line: four or more Han characters and no punctuation or
/// quotation mark at all (`越南国家主席陈德良 推进国家的工业化`), not ending in
/// a function word that leads on (`他们提出的口号是`).
fn heading(s: &str) -> bool {
    s.chars().filter(|&c| is_han(c)).take(4).count() >= 4
        && s.trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| !ends_open(c))
        && unpunctuated(s)
        && !s.contains(['.', '（', '）', '(', ')'])
}

/// A closing quote `”` that starts a line after a line ending a sentence
/// with no quotation open (`…直接任命军官。` / `”第十条人民解放军…`): Chinese
/// typesetting never starts a line with a closing mark (it hangs at the end
/// of the line before), so it is a speck in the lost indent of a new
/// paragraph, which Tesseract reads as a quote. The text after it starts
/// with a Han character or a digit (`”2000年12月`). `above` is `None` at
/// the top of a block (a column): there the quote must also not be an
/// opening one misread, so no closing quote may follow in its sentence.
/// After a headline line (see [`heading`]) the quote goes too when the
/// lines above leave no quotation open (`quote_open`).
fn indent_quote(
    above: Option<&str>,
    quote_open: bool,
    text: &str,
    at: usize,
    edits: &mut Vec<Edit>,
) {
    // Specks may come before it too (`， ”第三十五条`).
    let lead = text.len()
        - text
            .trim_start_matches(|c: char| is_gap(c) || matches!(c, '，' | ',' | '.' | '、'))
            .len();
    // slice: after leading whitespace and specks, a character boundary.
    let Some(rest) = text[lead..].strip_prefix('”') else {
        return;
    };
    let lead = text.len() - text.trim_start_matches(is_gap).len();
    let body = rest.trim_start_matches(is_gap);
    if !body
        .chars()
        .next()
        .is_some_and(|c| is_han(c) || c.is_ascii_digit())
    {
        return;
    }
    let fits = match above {
        // The line above ends a sentence (specks after its mark aside, a
        // closing quote or bracket after the mark allowed) and leaves no
        // quotation open.
        Some(above) => {
            let end =
                above.trim_end_matches(|c: char| is_gap(c) || matches!(c, '、' | '，' | ',' | '.'));
            let stop = end.trim_end_matches(['”', '）']);
            (stop.ends_with(['。', '！', '？']) && !leaves_quote_open(end))
                || (heading(above) && !quote_open)
        }
        None => {
            let sentence = body.split(['。', '！', '？']).next().unwrap_or(body);
            !sentence.contains(['”', '"'])
        }
    };
    if fits {
        let cut = text.len() - body.len();
        edits.push(Edit::fix(
            at + lead..at + cut,
            "",
            ID,
            "indent-quote",
            0.75,
            String::from("'”' starts the line after a sentence end with no quotation open: a closing mark never starts a line, so it is a speck in the lost indent"),
        ));
    }
}

/// Whether the text lines among the six above line `n` leave a quotation
/// open (a `”` starting line `n` may then close it).
fn recent_quote_open(doc: &Document, n: usize) -> bool {
    // The nearest text line with a quotation mark decides.
    doc.lines[n.saturating_sub(6)..n]
        .iter()
        .rev()
        .filter(|l| l.kind == LineKind::Text)
        // slice: a line range of `doc` (see `Document`).
        .map(|l| &doc.text[l.range.clone()])
        .find(|t| t.contains(['“', '”']))
        .is_some_and(leaves_quote_open)
}

/// A comma or enumeration comma that starts a line of Chinese text below
/// another (`要在改革发\n，展中`): Chinese typesetting never starts a line
/// with one (a comma hangs at the end of the line before), so OCR read a
/// speck at the line's start. A quote after it is left to `indent-quote`.
fn leading_comma(above: &str, text: &str, at: usize, edits: &mut Vec<Edit>) {
    let lead = text.len() - text.trim_start_matches(is_gap).len();
    // slice: after leading whitespace, a character boundary.
    let Some(mark) = text[lead..]
        .chars()
        .next()
        .filter(|&c| matches!(c, '，' | ',' | '、'))
    else {
        return;
    };
    let body = text[lead + mark.len_utf8()..].trim_start_matches(is_gap);
    let chinese_above = above
        .chars()
        .rev()
        .find(|&c| !is_gap(c))
        .is_some_and(is_cjk);
    if chinese_above && body.chars().next().is_some_and(is_han) {
        edits.push(Edit::fix(
            at + lead..at + text.len() - body.len(),
            "",
            ID,
            "leading-comma",
            0.75,
            format!("'{mark}' starts a line of Chinese text: a comma never starts a printed line, so it is a speck"),
        ));
    }
}

/// Specks at the start of a line before a news lead (`:本报讯`; see
/// `reflow::lead_after_dust`).
fn lead_speck(text: &str, at: usize, edits: &mut Vec<Edit>) {
    let Some((rest, m)) = super::reflow::lead_after_dust(text) else {
        return;
    };
    let lead = text.len() - text.trim_start_matches(is_gap).len();
    // slice: `rest` is a suffix of `text` after its leading gaps.
    let specks = &text[lead..text.len() - rest.len()];
    edits.push(Edit::fix(
        at + lead..at + text.len() - rest.len(),
        "",
        ID,
        "lead-speck",
        0.8,
        format!(
            "'{}' stands before the news lead '{m}', which opens an article: specks",
            specks.trim()
        ),
    ));
}

/// Characters after which a hyphen at a line edge is the numeral 一.
fn before_one(c: char) -> bool {
    matches!(c, '第' | '十')
}

/// The edit for a hyphen at `range` after `prev` (the character before it,
/// across the line break).
fn hyphen_edit(range: std::ops::Range<usize>, prev: Option<char>, start: bool) -> Edit {
    let place = if start { "starting" } else { "ending" };
    match prev.filter(|&c| before_one(c)) {
        Some(c) => Edit::fix(
            range,
            "一",
            ID,
            "hyphen-one",
            0.8,
            format!("'-' {place} a line after '{c}': the numeral 一 read short"),
        ),
        None => Edit::fix(
            range,
            "",
            ID,
            "margin-hyphen",
            0.8,
            format!("'-' {place} a line, touching a Han character: a speck"),
        ),
    }
}

pub struct Specks {
    lexicon: Arc<Lexicon>,
}

pub fn build(rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(Specks {
        lexicon: rules.lexicon()?,
    }))
}

/// The same inside a line where a converter marked the printed line end
/// with one space (`在改革发， 展中保持`, Markdown output).
fn inline_split_words(lex: &Lexicon, text: &str, at: usize, edits: &mut Vec<Edit>) {
    for (i, _) in text.match_indices("， ") {
        // slice: `i` and `i + 4` are the ends of '，' and the one-byte space.
        let (before, after) = (&text[..i], &text[i + "， ".len()..]);
        if let Some(word) = word_across(lex, before, after) {
            edits.push(Edit::fix(
                at + i..at + i + "，".len(),
                "",
                ID,
                "split-word",
                0.75,
                format!(
                    "'，' before a line-end space parts the word {word}, whose halves stand alone on either side: a speck, not a clause mark"
                ),
            ));
        }
    }
}

/// A hyphen at either end of a printed line, touching Chinese text;
/// `prev` is the last character of the line before.
fn hyphens(text: &str, at: usize, prev: Option<char>, edits: &mut Vec<Edit>) {
    // slice: cuts after leading or before trailing whitespace and one-byte
    // hyphens, so on character boundaries.
    let lead = text.len() - text.trim_start_matches(is_gap).len();
    let rest = &text[lead..];
    if let Some(after) = rest.strip_prefix('-') {
        if after.chars().next().is_some_and(is_han) {
            let prev = if lead == 0 { prev } else { None };
            edits.push(hyphen_edit(at + lead..at + lead + 1, prev, true));
        }
    }
    let body = text.trim_end_matches(is_gap);
    if let Some(before) = body.strip_suffix('-') {
        let kept = before.trim_end_matches(is_gap);
        let last = kept.chars().next_back();
        if last.is_some_and(is_han) && body.len() > lead + 1 {
            // Tight against 第 or 十 it is the numeral; after a gap, a speck.
            let prev = if kept.len() == before.len() {
                last
            } else {
                None
            };
            edits.push(hyphen_edit(at + kept.len()..at + body.len(), prev, false));
        }
    }
}

impl Pass for Specks {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Removes marks OCR read from specks in the margin: a comma apart from the text at a line end, a hyphen touching Chinese at a line start or end, the second of two clause marks in a row, characters after a sentence end and a wide gap at a line end; restores the middle dot of a transliterated name read as '.', ':' or '."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let mut edits = Vec::new();
        // Only Chinese text is set this way.
        if !doc.text.chars().any(is_han) {
            return edits;
        }
        let mut prev_end: Option<(usize, char)> = None;
        for (n, line) in doc.lines.iter().enumerate() {
            if line.kind != LineKind::Text {
                prev_end = None;
                continue;
            }
            // slice: a line range of `doc` (see `Document`); the cuts below
            // are at ends of ASCII or whitespace characters found by
            // `trim_end_matches`, so on character boundaries.
            let text = &doc.text[line.range.clone()];
            // The line before, if it ends right at this one's line break.
            let prev = prev_end
                .filter(|&(end, _)| doc.text.get(end..line.range.start) == Some("\n"))
                .map(|(_, c)| c);
            prev_end = text.chars().next_back().map(|c| (line.range.end, c));
            let above = n.checked_sub(1).and_then(|k| adjacent_text(doc, k, n));
            if let Some(above) = above {
                let open = text.contains('”') && recent_quote_open(doc, n);
                indent_quote(Some(above), open, text, line.range.start, &mut edits);
                leading_comma(above, text, line.range.start, &mut edits);
            } else if n
                .checked_sub(1)
                .is_none_or(|k| doc.lines[k].kind == LineKind::Blank)
            {
                // The top of a block: a column's first line.
                indent_quote(None, false, text, line.range.start, &mut edits);
            }
            hyphens(text, line.range.start, prev, &mut edits);
            lead_speck(text, line.range.start, &mut edits);
            let below = adjacent_text(doc, n + 1, n);
            name_dots(text, line.range.start, above, below, &mut edits);
            tail_speck(text, line.range.start, &mut edits);
            doubled_marks(text, line.range.start, &mut edits);
            if text.contains("， ") {
                inline_split_words(&self.lexicon, text, line.range.start, &mut edits);
            }
            let body = text.trim_end_matches(is_gap);
            let Some(mark) = body
                .chars()
                .next_back()
                .filter(|&c| matches!(c, '，' | ',' | '、'))
            else {
                continue;
            };
            let before_mark = &body[..body.len() - mark.len_utf8()];
            // Removes what follows `kept` on the line: the mark and the gaps
            // around it.
            let mut cut = |kept: &str, rule: &'static str, confidence: f32, reason: String| {
                edits.push(Edit::fix(
                    line.range.start + kept.len()..line.range.start + body.len(),
                    "",
                    ID,
                    rule,
                    confidence,
                    reason,
                ));
            };
            // A comma tight at the line end before a 的 that starts the next
            // line (`历史上最好，` / `的时期`): the particle never opens a
            // clause (的确, indeed, does), so the comma is a speck.
            let de = below.is_some_and(|t| t.starts_with('的') && !t.starts_with("的确"));
            let text_end = before_mark
                .chars()
                .next_back()
                .is_some_and(|c| is_han(c) || matches!(c, '”' | '’' | '）'));
            if de && text_end {
                cut(
                    before_mark,
                    "split-word",
                    0.75,
                    format!("'{mark}' at the line end before the particle 的 that starts the next line: 的 never opens a clause, so it is a speck"),
                );
                continue;
            }
            let kept = before_mark.trim_end_matches(is_gap);
            let last = kept.chars().next_back();
            if kept.len() == before_mark.len() {
                // Tight against the text: a printed comma, unless it cuts
                // a word that the next line finishes (an enumeration comma
                // never does).
                let word = below
                    .filter(|_| mark != '、')
                    .and_then(|t| word_across(&self.lexicon, kept, t));
                if let Some(word) = word {
                    cut(
                        kept,
                        "split-word",
                        0.75,
                        format!(
                            "'{mark}' at the line end parts the word {word}, whose halves stand alone on either side: a speck, not a clause mark"
                        ),
                    );
                }
                continue;
            }
            // Apart from the text: a comma after Chinese text or alone on
            // the line; an enumeration comma only after a Han character
            // (after a bracket it may be printed: `（正旅职） 、`).
            let margin = if mark == '、' {
                last.is_some_and(is_han)
            } else {
                last.is_none_or(is_cjk)
            };
            if margin {
                cut(
                    kept,
                    "margin-comma",
                    0.8,
                    format!("'{mark}' apart from the text at the line end: a speck in the margin"),
                );
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
            (
                "发展和稳定的关系，解决好经 ，\n济和社会发展中一系列关系",
                "发展和稳定的关系，解决好经\n济和社会发展中一系列关系",
            ),
            ("放在营区内。    ，\n下一行", "放在营区内。\n下一行"),
            ("       ，\n下一行", "\n下一行"),
            ("骨干组织 、\n起来", "骨干组织\n起来"),
            // After a bracket a spaced '、' may be printed; tight, it is.
            ("副师职(正旅职) 、\n正团职", "副师职(正旅职) 、\n正团职"),
            ("各组织、\n起来", "各组织、\n起来"),
            // Tight against the text: printed.
            ("为促进世界多极化，\n下一行", "为促进世界多极化，\n下一行"),
            // After a number or Latin text: ordinary typing.
            ("增长了6.16 ，\n下一行", "增长了6.16 ，\n下一行"),
            ("日凌晨2时) ，\n下一行", "日凌晨2时) ，\n下一行"),
            ("Hello world ,\nnext", "Hello world ,\nnext"),
            // Specks before a news lead; a colon before other text stays.
            ("标题\n\n:本报讯河南省", "标题\n\n本报讯河南省"),
            (
                "力度大\n. 本报平壤1月1日电记者",
                "力度大\n本报平壤1月1日电记者",
            ),
            ("记者报道\n:日前，河南省", "记者报道\n:日前，河南省"),
            (":本报记者了解到", ":本报记者了解到"),
            // Hyphens at line ends touching Chinese text.
            ("和平的世纪。\n-在20世纪里", "和平的世纪。\n在20世纪里"),
            ("面临着死亡的 -\n威胁", "面临着死亡的\n威胁"),
            ("- 列表项\ninter-\nnational", "- 列表项\ninter-\nnational"),
            ("-5℃", "-5℃"),
            // After 第 or 十 the hyphen is the numeral 一, across the break too.
            ("迎着新世纪第\n-缕阳光", "迎着新世纪第\n一缕阳光"),
            ("十二月三十\n-日在全国", "十二月三十\n一日在全国"),
            ("募集资金不少于十-\n亿元", "募集资金不少于十一\n亿元"),
            // Apart from it by a gap, or after another character: a speck.
            ("不少于十 -\n亿元", "不少于十\n亿元"),
            ("第二次\n-第一章", "第二次\n第一章"),
            ("第\n\n-缕阳光", "第\n\n缕阳光"),
            // Before a 的 that starts the next line; not before 的确.
            ("是中国历史上最好，\n的时期", "是中国历史上最好\n的时期"),
            ("财政专家”、\n的学生", "财政专家”\n的学生"),
            ("失业状况有了明显、\n的改善", "失业状况有了明显\n的改善"),
            ("这个问题很难，\n的确如此", "这个问题很难，\n的确如此"),
            // Specks read as characters after a sentence end and a wide gap.
            ("工资照发。      人\n第三十八条", "工资照发。\n第三十八条"),
            ("音乐会。     2\n下一行", "音乐会。\n下一行"),
            // Ideographic spaces: an indent is no gap before a speck, and
            // three of them make a wide gap.
            ("　　今天天气很好。\n下一行", "　　今天天气很好。\n下一行"),
            ("今天　天气很好。\n下一行", "今天　天气很好。\n下一行"),
            ("工资照发。　　　人\n下一行", "工资照发。\n下一行"),
            ("作出贡献。”   es\n下一行", "作出贡献。”\n下一行"),
            // A narrow gap, a closing mark, Latin text, no sentence end: kept.
            ("完成了。 他说\n下一行", "完成了。 他说\n下一行"),
            ("他说：“好。      ”\n下一行", "他说：“好。      ”\n下一行"),
            ("It is done.    ok", "It is done.    ok"),
            ("共有三个      人\n下一行", "共有三个      人\n下一行"),
            // The middle dot of a transliterated name.
            ("议长诺罗敦.拉那烈、首相", "议长诺罗敦·拉那烈、首相"),
            // A name cut at the line end, on either side of the dot.
            ("布赫、铁木尔.\n达瓦买提、吴", "布赫、铁木尔·\n达瓦买提、吴"),
            ("议长诺罗\n敦.拉那烈、首相", "议长诺罗\n敦·拉那烈、首相"),
            // Not across a blank line (another paragraph).
            ("布赫、铁木尔.\n\n达瓦买提", "布赫、铁木尔.\n\n达瓦买提"),
            ("作家谢尔盖:米哈尔科夫", "作家谢尔盖·米哈尔科夫"),
            ("领导人菲德尔'卡斯特罗", "领导人菲德尔·卡斯特罗"),
            // Not a name: ordinary characters on one side.
            ("发展阶段:面对新世纪", "发展阶段:面对新世纪"),
            ("把握重点.条实", "把握重点.条实"),
            ("Mr.Smith 说", "Mr.Smith 说"),
            // One mark read twice, or a speck beside it.
            ("它的建成，，拉近了", "它的建成，拉近了"),
            ("新的境界。，要努力", "新的境界。要努力"),
            ("军事军官、、政治军官", "军事军官、政治军官"),
            ("十五万辆。 。（李曼丽）", "十五万辆。（李曼丽）"),
            ("现代军事、，科学文化", "现代军事、科学文化"),
            // Marks of their own, and runs.
            ("真的吗？！太好了！！", "真的吗？！太好了！！"),
            ("他说。。。好吧", "他说。。。好吧"),
            ("“好。”，他说", "“好。”，他说"),
            ("如下：，", "如下："),
            // Every mark that doubles the first goes in one go.
            ("提效率：，、：，", "提效率："),
            ("完成，，、任务", "完成，任务"),
            // A closing quote in a new paragraph's lost indent.
            (
                "直接任命军官。\n”第十条人民解放军",
                "直接任命军官。\n第十条人民解放军",
            ),
            (
                "分别为三年。 、\n” 第十八条机关",
                "分别为三年。\n第十八条机关",
            ),
            (
                "规定的其他处分。\n， ”第三十五条对被",
                "规定的其他处分。\n第三十五条对被",
            ),
            // Before a number, after a closed quotation, at a column top.
            ("早就开始了。\n”2000年12月", "早就开始了。\n2000年12月"),
            (
                "由中央军事委员会规定。”\n”二十、第三十条",
                "由中央军事委员会规定。”\n二十、第三十条",
            ),
            (
                "可以随调。\n\n”军官年满五十岁",
                "可以随调。\n\n军官年满五十岁",
            ),
            // After a headline line, with no quotation open above.
            (
                "菲律宾副总统迎接挑战发展经济\n”菲律宾人民有能力",
                "菲律宾副总统迎接挑战发展经济\n菲律宾人民有能力",
            ),
            // Traps: a quotation opened lines above may close here; a line
            // ending in a function word leads on.
            (
                "他说：“我们要迎接挑战，\n发展经济\n”大家都笑了",
                "他说：“我们要迎接挑战，\n发展经济\n”大家都笑了",
            ),
            (
                "他们面对的是发展的\n”瓶颈问题",
                "他们面对的是发展的\n”瓶颈问题",
            ),
            // At a column top before a quotation it closes: an opening
            // quote misread, kept.
            ("他说：\n\n”我们一定会赢”。", "他说：\n\n”我们一定会赢”。"),
            // It closes a quotation the line above left open, or follows
            // no sentence end: kept.
            (
                "他说：“我们一定会赢。\n”大家都笑了",
                "他说：“我们一定会赢。\n”大家都笑了",
            ),
            (
                "他们提出的口号是\n”大家都笑了",
                "他们提出的口号是\n”大家都笑了",
            ),
            // A comma never starts a printed line.
            (
                "消费者着想，才能\n，最终赢得市场。",
                "消费者着想，才能\n最终赢得市场。",
            ),
            ("世纪到来前夕建成\n,通车。", "世纪到来前夕建成\n通车。"),
            // Not below Chinese text, or not before it: left alone.
            ("Hello\n，最终赢得", "Hello\n，最终赢得"),
            ("最终赢得\n， 2001年", "最终赢得\n， 2001年"),
            // A comma at a line end that parts a word.
            (
                "中推进改革、发展，在改革发，\n展中保持社会稳定",
                "中推进改革、发展，在改革发\n展中保持社会稳定",
            ),
            (
                "的物质文化需求和相对落，\n后的生产力水平",
                "的物质文化需求和相对落\n后的生产力水平",
            ),
            // Printed commas: after a word, a particle, a short clause.
            (
                "我们要坚持改革，\n开放的方针不动摇",
                "我们要坚持改革，\n开放的方针不动摇",
            ),
            ("这是他说的，\n是真话", "这是他说的，\n是真话"),
            ("不，\n是这样的", "不，\n是这样的"),
            ("在改革发， 展中保持社会稳定", "在改革发 展中保持社会稳定"),
            ("我们要坚持改革， 开放的方针", "我们要坚持改革， 开放的方针"),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
