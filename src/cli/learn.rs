//! `ocrfix learn`: learn OCR confusions from proofread pages (the work is in
//! `ocrfix::learn`).

use anyhow::{bail, Result};
use clap::Args;
use ocrfix::eval::metrics::Prep;
use ocrfix::eval::{gold_pattern_for, id_selected, ids_in, read_text, Pattern};
use ocrfix::learn::{self, PagePair};
use ocrfix::Rules;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "Aligns each OCR page to its gold and counts the character confusions; writes \
confusions.tsv (pairs with ocr:N), context.tsv (a substitution in a context whose wrong form never \
occurs in the gold; only when there is one) and learned.md (what was kept and dropped, and the \
punctuation and spacing habits, which no rule table takes). A pair or rule is kept only when seen \
--min-count times and when the pipeline with it leaves the gold pages unchanged.\n\n\
Example:\n  ocrfix learn --gold pages --ocr pages --ocr-pattern tesseract -o rules/learned/\n  \
ocrfix --rules rules/learned/ scan.txt"
)]
pub struct LearnArgs {
    /// Folder of gold (proofread) pages.
    #[arg(long, value_name = "DIR")]
    pub gold: PathBuf,

    /// Folder of the raw OCR of the same pages.
    #[arg(long, value_name = "DIR")]
    pub ocr: PathBuf,

    /// Where to write the rules folder.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// Gold file pattern [default: {id}.gold.txt if such files exist, else {id}.txt].
    #[arg(long, value_name = "PATTERN")]
    pub gold_pattern: Option<String>,

    /// OCR file pattern (repeatable: several engines' output of the same
    /// pages all count).
    #[arg(
        long = "ocr-pattern",
        value_name = "PATTERN",
        default_value = "{id}.txt"
    )]
    pub ocr_patterns: Vec<String>,

    /// Only pages whose id is in this list (comma-separated, or a range
    /// `001-020`).
    #[arg(long, value_name = "IDS")]
    pub pages: Option<String>,

    /// Keep a confusion or context rule only when seen at least N times.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_count: usize,

    /// Rules folders the learned layer goes on top of (as for `ocrfix
    /// --rules`); the gold check runs with them.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(a: &LearnArgs) -> Result<u8> {
    if !a.gold.is_dir() || !a.ocr.is_dir() {
        bail!("--gold and --ocr must be folders");
    }
    if a.min_count == 0 {
        bail!("--min-count must be at least 1");
    }
    let prep = Prep { fold_width: false };
    let gp = gold_pattern_for(
        &a.gold,
        a.gold_pattern.as_deref().map(Pattern::new).as_ref(),
    )?;
    let mut ids = ids_in(&a.gold, &gp)?;
    if let Some(spec) = &a.pages {
        ids.retain(|id| id_selected(spec, id));
    }
    if ids.is_empty() {
        bail!(
            "no gold pages matching {} in {}",
            gp.as_str(),
            a.gold.display()
        );
    }
    let mut pages = Vec::new();
    let mut golds = Vec::new();
    let mut missing = Vec::new();
    for id in &ids {
        let gold = read_text(&a.gold.join(gp.file(id)), prep)?;
        for p in &a.ocr_patterns {
            let path = a.ocr.join(Pattern::new(p).file(id));
            if !path.is_file() {
                missing.push(path.display().to_string());
                continue;
            }
            pages.push(PagePair {
                id: id.clone(),
                gold: gold.clone(),
                ocr: read_text(&path, prep)?,
            });
        }
        golds.push(gold);
    }
    if !missing.is_empty() {
        bail!(
            "{} OCR file(s) missing, e.g. {}",
            missing.len(),
            missing
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut base = Rules::embedded()?;
    for dir in &a.rules {
        base.extend_from_dir(dir)?;
    }
    let source = format!(
        "{} pages of {} ({}) against {}",
        ids.len(),
        a.ocr.display(),
        a.ocr_patterns.join(", "),
        a.gold.display()
    );
    let obs = learn::observe(&pages);
    let mut learned = learn::select(&obs, &base, a.min_count);
    let rounds = learn::check_against_gold(&mut learned, &base, &golds)?;
    learned.write(&a.output, &source)?;
    let md = learn::summary_md(&obs, &learned, a.min_count, &source);
    std::fs::write(a.output.join("learned.md"), md)?;
    if !a.quiet {
        eprintln!(
            "ocrfix learn: {} pages; {} confusion pairs and {} context rules written to {} ({} seen below --min-count {}, {} dropped by the gold check in {} round(s))",
            ids.len(),
            learned.pairs.len(),
            learned.contexts.len(),
            a.output.display(),
            learned.below_min,
            a.min_count,
            learned.rejected.len(),
            rounds
        );
    }
    Ok(super::OK)
}
