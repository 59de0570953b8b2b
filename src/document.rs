//! The document model every pass reads: the text, its lines and blocks
//! (runs of non-blank lines), what kind each line is, and the spans no pass
//! may edit.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// What a line is, as far as structure goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Empty or only whitespace: separates blocks.
    Blank,
    /// A Markdown ATX heading (`## …`).
    Heading,
    /// Inside a fenced code block, or the fence itself.
    Code,
    /// A Markdown table row, list item, block quote or HTML line: never
    /// reflowed.
    Markup,
    /// Ordinary text.
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Bytes of the line, without its `\n`.
    pub range: Range<usize>,
    pub kind: LineKind,
}

/// A run of consecutive non-blank lines (indices into `Document::lines`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub lines: Range<usize>,
}

/// Invariant (established by [`Document::parse`], relied on by the passes,
/// which index with these directly): every `lines[i].range` lies inside
/// `text` on character boundaries (lines are split at `\n`), and every
/// `blocks[b].lines` is a range of indices into `lines`. A `Document` built by
/// hand must keep it.
#[derive(Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub lines: Vec<Line>,
    pub blocks: Vec<Block>,
    /// Sorted, non-overlapping byte ranges that no edit may touch.
    pub protected: Vec<Range<usize>>,
}

fn protect_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"`[^`\n]+`",                                      // inline code
            r"|\[[^\]\n]*\]\([^)\s]*\)",                       // Markdown links
            r"|<https?://[^>\s]+>",                            // autolinks
            r"|(?:https?|ftp)://[^\s，。、；：！？“”（）<>]+", // URLs
            r"|www\.[A-Za-z0-9.-]+[^\s，。、；：！？“”（）<>]*",
            r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", // e-mail
            r"|\d+(?:[.,:：/]\d+)+", // 10.4, 9,593, 10:30, 2023.1.30, 1/2
            r"|\*\*|__",             // emphasis markers
            r"|<[A-Za-z/][^>\n]*>",  // HTML tags
        ))
        .expect("static regex is valid")
    })
}

fn heading_marker(line: &str) -> Option<usize> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), Some(b' ') | None) {
        Some(hashes)
    } else {
        None
    }
}

fn is_markup(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('|')
        || t.starts_with("> ")
        || t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("+ ")
        || t.starts_with('<')
        || t.starts_with("![")
        || t.starts_with("---")
        || t.starts_with("===")
        || ordered_item(t)
}

/// True when `t` opens with an ordered-list marker: one to three ASCII
/// digits and `. ` (the first `. ` of the line, since a digit is no `.`).
/// Only the line's first bytes are read.
fn ordered_item(t: &str) -> bool {
    let digits = t.bytes().take(4).take_while(u8::is_ascii_digit).count();
    // slice: `digits` ASCII bytes from the start are a character boundary.
    (1..=3).contains(&digits) && t[digits..].starts_with(". ")
}

impl<'a> Document<'a> {
    pub fn parse(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut protected = Vec::new();
        let mut pos = 0;
        let mut in_fence = false;
        for raw in text.split_inclusive('\n') {
            let body = raw.strip_suffix('\n').unwrap_or(raw);
            let range = pos..pos + body.len();
            let trimmed = body.trim_start();
            let kind = if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
                LineKind::Code
            } else if in_fence {
                LineKind::Code
            } else if body.trim().is_empty() {
                LineKind::Blank
            } else if let Some(n) = heading_marker(body) {
                protected.push(pos..pos + n + usize::from(body.len() > n));
                LineKind::Heading
            } else if is_markup(body) {
                LineKind::Markup
            } else {
                LineKind::Text
            };
            if kind == LineKind::Code {
                protected.push(range.clone());
            }
            lines.push(Line { range, kind });
            pos += raw.len();
        }
        for m in protect_regex().find_iter(text) {
            protected.push(m.range());
        }
        protected.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(protected.len());
        for r in protected {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut blocks = Vec::new();
        let mut start = None;
        for (i, l) in lines.iter().enumerate() {
            match (l.kind == LineKind::Blank, start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    blocks.push(Block { lines: s..i });
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            blocks.push(Block {
                lines: s..lines.len(),
            });
        }
        Document {
            text,
            lines,
            blocks,
            protected: merged,
        }
    }

    /// The text of line `i`, without its newline.
    /// `i < self.lines.len()` is the caller's contract, as for slice indexing.
    pub fn line(&self, i: usize) -> &'a str {
        // slice: see the invariant on `Document`.
        &self.text[self.lines[i].range.clone()]
    }

    /// True when `r` shares a byte with a protected span, or is an insertion
    /// point strictly inside one.
    pub fn is_protected(&self, r: &Range<usize>) -> bool {
        let i = self.protected.partition_point(|p| p.end <= r.start);
        self.protected.get(i).is_some_and(|p| {
            if r.is_empty() {
                p.start < r.start && r.start < p.end
            } else {
                p.start < r.end
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_blocks_and_kinds() {
        let t = "## 标题\n正文一\n正文二\n\n```\ncode\n```\n| a | b |\n";
        let d = Document::parse(t);
        let kinds: Vec<_> = d.lines.iter().map(|l| l.kind).collect();
        use LineKind::*;
        assert_eq!(
            kinds,
            vec![Heading, Text, Text, Blank, Code, Code, Code, Markup]
        );
        assert_eq!(d.blocks, vec![Block { lines: 0..3 }, Block { lines: 4..8 }]);
        assert_eq!(d.line(1), "正文一");
    }

    /// An ordered-list marker is one to three digits and `. `, at the start.
    #[test]
    fn ordered_list_markers() {
        for (line, want) in [
            ("1. 第一项", true),
            ("  12. 第十二项", true),
            ("123. 项", true),
            ("1234. 项", false),
            ("1.5 倍", false),
            (". 项", false),
            ("a1. 项", false),
            ("第1. 项", false),
            ("12 . 项", false),
            ("全区共12. 项工作", false),
            ("1.", false),
        ] {
            assert_eq!(is_markup(line), want, "{line:?}");
        }
    }

    #[test]
    fn protects_markup_numbers_and_urls() {
        let t = "## 标题 **T业宏** 10.4平方公里 见 https://example.com/a 。";
        let d = Document::parse(t);
        let prot: Vec<&str> = d.protected.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(
            prot,
            vec!["## ", "**", "**", "10.4", "https://example.com/a"]
        );
        let dot = t.find("10.4").unwrap() + 2;
        assert!(d.is_protected(&(dot..dot + 1)));
        assert!(!d.is_protected(&(3..6)));
    }
}
