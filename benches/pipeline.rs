//! Statistical benchmarks (divan): each pass alone and the whole default
//! pipeline, in process, one thread, throughput in bytes of input.
//!
//! ```text
//! cargo bench --bench pipeline                 # everything
//! cargo bench --bench pipeline -- corpus       # dev-corpus pages only
//! cargo bench --bench pipeline -- flavour      # whole pipeline per OCR flavour
//! cargo bench --bench pipeline -- pathological # 1 MB one-paragraph inputs
//! ```
//!
//! The dev-corpus pages are read at bench time from
//! `../shared/corpus/dev/pages` next to the crate (or `OCRFIX_PAGES`); they
//! are never copied into the repository. Without them the corpus benches
//! are skipped with a note and the pathological ones still run.
//!
//! The pathological inputs are composed here: 1 MB paragraphs (no line
//! break) of one repeated character, of a repeated 1,000-character unit, of
//! a million spaces and of a million ASCII punctuation marks. They measure
//! how each pass scales with paragraph length; `OCRFIX_PATHO_BYTES` shrinks
//! or grows them (default 1,000,000).

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use ocrfix::{Options, Pipeline, Rules, Selection};
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// The whole pipeline, then each pass in run order.
fn targets() -> Vec<&'static str> {
    let mut t = vec!["pipeline"];
    t.extend(ocrfix::passes::ids());
    t
}

/// A pipeline of all passes (`"pipeline"`) or of the one pass `id`.
fn pipeline(id: &str) -> Pipeline {
    let only = if id == "pipeline" {
        vec![]
    } else {
        vec![id.to_string()]
    };
    let sel = Selection { only, skip: vec![] };
    let rules = Rules::builtin().expect("built-in rules load");
    Pipeline::new(rules, &sel, Options::default()).expect("pipeline builds")
}

/// Every `*.txt` page of the dev corpus, as (flavour, text), sorted by name.
/// `None` (after one note on stderr) if the folder is not there.
fn pages() -> Option<&'static [(String, String)]> {
    static PAGES: OnceLock<Option<Vec<(String, String)>>> = OnceLock::new();
    PAGES
        .get_or_init(|| {
            let dir = std::env::var_os("OCRFIX_PAGES").map_or_else(
                || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dev/pages"),
                PathBuf::from,
            );
            let Ok(entries) = std::fs::read_dir(&dir) else {
                eprintln!(
                    "note: no dev corpus at {} (set OCRFIX_PAGES): corpus benches skipped",
                    dir.display()
                );
                return None;
            };
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            paths.sort();
            let pages: Vec<(String, String)> = paths
                .iter()
                .filter_map(|p| {
                    // NNN.FLAVOUR.txt
                    let stem = p.file_stem()?.to_str()?;
                    let flavour = stem.split_once('.').map_or(stem, |(_, f)| f);
                    Some((flavour.to_string(), std::fs::read_to_string(p).ok()?))
                })
                .collect();
            if pages.is_empty() {
                eprintln!(
                    "note: no pages in {}: corpus benches skipped",
                    dir.display()
                );
                return None;
            }
            Some(pages)
        })
        .as_deref()
}

/// Runs `p` over every page in `set` and benches the whole set as one
/// iteration (pages vary a lot; one page per iteration would be noisy).
fn bench_pages(bencher: Bencher, p: &Pipeline, set: &[&str]) {
    let bytes: usize = set.iter().map(|s| s.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench_local(|| {
        let mut out = 0usize;
        for page in set {
            out += p.run(black_box(page)).output.len();
        }
        out
    });
}

/// Each pass and the whole pipeline over all 200 dev-corpus pages (gold and
/// the four OCR flavours).
#[divan::bench(args = targets(), sample_count = 10, sample_size = 1)]
fn corpus(bencher: Bencher, target: &str) {
    let Some(pages) = pages() else { return };
    let p = pipeline(target);
    let set: Vec<&str> = pages.iter().map(|(_, t)| t.as_str()).collect();
    bench_pages(bencher, &p, &set);
}

/// The whole pipeline over the 40 pages of one flavour: clean text (gold)
/// costs differently from OCR output with broken lines and stray spaces.
#[divan::bench(
    args = ["gold", "tesseract", "rapidocr", "rapidocr-md", "loops"],
    sample_count = 10,
    sample_size = 1
)]
fn flavour(bencher: Bencher, flavour: &str) {
    let Some(pages) = pages() else { return };
    let p = pipeline("pipeline");
    let set: Vec<&str> = pages
        .iter()
        .filter(|(f, _)| f == flavour)
        .map(|(_, t)| t.as_str())
        .collect();
    bench_pages(bencher, &p, &set);
}

/// Size of each pathological input in bytes.
fn patho_bytes() -> usize {
    std::env::var("OCRFIX_PATHO_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// A 1,000-character unit of Chinese-looking text: Han characters from a
/// fixed list in a pseudo-random order, a comma every 7-16 characters and a
/// full stop every fourth clause. Deterministic; composed, not quoted.
fn unit_1000() -> String {
    const HAN: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";
    let han: Vec<char> = HAN.chars().collect();
    let mut state: u32 = 0x1234_5678;
    let mut next = |n: usize| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (state >> 8) as usize % n
    };
    let mut out = String::new();
    let (mut chars, mut clause, mut clauses) = (0, 0, 0);
    let mut clause_len = 7 + next(10);
    while chars < 1000 {
        if clause == clause_len && chars < 999 {
            clauses += 1;
            out.push(if clauses % 4 == 0 { '。' } else { '，' });
            clause = 0;
            clause_len = 7 + next(10);
        } else {
            out.push(han[next(han.len())]);
            clause += 1;
        }
        chars += 1;
    }
    out
}

/// The pathological input `kind`, one paragraph of about `patho_bytes()`
/// bytes ending in a newline.
fn pathological_input(kind: &str) -> String {
    let n = patho_bytes();
    let unit = match kind {
        "one_char" => "的".to_string(),
        "unit_1000" => unit_1000(),
        // Between two Han characters, where the spaces pass looks.
        "spaces" => return format!("中{}文\n", " ".repeat(n)),
        "ascii_punct" => ",.:;?!()\"'".to_string(),
        _ => unreachable!("unknown pathological input {kind}"),
    };
    let mut s = String::with_capacity(n + unit.len() + 1);
    if kind == "ascii_punct" {
        s.push('中');
    }
    while s.len() < n {
        s.push_str(&unit);
    }
    if kind == "ascii_punct" {
        s.push('文');
    }
    s.push('\n');
    s
}

/// Each pass and the whole pipeline over each 1 MB pathological paragraph.
/// Few samples: a slow case should show up, not stall the run.
#[divan::bench_group(sample_count = 3, sample_size = 1)]
mod pathological {
    use super::*;

    fn run(bencher: Bencher, kind: &str, target: &str) {
        let text = pathological_input(kind);
        let p = pipeline(target);
        bencher
            .counter(BytesCount::new(text.len()))
            .bench_local(|| p.run(black_box(&text)).output.len());
    }

    #[divan::bench(args = targets())]
    fn one_char(bencher: Bencher, target: &str) {
        run(bencher, "one_char", target);
    }

    #[divan::bench(args = targets())]
    fn unit_1000(bencher: Bencher, target: &str) {
        run(bencher, "unit_1000", target);
    }

    #[divan::bench(args = targets())]
    fn spaces(bencher: Bencher, target: &str) {
        run(bencher, "spaces", target);
    }

    #[divan::bench(args = targets())]
    fn ascii_punct(bencher: Bencher, target: &str) {
        run(bencher, "ascii_punct", target);
    }
}
