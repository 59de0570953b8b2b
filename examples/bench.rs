//! In-process throughput of the default pipeline over a folder of pages.
//!
//! ```text
//! cargo run --release --example bench -- ../shared/corpus/dev/pages [ROUNDS] [TARGETS]
//! ```
//! Reads every `*.txt` under the folder once, then runs the pipeline over
//! all of them ROUNDS times (default 5) and prints MB/s per pass and for the
//! whole pipeline (single thread). TARGETS is a comma-separated list of
//! `pipeline` and pass ids (default: all). The quick, dependency-free figure
//! behind README and `tools/compare.py`; `cargo bench` (benches/pipeline.rs)
//! gives the statistics and the pathological inputs.

use ocrfix::{Options, Pipeline, Rules, Selection};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/corpus/dev/pages".into());
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let targets: Option<Vec<String>> = args
        .next()
        .map(|s| s.split(',').map(str::to_string).collect());
    let mut pages = Vec::new();
    for e in std::fs::read_dir(&dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "txt") {
            pages.push(std::fs::read_to_string(&p)?);
        }
    }
    let bytes: usize = pages.iter().map(String::len).sum();
    println!(
        "{} pages, {:.2} MB, {rounds} rounds",
        pages.len(),
        bytes as f64 / 1e6
    );
    let rules = Rules::embedded()?;
    let mut ids: Vec<Option<&str>> = vec![None];
    ids.extend(ocrfix::passes::ids().into_iter().map(Some));
    for id in ids {
        let name = id.unwrap_or("pipeline");
        if targets
            .as_ref()
            .is_some_and(|t| !t.iter().any(|x| x == name))
        {
            continue;
        }
        let sel = Selection {
            only: id.map(|i| vec![i.to_string()]).unwrap_or_default(),
            skip: vec![],
        };
        let p = Pipeline::new(&rules, &sel, Options::default())?;
        let t = Instant::now();
        let mut edits = 0;
        for _ in 0..rounds {
            for page in &pages {
                edits += p.run(page).changes.len();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{:<10} {:>8.1} MB/s  ({} changes per round)",
            name,
            (bytes * rounds) as f64 / 1e6 / secs,
            edits / rounds
        );
    }
    Ok(())
}
