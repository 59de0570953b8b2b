//! Walks `fixtures/`: every `<dir>/<case>.in.txt` must become
//! `<dir>/<case>.out.txt`. In `fixtures/pipeline/` all passes run; in any
//! other folder only the pass named like the folder. A `<case>.diff` next to
//! them, if present, must equal the marked diff. Set `OCRFIX_BLESS=1` to
//! (re)write the expected files from the current output.

use ocrfix::report::{self, DiffStyle, Place};
use ocrfix::{Options, Pipeline, Rules, Selection};
use std::path::Path;

fn pipeline_for(dir: &str) -> Pipeline {
    let sel = if dir == "pipeline" {
        Selection::default()
    } else {
        Selection {
            only: vec![dir.to_string()],
            skip: vec![],
        }
    };
    Pipeline::new(
        Rules::builtin().expect("built-in rules load"),
        &sel,
        Options::default(),
    )
    .expect("pipeline builds")
}

#[test]
fn fixture_pairs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let bless = std::env::var_os("OCRFIX_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/ exists")
        .flatten()
        .collect();
    dirs.sort_by_key(|d| d.file_name());
    for dir in dirs.into_iter().filter(|d| d.path().is_dir()) {
        let name = dir.file_name().to_string_lossy().to_string();
        let p = pipeline_for(&name);
        let mut cases: Vec<_> = std::fs::read_dir(dir.path())
            .expect("readable")
            .flatten()
            .map(|e| e.path())
            .collect();
        cases.sort();
        for input in cases
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".in.txt"))
        {
            let stem = input
                .to_string_lossy()
                .trim_end_matches(".in.txt")
                .to_string();
            let text = std::fs::read_to_string(input).expect("fixture is UTF-8");
            let out = p.run(&text);
            let expected_path = format!("{stem}.out.txt");
            if bless {
                std::fs::write(&expected_path, &out.output).expect("write");
            }
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("missing {expected_path}"));
            count += 1;
            if out.output != expected {
                failures.push(format!(
                    "{stem}:\n  got:  {:?}\n  want: {:?}",
                    out.output, expected
                ));
            }
            // Fixing the fixed text changes nothing.
            let again = p.run(&out.output);
            if again.output != out.output {
                failures.push(format!(
                    "{stem}: not idempotent:\n  1st: {:?}\n  2nd: {:?}",
                    out.output, again.output
                ));
            }
            let diff_path = format!("{stem}.diff");
            if Path::new(&diff_path).exists() {
                let place = Place {
                    path: "case.txt",
                    input: &text,
                    first_line: 0,
                    offset: 0,
                };
                let d = report::diff(place, &out, DiffStyle::Marked);
                if bless {
                    std::fs::write(&diff_path, &d).expect("write");
                }
                let want = std::fs::read_to_string(&diff_path).expect("readable");
                if d != want {
                    failures.push(format!("{stem}.diff differs:\n{d}"));
                }
            }
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} of {count} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
