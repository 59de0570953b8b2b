//! Broken line wraps: paragraphs rebuilt from column text.
//!
//! OCR of narrow newspaper columns emits every printed line as a line of its
//! own (or, after a converter joined the lines, separated by one space), a
//! blank line wherever a paragraph continued in the next column, and nothing
//! at all where a new paragraph began inside a column: the two-character
//! indent is lost. This pass rebuilds one line per paragraph, paragraphs
//! separated by a blank line:
//!
//! ```text
//! 站在两个世纪的交接点          站在两个世纪的交接点上，人们……是些什么？
//! 上，人们在思索：新世纪的  →
//! 曙光带给……是些什么？          为了看清楚未来，应该回过头看看昨天。
//! 为了看清楚未来，应该
//! 回过头看看昨天。
//! ```
//!
//! Evidence comes from the page itself: the column width (the most common
//! printed-line width), short lines that end a sentence (a paragraph's last
//! line), lines two characters short of full (a lost indent; a number or an
//! opening mark may leave one more), short lines without punctuation
//! (sub-headings; with figures and in a row, list items such as weather
//! reports). A full line without a final mark before a lost indent between
//! full lines is a paragraph end whose hanging mark the OCR dropped, as long
//! as the page's widths are reliable (few lines short for no reason).
//! Between blocks of ordinary Markdown
//! paragraphs it joins only a paragraph cut mid-sentence with positive
//! evidence (a dangling 、 or ，, a quoted term cut in two, a next "paragraph"
//! of one tiny sentence); a cut without evidence is reported as a suggestion,
//! since text may have been lost at a column end. Headings, list and table
//! lines, code and bylines are never joined. Where it joins two printed
//! lines, a `.` in the margin between them (`新世 .` / `纪的`) is a speck and
//! goes with the line break.

use super::{ends_on_word, word_across, Options, Pass, RuleInfo};
use crate::chars::is_inline_space as is_ws;
use crate::chars::{
    em_width, ends_open, is_alnum, is_cjk, is_clause_mark, is_closing, is_han, is_sentence_end,
    leaves_quote_open, unpunctuated,
};
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::lexicon::Lexicon;
use crate::rules::Rules;
use aho_corasick::AhoCorasick;
use anyhow::{Context as _, Result};
use std::ops::Range;
use std::sync::Arc;

pub const ID: &str = "reflow";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "join-line",
        about: "Joins two printed lines of one paragraph (no space between Chinese, one space between Latin words).",
    },
    RuleInfo {
        id: "paragraph-end",
        about: "Starts a new paragraph after a line that ends a sentence short of the column width, or before a line indented by the lost two characters (one, when the line hangs its final mark past the column); on widths alone, never where a common word spans the line break (`大会常` / `务委员会`).",
    },
    RuleInfo {
        id: "lost-stop",
        about: "Restores the 。 OCR dropped at a paragraph end: a prose line after a full line stops short of the column, ends with a Han character, and the next line is indented (not inside an open quotation, nor after a bracketed note); or the next line starts an article of a law (`第三十四条军官…`) after a line that ends with a Han character and no chapter title.",
    },
    RuleInfo {
        id: "list-item",
        about: "Keeps short unpunctuated lines with figures in a row of such lines (a weather table, a list of dates) as paragraphs of their own, and the items of a weather table that fill the column: a line ending with a temperature before a line that names a place and ends with one (`北京晴-9℃/0℃` / `天津多云转晴-9C/0°℃`, Tesseract's `5\"C` too).",
    },
    RuleInfo {
        id: "heading",
        about: "Keeps a short line without punctuation (a sub-heading) as a paragraph of its own; so is a line that fills the column without punctuation between a sentence end and a lost indent, and a chapter title (`第三章…`, `第二编…`) at a line start after a sentence end, a short line or another chapter title.",
    },
    RuleInfo {
        id: "edge-dot",
        about: "Removes a '.' (or two) that ends a printed line after a Han character, or starts one before it, where the lines are joined: Chinese text sets no '.', and one in the margin of a line that goes on is a speck.",
    },
    RuleInfo {
        id: "join-column",
        about: "Joins a paragraph that continues from the bottom of one column to the top of the next (a blank line in the OCR output).",
    },
    RuleInfo {
        id: "join-split",
        about: "Joins Markdown paragraphs split mid-sentence, with evidence: a dangling 、 or ，, a quoted term cut in two, or a tiny remainder such as 表率。",
    },
    RuleInfo {
        id: "maybe-split",
        about: "Suggests (never applies) a join where a paragraph ends mid-sentence without further evidence: text may be lost there.",
    },
];

pub struct Reflow {
    titles: Vec<String>,
    /// Finds any of `titles` in one scan.
    title_finder: AhoCorasick,
    /// Words that span a cut between paragraphs are evidence for a join
    /// (`高标` / `准推进`: 标准).
    lexicon: Arc<Lexicon>,
}

/// A two-character word at least this frequent (jieba counts; 标准 has
/// 10,012) spanning a paragraph cut joins it.
const CUT_WORD_FREQ: u64 = 1000;

pub fn build(rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(reflow(rules)?))
}

fn reflow(rules: &Rules) -> Result<Reflow> {
    let titles: Vec<String> = rules
        .table("titles.tsv")
        .iter()
        .map(|e| e.key().to_string())
        .collect();
    let title_finder = AhoCorasick::new(&titles).context("cannot build the title matcher")?;
    let lexicon = rules.lexicon()?;
    Ok(Reflow {
        titles,
        title_finder,
        lexicon,
    })
}

/// A printed line of a column: its content (trimmed) and width in em.
///
/// Invariant (built only in `Reflow::runs`, from `segments` and
/// `trim_range` of the document's lines): `range` lies in the document text
/// on character boundaries (cuts at one-byte spaces, trims of whitespace
/// characters), and the printed lines of a run, and the runs, follow each
/// other in text order without overlap, so `a.range.end..b.range.start` is a
/// valid range between consecutive ones. The slicing of `text` by these
/// ranges in this file relies on it.
#[derive(Debug, Clone)]
struct Printed {
    range: Range<usize>,
    width: f32,
}

/// Consecutive printed lines of one block that may be joined: a block split
/// at headings and other markup lines.
#[derive(Debug, Clone)]
struct Run {
    /// A line break or a converter's single space separates each pair.
    lines: Vec<Printed>,
    /// The run ends its block (a blank line or the end follows).
    ends_block: bool,
    /// The run starts its block.
    starts_block: bool,
}

fn width_of(s: &str) -> f32 {
    s.chars().filter(|&c| !is_ws(c)).map(em_width).sum()
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    // slice: `r` is a line or a `segments` piece of one (see `Printed`).
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start_matches(is_ws).len());
    let end = r.end - (s.len() - s.trim_end_matches(is_ws).len());
    start..end.max(start)
}

/// Splits a physical line at single spaces into printed lines when it is a
/// converter's join of column lines (segment widths near the column width).
fn segments(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    // slice, index: `r` is a line range of the document; `k - 1` and `k - 2`
    // are taken only for `k > 0` and `k >= 2`, and `i + 1` follows a
    // one-byte space.
    let line = &text[r.clone()];
    if !line.as_bytes().contains(&b' ') {
        return vec![r];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = k.checked_sub(1).map(|p| chars[p].1);
            let next = chars.get(k + 1).map(|p| p.1);
            // A single space with Chinese on at least one side: a joint
            // candidate. So is one after a half-width ')' closing Chinese
            // text (a credit, `摄) 2、…`) or before a numbered item (`2、`).
            let cjk_at = |j: usize| chars.get(j).is_some_and(|q| is_cjk(q.1));
            let closes_cjk = prev == Some(')') && k >= 2 && cjk_at(k - 2);
            let item = next.is_some_and(|n| n.is_ascii_digit())
                && chars.get(k + 2).is_some_and(|q| q.1 == '、');
            if let (Some(p), Some(n)) = (prev, next) {
                if p != ' ' && n != ' ' && (is_cjk(p) || is_cjk(n) || closes_cjk || item) {
                    out.push(r.start + start..r.start + i);
                    start = i + 1;
                }
            }
        }
    }
    out.push(r.start + start..r.end);
    out
}

/// The most common rounded width among `widths`, if it is common enough to
/// be a column width: justified columns make one width dominate.
fn column_width(widths: &[f32]) -> Option<f32> {
    if widths.len() < 6 {
        return None;
    }
    let mut counts = std::collections::BTreeMap::new();
    for &w in widths {
        if w >= 4.0 {
            *counts.entry(w.round() as i64).or_insert(0usize) += 1;
        }
    }
    let (&w, &n) = counts.iter().max_by_key(|(w, n)| (**n, **w))?;
    // Neighbours count too: digits make justified lines a little narrower.
    let near = n + counts.get(&(w - 1)).copied().unwrap_or(0) / 2;
    (near * 10 >= widths.len() * 3 && n >= 4).then_some(w as f32)
}

/// Reflow touches only Chinese lines: some Han and at most two Latin
/// letters per Han character. Latin text keeps its own line breaks; figures
/// and marks count for neither (`2000年12月31日，` is a Chinese line).
fn mostly_chinese(s: &str) -> bool {
    let (mut han, mut latin) = (0, 0);
    for c in s.chars() {
        han += usize::from(is_han(c));
        // `is_alphabetic` last: its table lookup is slow for ideographs.
        latin += usize::from(!is_han(c) && !is_cjk(c) && c.is_alphabetic());
    }
    han > 0 && latin <= 2 * han
}

/// Whether line `li` of the block `lines` is the figure that ends a
/// sentence wrapped onto a line of its own (`国内生产总值比上年增长` /
/// `8%`), so that reflow takes it as a line of prose: up to nine digits,
/// `.` and `%`, perhaps a sentence end, after a Chinese line that ends with
/// a Han character (not a sentence end, not a figure or unit sign: a page
/// number, a table's items `转小雨2°C` / `6℃` keep their lines) and is as
/// full as the line before it, and before a Chinese line or the block's
/// end.
fn figure_tail(doc: &Document, lines: Range<usize>, li: usize) -> bool {
    // slice, index: line ranges of `doc`; `li - 1` and `li + 1` are checked
    // against `lines`, a range of `doc.lines`.
    let text_of = |k: usize| {
        let l = &doc.lines[k];
        (l.kind == LineKind::Text).then(|| doc.text[l.range.clone()].trim())
    };
    let Some(s) = text_of(li) else { return false };
    if !only_figure(s) || s.chars().count() > 9 || li == lines.start {
        return false;
    }
    let before = text_of(li - 1).filter(|t| mostly_chinese(t));
    let goes_on = before.is_some_and(|t| last_char(t).is_some_and(is_han));
    // The line before was full: the figure did not fit it. (OCR that cuts
    // a printed line at a figure leaves a short line before it.)
    let full_before = li >= lines.start + 2
        && before.zip(text_of(li - 2)).is_some_and(|(a, b)| {
            // A figure in it may leave a justified line short (see `slack`).
            let room = 1.0 + if a.chars().any(is_alnum) { 2.0 } else { 0.0 };
            mostly_chinese(b) && width_of(a) >= width_of(b) - room
        });
    let after = li + 1 == lines.end || text_of(li + 1).is_some_and(mostly_chinese);
    goes_on && full_before && after
}

/// A line that is only a figure (see [`figure_tail`]).
fn only_figure(s: &str) -> bool {
    let body = s.trim().trim_end_matches(['。', '！', '？']);
    !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '％'))
}

/// Last meaningful character of a line (emphasis markers and spaces ignored).
fn last_char(s: &str) -> Option<char> {
    s.trim_end_matches(|c: char| is_ws(c) || c == '*' || c == '_')
        .chars()
        .next_back()
}

fn first_char(s: &str) -> Option<char> {
    s.trim_start_matches(|c: char| is_ws(c) || c == '*' || c == '_')
        .chars()
        .next()
}

/// True when the line ends a sentence: `。`, `！`, `？`, `…`, OCR's `.`/`·`
/// for `。`, optionally followed by closing quotes or brackets.
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| is_ws(c) || c == '*' || c == '_');
    let core = t.trim_end_matches(is_closing);
    if t.ends_with(['）', ')']) && is_credit(t) {
        return true;
    }
    match core.chars().next_back() {
        Some(c) if is_sentence_end(c) => true,
        Some('.' | '·') => core.chars().rev().nth(1).is_some_and(is_cjk),
        _ => false,
    }
}

/// A line ending in a parenthesised credit or note that closes a paragraph:
/// `（新华社记者兰红光摄）`, `（附图片8张）`, `（完）`, `（林文）`.
fn is_credit(t: &str) -> bool {
    let Some(open) = t.rfind(['（', '(']) else {
        return false;
    };
    // slice: `open` is a match position from `rfind` on `t`.
    let inner = t[open..]
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')']);
    let n = inner.chars().count();
    n > 0
        && (n <= 4
            || [
                "摄", "图", "张", "电", "记者", "完", "示", "供稿", "编译", "报道", "作者",
            ]
            .iter()
            .any(|w| inner.contains(w)))
}

