//! `ocrfix learn`: learn OCR confusions from proofread pages.

use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct LearnArgs {}

pub fn run(_a: &LearnArgs) -> Result<u8> {
    Ok(super::OK)
}
