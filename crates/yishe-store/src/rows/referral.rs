//! Referral rows and their sealed columns; the feed's rows of events.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::referral::{
    Referral, ReferralEvent, ReferralReason, RejectionReason, Status, StatusReason,
};
use yishe_domain::{DepartmentId, HospitalId, Priority, ReferralId, SocialWorkerId, StationId};

use super::{corrupt, from_json, to_json};
use crate::{Crypto, Result, Sealer};

pub(crate) fn reasons_json(reasons: &[ReferralReason]) -> String {
    to_json(&reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>())
}

pub(crate) fn reasons_from_json(text: &str) -> Result<Vec<ReferralReason>> {
    let reasons: Vec<String> = from_json(text, "reasons")?;
    reasons
        .iter()
        .map(|r| ReferralReason::parse(r).ok_or_else(|| corrupt("reason")))
        .collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReferralRow {
    pub(crate) id: Uuid,
    created_by: String,
    request_id: String,
    placer_order_id: Option<String>,
    previous_referral_id: Option<Uuid>,
    pub(crate) fingerprint: String,
    hospital_id: String,
    department_id: Uuid,
    station_id: String,
    clinician: String,
    patient: String,
    reasons: String,
    note: String,
    priority: String,
    consent: String,
    status: String,
    rejection_reason: Option<String>,
    status_note: String,
    assigned_worker_id: Option<Uuid>,
    assigned_worker_name: Option<String>,
    acceptance_deadline: DateTime<Utc>,
    sla_breached: bool,
    accepted_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    first_contact_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    closure: Option<String>,
    reopened_from_id: Option<Uuid>,
}

/// A referral's columns as a create inserts them (`INSERT_REFERRAL`'s, in its order),
/// the sensitive ones sealed with the current key: bound one create at a time, or
/// gathered for a batch of creates on PostgreSQL.
pub(crate) struct ReferralColumns {
    pub(crate) id: Uuid,
    pub(crate) created_by: String,
    pub(crate) request_id: String,
    pub(crate) fingerprint: String,
    pub(crate) hospital_id: String,
    pub(crate) department_id: Uuid,
    pub(crate) station_id: String,
    pub(crate) clinician: String,
    pub(crate) patient: String,
    pub(crate) reasons: String,
    pub(crate) note: String,
    pub(crate) priority: &'static str,
    pub(crate) consent: String,
    pub(crate) status: &'static str,
    pub(crate) rejection_reason: Option<&'static str>,
    pub(crate) status_note: String,
    pub(crate) assigned_worker_id: Option<Uuid>,
    pub(crate) acceptance_deadline: DateTime<Utc>,
    pub(crate) sla_breached: bool,
    pub(crate) accepted_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) version: i64,
    pub(crate) patient_lookup: String,
    pub(crate) key_id: String,
    pub(crate) placer_order_id: Option<String>,
    pub(crate) previous_referral_id: Option<Uuid>,
}

impl ReferralColumns {
    pub(crate) fn of(r: &Referral, fingerprint: &str, sealer: &Sealer) -> Self {
        let sealed = SealedReferral::of(r, sealer);
        Self {
            id: r.id.as_uuid(),
            created_by: r.created_by.clone(),
            request_id: r.request_id.clone(),
            fingerprint: fingerprint.to_owned(),
            hospital_id: r.hospital.as_str().to_owned(),
            department_id: r.department.as_uuid(),
            station_id: r.station.as_str().to_owned(),
            clinician: to_json(&r.clinician),
            patient: sealed.patient,
            reasons: reasons_json(&r.reasons),
            note: sealed.note,
            priority: r.priority.as_str(),
            consent: sealed.consent,
            status: r.status.as_str(),
            rejection_reason: r.status_reason.rejection_reason.map(|x| x.as_str()),
            status_note: sealed.status_note,
            assigned_worker_id: r.assigned_worker.map(|w| w.as_uuid()),
            acceptance_deadline: r.acceptance_deadline,
            sla_breached: r.sla_breached,
            accepted_at: r.accepted_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            patient_lookup: sealed.patient_lookup,
            key_id: sealed.key_id,
            placer_order_id: r.placer_order_id.clone(),
            previous_referral_id: r.previous_referral.map(|id| id.as_uuid()),
        }
    }
}

/// A referral's sensitive columns as stored: sealed with the current key.
pub(crate) struct SealedReferral {
    /// The closure, when the case has one.
    pub(crate) closure: Option<String>,
    pub(crate) patient: String,
    pub(crate) consent: String,
    pub(crate) note: String,
    pub(crate) status_note: String,
    pub(crate) patient_lookup: String,
    pub(crate) key_id: String,
}

/// The associated data binding a sealed value to its row and column,
/// `referral:<id>:<field>`: the row's part written once, each field's appended to it
/// (a page of fifty referrals opens five fields of each).
struct FieldContext {
    text: String,
    row_part: usize,
}

impl FieldContext {
    fn of(id: Uuid) -> Self {
        let text = format!("referral:{id}:");
        Self {
            row_part: text.len(),
            text,
        }
    }

    fn field(&mut self, field: &str) -> &str {
        self.text.truncate(self.row_part);
        self.text.push_str(field);
        &self.text
    }
}

impl SealedReferral {
    pub(crate) fn of(r: &Referral, sealer: &Sealer) -> Self {
        let mut context = FieldContext::of(r.id.as_uuid());
        Self {
            closure: r
                .closure
                .as_ref()
                .map(|c| sealer.seal(context.field("closure"), &to_json(c))),
            patient: sealer.seal(context.field("patient"), &to_json(&r.patient)),
            consent: sealer.seal(context.field("consent"), &to_json(&r.consent)),
            note: sealer.seal(context.field("note"), &r.note),
            status_note: sealer.seal(context.field("status_note"), &r.status_reason.note),
            patient_lookup: sealer.lookup(&r.patient.his_patient_id),
            key_id: sealer.key_id().to_owned(),
        }
    }
}

