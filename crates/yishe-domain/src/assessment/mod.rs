//! Psychosocial assessment instruments, scored on the server from the answers alone:
//! totals, sub-scores, bands and risk flags are computed here, never taken from a
//! client. Item ids and scoring rules are ours; a station's licensed wording is loaded
//! separately. Facts from `shared/reference/instruments.md`.

mod access;
mod compare;
mod cssrs;
mod definition;
mod instruments;
pub mod psychosocial;
mod record;
mod requests;
mod risk;
mod score;
pub mod ssrs;
mod wording;

pub use access::{Access, assessment_access};
pub use compare::{Change, Comparison, ScorePoint, Trend, compare};
pub use definition::{AnswerOption, Definition, Item, Section};
pub use instruments::{Cutoffs, DT_PROBLEMS, Instrument};
pub use psychosocial::{Psychosocial, PsychosocialDraft};
pub use record::{
    Assessment, AssessmentDraft, Content, ResponseDraft, ScoredResponse, amendment_reason,
};
pub use requests::{
    ASSESSMENT_PAGE, AcknowledgeRiskFlag, AmendAssessment, GetAssessment, ListAssessments,
    ListRiskFlags, RISK_FLAG_PAGE, SubmitAssessment,
};
pub use risk::{Acknowledgement, RiskFlag};
pub use score::{Answers, RiskKind, Score};
pub use wording::{ItemWording, Wording};

#[cfg(test)]
mod worked_examples;
