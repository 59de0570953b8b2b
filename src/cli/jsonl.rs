//! `--jsonl FIELD`: JSON Lines in, JSON Lines out. The record logic is in
//! `ocrfix::jsonl`; this module reads lines in batches, fixes each batch in
//! parallel, and writes the results in input order.

use super::args::{Args, Format};
use super::{is_broken_pipe, CHANGES, ERROR, OK};
use anyhow::{bail, Context as _, Result};
use ocrfix::jsonl::{field_edits, split_line_end, FieldEdit, FieldPath, JsonlFixer, Line};
use ocrfix::report::{self, Place};
use ocrfix::text_io::InputEncoding;
use ocrfix::Pipeline;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// A batch ends once it holds this many bytes or lines: enough work for
/// every thread, little memory.
const BATCH_BYTES: usize = 4 << 20;
const BATCH_LINES: usize = 4096;

const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The records, corrected.
    Records,
    /// `--check`: one line per edit.
    Human,
    /// `--check --format json`: one JSON object per edit.
    Json,
}

/// `--check --format json`: where the edit is, then the edit.
#[derive(Serialize)]
struct CheckRecord<'a> {
    path: &'a str,
    /// Line of the record in the input (1-based).
    record: usize,
    field: &'a str,
    #[serde(flatten)]
    edit: FieldEdit<'a>,
}

#[derive(Default)]
struct Stats {
    records: usize,
    changed: usize,
    edits: BTreeMap<&'static str, usize>,
    suggestions: usize,
    rejected: usize,
    errors: usize,
}

struct Sinks<'a> {
    out: &'a mut dyn Write,
    rejects: Option<&'a mut dyn Write>,
}

/// Stops the run when standard output is gone (`ocrfix … | head`).
struct Closed;

pub(super) fn run(args: &Args, pipeline: &Pipeline, field: &FieldPath) -> Result<u8> {
    if args.encoding != InputEncoding::Utf8 {
        bail!("--jsonl reads UTF-8 only (JSON Lines are UTF-8); drop --encoding");
    }
    let mode = match (args.check, args.format) {
        (false, None) => Mode::Records,
        (false, Some(_)) => bail!(
            "--jsonl writes records; --format goes with --check (text or json), \
             and --jsonl-edits NAME puts the edits into the records"
        ),
        (true, None | Some(Format::Text)) => Mode::Human,
        (true, Some(Format::Json)) => Mode::Json,
        (true, Some(_)) => bail!("--jsonl --check reports as --format text or json"),
    };
    let fixer = JsonlFixer::new(pipeline, field.clone(), args.jsonl_edits.clone())?;
    let stdin_mode =
        args.paths.is_empty() || (args.paths.len() == 1 && args.paths[0].as_os_str() == "-");
    if !stdin_mode && args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("'-' (standard input) cannot be mixed with paths");
    }
    let mut rejects = match &args.rejects {
        Some(p) => Some(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut sinks = Sinks {
        out: &mut out,
        rejects: rejects.as_mut().map(|w| w as &mut dyn Write),
    };
    let mut stats = Stats::default();
    let field_name = field.to_string();
    let mut run_one = |reader: &mut dyn BufRead, display: &str, stats: &mut Stats| {
        process(
            reader,
            display,
            &fixer,
            &field_name,
            mode,
            &mut sinks,
            stats,
        )
    };
    let mut closed = false;
    if stdin_mode {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        closed = run_one(&mut lock, "<stdin>", &mut stats)?.is_err();
    } else {
        for path in &args.paths {
            let display = path.display().to_string();
            let mut reader = match open(path) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("ocrfix: error: {display}: {e:#}");
                    stats.errors += 1;
                    continue;
                }
            };
            if run_one(&mut reader, &display, &mut stats)?.is_err() {
                closed = true;
                break;
            }
        }
    }
    if !closed {
        match out.flush() {
            Err(e) if !is_broken_pipe(&e) => {
                return Err(e).context("cannot write to standard output")
            }
            _ => {}
        }
    }
    if let (Some(w), Some(p)) = (rejects.as_mut(), &args.rejects) {
        w.flush()
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    if !args.quiet && (args.check || stats.rejected > 0 || stats.errors > 0) {
        summary(&stats);
    }
    Ok(if stats.rejected > 0 || stats.errors > 0 {
        ERROR
    } else if args.check && stats.changed > 0 {
        CHANGES
    } else {
        OK
    })
}

fn open(path: &Path) -> Result<BufReader<File>> {
    let file = File::open(path).context("cannot open")?;
    if file.metadata().context("cannot read metadata")?.is_dir() {
        bail!("is a folder (--jsonl takes files or standard input)");
    }
    Ok(BufReader::with_capacity(1 << 16, file))
}