impl ReferralRow {
    /// The referral, its sensitive columns decrypted.
    pub(crate) fn into_referral(self, crypto: &Crypto) -> Result<Referral> {
        let mut context = FieldContext::of(self.id);
        let mut open = |field: &str, value: &str| crypto.open(context.field(field), value);
        let patient = open("patient", &self.patient)?;
        let consent = open("consent", &self.consent)?;
        let note = open("note", &self.note)?;
        let status_note = open("status_note", &self.status_note)?;
        let closure = self
            .closure
            .as_deref()
            .map(|sealed| open("closure", sealed))
            .transpose()?;
        let row = ReferralRow {
            patient,
            consent,
            note,
            status_note,
            closure,
            ..self
        };
        row.into_plain()
    }

    fn into_plain(self) -> Result<Referral> {
        let row = self;
        Ok(Referral {
            id: ReferralId::from_uuid(row.id),
            request_id: row.request_id,
            placer_order_id: row.placer_order_id,
            previous_referral: row.previous_referral_id.map(ReferralId::from_uuid),
            reopened_from: row.reopened_from_id.map(ReferralId::from_uuid),
            created_by: row.created_by,
            hospital: HospitalId::parse(&row.hospital_id).ok_or_else(|| corrupt("hospital id"))?,
            department: DepartmentId::from_uuid(row.department_id),
            clinician: from_json(&row.clinician, "clinician")?,
            patient: from_json(&row.patient, "patient")?,
            reasons: reasons_from_json(&row.reasons)?,
            note: row.note,
            priority: Priority::parse(&row.priority).ok_or_else(|| corrupt("priority"))?,
            consent: from_json(&row.consent, "consent")?,
            status: Status::parse(&row.status).ok_or_else(|| corrupt("status"))?,
            status_reason: StatusReason {
                rejection_reason: row
                    .rejection_reason
                    .map(|r| RejectionReason::parse(&r).ok_or_else(|| corrupt("rejection reason")))
                    .transpose()?,
                note: row.status_note,
            },
            station: StationId::parse(&row.station_id).ok_or_else(|| corrupt("station id"))?,
            assigned_worker: row.assigned_worker_id.map(SocialWorkerId::from_uuid),
            assigned_worker_name: row.assigned_worker_name,
            acceptance_deadline: row.acceptance_deadline,
            sla_breached: row.sla_breached,
            accepted_at: row.accepted_at,
            ended_at: row.ended_at,
            first_contact_at: row.first_contact_at,
            closure: row
                .closure
                .as_deref()
                .map(|c| from_json(c, "closure"))
                .transpose()?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FeedRow {
    sequence: i64,
    payload: String,
    trace_context: Option<String>,
}

impl FeedRow {
    /// The event, its closure summary opened.
    pub(crate) fn into_event(self, crypto: &Crypto) -> Result<ReferralEvent> {
        let mut event: ReferralEvent = from_json(&self.payload, "event")?;
        event.sequence = Some(u64::try_from(self.sequence).map_err(|_| corrupt("sequence"))?);
        event.trace_context = self.trace_context;
        if let Some(notice) = event.closure.as_mut()
            && !notice.summary.is_empty()
        {
            // A summary sealed under a key since retired cannot be read: the event still
            // goes out, with its outcome, rather than stopping every watch behind it.
            notice.summary = crypto
                .open(&event_context(event.id), &notice.summary)
                .unwrap_or_else(|_| {
                    tracing::warn!(event_id = %event.id, "a closing event's summary could not be opened");
                    String::new()
                });
        }
        Ok(event)
    }
}

/// The associated data binding a sealed summary to its event.
fn event_context(id: Uuid) -> String {
    format!("event:{id}:closure_summary")
}

/// An event as stored in the outbox and the feed: the closure summary a COMPLETED or
/// FAILED event carries for the department is sealed, as the referral's own copy is.
pub(crate) fn event_payload(event: &ReferralEvent, crypto: &Crypto) -> String {
    match &event.closure {
        Some(notice) if !notice.summary.is_empty() => {
            let mut stored = event.clone();
            if let Some(n) = stored.closure.as_mut() {
                n.summary = crypto.seal(&event_context(event.id), &notice.summary);
            }
            to_json(&stored)
        }
        _ => to_json(event),
    }
}

/// A row of a patient's history beside one of their referrals.
#[derive(sqlx::FromRow)]
pub(crate) struct HistoryRow {
    id: Uuid,
    status: String,
    reasons: String,
    created_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    open_risk_flags: i64,
    recent_risk_flags: i64,
    assigned_worker_id: Option<Uuid>,
}

impl TryFrom<HistoryRow> for yishe_domain::referral::HistoryEntry {
    type Error = crate::Error;

    fn try_from(row: HistoryRow) -> Result<Self> {
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(Self {
            referral: ReferralId::from_uuid(row.id),
            status: Status::parse(&row.status).ok_or_else(|| corrupt("status"))?,
            reasons: reasons_from_json(&row.reasons)?,
            created_at: row.created_at,
            ended_at: row.ended_at,
            open_risk_flags: count(row.open_risk_flags),
            recent_risk_flags: count(row.recent_risk_flags),
            possible_duplicate: false,
            assigned_worker: row.assigned_worker_id.map(SocialWorkerId::from_uuid),
        })
    }
}
