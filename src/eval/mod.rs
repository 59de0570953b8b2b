//! Evaluation against proofread (gold) text: character error rates,
//! paragraph breaks and what a cleanup's edits did, computed like the dev
//! corpus's `score.py`.

pub mod align;
