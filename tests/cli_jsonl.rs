//! `--jsonl FIELD`: records in, records out, every other byte untouched;
//! rejects, exit codes, edits in the record, chunking invariance.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::PathBuf;

const RAW: &str = "动员全区上下提效率 争先锋、提效能争先例、提效 益争先进，提振精神状态。";
const FIXED: &str = "动员全区上下提效率争先锋、提效能争先例、提效益争先进，提振精神状态。";
const CLEAN: &str = "宜居宜业幸福张店建设新局面。";

fn ocrfix() -> Command {
    Command::cargo_bin("ocrfix").expect("binary builds")
}

fn stdout_of(args: &[&str], input: &[u8]) -> (Vec<u8>, String, i32) {
    let out = ocrfix().args(args).write_stdin(input).output().unwrap();
    (
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn s(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

#[test]
fn corrects_the_field_and_keeps_every_other_byte() {
    // Odd spacing, numbers serde_json would respell, escapes, key order,
    // another "text" key deeper down: all stay as they were.
    let before = format!(
        r#"{{ "z":1.0,"big":123456789012345678901234567890, "e":1e5,"neg":-0.0, "u":"\u00e9\ud83d\ude00\/", "text" : "{RAW}", "a":{{"text":"{RAW}"}},"t":true,"n":null}}"#
    );
    let after = before.replacen(
        &format!(r#""text" : "{RAW}""#),
        &format!(r#""text" : "{FIXED}""#),
        1,
    );
    assert_ne!(before, after);
    let input = format!("{before}\n");
    ocrfix()
        .args(["--jsonl", "text"])
        .write_stdin(input)
        .assert()
        .code(0)
        .stdout(format!("{after}\n"))
        .stderr("");
}

#[test]
fn unchanged_records_are_byte_identical_even_with_escapes() {
    // The field itself written with \u escapes: no change, no re-encoding.
    let line = r#"{"text":"\u5b9c\u5c45\u5b9c\u4e1a\u5e78\u798f\u5f20\u5e97\u3002","n":2.50}"#;
    ocrfix()
        .args(["--jsonl", "text"])
        .write_stdin(format!("{line}\n"))
        .assert()
        .code(0)
        .stdout(format!("{line}\n"));
    // Changed: the corrected string is written as plain UTF-8, escapes only
    // where JSON needs them.
    let line = "{\"text\":\"\\u5b9e\\u4e8e\\u594b\\u6597\\n\\\"\\u5f15\\\"\\t\"}";
    ocrfix()
        .args(["--jsonl", "text"])
        .write_stdin(format!("{line}\n"))
        .assert()
        .code(0)
        .stdout("{\"text\":\"实干奋斗\\n“引”\\t\"}\n");
}

#[test]
fn empty_input_gives_empty_output() {
    for args in [&["--jsonl", "text"][..], &["--jsonl", "text", "-"]] {
        ocrfix()
            .args(args)
            .write_stdin("")
            .assert()
            .code(0)
            .stdout("")
            .stderr("");
    }
}

#[test]
fn nested_dotted_path() {
    let input = format!(
        "{{\"id\":\"p1\",\"page\":{{\"meta\":{{\"n\":3}},\"body\":{{\"text\":\"{RAW}\"}}}},\"text\":\"{RAW}\"}}\n"
    );
    let expected = format!(
        "{{\"id\":\"p1\",\"page\":{{\"meta\":{{\"n\":3}},\"body\":{{\"text\":\"{FIXED}\"}}}},\"text\":\"{RAW}\"}}\n"
    );
    ocrfix()
        .args(["--jsonl", "page.body.text"])
        .write_stdin(input)
        .assert()
        .code(0)
        .stdout(expected);
}

#[test]
fn bad_lines_are_reported_passed_through_and_exit_2() {
    let good = format!("{{\"text\":\"{RAW}\"}}");
    let lines = [
        good.as_str(),
        "{\"id\":2}",
        "{\"text\":\"x\"",
        "{\"text\":12}",
        "{\"text\":null}",
        "[\"text\"]",
        "{\"text\":\"a\",\"text\":\"b\"}",
        good.as_str(),
    ];
    let mut input = lines.join("\n").into_bytes();
    input.extend_from_slice(b"\n{\"text\":\"\xff\xfe\"}\n");
    let (out, err, code) = stdout_of(&["--jsonl", "text"], &input);
    assert_eq!(code, 2);
    let out_lines: Vec<&[u8]> = out.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(out_lines.len(), 9);
    let fixed = format!("{{\"text\":\"{FIXED}\"}}\n");
    assert_eq!(out_lines[0], fixed.as_bytes());
    assert_eq!(out_lines[7], fixed.as_bytes());
    for (i, l) in lines.iter().enumerate().take(7).skip(1) {
        assert_eq!(out_lines[i], format!("{l}\n").as_bytes(), "line {}", i + 1);
    }
    assert_eq!(out_lines[8], b"{\"text\":\"\xff\xfe\"}\n");
    for want in [
        "<stdin>:2: rejected: no field text",
        "<stdin>:3: rejected: invalid JSON at column 11: EOF while parsing an object",
        "<stdin>:4: rejected: field text is a number, not a string",
        "<stdin>:5: rejected: field text is null, not a string",
        "<stdin>:6: rejected: the record is an array, not an object",
        "<stdin>:7: rejected: field text appears more than once",
        "<stdin>:9: rejected: invalid UTF-8 at byte 10 of the line",
        "ocrfix: 2 records, 2 changed, 4 edits (spaces 4), 0 suggestions, 7 rejected, 0 errors",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    assert!(!err.contains("<stdin>:1:") && !err.contains("<stdin>:8:"));
    // -q silences the summary, not the rejects.
    let (_, err, code) = stdout_of(&["--jsonl", "text", "-q"], &input);
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>:2: rejected") && !err.contains("records"));
}

#[test]
fn rejects_file_takes_the_bad_lines_instead_of_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let rej = dir.path().join("rejects.jsonl");
    let input =
        format!("{{\"text\":\"{RAW}\"}}\n{{\"x\":1}}\r\n{{\"text\":\"{CLEAN}\"}}\nnot json");
    ocrfix()
        .args(["--jsonl", "text", "--rejects"])
        .arg(&rej)
        .write_stdin(input)
        .assert()
        .code(2)
        .stdout(format!(
            "{{\"text\":\"{FIXED}\"}}\n{{\"text\":\"{CLEAN}\"}}\n"
        ))
        .stderr(predicate::str::contains(
            "<stdin>:2: rejected: no field text",
        ))
        .stderr(predicate::str::contains(
            "<stdin>:4: rejected: invalid JSON",
        ));
    // Line ends kept; a last line without one gets one.
    assert_eq!(fs::read_to_string(&rej).unwrap(), "{\"x\":1}\r\nnot json\n");
    // No rejects: the file is there and empty, exit 0.
    ocrfix()
        .args(["--jsonl", "text", "--rejects"])
        .arg(&rej)
        .write_stdin(format!("{{\"text\":\"{CLEAN}\"}}\n"))
        .assert()
        .code(0)
        .stderr("");
    assert_eq!(fs::read_to_string(&rej).unwrap(), "");
}

#[test]
fn edits_field_is_added_last_or_replaced_in_place() {
    let input = format!(
        "{{\"id\":1,\"text\":\"第一行\\n{RAW}\"}}\n{{\"edits\":\"old\",\"text\":\"{CLEAN}\",\"z\":0}}\n"
    );
    let (out, _, code) = stdout_of(
        &["--jsonl", "text", "--jsonl-edits", "edits"],
        input.as_bytes(),
    );
    assert_eq!(code, 0);
    let out = s(out);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(&format!(
        "{{\"id\":1,\"text\":\"第一行\\n{FIXED}\",\"edits\":[{{"
    )));
    let v: Value = serde_json::from_str(lines[0]).unwrap();
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2);
    // Line and column in the field's text (line 2 of it), bytes too.
    assert_eq!(edits[0]["kind"], "fix");
    assert_eq!(edits[0]["line"], 2);
    assert_eq!(edits[0]["column"], 10);
    assert_eq!(edits[0]["byte_start"], 10 + 27);
    assert_eq!(edits[0]["before"], " ");
    assert_eq!(edits[0]["after"], "");
    assert_eq!(edits[0]["pass"], "spaces");
    assert!(edits[0]["rule"].is_string() && edits[0]["reason"].is_string());
    assert!(edits[0]["confidence"].as_f64().unwrap() > 0.5);
    assert_eq!(edits[1]["column"], 24);
    // Present already: replaced where it was, an empty list for a clean text.
    assert_eq!(
        lines[1],
        format!("{{\"edits\":[],\"text\":\"{CLEAN}\",\"z\":0}}")
    );
}

#[test]
fn suggestions_go_into_the_edits_and_leave_the_text() {
    let input = format!("{{\"text\":\"{RAW}\"}}\n");
    let (out, _, code) = stdout_of(
        &["--jsonl", "text", "--jsonl-edits", "e", "--suggest-only"],
        input.as_bytes(),
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["text"], RAW);
    let e = v["e"].as_array().unwrap();
    assert_eq!(e.len(), 2);
    assert!(e.iter().all(|x| x["kind"] == "suggestion"));
}

#[test]
fn check_mode_exit_codes_and_reports() {
    let clean = format!("{{\"text\":\"{CLEAN}\"}}\n");
    let raw = format!("{{\"text\":\"{CLEAN}\"}}\n{{\"text\":\"{RAW}\"}}\n");
    ocrfix()
        .args(["--jsonl", "text", "--check"])
        .write_stdin(clean.clone())
        .assert()
        .code(0)
        .stdout("");
    ocrfix()
        .args(["--jsonl", "text", "--check"])
        .write_stdin(raw.clone())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("<stdin>:2:text:1:10: spaces/"))
        .stderr(predicate::str::contains("2 records, 1 changed, 2 edits"));
    let (out, _, code) = stdout_of(
        &["--jsonl", "text", "--check", "--format", "json"],
        raw.as_bytes(),
    );
    assert_eq!(code, 1);
    let out = s(out);
    let v: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["path"], "<stdin>");
    assert_eq!(v[0]["record"], 2);
    assert_eq!(v[0]["field"], "text");
    assert_eq!(v[0]["line"], 1);
    assert_eq!(v[0]["column"], 10);
    assert_eq!(v[0]["pass"], "spaces");
    // A reject outweighs a change.
    ocrfix()
        .args(["--jsonl", "text", "--check"])
        .write_stdin(format!("{raw}{{}}\n"))
        .assert()
        .code(2);
}

#[test]
fn refused_combinations() {
    for args in [
        &["--jsonl", "text", "--diff"][..],
        &["--jsonl", "text", "--format", "json"],
        &["--jsonl", "text", "--check", "--format", "diff"],
        &["--jsonl", "text", "-w", "x.jsonl"],
        &["--jsonl", "text", "-o", "out"],
        &["--jsonl", "text", "--encoding", "gbk"],
        &["--jsonl", "text", "--jsonl-edits", "e", "--check"],
        &["--jsonl", "text", "--jsonl-edits", "text"],
        &["--jsonl", "page.text", "--jsonl-edits", "page"],
        &["--jsonl-edits", "e"],
        &["--rejects", "r.jsonl"],
        &["--jsonl", "a..b"],
        &["--jsonl", ""],
    ] {
        ocrfix()
            .args(args)
            .write_stdin("{\"text\":\"x\"}\n")
            .assert()
            .code(2)
            .stdout("");
    }
}

#[test]
fn line_ends_bom_blank_lines_and_a_last_line_without_newline() {
    let input = format!(
        "\u{feff}{{\"text\":\"{RAW}\"}}\r\n\r\n  \n{{\"text\":\"{RAW}\"}}\r\n{{\"text\":\"{RAW}\"}}"
    );
    let expected = format!(
        "\u{feff}{{\"text\":\"{FIXED}\"}}\r\n\r\n  \n{{\"text\":\"{FIXED}\"}}\r\n{{\"text\":\"{FIXED}\"}}"
    );
    ocrfix()
        .args(["--jsonl", "text"])
        .write_stdin(input)
        .assert()
        .code(0)
        .stdout(expected)
        .stderr("");
    // With edits: the new field goes before the `}`, the CR stays after it.
    let (out, _, _) = stdout_of(
        &["--jsonl", "text", "--jsonl-edits", "e"],
        format!("{{\"text\":\"{RAW}\"}} \r\n").as_bytes(),
    );
    let out = s(out);
    assert!(
        out.starts_with(&format!("{{\"text\":\"{FIXED}\",\"e\":[{{")),
        "{out}"
    );
    assert!(out.ends_with("}]} \r\n"), "{out}");
}

#[test]
fn files_are_read_in_order_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    fs::write(&a, format!("{{\"text\":\"{RAW}\"}}\n{{\"id\":1}}\n")).unwrap();
    fs::write(&b, format!("{{\"id\":2}}\n{{\"text\":\"{CLEAN}\"}}\n")).unwrap();
    let missing = dir.path().join("missing.jsonl");
    let out = ocrfix()
        .args(["--jsonl", "text"])
        .arg(&a)
        .arg(&missing)
        .arg(&b)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        s(out.stdout),
        format!("{{\"text\":\"{FIXED}\"}}\n{{\"id\":1}}\n{{\"id\":2}}\n{{\"text\":\"{CLEAN}\"}}\n")
    );
    let err = s(out.stderr);
    assert!(
        err.contains(&format!("{}:2: rejected: no field text", a.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}:1: rejected: no field text", b.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: cannot open", missing.display())),
        "{err}"
    );
    assert!(err.contains("is a folder"), "{err}");
    assert!(err.contains("2 rejected, 2 errors"), "{err}");
}

