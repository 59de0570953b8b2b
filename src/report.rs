//! Views of an [`Outcome`]: the human-readable list, the unified diff with
//! changed characters marked, JSON Lines, and GitHub Actions annotations.
//! Every view is computed from the same changes and suggestions.

use crate::edit::Edit;
use crate::pipeline::{Outcome, Suggestion};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;
use std::ops::Range;

/// Where a piece of input sits: the file's name and the chunk's place in it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub path: &'a str,
    pub input: &'a str,
    /// 0-based line of `input`'s first line in the file.
    pub first_line: usize,
    /// Byte offset of `input` in the (decoded) file.
    pub offset: usize,
}

/// Finds 1-based line and 1-based character column of byte offsets.
/// Offsets asked in increasing order on one line are counted from the
/// previous one, so many edits on one huge line cost linear time.
struct LineIndex {
    starts: Vec<usize>,
    /// The last offset located: (byte offset, 0-based line, 0-based column).
    last: (usize, usize, usize),
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            last: (0, 0, 0),
        }
    }

    fn locate(&mut self, text: &str, pos: usize) -> (usize, usize) {
        // `starts[0]` is 0, so the partition point is at least 1 and at
        // most `starts.len()`: `line` indexes `starts`.
        let line = self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let (from, base) = match self.last {
            (p, l, c) if l == line && p <= pos => (p, c),
            _ => (self.starts[line], 0),
        };
        let col = base + text.get(from..pos).map_or(0, |s| s.chars().count());
        self.last = (pos, line, col);
        (line + 1, col + 1)
    }
}

/// One reported item: an applied change or a suggestion.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// Left out of the JSON when empty (the edits inside a JSON Lines
    /// record, `--jsonl-edits`).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub path: &'a str,
    pub kind: &'static str,
    pub line: usize,
    pub column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub before: &'a str,
    pub after: String,
    pub pass: &'static str,
    pub rule: &'static str,
    pub confidence: f32,
    pub reason: String,
    /// Earlier edits merged into this change (same region, earlier passes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<EditSummary>,
}

#[derive(Debug, Serialize)]
pub struct EditSummary {
    pub pass: &'static str,
    pub rule: &'static str,
    pub confidence: f32,
    pub reason: String,
}

fn summary(e: &Edit) -> EditSummary {
    EditSummary {
        pass: e.pass,
        rule: e.rule,
        confidence: e.confidence,
        reason: e.reason.clone(),
    }
}

/// Every change and suggestion of `out`, in input order.
pub fn records<'a>(place: Place<'a>, out: &'a Outcome) -> Vec<Record<'a>> {
    let mut idx = LineIndex::new(place.input);
    let mut recs = Vec::with_capacity(out.changes.len() + out.suggestions.len());
    let mut make = |kind: &'static str,
                    input: &Range<usize>,
                    after: String,
                    main: &Edit,
                    also: Vec<EditSummary>| {
        let (line, column) = idx.locate(place.input, input.start);
        recs.push(Record {
            path: place.path,
            kind,
            line: line + place.first_line,
            column,
            byte_start: input.start + place.offset,
            byte_end: input.end + place.offset,
            // A suggestion's range is only checked against the text's length
            // by the pipeline, not its character boundaries: no panic here.
            before: place.input.get(input.clone()).unwrap_or(""),
            after,
            pass: main.pass,
            rule: main.rule,
            confidence: main.confidence,
            reason: main.reason.clone(),
            also,
        });
    };
    for c in &out.changes {
        let Some((main, rest)) = c.edits.split_last() else {
            continue;
        };
        make(
            "fix",
            &c.input,
            // A change's output range spans applied edits, which
            // `edit::apply` checked to be on character boundaries.
            out.output.get(c.output.clone()).unwrap_or("").to_string(),
            main,
            rest.iter().map(summary).collect(),
        );
    }
    for Suggestion { input, edit } in &out.suggestions {
        make(
            "suggestion",
            input,
            edit.replacement.clone(),
            edit,
            Vec::new(),
        );
    }
    recs.sort_by_key(|r| (r.byte_start, r.kind == "suggestion"));
    recs
}

/// Shows whitespace and line ends so a reviewer sees what changed.
pub fn visible(s: &str) -> String {
    if s.is_empty() {
        return "∅".to_string();
    }
    s.replace('\n', "↵").replace(' ', "␠").replace('\t', "⇥")
}

