//! The command-line contract: every mode, every exit code, bad input.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

const RAW: &str = "动员全区上下提效率 争先锋、提效能争先例、提效 益争先进，提振精神状态。\n";
const FIXED: &str = "动员全区上下提效率争先锋、提效能争先例、提效益争先进，提振精神状态。\n";
const CLEAN: &str = "宜居宜业幸福张店建设新局面。\n";

fn ocrfix() -> Command {
    Command::cargo_bin("ocrfix").expect("binary builds")
}

fn tree(dir: &Path) {
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("a.txt"), RAW).unwrap();
    fs::write(dir.join("sub/b.md"), CLEAN).unwrap();
    fs::write(dir.join("sub/c.txt"), RAW).unwrap();
    fs::write(dir.join("image.png"), b"\x89PNG\0\0").unwrap();
    fs::write(dir.join("bin.txt"), b"abc\0def").unwrap();
    fs::write(dir.join(".hidden.txt"), RAW).unwrap();
}

#[test]
fn pipe_fixes_stdin_to_stdout_only() {
    ocrfix()
        .write_stdin(RAW)
        .assert()
        .success()
        .stdout(FIXED)
        .stderr("");
    ocrfix()
        .arg("-")
        .write_stdin(RAW)
        .assert()
        .success()
        .stdout(FIXED);
}

#[test]
fn empty_input_gives_empty_output() {
    ocrfix().write_stdin("").assert().success().stdout("");
}

#[test]
fn check_mode_exit_codes() {
    ocrfix()
        .arg("--check")
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .stdout("");
    ocrfix()
        .arg("--check")
        .write_stdin(RAW)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:1:10: spaces/cjk-cjk"));
    for fmt in ["json", "diff", "patch", "github", "text"] {
        ocrfix()
            .args(["--check", "--format", fmt])
            .write_stdin(RAW)
            .assert()
            .code(1);
        ocrfix()
            .args(["--check", "--format", fmt])
            .write_stdin(CLEAN)
            .assert()
            .code(0);
    }
}

#[test]
fn json_lines_describe_each_edit() {
    let out = ocrfix()
        .args(["--format", "json"])
        .write_stdin(RAW)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["path"], "<stdin>");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["column"], 10);
    assert_eq!(lines[0]["before"], " ");
    assert_eq!(lines[0]["after"], "");
    assert_eq!(lines[0]["pass"], "spaces");
    assert_eq!(lines[0]["rule"], "cjk-cjk");
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.5);
    assert!(lines[0]["reason"].as_str().unwrap().contains("between"));
}

#[test]
fn diff_marks_changed_characters_and_github_annotates() {
    ocrfix()
        .args(["--diff", "--color", "never"])
        .write_stdin(RAW)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "--- a/<stdin>\n+++ b/<stdin>\n@@ -1,1 +1,1 @@\n-动员全区上下提效率[- -]争先锋",
        ));
    ocrfix()
        .args(["--format", "github"])
        .write_stdin(RAW)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "::warning file=<stdin>,line=1,col=10,title=ocrfix spaces/cjk-cjk::",
        ));
}

#[test]
fn folder_to_output_dir_mirrors_tree_and_skips_binary_and_hidden() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in");
    let out = tmp.path().join("out");
    tree(&src);
    ocrfix()
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("bin.txt: skipped: binary file"))
        .stderr(predicate::str::contains("hidden files and folders skipped"))
        .stderr(predicate::str::contains("3 files, 2 changed"));
    assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(out.join("sub/b.md")).unwrap(), CLEAN);
    assert_eq!(fs::read_to_string(out.join("sub/c.txt")).unwrap(), FIXED);
    assert!(
        !out.join("image.png").exists()
            && !out.join(".hidden.txt").exists()
            && !out.join("bin.txt").exists()
    );
    // Sources untouched.
    assert_eq!(fs::read_to_string(src.join("a.txt")).unwrap(), RAW);
}

#[test]
fn folder_needs_a_destination() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    ocrfix()
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs -o DIR"));
}

#[cfg(unix)]
#[test]
fn in_place_is_atomic_keeps_permissions_and_leaves_clean_files_alone() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let a = tmp.path().join("a.txt");
    fs::set_permissions(&a, fs::Permissions::from_mode(0o640)).unwrap();
    let b = tmp.path().join("sub/b.md");
    let b_mtime = fs::metadata(&b).unwrap().modified().unwrap();
    ocrfix().arg("-w").arg(tmp.path()).assert().success();
    assert_eq!(fs::read_to_string(&a).unwrap(), FIXED);
    assert_eq!(
        fs::metadata(&a).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(fs::metadata(&b).unwrap().modified().unwrap(), b_mtime);
    let leftovers: Vec<_> = walk(tmp.path())
        .into_iter()
        .filter(|p| p.contains(".ocrfix-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p.display().to_string());
        }
    }
    v
}

#[test]
fn check_on_folder_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    ocrfix().arg("--check").arg(tmp.path()).assert().code(1);
    assert_eq!(fs::read_to_string(tmp.path().join("a.txt")).unwrap(), RAW);
    let clean = tmp.path().join("sub/b.md");
    ocrfix().arg("--check").arg(&clean).assert().code(0);
}

#[test]
fn invalid_utf8_names_file_and_byte_and_the_rest_still_gets_done() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("bad.txt"), b"\xe4\xb8\xad\xff\xfe").unwrap();
    fs::write(src.join("good.txt"), RAW).unwrap();
    let out = tmp.path().join("out");
    ocrfix()
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.txt: invalid UTF-8 at byte 3"));
    assert_eq!(fs::read_to_string(out.join("good.txt")).unwrap(), FIXED);
    assert!(
        !out.join("bad.txt").exists(),
        "no partial output for a bad file"
    );
}