/// Brackets of a credit, with OCR's misreadings of them.
const CREDIT_OPEN: [char; 8] = ['（', '(', '《', '〈', '<', '【', '[', '{'];
const CREDIT_CLOSE: [char; 8] = ['）', ')', '》', '〉', '>', '】', ']', '}'];
/// Marks that part clauses: a credit holds none.
const CLAUSE_MARKS: [char; 5] = ['，', '。', ',', '；', '、'];

/// The credit that closes an article or a photo caption at the end of a
/// line: a dateline (`（新华社北京1月1日电）`, `（据新华社电）`), a photo
/// credit (`（王雷摄）`, `（新华社记者张明摄）`), a photo note (`（附图片8张）`,
/// the `（图片）` after a caption's title), `（完）`, or an author's name or a
/// note after a sentence end (`。（李建兴）`, `。（全文另发）`). Newspapers set
/// nothing after one in the same paragraph.
/// OCR may misread its brackets (`《新华社记者张明摄)`, `〈戴浩摄)`), leave
/// specks after it (`(宋连峰摄)  ，`) or lose its hanging `）`; the bracket
/// may have opened on the line before (`（图片除署名外均为本` /
/// `报记者蒋铎摄）`), given as `before`. Returns the credit's text.
fn closing_credit<'t>(t: &'t str, before: Option<&'t str>) -> Option<&'t str> {
    let t = t.trim_end_matches(|c: char| is_ws(c) || matches!(c, '*' | '_'));
    // A mark apart from the bracket by a gap is a speck (`(宋连峰摄)  ，`).
    let t = match t.strip_suffix(['，', ',', '.', '·', '、']) {
        Some(rest) if rest.ends_with(is_ws) => rest.trim_end_matches(is_ws),
        _ => t,
    };
    let body = t.strip_suffix(CREDIT_CLOSE).unwrap_or(t);
    // Without its `）` only a photo credit or a dateline counts (below):
    // most lines are ruled out here, before any search.
    if body.len() == t.len() && !body.ends_with(['摄', '电']) {
        return None;
    }
    // The part of the credit on the line before, if it opened there.
    let mut head = "";
    // The text before the bracket, on its line.
    let ahead;
    let (inner, whole) = match body.rfind(CREDIT_OPEN) {
        // slice: `open` is a match position from `rfind` on `body`.
        Some(open) => {
            ahead = &body[..open];
            (&body[open..], &t[open..])
        }
        // Without a bracket of its own the line closes one of the line
        // before, whose part counts towards the credit's length.
        None => {
            let b = before?;
            let open = b.rfind(CREDIT_OPEN)?;
            // slice: as above, on `b`.
            head = &b[open..];
            ahead = &b[..open];
            if head.contains(CREDIT_CLOSE) || head.contains(CLAUSE_MARKS) {
                return None;
            }
            (body, t)
        }
    };
    let inner = inner.trim_start_matches(CREDIT_OPEN);
    let head = head.trim_start_matches(CREDIT_OPEN);
    let lead = if head.is_empty() { inner } else { head };
    let n = inner.chars().count() + head.chars().count();
    let closes = (1..=30).contains(&n)
        && !inner.contains(CLAUSE_MARKS)
        && !inner.contains(CREDIT_CLOSE)
        && ((inner.ends_with('摄') && n >= 3)
            // A dateline, not a word in brackets (`（含核电）`).
            || (inner.ends_with('电')
                && (inner.ends_with("日电")
                    || lead.starts_with('据')
                    || inner.contains(['社', '报'])
                    || head.contains(['社', '报'])))
            // An author's name or a note after the last sentence
            // (`。（李建兴）`, `。 (缪腮旺)`, `。（全文另发）`).
            || (body.len() < t.len()
                && ahead.trim_end_matches(is_ws).ends_with(['。', '！', '？', '”'])
                && inner.chars().chain(head.chars()).all(is_han)
                // Not an item's number (`；”（二）`).
                && !inner.chars().chain(head.chars()).all(is_cn_digit)
                && (2..=12).contains(&n))
            // A note without its `）` may go on (`（图` / `片）`).
            || (body.len() < t.len()
                && (inner.starts_with("附图") || matches!(inner, "完" | "图片" | "图"))));
    closes.then_some(whole)
}

/// A line that is only the label of a page's photos (`图片：`, `图片新闻`):
/// a paragraph of its own.
fn picture_label(s: &str) -> bool {
    let t = s.trim_matches(|c: char| is_ws(c) || c == '*' || c == '_');
    let t = t.trim_end_matches(['：', ':']);
    matches!(t, "图片" | "图片新闻" | "照片" | "图表")
}

/// A whole caption title on one line: unpunctuated text and the photo
/// note that closes it (`世纪爱情 (图片)`, `迎接新世纪的来临（图片）`).
fn caption_title(s: &str) -> bool {
    let t = s.trim_matches(|c: char| is_ws(c) || c == '*' || c == '_');
    // The note keeps its `）` (see `closing_credit`): ruled out unread.
    if !t.ends_with(CREDIT_CLOSE) {
        return false;
    }
    let Some(open) = t.rfind(CREDIT_OPEN) else {
        return false;
    };
    // slice: `open` is a match position from `rfind` on `t`.
    let (title, note) = (t[..open].trim_end(), &t[open..]);
    !title.is_empty()
        && unpunctuated(title)
        && closing_credit(note, None).is_some_and(|n| !n.contains(['摄', '电']))
}

/// No sentence punctuation (quotes allowed): a headline such as
/// `张店"新春第一会"发出动员令`.
fn no_sentence_punct(s: &str) -> bool {
    !s.chars().any(|c| {
        matches!(
            c,
            '，' | '。' | '、' | '；' | '：' | '！' | '？' | ',' | ';' | ':' | '!' | '?'
        )
    })
}

/// The speck dots at the end of line `s` (`…品种 .`) or, with `start`, at
/// its start (`. 利用…`): one or two '.' (spaces between allowed) touching
/// a Han character across the spaces. Returns the byte length of the run
/// to remove, spaces included, and the Han character beside it.
fn edge_dots(s: &str, start: bool) -> Option<(usize, char)> {
    let dotty = |c: char| c == '.' || is_ws(c);
    let rest = if start {
        s.trim_start_matches(dotty)
    } else {
        s.trim_end_matches(dotty)
    };
    let cut = s.len() - rest.len();
    // slice: `rest` is `s` trimmed of one-byte characters at one end.
    let run = if start { &s[..cut] } else { &s[rest.len()..] };
    let dots = run.chars().filter(|&c| c == '.').count();
    let han = if start {
        rest.chars().next()
    } else {
        rest.chars().next_back()
    };
    match han {
        Some(h) if is_han(h) && (1..=2).contains(&dots) => Some((cut, h)),
        _ => None,
    }
}

/// What goes between two joined lines: nothing between Chinese characters,
/// one space between Latin words.
fn joiner(a: char, b: char) -> &'static str {
    if a.is_ascii_alphabetic() && b.is_ascii_alphabetic()
        || (a.is_ascii_punctuation() && a != '-' && b.is_ascii_alphanumeric())
    {
        " "
    } else {
        ""
    }
}

/// Where printed lines `a` and `b` are joined, the edits removing the speck
/// dots at the end of `a` and the start of `b` ([`edge_dots`]); returns the
/// characters then meeting at the joint (`ends`, unless a dot went).
fn join_edges(
    text: &str,
    a: &Printed,
    b: &Printed,
    ends: (char, char),
    edits: &mut Vec<Edit>,
) -> (char, char) {
    let (mut ca, mut cb) = ends;
    // slice: see the invariant on `Printed`.
    if let Some((n, h)) = edge_dots(&text[a.range.clone()], false) {
        ca = h;
        edits.push(edge_dot(a.range.end - n..a.range.end, "end"));
    }
    if let Some((n, h)) = edge_dots(&text[b.range.clone()], true) {
        cb = h;
        edits.push(edge_dot(b.range.start..b.range.start + n, "start"));
    }
    (ca, cb)
}

/// The edit removing speck dots at `range`, at the line's `end` or `start`.
fn edge_dot(range: Range<usize>, place: &str) -> Edit {
    Edit::fix(
        range,
        "",
        ID,
        "edge-dot",
        0.75,
        format!("'.' at the {place} of a printed line that goes on, touching a Han character: a speck in the margin"),
    )
}

impl Reflow {
    /// A byline or credit line: short and unpunctuated, starting with a
    /// title word or with a short name after one (`记者 赵志斌`,
    /// `…中心记者 徐晓会 通讯员 **T业宏**`). Spaces are ignored, so the
    /// verdict does not change once the spaces pass has run.
    fn is_byline(&self, s: &str) -> bool {
        // The filter below drops no Han character and no mark `unpunctuated`
        // looks for: both tests read `s` as well, before anything is built
        // (the count stops once it is past the limit).
        if s.chars().filter(|&c| is_han(c)).take(31).count() > 30 || !unpunctuated(s) {
            return false;
        }
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '*' && *c != '_')
            .collect();
        // Every way below to a byline holds a title word.
        if !self.title_finder.is_match(&t) {
            return false;
        }
        self.titles.iter().any(|w| {
            t.starts_with(w.as_str())
                || t.match_indices(w.as_str()).any(|(i, _)| {
                    // slice: the end of a match of `w` in `t`.
                    let rest = &t[i + w.len()..];
                    let name: usize = rest
                        .chars()
                        .take_while(|&c| is_han(c) || c.is_ascii_alphanumeric())
                        .count();
                    (1..=4).contains(&name)
                        && (name == rest.chars().count()
                            || self.titles.iter().any(|w2| {
                                rest.chars()
                                    .skip(name)
                                    .collect::<String>()
                                    .starts_with(w2.as_str())
                            }))
                })
        })
    }

    /// Builds the runs of a document: printed lines grouped per block, cut at
    /// lines that are not prose.
    fn runs(&self, doc: &Document) -> (Vec<Run>, Option<f32>) {
        let text = doc.text;
        let mut runs = Vec::new();
        // Decide whether physical lines are converter-joined column lines:
        // many single-space segments of similar width.
        let mut seg_widths = Vec::new();
        for l in &doc.lines {
            if l.kind == LineKind::Text {
                // slice, index: line ranges of `doc` and their pieces (see
                // `Printed`); `segs` is non-empty where it is cut.
                let segs = segments(text, l.range.clone());
                if segs.len() >= 3 {
                    seg_widths.extend(
                        segs[..segs.len() - 1]
                            .iter()
                            .map(|r| width_of(&text[r.clone()])),
                    );
                }
            }
        }
        let seg_w = column_width(&seg_widths);
        for b in &doc.blocks {
            let mut cur: Option<Run> = None;
            for li in b.lines.clone() {
                let line = &doc.lines[li];
                let prose = line.kind == LineKind::Text
                    && (mostly_chinese(&text[line.range.clone()])
                        || figure_tail(doc, b.lines.clone(), li));
                if !prose {
                    if let Some(r) = cur.take() {
                        runs.push(r);
                    }
                    continue;
                }
                // A byline is spaced on purpose (its stray spaces inside a
                // word are the spaces pass's), never cut into printed lines.
                let byline = || self.is_byline(&text[line.range.clone()]);
                let pieces = match seg_w {
                    Some(w) if !byline() => {
                        let segs = segments(text, line.range.clone());
                        let fits = segs.len() >= 3 && {
                            let inner = &segs[..segs.len() - 1];
                            let widths: Vec<f32> =
                                inner.iter().map(|r| width_of(&text[r.clone()])).collect();
                            let ok = widths.iter().filter(|&&x| (x - w).abs() <= 2.6).count();
                            // A block of short items (a list, a table of
                            // figures) has few full lines but none wider
                            // than a column, and most at least half as wide
                            // (words spaced apart, as in a byline or a page
                            // header, are narrower).
                            let half = widths.iter().filter(|&&x| x >= w / 2.0).count();
                            let narrow = inner.len() >= 4
                                && widths.iter().all(|&x| x <= w + 2.6)
                                && half * 4 >= inner.len() * 3;
                            ok * 10 >= inner.len() * 4 || narrow
                        };
                        if fits {
                            segs
                        } else {
                            vec![line.range.clone()]
                        }
                    }
                    _ => vec![line.range.clone()],
                };
                let run = cur.get_or_insert_with(|| Run {
                    lines: Vec::new(),
                    ends_block: false,
                    starts_block: li == b.lines.start,
                });
                for p in pieces {
                    let r = trim_range(text, p);
                    run.lines.push(Printed {
                        width: width_of(&text[r.clone()]),
                        range: r,
                    });
                }
            }
            if let Some(mut r) = cur.take() {
                r.ends_block = true;
                runs.push(r);
            }
        }
        // Column width: from converter-joined segments, else from the physical
        // lines of multi-line runs.
        let widths: Vec<f32> = runs
            .iter()
            .filter(|r| r.lines.len() >= 3)
            .flat_map(|r| r.lines.iter().map(|l| l.width))
            .collect();
        let w = seg_w.or_else(|| column_width(&widths));
        (runs, w)
    }
}

