//! The command line: turns arguments into a pipeline, runs it over standard
//! input or files, prints the chosen view, and computes the exit code.

pub mod args;
pub mod eval;
mod jsonl;
pub mod learn;
mod walk;

use anyhow::{bail, Context as _, Result};
use args::{Args, Colour, Format};
use ocrfix::report::{self, DiffStyle, Place};
use ocrfix::text_io::{frame_output, BinaryData, ChunkReader, Framing};
use ocrfix::{Outcome, Pipeline, Rules, Selection};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufReader, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

pub const OK: u8 = 0;
pub const CHANGES: u8 = 1;
pub const ERROR: u8 = 2;

/// Files fixed in parallel before their results are written out.
const BATCH_FILES: usize = 1024;

/// What one input produced.
#[derive(Debug, Default)]
struct FileResult {
    /// What goes to standard output for this input.
    stdout: String,
    changed: bool,
    edits: BTreeMap<&'static str, usize>,
    suggestions: usize,
    error: Option<String>,
    /// The error was binary data (a NUL byte) in the input.
    binary: bool,
    /// A note for standard error, printed in input order.
    note: Option<String>,
}

impl FileResult {
    fn count(&mut self, out: &Outcome) {
        for c in &out.changes {
            if let Some(e) = c.edits.last() {
                *self.edits.entry(e.pass).or_default() += 1;
            }
        }
        self.suggestions += out.suggestions.len();
        self.changed |= out.changed();
    }
}

struct View {
    format: Format,
    style: DiffStyle,
    check: bool,
}

impl View {
    /// The report for one chunk of one input.
    fn render(&self, place: Place, out: &Outcome, framing: Framing, first: bool) -> String {
        match self.format {
            Format::Text if self.check => report::human(place, out),
            Format::Text => frame_output(&out.output, framing, first),
            Format::Diff => report::diff(place, out, self.style),
            Format::Patch => report::diff(place, out, DiffStyle::Patch),
            Format::Json => report::json_lines(place, out),
            Format::Github => report::github(place, out),
        }
    }
}

fn build_pipeline(args: &Args) -> Result<Pipeline> {
    let owned;
    let rules: &Rules = if args.rules.is_empty() && !args.no_default_rules {
        Rules::builtin()?
    } else {
        let mut r = if args.no_default_rules {
            Rules::default()
        } else {
            Rules::embedded()?
        };
        for dir in &args.rules {
            r.extend_from_dir(dir)?;
        }
        owned = r;
        &owned
    };
    if !(0.0..=1.0).contains(&args.min_confidence) {
        bail!("--min-confidence must be between 0 and 1");
    }
    let sel = Selection {
        only: args.pass.clone(),
        skip: args.skip.clone(),
    };
    let options = ocrfix::Options {
        min_confidence: args.min_confidence,
        quote_style: args.quotes.into(),
    };
    let mut p = Pipeline::new(rules, &sel, options)?;
    p.suggest_only = args.suggest_only;
    Ok(p)
}

fn explain(p: &Pipeline) -> String {
    let mut s = String::from("Passes, in run order:\n");
    for pass in p.passes() {
        s.push_str(&format!("\n{}: {}\n", pass.id(), pass.about()));
        for r in pass.rules() {
            s.push_str(&format!("  {}/{}: {}\n", pass.id(), r.id, r.about));
        }
    }
    s.push_str("\nRule files (built in; extend or override with --rules DIR):\n");
    for spec in ocrfix::rules::RULE_FILES {
        s.push_str(&format!(
            "  {} [{}]: {}\n",
            spec.name,
            spec.columns.join(" ⇥ "),
            spec.about
        ));
    }
    s
}

pub fn run(args: Args) -> ExitCode {
    let result = match &args.command {
        Some(args::Command::Eval(a)) => eval::run(a),
        Some(args::Command::Learn(a)) => learn::run(a),
        None => run_inner(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ocrfix: error: {e:#}");
            ExitCode::from(ERROR)
        }
    }
}

fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

fn run_inner(args: &Args) -> Result<u8> {
    let pipeline = build_pipeline(args)?;
    if args.explain {
        print!("{}", explain(&pipeline));
        return Ok(OK);
    }
    if let Some(n) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("cannot start worker threads")?;
    }
    if let Some(field) = &args.jsonl {
        return jsonl::run(args, &pipeline, field);
    }
    let format = if args.diff {
        Format::Diff
    } else {
        args.format.unwrap_or(Format::Text)
    };
    let colour = match args.color {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let view = View {
        format,
        style: if colour {
            DiffStyle::Colour
        } else {
            DiffStyle::Marked
        },
        check: args.check,
    };
    let stdin_mode =
        args.paths.is_empty() || (args.paths.len() == 1 && args.paths[0].as_os_str() == "-");
    if stdin_mode {
        if args.write || args.output.is_some() {
            bail!("-w and -o need files or folders, not standard input");
        }
        return run_stdin(args, &pipeline, &view);
    }
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("'-' (standard input) cannot be mixed with paths");
    }
    run_paths(args, &pipeline, &view)
}

