//! Risk flags: raised by a submission whose answers show a risk, open until a
//! supervisor acknowledges them with a note. The flag names the instrument and the
//! kind of risk; the answers stay in the assessment.

use chrono::{DateTime, Utc};

use crate::assessment::{Instrument, RiskKind};
use crate::{AssessmentId, ReferralId, RiskFlagId, StationId, Violations};

/// The longest acknowledgement note.
const MAX_ACKNOWLEDGEMENT_NOTE: usize = 2000;

/// A supervisor's acknowledgement of a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The credential subject of the supervisor.
    pub by: String,
    pub at: DateTime<Utc>,
    /// What was done about it (sensitive: sealed in the store).
    pub note: String,
}

/// One raised risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskFlag {
    pub id: RiskFlagId,
    pub referral: ReferralId,
    pub station: StationId,
    pub assessment: AssessmentId,
    /// The version of the assessment whose answers raised it.
    pub assessment_version: u32,
    pub instrument: Instrument,
    pub kind: RiskKind,
    pub raised_at: DateTime<Utc>,
    pub acknowledgement: Option<Acknowledgement>,
    pub version: i64,
}

impl RiskFlag {
    pub fn is_open(&self) -> bool {
        self.acknowledgement.is_none()
    }

    /// The etag a supervisor sends back when acknowledging.
    pub fn etag(&self) -> crate::Etag {
        crate::Etag::of(self.version)
    }

    /// Checks an acknowledgement note: required, since the point of acknowledging is
    /// to say what was done.
    pub fn acknowledgement_note(note: &str) -> Result<String, Violations> {
        let mut v = Violations::new();
        let note = v.required_text("note", note, MAX_ACKNOWLEDGEMENT_NOTE);
        v.into_result(note)
    }
}
