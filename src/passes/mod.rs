//! The passes and their one ordered registry.

use crate::chars::is_han;
use crate::document::Document;
use crate::edit::Edit;
use crate::lexicon::Lexicon;
use crate::rules::Rules;
use anyhow::Result;

pub mod misread;
pub mod punct;
pub mod reflow;
pub mod repeats;
pub mod spaces;
pub mod specks;
pub mod symbols;
pub mod units;

pub use punct::QuoteStyle;

/// Options every pass may read. Passes never read global state.
#[derive(Debug, Clone)]
pub struct Options {
    /// Fixes below this confidence are reported as suggestions instead.
    pub min_confidence: f32,
    /// How the `punct` pass writes quotation marks in Chinese text.
    pub quote_style: QuoteStyle,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: 0.5,
            quote_style: QuoteStyle::default(),
        }
    }
}

/// Which passes to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only these (empty: all).
    pub only: Vec<String>,
    /// Skip these.
    pub skip: Vec<String>,
}

/// A rule inside a pass, for `--explain`.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub about: &'static str,
}

/// One kind of repair. A pass reads the document and proposes edits in its
/// byte offsets; it never applies them itself.
pub trait Pass: Send + Sync {
    fn id(&self) -> &'static str;
    fn about(&self) -> &'static str;
    fn rules(&self) -> &'static [RuleInfo];
    fn run(&self, doc: &Document, opts: &Options) -> Vec<Edit>;
    /// Whether the pipeline runs the pass again while the passes still
    /// change the text. One pass's edit can change another's evidence (a
    /// converted mark, a joined line), and the pipeline repeats until the
    /// text settles, so that fixing fixed text changes nothing. A pass whose
    /// decisions do not depend on what the others change can opt out.
    fn rerun(&self) -> bool {
        true
    }
}

/// Builds a pass from the loaded rule data.
pub type PassBuilder = fn(&Rules) -> Result<Box<dyn Pass>>;

/// Every pass, in run order. The order matters:
/// 1. `repeats` removes repetition loops first: a loop inflates the width of
///    the printed lines it sits in, which would mislead `reflow`'s column
///    width detection (and a loop cut by a line end would be harder to see
///    once `reflow` joined the lines differently).
/// 2. `specks` removes a comma OCR read from a speck in the margin: it is
///    told by its place at a printed line's end, before `reflow` joins the
///    line to the next.
/// 3. `reflow` rebuilds paragraphs next: it reads the line structure (line
///    ends, the spaces a converter left at former line ends) before anything
///    else removes it.
/// 4. `punct` judges each ASCII mark by its neighbours (skipping spaces), so
///    it runs after the line joins: a mark at a former line end sees the
///    text that follows it, and a paragraph end is a real one.
/// 5. `units` repairs misread temperature signs (`-9C` → `-9℃`); after
///    `punct`, which leaves digits and Latin letters alone, and before
///    `spaces`, which then sees `℃` as the Chinese-side character it is.
/// 6. `symbols` writes the dashes OCR read as 一 (`一一一` → `———`) and the bullets read as `@`: after
///    `reflow`, which joins a dash cut at a line end, and after `units`,
///    which takes the 一 before a temperature as a minus sign first.
/// 7. `spaces` removes the stray spaces left inside lines, including those
///    beside marks `punct` just made full-width, so every later pass sees
///    whole words.
/// 8. `misread` scores words, so it needs the lines joined and the spaces
///    gone (`中心域 区` is one word to it).
pub const REGISTRY: &[(&str, PassBuilder)] = &[
    (repeats::ID, repeats::build),
    (specks::ID, specks::build),
    (reflow::ID, reflow::build),
    (punct::ID, punct::build),
    (units::ID, units::build),
    (symbols::ID, symbols::build),
    (spaces::ID, spaces::build),
    (misread::ID, misread::build),
];

/// The ids of all passes, in run order.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|(id, _)| *id).collect()
}

/// Runs only the pass `id` over `text` with the built-in rules: the helper
/// behind each pass's table tests.
#[cfg(test)]
pub(crate) fn run_only(id: &str, text: &str) -> String {
    let sel = Selection {
        only: vec![id.to_string()],
        skip: vec![],
    };
    crate::pipeline::Pipeline::new(
        Rules::builtin().expect("built-in rules load"),
        &sel,
        Options::default(),
    )
    .expect("pipeline builds")
    .run(text)
    .output
}

