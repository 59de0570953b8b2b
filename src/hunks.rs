//! Groups an outcome's changes into the hunks of a unified diff.
//!
//! The diff view is drawn from the same [`Change`] list as every other
//! report, not recomputed from the two texts: a line diff of a reflowed page
//! pairs blank lines across paragraphs and marks whole paragraphs as
//! replaced, while the changes say exactly which characters moved.
//!
//! A *cluster* is a run of input lines that changes touch (a change that
//! joins two lines touches both); a *hunk* is one or more clusters with
//! `context` unchanged lines around them, as in `diff -U`.

use crate::changes::Change;
use std::ops::Range;

/// Input lines touched by some changes, and the text they became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// 0-based input lines, end exclusive.
    pub old_lines: Range<usize>,
    /// Byte range of those whole lines in the input.
    pub old: Range<usize>,
    /// Byte range of what they became in the output.
    pub new: Range<usize>,
    /// Indices of the changes inside, into the change list.
    pub changes: Range<usize>,
}

/// A piece of a hunk, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unchanged input lines (0-based, end exclusive) and their bytes.
    Context {
        lines: Range<usize>,
        bytes: Range<usize>,
    },
    Changed(Cluster),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// 0-based first input line and number of input lines.
    pub old_start: usize,
    pub old_len: usize,
    /// 0-based first output line and number of output lines.
    pub new_start: usize,
    pub new_len: usize,
    pub parts: Vec<Part>,
}

/// Where each line of a text starts; the text's lines are those of
/// `str::split_inclusive('\n')`.
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| i + 1)
                .filter(|&s| s < text.len()),
        );
        if text.is_empty() {
            starts.clear();
        }
        Lines {
            starts,
            len: text.len(),
        }
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The line holding byte `pos` (the last line for the end of the text).
    pub fn of(&self, pos: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= pos)
            .saturating_sub(1)
            .min(self.count().saturating_sub(1))
    }

    /// Byte range of lines `r` (whole lines, line ends included).
    pub fn span(&self, r: &Range<usize>) -> Range<usize> {
        let at = |l: usize| self.starts.get(l).copied().unwrap_or(self.len);
        at(r.start)..at(r.end)
    }
}

/// The clusters of `changes` (sorted, non-overlapping, as a pipeline
/// returns them) over the input's `lines`.
pub fn clusters(lines: &Lines, changes: &[Change]) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        let first = lines.of(c.input.start);
        let last = lines.of(c.input.end);
        let touched = first..last + 1;
        match out.last_mut() {
            Some(k) if touched.start < k.old_lines.end => {
                k.old_lines.end = k.old_lines.end.max(touched.end);
                k.changes.end = i + 1;
            }
            _ => out.push(Cluster {
                old_lines: touched,
                old: 0..0,
                new: 0..0,
                changes: i..i + 1,
            }),
        }
    }
    for k in &mut out {
        k.old = lines.span(&k.old_lines);
        // index: a cluster holds at least one change.
        let (a, z) = (&changes[k.changes.start], &changes[k.changes.end - 1]);
        // The text between the cluster's edges and its outer changes is
        // unchanged, so the output range follows from theirs.
        let start = a.output.start - (a.input.start - k.old.start);
        let end = z.output.end + (k.old.end - z.input.end.min(k.old.end));
        k.new = start..end;
    }
    out
}

/// The hunks of `changes` with `context` unchanged lines around each
/// cluster; clusters whose context meets share a hunk.
pub fn hunks(input: &str, output: &str, changes: &[Change], context: usize) -> Vec<Hunk> {
    let lines = Lines::new(input);
    let mut out: Vec<Hunk> = Vec::new();
    // Line delta (output lines − input lines) of the clusters so far: the
    // output line of an unchanged input line.
    let mut delta: isize = 0;
    // The input line the last hunk has reached.
    let mut reached: Option<usize> = None;
    for k in clusters(&lines, changes) {
        let from = k.old_lines.start.saturating_sub(context);
        if reached.is_none_or(|r| from > r + context) {
            close(&mut out, &lines, reached, context);
            out.push(Hunk {
                old_start: from,
                old_len: 0,
                new_start: (from as isize + delta).max(0) as usize,
                new_len: 0,
                parts: Vec::new(),
            });
            reached = Some(from);
        }
        let (Some(h), Some(r)) = (out.last_mut(), reached) else {
            continue;
        };
        h.push_context(&lines, r..k.old_lines.start);
        let new_count = line_count(output, &k.new);
        h.old_len += k.old_lines.len();
        h.new_len += new_count;
        delta += new_count as isize - k.old_lines.len() as isize;
        reached = Some(k.old_lines.end);
        h.parts.push(Part::Changed(k));
    }
    close(&mut out, &lines, reached, context);
    out
}

