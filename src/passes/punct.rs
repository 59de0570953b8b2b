//! Half-width punctuation inside Chinese text.
//!
//! OCR engines trained on mixed text emit ASCII punctuation where the paper
//! printed the full-width Chinese form: Tesseract writes `: ; ? ! ( )` almost
//! always and straight quotes now and then, and reads specks of ink as `.`;
//! RapidOCR reads `。` as `·` at times. This pass restores the Chinese form
//! where the characters around the mark are Chinese, and only there:
//! `正月初八,张店区召开"新春第一会"` → `正月初八，张店区召开“新春第一会”`.
//!
//! The context is local: the nearest characters on either side of the mark
//! (skipping spaces, emphasis markers and quotes), never the whole file, so a
//! Latin sentence or a file name inside a Chinese paragraph keeps its marks.
//! Numbers (`10.4`, `9,593`, `10:30`, `2023.1.30`), URLs, e-mail addresses,
//! inline code and Markdown syntax are protected spans or are skipped here.
//!
//! Straight quotes are opened and closed by their neighbours (a quote after
//! a space or a colon opens, one before a comma or a line end closes) and by
//! alternation across the paragraph; where OCR lost a quote, the guesses it
//! makes uncertain are only suggested. Brackets are converted as a pair.
//!
//! A `.` is the least certain mark: on scanned pages most `.` between Chinese
//! characters are specks, not sentence ends (they split words: `建.设`). A `.`
//! becomes `。` at a paragraph end or before a closing quote; between two Han
//! that make a word (`建.设`), inside a paragraph with full-width
//! punctuation, it is removed (between two words it may be a misread mark or
//! character, and stays; the dots at printed line edges `reflow` removes
//! when it joins the lines); in a paragraph that ends its sentences with
//! `.` it becomes `。`; elsewhere it stays. Tesseract sets the `:` and `;` it reads tight against the
//! character before: one after a gap or at a line start is as often a speck
//! or a misread character, so its full-width form is only suggested (and
//! `spaces` keeps the gap). A `·` is a legitimate middle dot in foreign
//! names (`阿卜杜拉·巴达维`), so it becomes `。` only where a name cannot be:
//! at a paragraph end; inside a paragraph it stays. `%` and `/` stay half-width: their width is a style
//! choice.

use super::{word_across, Options, Pass, RuleInfo};
use crate::chars::is_inline_space as is_space;
use crate::chars::{is_alnum, is_cjk, is_cjk_punct, is_han, is_transliteration};
use crate::document::{Document, LineKind};
use crate::edit::{Edit, EditKind};
use crate::lexicon::Lexicon;
use crate::rules::Rules;
use anyhow::Result;
use std::ops::Range;
use std::sync::Arc;

pub const ID: &str = "punct";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "comma",
        about: "',' after Chinese text (or between a number or Latin word and Chinese) becomes '，'; numbers such as 9,593 are kept.",
    },
    RuleInfo {
        id: "period",
        about: "'.' after a Chinese character becomes '。' at a paragraph end, before a closing quote, or anywhere in a paragraph that ends its sentences with '.'; so does a '·' that ends a paragraph (a name never does), that comes before a word opening a clause (`问题·但`), or that follows a lexicon word closing a clause of four or more characters with no transliteration characters around it (`进行了侦察·二十一日`).",
    },

    RuleInfo {
        id: "colon",
        about: "':' after Chinese text becomes '：'; times such as 10:30 and URLs are kept. One after a gap (`总 :`) or starting a line is only suggested: it may be a speck.",
    },
    RuleInfo {
        id: "semicolon",
        about: "';' after Chinese text becomes '；'; HTML entities are kept. One after a gap or starting a line is only suggested, as for ':'.",
    },
    RuleInfo {
        id: "exclamation",
        about: "'!' after Chinese text becomes '！'; Markdown images ('![') are kept.",
    },
    RuleInfo {
        id: "question",
        about: "'?' after Chinese text becomes '？'.",
    },
    RuleInfo {
        id: "parens",
        about: "'(' ')' around Chinese text, or around a term right after Chinese text, become '（' '）' as a pair; an unpaired ')' after Chinese text (or '(' before it) too, with its opening bracket where OCR misread it as 〈 《 【 〔 (found on the line before any clause mark but '、').",
    },
    RuleInfo {
        id: "ellipsis",
        about: "Runs of '...', '…' or a mix of dots and '…' in Chinese text become '……'; a lone '…' only right after a Han character (not at a line start or after a quote).",
    },
    RuleInfo {
        id: "quotes",
        about: "Straight quotes in Chinese text become “ ” and ‘ ’ (or 「 」 and 『 』 with --quotes corner), opened and closed by their neighbours and by pairing across the paragraph.",
    },
    RuleInfo {
        id: "stray-mark",
        about: "Removes marks OCR read twice or from specks: a ',' next to a full-width clause mark (，,), the second of two ASCII marks (;:), a ':' or ';' next to its own full-width form or before a sentence end (`阶段:。`), a '.' or '·' next to a clause mark or starting a line (also before a bracketed item: `. (一)`), a '.' that splits a word inside a paragraph with full-width punctuation (建.设), a double quote inside a common word (`正义事“业`), and an unclosed bracket-like opener right before a '（' (`《〈附图片)`, `【(觉果摄)`): one bracket read twice.",
    },
];

/// How quotation marks are written in Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuoteStyle {
    /// “ ” and ‘ ’ (mainland usage; the default).
    #[default]
    Curly,
    /// 「 」 and 『 』 (Taiwan, Hong Kong, Japan).
    Corner,
}

impl QuoteStyle {
    /// Opening and closing mark for double (`single == false`) or single quotes.
    fn marks(self, single: bool) -> (char, char) {
        match (self, single) {
            (QuoteStyle::Curly, false) => ('“', '”'),
            (QuoteStyle::Curly, true) => ('‘', '’'),
            (QuoteStyle::Corner, false) => ('「', '」'),
            (QuoteStyle::Corner, true) => ('『', '』'),
        }
    }
}

/// The pass. `quote_style`, when set, overrides [`Options::quote_style`];
/// `lexicon`, when set, replaces the built-in one (it tells a word that
/// ends before a misread `·` from a transliterated name).
#[derive(Clone, Default)]
pub struct Punct {
    pub quote_style: Option<QuoteStyle>,
    pub lexicon: Option<Arc<Lexicon>>,
}

impl std::fmt::Debug for Punct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Punct")
            .field("quote_style", &self.quote_style)
            .field("lexicon", &self.lexicon.as_ref().map(|l| l.len()))
            .finish()
    }
}

impl Punct {
    pub fn with_quote_style(style: QuoteStyle) -> Self {
        Punct {
            quote_style: Some(style),
            lexicon: None,
        }
    }

    fn lexicon(&self) -> &Lexicon {
        match &self.lexicon {
            Some(lexicon) => lexicon,
            None => Lexicon::embedded(),
        }
    }
}

pub fn build(rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(Punct {
        quote_style: None,
        lexicon: Some(rules.lexicon()?),
    }))
}

// ---------------------------------------------------------------------------
// Character classes.

/// Markdown emphasis markers: `**赵志斌**,` still has Chinese before the comma.
fn is_emph(c: char) -> bool {
    matches!(c, '*' | '_' | '~')
}

fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』'
    )
}

/// Where the search for a neighbour stops: a line end or a table cell border.
fn is_boundary(c: char) -> bool {
    matches!(c, '\n' | '|')
}

/// Chinese: a Han character or a full-width mark that only Chinese text uses.
/// Curly quotes, dashes, `…` and `·` are shared with Western text and do not
/// make a context Chinese on their own.
fn is_zh(c: char) -> bool {
    is_han(c) || (is_cjk_punct(c) && !matches!(c, '“' | '”' | '‘' | '’' | '·' | '—' | '…' | '•'))
}

/// Full-width marks that end a clause or a sentence.
fn is_full_clause(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '；' | '：' | '！' | '？')
}

fn is_ascii_clause(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '!' | '?')
}

fn is_dotlike(c: char) -> bool {
    matches!(c, '.' | '…' | '·')
}

fn is_sentence_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '…')
}

/// A digit, a Latin letter or a unit sign that ends a number (`50%`, `3℃`).
fn is_alnumish(c: char) -> bool {
    is_alnum(c) || matches!(c, '%' | '％' | '‰' | '℃')
}

fn full_form(c: char) -> Option<(char, &'static str)> {
    Some(match c {
        ',' => ('，', "comma"),
        ':' => ('：', "colon"),
        ';' => ('；', "semicolon"),
        '!' => ('！', "exclamation"),
        '?' => ('？', "question"),
        _ => return None,
    })
}

fn shown(c: Option<char>) -> String {
    match c {
        Some(c) => format!("'{c}'"),
        None => "the line edge".to_string(),
    }
}

// ---------------------------------------------------------------------------
// A unit of text: a paragraph (consecutive text lines of a block), a heading,
// or the content of one list item, quote or table line.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
}