/// One line per record: `path:line:col: pass/rule: before → after (reason)`.
pub fn human(place: Place, out: &Outcome) -> String {
    let mut s = String::new();
    for r in records(place, out) {
        let tag = if r.kind == "suggestion" {
            " suggestion"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{}:{}:{}:{tag} {}/{}: {} → {} ({}; confidence {:.2})",
            r.path,
            r.line,
            r.column,
            r.pass,
            r.rule,
            visible(r.before),
            visible(&r.after),
            r.reason,
            r.confidence
        );
    }
    s
}

/// JSON Lines, one object per record.
pub fn json_lines(place: Place, out: &Outcome) -> String {
    let mut s = String::new();
    for r in records(place, out) {
        if let Ok(line) = serde_json::to_string(&r) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

fn gh_escape(s: &str, property: bool) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

/// GitHub Actions workflow commands: a warning per fix, a notice per suggestion.
pub fn github(place: Place, out: &Outcome) -> String {
    let mut s = String::new();
    for r in records(place, out) {
        let level = if r.kind == "suggestion" {
            "notice"
        } else {
            "warning"
        };
        let _ = writeln!(
            s,
            "::{level} file={},line={},col={},title={}::{} → {}: {}",
            gh_escape(r.path, true),
            r.line,
            r.column,
            gh_escape(&format!("ocrfix {}/{}", r.pass, r.rule), true),
            gh_escape(&visible(r.before), false),
            gh_escape(&visible(&r.after), false),
            gh_escape(&r.reason, false)
        );
    }
    s
}

/// Colours for the diff view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffStyle {
    /// A plain unified diff that `patch` and `git apply` accept.
    Patch,
    /// Changed characters marked `[-old-]` / `{+new+}` inside the lines.
    Marked,
    /// Changed characters highlighted with ANSI colours.
    Colour,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const DEL_HI: &str = "\x1b[1;7;31m";
const INS_HI: &str = "\x1b[1;7;32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// A unified diff of input → output (`--- a/path`, `+++ b/path`), one line
/// of context. In `Marked` and `Colour` styles the characters that changed
/// inside a line are marked, since a Chinese paragraph is one long line.
/// Suggestions follow as `# suggestion:` lines (not in `Patch` style).
pub fn diff(place: Place, out: &Outcome, style: DiffStyle) -> String {
    let mut s = String::new();
    let first = place.first_line;
    if out.changed() {
        let td = TextDiff::from_lines(place.input, out.output.as_str());
        let _ = writeln!(s, "--- a/{}", place.path);
        let _ = writeln!(s, "+++ b/{}", place.path);
        for group in td.grouped_ops(1) {
            let (Some(a), Some(b)) = (group.first(), group.last()) else {
                continue;
            };
            let old = a.old_range().start..b.old_range().end;
            let new = a.new_range().start..b.new_range().end;
            let hunk = format!(
                "@@ -{},{} +{},{} @@",
                old.start + 1 + first,
                old.len(),
                new.start + 1 + first,
                new.len()
            );
            if style == DiffStyle::Colour {
                let _ = writeln!(s, "{CYAN}{hunk}{RESET}");
            } else {
                let _ = writeln!(s, "{hunk}");
            }
            for op in &group {
                // index: `similar` ops index the slices of the diff they came from.
                let olines: Vec<&str> = td.old_slices()[op.old_range()].to_vec();
                let nlines: Vec<&str> = td.new_slices()[op.new_range()].to_vec();
                match op.tag() {
                    similar::DiffTag::Equal => {
                        for l in olines {
                            push_line(&mut s, ' ', l);
                        }
                    }
                    _ if style == DiffStyle::Patch => {
                        for l in olines {
                            push_line(&mut s, '-', l);
                        }
                        for l in nlines {
                            push_line(&mut s, '+', l);
                        }
                    }
                    _ => {
                        let (o, n) = marked(&olines.concat(), &nlines.concat(), style);
                        for l in o.split_inclusive('\n') {
                            push_line(&mut s, '-', &paint(l, RED, style));
                        }
                        for l in n.split_inclusive('\n') {
                            push_line(&mut s, '+', &paint(l, GREEN, style));
                        }
                    }
                }
            }
        }
    }
    if style != DiffStyle::Patch {
        for r in records(place, out)
            .into_iter()
            .filter(|r| r.kind == "suggestion")
        {
            let _ = writeln!(
                s,
                "# suggestion {}:{}:{}: {} → {} ({}/{}: {}; confidence {:.2})",
                r.path,
                r.line,
                r.column,
                visible(r.before),
                visible(&r.after),
                r.pass,
                r.rule,
                r.reason,
                r.confidence
            );
        }
    }
    s
}

fn paint(line: &str, colour: &str, style: DiffStyle) -> String {
    if style == DiffStyle::Colour {
        // Re-open the line colour after each highlight's reset.
        format!(
            "{colour}{}{RESET}",
            line.replace(RESET, &format!("{RESET}{colour}"))
        )
    } else {
        line.to_string()
    }
}

fn push_line(s: &mut String, tag: char, line: &str) {
    s.push(tag);
    s.push_str(line);
    if !line.ends_with('\n') && !line.ends_with(&format!("\n{RESET}")) {
        s.push_str("\n\\ No newline at end of file\n");
    }
}

/// Marks the characters that differ between `old` and `new`.
fn marked(old: &str, new: &str, style: DiffStyle) -> (String, String) {
    let td = TextDiff::from_chars(old, new);
    let (mut o, mut n) = (String::new(), String::new());
    let (del_open, del_close, ins_open, ins_close) = match style {
        DiffStyle::Colour => (DEL_HI, RESET, INS_HI, RESET),
        _ => ("[-", "-]", "{+", "+}"),
    };
    let mut tag = ChangeTag::Equal;
    for ch in td.iter_all_changes() {
        let v = ch.value();
        if ch.tag() != tag {
            match tag {
                ChangeTag::Delete => o.push_str(del_close),
                ChangeTag::Insert => n.push_str(ins_close),
                ChangeTag::Equal => {}
            }
            match ch.tag() {
                ChangeTag::Delete => o.push_str(del_open),
                ChangeTag::Insert => n.push_str(ins_open),
                ChangeTag::Equal => {}
            }
            tag = ch.tag();
        }
        match ch.tag() {
            ChangeTag::Equal => {
                o.push_str(v);
                n.push_str(v);
            }
            // A removed or added line end is shown as ↵ and still ends the line.
            ChangeTag::Delete => o.push_str(if v == "\n" { "↵" } else { v }),
            ChangeTag::Insert => n.push_str(if v == "\n" { "↵" } else { v }),
        }
        if v == "\n" && ch.tag() != ChangeTag::Equal {
            let (buf, close, open) = if ch.tag() == ChangeTag::Delete {
                (&mut o, del_close, del_open)
            } else {
                (&mut n, ins_close, ins_open)
            };
            buf.push_str(close);
            buf.push('\n');
            buf.push_str(open);
        }
    }
    match tag {
        ChangeTag::Delete => o.push_str(del_close),
        ChangeTag::Insert => n.push_str(ins_close),
        ChangeTag::Equal => {}
    }
    let empty_pairs = [
        format!("{del_open}{del_close}"),
        format!("{ins_open}{ins_close}"),
    ];
    for e in &empty_pairs {
        o = o.replace(e.as_str(), "");
        n = n.replace(e.as_str(), "");
    }
    (o, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;

    fn place(input: &str) -> Place<'_> {
        Place {
            path: "p.txt",
            input,
            first_line: 0,
            offset: 0,
        }
    }

    #[test]
    fn marked_diff_shows_changed_characters() {
        let input = "第一行\n全区上下提效率 争先锋。\n";
        let out = Pipeline::default_pipeline().unwrap().run(input);
        let d = diff(place(input), &out, DiffStyle::Marked);
        assert_eq!(d, "--- a/p.txt\n+++ b/p.txt\n@@ -1,2 +1,2 @@\n 第一行\n-全区上下提效率[- -]争先锋。\n+全区上下提效率争先锋。\n");
        let p = diff(place(input), &out, DiffStyle::Patch);
        assert!(p.contains("-全区上下提效率 争先锋。\n+全区上下提效率争先锋。\n"));
    }

    #[test]
    fn json_has_line_column_and_bytes() {
        let input = "第一行\n全区上下提效率 争先锋。\n";
        let out = Pipeline::default_pipeline().unwrap().run(input);
        let j = json_lines(place(input), &out);
        let v: serde_json::Value = serde_json::from_str(j.lines().next().unwrap()).unwrap();
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 8);
        assert_eq!(v["byte_start"], 31);
        assert_eq!(v["before"], " ");
        assert_eq!(v["after"], "");
        assert_eq!(v["pass"], "spaces");
    }

    #[test]
    fn github_escapes() {
        assert_eq!(gh_escape("a:b,c%\n", true), "a%3Ab%2Cc%25%0A");
    }
}
