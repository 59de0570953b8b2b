//! `ocrfix eval` and `ocrfix learn` from the command line, on small cases
//! whose figures are computed by hand below (and agree with score.py).
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn ocrfix() -> Command {
    Command::cargo_bin("ocrfix").unwrap()
}

/// gold / raw OCR / candidate folders:
///
/// p1  gold `实干兴邦。¶第二段好。`  raw `实于兴 邦。⏎第二段好。`  cand `实干兴邦。¶第二段好，`
///     CER-nows 1/10 (，for 。); CER-ws 1/11 (the gold is `实干兴邦。\n第二段好。`);
///     content edits: 于→干 fixed, 。→， introduced; whitespace-normalised
///     edits add the removed space (fixed) and the added blank line (the
///     raw `\n` and the candidate's `\n` both sit in the gold's `\n` slot,
///     so it is not a change).
/// p2  all three identical: no errors, no breaks (P = R = 1 by convention).
/// p3  gold `甲乙丙。¶丁戊己。¶庚辛。`  cand `甲乙丙。¶丁戊¶己。庚辛。` (raw = cand):
///     breaks gold {4, 8}, candidate {4, 6}: one right, one wrong, one missed.
fn corpus(dir: &Path) {
    for d in ["gold", "ocr", "cand"] {
        fs::create_dir_all(dir.join(d)).unwrap();
    }
    let w = |p: &str, t: &str| fs::write(dir.join(p), t).unwrap();
    w("gold/p1.gold.txt", "实干兴邦。\n\n第二段好。\n");
    w("ocr/p1.txt", "实于兴 邦。\n第二段好。\n");
    w("cand/p1.txt", "实干兴邦。\n\n第二段好，\n");
    w("gold/p2.gold.txt", "一二三四五六七八九十\n");
    w("ocr/p2.txt", "一二三四五六七八九十");
    w("cand/p2.txt", "一二三四五六七八九十");
    w("gold/p3.gold.txt", "甲乙丙。\n\n丁戊己。\n\n庚辛。\n");
    w("ocr/p3.txt", "甲乙丙。\n\n丁戊\n\n己。庚辛。\n");
    w("cand/p3.txt", "甲乙丙。\n\n丁戊\n\n己。庚辛。\n");
}

fn eval_json(dir: &Path, extra: &[&str]) -> Value {
    let out = ocrfix()
        .current_dir(dir)
        .args([
            "eval", "--gold", "gold", "cand", "--ocr", "ocr", "--format", "json",
        ])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-9, "got {v}, want {want}");
}