/// What to do with the characters `start..end` (indices into the unit).
#[derive(Debug, Clone)]
struct Action {
    end: usize,
    replacement: String,
    rule: &'static str,
    confidence: f32,
    reason: Reason,
    /// Whether spaces between this mark and its neighbours go: full-width
    /// marks carry their own spacing. `None`: only next to Chinese.
    eat_spaces: Option<bool>,
}

/// Why an action is taken. A removed mark's reason is only written out when
/// it becomes an edit: a run of a million specks makes one edit, not a
/// million strings.
#[derive(Debug, Clone)]
enum Reason {
    Text(String),
    Stray {
        c: char,
        l: Option<char>,
        r: Option<char>,
        why: &'static str,
    },
}

impl From<String> for Reason {
    fn from(s: String) -> Self {
        Reason::Text(s)
    }
}

impl Reason {
    /// Reasons of marks that read the same to a reviewer: one text, or
    /// specks removed for one cause.
    fn alike(&self, other: &Reason) -> bool {
        match (self, other) {
            (Reason::Text(a), Reason::Text(b)) => a == b,
            (Reason::Stray { why: a, .. }, Reason::Stray { why: b, .. }) => a == b,
            _ => false,
        }
    }

    fn render(&self) -> String {
        match self {
            Reason::Text(s) => s.clone(),
            Reason::Stray { c, l, r, why } => {
                format!("'{c}' between {} and {} {why}", shown(*l), shown(*r))
            }
        }
    }
}

/// One stretch of text judged together (consecutive text lines, a heading,
/// or a markup line's body).
///
/// Invariant (index safety of this file): every per-character vector has
/// `cs.len()` cells, and every index stored in one (`prev_*`, `next_*`,
/// `skip_*`) is an index of `cs`. The decisions below take a character index
/// `i < cs.len()` (and a run end `end <= cs.len()`, with `i < end`) from the
/// loops of `run_unit`, `dot_runs`, `parens` and `quotes` over `cs`, and step
/// to `i - 1` only after `checked_sub` or a `> 0` test.
struct Unit<'a> {
    doc: &'a Document<'a>,
    cs: Vec<(usize, char)>,
    /// End byte of the unit (for the byte range of the last character).
    end_byte: usize,
    /// Nearest character on the same line, skipping spaces and emphasis.
    prev_imm: Vec<Option<usize>>,
    next_imm: Vec<Option<usize>>,
    /// The same, also skipping quotes and ASCII parentheses: the text the
    /// mark belongs to.
    prev_ctx: Vec<Option<usize>>,
    next_ctx: Vec<Option<usize>>,
    /// Per character: does its line end a paragraph (last line of the unit,
    /// or longer than a newspaper column, so not a printed column line)?
    para_end_line: Vec<bool>,
    /// The unit has full-width punctuation: the engine (or writer) sets
    /// Chinese marks full-width here, so a '.' between two Han is no '。'.
    full_style: bool,
    /// The unit writes its sentence ends as '.': it ends in one after a Han
    /// character and has no '。！？'.
    dot_style: bool,
    quote_role: Vec<Option<Role>>,
    /// Marks this pass turns into their full-width form, or removes.
    widened: Vec<bool>,
    gone: Vec<bool>,
    /// Per character: itself, or when it is a dot or a removed mark, the
    /// nearest character that is neither, looking left (`skip_l`) or right
    /// (`skip_r`) along `prev_imm`/`next_imm`. Tables, so that a long run
    /// of marks costs linear time, not a walk per mark.
    skip_l: Vec<Option<usize>>,
    skip_r: Vec<Option<usize>>,
}

/// Guesses the pass itself doubts are only suggested, whatever
/// `--min-confidence` says.
const SUGGEST_BELOW: f32 = 0.5;

/// Printed lines of a newspaper column hold at most about 20 characters; a
/// longer line is a paragraph of its own (or a soft-wrapped one).
const COLUMN_CHARS: usize = 24;

impl<'a> Unit<'a> {
    fn new(doc: &'a Document<'a>, range: Range<usize>) -> Self {
        // slice: `range` is a run of whole lines of `doc`, or a line from
        // past its ASCII markup prefix (see `Punct::run`); the scans index
        // `cs` and their outputs by `i < n`, and `cs[i + 1..]` is reached
        // only when `i + 1 < n`.
        let cs: Vec<(usize, char)> = doc.text[range.clone()]
            .char_indices()
            .map(|(i, c)| (range.start + i, c))
            .collect();
        let n = cs.len();
        // Both tables of one direction in one sweep: `imm` skips spaces and
        // emphasis, `ctx` also quotes and parentheses; a boundary clears both.
        type Near = Vec<Option<usize>>;
        fn scan(cs: &[(usize, char)], order: impl Iterator<Item = usize>) -> (Near, Near) {
            let n = cs.len();
            let (mut imm, mut ctx) = (vec![None; n], vec![None; n]);
            let (mut last_imm, mut last_ctx): (Option<usize>, Option<usize>) = (None, None);
            for i in order {
                imm[i] = last_imm;
                ctx[i] = last_ctx;
                let c = cs[i].1;
                if is_boundary(c) {
                    (last_imm, last_ctx) = (None, None);
                } else if !(is_space(c) || is_emph(c)) {
                    last_imm = Some(i);
                    if !(is_quote_char(c) || matches!(c, '(' | ')' | '（' | '）')) {
                        last_ctx = Some(i);
                    }
                }
            }
            (imm, ctx)
        }
        let (prev_imm, prev_ctx) = scan(&cs, 0..n);
        let (next_imm, next_ctx) = scan(&cs, (0..n).rev());

        let mut para_end_line = vec![false; n];
        let mut start = 0;
        for i in 0..=n {
            if i == n || cs[i].1 == '\n' {
                let long = i - start > COLUMN_CHARS;
                let last = i >= n.saturating_sub(1) || cs[i + 1..].iter().all(|&(_, c)| c == '\n');
                for flag in &mut para_end_line[start..i.min(n)] {
                    *flag = long || last;
                }
                start = i + 1;
            }
        }
        let full_style = cs.iter().any(|&(_, c)| is_full_clause(c));
        let last_sig = (0..n)
            .rev()
            .find(|&i| !is_space(cs[i].1) && cs[i].1 != '\n');
        let dot_style = !cs.iter().any(|&(_, c)| matches!(c, '。' | '！' | '？'))
            && last_sig
                .is_some_and(|i| cs[i].1 == '.' && prev_imm[i].is_some_and(|p| is_han(cs[p].1)));
        let mut u = Unit {
            doc,
            end_byte: range.end,
            cs,
            prev_imm,
            next_imm,
            prev_ctx,
            next_ctx,
            para_end_line,
            full_style,
            dot_style,
            quote_role: vec![None; n],
            widened: vec![false; n],
            gone: vec![false; n],
            skip_l: vec![None; n],
            skip_r: vec![None; n],
        };
        for i in 0..n {
            u.settle_left(i);
        }
        u.settle_right();
        u
    }

    fn skippable(&self, j: usize) -> bool {
        matches!(self.cs[j].1, '.' | '·') || self.gone[j]
    }

    /// Computes `skip_l[i]`; entries left of `i` must be current.
    fn settle_left(&mut self, i: usize) {
        self.skip_l[i] = if self.skippable(i) {
            self.prev_imm[i].and_then(|p| self.skip_l[p])
        } else {
            Some(i)
        };
    }

    /// Computes all of `skip_r` from the right.
    fn settle_right(&mut self) {
        for i in (0..self.cs.len()).rev() {
            self.skip_r[i] = if self.skippable(i) {
                self.next_imm[i].and_then(|p| self.skip_r[p])
            } else {
                Some(i)
            };
        }
    }

    /// From `i`, the nearest character on the line that is not a `.` or `·`
    /// nor a mark already removed (looking left or right).
    fn skip_dots(&self, i: Option<usize>, left: bool) -> Option<usize> {
        let table = if left { &self.skip_l } else { &self.skip_r };
        i.and_then(|j| table[j])
    }

    /// The neighbours of a bracket or quote, past dots that go as specks.
    fn left(&self, i: usize) -> Option<usize> {
        self.skip_dots(self.prev_imm[i], true)
    }

    fn right(&self, i: usize) -> Option<usize> {
        self.skip_dots(self.next_imm[i], false)
    }

    /// Chinese at `i`, counting the marks this pass makes full-width.
    fn zh_at(&self, i: Option<usize>) -> bool {
        i.is_some_and(|i| is_zh(self.cs[i].1) || self.widened[i])
    }

    fn ch(&self, i: Option<usize>) -> Option<char> {
        i.map(|i| self.cs[i].1)
    }

    fn byte_end(&self, i: usize) -> usize {
        self.cs.get(i).map_or(self.end_byte, |&(b, _)| b)
    }

    fn bytes(&self, r: Range<usize>) -> Range<usize> {
        // index: `r.start < cs.len()` (see `Unit`); `r.end` may be the end.
        self.cs[r.start].0..self.byte_end(r.end)
    }