/// Chunks of standard input in flight at once: enough to keep the worker
/// threads busy, few enough that memory stays flat in the input size.
const STDIN_BATCH_MAX: usize = 4;

fn run_stdin(args: &Args, pipeline: &Pipeline, view: &View) -> Result<u8> {
    let stdin = std::io::stdin();
    let mut reader = ChunkReader::new(stdin.lock(), args.encoding);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut result = FileResult::default();
    let mut first = true;
    // Chunks end at blank lines and are fixed independently, so a batch of
    // them runs in parallel and is written in order: the output is the same
    // whatever the thread count. A one-chunk input (a line piped in) never
    // starts the worker threads.
    let batch_max = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, STDIN_BATCH_MAX);
    let mut done = false;
    while !done {
        let mut batch = Vec::with_capacity(batch_max);
        while batch.len() < batch_max {
            match reader.next_chunk() {
                Ok(Some(c)) => batch.push(c),
                Ok(None) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    result.error = Some(format!("<stdin>: {e:#}"));
                    done = true;
                    break;
                }
            }
        }
        let outcomes: Vec<_> = if batch.len() > 1 {
            batch.par_iter().map(|c| pipeline.run(&c.text)).collect()
        } else {
            batch.iter().map(|c| pipeline.run(&c.text)).collect()
        };
        for (chunk, outcome) in batch.iter().zip(&outcomes) {
            result.count(outcome);
            let place = Place {
                path: "<stdin>",
                input: &chunk.text,
                first_line: chunk.first_line,
                offset: chunk.offset,
            };
            let text = view.render(place, outcome, reader.framing, first);
            first = false;
            if let Err(e) = out.write_all(text.as_bytes()) {
                if is_broken_pipe(&e) {
                    return Ok(OK);
                }
                return Err(e).context("cannot write to standard output");
            }
        }
    }
    match out.flush() {
        Err(e) if !is_broken_pipe(&e) => return Err(e).context("cannot write to standard output"),
        _ => {}
    }
    if args.check && !args.quiet {
        let mut t = Totals::default();
        t.add(&result);
        summary(&t, 1);
    }
    if let Some(e) = &result.error {
        eprintln!("ocrfix: error: {e}");
        return Ok(ERROR);
    }
    Ok(if args.check && result.changed {
        CHANGES
    } else {
        OK
    })
}

/// Processes one file: streams it through the pipeline into a temporary
/// file next to its destination, renamed over it only when all went well.
fn process_file(job: &walk::Job, pipeline: &Pipeline, view: &View, args: &Args) -> FileResult {
    let mut res = FileResult::default();
    let display = job.src.display().to_string();
    match process_file_inner(job, &display, pipeline, view, args, &mut res) {
        Ok(()) => res,
        // Nothing of a failed file is reported or counted but the error:
        // its output was never written (the temporary file is dropped).
        Err(e) => FileResult {
            binary: e.chain().any(|c| c.is::<BinaryData>()),
            error: Some(format!("{display}: {e:#}")),
            ..FileResult::default()
        },
    }
}

fn process_file_inner(
    job: &walk::Job,
    display: &str,
    pipeline: &Pipeline,
    view: &View,
    args: &Args,
    res: &mut FileResult,
) -> Result<()> {
    let file = std::fs::File::open(&job.src).context("cannot open")?;
    let meta = file.metadata().context("cannot read metadata")?;
    if meta.is_dir() {
        bail!("is a folder");
    }
    let mut reader = ChunkReader::new(BufReader::new(file), args.encoding);
    let mut temp = match &job.dest {
        Some(dest) => {
            let dir = dest
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
            Some(
                tempfile::Builder::new()
                    .prefix(".ocrfix-")
                    .suffix(".tmp")
                    .tempfile_in(dir)
                    .with_context(|| {
                        format!("cannot create a temporary file in {}", dir.display())
                    })?,
            )
        }
        None => None,
    };
    let mut first = true;
    while let Some(chunk) = reader.next_chunk()? {
        let outcome = pipeline.run(&chunk.text);
        res.count(&outcome);
        if let Some(t) = temp.as_mut() {
            t.write_all(frame_output(&outcome.output, reader.framing, first).as_bytes())
                .with_context(|| format!("cannot write {}", t.path().display()))?;
        }
        let wants_stdout = view.format != Format::Text || view.check || job.dest.is_none();
        if wants_stdout {
            let place = Place {
                path: display,
                input: &chunk.text,
                first_line: chunk.first_line,
                offset: chunk.offset,
            };
            res.stdout
                .push_str(&view.render(place, &outcome, reader.framing, first));
        }
        first = false;
    }
    if let (Some(t), Some(dest)) = (temp, &job.dest) {
        let in_place = args.write;
        if in_place && !res.changed {
            return Ok(()); // untouched: the temporary file is removed on drop
        }
        if in_place {
            // Replacing the only copy: make the new bytes durable before the
            // rename. Copies under -o can be made again, so skip the cost.
            t.as_file()
                .sync_all()
                .context("cannot flush the temporary file")?;
            std::fs::set_permissions(t.path(), meta.permissions())
                .context("cannot copy permissions")?;
        }
        t.persist(dest)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", dest.display()))?;
    }
    Ok(())
}

