//! Command-line arguments.

use clap::{Parser, Subcommand, ValueEnum};
use ocrfix::text_io::InputEncoding;
use std::path::PathBuf;

pub const EXIT_HELP: &str = "\
Exit codes:
  0  success; with --check: nothing would change
  1  --check only: at least one file would change
  2  an error: unreadable or invalid input, bad rules, bad arguments
     (the other files are still processed); with --jsonl, also when a
     line was rejected (the other lines are still processed)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Corrected text (pipe and single files); with --check, one line per edit.
    Text,
    /// Unified diff with the changed characters marked inside each line.
    Diff,
    /// Plain unified diff that `patch` / `git apply` accept.
    Patch,
    /// JSON Lines, one object per edit or suggestion.
    Json,
    /// GitHub Actions annotations.
    Github,
}

/// How the `punct` pass writes quotation marks in Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Quotes {
    /// “ ” and ‘ ’ (mainland usage).
    Curly,
    /// 「 」 and 『 』 (Taiwan, Hong Kong).
    Corner,
}

impl From<Quotes> for ocrfix::QuoteStyle {
    fn from(q: Quotes) -> Self {
        match q {
            Quotes::Curly => ocrfix::QuoteStyle::Curly,
            Quotes::Corner => ocrfix::QuoteStyle::Corner,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

/// Clean up OCR output of scanned newspaper pages, Chinese first: stray
/// spaces and broken line wraps, repetition loops, misread characters and
/// half-width punctuation. Every edit says which pass and rule made it, and
/// why.
///
/// With no PATH (or `-`), reads standard input and writes the corrected text
/// to standard output.
#[derive(Debug, Parser)]
#[command(
    name = "ocrfix",
    version,
    after_help = EXIT_HELP,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct Args {
    /// `eval` and `learn` (a file literally named `eval` or `learn` is
    /// written `./eval`).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or folders to fix; `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,

    /// Write corrected copies under DIR, mirroring the input tree.
    #[arg(short, long, value_name = "DIR", conflicts_with_all = ["write", "check"])]
    pub output: Option<PathBuf>,

    /// Rewrite files in place (atomically: temp file + rename).
    #[arg(short, long, conflicts_with = "check")]
    pub write: bool,

    /// Change nothing; exit 1 if any file would change.
    #[arg(long)]
    pub check: bool,

    /// Same as --format diff.
    #[arg(long, conflicts_with = "format")]
    pub diff: bool,

    /// What to print on standard output.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Colour the diff.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Colour,

    /// Worker threads for folders and standard input (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// File extensions a folder walk takes (comma-separated; `*` for all).
    #[arg(long, value_name = "LIST", default_value = "txt,md,markdown,text")]
    pub ext: String,

    /// Also take hidden files and folders in a walk.
    #[arg(long)]
    pub hidden: bool,

    /// A folder of rule files loaded on top of the built-in rules (repeatable).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Start from no rules at all (use with --rules).
    #[arg(long)]
    pub no_default_rules: bool,

    /// Run only these passes (comma-separated ids; see --explain).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub pass: Vec<String>,

    /// Skip these passes (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,

    /// Fixes below this confidence (0–1) are reported as suggestions.
    #[arg(long, value_name = "X", default_value_t = 0.5)]
    pub min_confidence: f32,

    /// Quotation marks the punct pass writes in Chinese text. For half-width
    /// punctuation throughout, switch the pass off with `--skip punct`.
    #[arg(long, value_enum, value_name = "STYLE", default_value = "curly")]
    pub quotes: Quotes,

    /// Apply nothing; report every edit as a suggestion.
    #[arg(long)]
    pub suggest_only: bool,

    /// Input encoding: utf-8, gb18030, gbk or big5. Output is UTF-8.
    #[arg(long, value_name = "NAME", default_value = "utf-8")]
    pub encoding: InputEncoding,

    /// Describe every pass and rule, and the rule files, then exit.
    #[arg(long, visible_alias = "list-rules")]
    pub explain: bool,

    /// Read JSON Lines and correct the string at FIELD of each record (a
    /// dotted path for nested fields, e.g. page.text); every other byte of
    /// the record stays as it was. Reads standard input or the files named.
    #[arg(long, value_name = "FIELD", conflicts_with_all = ["output", "write", "diff", "explain"])]
    pub jsonl: Option<ocrfix::jsonl::FieldPath>,

    /// With --jsonl: add the list of edits to each record as the top-level
    /// field NAME (last; in place if the record has one).
    #[arg(
        long,
        value_name = "NAME",
        requires = "jsonl",
        conflicts_with = "check"
    )]
    pub jsonl_edits: Option<String>,

    /// With --jsonl: write rejected lines to PATH instead of passing them
    /// through unchanged.
    #[arg(long, value_name = "PATH", requires = "jsonl")]
    pub rejects: Option<PathBuf>,

    /// No summary or notes on standard error (errors still print).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score texts against proofread gold: character error rates, paragraph
    /// breaks, and (with --ocr) what the cleanup's edits did.
    Eval(crate::cli::eval::EvalArgs),
    /// Learn an archive's OCR confusions from proofread pages and write them
    /// as a rules folder for --rules.
    Learn(crate::cli::learn::LearnArgs),
}