    fn protected(&self, r: Range<usize>) -> bool {
        self.doc.is_protected(&self.bytes(r))
    }

    /// The raw neighbour (no skipping); `None` at a line edge.
    fn raw_prev(&self, i: usize) -> Option<char> {
        i.checked_sub(1)
            .map(|j| self.cs[j].1)
            .filter(|&c| !is_boundary(c))
    }

    fn raw_next(&self, i: usize) -> Option<char> {
        self.cs
            .get(i + 1)
            .map(|&(_, c)| c)
            .filter(|&c| !is_boundary(c))
    }

    fn has_han(&self, r: Range<usize>) -> bool {
        self.cs[r].iter().any(|&(_, c)| is_han(c))
    }

    /// A closing quote, by glyph or by the role pairing gave it.
    fn is_closing_quote(&self, i: usize) -> bool {
        matches!(self.cs[i].1, '”' | '’' | '」' | '』') || self.quote_role[i] == Some(Role::Close)
    }
}

// ---------------------------------------------------------------------------
// Decisions per mark.

impl Punct {
    /// `,` `:` `;` (and `!` `?`) that are not Markdown, HTML or a URL.
    fn clause_candidate(&self, u: &Unit, i: usize) -> Option<(char, char, &'static str)> {
        let c = u.cs[i].1;
        let (full, rule) = full_form(c)?;
        let (raw_p, raw_n) = (u.raw_prev(i), u.raw_next(i));
        // Markdown image `![`, HTML `<!--`, an entity `&nbsp;`, a scheme `a://`.
        if (c == '!' && raw_n == Some('['))
            || (matches!(c, '!' | '?') && raw_p == Some('<'))
            || (c == ';' && ends_entity(u, i))
            || (c == ':' && raw_n == Some('/'))
            || u.protected(i..i + 1)
        {
            return None;
        }
        Some((c, full, rule))
    }

    /// Two readings of one mark. The engines write '，' full-width, so a
    /// ',' beside a full-width mark is the extra one; Tesseract writes '：；'
    /// as ASCII, so beside a '，' or '。' it is the '，' that is in doubt and
    /// the ':' is converted as usual. Of two ASCII marks in a row (`;:`,
    /// `!:`) the first is kept. Runs left to right before any conversion, so
    /// a removed mark is not the context of another.
    fn twin_mark(&self, u: &Unit, i: usize) -> Option<Action> {
        let (c, full, _) = self.clause_candidate(u, i)?;
        // Dots between two clause marks are specks that go (see `dot`).
        let (l, r) = (
            u.ch(u.skip_dots(u.prev_imm[i], true)),
            u.ch(u.skip_dots(u.next_imm[i], false)),
        );
        let twin = match c {
            ',' => {
                l.is_some_and(|l| is_full_clause(l) || is_ascii_clause(l))
                    || r.is_some_and(is_full_clause)
            }
            // Before a sentence end (`阶段:。`) it is the stop's speck: a
            // colon or semicolon never ends a sentence.
            ':' | ';' => {
                l.is_some_and(is_ascii_clause)
                    || [l, r].contains(&Some(full))
                    || r.is_some_and(|r| matches!(r, '。' | '！' | '？'))
            }
            // '！？' and '?!' are marks of their own.
            _ => false,
        };
        twin.then(|| {
            stray(
                i,
                c,
                l,
                r,
                0.8,
                "next to another clause mark: a second reading of one mark",
            )
        })
    }

    fn clause_mark(&self, u: &Unit, i: usize) -> Option<Action> {
        let (c, full, rule) = self.clause_candidate(u, i)?;
        let (li, ri) = (u.prev_imm[i], u.next_imm[i]);
        let (lci, rci) = (
            u.skip_dots(u.prev_ctx[i], true),
            u.skip_dots(u.next_ctx[i], false),
        );
        let (lc, rc) = (u.ch(lci), u.ch(rci));
        // Marks are decided left to right: `中??` is Chinese for both.
        let (confidence, reason) = match (lc, rc) {
            (Some(_), _) if u.zh_at(lci) => (0.95, None),
            // `APP,扫码`, `100,其中`: a Chinese clause follows at once.
            (Some(a), Some(b)) if (is_alnumish(a) || a == ')') && is_zh(b) && ri == Some(i + 1) => {
                (0.85, None)
            }
            // A line starting with the mark: printed Chinese never does (a
            // mark hangs at the end of the line before), so OCR read a speck
            // or a character there. The mark would belong to the Chinese
            // text after it, but it is only suggested.
            (None, Some(b)) if is_zh(b) && u.skip_dots(li, true).is_none() => (
                0.45,
                Some(format!(
                    "'{c}' starts a line before {}: a mark never starts a printed line, so it may be a speck or a misread character",
                    shown(rc)
                )),
            ),
            _ => return None,
        };
        // Tesseract sets the ':' and ';' it reads tight against the
        // character before; one after a gap is a speck as often as not (or a
        // misread character), so it is only suggested.
        let (confidence, reason) = match reason {
            None if matches!(c, ':' | ';') && u.raw_prev(i).is_some_and(is_space) => (
                0.45,
                format!(
                    "'{c}' after {} and a gap in Chinese text: a mark set apart from the text may be a speck",
                    shown(lc)
                ),
            ),
            None => (
                confidence,
                format!(
                    "'{c}' between {} and {} in Chinese text",
                    shown(lc),
                    shown(rc)
                ),
            ),
            Some(why) => (confidence, why),
        };
        Some(Action {
            end: i + 1,
            replacement: full.to_string(),
            rule,
            confidence,
            reason: Reason::from(reason),
            eat_spaces: Some(true),
        })
    }

