//! Views of an [`Outcome`]: the human-readable list, the unified diff with
//! changed characters marked, JSON Lines, and GitHub Actions annotations.
//! Every view is computed from the same changes and suggestions.

use crate::changes::Change;
use crate::edit::Edit;
use crate::hunks;
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
/// of context, drawn from the outcome's changes (see [`crate::hunks`]). In
/// `Marked` and `Colour` styles the characters that changed inside a line
/// are marked, since a Chinese paragraph is one long line. Suggestions
/// follow as `# suggestion:` lines (not in `Patch` style).
pub fn diff(place: Place, out: &Outcome, style: DiffStyle) -> String {
    let mut s = String::new();
    let first = place.first_line;
    let (input, output) = (place.input, out.output.as_str());
    if out.changed() {
        let _ = writeln!(s, "--- a/{}", place.path);
        let _ = writeln!(s, "+++ b/{}", place.path);
        for h in hunks::hunks(input, output, &out.changes, 1) {
            // A hunk that adds or removes every line starts at the line
            // before it, as `diff` writes it.
            let at = |start: usize, len: usize| if len == 0 { start } else { start + 1 + first };
            let hunk = format!(
                "@@ -{},{} +{},{} @@",
                at(h.old_start, h.old_len),
                h.old_len,
                at(h.new_start, h.new_len),
                h.new_len
            );
            if style == DiffStyle::Colour {
                let _ = writeln!(s, "{CYAN}{hunk}{RESET}");
            } else {
                let _ = writeln!(s, "{hunk}");
            }
            for part in &h.parts {
                match part {
                    hunks::Part::Context { bytes, .. } => {
                        let text = input.get(bytes.clone()).unwrap_or("");
                        for l in text.split_inclusive('\n') {
                            push_line(&mut s, ' ', l);
                        }
                    }
                    hunks::Part::Changed(k) => {
                        let old = input.get(k.old.clone()).unwrap_or("");
                        let new = output.get(k.new.clone()).unwrap_or("");
                        let (o, n) = if style == DiffStyle::Patch {
                            (old.to_string(), new.to_string())
                        } else {
                            // index: the cluster's changes index `out.changes`.
                            marked(
                                place.input,
                                output,
                                k,
                                &out.changes[k.changes.clone()],
                                style,
                            )
                        };
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

/// A change larger than this (bytes, both sides) is marked whole instead
/// of character by character.
const REFINE_LIMIT: usize = 4096;

/// The lines of a cluster, input and output, with the changed characters
/// marked. Inside each change only the characters that differ are marked.
fn marked(
    input: &str,
    output: &str,
    k: &hunks::Cluster,
    changes: &[Change],
    style: DiffStyle,
) -> (String, String) {
    let (del_open, del_close, ins_open, ins_close) = match style {
        DiffStyle::Colour => (DEL_HI, RESET, INS_HI, RESET),
        _ => ("[-", "-]", "{+", "+}"),
    };
    let (mut o, mut n) = (String::new(), String::new());
    let (mut at_old, mut at_new) = (k.old.start, k.new.start);
    for c in changes {
        o.push_str(input.get(at_old..c.input.start).unwrap_or(""));
        n.push_str(output.get(at_new..c.output.start).unwrap_or(""));
        let before = input.get(c.input.clone()).unwrap_or("");
        let after = output.get(c.output.clone()).unwrap_or("");
        if before.len() + after.len() > REFINE_LIMIT {
            push_marked(&mut o, before, del_open, del_close);
            push_marked(&mut n, after, ins_open, ins_close);
        } else {
            for op in TextDiff::from_chars(before, after).iter_all_changes() {
                let v = op.value();
                match op.tag() {
                    ChangeTag::Equal => {
                        o.push_str(v);
                        n.push_str(v);
                    }
                    ChangeTag::Delete => push_marked(&mut o, v, del_open, del_close),
                    ChangeTag::Insert => push_marked(&mut n, v, ins_open, ins_close),
                }
            }
        }
        at_old = c.input.end;
        at_new = c.output.end;
    }
    o.push_str(input.get(at_old..k.old.end).unwrap_or(""));
    n.push_str(output.get(at_new..k.new.end).unwrap_or(""));
    // Adjacent marks of one kind read as one; empty ones are dropped.
    for (open, close, buf) in [(del_open, del_close, &mut o), (ins_open, ins_close, &mut n)] {
        *buf = buf
            .replace(&format!("{close}{open}"), "")
            .replace(&format!("{open}{close}"), "");
    }
    (o, n)
}

/// Appends `text` marked; a line end inside shows as ↵ and still ends the
/// line, the mark reopening on the next.
fn push_marked(buf: &mut String, text: &str, open: &str, close: &str) {
    buf.push_str(open);
    for ch in text.chars() {
        if ch == '\n' {
            buf.push('↵');
            buf.push_str(close);
            buf.push('\n');
            buf.push_str(open);
        } else {
            buf.push(ch);
        }
    }
    buf.push_str(close);
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
    fn diff_of_joined_lines_keeps_each_paragraph_against_its_own_lines() {
        // Two paragraphs, each joined from two printed lines: a line diff
        // would pair the blank lines and mark both paragraphs as replaced.
        let input = "第一段上半\n下半。\n\n第二段上半\n下半。\n";
        let output = "第一段上半下半。\n\n第二段上半下半。\n";
        let nl = |from: usize| from + input[from..].find('\n').unwrap();
        let (a, b) = (nl(0), nl(input.find("第二").unwrap()));
        let join = |i: usize, o: usize| Change {
            input: i..i + 1,
            output: o..o,
            edits: vec![Edit::fix(i..i + 1, "", "reflow", "join-line", 0.9, "test")],
        };
        let out = Outcome {
            output: output.to_string(),
            changes: vec![join(a, a), join(b, b - 1)],
            ..Outcome::default()
        };
        let d = diff(place(input), &out, DiffStyle::Marked);
        assert_eq!(
            d,
            "--- a/p.txt\n+++ b/p.txt\n@@ -1,5 +1,3 @@\n\
             -第一段上半[-↵-]\n-下半。\n+第一段上半下半。\n \n\
             -第二段上半[-↵-]\n-下半。\n+第二段上半下半。\n"
        );
        let p = diff(place(input), &out, DiffStyle::Patch);
        assert!(
            p.contains("-第二段上半\n-下半。\n+第二段上半下半。\n"),
            "{p}"
        );
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