fn run_paths(args: &Args, pipeline: &Pipeline, view: &View) -> Result<u8> {
    let exts: Vec<&str> = args
        .ext
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let walked = walk::walk(
        &args.paths,
        &walk::WalkOptions {
            exts,
            hidden: args.hidden,
            out_dir: args.output.as_deref(),
            in_place: args.write,
        },
    );
    let any_dir = args.paths.iter().any(|p| p.is_dir());
    if any_dir && !args.write && args.output.is_none() && !args.check && view.format == Format::Text
    {
        bail!("a folder needs -o DIR (copies), -w (in place), --check or a report format (--diff, --format)");
    }
    if !args.quiet {
        for n in &walked.notes {
            eprintln!("ocrfix: note: {n}");
        }
    }
    let progress = if !args.quiet && std::io::stderr().is_terminal() && walked.jobs.len() >= 20 {
        let pb = indicatif::ProgressBar::new(walked.jobs.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}/{eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    } else {
        indicatif::ProgressBar::hidden()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut errors = walked.errors.len();
    for e in &walked.errors {
        eprintln!("ocrfix: error: {e}");
    }
    // Files are fixed in parallel a batch at a time and reported in input
    // order; only one batch of results is held, so memory does not grow
    // with the number of files.
    let mut totals = Totals::default();
    let mut piped = true;
    for batch in walked.jobs.chunks(BATCH_FILES) {
        let results: Vec<FileResult> = batch
            .par_iter()
            .map(|job| {
                let mut r = process_file(job, pipeline, view, args);
                if r.binary && !job.explicit {
                    // Binary past the first 8 KiB the walk looked at (or
                    // changed since): skipped like any binary file the walk
                    // finds.
                    r.note = Some(format!("{}: skipped: binary file", job.src.display()));
                    r.error = None;
                }
                progress.inc(1);
                r
            })
            .collect();
        for r in &results {
            totals.add(r);
            if let (Some(n), false) = (&r.note, args.quiet) {
                progress.suspend(|| eprintln!("ocrfix: note: {n}"));
            }
            if let Some(e) = &r.error {
                errors += 1;
                progress.suspend(|| eprintln!("ocrfix: error: {e}"));
            }
            if !piped {
                continue;
            }
            if let Err(e) = out.write_all(r.stdout.as_bytes()) {
                if is_broken_pipe(&e) {
                    piped = false;
                    continue;
                }
                return Err(e).context("cannot write to standard output");
            }
        }
    }
    progress.finish_and_clear();
    match out.flush() {
        Err(e) if !is_broken_pipe(&e) => return Err(e).context("cannot write to standard output"),
        _ => {}
    }
    let files = walked.jobs.len();
    if !args.quiet && (args.check || args.write || args.output.is_some() || files > 1) {
        summary(&totals, files + walked.errors.len());
    }
    if errors > 0 {
        return Ok(ERROR);
    }
    Ok(if args.check && totals.changed > 0 {
        CHANGES
    } else {
        OK
    })
}

/// Counts over the files of a run, for the summary line.
#[derive(Default)]
struct Totals {
    by_pass: BTreeMap<&'static str, usize>,
    changed: usize,
    errors: usize,
    suggestions: usize,
}

impl Totals {
    fn add(&mut self, r: &FileResult) {
        for (k, v) in &r.edits {
            *self.by_pass.entry(k).or_default() += v;
        }
        self.changed += usize::from(r.changed);
        self.errors += usize::from(r.error.is_some());
        self.suggestions += r.suggestions;
    }
}

fn summary(t: &Totals, files: usize) {
    let total: usize = t.by_pass.values().sum();
    let (changed, errors, suggestions) = (t.changed, t.errors, t.suggestions);
    let detail: Vec<String> = t.by_pass.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(" ({})", detail.join(", "))
    };
    eprintln!(
        "ocrfix: {files} file{}, {changed} changed, {total} edit{}{detail}, {suggestions} suggestion{}, {errors} error{}",
        if files == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" },
        if suggestions == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
    );
}
