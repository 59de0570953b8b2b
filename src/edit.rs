//! The one edit type every pass proposes, and the one step that applies a
//! list of edits to a text.
//!
//! An [`Edit`] is expressed in byte offsets of the text the pass saw. Edits
//! are applied sorted by position; an edit that overlaps one already taken is
//! refused and handed back, never silently merged.

use std::ops::Range;

/// Whether an edit changes the text or is only reported to a reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EditKind {
    /// Applied to the output text.
    Fix,
    /// Shown in reports (JSON, diff view), never applied.
    Suggestion,
}

/// A proposed replacement of `range` (bytes of the text the pass saw) by
/// `replacement`, with who proposed it and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
    /// Id of the pass that proposed the edit.
    pub pass: &'static str,
    /// Id of the rule inside the pass.
    pub rule: &'static str,
    /// 0.0–1.0: how sure the pass is. Passes turn low-confidence edits into
    /// suggestions themselves; the number is reported either way.
    pub confidence: f32,
    /// Human-readable evidence, e.g. `"中心城区" occurs 2 lines above`.
    pub reason: String,
    pub kind: EditKind,
}

impl Edit {
    pub fn fix(
        range: Range<usize>,
        replacement: impl Into<String>,
        pass: &'static str,
        rule: &'static str,
        confidence: f32,
        reason: impl Into<String>,
    ) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
            pass,
            rule,
            confidence,
            reason: reason.into(),
            kind: EditKind::Fix,
        }
    }

    /// The same edit, demoted to a suggestion.
    pub fn suggest(mut self) -> Self {
        self.kind = EditKind::Suggestion;
        self
    }

    /// True when the edit would not change anything.
    pub fn is_noop(&self, text: &str) -> bool {
        text.get(self.range.clone()) == Some(self.replacement.as_str())
    }
}

/// Result of [`apply`]: the new text, the edits that were applied (sorted),
/// and those refused because they overlapped an earlier one or did not fall
/// on character boundaries.
#[derive(Debug, Default)]
pub struct Applied {
    pub text: String,
    pub applied: Vec<Edit>,
    pub refused: Vec<Edit>,
}

/// Two ranges conflict when they share a byte, or when one is an insertion
/// point strictly inside the other, or both insert at the same point.
pub(crate) fn conflicts(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return b.start < a.start && a.start < b.end;
    }
    if b.is_empty() {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// Applies the `Fix` edits of `edits` to `text`. Suggestions are ignored
/// here. Edits are taken in order of position (ties: shorter range first, then
/// the order given); any edit conflicting with one already taken is refused.
pub fn apply(text: &str, edits: Vec<Edit>) -> Applied {
    let mut fixes: Vec<Edit> = edits
        .into_iter()
        .filter(|e| e.kind == EditKind::Fix)
        .collect();
    fixes.sort_by_key(|e| (e.range.start, e.range.end));
    let mut applied: Vec<Edit> = Vec::with_capacity(fixes.len());
    let mut refused = Vec::new();
    for e in fixes {
        let valid = e.range.start <= e.range.end
            && e.range.end <= text.len()
            && text.is_char_boundary(e.range.start)
            && text.is_char_boundary(e.range.end);
        let clash = applied
            .last()
            .is_some_and(|p| conflicts(&p.range, &e.range));
        if !valid || clash || e.is_noop(text) {
            refused.push(e);
        } else {
            applied.push(e);
        }
    }
    // slice: every applied range was checked above to lie in `text` on
    // character boundaries, and taken in order without conflict, so each
    // starts at or after the end of the one before (`pos`).
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in &applied {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    Applied {
        text: out,
        applied,
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(r: Range<usize>, s: &str) -> Edit {
        Edit::fix(r, s, "t", "r", 1.0, "")
    }

    #[test]
    fn applies_sorted_and_refuses_overlaps() {
        let text = "abcdef";
        let out = apply(
            text,
            vec![e(4..5, "E"), e(0..2, "xy"), e(1..3, "no"), e(3..3, "+")],
        );
        assert_eq!(out.text, "xyc+dEf");
        assert_eq!(out.refused.len(), 1);
        assert_eq!(out.refused[0].replacement, "no");
    }

    #[test]
    fn refuses_split_characters_and_noops() {
        let text = "中文";
        let out = apply(text, vec![e(1..2, "x"), e(0..3, "中")]);
        assert_eq!(out.text, "中文");
        assert_eq!(out.refused.len(), 2);
    }

    #[test]
    fn suggestions_are_not_applied() {
        let out = apply("ab", vec![e(0..1, "x").suggest()]);
        assert_eq!(out.text, "ab");
        assert!(out.applied.is_empty());
    }

    #[test]
    fn adjacent_edits_both_apply() {
        let out = apply("a b", vec![e(1..2, ""), e(2..3, "B"), e(0..1, "A")]);
        assert_eq!(out.text, "AB");
    }
}