#[test]
fn hand_computed_figures() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path());
    let j = eval_json(tmp.path(), &[]);
    let sys = &j["systems"][0];
    assert_eq!(sys["name"], "cand");
    let pages = sys["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 3);
    let p1 = &pages[0];
    assert_eq!(p1["id"], "p1");
    close(&p1["cer_nows"], 1.0 / 10.0);
    close(&p1["cer_ws"], 1.0 / 11.0);
    close(&p1["para_f1"], 1.0);
    let e = &p1["edits_nows"];
    assert_eq!(
        (
            e["fixed"].as_u64(),
            e["introduced"].as_u64(),
            e["neutral"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    close(&e["edit_precision"], 0.5);
    let e = &p1["edits_ws"];
    assert_eq!(
        (e["raw_errors"].as_u64(), e["cand_errors"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        (e["fixed"].as_u64(), e["introduced"].as_u64()),
        (Some(2), Some(1))
    );
    let p2 = &pages[1];
    close(&p2["cer_nows"], 0.0);
    close(&p2["para_p"], 1.0);
    close(&p2["para_r"], 1.0);
    assert!(p2["edits_nows"]["edit_precision"].is_null());
    let p3 = &pages[2];
    assert_eq!(p3["gold_breaks"], 2);
    assert_eq!(p3["cand_breaks"], 2);
    assert_eq!(p3["tp_breaks"], 1);
    close(&p3["para_p"], 0.5);
    // Totals are length-weighted: summed distances over summed lengths.
    let t = &sys["total"];
    assert_eq!(t["pages"], 3);
    assert_eq!(t["gold_chars"], 10 + 10 + 11);
    close(&t["cer_nows"], 1.0 / 31.0);
    close(&t["para_p"], 2.0 / 3.0);
    close(&t["para_r"], 2.0 / 3.0);
    close(&t["para_f1"], 2.0 / 3.0);
    assert_eq!(t["edits_nows"]["fixed"], 1);
    assert_eq!(t["edits_nows"]["introduced"], 1);
}

#[test]
fn json_shape() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path());
    let j = eval_json(tmp.path(), &["--pages", "p1,p3"]);
    assert_eq!(j["gold_pattern"], "{id}.gold.txt");
    let sys = &j["systems"][0];
    for key in ["name", "dir", "pattern", "total", "pages"] {
        assert!(sys.get(key).is_some(), "missing {key}");
    }
    assert_eq!(sys["pages"].as_array().unwrap().len(), 2);
    for key in [
        "pages",
        "gold_chars",
        "cand_chars",
        "ed_nows",
        "gold_len_ws",
        "ed_ws",
        "cjk_spaces",
        "hw_punct",
        "gold_breaks",
        "cand_breaks",
        "tp_breaks",
        "cer_nows",
        "cer_ws",
        "para_p",
        "para_r",
        "para_f1",
        "edits_nows",
        "edits_ws",
    ] {
        assert!(sys["total"].get(key).is_some(), "total lacks {key}");
    }
    for key in [
        "raw_errors",
        "cand_errors",
        "fixed",
        "introduced",
        "neutral",
        "changes",
        "edit_precision",
        "fixed_frac",
    ] {
        assert!(
            sys["total"]["edits_nows"].get(key).is_some(),
            "edits lack {key}"
        );
    }
}

#[test]
fn table_and_groups() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path());
    fs::write(
        tmp.path().join("manifest.tsv"),
        "page\tseverity\np1\tlight\np2\tlight\np3\theavy\n",
    )
    .unwrap();
    ocrfix()
        .current_dir(tmp.path())
        .args([
            "eval",
            "--gold",
            "gold",
            "cand",
            "--group-by",
            "severity",
            "--totals-only",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"cand +light +2 +20 +5\.00 +4\.76 ").unwrap())
        .stdout(
            predicate::str::is_match(
                r"cand +heavy +1 +11 +0\.00 +15\.38 .* 0\.500 +0\.500 +0\.500\n",
            )
            .unwrap(),
        )
        .stdout(predicate::str::is_match(r"cand +ALL +3 +31 +3\.23 ").unwrap())
        .stdout(predicate::str::contains(" p1 ").not());
}

#[test]
fn missing_candidate_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path());
    fs::remove_file(tmp.path().join("cand/p2.txt")).unwrap();
    ocrfix()
        .current_dir(tmp.path())
        .args(["eval", "--gold", "gold", "cand"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "1 file(s) to compare with the gold are missing",
        ))
        .stderr(predicate::str::contains("p2.txt"));
    fs::remove_file(tmp.path().join("ocr/p3.txt")).unwrap();
    ocrfix()
        .current_dir(tmp.path())
        .args(["eval", "--gold", "gold", "cand", "--ocr", "ocr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 file(s)"));
    ocrfix()
        .current_dir(tmp.path())
        .args([
            "eval",
            "--gold",
            "cand",
            "cand",
            "--gold-pattern",
            "{id}.gold.txt",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no gold files matching {id}.gold.txt",
        ));
}

#[test]
fn patterns_pair_flavours_in_one_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("001.gold.txt"), "实干兴邦。\n").unwrap();
    fs::write(d.join("001.tess.txt"), "实于兴邦。\n").unwrap();
    fs::write(d.join("001.rapid.txt"), "实干兴邦。\n").unwrap();
    ocrfix()
        .current_dir(d)
        .args([
            "eval",
            "--gold",
            ".",
            ".",
            "-p",
            "tess",
            "-p",
            "{id}.rapid.txt",
            "--totals-only",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"tess +ALL +1 +5 +20\.00").unwrap())
        .stdout(predicate::str::is_match(r"rapid +ALL +1 +5 +0\.00").unwrap());
    // Two single files.
    ocrfix()
        .current_dir(d)
        .args([
            "eval",
            "--gold",
            "001.gold.txt",
            "001.tess.txt",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"ed_nows\": 1"));
}

