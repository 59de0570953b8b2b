//! Regenerates `rules/lexicon.fst` from the jieba dictionary and
//! `rules/words.tsv`, and `rules/lexicon.dat` (the same words as a double
//! array, see `src/lexicon/dat.rs`) from the new map (see
//! `rules/lexicon.README.md`).
//!
//! ```text
//! cargo run --release --example build_lexicon -- [DICT [WORDS [OUT]]]
//! cargo run --release --example build_lexicon -- --dat-only [OUT]
//! ```
//!
//! DICT defaults to a copy of jieba's `dict.txt` found on this machine
//! (`OCRFIX_JIEBA_DICT`, the `jieba` Python package, or a `jieba-rs` crate in
//! Cargo's registry), WORDS to `rules/words.tsv`, OUT to `rules/lexicon.fst`;
//! the array goes beside OUT with the extension `.dat`. `--dat-only`
//! rebuilds just the array from the map OUT as it stands.

use anyhow::{Context as _, Result};
use ocrfix::lexicon::build;
use std::path::PathBuf;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--dat-only") {
        let out = PathBuf::from(args.get(1).map_or("rules/lexicon.fst", String::as_str));
        let fst = std::fs::read(&out).with_context(|| format!("cannot read {}", out.display()))?;
        return write_dat(&out, &fst);
    }
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
    write_dat(&out, &built.fst)
}

/// Writes the double array of the map `fst` beside `out` (`.dat`).
fn write_dat(out: &std::path::Path, fst: &[u8]) -> Result<()> {
    let path = out.with_extension("dat");
    let bytes = ocrfix::lexicon::dat::file_for(fst)?;
    std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}: {} bytes", path.display(), bytes.len());
    Ok(())
}
