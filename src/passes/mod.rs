//! The passes and their one ordered registry.

use crate::document::Document;
use crate::edit::Edit;
use crate::rules::Rules;
use anyhow::Result;

pub mod misread;
pub mod reflow;
pub mod repeats;
pub mod spaces;

/// Options every pass may read. Passes never read global state.
#[derive(Debug, Clone)]
pub struct Options {
    /// Fixes below this confidence are reported as suggestions instead.
    pub min_confidence: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: 0.5,
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
}

/// Builds a pass from the loaded rule data.
pub type PassBuilder = fn(&Rules) -> Result<Box<dyn Pass>>;

/// Every pass, in run order. The order matters:
/// 1. `repeats` removes repetition loops first: a loop inflates the width of
///    the printed lines it sits in, which would mislead `reflow`'s column
///    width detection (and a loop cut by a line end would be harder to see
///    once `reflow` joined the lines differently).
/// 2. `reflow` rebuilds paragraphs next: it reads the line structure (line
///    ends, the spaces a converter left at former line ends) before anything
///    else removes it.
/// 3. `spaces` removes the stray spaces left inside lines, so every later
///    pass sees whole words.
/// 4. `misread` scores words, so it needs the lines joined and the spaces
///    gone (`中心域 区` is one word to it).
pub const REGISTRY: &[(&str, PassBuilder)] = &[
    (repeats::ID, repeats::build),
    (reflow::ID, reflow::build),
    (spaces::ID, spaces::build),
    (misread::ID, misread::build),
];

/// The ids of all passes, in run order.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|(id, _)| *id).collect()
}