/// The indent a paragraph break keeps from the gap it replaces (or any
/// text that ends where a line's text starts): the ideographic spaces
/// (U+3000) that start the line, a typesetter's indent the document marks
/// its paragraphs with. Other leading spaces are OCR noise and go.
fn kept_indent(gap: &str) -> &str {
    let lead = gap.rsplit('\n').next().unwrap_or("");
    if lead.chars().all(|c| c == '\u{3000}') {
        lead
    } else {
        ""
    }
}

/// Whether a line-start indent of ideographic spaces marks paragraphs in
/// these lines: at most half of them start with one (a block indented
/// line by line, verse or a centred notice, is not told apart that way).
/// The first line's indent stands before its range, like every other
/// line's.
fn indents_mark_paragraphs(text: &str, lines: &[Printed]) -> bool {
    // slice: ranges of `text` (see `Printed`): a line's start is a
    // character boundary.
    let indented = lines
        .iter()
        .filter(|l| !kept_indent(&text[..l.range.start]).is_empty())
        .count();
    indented * 2 <= lines.len()
}

/// A width in characters as a reason shows it: what `{:.0}` prints (to
/// the nearest whole number, ties to even), without the general float
/// formatter, which cost more than the decision it explains when a page
/// has thousands of line ends.
struct Whole(f32);

impl std::fmt::Display for Whole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.0.round_ties_even();
        if r == 0.0 && self.0.is_sign_negative() {
            f.write_str("-0")
        } else {
            // The cast saturates; widths are small.
            write!(f, "{}", r as i64)
        }
    }
}

/// The decisions about one joint.
struct Ctx<'a> {
    text: &'a str,
    w: f32,
    /// Many lines of the document stop short of the column for no visible
    /// reason (characters lost by the OCR): a line's width alone is then
    /// weak evidence.
    noisy: bool,
}

impl Ctx<'_> {
    fn s(&self, p: &Printed) -> &str {
        // slice: see the invariant on `Printed`.
        &self.text[p.range.clone()]
    }
    fn full(&self, p: &Printed) -> bool {
        p.width >= self.w - 0.8
    }
    fn short(&self, p: &Printed) -> bool {
        p.width < self.w - 1.2
    }
    /// Two characters short of full: the first line of a paragraph whose
    /// indent OCR dropped.
    fn indented(&self, p: &Printed) -> bool {
        let d = self.w - p.width;
        (1.4..=2.6).contains(&d)
    }
    /// [`Ctx::indented`] with the room justification leaves: a number is
    /// never broken across lines (up to one more character short), and an
    /// opening mark starting the following line is pushed there.
    fn indented_loose(&self, p: &Printed, next: Option<&Printed>) -> bool {
        self.indent_width(self.s(p), p.width, next)
    }
    /// [`Ctx::indented_loose`] for the text `s` of width `width`.
    fn indent_width(&self, s: &str, width: f32, next: Option<&Printed>) -> bool {
        let mut hi = 2.6;
        if s.chars().any(is_alnum) {
            hi += 1.0;
        }
        if next.is_some_and(|n| first_char(self.s(n)).is_some_and(is_opening)) {
            hi += 1.0;
        }
        let d = self.w - width;
        (1.4..=hi).contains(&d)
    }
    /// A paragraph's first line whose final mark hangs past the column:
    /// the lost indent leaves it two characters short of full, the hanging
    /// mark one more, so it is one short in all. A line inside a paragraph
    /// is justified to the full width, so it cannot be; the line after it
    /// must be full for that reading (else `p` may be a short last line).
    /// Figures and Latin letters, narrower than a character and never
    /// broken, leave justified lines a little short: no such line counts.
    fn indented_hanging(&self, p: &Printed, next: Option<&Printed>) -> bool {
        let d = self.w - p.width;
        (0.6..1.4).contains(&d)
            && last_char(self.s(p)).is_some_and(hangs)
            && !self.s(p).chars().any(is_alnum)
            && next.is_some_and(|n| self.full(n))
    }
    fn title(&self, p: &Printed) -> bool {
        // The room below is at most `w - width`, and the width must be at
        // least 2: decided without reading the line when either fails.
        if self.w - p.width < 1.2 || p.width < 2.0 {
            return false;
        }
        let s = self.s(p);
        let room = self.w - p.width - if s.chars().any(is_alnum) { 2.0 } else { 0.0 };
        room >= 1.2
            && unpunctuated(s)
            && p.width >= 2.0
            && s.chars().filter(|&c| is_han(c)).take(2).count() >= 2
    }
}

enum Decision {
    Join(&'static str, f32, String),
    Break(&'static str, f32, String),
}

/// Room a justified line may leave empty without ending a paragraph: a
/// number or Latin word is never broken across lines, and an opening mark is
/// never left at a line end.
fn slack(a: &str, b: &str) -> f32 {
    let mut s = 0.0;
    if a.chars().any(is_alnum) {
        s += 2.0;
    }
    if first_char(b).is_some_and(is_opening) {
        s += 1.0;
    }
    s
}

/// The rest of a line that starts with ASCII marks no Chinese line starts
/// with and that OCR makes of specks in an empty indent (`.`, `:`, `-`,
/// `@`), if there is a rest.
fn indent_debris(s: &str) -> Option<&str> {
    let rest = s.trim_start_matches(|c: char| {
        is_ws(c) || matches!(c, '.' | ',' | ':' | ';' | '-' | '@' | '\'' | '`' | '·')
    });
    (rest.len() < s.trim_start_matches(is_ws).len() && !rest.is_empty()).then_some(rest)
}

/// A line that is one bracketed note, such as a photo credit `（徐烨摄）`:
/// after a caption it belongs to the caption's paragraph.
fn bracketed(s: &str) -> bool {
    let t = s.trim_matches(|c: char| is_ws(c) || c == '*' || c == '_');
    t.starts_with(['（', '(']) && t.ends_with(['）', ')'])
}

/// Marks a justified line hangs past its last cell rather than push
/// them to the next line.
fn hangs(c: char) -> bool {
    is_clause_mark(c) || is_closing(c)
}

/// Marks that never end a line in Chinese typesetting.
fn is_opening(c: char) -> bool {
    matches!(c, '“' | '‘' | '《' | '（' | '(' | '「' | '"')
}

/// Plain prose: Han and sentence punctuation only, no figures, Latin,
/// brackets or quotes (which change how justification fills a line) and no
/// OCR debris.
fn plain_prose(s: &str) -> bool {
    !s.chars().any(|c| {
        is_alnum(c)
            || matches!(
                c,
                '（' | '）' | '(' | ')' | '《' | '》' | '“' | '”' | '"' | '#' | '·'
            )
    })
}

/// Marks that never start a line in Chinese typesetting: a line starting
/// with one continues the previous line.
fn starts_continuation(s: &str) -> Option<char> {
    let mut it = s
        .trim_start_matches(|c: char| is_ws(c) || c == '*' || c == '_')
        .chars();
    let c = it.next()?;
    let full = matches!(
        c,
        '，' | '。' | '、' | '；' | '：' | '！' | '？' | '”' | '’' | '）' | '》' | '」'
    );
    // OCR's ASCII forms of the same marks, when Chinese follows.
    let ascii =
        matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')') && it.next().is_some_and(is_cjk);
    (full || ascii).then_some(c)
}

/// The Chinese numerals of an enumerated item's marker.
fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百'
    )
}

/// The marker of an enumerated item at the start of a line: `（四）`,
/// `二十五、`, `3、`, `●`, `第三十一条`.
fn enumeration(s: &str) -> Option<&str> {
    // Every marker starts with one of these: most lines are turned away
    // before the regex runs.
    let first = s.chars().next()?;
    if !(first.is_ascii_digit()
        || is_cn_digit(first)
        || matches!(first, '（' | '(' | '●' | '■' | '◆' | '★' | '▲' | '第'))
    {
        return None;
    }
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^(?:[（(][一二三四五六七八九十百0-9]{1,4}[）)]|[一二三四五六七八九十百]{1,4}、|[0-9]{1,3}、|[●■◆★▲]|第[一二三四五六七八九十百零0-9]{1,6}条)")
            .expect("static regex is valid")
    });
    re.find(s).map(|m| m.as_str())
}

/// The opening of a news lead or photo credit at the start of a line
/// (`本报讯`, `本报北京1月1日电`, `据新华社…电`, `（新华社记者…摄）`): a
/// paragraph starts there. `本报讯` is certain wherever it stands; the
/// others could follow a line break inside a sentence (`据` / `本报记者了解`),
/// so they need a short line before them.
fn news_lead(s: &str) -> Option<(&str, bool)> {
    if !s.starts_with(['本', '据', '新', '中', '（', '(']) {
        return None;
    }
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:(本报讯)|据?(?:本报|新华社|中新社)|[（(](?:新华社|本报|中新社)记者)",
        )
        .expect("static regex is valid")
    });
    let c = re.captures(s)?;
    Some((c.get(0)?.as_str(), c.get(1).is_some()))
}

/// A news lead behind OCR dust at a line's start (`:本报讯…`,
/// `.本报平壤1月1日电…`): the text from the lead on, and the lead's opening.
/// Only a lead that is certain counts, `本报讯` or a dateline, not one
/// that may go on a sentence (`:本报记者了解到`). Reflow starts a paragraph
/// there; specks removes the dust.
pub(super) fn lead_after_dust(s: &str) -> Option<(&str, &str)> {
    let rest = indent_debris(s)?;
    certain_lead(rest).map(|m| (rest, m))
}

/// The opening of a news lead that cannot go on a sentence: `本报讯`, or a
/// lead with a dateline (`…日电`, `…日讯`) in its first twenty characters.
fn certain_lead(s: &str) -> Option<&str> {
    let (m, strong) = news_lead(s)?;
    // slice: `cut` is a character boundary from `char_indices`.
    let cut = s.char_indices().nth(20).map_or(s.len(), |(k, _)| k);
    let dateline = || s[..cut].contains("日电") || s[..cut].contains("日讯");
    (strong || dateline()).then_some(m)
}

/// Whether line `i` closes a bracketed note that a line at most three lines
/// up opened at its start (`（作者为全国政协副主` / `席、澳门中华总商会会长）`),
/// with no other bracket between, after a sentence end or at the start.
fn note_closes(c: &Ctx, lines: &[Printed], i: usize) -> bool {
    let mut inner = 0;
    for k in (i.saturating_sub(3)..=i).rev() {
        let s = c.s(&lines[k]);
        let body = if k == i {
            s.trim_end_matches(['）', ')'])
        } else {
            s
        };
        inner += body.matches(['（', '(', '）', ')']).count();
        if s.starts_with(['（', '(']) {
            let opened_alone = inner == 1;
            let after_end = k == 0 || ends_sentence(c.s(&lines[k - 1]));
            return opened_alone && after_end;
        }
    }
    false
}

/// Specks and misread marks OCR leaves around the items of a table
/// (`。 ”太原`, `5"C   :`): trimmed before the items are read.
fn is_table_debris(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | ':' | '，' | '。' | ',' | '“' | '”' | '"' | '*')
}

/// Whether `sb` opens a new article of a law (`第三十四条军官违反军纪的`)
/// after a line `sa` whose final mark the OCR dropped: the article number
/// `m` is followed by the article's text, not by what follows a reference
/// inside a sentence (`第三十条规定`, `第十条所列`, `第二款`), and `sa` ends
/// with a Han character that does not lead into a reference (`依照本法`,
/// `根据`, `和`).
fn article_after_lost_stop(sa: &str, sb: &str, m: &str) -> bool {
    let article = m.starts_with('第') && m.ends_with('条');
    let leads_in = |c: char| {
        matches!(
            c,
            '法' | '照'
                | '据'
                | '和'
                | '及'
                | '或'
                | '与'
                | '者'
                | '条'
                | '款'
                | '第'
                | '在'
                | '于'
                | '按'
        )
    };
    // slice: `m` is a prefix of `sb`.
    article
        && last_char(sa).is_some_and(|c| is_han(c) && !leads_in(c))
        && sb[m.len()..]
            .chars()
            .next()
            .is_some_and(|c| is_han(c) && !reference_goes_on(c))
}

