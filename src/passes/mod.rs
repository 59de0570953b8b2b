//! The passes and their one ordered registry.

use crate::document::Document;
use crate::edit::Edit;
use crate::rules::Rules;
use anyhow::Result;

pub mod punct;
pub mod reflow;
pub mod spaces;

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
}

/// Builds a pass from the loaded rule data.
pub type PassBuilder = fn(&Rules) -> Result<Box<dyn Pass>>;

/// Every pass, in run order. The order matters:
/// 1. `reflow` rebuilds paragraphs first: it reads the line structure (line
///    ends, the spaces a converter left at former line ends) before anything
///    else removes it.
/// 2. `spaces` removes the stray spaces left inside lines, so every later
///    pass sees whole words.
/// 3. `punct` judges each ASCII mark by its neighbours, so it runs after the
///    line joins (a mark at a former line end sees the text that follows it,
///    and a paragraph end is a real one) and after space removal (`你好 ,世界`
///    is seen as Chinese on both sides).
pub const REGISTRY: &[(&str, PassBuilder)] = &[
    (reflow::ID, reflow::build),
    (spaces::ID, spaces::build),
    (punct::ID, punct::build),
];

/// The ids of all passes, in run order.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|(id, _)| *id).collect()
}
