//! Runs the passes in order over a text and gathers their edits into one
//! [`Outcome`]: the output text, the changes in input coordinates, and the
//! suggestions.

use crate::changes::{Change, SourceMap};
use crate::document::Document;
use crate::edit::{self, Edit, EditKind};
use crate::passes::Selection;
use crate::passes::{self, Options, Pass};
use crate::rules::Rules;
use anyhow::{bail, Result};
use std::ops::Range;

/// Rounds of the pass sequence at most. Real pages settle in two (the
/// second finds nothing left to do); a cascade, where each fix lets a pass
/// earlier in the sequence find the next, takes a round per step. The cap
/// only stops passes that would undo each other's fixes for ever.
const MAX_ROUNDS: usize = 6;

/// A suggestion, with its range mapped to the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub input: Range<usize>,
    pub edit: Edit,
}

/// Everything a run produced. Text output, diff, JSON and annotations are
/// all views of this.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub output: String,
    pub changes: Vec<Change>,
    pub suggestions: Vec<Suggestion>,
    /// Edits dropped because they overlapped another edit or a protected span.
    pub refused: Vec<Edit>,
}

impl Outcome {
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// A [`Document`] without its text, to rebuild it over the same text.
struct Parsed {
    lines: Vec<crate::document::Line>,
    blocks: Vec<crate::document::Block>,
    protected: Vec<Range<usize>>,
}

impl From<Document<'_>> for Parsed {
    fn from(d: Document<'_>) -> Self {
        Parsed {
            lines: d.lines,
            blocks: d.blocks,
            protected: d.protected,
        }
    }
}

impl Parsed {
    fn document(self, text: &str) -> Document<'_> {
        Document {
            text,
            lines: self.lines,
            blocks: self.blocks,
            protected: self.protected,
        }
    }
}

pub struct Pipeline {
    passes: Vec<Box<dyn Pass>>,
    pub options: Options,
    /// Every fix becomes a suggestion (`--suggest-only`).
    pub suggest_only: bool,
}

impl Pipeline {
    /// Builds the passes named by `sel` from `rules`.
    pub fn new(rules: &Rules, sel: &Selection, options: Options) -> Result<Self> {
        let known = passes::ids();
        for id in sel.only.iter().chain(&sel.skip) {
            if !known.contains(&id.as_str()) {
                bail!("unknown pass '{id}'; passes are: {}", known.join(", "));
            }
        }
        let mut list = Vec::new();
        for (id, build) in passes::REGISTRY {
            let wanted = sel.only.is_empty() || sel.only.iter().any(|o| o == id);
            if wanted && !sel.skip.iter().any(|s| s == id) {
                list.push(build(rules)?);
            }
        }
        Ok(Pipeline {
            passes: list,
            options,
            suggest_only: false,
        })
    }

    /// The default pipeline: embedded rules, all passes.
    pub fn default_pipeline() -> Result<Self> {
        Self::new(Rules::builtin()?, &Selection::default(), Options::default())
    }

    pub fn passes(&self) -> impl Iterator<Item = &dyn Pass> {
        self.passes.iter().map(|p| p.as_ref())
    }

    /// Runs every pass over `input`.
    pub fn run(&self, input: &str) -> Outcome {
        let mut text = input.to_string();
        let mut map = SourceMap::new();
        let mut suggestions = Vec::new();
        let mut refused = Vec::new();
        // The structure of the text as last parsed, kept while passes leave
        // the text unchanged (a second round usually changes nothing).
        let mut parsed: Option<Parsed> = None;
        // How many times the text has changed, and for each pass the change
        // count at which it last ran and found nothing to fix: a pass is a
        // function of the text, so it would find nothing again until the
        // text changes (the last round, which confirms that the text has
        // settled, runs only the passes that have not seen it yet).
        let mut version = 0usize;
        let mut settled: Vec<Option<usize>> = vec![None; self.passes.len()];
        for round in 0..MAX_ROUNDS {
            let mut changed = false;
            for (k, pass) in self.passes.iter().enumerate() {
                if round > 0 && (!pass.rerun() || settled[k] == Some(version)) {
                    continue;
                }
                let doc = match parsed.take() {
                    Some(p) => p.document(&text),
                    None => Document::parse(&text),
                };
                let mut fixes = Vec::new();
                for mut e in pass.run(&doc, &self.options) {
                    if doc.is_protected(&e.range) || e.range.end > text.len() {
                        refused.push(e);
                        continue;
                    }
                    if self.suggest_only || e.confidence < self.options.min_confidence {
                        e.kind = EditKind::Suggestion;
                    }
                    match e.kind {
                        EditKind::Fix => fixes.push(e),
                        // Later rounds re-propose the same suggestions.
                        EditKind::Suggestion if round == 0 => suggestions.push(Suggestion {
                            input: map.to_input(&e.range),
                            edit: e,
                        }),
                        EditKind::Suggestion => {}
                    }
                }
                let applied = edit::apply(&text, fixes);
                refused.extend(applied.refused);
                if applied.applied.is_empty() {
                    settled[k] = Some(version);
                    parsed = Some(Parsed::from(doc));
                    continue;
                }
                settled[k] = None;
                version += 1;
                changed = true;
                map.record(&applied.applied);
                text = applied.text;
            }
            if !changed {
                break;
            }
        }
        suggestions.sort_by_key(|s| (s.input.start, s.input.end));
        Outcome {
            output: text,
            changes: map.into_changes(),
            suggestions,
            refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::RuleInfo;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A pass that writes `to` for every `from` and counts its runs.
    struct Swap {
        from: char,
        to: &'static str,
        runs: Arc<AtomicUsize>,
    }

    impl Pass for Swap {
        fn id(&self) -> &'static str {
            "swap"
        }
        fn about(&self) -> &'static str {
            "test pass"
        }
        fn rules(&self) -> &'static [RuleInfo] {
            &[]
        }
        fn run(&self, doc: &Document, _: &Options) -> Vec<Edit> {
            self.runs.fetch_add(1, Ordering::Relaxed);
            doc.text
                .match_indices(self.from)
                .map(|(i, s)| Edit::fix(i..i + s.len(), self.to, "swap", "swap", 0.9, "test"))
                .collect()
        }
    }

    fn pipeline(passes: Vec<Box<dyn Pass>>) -> Pipeline {
        Pipeline {
            passes,
            options: Options::default(),
            suggest_only: false,
        }
    }

    /// A pass that found nothing to fix is not run again until the text
    /// changes: the round that confirms the text has settled runs only the
    /// passes that have not seen it. The output is that of running them all.
    #[test]
    fn a_pass_is_not_rerun_on_text_it_found_nothing_in() {
        let counts: Vec<Arc<AtomicUsize>> = (0..3).map(|_| Arc::default()).collect();
        let p = pipeline(vec![
            Box::new(Swap {
                from: 'b',
                to: "c",
                runs: counts[0].clone(),
            }),
            Box::new(Swap {
                from: 'a',
                to: "b",
                runs: counts[1].clone(),
            }),
            Box::new(Swap {
                from: 'z',
                to: "y",
                runs: counts[2].clone(),
            }),
        ]);
        let out = p.run("aaz");
        // Round 0: b→c finds nothing, a→b writes "bbz", z→y writes "bby".
        // Round 1: b→c writes "ccy", in which a→b and z→y find nothing.
        // Round 2 confirms "ccy": only b→c has not seen it. (Running every
        // pass in every round would make the counts 3, 3, 3.)
        assert_eq!(out.output, "ccy");
        let runs: Vec<usize> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        assert_eq!(runs, [3, 2, 2]);
    }
}