/// Characters that go on a reference to an article or chapter inside a
/// sentence (`第三十条规定`, `第十条所列`, `第三章的`), where a title would
/// begin with its own words.
fn reference_goes_on(c: char) -> bool {
    matches!(
        c,
        '规' | '的' | '所' | '之' | '中' | '和' | '第' | '至' | '及' | '或' | '有' | '修' | '改'
    )
}

/// Whether the last clause of `s` is a chapter title (`第三章军官的考核和
/// 职务任免`): a heading, which takes no final mark.
fn ends_in_chapter_title(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"第[一二三四五六七八九十百零0-9]{1,6}[章节编]\p{Han}*$")
            .expect("static regex is valid")
    });
    let tail = s.rsplit(['。', '；', '：', '，']).next().unwrap_or(s);
    tail.contains('第') && re.is_match(tail)
}

/// The marker of a chapter title starting `s` (`第三章军官的考核和职务任免`,
/// `第二编`): the number, then the title's first Han character, which is
/// not one that goes on a reference inside a sentence (`第三章规定的`,
/// `第二章的`).
fn chapter_title(s: &str) -> Option<&str> {
    if !s.starts_with('第') {
        return None;
    }
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^第[一二三四五六七八九十百零0-9]{1,6}[章编]")
            .expect("static regex is valid")
    });
    let m = re.find(s)?.as_str();
    // slice: `m` is a prefix of `s`.
    let next = s[m.len()..].chars().next()?;
    (is_han(next) && !reference_goes_on(next)).then_some(m)
}

/// Whether line `k` is a sub-heading as wide as the column: it fills the
/// line (near full) with no punctuation at all and five Han characters or
/// more, is no enumerated item (`第十六条…`, `（三）…`) and does not end with
/// a word that leads on (`的`, `并`), stands after a line that ends a sentence or a bracketed credit,
/// and the next line, not the last of the run, is short by the lost indent
/// of a paragraph's first line. (A paragraph's own first line would be
/// that short itself; a prose line that fills the column after a sentence
/// end and before an indent is the last of its paragraph, so the break
/// after it is right either way.)
fn full_heading(c: &Ctx, lines: &[Printed], k: usize) -> bool {
    // index: `k - 1` only for `k > 0`; `k + 1` and `k + 2` by `get`.
    if k == 0 || k + 2 >= lines.len() {
        return false;
    }
    let (p, next) = (&lines[k], &lines[k + 1]);
    let s = c.s(p);
    let before = c.s(&lines[k - 1]);
    c.w - p.width < 1.5
        && unpunctuated(s)
        && s.chars().filter(|&ch| is_han(ch)).take(5).count() >= 5
        && !bracketed(s)
        && enumeration(s).is_none()
        && last_char(s).is_some_and(|ch| !ends_open(ch))
        && (ends_sentence(before) || matches!(last_char(before), Some('）' | ')')))
        && c.indented_loose(next, lines.get(k + 2))
}

/// Whether a headline of up to three lines starts at line `k`, set in the
/// column's width before its story: every line unpunctuated, the last short
/// of the column, and the next a certain news lead (`本报讯`, a dateline
/// `本报广州1月1日电`). A headline's first line fills the column like prose
/// (`广东海关首创新模式陆路通关仅` / `需两分钟`); a story's last sentence
/// would not run two lines without a mark and then stop short of a lead.
fn headline_before_lead(c: &Ctx, lines: &[Printed], k: usize) -> bool {
    // index: `j < lines.len()` and `j + 1` by `get`.
    for j in k..(k + 3).min(lines.len()) {
        let s = c.s(&lines[j]);
        if !unpunctuated(s) || bracketed(s) || enumeration(s).is_some() {
            return false;
        }
        let Some(next) = lines.get(j + 1) else {
            return false;
        };
        if c.short(&lines[j]) {
            return j > k && certain_lead(c.s(next)).is_some();
        }
    }
    false
}

/// Whether `s` ends with a temperature as OCR reads it (`0℃`, `10°℃`,
/// `-17C`, Tesseract's `5"C` and `4*C`): the last item of a weather report
/// line.
fn ends_with_temperature(s: &str) -> bool {
    let s = s.trim_end_matches(is_table_debris);
    let body = s.trim_end_matches(['℃', 'C', '°', '"', '*', '“', '”']);
    body.len() < s.len() && body.ends_with(|c: char| c.is_ascii_digit())
}

/// Whether `s` is an item of a weather table: a place name (two or more Han
/// characters) first, a temperature last (`哈尔滨晴一30C/一23°℃`), and no
/// clause mark between: prose (`左右，明天夜间将降到20℃`) has one.
fn weather_item(s: &str) -> bool {
    let core = s
        .trim_start_matches(is_table_debris)
        .trim_end_matches(is_table_debris);
    core.chars().take(2).all(is_han)
        && ends_with_temperature(core)
        && !core.contains(['，', '。', '、', '；', '：', ',', ';'])
}

/// Whether `a` leaves a bracket open (`（新华社`) that `b` closes within a
/// few characters (`记者徐显辉摄）`): a paragraph never ends inside one.
fn open_bracket_closes_in(a: &str, b: &str) -> bool {
    let open = a.rfind(['（', '(']);
    let closed = a.rfind(['）', ')']);
    if open.is_none() || closed > open {
        return false;
    }
    b.chars()
        .take(16)
        .take_while(|&c| !matches!(c, '（' | '('))
        .any(|c| matches!(c, '）' | ')'))
}

/// Inside a run: join line `i` to line `i + 1`, or start a paragraph.
fn decide_inside(c: &Ctx, lines: &[Printed], i: usize) -> Decision {
    // index: the caller passes `i + 1 < lines.len()`; `i - 1` only for `i > 0`.
    let (a, b) = (&lines[i], &lines[i + 1]);
    let (sa, sb) = (c.s(a), c.s(b));
    let b_last = i + 2 == lines.len();
    if ends_sentence(sa) && !b_last {
        if let Some(rest) = indent_debris(sb) {
            if c.indent_width(rest, width_of(rest), lines.get(i + 2)) {
                return Decision::Break(
                    "paragraph-end",
                    0.8,
                    "line ends a sentence; the next starts with OCR debris where the indent was, and is two characters short without it".into(),
                );
            }
        }
    }
    if ["（附图", "(附图", "（图片）", "(图片)"]
        .iter()
        .any(|n| sb.starts_with(n))
    {
        return Decision::Join(
            "join-line",
            0.9,
            "a photo note (附图片…, 图片) belongs to the headline or text before it".into(),
        );
    }
    // Before the continuation test: OCR sets specks before table items.
    if ends_with_temperature(sa) && weather_item(sb) {
        return Decision::Break(
            "list-item",
            0.8,
            "the line ends with a temperature and the next names a place and gives its own: items of a weather table".into(),
        );
    }
    if let Some((_, m)) = lead_after_dust(sb) {
        return Decision::Break(
            "paragraph-end",
            0.8,
            format!("next line starts with OCR specks before the news lead '{m}'"),
        );
    }
    if open_bracket_closes_in(sa, sb) {
        return Decision::Join(
            "join-line",
            0.9,
            "the line leaves a bracket open that the next line closes".into(),
        );
    }
    if let Some(ch) = starts_continuation(sb) {
        return Decision::Join(
            "join-line",
            0.95,
            format!("next line starts with '{ch}', which never starts a line"),
        );
    }
    let room = c.w - a.width;
    if let Some((m, strong)) = news_lead(sb) {
        if strong || room >= 1.5 + slack(sa, sb) {
            return Decision::Break(
                "paragraph-end",
                0.8,
                format!("next line starts a news lead or credit '{m}'"),
            );
        }
    }
    if picture_label(sa) || (picture_label(sb) && ends_sentence(sa)) {
        return Decision::Break(
            "heading",
            0.85,
            "a line that only labels the photos ('图片：') is a paragraph of its own".into(),
        );
    }
    // A paragraph that lost its final mark stops short of the column (or
    // ends with a figure), where a title's first line would fill it.
    let ends_paragraph = || {
        ends_sentence(sa)
            || (last_char(sa).is_some_and(|ch| is_alnum(ch) || matches!(ch, '%' | '％' | '℃'))
                && c.short(a))
    };
    // A title that wraps: an unpunctuated line before the one with the note.
    let wrapped_title = || {
        ends_sentence(sa)
            && unpunctuated(sb)
            && lines.get(i + 2).is_some_and(|l| caption_title(c.s(l)))
    };
    if (caption_title(sb) && ends_paragraph()) || wrapped_title() {
        return Decision::Break(
            "heading",
            0.8,
            "next line is a caption's title with its photo note ('（图片）')".into(),
        );
    }
    let before = i.checked_sub(1).map(|k| c.s(&lines[k]));
    if let Some(m) = closing_credit(sa, before) {
        return Decision::Break(
            "paragraph-end",
            0.85,
            format!("line ends with '{m}', a credit that closes an article or caption"),
        );
    }
    if let Some(m) = chapter_title(sa).filter(|_| c.title(a)) {
        return Decision::Break(
            "heading",
            0.8,
            format!("the chapter title '{m}…' ends short of the column"),
        );
    }
    if let Some(m) = chapter_title(sb) {
        let titles_in_a_row = chapter_title(sa).is_some() && unpunctuated(sa);
        if ends_sentence(sa) || room >= 1.5 + slack(sa, sb) || titles_in_a_row {
            return Decision::Break(
                "heading",
                0.8,
                format!("next line starts the chapter title '{m}'"),
            );
        }
    }
    if let Some(m) = enumeration(sb) {
        if !ends_sentence(sa) && article_after_lost_stop(sa, sb, m) {
            if ends_in_chapter_title(sa) {
                return Decision::Break(
                    "heading",
                    0.8,
                    format!("a chapter title ends the line and the article '{m}' starts the next"),
                );
            }
            return Decision::Break(
                "lost-stop",
                0.8,
                format!("next line starts the article '{m}' of a law, and this one ends with a Han character: the article before lost its final 。"),
            );
        }
        if ends_sentence(sa)
            || matches!(last_char(sa), Some('；' | '：' | '）' | ';' | ':' | ')'))
            // `…增加一条，作为` / `第三十九条`: a reference, not an item.
            || (room >= 1.5 + slack(sa, sb) && last_char(sa).is_some_and(|ch| !ends_open(ch)))
        {
            return Decision::Break(
                "paragraph-end",
                0.85,
                format!("next line starts an enumerated item '{m}'"),
            );
        }
    }
    if matches!(last_char(sa), Some('）' | ')'))
        && room >= 1.5 + slack(sa, sb)
        && !ends_sentence(sa)
    {
        return Decision::Break(
            "paragraph-end",
            0.8,
            "line ends with a closing bracket (a credit or note) short of the column width".into(),
        );
    }
    if matches!(last_char(sa), Some('）' | ')'))
        && c.title(b)
        && !bracketed(sb)
        && note_closes(c, lines, i)
    {
        return Decision::Break(
            "heading",
            0.75,
            "a bracketed note that a line opened ends here, and a short unpunctuated line follows: a heading".into(),
        );
    }
    let prev_ends = i == 0 || ends_sentence(c.s(&lines[i - 1]));
    if ends_sentence(sa) {
        if room >= 1.5 + slack(sa, sb) {
            return Decision::Break(
                "paragraph-end",
                0.9,
                format!(
                    "line ends a sentence {} characters short of the column width {}",
                    Whole(room),
                    Whole(c.w)
                ),
            );
        }
        if !b_last && c.indented_loose(b, lines.get(i + 2)) {
            return Decision::Break(
                "paragraph-end",
                0.85,
                format!(
                    "next line is two characters short of the column width {}: a lost indent",
                    Whole(c.w)
                ),
            );
        }
        if !b_last && c.indented_hanging(b, lines.get(i + 2)) {
            return Decision::Break(
                "paragraph-end",
                0.8,
                format!(
                    "next line is one character short of the column width {} and hangs its final mark: a lost indent",
                    Whole(c.w)
                ),
            );
        }
        if c.title(b) && !bracketed(sb) {
            return Decision::Break(
                "heading",
                0.75,
                "next line is short and unpunctuated: a heading".into(),
            );
        }
        if headline_before_lead(c, lines, i + 1) {
            return Decision::Break(
                "heading",
                0.75,
                "unpunctuated lines up to a news lead follow, the last short: a headline that fills the column".into(),
            );
        }
        if full_heading(c, lines, i + 1) {
            return Decision::Break(
                "heading",
                0.75,
                "next line fills the column without punctuation before a lost indent: a heading"
                    .into(),
            );
        }
        return Decision::Join(
            "join-line",
            0.7,
            "line ends a sentence but fills the column: the paragraph goes on".into(),
        );
    }
    if full_heading(c, lines, i) {
        return Decision::Break(
            "heading",
            0.75,
            "line fills the column without punctuation between a sentence end and a lost indent: a heading".into(),
        );
    }
    // After a short unpunctuated line (no enumerated item, which may be a
    // first line itself, and not ending with a word that leads on), a
    // figure in the next line (which justification never breaks) may leave
    // it a character more short.
    let loose = c.title(a)
        && enumeration(sa).is_none()
        && last_char(sa).is_some_and(|ch| !ends_open(ch))
        && c.indented_loose(b, lines.get(i + 2));
    let indent_after = c.indented(b) || loose;
    // A line ending in a function word (`…茶话会上的` / `讲话`) goes on.
    if room >= 1.5 + slack(sa, sb)
        && indent_after
        && !b_last
        && last_char(sa).is_some_and(|ch| !ends_open(ch))
    {
        return Decision::Break(
            "paragraph-end",
            0.7,
            "line stops short of the column width and the next is indented: the final mark was lost".into(),
        );
    }
    // A paragraph's first line whose hanging comma the OCR dropped is one
    // character short of an indent line and unpunctuated too; a full line
    // follows it, where a heading is followed by an indented one.
    let first_line_lost_comma = c.w - a.width <= 3.6 && c.full(b);
    if c.title(a) && !c.indented(a) && prev_ends && !first_line_lost_comma {
        return Decision::Break(
            "heading",
            0.75,
            "short line without punctuation between paragraphs: a heading".into(),
        );
    }
    if only_figure(sa) && c.short(a) {
        return Decision::Break(
            "paragraph-end",
            0.7,
            "the line holds only a figure that did not fit the full line before it, and stops short: the paragraph's last line".into(),
        );
    }
    if let Some(d) = dropped_final_mark(c, lines, i) {
        return d;
    }
    if let Some(d) = list_item(c, lines, i) {
        return d;
    }
    let conf = if c.full(a) { 0.9 } else { 0.75 };
    Decision::Join(
        "join-line",
        conf,
        if c.full(a) {
            format!("line fills the column width {}", Whole(c.w))
        } else {
            "line does not end a sentence".into()
        },
    )
}