impl Hunk {
    /// Appends unchanged input lines `r` (nothing if empty).
    fn push_context(&mut self, lines: &Lines, r: Range<usize>) {
        if r.is_empty() {
            return;
        }
        self.old_len += r.len();
        self.new_len += r.len();
        let bytes = lines.span(&r);
        self.parts.push(Part::Context { lines: r, bytes });
    }
}

/// Ends the last hunk with its trailing context.
fn close(out: &mut [Hunk], lines: &Lines, reached: Option<usize>, context: usize) {
    if let (Some(r), Some(h)) = (reached, out.last_mut()) {
        h.push_context(lines, r..(r + context).min(lines.count()));
    }
}

fn line_count(text: &str, r: &Range<usize>) -> usize {
    text.get(r.clone())
        .map_or(0, |s| s.split_inclusive('\n').count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;

    fn run(input: &str) -> (String, Vec<Hunk>) {
        let out = Pipeline::default_pipeline().unwrap().run(input);
        let h = hunks(input, &out.output, &out.changes, 1);
        (out.output, h)
    }

    fn change(input: Range<usize>, output: Range<usize>) -> Change {
        Change {
            input,
            output,
            edits: Vec::new(),
        }
    }

    #[test]
    fn a_join_touches_both_lines() {
        let input = "标题\n\n全区上下提效率\n争先锋。\n\n尾\n";
        let output = "标题\n\n全区上下提效率争先锋。\n\n尾\n";
        let nl = input.find("率\n").unwrap() + "率".len();
        let h = hunks(input, output, &[change(nl..nl + 1, nl..nl)], 1);
        assert_eq!(h.len(), 1);
        let Part::Changed(k) = &h[0].parts[1] else {
            panic!("{h:?}")
        };
        assert_eq!(k.old_lines, 2..4);
        assert_eq!(&input[k.old.clone()], "全区上下提效率\n争先锋。\n");
        assert_eq!(&output[k.new.clone()], "全区上下提效率争先锋。\n");
        assert!(matches!(&h[0].parts[0], Part::Context { lines, .. } if *lines == (1..2)));
        assert!(matches!(&h[0].parts[2], Part::Context { lines, .. } if *lines == (4..5)));
        assert_eq!((h[0].old_start, h[0].old_len), (1, 4));
        assert_eq!((h[0].new_start, h[0].new_len), (1, 3));
    }

    #[test]
    fn changes_on_one_line_share_a_cluster_and_the_line_delta_carries() {
        // Line 0 splits in two (one more output line); line 3 changes.
        let input = "甲乙\n一\n二\n丙丁\n";
        let output = "甲\n\n乙\n一\n二\n丙戊\n";
        let cs = [change(3..3, 3..5), change(18..21, 20..23)];
        let h = hunks(input, output, &cs, 1);
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(
            (h[0].old_start, h[0].old_len, h[0].new_start, h[0].new_len),
            (0, 4, 0, 6)
        );
        let h0 = hunks(input, output, &cs, 0);
        assert_eq!(h0.len(), 2, "{h0:?}");
        assert_eq!((h0[1].old_start, h0[1].new_start), (3, 5));
    }

    #[test]
    fn far_apart_changes_make_two_hunks() {
        let input = "提效率 争先锋。\n一\n二\n三\n四\n落实 到位。\n";
        let (_, h) = run(input);
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!((h[1].old_start, h[1].old_len), (4, 2));
        assert_eq!((h[1].new_start, h[1].new_len), (4, 2));
    }

    #[test]
    fn lines_of_a_text_without_final_newline() {
        let l = Lines::new("a\nb");
        assert_eq!(l.count(), 2);
        assert_eq!(l.of(3), 1);
        assert_eq!(l.span(&(1..2)), 2..3);
        assert_eq!(Lines::new("").count(), 0);
        assert_eq!(Lines::new("a\n").count(), 1);
    }
}