/// Checks a pass's table of (input, expected) pairs.
#[cfg(test)]
pub(crate) fn assert_table(id: &str, cases: &[(&str, &str)]) {
    for (input, want) in cases {
        assert_eq!(run_only(id, input), *want, "input: {input}");
    }
}

/// Particles that end a clause on their own: a comma after one is printed.
fn is_particle(c: char) -> bool {
    matches!(
        c,
        '的' | '了' | '着' | '过' | '吗' | '呢' | '吧' | '啊' | '呀' | '么' | '嘛' | '哦'
    )
}

/// The common word (frequency 100 or more) that a cut between `before` and
/// `after` parts, if any: the last Han character of `before` and the first
/// of `after` make the word, and each stands alone in the best segmentation
/// of its side (at least three Han characters before, two after), so no
/// longer word on either side claims it (`在改革发` | `展中保持`, but not
/// `坚持改革` | `开放的`). A particle before the cut (`的`, `了`) ends a
/// clause of its own. Used for a comma that cuts a word (specks) and a
/// paragraph break that would (reflow).
pub(crate) fn word_across(lex: &Lexicon, before: &str, next: &str) -> Option<String> {
    let mut left: Vec<char> = before
        .chars()
        .rev()
        .take_while(|&c| is_han(c))
        .take(8)
        .collect();
    left.reverse();
    let right: Vec<char> = next.chars().take_while(|&c| is_han(c)).take(8).collect();
    let (&a, &b) = (left.last()?, right.first()?);
    if left.len() < 3 || right.len() < 2 || a == b || is_particle(a) {
        return None;
    }
    let word: String = [a, b].iter().collect();
    if lex.freq(&word).is_none_or(|f| f < 100) {
        return None;
    }
    let alone_last = lex
        .segment(&left)
        .1
        .last()
        .is_some_and(|(r, _)| r.len() == 1);
    let alone_first = lex
        .segment(&right)
        .1
        .first()
        .is_some_and(|(r, _)| r.len() == 1);
    (alone_last && alone_first).then_some(word)
}

/// Whether the Han characters that end `s` end on a word: the last word of
/// their best segmentation (at most eight characters back) is a lexicon word
/// of two or more characters (jieba lists idioms such as 濒临灭绝 with a
/// count of 3, so any count will do) or a single character
/// common as a word of its own (`上`, `中`, `里`: 50,000 or more). A clause
/// that ends a paragraph ends on a word; one that ends on a stray character
/// (`一批养色`, `科学技术突`) goes on, with characters lost by the OCR. True
/// when `s` does not end with a Han character.
pub(crate) fn ends_on_word(lex: &Lexicon, s: &str) -> bool {
    let mut tail: Vec<char> = s.chars().rev().take_while(|&c| is_han(c)).take(8).collect();
    if tail.is_empty() {
        return true;
    }
    tail.reverse();
    let (_, words) = lex.segment(&tail);
    words.last().is_some_and(|(r, freq)| {
        let f = freq.unwrap_or(0);
        if r.len() >= 2 {
            f > 0
        } else {
            f >= 50_000
        }
    })
}

#[cfg(test)]
mod tests {
    /// The run order is part of the behaviour (see [`super::REGISTRY`]):
    /// changing it must be a deliberate act.
    #[test]
    fn registry_order_is_pinned() {
        assert_eq!(
            super::ids(),
            ["repeats", "specks", "reflow", "punct", "units", "symbols", "spaces", "misread"]
        );
    }

    /// `--explain` prints one line per rule: every description is one line,
    /// and rule ids are unique within a pass.
    #[test]
    fn rule_descriptions_are_single_lines() {
        let rules = crate::rules::Rules::builtin().unwrap();
        for (id, build) in super::REGISTRY {
            let pass = build(rules).unwrap();
            assert!(!pass.about().contains('\n'), "{id}");
            let mut seen = std::collections::HashSet::new();
            for r in pass.rules() {
                assert!(!r.about.contains('\n'), "{id}/{}: {:?}", r.id, r.about);
                assert!(seen.insert(r.id), "{id}/{} listed twice", r.id);
            }
        }
    }
}
