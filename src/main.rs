//! The `ocrfix` binary: a thin layer over the library (see `cli`).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run(cli::args::Args::parse())
}
