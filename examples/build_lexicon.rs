//! Regenerates `rules/lexicon.fst` from the jieba dictionary and
//! `rules/words.tsv` (see `rules/lexicon.README.md`).
//!
//! ```text
//! cargo run --release --example build_lexicon -- [DICT [WORDS [OUT]]]
//! ```
//!
//! DICT defaults to a copy of jieba's `dict.txt` found on this machine
//! (`OCRFIX_JIEBA_DICT`, the `jieba` Python package, or a `jieba-rs` crate in
//! Cargo's registry), WORDS to `rules/words.tsv`, OUT to `rules/lexicon.fst`.

use anyhow::{Context as _, Result};
use ocrfix::lexicon::build;
use std::path::PathBuf;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dict = match args.first() {
        Some(p) => PathBuf::from(p),
        None => build::find_jieba_dict().context(
            "no jieba dict.txt found: pass its path, set OCRFIX_JIEBA_DICT, or `pip install jieba`",
        )?,
    };
    let words = PathBuf::from(args.get(1).map_or("rules/words.tsv", String::as_str));
    let out = PathBuf::from(args.get(2).map_or("rules/lexicon.fst", String::as_str));

    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let built = build::build(&read(&dict)?, &read(&words)?)?;
    std::fs::write(&out, &built.fst).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{}: {} words ({} from {}), total freq {}, min freq {}, longest {} chars, {} bytes (from {})",
        out.display(),
        built.words,
        built.added,
        words.display(),
        built.total,
        built.min_freq,
        built.max_chars,
        built.fst.len(),
        dict.display()
    );
    Ok(())
}