/// Whether the paragraph ending at line `i` lost its final full stop: it
/// is prose that filled the line before (not a one-line heading or
/// caption), its last line ends with a Han character and leaves no quote
/// open.
fn lost_stop(c: &Ctx, lines: &[Printed], i: usize) -> bool {
    // index: the caller passes `i + 1 < lines.len()`; `i - 1` only for `i > 0`.
    if i == 0 || !c.full(&lines[i - 1]) || ends_sentence(c.s(&lines[i - 1])) {
        return false;
    }
    let prev = c.s(&lines[i - 1]);
    // Prose: the line before carries a clause mark (a headline has none),
    // and does not close a bracketed note (`（作者为…会长）`) that a
    // heading follows.
    if !prev.contains(['，', '、', '；', '。', ',']) || matches!(last_char(prev), Some('）' | ')'))
    {
        return false;
    }
    // A quotation left open over the last two lines (`“继` / `承不泥古，发
    // 展不离宗`) lost its closing mark, not a 。.
    let sa = c.s(&lines[i]);
    let quoted = leaves_quote_open(sa) || (!sa.contains('”') && leaves_quote_open(prev));
    // A credit that lost its `）` (`（新华社记` / `者陈建国摄`) takes no 。.
    let credit = closing_credit(sa, Some(prev)).is_some();
    last_char(sa).is_some_and(is_han) && !quoted && !credit
}

/// A paragraph end whose final mark the OCR dropped (its line hangs the
/// mark past the column, so the line still looks full): line `i` fills the
/// column and ends in a Han character that can end a sentence, the next line
/// is two characters short (the lost indent) with no sentence end in it,
/// and the line after that is full again. Widths must be trustworthy
/// (not a noisy page) and all three lines plain prose, where justification
/// leaves no other room.
fn dropped_final_mark(c: &Ctx, lines: &[Printed], i: usize) -> Option<Decision> {
    // index: the caller passes `i + 1 < lines.len()`.
    let (a, b) = (&lines[i], &lines[i + 1]);
    let after = lines.get(i + 2)?;
    let (sa, sb, sc) = (c.s(a), c.s(b), c.s(after));
    let ca = last_char(sa)?;
    let fits = !c.noisy
        && c.w - a.width < 1.5
        && is_han(ca)
        && !ends_open(ca)
        && c.indented(b)
        && !sb.chars().any(is_sentence_end)
        && !matches!(last_char(sb), Some('：' | ':'))
        && c.w - after.width < 1.2
        && [sa, sb, sc].iter().all(|s| plain_prose(s));
    fits.then(|| {
        Decision::Break(
            "paragraph-end",
            0.7,
            format!(
                "line fills the column {} and the next is two characters short between full lines: a lost indent after a dropped final mark",
                Whole(c.w)
            ),
        )
    })
}

/// Line `i` and the next are short unpunctuated lines with figures, next to
/// a third short unpunctuated line: items of a list or table
/// (`北京 晴 -9℃/0℃`), one paragraph each. Without figures, on a page with
/// reliable widths, when neither is as wide as a first line (`第一章总则`).
fn list_item(c: &Ctx, lines: &[Printed], i: usize) -> Option<Decision> {
    // index: the caller passes `i + 1 < lines.len()`; `i - 1` only for `i > 0`.
    let item = |p: &Printed| c.title(p) && c.s(p).chars().any(is_alnum);
    let before = i.checked_sub(1).map(|k| &lines[k]);
    let after = lines.get(i + 2);
    let beside = before.is_some_and(|p| c.title(p)) || after.is_some_and(|p| c.title(p));
    let figures = item(&lines[i]) && item(&lines[i + 1]);
    // Without figures (a table of contents, a list of headlines) the lines
    // must not look like a paragraph's first line or hold spaced-out
    // debris, on a page whose widths are reliable.
    let titles = !c.noisy
        && [&lines[i], &lines[i + 1]]
            .iter()
            .all(|p| c.title(p) && !c.indented(p) && !c.s(p).contains(is_ws));
    let fits = (figures || titles) && beside;
    fits.then(|| {
        Decision::Break(
            "list-item",
            0.75,
            "short unpunctuated lines with figures in a row: list items".into(),
        )
    })
}

/// True when the widths of a document's lines are unreliable: more than one
/// printed line in eight (of those followed by another in the same run)
/// stops short of the column without ending a sentence or showing an indent.
fn noisy_widths(text: &str, runs: &[Run], w: f32) -> bool {
    let mut n = 0usize;
    let mut odd = 0usize;
    for r in runs {
        for p in r.lines.iter().take(r.lines.len().saturating_sub(1)) {
            n += 1;
            // slice: see the invariant on `Printed`.
            let s = &text[p.range.clone()];
            let room = w - p.width - if s.chars().any(is_alnum) { 2.0 } else { 0.0 };
            let d = w - p.width;
            if !ends_sentence(s) && room >= 1.2 && !(1.4..=2.6).contains(&d) {
                odd += 1;
            }
        }
    }
    n >= 20 && odd * 8 > n
}

/// Characters that are not whitespace.
fn visible_len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Characters before the first sentence end of `s` (all of it if none).
fn first_sentence_len(s: &str) -> Option<usize> {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .position(is_sentence_end)
}

impl Reflow {
    /// Between two runs separated by a blank line.
    fn decide_between(
        &self,
        c: Option<&Ctx>,
        prev: &Run,
        next: &Run,
        continuation: &str,
        columns: bool,
    ) -> Option<Decision> {
        let text = c.map(|c| c.text)?;
        let a = prev.lines.last()?;
        let b = next.lines.first()?;
        // slice: see the invariant on `Printed`; `para_start <= a.range.start`.
        let (sa, sb) = (&text[a.range.clone()], &text[b.range.clone()]);
        let (ca, cb) = (last_char(sa)?, first_char(sb)?);
        if self.is_byline(sb) || self.is_byline(sa) {
            return None;
        }
        let ctx = c?;
        if ends_sentence(sa) && indent_debris(sb).is_some() {
            // After a sentence end a leading `.` or `:` is no final mark of
            // it but specks read in a lost indent (see `decide_inside`).
            return None;
        }
        if ends_with_temperature(sa) && weather_item(sb) {
            return Some(Decision::Break(
                "list-item",
                0.8,
                "the line ends with a temperature and the next names a place and gives its own: items of a weather table".into(),
            ));
        }
        if lead_after_dust(sb).is_some() {
            // `:本报讯…`: specks before a news lead, not a mark that goes on.
            return None;
        }
        if let Some(ch) = starts_continuation(sb) {
            return Some(Decision::Join(
                "join-column",
                0.9,
                format!("next block starts with '{ch}', which never starts a line"),
            ));
        }
        // Column logic only between printed lines of columns: a long
        // Markdown paragraph next to column text is judged as a paragraph.
        let printed = |p: &Printed| p.width <= ctx.w + 1.5;
        if columns && prev.lines.len() >= 2 && ctx.w > 0.0 && printed(a) && printed(b) {
            // Column text: the bottom line of one column and the top of the next.
            let single_title = next.lines.len() == 1 && ctx.title(b);
            if ctx.title(a) && prev.lines.len() == 1 || single_title {
                return None;
            }
            let above_a = prev
                .lines
                .len()
                .checked_sub(2)
                .map(|k| ctx.s(&prev.lines[k]));
            if closing_credit(sa, above_a).is_some() {
                return None;
            }
            if ends_sentence(sa) && (ctx.short(a) || ctx.indented(b) || enumeration(sb).is_some()) {
                return None;
            }
            if ctx.full(a) && !ends_sentence(sa) && !ctx.indented(b) {
                return Some(Decision::Join(
                    "join-column",
                    0.9,
                    "column ends mid-sentence on a full line; the next column goes on without an indent".into(),
                ));
            }
            if ctx.full(a) && !ctx.indented(b) {
                return Some(Decision::Join(
                    "join-column",
                    0.75,
                    "column ends on a full line and the next column starts without an indent"
                        .into(),
                ));
            }
            let before_a = prev.lines.len().checked_sub(2).map(|k| &prev.lines[k]);
            let heading = ctx.title(a)
                && !ctx.indented(a)
                && before_a.is_some_and(|p| ends_sentence(ctx.s(p)));
            if !ends_sentence(sa) && !heading {
                return Some(Decision::Join(
                    "join-column",
                    0.7,
                    "column ends mid-sentence: the paragraph goes on in the next column".into(),
                ));
            }
            return None;
        }
        if !prev.ends_block || !next.starts_block {
            return None;
        }
        // Markdown paragraphs: join only a cut mid-sentence with evidence.
        if ends_sentence(sa)
            || matches!(ca, '：' | ':' | '）' | ')' | '》')
            || !(is_cjk(ca) || is_alnum(ca) || ca == '"')
        {
            return None;
        }
        if !(is_cjk(cb) || is_alnum(cb) || cb == '"') || !(is_cjk(ca) || is_cjk(cb)) {
            return None;
        }
        if ca == '、' {
            return Some(Decision::Join(
                "join-split",
                0.9,
                "paragraph ends with '、', which never ends one".into(),
            ));
        }
        if matches!(
            cb,
            '，' | '。' | '、' | '；' | '：' | '”' | '）' | '！' | '？'
        ) {
            return Some(Decision::Join(
                "join-split",
                0.9,
                format!("next paragraph starts with '{cb}'"),
            ));
        }
        let para_start = prev.lines.first().map_or(a.range.start, |l| l.range.start);
        let prev_para = &text[para_start..a.range.end];
        let tail_after_quote = prev_para.rsplit(['"', '“']).next().unwrap_or("");
        let head_before_quote = continuation
            .split(['"', '”'])
            .next()
            .unwrap_or(continuation);
        let quote_in_head = continuation.len() != head_before_quote.len()
            && (1..=8).contains(&visible_len(head_before_quote));
        if prev_para.len() != tail_after_quote.len()
            && (1..=10).contains(&visible_len(tail_after_quote))
            && unpunctuated(tail_after_quote)
            && quote_in_head
            && unpunctuated(head_before_quote)
        {
            return Some(Decision::Join(
                "join-split",
                0.85,
                format!("quoted term cut in two: \"{tail_after_quote}|{head_before_quote}\""),
            ));
        }
        if first_sentence_len(continuation).is_some_and(|n| (1..=3).contains(&n)) {
            return Some(Decision::Join(
                "join-split",
                0.8,
                "next paragraph starts with a sentence of three characters or fewer".into(),
            ));
        }
        // A headline, title or caption: one short unpunctuated line (a
        // converter may have spaced it into pieces).
        let whole = prev_para.chars().filter(|c| !c.is_whitespace()).count();
        if no_sentence_punct(prev_para) && whole <= 30 {
            return None;
        }
        if is_han(ca) && is_han(cb) {
            let word: String = [ca, cb].iter().collect();
            if let Some(f) = self.lexicon.freq(&word).filter(|&f| f >= CUT_WORD_FREQ) {
                return Some(Decision::Join(
                    "join-split",
                    0.7,
                    format!("the word '{word}' (frequency {f}) spans the cut"),
                ));
            }
        }
        Some(Decision::Join(
            "maybe-split",
            0.3,
            "paragraph ends mid-sentence; it may continue in the next one, or text was lost here"
                .into(),
        ))
    }
}

