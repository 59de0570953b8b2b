//! Maps the edits of successive passes back onto the input.
//!
//! Each pass sees the text left by the passes before it, so its edits are in
//! that text's coordinates. [`SourceMap`] keeps the changed regions of the
//! current text with their extent in the input; recording a pass's applied
//! edits merges them in, widening a region when a later edit touches an
//! earlier one. The result is a list of [`Change`]s in input coordinates that
//! reproduce the output exactly, each carrying every edit that made it.

use crate::edit::{conflicts, Edit};
use std::ops::Range;

/// One changed region: `input[input]` became `output[output]` through `edits`
/// (in the order the passes made them).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub input: Range<usize>,
    pub output: Range<usize>,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// Changed regions, sorted, non-overlapping; `output` is in the current
    /// text's coordinates.
    segs: Vec<Change>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Maps a range of the current text to the input, widened to cover every
    /// changed region it touches.
    pub fn to_input(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.map_pos(r.start, false);
        let end = self.map_pos(r.end, true);
        start..end.max(start)
    }

    /// Input position of a current position. A position strictly inside a
    /// changed region maps to the region's start (for a range start) or end
    /// (for a range end); a deletion at exactly `pos` counts as before a start
    /// and after an end, so ranges never swallow a neighbouring change.
    fn map_pos(&self, pos: usize, is_end: bool) -> usize {
        let mut delta: isize = 0;
        for s in &self.segs {
            let o = &s.output;
            if o.start < pos && pos < o.end {
                return if is_end { s.input.end } else { s.input.start };
            }
            let before = o.end <= pos && (!is_end || o.start < pos);
            if !before {
                break;
            }
            delta += o.len() as isize - s.input.len() as isize;
        }
        (pos as isize - delta) as usize
    }

    /// Records edits applied to the current text (sorted, non-conflicting, as
    /// returned by [`crate::edit::apply`]).
    pub fn record(&mut self, applied: &[Edit]) {
        if applied.is_empty() {
            return;
        }
        // Old segments are moved into the new list, edits and all: nothing
        // is cloned but the new edits.
        let mut old = std::mem::take(&mut self.segs);
        let mut out: Vec<Change> = Vec::with_capacity(old.len() + applied.len());
        let mut i = 0;
        let mut shift: isize = 0; // new − current, for edits passed
        let mut delta: isize = 0; // current − input, for old segments passed
        let shifted = |c: &mut Change, shift: isize| Change {
            input: c.input.clone(),
            output: (c.output.start as isize + shift) as usize
                ..(c.output.end as isize + shift) as usize,
            edits: std::mem::take(&mut c.edits),
        };
        // index: `old[i]` is read only after `i < old.len()`; `old[i - 1]`
        // only when `i > first >= 0`; `i <= old.len()` at the final slice.
        for e in applied {
            let r = &e.range;
            while i < old.len() && !conflicts(&old[i].output, r) && old[i].output.end <= r.start {
                delta += old[i].output.len() as isize - old[i].input.len() as isize;
                out.push(shifted(&mut old[i], shift));
                i += 1;
            }
            let mut lo = r.start;
            let mut hi = r.end;
            let mut in_lo = (r.start as isize - delta) as usize;
            let mut edits = Vec::new();
            let first = i;
            while i < old.len() && conflicts(&old[i].output, r) {
                let s = &mut old[i];
                if i == first && s.output.start <= lo {
                    lo = s.output.start;
                    in_lo = s.input.start;
                }
                delta += s.output.len() as isize - s.input.len() as isize;
                edits.append(&mut s.edits);
                i += 1;
            }
            let in_hi = if i > first && old[i - 1].output.end >= hi {
                hi = old[i - 1].output.end;
                old[i - 1].input.end
            } else {
                (hi as isize - delta) as usize
            };
            edits.push(e.clone());
            let new_start = (lo as isize + shift) as usize;
            let new_len = (hi - lo) - r.len() + e.replacement.len();
            out.push(Change {
                input: in_lo..in_hi,
                output: new_start..new_start + new_len,
                edits,
            });
            shift += e.replacement.len() as isize - r.len() as isize;
        }
        for s in &mut old[i..] {
            out.push(shifted(s, shift));
        }
        self.segs = out;
    }

    pub fn into_changes(self) -> Vec<Change> {
        self.segs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply;

    fn e(r: Range<usize>, s: &str) -> Edit {
        Edit::fix(r, s, "t", "r", 1.0, "")
    }

    /// Runs edit batches as successive passes and checks that the changes
    /// rebuild the final text from the input.
    fn run(input: &str, batches: Vec<Vec<Edit>>) -> (String, Vec<Change>) {
        let mut map = SourceMap::new();
        let mut text = input.to_string();
        for b in batches {
            let a = apply(&text, b);
            map.record(&a.applied);
            text = a.text;
        }
        let changes = map.into_changes();
        let mut rebuilt = String::new();
        let mut pos = 0;
        for c in &changes {
            rebuilt.push_str(&input[pos..c.input.start]);
            rebuilt.push_str(&text[c.output.clone()]);
            pos = c.input.end;
        }
        rebuilt.push_str(&input[pos..]);
        assert_eq!(rebuilt, text);
        (text, changes)
    }

    #[test]
    fn independent_edits_stay_separate() {
        let (out, ch) = run(
            "a b c d",
            vec![vec![e(1..2, "")], vec![e(2..3, "")], vec![e(0..1, "A")]],
        );
        assert_eq!(out, "Abc d");
        assert_eq!(ch.len(), 3);
        assert_eq!(ch[2].input, 3..4);
    }

    #[test]
    fn touching_edits_merge() {
        let (out, ch) = run("ab cd", vec![vec![e(2..3, "")], vec![e(1..3, "XY")]]);
        assert_eq!(out, "aXYd");
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].input, 1..4);
        assert_eq!(ch[0].edits.len(), 2);
    }

    #[test]
    fn maps_ranges_back() {
        let mut map = SourceMap::new();
        let a = apply("xx  yy", vec![e(2..4, "")]);
        map.record(&a.applied);
        assert_eq!(map.to_input(&(2..4)), 4..6);
        assert_eq!(map.to_input(&(0..2)), 0..2);
        assert_eq!(map.to_input(&(1..3)), 1..5);
    }
}