/// Fixes one input. `Err(Closed)` when standard output is gone; a read
/// error ends this input with a message and counts as an error.
fn process(
    reader: &mut dyn BufRead,
    display: &str,
    fixer: &JsonlFixer,
    field: &str,
    mode: Mode,
    sinks: &mut Sinks,
    stats: &mut Stats,
) -> Result<std::result::Result<(), Closed>> {
    let mut line_no = 0; // lines handed out so far
    loop {
        let mut batch: Vec<Vec<u8>> = Vec::new();
        let mut bytes = 0;
        let mut failed = None;
        while bytes < BATCH_BYTES && batch.len() < BATCH_LINES {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    bytes += n;
                    batch.push(buf);
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let done = batch.is_empty() || failed.is_some();
        let first = line_no;
        let results: Vec<Line> = batch
            .par_iter()
            .enumerate()
            .map(|(i, raw)| {
                let (body, _) = split_line_end(raw);
                let body = match first + i {
                    0 => body.strip_prefix(BOM).unwrap_or(body),
                    _ => body,
                };
                fixer.fix_line(body)
            })
            .collect();
        for (i, (raw, line)) in batch.iter().zip(results).enumerate() {
            let no = first + i + 1;
            if let Err(e) = emit(raw, no, line, display, field, mode, sinks, stats) {
                if is_broken_pipe(&e) {
                    return Ok(Err(Closed));
                }
                return Err(e).context("cannot write the output");
            }
        }
        line_no += batch.len();
        if let Some(e) = failed {
            eprintln!("ocrfix: error: {display}: read error after line {line_no}: {e}");
            stats.errors += 1;
        }
        if done {
            return Ok(Ok(()));
        }
    }
}

/// Writes what one line became.
#[allow(clippy::too_many_arguments)]
fn emit(
    raw: &[u8],
    no: usize,
    line: Line,
    display: &str,
    field: &str,
    mode: Mode,
    sinks: &mut Sinks,
    stats: &mut Stats,
) -> std::io::Result<()> {
    let (body, end) = split_line_end(raw);
    let bom = if no == 1 && body.starts_with(BOM) {
        BOM
    } else {
        b""
    };
    match line {
        Line::Blank => {
            if mode == Mode::Records {
                sinks.out.write_all(raw)?;
            }
        }
        Line::Rejected { reason } => {
            stats.rejected += 1;
            eprintln!("{display}:{no}: rejected: {reason}");
            match sinks.rejects.as_mut() {
                Some(w) => {
                    w.write_all(body)?;
                    w.write_all(if end.is_empty() { b"\n" } else { end })?;
                }
                None if mode == Mode::Records => sinks.out.write_all(raw)?,
                None => {}
            }
        }
        Line::Record {
            output,
            text,
            outcome,
        } => {
            stats.records += 1;
            if outcome.changed() {
                stats.changed += 1;
            }
            for c in &outcome.changes {
                if let Some(e) = c.edits.last() {
                    *stats.edits.entry(e.pass).or_default() += 1;
                }
            }
            stats.suggestions += outcome.suggestions.len();
            match mode {
                Mode::Records => {
                    sinks.out.write_all(bom)?;
                    sinks.out.write_all(output.as_bytes())?;
                    sinks.out.write_all(end)?;
                }
                Mode::Human => {
                    let path = format!("{display}:{no}:{field}");
                    let place = Place {
                        path: &path,
                        input: &text,
                        first_line: 0,
                        offset: 0,
                    };
                    sinks
                        .out
                        .write_all(report::human(place, &outcome).as_bytes())?;
                }
                Mode::Json => {
                    for edit in field_edits(&text, &outcome) {
                        let rec = CheckRecord {
                            path: display,
                            record: no,
                            field,
                            edit,
                        };
                        let json = serde_json::to_string(&rec).map_err(std::io::Error::other)?;
                        sinks.out.write_all(json.as_bytes())?;
                        sinks.out.write_all(b"\n")?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn summary(s: &Stats) {
    let total: usize = s.edits.values().sum();
    let detail: Vec<String> = s.edits.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", detail.join(", "))
    };
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    eprintln!(
        "ocrfix: {} record{}, {} changed, {total} edit{}{detail}, {} suggestion{}, {} rejected, {} error{}",
        s.records,
        plural(s.records),
        s.changed,
        plural(total),
        s.suggestions,
        plural(s.suggestions),
        s.rejected,
        s.errors,
        plural(s.errors),
    );
}
