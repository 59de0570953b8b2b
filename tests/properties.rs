//! Invariants over arbitrary and mutated input: no panic, the reported
//! changes rebuild the output exactly, text without Chinese passes through
//! untouched, and fixing fixed text changes nothing.
#![allow(clippy::unwrap_used)]

use ocrfix::Pipeline;
use proptest::prelude::*;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::default_pipeline().unwrap())
}

/// Rebuilds the output from the input and the changes alone.
fn rebuild(input: &str, out: &ocrfix::Outcome) -> String {
    let mut s = String::new();
    let mut pos = 0;
    for c in &out.changes {
        assert!(c.input.start >= pos, "changes overlap or are unsorted");
        s.push_str(&input[pos..c.input.start]);
        s.push_str(&out.output[c.output.clone()]);
        pos = c.input.end;
    }
    s.push_str(&input[pos..]);
    s
}

/// Pieces real OCR pages are made of: Chinese prose, punctuation of both
/// widths, stray spaces and line breaks, digits, Latin, Markdown.
fn ocr_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("提效率".to_string()),
        Just("争先锋".to_string()),
        Just("宜居宜业幸福张店".to_string()),
        Just("全区广大党员干部群众聚为".to_string()),
        Just("。".to_string()),
        Just("，".to_string()),
        Just("、".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just(":".to_string()),
        Just(" ".to_string()),
        Just("\u{3000}".to_string()),
        Just("\u{3000}\u{3000}".to_string()),
        Just("\t".to_string()),
        Just("\u{a0}".to_string()),
        Just("\r\n".to_string()),
        Just("172C".to_string()),
        Just("一9℃／".to_string()),
        Just("１２".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("## ".to_string()),
        Just("**".to_string()),
        Just("记者 ".to_string()),
        Just("10.4".to_string()),
        Just("2023年".to_string()),
        Just("Rust ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        "[\\u{4e00}-\\u{4e20}]{1,14}",
    ]
}

/// Applies a unified diff (`ocrfix --format patch`) to `input`, as `patch`
/// would: hunks in order, context and removed lines checked against the input.
fn apply_patch(input: &str, diff: &str) -> String {
    let old: Vec<&str> = input.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0; // next input line
    let mut last_pushed = false; // the previous diff line wrote to `out`
    for l in diff.split('\n').skip(2) {
        if let Some(h) = l.strip_prefix("@@ -") {
            let (a, rest) = h.split_once(',').unwrap();
            let len: usize = rest.split_once(' ').unwrap().0.parse().unwrap();
            let a: usize = a.parse().unwrap();
            let start = if len == 0 { a } else { a - 1 };
            for o in &old[at..start] {
                out.push_str(o);
            }
            at = start;
        } else if let Some(t) = l.strip_prefix(' ') {
            assert_eq!(old[at].trim_end_matches('\n'), t, "context line");
            out.push_str(t);
            out.push('\n');
            at += 1;
            last_pushed = true;
        } else if let Some(t) = l.strip_prefix('-') {
            assert_eq!(old[at].trim_end_matches('\n'), t, "removed line");
            at += 1;
            last_pushed = false;
        } else if let Some(t) = l.strip_prefix('+') {
            out.push_str(t);
            out.push('\n');
            last_pushed = true;
        } else if l.starts_with('\\') && last_pushed {
            out.pop();
        }
    }
    for o in &old[at..] {
        out.push_str(o);
    }
    out
}

fn ocr_text() -> impl Strategy<Value = String> {
    prop::collection::vec(ocr_piece(), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_never_panics_and_changes_rebuild_output(s in "\\PC*") {
        let out = pipeline().run(&s);
        prop_assert_eq!(rebuild(&s, &out), out.output.clone());
    }

    #[test]
    fn ocr_like_text_changes_rebuild_output(s in ocr_text()) {
        let out = pipeline().run(&s);
        prop_assert_eq!(rebuild(&s, &out), out.output.clone());
        for sug in &out.suggestions {
            prop_assert!(sug.input.end <= s.len() && s.is_char_boundary(sug.input.start));
        }
    }

    #[test]
    fn patch_view_turns_input_into_output(s in ocr_text()) {
        let out = pipeline().run(&s);
        let place = ocrfix::report::Place { path: "p", input: &s, first_line: 0, offset: 0 };
        let d = ocrfix::report::diff(place, &out, ocrfix::report::DiffStyle::Patch);
        prop_assert_eq!(apply_patch(&s, &d), out.output.clone());
        let marked = ocrfix::report::diff(place, &out, ocrfix::report::DiffStyle::Marked);
        prop_assert_eq!(d.is_empty(), marked.lines().all(|l| l.starts_with("# suggestion")));
    }

    #[test]
    fn ocr_like_text_is_idempotent(s in ocr_text()) {
        let once = pipeline().run(&s).output;
        let twice = pipeline().run(&once).output;
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn text_without_chinese_passes_through(s in "[ -~\\n\\t]{0,300}") {
        prop_assert_eq!(pipeline().run(&s).output, s);
    }
}

// ---------------------------------------------------------------------------
// Mutated real pages: the repository's sample page and fixture inputs (and
// the dev corpus pages when `../shared/corpus` is beside the repository),
// cut into snippets and mutated the way OCR damages text.

fn pages() -> &'static Vec<String> {
    static P: OnceLock<Vec<String>> = OnceLock::new();
    P.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("examples/zibo-excerpt.md")];
        for dir in std::fs::read_dir(root.join("fixtures")).unwrap().flatten() {
            for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
                if f.path().to_string_lossy().ends_with(".in.txt") {
                    files.push(f.path());
                }
            }
        }
        // Read in place at test time, never copied into the repository.
        let corpus = root.join("../shared/corpus/dev/pages");
        if let Ok(rd) = std::fs::read_dir(&corpus) {
            let mut more: Vec<_> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            more.sort();
            files.extend(more.into_iter().take(60));
        }
        files.sort();
        files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .filter(|t| !t.is_empty())
            .collect()
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, &'static str),
    Replace(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let piece = prop_oneof![
        Just(","),
        Just("."),
        Just(" "),
        Just("\n"),
        Just("\n\n"),
        Just("\""),
        Just("("),
        Just(")"),
        Just("·"),
        Just("..."),
        Just("于"),
        Just("干"),
        Just("**"),
        Just("# "),
        Just("|"),
        Just("\u{feff}"),
        Just("\r"),
    ];
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 1..80usize).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        (any::<usize>(), piece.clone()).prop_map(|(a, p)| Mutation::Insert(a, p)),
        (any::<usize>(), piece).prop_map(|(a, p)| Mutation::Replace(a, p)),
    ]
}