impl Pass for Reflow {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Rebuilds paragraphs from column text: joins printed lines and columns, restores paragraph breaks, keeps headings and bylines."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let text = doc.text;
        let (runs, w) = self.runs(doc);
        let mut edits = Vec::new();
        let ctx = w.map(|w| Ctx {
            text,
            w,
            noisy: noisy_widths(text, &runs, w),
        });
        // index, slice: `i + 1 < run.lines.len()` and `k + 1 < runs.len()`
        // from the loop bounds; `chain_end` has one cell per run; ranges and
        // gaps as in the invariant on `Printed` (`chain_end[k + 1]` is the end
        // of a later run's last line, so at or after `b.range.start`).
        if let Some(c) = &ctx {
            for run in &runs {
                // Counted once per run, when its first indent is met: per
                // line it would be quadratic in a run of indented lines.
                let mut indents_mark: Option<bool> = None;
                for i in 0..run.lines.len().saturating_sub(1) {
                    let (a, b) = (&run.lines[i], &run.lines[i + 1]);
                    let gap = a.range.end..b.range.start;
                    let (Some(ca), Some(cb)) = (
                        text[a.range.clone()].chars().next_back(),
                        text[b.range.clone()].chars().next(),
                    ) else {
                        continue;
                    };
                    let indent = kept_indent(&text[gap.clone()]);
                    let decision = if !indent.is_empty()
                        && *indents_mark
                            .get_or_insert_with(|| indents_mark_paragraphs(text, &run.lines))
                        && starts_continuation(c.s(b)).is_none()
                    {
                        Decision::Break(
                            "paragraph-end",
                            0.9,
                            "the next line starts with an ideographic-space indent, which marks a paragraph's first line in this text".into(),
                        )
                    } else {
                        decide_inside(c, &run.lines, i)
                    };
                    let decision = match decision {
                        // Width evidence alone (a lost final mark, a lost
                        // indent, a short heading) does not break a word in
                        // two (`代表大会常` / `务委员会第十九次`: the line below
                        // lost characters, not its indent).
                        Decision::Break(rule, conf, why)
                            if matches!(rule, "paragraph-end" | "heading") && conf <= 0.75 =>
                        {
                            match word_across(&self.lexicon, c.s(a), c.s(b)) {
                                Some(word) => Decision::Join(
                                    "join-line",
                                    0.6,
                                    format!("the word '{word}' spans the line break, so no paragraph ends here (the next line is short for characters the OCR lost)"),
                                ),
                                // A full line read as a paragraph end
                                // that lost its final mark still ends on a
                                // word.
                                None if rule == "paragraph-end"
                                    && c.w - a.width < 1.5
                                    && !ends_sentence(c.s(a))
                                    && !ends_on_word(&self.lexicon, c.s(a)) =>
                                {
                                    Decision::Join(
                                        "join-line",
                                        0.6,
                                        "the line ends on a character that makes no word, so its paragraph goes on (the next line is short for characters the OCR lost)".into(),
                                    )
                                }
                                None => Decision::Break(rule, conf, why),
                            }
                        }
                        d => d,
                    };
                    match decision {
                        Decision::Join(rule, conf, why) => {
                            // A dot in the margin of a line that goes on
                            // (`…品种 .` / `利用…`, `…官` / `.兵…`) is a speck.
                            let (ca, cb) = join_edges(text, a, b, (ca, cb), &mut edits);
                            let rep = joiner(ca, cb);
                            edits.push(Edit::fix(gap, rep, ID, rule, conf, why));
                        }
                        Decision::Break(rule, conf, why) => {
                            if rule == "lost-stop" {
                                let rep = format!("。\n\n{indent}");
                                edits.push(Edit::fix(gap, rep, ID, rule, conf, why));
                            } else if !matches!(rule, "heading" | "list-item")
                                && lost_stop(c, &run.lines, i)
                            {
                                let why = format!("{why}; the paragraph's final 。 was lost");
                                let rep = format!("。\n\n{indent}");
                                edits.push(Edit::fix(gap, rep, ID, "lost-stop", conf, why));
                            } else {
                                let rep = format!("\n\n{indent}");
                                if text[gap.clone()] != rep {
                                    edits.push(Edit::fix(gap, rep, ID, rule, conf, why));
                                }
                            }
                        }
                    }
                }
            }
        }
        let columns = ctx.is_some();
        let plain = Ctx {
            text,
            w: 0.0,
            noisy: false,
        };
        // Decided right to left, so a paragraph's continuation is seen whole
        // when the paragraph before it is judged (a join decided later in the
        // same run would otherwise change the evidence on the next run).
        let mut chain_end: Vec<usize> = runs
            .iter()
            .map(|r| r.lines.last().map_or(0, |l| l.range.end))
            .collect();
        let mut between = Vec::new();
        for k in (0..runs.len().saturating_sub(1)).rev() {
            let (prev, next) = (&runs[k], &runs[k + 1]);
            let (Some(a), Some(b)) = (prev.lines.last(), next.lines.first()) else {
                continue;
            };
            let gap = a.range.end..b.range.start;
            // Only a blank-line gap (no heading or markup in between).
            if !text[gap.clone()].chars().all(char::is_whitespace)
                || !text[gap.clone()].contains("\n\n")
            {
                continue;
            }
            // A paragraph's indent typed as ideographic spaces: the next
            // block starts a paragraph; a column's continuation has none.
            if !kept_indent(&text[gap.clone()]).is_empty() {
                continue;
            }
            let c = if columns { ctx.as_ref() } else { Some(&plain) };
            let continuation = &text[b.range.start..chain_end[k + 1].max(b.range.end)];
            if let Some(Decision::Join(rule, conf, why)) =
                self.decide_between(c, prev, next, continuation, columns)
            {
                let (Some(ca), Some(cb)) = (
                    text[a.range.clone()].chars().next_back(),
                    text[b.range.clone()].chars().next(),
                ) else {
                    continue;
                };
                // Speck dots at the column edge, as inside a column.
                let (ca, cb) = if rule == "maybe-split" {
                    (ca, cb)
                } else {
                    join_edges(text, a, b, (ca, cb), &mut between)
                };
                let e = Edit::fix(gap, joiner(ca, cb), ID, rule, conf, why);
                if rule == "maybe-split" {
                    between.push(e.suggest());
                } else {
                    chain_end[k] = chain_end[k + 1];
                    between.push(e);
                }
            }
        }
        between.reverse();
        edits.extend(between);
        edits
    }
}

#[cfg(test)]
mod tests {
    /// `Whole` prints what `{:.0}` prints, ties and negative zero included.
    #[test]
    fn whole_widths_print_as_the_float_formatter_would() {
        for k in -400i32..4000 {
            for x in [k as f32 / 8.0, k as f32 / 10.0, k as f32 / 3.0] {
                assert_eq!(super::Whole(x).to_string(), format!("{x:.0}"), "{x}");
            }
        }
    }

    /// Bylines are told by title words, whatever spaces or emphasis stand
    /// inside them; punctuation or more than 30 Han characters rule one out.
    #[test]
    fn bylines() {
        let r = super::reflow(crate::rules::Rules::builtin().unwrap()).unwrap();
        for s in [
            "记者 赵志斌",
            "记 者 赵志斌",
            "**记者** 赵志斌",
            "大众日报淄博融媒体中心记者 徐晓会 通讯员 **T业宏**",
            "摄影记者王小明",
            "主编",
        ] {
            assert!(r.is_byline(s), "{s}");
        }
        for s in [
            "记者赵志斌，报道",
            "看看报纸",
            "记者采访了大众日报淄博融媒体中心的工作人员和来自全区各地的群众代表",
            "大众日报淄博融媒体中心记者 徐晓会报道了全区党员干部群众的事迹",
            "",
        ] {
            assert!(!r.is_byline(s), "{s}");
        }
    }

    fn fix(s: &str) -> String {
        crate::passes::run_only(super::ID, s)
    }

    /// Speck dots at a line edge: one or two, touching a Han character.
    #[test]
    fn edge_dots() {
        use super::edge_dots;
        assert_eq!(edge_dots("新世 .", false), Some((2, '世')));
        assert_eq!(edge_dots("新世. .", false), Some((3, '世')));
        assert_eq!(edge_dots(".的是", true), Some((1, '的')));
        assert_eq!(edge_dots(". 的是", true), Some((2, '的')));
        // An ellipsis, a Latin word, no dot: none.
        assert_eq!(edge_dots("事情...", false), None);
        assert_eq!(edge_dots("Mr.", false), None);
        assert_eq!(edge_dots("新世", false), None);
        assert_eq!(edge_dots("2.", false), None);
    }

    #[test]
    fn column_lines_become_paragraphs() {
        let input = "站在两个世纪的交接点\n上，人们在思索：新世纪的\n曙光带给这个世界的是些什\n么？明天地球上将发生些什\n么事？人类的生活会变得怎\n样？\n为了看清楚未来，应该\n回过头看看昨天。当他世\n纪即将到来时，世界已经被\n几个首先实现工业化的国家\n瓜分完毕。\n";
        let want = "站在两个世纪的交接点上，人们在思索：新世纪的曙光带给这个世界的是些什么？明天地球上将发生些什么事？人类的生活会变得怎样？\n\n为了看清楚未来，应该回过头看看昨天。当他世纪即将到来时，世界已经被几个首先实现工业化的国家瓜分完毕。\n";
        assert_eq!(fix(input), want);
    }