#[test]
fn missing_path_is_an_error_but_others_run() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.txt");
    fs::write(&good, RAW).unwrap();
    ocrfix()
        .arg("--check")
        .arg(tmp.path().join("nope.txt"))
        .arg(&good)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.txt"))
        .stdout(predicate::str::contains("good.txt:1:10"));
}

#[test]
fn legacy_encodings_decode_to_utf8() {
    let (gbk, _, _) = encoding_rs::GBK.encode(RAW);
    ocrfix()
        .write_stdin(gbk.to_vec())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid UTF-8 at byte 0"));
    ocrfix()
        .args(["--encoding", "gbk"])
        .write_stdin(gbk.to_vec())
        .assert()
        .success()
        .stdout(FIXED);
}

#[test]
fn bom_and_crlf_are_preserved() {
    let input = format!("\u{FEFF}{}", RAW.replace('\n', "\r\n"));
    let want = format!("\u{FEFF}{}", FIXED.replace('\n', "\r\n"));
    ocrfix().write_stdin(input).assert().success().stdout(want);
}

#[test]
fn bad_rules_file_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("titles.tsv"), "# ok\n记者\n a\n").unwrap();
    ocrfix()
        .arg("--rules")
        .arg(tmp.path())
        .write_stdin(RAW)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "titles.tsv:3: a field has leading or trailing spaces",
        ));
}

#[test]
fn user_rules_extend_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("titles.tsv"), "主持人\n").unwrap();
    let line = "晚会开始了，主持人 李明\n";
    ocrfix()
        .write_stdin(line)
        .assert()
        .stdout("晚会开始了，主持人李明\n");
    ocrfix()
        .arg("--rules")
        .arg(tmp.path())
        .write_stdin(line)
        .assert()
        .stdout(line);
}

/// An exception of a context rule whose prefix is shorter in bytes than the
/// text before the match used to be looked for mid-character (a panic).
#[test]
fn context_rule_exception_is_checked_on_character_boundaries() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("context.tsv"),
        "实于奋斗\t实干奋斗\tnote\tA实于奋斗\n",
    )
    .unwrap();
    for (input, want) in [
        ("我们好实于奋斗。\n", "我们好实干奋斗。\n"),
        ("我们A实于奋斗。\n", "我们A实于奋斗。\n"),
    ] {
        ocrfix()
            .arg("--rules")
            .arg(tmp.path())
            .write_stdin(input)
            .assert()
            .success()
            .stdout(want);
    }
}

#[test]
fn explain_lists_passes_and_rules() {
    ocrfix()
        .arg("--explain")
        .assert()
        .success()
        .stdout(predicate::str::contains("spaces/cjk-cjk"))
        .stdout(predicate::str::contains("reflow/join-line"))
        .stdout(predicate::str::contains("titles.tsv"));
}

#[test]
fn pass_selection_and_suggest_only() {
    ocrfix()
        .args(["--skip", "spaces"])
        .write_stdin(RAW)
        .assert()
        .success()
        .stdout(RAW);
    ocrfix()
        .args(["--pass", "nosuch"])
        .write_stdin(RAW)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown pass"));
    ocrfix()
        .args(["--suggest-only", "--check"])
        .write_stdin(RAW)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("suggestion spaces/cjk-cjk"));
}

#[test]
fn same_output_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in");
    fs::create_dir_all(&src).unwrap();
    for i in 0..40 {
        let text = format!("{}第{i}页。\n\n{}", RAW.repeat(i % 5 + 1), CLEAN);
        fs::write(src.join(format!("p{i:02}.txt")), text).unwrap();
    }
    let run = |j: &str, out: &Path| {
        ocrfix()
            .args(["-j", j, "--format", "json"])
            .arg(&src)
            .arg("-o")
            .arg(out)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let (o1, o2) = (tmp.path().join("o1"), tmp.path().join("o2"));
    let (r1, r2) = (run("1", &o1), run("2", &o2));
    assert_eq!(r1, r2);
    assert!(!r1.is_empty());
    for i in 0..40 {
        let name = format!("p{i:02}.txt");
        assert_eq!(
            fs::read(o1.join(&name)).unwrap(),
            fs::read(o2.join(&name)).unwrap()
        );
    }
}

#[test]
fn single_file_prints_corrected_text() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("page.txt");
    fs::write(&f, RAW).unwrap();
    ocrfix().arg(&f).assert().success().stdout(FIXED);
}

/// Standard input of several chunks (a chunk ends at a blank line after
/// 1 MiB) is fixed in parallel batches: every thread count writes the same
/// bytes, in input order (every format renders the chunks in that order).
#[test]
fn stdin_output_is_identical_for_any_thread_count() {
    let mut input = String::new();
    let mut n = 0;
    // Three chunks: two batches on two threads, one batch on three.
    // Mostly Latin filler, which the passes skip quickly (a debug build is
    // slow on Chinese), with a Chinese paragraph to fix in every stretch.
    let filler = "The quick brown fox jumps over the lazy dog. ".repeat(40);
    while input.len() < (2 << 20) + (1 << 17) {
        n += 1;
        input.push_str(&format!("{filler}{n}\n\n"));
        input.push_str(&format!("第{n}段，{RAW}\n", RAW = RAW.trim_end()));
        input.push('\n');
    }
    let run = |args: &[&str]| {
        let out = ocrfix()
            .args(args)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run(&["-j", "1"]);
    assert_eq!(one, run(&["-j", "2"]));
    let text = String::from_utf8(one).unwrap();
    assert!(text.contains("\n\n第1段，动员全区上下提效率争先锋"));
    assert!(text.ends_with(&format!("第{n}段，{}\n\n", FIXED.trim_end())));
}
