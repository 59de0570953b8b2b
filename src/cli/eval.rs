//! `ocrfix eval`: score candidate texts against gold (the work is in
//! `ocrfix::eval`).

use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};
use ocrfix::eval::metrics::{ParaSep, Prep};
use ocrfix::eval::{self, Config, Pattern, System};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// A table for the terminal.
    Table,
    /// One JSON document (per page and totals), for CI dashboards.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sep {
    /// A blank line separates paragraphs.
    Blank,
    /// Every line break separates paragraphs.
    Newline,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Files are paired by an id: the gold pattern picks the ids from the gold \
folder's file names, the candidate and OCR patterns name the files to compare. A pattern contains \
{id}; a bare NAME means {id}.NAME.txt.\n\n\
Exit codes: 0 scored; 2 an error (unreadable or missing files, bad arguments).\n\n\
Example (dev corpus, ocrfix's output for the Tesseract flavour in out/):\n  \
ocrfix eval --gold corpus/dev/pages out --ocr corpus/dev/pages --ocr-pattern tesseract --group-by severity"
)]
pub struct EvalArgs {
    /// Folder of gold (proofread) texts, or one gold file.
    #[arg(long, value_name = "GOLD")]
    pub gold: PathBuf,

    /// Candidate folders (or, with a gold file, candidate files) to score.
    #[arg(required = true, value_name = "CANDIDATE")]
    pub candidates: Vec<PathBuf>,

    /// Candidate file pattern (repeatable: each pattern is scored as its own
    /// system).
    #[arg(
        short,
        long = "pattern",
        value_name = "PATTERN",
        default_value = "{id}.txt"
    )]
    pub patterns: Vec<String>,

    /// Gold file pattern [default: {id}.gold.txt if such files exist, else {id}.txt].
    #[arg(long, value_name = "PATTERN")]
    pub gold_pattern: Option<String>,

    /// Folder of the raw OCR the candidates were made from: also classify
    /// the candidates' edits as fixed, introduced or neutral.
    #[arg(long, value_name = "DIR")]
    pub ocr: Option<PathBuf>,

    /// Raw OCR file pattern.
    #[arg(
        long,
        value_name = "PATTERN",
        default_value = "{id}.txt",
        requires = "ocr"
    )]
    pub ocr_pattern: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: EvalFormat,

    /// Only the totals (and groups), no row per page.
    #[arg(long)]
    pub totals_only: bool,

    /// Also write an HTML report with the aligned differences side by side.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,

    /// Open the HTML report in a browser ($BROWSER, else xdg-open).
    #[arg(long, requires = "html")]
    pub open: bool,

    /// What separates paragraphs.
    #[arg(long, value_enum, default_value = "blank")]
    pub para_sep: Sep,

    /// Score the width of full-width digits, letters and symbols such as ％／
    /// too (by default they are folded to ASCII; Chinese punctuation never is).
    #[arg(long)]
    pub no_fold_width: bool,

    /// Totals per value of this manifest column too (e.g. severity).
    #[arg(long, value_name = "COLUMN")]
    pub group_by: Option<String>,

    /// Only pages whose id is in this list (comma-separated ids or ranges
    /// such as `021-040`).
    #[arg(long, value_name = "IDS")]
    pub pages: Option<String>,

    /// Manifest: TSV with a `page` column of ids [default: GOLD/../manifest.tsv].
    #[arg(long, value_name = "PATH", requires = "group_by")]
    pub manifest: Option<PathBuf>,
}

fn dir_label(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

pub fn config(a: &EvalArgs) -> Result<Config> {
    let single = a.gold.is_file();
    if !single && !a.gold.is_dir() {
        bail!("gold {} is neither a file nor a folder", a.gold.display());
    }
    let patterns: Vec<Pattern> = a.patterns.iter().map(|p| Pattern::new(p)).collect();
    let mut systems = Vec::new();
    for dir in &a.candidates {
        if single {
            if !dir.is_file() {
                bail!(
                    "with a gold file, candidates must be files: {} is not a file",
                    dir.display()
                );
            }
        } else if !dir.is_dir() {
            bail!(
                "with a gold folder, candidates must be folders: {} is not a folder",
                dir.display()
            );
        }
        for p in &patterns {
            let name = if single || patterns.len() == 1 {
                dir_label(dir)
            } else if a.candidates.len() > 1 {
                format!("{}:{}", dir_label(dir), p.label())
            } else {
                p.label()
            };
            systems.push(System {
                name,
                dir: dir.clone(),
                pattern: p.clone(),
            });
            if single {
                break;
            }
        }
    }
    let manifest = match &a.group_by {
        Some(col) => {
            let path = match &a.manifest {
                Some(p) => p.clone(),
                None => {
                    let base = if single {
                        a.gold.parent().map(PathBuf::from).unwrap_or_default()
                    } else {
                        a.gold.clone()
                    };
                    base.join("..").join("manifest.tsv")
                }
            };
            Some((path, col.clone()))
        }
        None => None,
    };
    Ok(Config {
        gold: a.gold.clone(),
        gold_pattern: a.gold_pattern.as_deref().map(Pattern::new),
        systems,
        ocr: a.ocr.clone().map(|d| (d, Pattern::new(&a.ocr_pattern))),
        prep: Prep {
            fold_width: !a.no_fold_width,
        },
        para_sep: match a.para_sep {
            Sep::Blank => ParaSep::Blank,
            Sep::Newline => ParaSep::Newline,
        },
        manifest,
        pages: a.pages.clone(),
    })
}

fn open_in_browser(path: &std::path::Path) -> Result<()> {
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "xdg-open".into());
    std::process::Command::new(&browser)
        .arg(path)
        .spawn()
        .with_context(|| format!("cannot start {browser} to open {}", path.display()))?;
    Ok(())
}

pub fn run(a: &EvalArgs) -> Result<u8> {
    let cfg = config(a)?;
    let report = eval::evaluate(&cfg)?;
    let out = match a.format {
        EvalFormat::Table => report.to_table(a.totals_only),
        EvalFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report.to_json())?;
            s.push('\n');
            s
        }
    };
    if let Some(path) = &a.html {
        std::fs::write(path, eval::html::render(&report))
            .with_context(|| format!("cannot write {}", path.display()))?;
        if a.open {
            open_in_browser(path)?;
        }
    }
    use std::io::Write as _;
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(out.as_bytes()).and_then(|_| lock.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).context("cannot write to standard output"),
    }
    Ok(super::OK)
}