    #[test]
    fn markdown_paragraph_splits() {
        let cases = [
            (
                "实施\"九大提升\n\n行动\",动员全区上下",
                "实施\"九大提升行动\",动员全区上下",
            ),
            (
                "按照\"工作项目化、项目清单化、\n\n清单责任化\"要求",
                "按照\"工作项目化、项目清单化、清单责任化\"要求",
            ),
            (
                "努力在实现目标中作\n\n表率。\n",
                "努力在实现目标中作表率。\n",
            ),
            (
                "功夫下不足,提效争先就\n\n从张店攻坚的一场场硬仗中,体现了",
                "功夫下不足,提效争先就\n\n从张店攻坚的一场场硬仗中,体现了",
            ),
            ("## 加速奔跑\n\n聚焦淄博区县", "## 加速奔跑\n\n聚焦淄博区县"),
            (
                "加快提升中心城区\n\n大众日报淄博融媒体中心记者 徐晓会",
                "加快提升中心城区\n\n大众日报淄博融媒体中心记者 徐晓会",
            ),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }

    /// A column of width 12 around `middle`: a full paragraph before it
    /// and one after, so the column width is learned from the text.
    fn column(middle: &str) -> String {
        format!(
            "今年春天，我们走访了\n山区的许多村庄，看到农民\n的生活发生了很大变化，大\n{middle}书室，孩子们放学以后常常\n来这里读书写字，老人们也\n喜欢来看看报纸。\n"
        )
    }

    #[test]
    fn lost_indent_with_a_hanging_mark_after_a_sentence() {
        // 村里干部群众一起动手， is ten characters and a hanging comma: two
        // short of 12 by the indent, one more by the mark.
        let input =
            column("家都说日子越过越好了。\n村里干部群众一起动手，\n很快就建起了一座宽敞的图\n");
        let out = fix(&input);
        assert!(
            out.contains("越过越好了。\n\n村里干部群众一起动手，很快就建起了一座宽敞的图书室"),
            "{out}"
        );
        // Traps: no sentence end before it; a short line after it (it may
        // be a paragraph's short last line); a figure in it (justified
        // lines with figures fall short).
        for (middle, joined) in [
            (
                "家都说日子越过越好了，\n村里干部群众一起动手，\n很快就建起了一座宽敞的图\n",
                "越过越好了，村里干部群众一起动手，很快",
            ),
            (
                "家都说日子越过越好了。\n村里干部群众一起动手，\n很快就建起了图\n",
                "越过越好了。村里干部群众一起动手，",
            ),
            (
                "家都说日子越过越好了。\n村里干部群众在2020年，\n很快就建起了一座宽敞的图\n",
                "越过越好了。村里干部群众在2020年，",
            ),
        ] {
            let out = fix(&column(middle));
            assert!(out.contains(joined), "{middle}: {out}");
        }
    }

    #[test]
    fn figure_wrapped_onto_a_line_of_its_own() {
        let head = "国家统计局昨天宣布，今年我\n国经济工作取得显著成绩，国\n有大中型企业改革和三年脱困\n目标基本实现，国民经济发展\n出现重要转机，国内生产总值\n";
        // 8% did not fit the full line before it: it joins that line, and
        // the paragraph ends after it (the next line goes on unless it
        // starts with a mark that never starts a line).
        let out = fix(&format!(
            "{head}比上年同期增长了百分之八点\n8%\n新的一年里，各地继续推进改\n革。\n"
        ));
        assert!(out.contains("百分之八点8%\n\n新的一年里"), "{out}");
        let out = fix(&format!(
            "{head}比上年同期增长了百分之八点\n8%\n，新的一年里，各地继续推进\n改革。\n"
        ));
        assert!(out.contains("百分之八点8%，新的一年里"), "{out}");
        // Traps, each line kept as it is: a short line before the figure
        // (OCR cut a printed line there); a sentence end before it (a page
        // number); a unit sign before it (a table's items).
        for (tail, kept) in [
            (
                "比上年增长\n8%\n新的一年里，各地继续推进改\n革。\n",
                "比上年增长\n8%\n新的",
            ),
            (
                "比上年同期增长了百分之八。\n8\n新的一年里，各地继续推进改\n革。\n",
                "百分之八。\n8\n新的",
            ),
            (
                "北京明天的最高气温零上2℃\n6\n新的一年里，各地继续推进改\n革。\n",
                "2℃\n6\n新的",
            ),
        ] {
            let out = fix(&format!("{head}{tail}"));
            assert!(out.contains(kept), "{tail}: {out}");
        }
    }

    #[test]
    fn headline_filling_the_column_before_a_news_lead() {
        // 村民自建图书室今天开门迎 fills the column like prose; the
        // headline ends on the short line 客, before a certain lead.
        let input = column("家都说日子越过越好了。\n村民自建图书室今天开门迎\n客\n本报讯记者王华报道：村里\n很快就建起了一座宽敞的图\n");
        let out = fix(&input);
        assert!(
            out.contains(
                "越过越好了。\n\n村民自建图书室今天开门迎客\n\n本报讯记者王华报道：村里很快"
            ),
            "{out}"
        );
        // Traps: a lead that may go on a sentence (本报记者了解到); a mark
        // in the lines (prose); no short line before the lead.
        for (middle, joined) in [
            (
                "家都说日子越过越好了。\n村民自建图书室今天开门迎\n客\n本报记者了解到，村里\n很快就建起了一座宽敞的图\n",
                "越过越好了。村民自建图书室今天开门迎客",
            ),
            (
                "家都说日子越过越好了。\n村民自建图书室，今天开门\n了\n本报讯记者王华报道：村里\n很快就建起了一座宽敞的图\n",
                "越过越好了。村民自建图书室，今天开门了",
            ),
            (
                "家都说日子越过越好了。\n村民自建图书室今天开门迎\n接八方乡亲来这里读书看\n本报讯记者王华报道：村里\n很快就建起了一座宽敞的图\n",
                "越过越好了。村民自建图书室今天开门迎接八方乡亲来这里读书看",
            ),
        ] {
            let out = fix(&column(middle));
            assert!(out.contains(joined), "{middle}: {out}");
        }
    }

    #[test]
    fn lost_indent_next_to_figures_after_a_sentence() {
        // 2020年3月5日，村里 is 9.3 em wide: two characters short of 12
        // plus the room a number leaves.
        let input = column("家都说如今日子越过越好。\n2020年3月5日，村里\n建起了一座新的图\n");
        let out = fix(&input);
        assert!(
            out.contains("越过越好。\n\n2020年3月5日，村里建起了一座新的图书室"),
            "{out}"
        );
        // Trap: a full line that ends a sentence mid-paragraph, followed by a
        // full line with figures, stays joined.
        let input = column("家都说如今日子越过越好。\n2020年以来，村里建起了\n一座新的图\n");
        let out = fix(&input);
        assert!(
            out.contains("越过越好。2020年以来，村里建起了一座新的图书室"),
            "{out}"
        );
    }

    #[test]
    fn debris_in_the_lost_indent() {
        // Tesseract reads specks in the empty indent as `.` or `:`.
        for b in [".村里建起了一座新的图", ": 村里建起了一座新的图"] {
            let out = fix(&column(&format!("家都说如今日子越过越好。\n{b}\n")));
            assert!(out.contains(&format!("越过越好。\n\n{b}书室")), "{out}");
        }
        // Trap: a full line after the sentence end that starts with a
        // closing quote continues the paragraph (the quote closes the
        // sentence before it).
        let out = fix(&column(
            "家都说如今日子越过越好。\n”村里建起了一座新的图书\n室，孩子们放学以后常常来\n",
        ));
        assert!(out.contains("越过越好。”村里建起了"), "{out}");
    }

    #[test]
    fn dropped_final_mark_before_a_lost_indent() {
        let input = column("家都说如今日子越过越好\n村里建起了一座新的图\n");
        let out = fix(&input);
        assert!(out.contains("越过越好。\n\n村里建起了"), "{out}");
        // Traps: the full line ends in a function word; the short line
        // holds a sentence end (a paragraph's last line, not a first one).
        for middle in [
            "家都说如今日子越过越好的\n村里建起了一座新的图\n",
            "家都说如今日子越过越好\n村里建起了新的。图\n",
            // The full line ends on a character that makes no word with
            // the ones before it (养老机构 read as 养色 / 和构): the short
            // line lost characters, the paragraph goes on.
            "家都说医养融合发展，一批养色\n和构、养老综合体投入\n",
        ] {
            let out = fix(&column(middle));
            assert!(!out.contains("\n\n"), "{middle}: {out}");
        }
    }

    #[test]
    fn dropped_final_mark_needs_reliable_widths() {
        // The same joint on a page where many lines stop short for no
        // visible reason (characters lost by the OCR) stays joined.
        let noisy = "孩子们放学以后常常\n来这里读书写\n字，老人们也喜欢来看\n看报纸，大家都\n说如今日子越过越好\n村里建起了一座新的图\n书室，孩子们放学以\n后常常来这里读书\n写字，老人们也喜欢来\n看看报纸，说这\n里就像自己的家一样\n";
        let input = format!(
            "{}\n{noisy}",
            column("家都说如今日子越过越好\n村里建起了一座新的图\n")
        );
        let out = fix(&input);
        assert!(out.contains("越过越好村里建起了"), "{out}");
    }

    #[test]
    fn no_paragraph_break_inside_a_word() {
        // The second line is two characters short only because the OCR
        // lost some: 常|务 is the word 常务, no lost final mark.
        let out = fix(&column(
            "家都说全国人民代表大会常\n务委员会第十九次会议\n决定，村里建起了一座新图\n",
        ));
        assert!(out.contains("代表大会常务委员会"), "{out}");
    }

    #[test]
    fn short_line_ending_in_a_function_word_goes_on() {
        // Both lines are two characters short: the first lost its final
        // mark before a lost indent, a paragraph break.
        let out = fix(&column(
            "家都说这是一次读书会
村里建起了一座新的图
",
        ));
        assert!(
            out.contains("读书会。\n\n村里") || out.contains("读书会\n\n村里"),
            "{out}"
        );
        // Trap: a line ending in 的 (a title split over two lines,
        // `在新年茶话会上的` / `讲话`) never ends a paragraph on width alone.
        let out = fix(&column(
            "家都说这是一次难忘的
村里建起了一座新的图
",
        ));
        assert!(out.contains("难忘的村里建起了"), "{out}");
    }

    #[test]
    fn chapter_titles_are_headings() {
        // A table of contents: each chapter title a paragraph, a title that
        // wraps (`…基本条件、` / `来源`) kept whole, and no 。 added.
        let out = fix(&column(
            "家都说如今日子越过越好。\n第一章总则\n第二章军官的基本条件、\n来源\n第三章军官的考核和任免\n第四章军官的交流和回避\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("越过越好。\n\n第一章总则\n\n第二章军官的基本条件、来源\n\n第三章军官的考核和任免\n\n第四章军官的交流和回避\n\n村里"),
            "{out}"
        );
        // Trap: a reference to a chapter inside a sentence.
        let out = fix(&column(
            "家都说应当依照本法有关的\n第三章规定的程序办理，村\n里建起了一座新的图\n",
        ));
        assert!(out.contains("本法有关的第三章规定"), "{out}");
    }

    #[test]
    fn a_heading_as_wide_as_the_column() {
        // Between a sentence end and a paragraph's first line (two short),
        // a line that fills the column without any punctuation.
        let out = fix(&column(
            "家都说如今日子越过越好。\n治疗精神分裂症将有新药\n科学家们正在研制治疗\n精神分裂症等疾病的新药，\n",
        ));
        assert!(
            out.contains("越过越好。\n\n治疗精神分裂症将有新药\n\n科学家们正在研制"),
            "{out}"
        );
        // After a short unpunctuated heading, a figure makes the next line
        // a little shorter than a lost indent alone.
        let out = fix(&column(
            "家都说如今日子越过越好。\n五彩缤纷哈瓦那\n2001年的元旦对于古\n巴来说意义非凡。它是新世\n",
        ));
        assert!(
            out.contains("五彩缤纷哈瓦那\n\n2001年的元旦对于古巴"),
            "{out}"
        );
        // Traps: such a line that leads on (`…的`) or starts an enumerated
        // item (`第十六条…`, a first line itself) is no heading.
        let out = fix(&column(
            "家都说如今日子越过越好。\n在全国政协新年茶话会上的\n讲话和大家的祝福\n精神分裂症等疾病的新药，\n",
        ));
        assert!(
            out.contains("越过越好。在全国政协新年茶话会上的讲话"),
            "{out}"
        );
        let out = fix(&column(
            "家都说如今日子越过越好。\n第十六条专业技术军\n官任职的最高年龄分\n别为六十岁。村里建起了一\n",
        ));
        assert!(out.contains("第十六条专业技术军官任职"), "{out}");
    }

    #[test]
    fn law_articles_start_paragraphs_and_restore_the_lost_stop() {
        let out = fix(&column(
            "家都说中央军事委员会规定\n的其他奖励和其他荣誉称号\n第三十四条军官违反军纪的\n按照规定给予处分。村里建\n起了一座新的图\n",
        ));
        assert!(out.contains("荣誉称号。\n\n第三十四条军官"), "{out}");
        // A chapter title before the article takes no stop.
        let out = fix(&column(
            "家都说如今日子越过越好。\n第三章军官的考核和任免\n第十一条各级首长和政治机\n关负责考核。村里建起了一\n座新的图\n",
        ));
        assert!(out.contains("考核和任免\n\n第十一条"), "{out}");
        // Trap: a reference to an article inside a sentence.
        let out = fix(&column(
            "家都说未作规定的适用本法\n第三十条规定的程序办理，\n村里建起了一座新的图\n",
        ));
        assert!(out.contains("适用本法第三十条规定"), "{out}");
        // Trap: a short line ending in a function word before the article
        // it names (an amendment: `增加一条，作为` / `第三十九条：`).
        let out = fix(&column(
            "家都说增加一条，作为\n第三十九条：军官住房实\n行公寓住房。村里建起了一\n座新的图\n",
        ));
        assert!(out.contains("作为第三十九条："), "{out}");
    }

    #[test]
    fn weather_items_are_paragraphs_but_prose_temperatures_join() {
        let out = fix(&column(
            "家都说如今日子越过越好。\n北京晴-9℃/0℃\n天津多云转晴-9C/0°℃\n呼和浩特晴一17°C一5℃\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("北京晴-9℃/0℃\n\n天津多云转晴-9C/0°℃\n\n呼和浩特晴一17°C一5℃"),
            "{out}"
        );
        // Tesseract's readings: the degree sign as a quote or star, specks.
        let out = fix(&column(
            "家都说如今日子越过越好。\n福州多云10\"CA 19\"C\n。 ”太原畏一10\"CAS5\"C\n长沙小雨转阴4*C8“C  :\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("19\"C\n\n。 ”太原畏一10\"CAS5\"C\n\n长沙小雨"),
            "{out}"
        );
        // Trap: prose that runs on after a temperature at a line end.
        let out = fix(&column(
            "家都说今天气温高达35℃\n左右，明天夜间将降到20℃\n以下，村里建起了一座图\n",
        ));
        assert!(out.contains("35℃左右，明天夜间将降到20℃以下，"), "{out}");
    }

    /// Paragraphs indented with ideographic spaces: the indent starts a
    /// paragraph inside a column and stays; a block it starts is no
    /// column's continuation; an indent on every line is no evidence.
    #[test]
    fn ideographic_space_indents_mark_paragraphs() {
        let page = "　　淄博1月29日讯，正月初八，张店区召\n开新春第一会，向全区广大党员干部群\n众发出了动员令，我们要努力实干奋斗\n创新提升必须实干，奋斗一流成绩。\n　　会上，发布了《关于在全区开展三提\n三争活动的实施方案》，表彰了高质量发\n展特殊贡献企业，表彰了先进集体和个\n人。\n";
        let out = fix(page);
        assert!(
            out.contains("奋斗一流成绩。\n\n　　会上，发布了《关于在全区开展三提三争"),
            "{out}"
        );
        assert!(
            out.starts_with("　　淄博1月29日讯，正月初八，张店区召开新春"),
            "{out}"
        );
        // Across a blank line: the indented block starts a paragraph even
        // where the line before does not end a sentence.
        let split = "　　淄博1月29日讯，正月初八，张店区召\n开新春第一会，向全区广大党员干部群\n众发出了动员令，我们要努力实干奋斗\n\n　　会上，发布了《关于在全区开展三提\n三争活动的实施方案》，表彰了高质量发\n展特殊贡献企业，表彰了先进集体和个\n人。\n";
        let out = fix(split);
        assert!(out.contains("实干奋斗\n\n　　会上"), "{out}");
        // Trap: every line indented (a centred notice): width decides.
        let all = "　　淄博1月29日讯，正月初八，张店区召\n　　开新春第一会，向全区广大党员干部群\n　　众发出了动员令，我们要努力实干奋斗\n　　创新提升必须实干，奋斗一流成绩。\n";
        let out = fix(all);
        assert!(!out.contains("召\n\n"), "{out}");
    }

    #[test]
    fn table_of_contents_lines_are_paragraphs() {
        let out = fix(&column(
            "家都说如今日子越过越好。\n目录\n第一章总则\n第二章村里的图书室\n第三章附则\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("越过越好。\n\n目录\n\n第一章总则\n\n第二章村里的图书室\n\n第三章附则\n\n村里建起了"),
            "{out}"
        );
        // Trap: spaced-out debris between short lines is no list of titles.
        let out = fix(&column(
            "家都说如今日子越过越好。\n目录\n条 化 仁 不列\n已经电\n村里建起了一座新的图\n",
        ));
        assert!(out.contains("条 化 仁 不列已经电"), "{out}");
    }

    #[test]
    fn list_items_with_figures_and_their_traps() {
        let input = column(
            "家都说如今日子越过越好。\n明日天气预报\n北京晴-9℃/0℃\n上海多云4℃/12℃\n广州晴转多云12℃\n村里建起了一座新的图\n",
        );
        let out = fix(&input);
        assert!(
            out.contains("越过越好。\n\n明日天气预报\n\n北京晴-9℃/0℃\n\n上海多云4℃/12℃\n\n广州晴转多云12℃\n\n村里建起了"),
            "{out}"
        );
        // A list item ends without a stop: the lost-stop rule leaves it alone.
        let out = fix(&column(
            "家都说如今日子越过越好，\n明日天气预报\n北京晴-9℃/0℃\n上海多云4℃/12℃\n村里建起了一座新的图\n",
        ));
        assert!(out.contains("明日天气预报\n\n北京晴-9℃/0℃\n\n"), "{out}");
        // A heading with a year after a paragraph ending in a figure is not a
        // list: the heading stays a paragraph of its own between the two.
        let input =
            column("家都说如今日子越过越好，\n增长了12%。\n2020年工作回顾\n村里建起了一座新的图\n");
        let out = fix(&input);
        assert!(
            out.contains("增长了12%。\n\n2020年工作回顾\n\n村里建起了"),
            "{out}"
        );
        // A byline after the paragraph stays apart and is not joined to it.
        let out = fix(&format!(
            "{}记者 王小明\n",
            column("家都说如今日子越过越好。\n村里建起了一座新的图\n")
        ));
        assert!(out.ends_with("看看报纸。\n\n记者 王小明\n"), "{out}");
    }

    #[test]
    fn lines_of_figures_are_chinese_lines() {
        assert!(super::mostly_chinese("2000年12月31日，"));
        assert!(super::mostly_chinese("使用 Rust 编写"));
        assert!(!super::mostly_chinese("Hello world, 你好"));
        assert!(!super::mostly_chinese("2000 12 31"));
        // A date line in a column is joined like any other printed line.
        let input = column("家都说如今日子越过越好。\n2000年12月31日，村\n里建起了一座新的图\n");
        let out = fix(&input);
        assert!(
            out.contains("越过越好。\n\n2000年12月31日，村里建起了一座新的图书室"),
            "{out}"
        );
    }

    /// A converter's page: every printed line of a block joined by a space.
    const MD_BLOCK: &str = "今年春天，我们走访了 山区的许多村庄，看到农民 的生活发生了很大变化，大 家都说如今日子越过越好。 村里建起了一座新的图 书室，孩子们放学以后常常 来这里读书写字，老人们也 喜欢来看看报纸。";

    #[test]
    fn converter_spaces_after_a_credit_and_before_an_item_are_joints() {
        let seg = |s: &str| -> Vec<String> {
            super::segments(s, 0..s.len())
                .into_iter()
                .map(|r| s[r].to_string())
                .collect()
        };
        assert_eq!(seg("者王长山摄) 2、2000年"), ["者王长山摄)", "2、2000年"]);
        assert_eq!(seg("来到了 2、3个村"), ["来到了", "2、3个村"]);
        // Latin text and figures keep their spaces.
        assert_eq!(seg("see (a) 2 b"), ["see (a) 2 b"]);
        assert_eq!(seg("增长了 12.5%"), ["增长了", "12.5%"]);
    }

    #[test]
    fn a_bracket_the_next_line_closes_is_never_a_paragraph_end() {
        assert!(super::open_bracket_closes_in(
            "共同迎接新世纪的到来。（新华社",
            "记者徐显辉摄）"
        ));
        assert!(!super::open_bracket_closes_in("（新华社记者摄）", "记者"));
        assert!(!super::open_bracket_closes_in("到来。", "（二）担任"));
        let out = fix(&column(
            "家都说如今日子越过越好。\n（新华社\n记者摄）村里建起了一座新的图\n",
        ));
        assert!(out.contains("（新华社记者摄）村里"), "{out}");
        // A photo note stays with the headline it belongs to (the dev
        // corpus gold never starts a line with one).
        let out = fix(&format!("{MD_BLOCK}\n\n{MD_BLOCK}\n\n喜迎新世纪 （附图片4张） 1、2000年12月31日夜， 成千上万俄罗斯人聚集在莫 斯科红场，迎接新世纪的到 来。\n"));
        assert!(
            out.contains("\n\n喜迎新世纪（附图片4张）\n\n1、2000年"),
            "{out}"
        );
        let out = fix(&format!("{MD_BLOCK}\n\n{MD_BLOCK}\n\n以辛勤的劳动和汗水迎接新世纪 （图片） 1、2000年12月31日夜， 成千上万俄罗斯人聚集在莫 斯科红场，迎接新世纪的到 来。\n"));
        assert!(
            out.contains("\n\n以辛勤的劳动和汗水迎接新世纪（图片）\n\n1、"),
            "{out}"
        );
    }

    #[test]
    fn converter_joined_list_block_is_split_into_items() {
        let input = format!(
            "{MD_BLOCK}\n\n明日天气预报 北京晴-9℃/0℃ 上海多云4℃/12℃ 广州晴转多云12℃ 天津晴-8℃/1℃\n"
        );
        let out = fix(&input);
        assert!(
            out.ends_with("看看报纸。\n\n明日天气预报\n\n北京晴-9℃/0℃\n\n上海多云4℃/12℃\n\n广州晴转多云12℃\n\n天津晴-8℃/1℃\n"),
            "{out}"
        );
        // Trap: a byline and a page header are words spaced apart, not
        // printed lines: they stay as they are, apart from the text.
        let tail = "大众日报记者 赵志斌 通讯员 王小明 李华 报道\n\n2023年1月30日 星期一 编辑 石晶 美编 王涛 校对 杜蕾\n";
        let input = format!("{MD_BLOCK}\n\n{MD_BLOCK}\n\n{MD_BLOCK}\n\n{tail}");
        let out = fix(&input);
        assert!(out.ends_with(&format!("看看报纸。\n\n{tail}")), "{out}");
        // A byline with a stray space in a word (the sample page's 中 心) is
        // not cut into printed lines either: the name stays with its title.
        let tail = "大众日报淄博融媒体中 心记者 **赵志斌** \n";
        let input = format!("{MD_BLOCK}\n\n{MD_BLOCK}\n\n{tail}");
        let out = fix(&input);
        assert!(out.ends_with(&format!("看看报纸。\n\n{tail}")), "{out}");
    }

    #[test]
    fn first_line_that_lost_its_comma_is_not_a_heading() {
        // 为了建好这一个图书室 is three characters short of 12 because its
        // hanging comma was dropped; a full line follows.
        let out = fix(&column(
            "家都说如今日子越过越好。\n为了建好这一个图书室\n村干部们跑了很多地方，图\n",
        ));
        assert!(
            out.contains("越过越好。\n\n为了建好这一个图书室村干部们跑了很多地方"),
            "{out}"
        );
        // Trap: a heading as short, followed by an indented first line, is
        // still a paragraph of its own.
        let out = fix(&column(
            "家都说如今日子越过越好。\n山区孩子的新图书室\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("越过越好。\n\n山区孩子的新图书室\n\n村里建起了"),
            "{out}"
        );
    }

    #[test]
    fn photo_credit_stays_with_its_caption() {
        let out = fix(&column(
            "家都说如今日子越过越好。\n（王小明摄）\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("越过越好。（王小明摄）\n\n村里建起了"),
            "{out}"
        );
    }

    #[test]
    fn closing_credits_and_their_traps() {
        use super::closing_credit;
        let yes = [
            ("产线上操作。（王雷摄）", None),
            ("漂流瓶。《新华社记者张明摄)", None),
            ("营。〈戴浩摄)", None),
            ("(宋连峰摄)  ，", None),
            ("产线上操作。（王雷摄", None),
            ("者张悦摄", Some("上新世纪第一天的《人民日报》（本报记")),
            ("谢谢大家。（新华社北京1月1日电）", None),
            ("之间公路的畅通。（据新华社电）", None),
            ("满怀豪情迈入新世纪（附图片8张）", None),
            ("世纪爱情 (图片)", None),
            ("授信额度近百亿元。（缪腮旺）", None),
            ("兴)       、", Some("内优秀的制药企业。 (李建")),
            ("的规定办理。（全文另发）", None),
        ];
        for (line, before) in yes {
            assert!(closing_credit(line, before).is_some(), "{line}");
        }
        let no = [
            ("村的发电量也翻番（含风电）", None),
            ("这是一次成功的（拍摄）", None),
            ("妇女在耶路撒冷举行集会（图", None),
            ("满怀豪情迈入新世纪（附图片8张", None),
            ("第一条（一）", None),
            ("他的作品（王雷，摄）", None),
            ("者张悦摄", Some("他说（这里，那里")),
            ("者张悦摄", Some("（本报记者）图为")),
            // After a sentence end: an item's number, a note with marks.
            ("需要退出现役的；”（二）", None),
            ("工作的。（二）", None),
            ("他说。（笑声，掌声）", None),
            // Not after a sentence end: a name in brackets within prose.
            ("来到了中国（北京）", None),
        ];
        for (line, before) in no {
            assert!(closing_credit(line, before).is_none(), "{line}");
        }
    }

    #[test]
    fn caption_titles_with_a_photo_note() {
        use super::caption_title;
        assert!(caption_title("世纪爱情 (图片)"));
        assert!(caption_title("迎接新世纪的来临（图片）"));
        // Credits and notes after a sentence are no titles.
        assert!(!caption_title("车间里作业。（宋连峰摄）"));
        assert!(!caption_title("（图片）"));
        assert!(!caption_title("节日里，人们在街头（图片）"));
        // The second line of a title that wrapped is a title line too, but
        // the break goes before its first line: the one before is no
        // paragraph end.
        let out = fix(&column(
            "家都说如今日子越过越好。\n以辛勤的劳动和汗水迎接新\n世纪（图片）\n村里建起了一座新的图\n",
        ));
        assert!(
            out.contains("\n\n以辛勤的劳动和汗水迎接新世纪（图片）\n\n村里"),
            "{out}"
        );
    }

    #[test]
    fn specks_before_a_news_lead_do_not_continue_the_line_before() {
        let input = "县国税局征管考核力度大\n\n:本报讯河南省封丘县国\n税局严格落实责任追究制，\n使目标考核驶入快车道。\n";
        let out = fix(input);
        assert!(
            out.starts_with("县国税局征管考核力度大\n\n:本报讯"),
            "{out}"
        );
        let out = fix(&column(
            "家都说如今日子越过越好，\n:本报讯村里建起了一座新的图\n",
        ));
        assert!(out.contains("越过越好，\n\n:本报讯村里"), "{out}");
    }

    #[test]
    fn plain_text_without_columns_is_kept() {
        let input = "第一行是一个完整的句子。\n第二行也是。\n\nHello world,\nthis is English.\n";
        assert_eq!(fix(input), input);
    }
}
