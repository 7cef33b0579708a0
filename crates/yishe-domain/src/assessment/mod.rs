//! Psychosocial assessment instruments, scored on the server from the answers alone:
//! totals, sub-scores, bands and risk flags are computed here, never taken from a
//! client. Item ids and scoring rules are ours; a station's licensed wording is loaded
//! separately. Facts from `shared/reference/instruments.md`.

mod cssrs;
mod definition;
mod instruments;
mod score;

pub use definition::{AnswerOption, Definition, Item, Section};
pub use instruments::{Cutoffs, DT_PROBLEMS, Instrument};
pub use score::{Answers, Flag, Score};

#[cfg(test)]
mod worked_examples;