/// A file literally named `eval` is still fixed when written `./eval`, and
/// plain file arguments keep working next to the subcommands.
#[test]
fn subcommands_leave_file_arguments_alone() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("eval"), "实于奋斗\n").unwrap();
    ocrfix()
        .current_dir(tmp.path())
        .args(["-q", "./eval"])
        .assert()
        .success()
        .stdout("实干奋斗\n");
    ocrfix()
        .write_stdin("实于奋斗\n")
        .assert()
        .success()
        .stdout("实干奋斗\n");
}

#[test]
fn html_report() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path());
    let html = tmp.path().join("report.html");
    ocrfix()
        .current_dir(tmp.path())
        .args(["eval", "--gold", "gold", "cand", "--ocr", "ocr", "--html"])
        .arg(&html)
        .assert()
        .success();
    let s = fs::read_to_string(&html).unwrap();
    assert!(s.starts_with("<!DOCTYPE html>"));
    assert!(s.ends_with("</html>\n"));
    // Self-contained: no external resources.
    assert!(!s.contains("src=") && !s.contains("href=\"http"));
    assert_eq!(s.matches("<details").count(), 3);
    assert_eq!(
        s.matches("<details").count(),
        s.matches("</details>").count()
    );
    assert_eq!(s.matches("<table").count(), s.matches("</table>").count());
    assert!(s.contains("第二段好<mark class=sub>。</mark>"), "gold side");
    assert!(
        s.contains("第二段好<mark class=sub>，</mark>"),
        "candidate side"
    );
    assert!(s.contains("<td class=num>3.23</td>"), "total CER-nows");
    headless_browser_check(&html);
    // --open hands the file to $BROWSER; one that cannot start is an error.
    ocrfix()
        .current_dir(tmp.path())
        .env("BROWSER", "true")
        .args(["eval", "--gold", "gold", "cand", "--open", "--html"])
        .arg(&html)
        .assert()
        .success();
    ocrfix()
        .current_dir(tmp.path())
        .env("BROWSER", "/nonexistent/browser")
        .args(["eval", "--gold", "gold", "cand", "--open", "--html"])
        .arg(&html)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot start /nonexistent/browser",
        ));
}

/// Loads the report in headless Chromium when one is installed and checks
/// the rendered DOM; says so and returns when there is none.
fn headless_browser_check(html: &Path) {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        eprintln!("no headless browser found: HTML checked by parsing only");
        return;
    };
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<table id=\"summary\">"), "{dom}");
    assert!(dom.contains("<mark class=\"sub\">，</mark>"), "{dom}");
}

fn learn_corpus(dir: &Path) {
    fs::create_dir_all(dir.join("gold")).unwrap();
    fs::create_dir_all(dir.join("ocr")).unwrap();
    let pages = [
        ("01", "他们坚持实干兴邦的道路。", "他们坚持实于兴邦的道路."),
        ("02", "真抓实干，实干兴邦。", "真抓实于，实于兴邦。"),
        ("03", "建设宜居城市。", "建设官居城市。"),
    ];
    for (id, g, o) in pages {
        fs::write(dir.join(format!("gold/{id}.txt")), g).unwrap();
        fs::write(dir.join(format!("ocr/{id}.txt")), o).unwrap();
    }
}