/// The char boundary at or before `at % (len + 1)`.
fn boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(mut s: String, muts: &[Mutation]) -> String {
    for m in muts {
        match *m {
            Mutation::Delete(a, n) => {
                let a = boundary(&s, a);
                let b = boundary(&s, a + n * 3);
                if b > a {
                    s.replace_range(a..b, "");
                }
            }
            Mutation::Duplicate(a, n) => {
                let a = boundary(&s, a);
                let b = boundary(&s, a + n * 3).max(a);
                let copy = s[a..b].to_string();
                s.insert_str(b, &copy);
            }
            Mutation::Insert(a, p) => {
                let a = boundary(&s, a);
                s.insert_str(a, p);
            }
            Mutation::Replace(a, p) => {
                let a = boundary(&s, a);
                let b = s[a..].chars().next().map_or(a, |c| a + c.len_utf8());
                s.replace_range(a..b, p);
            }
        }
    }
    s
}

/// A snippet of a page (up to ~3 KB starting anywhere) with 0–12 mutations.
fn mutated_page() -> impl Strategy<Value = String> {
    (
        any::<usize>(),
        any::<usize>(),
        200..3000usize,
        prop::collection::vec(mutation(), 0..12),
    )
        .prop_map(|(which, at, len, muts)| {
            let p = &pages()[which % pages().len()];
            let a = boundary(p, at);
            let b = boundary(p, a + len).max(a);
            mutate(p[a..b].to_string(), &muts)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutated_pages_rebuild_and_are_idempotent(s in mutated_page()) {
        let out = pipeline().run(&s);
        prop_assert_eq!(rebuild(&s, &out), out.output.clone());
        let place = ocrfix::report::Place { path: "p", input: &s, first_line: 0, offset: 0 };
        let d = ocrfix::report::diff(place, &out, ocrfix::report::DiffStyle::Patch);
        prop_assert_eq!(apply_patch(&s, &d), out.output.clone());
        let twice = pipeline().run(&out.output);
        prop_assert_eq!(&twice.output, &out.output);
        prop_assert!(twice.changes.is_empty());
    }

    #[test]
    fn unicode_without_chinese_passes_through(
        s in "[^\\p{Han}\\p{Ideographic}\\u{2e80}-\\u{2fdf}\\u{3000}-\\u{9fff}\\u{f900}-\\u{faff}\\u{fe30}-\\u{fe4f}\\u{ff00}-\\u{ffef}\\u{20000}-\\u{323af}]{0,300}"
    ) {
        // No Han character nor CJK mark (ocrfix counts whole blocks,
        // assigned or not), so nothing reads as Chinese text.
        prop_assert_eq!(pipeline().run(&s).output, s);
    }
}

/// The CLI over a folder of mutated pages: `-j 1` and `-j 4` print the same
/// bytes (valid UTF-8) and write the same files.
#[test]
fn cli_output_is_identical_for_any_thread_count() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut runner = TestRunner::deterministic();
    for i in 0..40 {
        let text = mutated_page().new_tree(&mut runner).unwrap().current();
        std::fs::write(src.join(format!("p{i:02}.txt")), text).unwrap();
    }
    let run = |jobs: &str, out: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_ocrfix"))
            .args(["--format", "json", "-j", jobs, "-o"])
            .arg(tmp.path().join(out))
            .arg(&src)
            .output()
            .unwrap();
        assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
        String::from_utf8(o.stdout).expect("output is UTF-8")
    };
    let one = run("1", "o1");
    let four = run("4", "o4");
    assert!(one.lines().count() > 40, "too few edits to compare");
    assert_eq!(one, four);
    for i in 0..40 {
        let name = format!("p{i:02}.txt");
        let a = std::fs::read(tmp.path().join("o1").join(&name)).unwrap();
        let b = std::fs::read(tmp.path().join("o4").join(&name)).unwrap();
        assert!(std::str::from_utf8(&a).is_ok());
        assert_eq!(a, b, "{name}");
    }
}

/// A cascade: punct's fix lets specks remove a speck, which lets it remove
/// another, which leaves two lines that repeats finds doubled. Four
/// changes, one after another, still settle in one run (found by
/// `ocr_like_text_is_idempotent`).
#[test]
fn a_cascade_of_fixes_settles_in_one_run() {
    let s = "提效率\n，,宜居宜业幸福张店\n”宜居宜业幸福张店";
    let once = pipeline().run(s).output;
    assert_eq!(once, "提效率\n宜居宜业幸福张店");
    assert_eq!(pipeline().run(&once).output, once);
}
