//! Assessment and risk-flag rows, and their sealing: the content of each version (answers,
//! scores, psychosocial domains, narrative), its amendment reason and a flag's
//! acknowledgement note are sealed with the row, version and column as associated data.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::assessment::{
    Acknowledgement, Assessment, Content, Instrument, RiskFlag, RiskKind,
};
use yishe_domain::{AssessmentId, ReferralId, RiskFlagId, SocialWorkerId, StationId};

use super::{corrupt, to_json};
use crate::{Crypto, Result, Sealer};

fn version_context(id: Uuid, version: i64, field: &str) -> String {
    format!("assessment:{id}:v{version}:{field}")
}

fn flag_context(id: Uuid) -> String {
    format!("risk_flag:{id}:note")
}

/// The columns of an assessment version with its record's.
pub(crate) const SELECT_ASSESSMENT: &str = "SELECT a.id, a.referral_id, a.created_by, \
     a.request_id, a.fingerprint, a.current_version, a.created_at, v.version, v.content, \
     v.amendment_reason, v.recorded_by, v.recorded_by_worker, v.recorded_at \
     FROM assessments a JOIN assessment_versions v ON v.assessment_id = a.id";

pub(crate) const SELECT_RISK_FLAG: &str = "SELECT f.id, f.referral_id, f.station_id, \
     f.assessment_id, f.assessment_version, f.instrument, f.kind, f.raised_at, \
     f.acknowledged_by, f.acknowledged_at, f.note, f.version FROM risk_flags f";

#[derive(sqlx::FromRow)]
pub(crate) struct AssessmentRow {
    id: Uuid,
    referral_id: Uuid,
    created_by: String,
    request_id: String,
    pub(crate) fingerprint: String,
    current_version: i64,
    created_at: DateTime<Utc>,
    version: i64,
    content: String,
    amendment_reason: String,
    recorded_by: String,
    recorded_by_worker: Option<Uuid>,
    recorded_at: DateTime<Utc>,
}

/// One version's sealed columns.
pub(crate) struct SealedVersion {
    pub(crate) content: String,
    pub(crate) amendment_reason: String,
    pub(crate) key_id: String,
}

impl SealedVersion {
    pub(crate) fn of(a: &Assessment, sealer: &Sealer) -> Self {
        let (id, version) = (a.id.as_uuid(), i64::from(a.version));
        Self {
            content: sealer.seal(
                &version_context(id, version, "content"),
                &to_json(&a.content),
            ),
            amendment_reason: sealer.seal(
                &version_context(id, version, "amendment_reason"),
                &a.amendment_reason,
            ),
            key_id: sealer.key_id().to_owned(),
        }
    }
}

impl AssessmentRow {
    pub(crate) fn into_assessment(self, crypto: &Crypto) -> Result<Assessment> {
        let open = |field: &str, value: &str| {
            crypto.open(&version_context(self.id, self.version, field), value)
        };
        let content: Content = serde_json::from_str(&open("content", &self.content)?)
            .map_err(|_| corrupt("assessment content"))?;
        let amendment_reason = open("amendment_reason", &self.amendment_reason)?;
        let number = |n: i64| u32::try_from(n).map_err(|_| corrupt("assessment version"));
        Ok(Assessment {
            id: AssessmentId::from_uuid(self.id),
            referral: ReferralId::from_uuid(self.referral_id),
            version: number(self.version)?,
            current_version: number(self.current_version)?,
            content,
            amendment_reason,
            recorded_by: self.recorded_by,
            recorded_by_worker: self.recorded_by_worker.map(SocialWorkerId::from_uuid),
            recorded_at: self.recorded_at,
            created_at: self.created_at,
            created_by: self.created_by,
            request_id: self.request_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RiskFlagRow {
    id: Uuid,
    referral_id: Uuid,
    station_id: String,
    assessment_id: Uuid,
    assessment_version: i64,
    instrument: String,
    kind: String,
    raised_at: DateTime<Utc>,
    acknowledged_by: Option<String>,
    acknowledged_at: Option<DateTime<Utc>>,
    note: String,
    version: i64,
}

/// The sealed acknowledgement note of a flag ("" sealed while it is open).
pub(crate) fn seal_flag_note(flag: &RiskFlag, sealer: &Sealer) -> String {
    let note = flag
        .acknowledgement
        .as_ref()
        .map(|a| a.note.as_str())
        .unwrap_or_default();
    sealer.seal(&flag_context(flag.id.as_uuid()), note)
}

impl RiskFlagRow {
    pub(crate) fn into_flag(self, crypto: &Crypto) -> Result<RiskFlag> {
        let note = crypto.open(&flag_context(self.id), &self.note)?;
        let acknowledgement = match (self.acknowledged_by, self.acknowledged_at) {
            (Some(by), Some(at)) => Some(Acknowledgement { by, at, note }),
            _ => None,
        };
        Ok(RiskFlag {
            id: RiskFlagId::from_uuid(self.id),
            referral: ReferralId::from_uuid(self.referral_id),
            station: StationId::parse(&self.station_id).ok_or_else(|| corrupt("station id"))?,
            assessment: AssessmentId::from_uuid(self.assessment_id),
            assessment_version: u32::try_from(self.assessment_version)
                .map_err(|_| corrupt("assessment version"))?,
            instrument: Instrument::parse(&self.instrument).ok_or_else(|| corrupt("instrument"))?,
            kind: RiskKind::parse(&self.kind).ok_or_else(|| corrupt("risk kind"))?,
            raised_at: self.raised_at,
            acknowledgement,
            version: self.version,
        })
    }
}