    /// A `.` or `..` run (`i..end`, maybe with a space: `. .`) that is not
    /// an ellipsis.
    fn dot(&self, u: &Unit, i: usize, end: usize, mid: bool) -> Option<Action> {
        let text: String = u.cs[i..end].iter().map(|&(_, c)| c).collect();
        let (li, ri) = (u.prev_imm[i], u.next_imm[end - 1]);
        let (l, r) = (u.ch(li), u.ch(ri));
        let clause = |c: Option<char>| c.is_some_and(|c| is_full_clause(c) || is_ascii_clause(c));
        if (clause(l) && !r.is_some_and(is_alnum)) || (clause(r) && !l.is_some_and(is_alnum)) {
            return Some(Action {
                end,
                ..stray(
                    i,
                    '.',
                    l,
                    r,
                    0.8,
                    "next to a clause mark: a speck read as a dot",
                )
            });
        }
        // The text the dot would end: look through closing quotes and parens.
        let mut k = li;
        while let Some(j) = k {
            if u.is_closing_quote(j) || matches!(u.cs[j].1, ')' | '）') {
                k = u.prev_imm[j];
            } else {
                break;
            }
        }
        let Some(k) = k else {
            // A line that starts with a dot: printed Chinese never does.
            // Before an opening bracket or quote, the Chinese text inside
            // decides (`. (一) 选拔`).
            let opener =
                r.is_some_and(|c| matches!(c, '(' | '（' | '"' | '“' | '〈' | '《' | '【'));
            let inside = u.ch(u.skip_dots(u.next_ctx[end - 1], false));
            if r.is_some_and(is_han) || (opener && inside.is_some_and(is_han)) {
                return Some(Action {
                    end,
                    ..stray(
                        i,
                        '.',
                        l,
                        r,
                        0.7,
                        "at a line start in Chinese text: a speck read as a dot",
                    )
                });
            }
            return None;
        };
        let lc = u.cs[k].1;
        if Some(k) != li && is_sentence_stop(lc) {
            return Some(Action {
                end,
                ..stray(
                    i,
                    '.',
                    l,
                    r,
                    0.8,
                    "after a sentence that already ended: a speck read as a dot",
                )
            });
        }
        if !is_han(lc) {
            return None;
        }
        let period = |conf: f32, why: &str| Action {
            end,
            replacement: "。".into(),
            rule: "period",
            confidence: conf,
            reason: Reason::from(format!("'{text}' after '{lc}' {why} in Chinese text")),
            eat_spaces: Some(true),
        };
        match ri {
            None if u.para_end_line[i] => Some(period(0.9, "at a paragraph end")),
            Some(j) if u.is_closing_quote(j) => Some(period(0.85, "before a closing quote")),
            Some(j) if mid && is_han(u.cs[j].1) => {
                if u.dot_style {
                    Some(period(
                        0.75,
                        "in a paragraph that ends its sentences with '.'",
                    ))
                } else if u.full_style && (Some(k) != li || self.splits_word(lc, u.cs[j].1)) {
                    Some(Action {
                        end,
                        ..stray(
                            i,
                            '.',
                            l,
                            r,
                            0.7,
                            "inside a word, in a paragraph with full-width punctuation: a speck read as a dot",
                        )
                    })
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Whether the Han characters `a` and `b` on either side of a dot make
    /// a common word (`建.设`, `以.上`): then the dot is a speck inside it.
    /// Between two words it is as often a misread '。', '，' or '、', or a
    /// character the OCR could not read (`重点.条`), and stays. (Dots at the
    /// edge of a printed line are specks wherever they stand: reflow removes
    /// them when it joins the lines.)
    fn splits_word(&self, a: char, b: char) -> bool {
        let mut w = [0u8; 8];
        let n = a.encode_utf8(&mut w).len();
        let m = b.encode_utf8(&mut w[n..]).len();
        std::str::from_utf8(&w[..n + m])
            .ok()
            .and_then(|word| self.lexicon().freq(word))
            .is_some_and(|f| f >= 100)
    }

    /// A middle dot `·`: a name separator, a misread `。`, or a speck.
    fn middle_dot(&self, u: &Unit, i: usize) -> Option<Action> {
        let (li, ri) = (u.prev_imm[i], u.next_imm[i]);
        let (l, r) = (u.ch(li), u.ch(ri));
        let clause = |c: Option<char>| c.is_some_and(|c| is_full_clause(c) || is_ascii_clause(c));
        if clause(l) || clause(r) {
            return Some(stray(
                i,
                '·',
                l,
                r,
                0.75,
                "next to a clause mark: a speck read as a dot",
            ));
        }
        if ri.is_none() && u.para_end_line[i] && l.is_some_and(is_han) {
            return Some(Action {
                end: i + 1,
                replacement: "。".into(),
                rule: "period",
                confidence: 0.8,
                reason: Reason::from(format!(
                    "'·' after {} at a paragraph end in Chinese text: a misread '。' (a name never ends there)",
                    shown(l)
                )),
                eat_spaces: Some(true),
            });
        }
        // Between two Han, before a word that opens a clause (`问题·但`,
        // `发言·他说`): RapidOCR's reading of a small '。'. Transliterated
        // names never continue with these words (but 但丁, Dante, does).
        if l.is_some_and(is_han) {
            if let Some(ri) = ri {
                let next: String = u.cs[ri..].iter().take(3).map(|&(_, c)| c).collect();
                if let Some(w) = clause_opener(&next) {
                    return Some(Action {
                        end: i + 1,
                        replacement: "。".into(),
                        rule: "period",
                        confidence: 0.7,
                        reason: Reason::from(format!(
                            "'·' after {} before '{w}', which opens a clause: a misread '。' (a name does not go on with '{w}')",
                            shown(l)
                        )),
                        eat_spaces: Some(true),
                    });
                }
                return self.dot_after_word(u, li, i, ri);
            }
        }
        None
    }

    /// A `·` right after a word between two stretches of Chinese prose
    /// (`进行了侦察·二十一日`): RapidOCR's reading of a small `。`. (Where a
    /// `、` was meant, in a list, the `。` is still wrong; the clause of four
    /// or more characters makes that rare.) Names keep their dot: on either side of a name's
    /// dot stand transliteration characters (`菲德尔·卡斯特罗`, `司马义·艾买提`),
    /// or no word ends before it (`吐逊江·热介甫`); place pairs (`中国·淄博`)
    /// stand in short segments. Needs, before the dot, a word of the lexicon
    /// closing a clause of at least four characters.
    fn dot_after_word(&self, u: &Unit, li: Option<usize>, i: usize, ri: usize) -> Option<Action> {
        let r = u.cs[ri].1;
        if !(is_han(r) || matches!(r, '“' | '”' | '（')) {
            return None;
        }
        // The Han characters of the clause before the dot, nearest first
        // (enough of them to tell a clause), and the mark that opens it.
        let mut left: Vec<char> = Vec::new();
        let mut opener = None;
        let mut j = li;
        while let (Some(k), true) = (j, left.len() < 16) {
            let c = u.cs[k].1;
            if is_han(c) {
                left.push(c);
            } else if !matches!(c, '“' | '”' | '《' | '》') {
                opener = Some(c);
                break;
            }
            j = u.prev_imm[k];
        }
        if left.len() < 4 {
            return None;
        }
        // A clause of eight or more characters is prose; a shorter one only
        // after a list or a sentence end (`身体健康、阖家幸福·李瑞环说`): a
        // short one after a comma or at a paragraph start may be a place pair
        // in a name (`第三届中国·淄博陶博会`), so the fix is only suggested.
        let sure = left.len() >= 8 || matches!(opener, Some('、' | '。' | '！' | '？' | '·'));
        let right: Vec<char> = std::iter::successors(Some(ri), |&k| u.next_imm[k])
            .map(|k| u.cs[k].1)
            .take(4)
            .filter(|&c| is_han(c))
            .take(2)
            .collect();
        let near = left.iter().take(2).chain(right.iter().take(2));
        if near.filter(|&&c| is_transliteration(c)).count() >= 2 {
            return None;
        }
        let lex = self.lexicon();
        let word: Option<String> = (2..=4.min(left.len())).rev().find_map(|n| {
            let w: String = left[..n].iter().rev().collect();
            lex.freq(&w).is_some_and(|f| f >= 20).then_some(w)
        });
        let word = word?;
        Some(Action {
            end: i + 1,
            replacement: "。".into(),
            rule: "period",
            confidence: if sure { 0.6 } else { 0.4 },
            reason: Reason::from(if sure {
                format!("'·' after the word {word}, closing a clause of eight or more characters (or one after a list or sentence end), with no transliteration characters around: a misread '。'")
            } else {
                format!("'·' after the word {word}, closing a short clause after a comma or at a paragraph start: a misread '。', or the dot of a place pair such as 中国·淄博")
            }),
            eat_spaces: Some(true),
        })
    }

    /// A run `i..end` of `.`, `…`, `·` (`run`: the marks without spaces).
    /// Returns `None` for runs that are not ellipses.
    fn ellipsis(&self, u: &Unit, i: usize, end: usize, run: &str) -> Option<Action> {
        let len = run.chars().count();
        let ells = run.chars().filter(|&c| c == '…').count();
        let dots = run.chars().filter(|&c| c == '.').count();
        let is_ellipsis = if ells == len {
            len % 2 == 1 // '…' alone; '……' is right, and even runs are whole ellipses
        } else {
            (ells >= 1 && len >= 2) || (len >= 3 && dots >= 1)
        };
        if !is_ellipsis || u.protected(i..end) {
            return None;
        }
        let lc = u.ch(u.prev_ctx[i]);
        let chinese = match lc {
            Some(a) => u.zh_at(u.prev_ctx[i]) || a == '…',
            None => u.zh_at(u.next_ctx[end - 1]),
        };
        // A lone '…' is half an ellipsis only where it trails off the text
        // right before it (`武…十个`); at a line start or after a quote it is
        // as likely a speck or a misread character.
        let half = len == 1 && !u.ch(u.prev_imm[i]).is_some_and(is_han);
        if !chinese || half {
            return None;
        }
        Some(Action {
            end,
            replacement: "……".into(),
            rule: "ellipsis",
            confidence: 0.9,
            reason: Reason::from(format!("'{run}' after {} in Chinese text", shown(lc))),
            eat_spaces: Some(true),
        })
    }

    /// Decides the ASCII brackets of a unit. A bracket made full-width is
    /// Chinese context for its neighbours (`记者 ((((`, `提效率))((`), so the
    /// decisions are repeated until none is added: a second run of the pass
    /// then finds nothing new. Decisions only ever add, so this ends; a
    /// sweep in text order settles chains running left to right in one go.
    fn parens(&self, u: &Unit, actions: &mut [Option<Action>]) {
        let mut stack: Vec<usize> = Vec::new();
        let mut pairs = Vec::new();
        let mut lone = Vec::new();
        for (i, &(_, c)) in u.cs.iter().enumerate() {
            match c {
                '(' | '（' => stack.push(i),
                ')' | '）' => match stack.pop() {
                    Some(o) => pairs.push((o, i)),
                    None => lone.push(i),
                },
                _ => {}
            }
        }
        lone.extend(stack);
        // Pairs by opening position, lone brackets by position: text order.
        pairs.sort_unstable();
        lone.sort_unstable();
        let paren = |i: usize, conf: f32, reason: String| {
            let full = if matches!(u.cs[i].1, '(' | '〈' | '《' | '【' | '〔') {
                "（"
            } else {
                "）"
            };
            Action {
                end: i + 1,
                replacement: full.into(),
                rule: "parens",
                confidence: conf,
                reason: reason.into(),
                eat_spaces: None,
            }
        };
        // Brackets this function made full-width so far.
        let mut made = vec![false; u.cs.len()];
        let mut pair_done = vec![false; pairs.len()];
        let mut lone_done = vec![false; lone.len()];
        let zh = |made: &[bool], k: Option<usize>| u.zh_at(k) || k.is_some_and(|k| made[k]);
        loop {
            let mut added = false;
            for (p, &(o, c)) in pairs.iter().enumerate() {
                if pair_done[p] || u.protected(o..o + 1) || u.protected(c..c + 1) {
                    continue;
                }
                let before = u.ch(u.left(o));
                let conf = if u.has_han(o + 1..c) {
                    0.9
                } else if zh(&made, u.left(o)) || (before.is_none() && zh(&made, u.right(c))) {
                    0.8
                } else {
                    continue;
                };
                pair_done[p] = true;
                added = true;
                let inner: String = u.cs[o + 1..c].iter().map(|&(_, ch)| ch).take(12).collect();
                let reason = format!("'(' … ')' around '{inner}' in Chinese text");
                for k in [o, c] {
                    if u.cs[k].1.is_ascii() {
                        made[k] = true;
                        actions[k] = Some(paren(k, conf, reason.clone()));
                    }
                }
            }
            for (q, &i) in lone.iter().enumerate() {
                let c = u.cs[i].1;
                if lone_done[q] || !c.is_ascii() || u.protected(i..i + 1) {
                    continue;
                }
                if c == ')' {
                    if !zh(&made, u.left(i)) {
                        continue;
                    }
                    if let Some(o) = misread_opener(u, i) {
                        let r = format!(
                            "'{}' … ')' in Chinese text: an opening '（' misread as '{}'",
                            u.cs[o].1, u.cs[o].1
                        );
                        made[o] = true;
                        actions[o] = Some(paren(o, 0.75, r.clone()));
                        actions[i] = Some(paren(i, 0.75, r));
                    } else {
                        let l = u.ch(u.left(i));
                        let reason = format!("unpaired ')' after {} in Chinese text", shown(l));
                        actions[i] = Some(paren(i, 0.7, reason));
                    }
                } else {
                    let r = u.ch(u.right(i));
                    let l = u.ch(u.left(i));
                    if !(zh(&made, u.left(i)) || (r.is_some_and(is_han) && l.is_none())) {
                        continue;
                    }
                    let reason = format!("unpaired '(' before {} in Chinese text", shown(r));
                    actions[i] = Some(paren(i, 0.7, reason));
                }
                made[i] = true;
                lone_done[q] = true;
                added = true;
            }
            if !added {
                break;
            }
        }
        // One '（' read twice (`《〈附图片)`, `【(觉果摄)`, `〈(左一)`): a
        // bracket-like opener right before the one made '（', that nothing
        // closes, is the engine's second reading of the same mark.
        for o in 0..u.cs.len() {
            let opens = actions[o]
                .as_ref()
                .is_some_and(|a| a.rule == "parens" && a.replacement == "（");
            let Some(p) = o.checked_sub(1) else { continue };
            if !opens || actions[p].is_some() || u.protected(p..p + 1) {
                continue;
            }
            let c = u.cs[p].1;
            let closer = match c {
                '〈' => '〉',
                '《' => '》',
                '【' => '】',
                '〔' => '〕',
                '(' => ')',
                _ => continue,
            };
            // Closed: its closer comes before another opener of its kind.
            // index: `o < cs.len()` (the loop), so `o + 1 <= cs.len()`.
            let closed = if c == '(' {
                pairs.iter().any(|&(a, _)| a == p)
            } else {
                u.cs[o + 1..]
                    .iter()
                    .map(|&(_, ch)| ch)
                    .find(|&ch| ch == closer || ch == c)
                    == Some(closer)
            };
            if closed {
                continue;
            }
            let (l, r) = (u.ch(u.prev_imm[p]), Some('（'));
            actions[p] = Some(stray(
                p,
                c,
                l,
                r,
                0.75,
                "right before the '（' it stands for: one opening bracket read twice",
            ));
        }
    }

    /// A double quote tight between two Han characters that make a common
    /// word, each of which stands alone on its side (`正义事“业`, `解“放军`,
    /// `注“册手续`): no quotation opens or closes inside a word, so it is a
    /// speck the OCR read as a quote. Quotes at word boundaries
    /// (`和平”原则`, `散发“明白纸”`) are left to the pairing.
    fn quotes_in_words(&self, u: &mut Unit, actions: &mut [Option<Action>]) {
        for (i, slot) in actions.iter_mut().enumerate().skip(1) {
            let c = u.cs[i].1;
            if !matches!(c, '"' | '“' | '”') || slot.is_some() || u.protected(i..i + 1) {
                continue;
            }
            let (Some(l), Some(r)) = (u.raw_prev(i), u.raw_next(i)) else {
                continue;
            };
            if !(is_han(l) && is_han(r)) {
                continue;
            }
            // index: `i >= 1` (the loop) and `i + 1 < cs.len()` (`raw_next`).
            let before: String = u.cs[i.saturating_sub(8)..i]
                .iter()
                .map(|&(_, c)| c)
                .collect();
            let after: String = u.cs[i + 1..].iter().take(8).map(|&(_, c)| c).collect();
            if word_across(self.lexicon(), &before, &after).is_some() {
                *slot = Some(stray(
                    i,
                    c,
                    Some(l),
                    Some(r),
                    0.7,
                    "inside a common word: a speck read as a quote",
                ));
                u.gone[i] = true;
            }
        }
    }

    /// Gives every straight quote of one kind a role, then converts the
    /// quotes of pairs in Chinese context.
    fn quotes(
        &self,
        u: &mut Unit,
        single: bool,
        style: QuoteStyle,
        actions: &mut [Option<Action>],
    ) {
        let (open_mark, close_mark) = style.marks(single);
        let ascii = if single { '\'' } else { '"' };
        // (index, fixed role from the glyph, evidence for a straight quote)
        let mut seq: Vec<(usize, Option<Role>)> = Vec::new();
        for (i, &(_, c)) in u.cs.iter().enumerate() {
            let fixed = match (c, single) {
                ('“' | '「', false) | ('‘' | '『', true) => Some(Role::Open),
                ('”' | '」', false) | ('’' | '』', true) => Some(Role::Close),
                _ if c == ascii => None,
                _ => continue,
            };
            if u.protected(i..i + 1) || u.gone[i] {
                continue;
            }
            // A degree sign: `9"C` (a misread ℃).
            if !single
                && fixed.is_none()
                && u.raw_prev(i).is_some_and(|p| p.is_ascii_digit())
                && u.raw_next(i).is_some_and(|n| n.is_ascii_alphabetic())
            {
                continue;
            }
            if single && fixed.is_none() {
                // An apostrophe inside a word: don't, Rust's.
                let (p, n) = (u.raw_prev(i), u.raw_next(i));
                if p.is_some_and(|p| p.is_ascii_alphanumeric())
                    && n.is_some_and(|n| n.is_ascii_alphabetic())
                {
                    continue;
                }
            }
            seq.push((i, fixed));
        }
        if !seq.iter().any(|&(_, f)| f.is_none()) && style == QuoteStyle::Curly {
            return;
        }
        let evidence: Vec<Option<Role>> = seq
            .iter()
            .map(|&(i, fixed)| fixed.or_else(|| quote_evidence(u, i)))
            .collect();
        let idx: Vec<usize> = seq.iter().map(|&(i, _)| i).collect();
        let (roles, suspect_q, uncertain) = assign_roles(u, &idx, &evidence);
        let mut suspect = vec![false; u.cs.len()];
        for (k, &i) in idx.iter().enumerate() {
            u.quote_role[i] = Some(roles[k]);
            suspect[i] = suspect_q[k];
        }
        let roles: Vec<(usize, Role, bool)> = (0..idx.len())
            .map(|k| (idx[k], roles[k], evidence[k].is_some()))
            .collect();
        // Pair each opening quote with the next closing one.
        let mut k = 0;
        while k < roles.len() {
            let (i, role, ev) = roles[k];
            let partner = (role == Role::Open)
                .then(|| roles.get(k + 1))
                .flatten()
                .filter(|n| n.1 == Role::Close)
                .map(|n| n.0);
            let members: Vec<usize> = match partner {
                Some(j) => vec![i, j],
                None => vec![i],
            };
            k += members.len();
            let zh_near = |m: usize| [u.left(m), u.right(m)].into_iter().any(|x| u.zh_at(x));
            let conf = match partner {
                Some(j) if u.has_han(i + 1..j) || zh_near(i) || zh_near(j) => {
                    if uncertain {
                        0.7
                    } else {
                        0.9
                    }
                }
                // Unpaired: only a double quote, with its direction from its
                // neighbours, next to Chinese.
                None if !single && ev && zh_near(i) => 0.6,
                _ => continue,
            };
            for m in members {
                let c = u.cs[m].1;
                let role = u.quote_role[m].unwrap_or(Role::Open);
                let want = if role == Role::Open {
                    open_mark
                } else {
                    close_mark
                };
                if c == want {
                    continue;
                }
                // Curly style keeps corner brackets a writer chose.
                if style == QuoteStyle::Curly && !c.is_ascii() {
                    continue;
                }
                let side = if role == Role::Open {
                    "opens"
                } else {
                    "closes"
                };
                let near = if role == Role::Open {
                    format!("before {}", shown(u.ch(u.next_imm[m])))
                } else {
                    format!("after {}", shown(u.ch(u.prev_imm[m])))
                };
                actions[m] = Some(Action {
                    end: m + 1,
                    replacement: want.to_string(),
                    rule: "quotes",
                    confidence: if suspect[m] { 0.4 } else { conf },
                    reason: if suspect[m] {
                        format!("'{c}' may open or close a quotation {near}: a quote nearby was lost, so its direction is a guess").into()
                    } else {
                        format!("'{c}' {side} a quotation {near} in Chinese text").into()
                    },
                    eat_spaces: None,
                });
            }
        }
    }

    /// A run `i..end` of dots, `…` and `·`. `mid`: also judge a '.'
    /// between two Han characters.
    fn dot_run(&self, u: &Unit, i: usize, end: usize, mid: bool) -> Option<Action> {
        let marks: String = u.cs[i..end]
            .iter()
            .map(|&(_, c)| c)
            .filter(|&c| is_dotlike(c))
            .collect();
        let count = marks.chars().count();
        if u.protected(i..end) {
            return None;
        }
        if let Some(a) = self.ellipsis(u, i, end, &marks) {
            return Some(a);
        }
        if count == 1 && u.cs[i].1 == '·' {
            return self.middle_dot(u, i);
        }
        if count <= 2 && marks.chars().all(|c| c == '.') {
            return self.dot(u, i, end, mid);
        }
        None
    }

    fn run_unit(&self, u: &mut Unit, style: QuoteStyle, edits: &mut Vec<Edit>) {
        if !u.cs.iter().any(|&(_, c)| is_han(c)) {
            return; // text with no Chinese is never touched
        }
        let n = u.cs.len();
        let mut actions: Vec<Option<Action>> = vec![None; n];
        // Clause marks first: they depend on nothing else, and a quote or a
        // bracket next to one that becomes full-width is next to Chinese
        // (so a second run finds nothing new to do).
        // Left to right, each decision seen by the next: the skip table on
        // the left is brought up to date at every step; on the right no
        // mark is gone yet, so it is settled once afterwards.
        for (i, slot) in actions.iter_mut().enumerate() {
            if let Some(a) = self.twin_mark(u, i) {
                u.gone[i] = true;
                *slot = Some(a);
            }
            u.settle_left(i);
        }
        u.settle_right();
        for (i, slot) in actions.iter_mut().enumerate() {
            if slot.is_none() {
                if let Some(a) = self.clause_mark(u, i) {
                    u.widened[i] = true;
                    *slot = Some(a);
                }
            }
        }
        u.full_style |= u.widened.iter().any(|&w| w);
        self.parens(u, &mut actions);
        for (i, a) in actions.iter().enumerate() {
            if a.as_ref().is_some_and(|a| a.rule == "parens") {
                u.widened[i] = true;
            }
        }
        self.quotes_in_words(u, &mut actions);
        self.quotes(u, false, style, &mut actions);
        self.quotes(u, true, style, &mut actions);
        // Dots in two rounds: a '.' between two Han is judged by the marks
        // of its paragraph, including the '。' the first round writes.
        let runs = dot_runs(u);
        for &(i, end) in &runs {
            actions[i] = self.dot_run(u, i, end, false);
        }
        u.full_style |= actions
            .iter()
            .flatten()
            .any(|a| a.replacement.chars().any(is_full_clause));
        for &(i, end) in &runs {
            if actions[i].is_none() {
                actions[i] = self.dot_run(u, i, end, true);
            }
        }
        emit(u, &actions, edits);
    }
}

/// Runs of `.`, `…`, `·`, also with spaces between them (`. .`), as
/// `(start, end)` indices.
fn dot_runs(u: &Unit) -> Vec<(usize, usize)> {
    let n = u.cs.len();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_dotlike(u.cs[i].1) {
            i += 1;
            continue;
        }
        let (mut end, mut j) = (i + 1, i + 1);
        while j < n && (is_dotlike(u.cs[j].1) || u.cs[j].1 == ' ') {
            j += 1;
            if is_dotlike(u.cs[j - 1].1) {
                end = j;
            }
        }
        runs.push((i, end));
        i = end;
    }
    runs
}

fn stray(
    i: usize,
    c: char,
    l: Option<char>,
    r: Option<char>,
    conf: f32,
    why: &'static str,
) -> Action {
    Action {
        end: i + 1,
        replacement: String::new(),
        rule: "stray-mark",
        confidence: conf,
        reason: Reason::Stray { c, l, r, why },
        eat_spaces: Some(true),
    }
}

/// Roles for the quotes at `idx` (one kind, in order) whose `evidence` is
/// known for some. Between two quotes with evidence (sync points) the others
/// alternate. When the alternation cannot reach the next sync point, one
/// quote was lost (OCR drops quotes) somewhere in between: the split that
/// keeps clause marks out of the quoted spans wins (quoted terms are short;
/// `“城市愿景，聚焦开展”` is less likely than `“创新提升年”`), and quotes
/// whose role differs between equally good splits are marked suspect.
/// Returns the roles, the suspect flags, and whether anything was lost.
fn assign_roles(
    u: &Unit,
    idx: &[usize],
    evidence: &[Option<Role>],
) -> (Vec<Role>, Vec<bool>, bool) {
    // index: `roles`, `suspect` and `evidence` have one cell per quote
    // (`n`), and `seg + j < k <= n`, `k < n` where tested; `idx` holds
    // indices of `u.cs`, so `a + 1` and `b` index `clauses` (`cs.len() + 1`
    // cells).
    let n = idx.len();
    let mut roles = vec![Role::Open; n];
    let mut suspect = vec![false; n];
    let mut lost = false;
    // Clause marks before each character, to test a span in O(1).
    let mut clauses = Vec::with_capacity(u.cs.len() + 1);
    clauses.push(0usize);
    for &(_, c) in &u.cs {
        let add = usize::from(is_full_clause(c) || is_ascii_clause(c));
        clauses.push(clauses.last().copied().unwrap_or(0) + add);
    }
    let has_clause = |a: usize, b: usize| clauses[b] > clauses[a + 1];
    let flip = |r: Role| {
        if r == Role::Open {
            Role::Close
        } else {
            Role::Open
        }
    };
    let mut inside = false;
    let mut seg = 0;
    for k in 0..=n {
        if k < n && evidence[k].is_none() {
            continue;
        }
        // Guesses seg..k; the state before the sync point k is required.
        let m = k - seg;
        let want_inside = k < n && evidence[k] == Some(Role::Close);
        let forward = |j: usize| {
            if (inside as usize + j) % 2 == 0 {
                Role::Open
            } else {
                Role::Close
            }
        };
        if (inside ^ (m % 2 == 1)) == want_inside || m == 0 {
            lost |= (inside ^ (m % 2 == 1)) != want_inside;
            for j in 0..m {
                roles[seg + j] = forward(j);
            }
        } else {
            lost = true;
            // Backward from the sync point: the last guess opens if the
            // state before the sync point is inside.
            let backward = |j: usize| {
                let last = if want_inside { Role::Open } else { Role::Close };
                if (m - 1 - j) % 2 == 0 {
                    last
                } else {
                    flip(last)
                }
            };
            let cost = |p: usize| {
                // Roles of the sync before, the guesses, the sync after.
                let mut list: Vec<(usize, Role)> = Vec::with_capacity(m + 2);
                if seg > 0 {
                    list.push((idx[seg - 1], roles[seg - 1]));
                }
                for j in 0..m {
                    list.push((idx[seg + j], if j < p { forward(j) } else { backward(j) }));
                }
                if k < n {
                    list.push((idx[k], evidence[k].unwrap_or(Role::Open)));
                }
                list.windows(2)
                    .filter(|w| {
                        w[0].1 == Role::Open && w[1].1 == Role::Close && has_clause(w[0].0, w[1].0)
                    })
                    .count()
            };
            if m > 64 {
                // Too many places to put the lost quote: all guesses.
                for j in 0..m {
                    roles[seg + j] = forward(j);
                    suspect[seg + j] = true;
                }
            } else {
                let costs: Vec<usize> = (0..=m).map(cost).collect();
                let best = costs.iter().copied().min().unwrap_or(0);
                let ties: Vec<usize> = (0..=m).filter(|&p| costs[p] == best).collect();
                let first = ties.first().copied().unwrap_or(0);
                for j in 0..m {
                    let role_at = |p: usize| if j < p { forward(j) } else { backward(j) };
                    roles[seg + j] = role_at(first);
                    suspect[seg + j] = ties.iter().any(|&p| role_at(p) != role_at(first));
                }
            }
        }
        if k < n {
            roles[k] = evidence[k].unwrap_or(Role::Open);
            inside = roles[k] == Role::Open;
        }
        seg = k + 1;
    }
    (roles, suspect, lost)
}

/// `&nbsp;`, `&#160;`: the `;` closes an HTML entity.
fn ends_entity(u: &Unit, i: usize) -> bool {
    let mut j = i;
    for _ in 0..10 {
        let Some(k) = j.checked_sub(1) else {
            return false;
        };
        let c = u.cs[k].1;
        if c == '&' {
            return k + 1 < i;
        }
        if !(c.is_ascii_alphanumeric() || c == '#') {
            return false;
        }
        j = k;
    }
    false
}

/// For an unpaired `)`: an unclosed `〈 《 【 〔` shortly before it on the
/// line, which Tesseract reads for `（` (`〈图片)`).
fn misread_opener(u: &Unit, close: usize) -> Option<usize> {
    let mut j = close;
    for _ in 0..20 {
        j = j.checked_sub(1)?;
        match u.cs[j].1 {
            '〈' | '《' | '【' | '〔' => return Some(j),
            '(' | '（' | ')' | '）' | '〉' | '》' | '】' | '〕' | '\n' | '|' => return None,
            // A list inside the note (`〈记者李超碧、晏明)`) goes on; a clause
            // mark ends the search.
            c if is_full_clause(c) && c != '、' => return None,
            _ => {}
        }
    }
    None
}

/// Direction of a straight quote from its immediate neighbours: a quote
/// after a space, a line start, an opening bracket or a colon opens; one
/// before a space, a line end or a clause mark closes. In printed Chinese an
/// opening quote never ends a line and a closing one never starts it.
fn quote_evidence(u: &Unit, i: usize) -> Option<Role> {
    let (p, n) = (u.raw_prev(i), u.raw_next(i));
    let opens = match p {
        None => true,
        Some(p) => {
            is_space(p)
                || matches!(
                    p,
                    '(' | '（'
                        | '['
                        | '《'
                        | '【'
                        | '「'
                        | '『'
                        | '〈'
                        | '：'
                        | ':'
                        | '—'
                        | '“'
                        | '‘'
                        // An enumeration comma ends no quotation: `、"城市愿景`.
                        | '、'
                )
        }
    };
    let closes = match n {
        None => true,
        Some(n) => {
            is_space(n)
                || is_full_clause(n)
                || is_ascii_clause(n)
                || matches!(
                    n,
                    '.' | ')' | '）' | '》' | '」' | '』' | '〉' | '—' | '…' | '”' | '’'
                )
        }
    };
    match (opens, closes) {
        (true, false) => Some(Role::Open),
        (false, true) => Some(Role::Close),
        _ => None,
    }
}

/// Turns actions into edits. A space run between a mark and its neighbour
/// goes with the mark when the mark is full-width sentence punctuation (or
/// is deleted), or when the neighbour is Chinese; it is claimed by the mark
/// on its left first, so two edits never share it. Indentation and trailing
/// spaces (a Markdown hard break) stay.
fn emit(u: &Unit, actions: &[Option<Action>], edits: &mut Vec<Edit>) {
    let n = u.cs.len();
    let space_run_left = |i: usize| {
        let mut s = i;
        while s > 0 && is_space(u.cs[s - 1].1) {
            s -= 1;
        }
        s
    };
    let space_run_right = |e: usize| {
        let mut t = e;
        while t < n && is_space(u.cs[t].1) {
            t += 1;
        }
        t
    };
    let eats = |a: &Action, other: Option<char>| match a.eat_spaces {
        Some(b) => b,
        None => other.is_some_and(is_cjk),
    };
    // Which action covers each character (actions span `i..end`).
    let mut owner: Vec<Option<usize>> = vec![None; n];
    for (i, a) in actions.iter().enumerate() {
        if let Some(a) = a {
            for o in &mut owner[i..a.end.min(n)] {
                *o = Some(i);
            }
        }
    }
    // Edits of the current run of alike edits (the last `run_len` pushed
    // were merged into the last edit); 0 before the first edit of the unit.
    let mut run_len = 0usize;
    let mut run_reason: Option<&Reason> = None;
    let mut i = 0;
    while i < n {
        let Some(a) = &actions[i] else {
            i += 1;
            continue;
        };
        let mut start = i;
        let mut end = a.end;
        // Spaces on the left, unless the mark before claimed them.
        let s = space_run_left(i);
        if s < i && s > 0 && !is_boundary(u.cs[s - 1].1) {
            let before = u.cs[s - 1].1;
            let claimed = owner[s - 1]
                .and_then(|o| actions[o].as_ref())
                .is_some_and(|b| eats(b, Some(u.cs[i].1)));
            if !claimed && eats(a, Some(before)) {
                start = s;
            }
        }
        let t = space_run_right(end);
        if t > end && t < n && !is_boundary(u.cs[t].1) && eats(a, Some(u.cs[t].1)) {
            end = t;
        }
        let range = u.bytes(start..end);
        if !u.doc.is_protected(&range) {
            let kind = if a.confidence < SUGGEST_BELOW {
                EditKind::Suggestion
            } else {
                EditKind::Fix
            };
            // A run of marks fixed alike by one rule (`,,,,` removed, `((((`
            // widened) is one edit: a reviewer reads it once, and a line of
            // a million marks costs one edit, not a million.
            match edits.last_mut() {
                Some(p)
                    if run_len > 0
                        && p.range.end == range.start
                        && p.rule == a.rule
                        && p.kind == kind
                        && p.confidence == a.confidence
                        && run_reason.is_some_and(|r| r.alike(&a.reason)) =>
                {
                    p.range.end = range.end;
                    p.replacement.push_str(&a.replacement);
                    run_len += 1;
                }
                _ => {
                    close_run(edits, run_len);
                    let mut e = Edit::fix(
                        range,
                        a.replacement.clone(),
                        ID,
                        a.rule,
                        a.confidence,
                        a.reason.render(),
                    );
                    e.kind = kind;
                    edits.push(e);
                    run_len = 1;
                    run_reason = Some(&a.reason);
                }
            }
        }
        i = a.end;
    }
    close_run(edits, run_len);
}

/// Says in the last edit's reason how many marks its run merged.
fn close_run(edits: &mut [Edit], run_len: usize) {
    if let (true, Some(e)) = (run_len > 1, edits.last_mut()) {
        e.reason
            .push_str(&format!(" (and {} more alike right after)", run_len - 1));
    }
}

/// Length in bytes of a Markdown list / quote marker at the start of `line`
/// (after indentation), or `None` when the line is markup to leave alone
/// entirely (HTML, images, rules).
fn markup_prefix(line: &str) -> Option<usize> {
    // slice: `indent` and `k` only move past whitespace trimmed from the
    // start and ASCII markers / digits just matched.
    let indent = line.len() - line.trim_start().len();
    let t = &line[indent..];
    if t.starts_with('<') || t.starts_with("![") || t.starts_with("---") || t.starts_with("===") {
        return None;
    }
    let mut k = 0;
    loop {
        let rest = &t[k..];
        if let Some(r) = ["> ", "- ", "* ", "+ "]
            .iter()
            .find(|m| rest.starts_with(**m))
        {
            k += r.len();
            continue;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=3).contains(&digits) && rest[digits..].starts_with(". ") {
            k += digits + 2;
            continue;
        }
        break;
    }
    Some(indent + k)
}

impl Pass for Punct {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Restores full-width punctuation (，。：；！？（）……“”) where OCR wrote ASCII marks inside Chinese text, judged from the characters around each mark."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, opts: &Options) -> Vec<Edit> {
        let style = self.quote_style.unwrap_or(opts.quote_style);
        let mut edits = Vec::new();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        let mut text_run: Option<Range<usize>> = None;
        for line in &doc.lines {
            if line.kind == LineKind::Text {
                text_run = Some(match text_run {
                    Some(r) => r.start..line.range.end,
                    None => line.range.clone(),
                });
                continue;
            }
            ranges.extend(text_run.take());
            match line.kind {
                LineKind::Heading => ranges.push(line.range.clone()),
                LineKind::Markup => {
                    // slice: a line range of `doc` (see `Document`).
                    let body = &doc.text[line.range.clone()];
                    if let Some(k) = markup_prefix(body) {
                        ranges.push(line.range.start + k..line.range.end);
                    }
                }
                _ => {}
            }
        }
        ranges.extend(text_run);
        for r in ranges {
            if r.is_empty() {
                continue;
            }
            let mut u = Unit::new(doc, r);
            self.run_unit(&mut u, style, &mut edits);
        }
        list_item_colons(doc, &mut edits);
        edits
    }
}

/// A '：' right before a list item other than the first (`…毕业生：（三）由…`)
/// ends the previous item: in Chinese that is '；' (RapidOCR reads '；' as
/// '：'). Before `（一）` a colon introduces the list and stays. The item may
/// start a new paragraph.
fn list_item_colons(doc: &Document, edits: &mut Vec<Edit>) {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(\p{Han})：[“\s]*[（(]([二三四五六七八九十]{1,3})[）)]")
            .expect("static regex is valid")
    });
    for m in re.captures_iter(doc.text) {
        let (Some(han), Some(item)) = (m.get(1), m.get(2)) else {
            continue;
        };
        let at = han.end();
        let in_text = doc
            .lines
            .iter()
            .find(|l| l.range.contains(&at))
            .is_some_and(|l| l.kind == LineKind::Text);
        if !in_text {
            continue;
        }
        edits.push(Edit::fix(
            at..at + '：'.len_utf8(),
            "；",
            ID,
            "semicolon",
            0.75,
            format!(
                "'：' before the list item （{}）: the item before it ends with '；'",
                item.as_str()
            ),
        ));
    }
}

