//! Figures for `rules/lexicon.README.md`: start-up, lookup rate,
//! segmentation and window-scoring throughput on dev-corpus pages.
//!
//! ```text
//! cargo run --release --example lexicon_bench -- [PAGES_DIR]
//! cargo run --release --example lexicon_bench -- --startup   # first lookup only
//! ```
//!
//! PAGES_DIR defaults to `../shared/corpus/dev/pages` (its `*.gold.txt`).

use fst::{IntoStreamer, Streamer};
use ocrfix::lexicon::{Lexicon, EMBEDDED_FST};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let t0 = Instant::now();
    let lex = Lexicon::embedded();
    let f = lex.freq("中心");
    let first = t0.elapsed();
    let again = Instant::now();
    let _ = black_box(Lexicon::embedded().freq("奋斗"));
    let again = again.elapsed();
    let arg = std::env::args().nth(1);
    if arg.as_deref() == Some("--startup") {
        println!("first lookup {:.1} µs", first.as_secs_f64() * 1e6);
        return;
    }
    println!(
        "lexicon.fst: {} bytes, {} words, total {}",
        EMBEDDED_FST.len(),
        lex.len(),
        lex.total()
    );
    println!(
        "Lexicon::embedded() + freq(中心)={f:?}: {:.1} µs from main; next lookup {:.2} µs",
        first.as_secs_f64() * 1e6,
        again.as_secs_f64() * 1e6
    );

    let t = Instant::now();
    let n = lex.prefix_words(&['中'], 0, 1).count();
    println!(
        "first prefix_words() (builds the table of CJK start nodes): {:.1} µs ({n} word)",
        t.elapsed().as_secs_f64() * 1e6
    );

    // Lookups: every 5th word of the map, and as many strings that are not
    // words (each word with its characters reversed, mostly misses).
    let map = fst::Map::new(EMBEDDED_FST).expect("embedded map");
    let mut words = Vec::new();
    let mut stream = map.into_stream();
    let mut i = 0usize;
    while let Some((k, _)) = stream.next() {
        if i % 5 == 0 && k.first() != Some(&0) {
            words.push(String::from_utf8_lossy(k).into_owned());
        }
        i += 1;
    }
    let misses: Vec<String> = words.iter().map(|w| w.chars().rev().collect()).collect();
    let mut hits = 0usize;
    let rounds = 5;
    let t = Instant::now();
    for _ in 0..rounds {
        for w in words.iter().chain(&misses) {
            hits += usize::from(lex.freq(black_box(w)).is_some());
        }
    }
    let n = rounds * (words.len() + misses.len());
    println!(
        "freq(): {:.1} M lookups/s ({n} lookups, {:.0}% hits)",
        rate(n, t.elapsed()) / 1e6,
        100.0 * hits as f64 / n as f64
    );

    let dir = arg.unwrap_or_else(|| "../shared/corpus/dev/pages".to_string());
    let mut pages: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(listing) => {
            let mut paths: Vec<_> = listing
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".gold.txt"))
                .collect();
            paths.sort();
            paths
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect()
        }
        Err(e) => {
            println!("no pages in {dir}: {e}; skipping text figures");
            return;
        }
    };
    pages.retain(|p| !p.is_empty());
    let bytes: usize = pages.iter().map(String::len).sum();
    let texts: Vec<Vec<char>> = pages.iter().map(|p| p.chars().collect()).collect();
    let chars: usize = texts.iter().map(Vec::len).sum();
    println!(
        "{} pages of {dir}: {bytes} bytes, {chars} chars",
        pages.len()
    );

    let t = Instant::now();
    let mut found = 0usize;
    for text in &texts {
        for start in 0..text.len() {
            found += lex.prefix_words(text, start, usize::MAX).count();
        }
    }
    println!(
        "prefix_words(): {:.2} M positions/s ({:.2} words per position)",
        rate(chars, t.elapsed()) / 1e6,
        found as f64 / chars as f64
    );

    // Whole pages at once and line by line: the route is one allocation per
    // call either way.
    let t = Instant::now();
    let mut score = 0.0;
    for text in &texts {
        score += lex.best_segmentation(text).0;
    }
    let el = t.elapsed();
    println!(
        "best_segmentation(), whole pages: {:.2} MB/s, {:.2} M chars/s (sum of log-probs {score:.0})",
        rate(bytes, el) / 1e6,
        rate(chars, el) / 1e6
    );
    let lines: Vec<Vec<char>> = pages
        .iter()
        .flat_map(|p| p.lines())
        .map(|l| l.chars().collect())
        .collect();
    let t = Instant::now();
    for line in &lines {
        black_box(lex.best_segmentation(line));
    }
    println!(
        "best_segmentation(), line by line: {:.2} MB/s",
        rate(bytes, t.elapsed()) / 1e6
    );

    // What the misread pass will do: at every CJK character, ten candidate
    // characters, each scored in a window of four characters either side.
    let candidates: Vec<char> = "干于宜官城域入人的是".chars().collect();
    let t = Instant::now();
    let mut scored = 0usize;
    for text in &texts {
        for pos in 0..text.len() {
            if !('\u{4e00}'..='\u{9fff}').contains(&text[pos]) {
                continue;
            }
            let window = pos.saturating_sub(4)..(pos + 5).min(text.len());
            black_box(lex.score(&text[window.clone()]));
            for &c in &candidates {
                black_box(lex.score_with(text, window.clone(), pos, c));
                scored += 1;
            }
        }
    }
    let el = t.elapsed();
    println!(
        "score_with(), 9-char windows: {:.2} M candidates/s, a page of 2,000 CJK chars × 10 candidates in {:.1} ms",
        rate(scored, el) / 1e6,
        2_000.0 * 10.0 / rate(scored, el) * 1e3
    );
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}
