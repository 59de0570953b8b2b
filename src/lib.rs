//! ocrfix: clean up OCR output of scanned newspaper pages, Chinese first.
//!
//! A [`Pipeline`] of passes proposes [`Edit`]s with reasons; one apply step
//! turns them into the corrected text, and every report (diff, JSON, GitHub
//! annotations) is a view of the same list. The library never prints.
//!
//! ```
//! let pipeline = ocrfix::Pipeline::default_pipeline().unwrap();
//! let out = pipeline.run("动员全区上下提效率 争先锋。");
//! assert_eq!(out.output, "动员全区上下提效率争先锋。");
//! assert_eq!(out.changes[0].edits[0].pass, "spaces");
//! ```

pub mod changes;
pub mod chars;
pub mod document;
pub mod edit;
pub mod eval;
pub mod hunks;
pub mod jsonl;
pub mod learn;
pub mod lexicon;
pub mod passes;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod text_io;

pub use changes::Change;
pub use edit::{Edit, EditKind};
pub use passes::{Options, QuoteStyle, Selection};
pub use pipeline::{Outcome, Pipeline, Suggestion};
pub use rules::Rules;