/// Words that open a clause and never continue a transliterated name:
/// pronouns, conjunctions and sentence adverbs. Longest first.
const CLAUSE_OPENERS: &[&str] = &[
    "事实上",
    "他们",
    "她们",
    "我们",
    "因此",
    "由于",
    "为了",
    "过去",
    "当前",
    "通过",
    "同时",
    "此外",
    "目前",
    "其中",
    "面对",
    "随后",
    "此前",
    "然而",
    "所以",
    "于是",
    "另外",
    "不过",
    "因为",
    "虽然",
    "如果",
    "对于",
    "这些",
    "这是",
    "他",
    "她",
    "但",
    "该",
    "这",
    "此",
    "祝",
];

/// The clause opener `text` starts with, if any (`但丁` is a name).
fn clause_opener(text: &str) -> Option<&'static str> {
    let w = CLAUSE_OPENERS.iter().find(|w| text.starts_with(**w))?;
    (!text.starts_with("但丁")).then_some(*w)
}

#[cfg(test)]
mod tests {
    use super::QuoteStyle;
    use crate::passes::{Options, Selection};
    use crate::pipeline::Pipeline;
    use crate::rules::Rules;

    fn fix_with(s: &str, style: QuoteStyle) -> String {
        let sel = Selection {
            only: vec![super::ID.into()],
            skip: vec![],
        };
        let opts = Options {
            quote_style: style,
            ..Options::default()
        };
        Pipeline::new(Rules::builtin().expect("built-in rules load"), &sel, opts)
            .expect("pipeline builds")
            .run(s)
            .output
    }