/// Records built from the repository's fixture texts (short composed
/// snippets, several lines each), plus lines that are rejected and a blank.
fn dataset() -> Vec<String> {
    let mut texts: Vec<PathBuf> = Vec::new();
    for pass in ["spaces", "punct", "reflow", "repeats", "misread"] {
        for e in fs::read_dir(format!("fixtures/{pass}")).unwrap() {
            let p = e.unwrap().path();
            if p.to_string_lossy().ends_with(".in.txt") && fs::metadata(&p).unwrap().len() < 3000 {
                texts.push(p);
            }
        }
    }
    texts.sort();
    // Every other one: enough variety, and a process per line stays cheap.
    let mut lines = Vec::new();
    for (i, p) in texts.iter().step_by(2).enumerate() {
        let text = fs::read_to_string(p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        lines.push(format!(
            "{{\"id\":{i},\"source\":{},\"score\":{i}.50,\"text\":{}}}",
            serde_json::to_string(&name).unwrap(),
            serde_json::to_string(&text).unwrap()
        ));
        if i % 17 == 5 {
            lines.push(format!("{{\"id\":{i},\"text\":[1]}}"));
            lines.push(String::new());
        }
    }
    assert!(lines.len() > 30, "{}", lines.len());
    lines
}

#[test]
fn same_records_in_same_records_out_whatever_the_chunking() {
    let lines = dataset();
    let whole: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let flags = ["--jsonl", "text", "--jsonl-edits", "edits", "-q"];
    let run = |extra: &[&str], input: &str| {
        let mut args = flags.to_vec();
        args.extend_from_slice(extra);
        stdout_of(&args, input.as_bytes()).0
    };
    let reference = run(&["-j", "1"], &whole);
    assert_eq!(
        reference.iter().filter(|&&b| b == b'\n').count(),
        lines.len()
    );
    assert_ne!(reference, whole.as_bytes(), "the dataset needs fixing");
    assert_eq!(run(&["-j", "2"], &whole), reference, "-j 2");
    // Line by line, one process per line.
    let mut by_line = Vec::new();
    for l in &lines {
        by_line.extend(run(&[], &format!("{l}\n")));
    }
    assert_eq!(by_line, reference, "line by line");
    // Split into N parts: one process each, and all parts as files of one run.
    let dir = tempfile::tempdir().unwrap();
    for n in [2, 5] {
        let size = lines.len().div_ceil(n);
        let mut parts = Vec::new();
        let mut concat = Vec::new();
        for (k, chunk) in lines.chunks(size).enumerate() {
            let text: String = chunk.iter().map(|l| format!("{l}\n")).collect();
            concat.extend(run(&[], &text));
            let p = dir.path().join(format!("part-{n}-{k}.jsonl"));
            fs::write(&p, &text).unwrap();
            parts.push(p);
        }
        assert_eq!(concat, reference, "{n} parts, one process each");
        let mut cmd = ocrfix();
        cmd.args(flags).args(&parts);
        assert_eq!(cmd.output().unwrap().stdout, reference, "{n} part files");
    }
}

#[test]
fn batches_keep_input_order() {
    // More lines than one batch holds (4096), each different, on 2 threads.
    let mut input = String::new();
    let mut expected = String::new();
    for i in 0..5000 {
        if i % 3 == 0 {
            input.push_str(&format!("{{\"n\":{i},\"text\":\"实于奋斗\"}}\n"));
            expected.push_str(&format!("{{\"n\":{i},\"text\":\"实干奋斗\"}}\n"));
        } else {
            let l = format!("{{\"n\":{i},\"text\":\"第{i}条\"}}\n");
            input.push_str(&l);
            expected.push_str(&l);
        }
    }
    ocrfix()
        .args(["--jsonl", "text", "-j", "2"])
        .write_stdin(input)
        .assert()
        .code(0)
        .stdout(expected);
}