#[test]
fn learn_keeps_pairs_seen_often_enough() {
    let tmp = tempfile::tempdir().unwrap();
    learn_corpus(tmp.path());
    ocrfix()
        .current_dir(tmp.path())
        .args(["learn", "--gold", "gold", "--ocr", "ocr", "-o", "learned"])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 confusion pairs"));
    let conf = fs::read_to_string(tmp.path().join("learned/confusions.tsv")).unwrap();
    // 于→干 three times; 官→宜 once, below --min-count 2.
    assert!(conf.contains("于\t干\t0.958\tglyph,ocr:3\n"), "{conf}");
    assert!(!conf.contains("官\t宜"), "{conf}");
    let ctx = fs::read_to_string(tmp.path().join("learned/context.tsv")).unwrap();
    assert!(
        ctx.contains("实于兴\t实干兴\tlearned: seen 2 times"),
        "{ctx}"
    );
    let md = fs::read_to_string(tmp.path().join("learned/learned.md")).unwrap();
    assert!(
        md.contains("| `.` | `。` |") || md.contains("Characters the OCR dropped"),
        "{md}"
    );
    // The folder is a rules layer the pipeline reads.
    ocrfix()
        .current_dir(tmp.path())
        .args(["--rules", "learned", "-q"])
        .write_stdin("实于兴邦\n")
        .assert()
        .success()
        .stdout("实干兴邦\n");
    // --min-count 1 keeps the single sighting too.
    ocrfix()
        .current_dir(tmp.path())
        .args([
            "learn",
            "--gold",
            "gold",
            "--ocr",
            "ocr",
            "-o",
            "all",
            "--min-count",
            "1",
            "-q",
        ])
        .assert()
        .success();
    let conf = fs::read_to_string(tmp.path().join("all/confusions.tsv")).unwrap();
    assert!(conf.contains("官\t宜\t"), "{conf}");
}

/// On the dev corpus (read in place from `../shared/corpus` when it is
/// there, with Python and rapidfuzz for its `score.py`), every per-page
/// count agrees with `score.py`: distances, paragraph breaks, and the
/// fixed / introduced / neutral classification (here of RapidOCR's text
/// taken as a "cleanup" of Tesseract's, which exercises every kind of
/// change). Skipped, saying so, where the corpus or rapidfuzz is missing.
#[test]
fn agrees_with_score_py_on_the_dev_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let (score, pages) = (root.join("score.py"), root.join("dev/pages"));
    if !score.is_file() || !pages.is_dir() {
        eprintln!("skipped: no dev corpus at {}", root.display());
        return;
    }
    let py = std::process::Command::new("python3")
        .arg(&score)
        .arg(&pages)
        .arg(&pages)
        .args(["-p", "rapidocr", "--edits", "tesseract", "--json"])
        .output();
    let py = match py {
        Ok(o) if o.status.success() => o.stdout,
        _ => {
            eprintln!("skipped: score.py does not run here (python3 with rapidfuzz needed)");
            return;
        }
    };
    let py: Value = serde_json::from_slice(&py).unwrap();
    let ours = ocrfix()
        .args(["eval", "--gold"])
        .arg(&pages)
        .arg(&pages)
        .args(["-p", "rapidocr", "--ocr"])
        .arg(&pages)
        .args(["--ocr-pattern", "tesseract", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ours: Value = serde_json::from_slice(&ours).unwrap();
    let py_pages = py["flavours"]["rapidocr"]["pages"].as_object().unwrap();
    let our_pages = ours["systems"][0]["pages"].as_array().unwrap();
    assert_eq!(py_pages.len(), our_pages.len());
    let keys = [
        "gold_chars",
        "cand_chars",
        "ed_nows",
        "gold_len_ws",
        "ed_ws",
        "cjk_spaces",
        "hw_punct",
        "gold_breaks",
        "cand_breaks",
        "tp_breaks",
    ];
    let edit_keys = [
        "raw_errors",
        "cand_errors",
        "fixed",
        "introduced",
        "neutral",
    ];
    for ours in our_pages {
        let id = ours["id"].as_str().unwrap();
        let theirs = &py_pages[id];
        for k in keys {
            assert_eq!(ours[k], theirs[k], "page {id}: {k}");
        }
        for mode in ["edits_nows", "edits_ws"] {
            for k in edit_keys {
                assert_eq!(ours[mode][k], theirs[mode][k], "page {id}: {mode}.{k}");
            }
        }
    }
    let (t, pt) = (
        &ours["systems"][0]["total"],
        &py["flavours"]["rapidocr"]["total"],
    );
    for k in ["cer_nows", "cer_ws", "para_f1"] {
        let (a, b) = (t[k].as_f64().unwrap(), pt[k].as_f64().unwrap());
        assert!((a - b).abs() < 5e-4, "{k}: {a} vs {b}");
    }
}