    fn fix(s: &str) -> String {
        fix_with(s, QuoteStyle::Curly)
    }

    #[test]
    fn table() {
        let cases = [
            // An unpaired straight quote after 、 opens (the sample page's
            // loop damage left its partner out).
            (
                "聚为是区、\"城市愿景，聚焦开展",
                "聚为是区、“城市愿景，聚焦开展",
            ),
            // comma, colon, semicolon, exclamation, question
            ("正月初八,张店区召开", "正月初八，张店区召开"),
            ("会议指出:要提升; 要争先", "会议指出：要提升；要争先"),
            ("发出了动员令!创新提升", "发出了动员令！创新提升"),
            ("如何发挥优势?在城市", "如何发挥优势？在城市"),
            ("扫描APP,查看视频", "扫描APP，查看视频"),
            ("**赵志斌** ,记者", "**赵志斌**，记者"),
            // period: paragraph end, before a closing quote, specks
            ("色列军队打死.", "色列军队打死。"),
            ("他说：“走吧.”", "他说：“走吧。”"),
            ("现代化建.设第三步。", "现代化建设第三步。"),
            ("意义的一年。.在中国", "意义的一年。在中国"),
            ("今天很好.我们去公园.", "今天很好。我们去公园。"),
            ("建.设第三步", "建.设第三步"),
            // Inside a paragraph a dot between two Han goes only inside a
            // word; between words it may be a misread mark or character.
            (
                "有90%以.上的企业，都已关停。",
                "有90%以上的企业，都已关停。",
            ),
            ("把握重点.条实，乘势前进。", "把握重点.条实，乘势前进。"),
            ("（二）.担任中级职务，", "（二）担任中级职务，"),
            // middle dot
            ("阿卜杜拉·巴达维会见。", "阿卜杜拉·巴达维会见。"),
            (
                "完成了升旗仪式。\n\n升旗仪式·",
                "完成了升旗仪式。\n\n升旗仪式。",
            ),
            ("守国门，·担负着", "守国门，担负着"),
            // ellipsis
            ("动员大会...会上", "动员大会……会上"),
            ("武…十个", "武……十个"),
            ("谁知.…·..”听了", "谁知……”听了"),
            ("等待……然后", "等待……然后"),
            // parens
            ("(以下简称实施方案),表彰", "（以下简称实施方案），表彰"),
            ("国内生产总值(GDP)增长", "国内生产总值（GDP）增长"),
            ("世纪 〈图片)", "世纪（图片）"),
            ("岁；人三) 担任", "岁；人三）担任"),
            // A list inside the note does not end the search for its opener;
            // a clause mark does.
            (
                "电〈记者李超碧、晏明)柬埔寨",
                "电（记者李超碧、晏明）柬埔寨",
            ),
            ("他说〈好，走吧)", "他说〈好，走吧）"),
            ("call f(x) now", "call f(x) now"),
            // One opening bracket read twice: the unclosed first reading goes.
            ("会议《〈附图片)举行", "会议（附图片）举行"),
            ("学生〈(左一)正与", "学生（左一）正与"),
            ("电【〈记者孙占林)俄", "电（记者孙占林）俄"),
            // ... but a book title that closes is no second reading.
            ("见《〈论语〉注》(上)", "见《〈论语〉注》（上）"),
            ("他说《(一)》好", "他说《（一）》好"),
            // A dot starting a line before a bracketed Chinese item.
            ("来源：\n. (一) 选拔士兵", "来源：\n（一）选拔士兵"),
            ("来源：\n. (a) test", "来源：\n. (a) test"),
            // A ':' or ';' after a gap, or starting a line: only suggested.
            ("解放军总 :\n政治部", "解放军总 :\n政治部"),
            ("进行为期\n:天的表演", "进行为期\n:天的表演"),
            ("年龄 ;最多", "年龄 ;最多"),
            // Before a sentence end: the stop's speck.
            ("新的发展阶段:。面对", "新的发展阶段。面对"),
            ("比分是3:2。", "比分是3:2。"),
            // A lone '…' after a quote or at a line start stays.
            ("在澳门“…\n“小时", "在澳门“…\n“小时"),
            ("… 费改税", "… 费改税"),
            // quotes
            (
                "召开\"新春第一会\"——\"三提三争\"活动",
                "召开“新春第一会”——“三提三争”活动",
            ),
            ("扫描\"鲁中晨报\"APP二维码", "扫描“鲁中晨报”APP二维码"),
            (
                "\"我们将紧紧围绕 '3510'发展目标和'强富美优'城市愿景。\"张店",
                "“我们将紧紧围绕‘3510’发展目标和‘强富美优’城市愿景。”张店",
            ),
            (
                "## \"十个大比武\"推进\"九大提升\"",
                "## “十个大比武”推进“九大提升”",
            ),
            ("他说 \"Rust's\" 很好", "他说“Rust's”很好"),
            // A quote inside a common word is a speck; at a word boundary,
            // a quote.
            ("站在人类正义事“业的一边。", "站在人类正义事业的一边。"),
            ("办理车辆登记注\"册手续", "办理车辆登记注册手续"),
            ("坚持土地换和平”原则。", "坚持土地换和平”原则。"),
            ("给农民散发“明白纸”等", "给农民散发“明白纸”等"),
            // never touched
            (
                "面积10.4平方公里，9,593户，10:30开会",
                "面积10.4平方公里，9,593户，10:30开会",
            ),
            (
                "2023.1.30 见 report.pdf 和 No.1，e.g. 这个",
                "2023.1.30 见 report.pdf 和 No.1，e.g. 这个",
            ),
            (
                "见 https://example.com/a?b=1,c 或 a@b.cn。",
                "见 https://example.com/a?b=1,c 或 a@b.cn。",
            ),
            (
                "He said: \"Hello, world.\" OK?",
                "He said: \"Hello, world.\" OK?",
            ),
            (
                "中文。He said: \"Hi, there.\" Then left.",
                "中文。He said: \"Hi, there.\" Then left.",
            ),
            ("- 第一项\n1. 第二项", "- 第一项\n1. 第二项"),
            (
                "见[链接](https://a.cn/x)和![图](a.png)",
                "见[链接](https://a.cn/x)和![图](a.png)",
            ),
            ("`a, b` 中文", "`a, b` 中文"),
            ("&nbsp;中文", "&nbsp;中文"),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter(|(input, want)| fix(input) != *want)
            .map(|(input, want)| format!("{input:?}\n  got:  {:?}\n  want: {want:?}", fix(input)))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn corner_quotes() {
        assert_eq!(
            fix_with("召开\"新春第一会\"，“三提三争”", QuoteStyle::Corner),
            "召开「新春第一会」，「三提三争」"
        );
        assert_eq!(
            fix_with("围绕'3510'目标", QuoteStyle::Corner),
            "围绕『3510』目标"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Words with one mark (or none) between them: a second run finds
        /// nothing to do.
        #[test]
        fn idempotent_on_words(
            s in "(([中文张店区召开]{1,4}|[a-z0-9]{1,3})( ?[,.:;!?()\"'“”·…。，、\n]? ?)){0,20}"
        ) {
            let once = fix(&s);
            proptest::prop_assert_eq!(fix(&once), once);
        }

        /// Any soup of marks: never a panic, and the text stays valid.
        #[test]
        fn never_panics(s in "[中文张店区召开a-zA-Z0-9 ,.:;!?()\"'“”·…。，、\n*#|&-]{0,80}") {
            let _ = fix(&s);
        }
    }
}
