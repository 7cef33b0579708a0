//! Referral messages.

use yishe_domain::referral::{
    self as domain, AssignReferral, Change, ChangeReferral, ConsentDraft, ConsentKind, Departure,
    DepartureKind, EventType, FeedStart, GetReferral, LIST_PAGE, ListFilter, ListOrder,
    ListReferrals, PatientDraft, ReassignWork, ReferralDraft, ReferralReason, ReferralUpdate,
    RejectionReason, Sex, Status, TokenBinding, WATCH_FILTER_MAX, WatchEvents, parse_page_token,
};
use yishe_domain::{DepartmentId, PageRequest, Priority, ReferralId, SocialWorkerId, Violations};

use super::parse;
use super::time::{from_timestamp, to_timestamp};
use crate::common;
use crate::referral as wire;

pub fn priority(value: i32) -> Option<Priority> {
    match common::Priority::try_from(value).ok()? {
        common::Priority::Routine => Some(Priority::Routine),
        common::Priority::Urgent => Some(Priority::Urgent),
        common::Priority::Emergency => Some(Priority::Emergency),
        common::Priority::Unspecified => None,
    }
}

pub fn priority_to_proto(p: Priority) -> common::Priority {
    match p {
        Priority::Routine => common::Priority::Routine,
        Priority::Urgent => common::Priority::Urgent,
        Priority::Emergency => common::Priority::Emergency,
    }
}

/// The wire enums share the domain's names behind a prefix, so the mapping goes by
/// name: one table, no chance of the two lists drifting apart silently.
pub(super) fn reason(value: i32) -> Option<ReferralReason> {
    let name = wire::ReferralReason::try_from(value).ok()?.as_str_name();
    ReferralReason::parse(name.strip_prefix("REFERRAL_REASON_")?)
}

pub(super) fn reason_to_proto(r: ReferralReason) -> i32 {
    wire::ReferralReason::from_str_name(&format!("REFERRAL_REASON_{}", r.as_str()))
        .expect("every domain reason is in the contract") as i32
}

fn rejection_reason(value: i32) -> Option<RejectionReason> {
    let name = wire::RejectionReason::try_from(value).ok()?.as_str_name();
    RejectionReason::parse(name.strip_prefix("REJECTION_REASON_")?)
}

fn rejection_reason_to_proto(r: Option<RejectionReason>) -> i32 {
    r.map(|r| {
        wire::RejectionReason::from_str_name(&format!("REJECTION_REASON_{}", r.as_str()))
            .expect("every domain rejection reason is in the contract") as i32
    })
    .unwrap_or(0)
}

pub fn status_to_proto(s: Status) -> wire::ReferralStatus {
    wire::ReferralStatus::from_str_name(&format!("REFERRAL_STATUS_{}", s.as_str()))
        .expect("every domain status is in the contract")
}

fn event_type_to_proto(t: EventType) -> wire::ReferralEventType {
    wire::ReferralEventType::from_str_name(&format!("REFERRAL_EVENT_TYPE_{}", t.as_str()))
        .expect("every domain event type is in the contract")
}

fn event_type(value: i32) -> Option<EventType> {
    let name = wire::ReferralEventType::try_from(value).ok()?.as_str_name();
    EventType::parse(name.strip_prefix("REFERRAL_EVENT_TYPE_")?)
}

fn sex(value: i32) -> Sex {
    match wire::Sex::try_from(value) {
        Ok(wire::Sex::Female) => Sex::Female,
        Ok(wire::Sex::Male) => Sex::Male,
        Ok(wire::Sex::Other) => Sex::Other,
        _ => Sex::Unspecified,
    }
}

fn sex_to_proto(s: Sex) -> wire::Sex {
    match s {
        Sex::Female => wire::Sex::Female,
        Sex::Male => wire::Sex::Male,
        Sex::Other => wire::Sex::Other,
        Sex::Unspecified => wire::Sex::Unspecified,
    }
}

/// A patient as sent, for the domain to check.
pub(super) fn patient_draft(p: wire::Patient) -> PatientDraft {
    PatientDraft {
        his_patient_id: p.his_patient_id,
        encounter_id: p.encounter_id,
        name: p.name,
        sex: sex(p.sex),
        birth_date: p.birth_date.map(|d| (d.year, d.month, d.day)),
        phone: p.phone,
        ward: p.ward,
        bed: p.bed,
        clinical_summary: p.clinical_summary,
    }
}

/// The draft of a CreateReferral request; output-only fields are ignored. The draft's
/// own fields, ids among them, are checked together by the domain's intake rules.
pub fn create_request(request: wire::CreateReferralRequest) -> ReferralDraft {
    let r = request.referral.unwrap_or_default();
    ReferralDraft {
        request_id: request.request_id,
        placer_order_id: r.placer_order_id,
        previous_referral_id: r.previous_referral_id,
        department_code: r.department_code,
        hospital_id: r.hospital_id,
        department_id: r.department_id,
        clinician: r.referring_clinician.map(|c| domain::Clinician {
            name: c.name,
            staff_id: c.staff_id,
            contact: c.contact,
        }),
        patient: r.patient.map(patient_draft),
        reasons: r.reasons.into_iter().map(reason).collect(),
        note: r.note,
        priority: priority(r.priority),
        consent: r.consent.map(|c| ConsentDraft {
            kind: match wire::ConsentKind::try_from(c.kind) {
                Ok(wire::ConsentKind::Given) => Some(ConsentKind::Given),
                Ok(wire::ConsentKind::Overridden) => Some(ConsentKind::Overridden),
                _ => None,
            },
            given_by: c.given_by,
            justification: c.justification,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_time.as_ref().and_then(from_timestamp),
        }),
        station_id: r.station_id,
    }
}

pub(super) fn referral_id(text: &str, v: &mut Violations) -> Option<ReferralId> {
    parse::id("referral_id", text, "a referral id", ReferralId::parse, v)
}

pub fn get_request(r: wire::GetReferralRequest) -> Result<GetReferral, Violations> {
    let mut v = Violations::new();
    match referral_id(&r.referral_id, &mut v) {
        Some(id) => Ok(GetReferral {
            id,
            break_glass_reason: r.break_glass_reason,
        }),
        None => Err(v),
    }
}

pub fn list_request(r: wire::ListReferralsRequest) -> Result<ListReferrals, Violations> {
    let mut v = Violations::new();
    let filter = ListFilter::parse(&r.filter).unwrap_or_else(|bad| {
        parse::merge(&mut v, bad);
        ListFilter::default()
    });
    let order = ListOrder::parse(&r.order_by).unwrap_or_else(|| {
        v.add(
            "order_by",
            "must be create_time desc (the default), create_time, update_time or update_time desc",
        );
        ListOrder::default()
    });
    let binding = TokenBinding::of(&r.filter, order);
    let limit = v.page_size(r.page_size, LIST_PAGE.default, LIST_PAGE.max);
    let after = match r.page_token.trim() {
        "" => None,
        token => parse_page_token(token, binding, order)
            .map_err(|bad| v.add("page_token", bad.description()))
            .ok(),
    };
    v.into_result(ListReferrals {
        filter,
        order,
        page: PageRequest { limit, after },
        binding,
    })
}

pub fn watch_request(r: wire::WatchReferralEventsRequest) -> Result<WatchEvents, Violations> {
    use wire::watch_referral_events_request::StartAt;
    let mut v = Violations::new();
    let start = match r.start_at {
        None => FeedStart::Beginning,
        Some(StartAt::AfterSequence(after)) => FeedStart::After(after),
        Some(StartAt::From(from)) => match wire::FeedStart::try_from(from) {
            // Unspecified reads as the default start: the beginning.
            Ok(wire::FeedStart::Beginning | wire::FeedStart::Unspecified) => FeedStart::Beginning,
            Ok(wire::FeedStart::Now) => FeedStart::Now,
            _ => {
                v.add("from", "must be FEED_START_BEGINNING or FEED_START_NOW");
                FeedStart::Beginning
            }
        },
    };
    if r.department_ids.len() > WATCH_FILTER_MAX {
        v.add("department_ids", format!("at most {WATCH_FILTER_MAX}"));
    }
    if r.event_types.len() > WATCH_FILTER_MAX {
        v.add("event_types", format!("at most {WATCH_FILTER_MAX}"));
    }
    let departments = r
        .department_ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let field = format!("department_ids[{i}]");
            parse::id(&field, id, "a department id", DepartmentId::parse, &mut v)
        })
        .collect();
    let event_types = r
        .event_types
        .iter()
        .enumerate()
        .filter_map(|(i, &t)| {
            let parsed = event_type(t);
            if parsed.is_none() {
                v.add(
                    format!("event_types[{i}]"),
                    "must be a ReferralEventType other than UNSPECIFIED",
                );
            }
            parsed
        })
        .collect();
    v.into_result(WatchEvents {
        start,
        departments,
        event_types,
    })
}

/// A checkpoint of a watch at `sequence`, sent at `at`.
pub fn checkpoint_to_proto(
    sequence: u64,
    at: chrono::DateTime<chrono::Utc>,
) -> wire::FeedCheckpoint {
    wire::FeedCheckpoint {
        sequence,
        send_time: Some(to_timestamp(at)),
    }
}

/// A change to the referral `id` read at `etag`: the ids parsed, the change's own
/// fields checked, every offending one named.
fn change_request(id: &str, etag: &str, change: Change) -> Result<ChangeReferral, Violations> {
    let mut v = Violations::new();
    let change = change.checked().map_err(|bad| parse::merge(&mut v, bad));
    let id = referral_id(id, &mut v);
    let etag = parse::etag("etag", etag, &mut v);
    match (id, etag, change) {
        (Some(id), Some(etag), Ok(change)) if v.is_empty() => {
            Ok(ChangeReferral { id, etag, change })
        }
        _ => Err(v),
    }
}

pub fn accept_request(r: wire::AcceptReferralRequest) -> Result<ChangeReferral, Violations> {
    change_request(&r.referral_id, &r.etag, Change::Accept)
}

pub fn reject_request(r: wire::RejectReferralRequest) -> Result<ChangeReferral, Violations> {
    let change = Change::Reject {
        reason: rejection_reason(r.reason),
        note: r.note,
    };
    change_request(&r.referral_id, &r.etag, change)
}

pub fn hold_request(r: wire::HoldReferralRequest) -> Result<ChangeReferral, Violations> {
    change_request(&r.referral_id, &r.etag, Change::Hold { note: r.note })
}

pub fn resume_request(r: wire::ResumeReferralRequest) -> Result<ChangeReferral, Violations> {
    change_request(&r.referral_id, &r.etag, Change::Resume { note: r.note })
}

/// A cancellation, or the department's retraction of a referral made in error.
pub fn cancel_request(r: wire::CancelReferralRequest) -> Result<ChangeReferral, Violations> {
    #[allow(deprecated)]
    let entered_in_error = r.entered_in_error;
    let retract = match wire::CancelKind::try_from(r.kind) {
        Ok(wire::CancelKind::Unspecified) => entered_in_error,
        Ok(wire::CancelKind::EnteredInError) => true,
        Ok(wire::CancelKind::Withdraw) if entered_in_error => {
            return Err(Violations::one(
                "kind",
                "is WITHDRAW while the deprecated entered_in_error is true: send one of them",
            ));
        }
        Ok(wire::CancelKind::Withdraw) => false,
        Err(_) => {
            return Err(Violations::one(
                "kind",
                "must be WITHDRAW or ENTERED_IN_ERROR",
            ));
        }
    };
    let change = if retract {
        Change::Retract { note: r.note }
    } else {
        Change::Cancel { note: r.note }
    };
    change_request(&r.referral_id, &r.etag, change)
}

/// One entry of a patient's history beside a referral.
pub fn history_entry_to_proto(e: &domain::HistoryEntry) -> wire::PatientHistoryEntry {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    wire::PatientHistoryEntry {
        referral_id: e.referral.to_string(),
        status: status_to_proto(e.status) as i32,
        reasons: e.reasons.iter().map(|r| reason_to_proto(*r)).collect(),
        create_time: Some(to_timestamp(e.created_at)),
        end_time: e.ended_at.map(to_timestamp),
        open_risk_flags: count(e.open_risk_flags),
        recent_risk_flags: count(e.recent_risk_flags),
        possible_duplicate: e.possible_duplicate,
    }
}

/// A WithdrawConsent request, recorded by `recorded_by` (the caller).
pub fn withdraw_consent_request(
    r: wire::WithdrawConsentRequest,
    recorded_by: &str,
) -> Result<ChangeReferral, Violations> {
    let change = Change::WithdrawConsent {
        withdrawn_by: r.withdrawn_by,
        recorded_by: recorded_by.to_owned(),
        note: r.note,
    };
    change_request(&r.referral_id, &r.etag, change)
}

/// An UpdateReferral request: the fields its mask names, taken from its `referral`.
pub fn update_request(r: wire::UpdateReferralRequest) -> Result<ChangeReferral, Violations> {
    let mut v = Violations::new();
    let given = r.referral.unwrap_or_default();
    let patient = given.patient.unwrap_or_default();
    let mut update = ReferralUpdate::default();
    let paths = r.update_mask.map(|m| m.paths).unwrap_or_default();
    if paths.is_empty() {
        v.add("update_mask", "is required: name the fields to change");
    }
    for path in &paths {
        match path.as_str() {
            "patient.phone" => update.phone = Some(patient.phone.clone()),
            "patient.ward" => update.ward = Some(patient.ward.clone()),
            "patient.bed" => update.bed = Some(patient.bed.clone()),
            "patient.clinical_summary" => {
                update.clinical_summary = Some(patient.clinical_summary.clone());
            }
            "note" => update.note = Some(given.note.clone()),
            "priority" => match priority(given.priority) {
                Some(p) => update.priority = Some(p),
                None => v.add("referral.priority", "must be ROUTINE, URGENT or EMERGENCY"),
            },
            "patient.departure" => {
                update.departure = departure(patient.departure.as_ref(), &mut v);
            }
            other => v.add(
                "update_mask",
                format!(
                    "{other:?} cannot be updated: name patient.phone, patient.ward, \
                     patient.bed, patient.clinical_summary, note, priority or patient.departure"
                ),
            ),
        }
    }
    match change_request(&r.referral_id, &r.etag, Change::Update(update)) {
        Ok(change) if v.is_empty() => Ok(change),
        Ok(_) => Err(v),
        Err(more) => {
            parse::merge(&mut v, more);
            Err(v)
        }
    }
}

fn departure(given: Option<&wire::Departure>, v: &mut Violations) -> Option<Departure> {
    let Some(given) = given else {
        v.add(
            "referral.patient.departure",
            "is required when named in update_mask",
        );
        return None;
    };
    let kind = wire::DepartureKind::try_from(given.kind)
        .ok()
        .and_then(|k| DepartureKind::parse(k.as_str_name().strip_prefix("DEPARTURE_KIND_")?));
    if kind.is_none() {
        v.add(
            "referral.patient.departure.kind",
            "must be DISCHARGED, DIED or TRANSFERRED_OUT",
        );
    }
    let at = given.time.as_ref().and_then(from_timestamp);
    if at.is_none() {
        v.add("referral.patient.departure.time", "is required");
    }
    Some(Departure {
        kind: kind?,
        at: at?,
    })
}

fn departure_to_proto(d: &Departure) -> wire::Departure {
    let kind = wire::DepartureKind::from_str_name(&format!("DEPARTURE_KIND_{}", d.kind.as_str()))
        .expect("every departure kind is in the contract");
    wire::Departure {
        kind: kind as i32,
        time: Some(to_timestamp(d.at)),
    }
}

pub fn assign_request(r: wire::AssignReferralRequest) -> Result<AssignReferral, Violations> {
    let mut v = Violations::new();
    let id = referral_id(&r.referral_id, &mut v);
    let etag = parse::etag("etag", &r.etag, &mut v);
    let worker = parse::id(
        "social_worker_id",
        &r.social_worker_id,
        "a social worker id",
        SocialWorkerId::parse,
        &mut v,
    );
    match (id, etag, worker) {
        (Some(id), Some(etag), Some(worker)) => Ok(AssignReferral { id, etag, worker }),
        _ => Err(v),
    }
}

pub fn referral_to_proto(r: &domain::Referral) -> wire::Referral {
    use chrono::Datelike;
    wire::Referral {
        id: r.id.to_string(),
        request_id: r.request_id.clone(),
        placer_order_id: r.placer_order_id.clone().unwrap_or_default(),
        previous_referral_id: r
            .previous_referral
            .map(|id| id.to_string())
            .unwrap_or_default(),
        department_code: String::new(),
        // Filled by the caller of this function for the station only.
        patient_history: Vec::new(),
        accept_time: r.accepted_at.map(to_timestamp),
        end_time: r.ended_at.map(to_timestamp),
        first_contact_time: r.first_contact_at.map(to_timestamp),
        hospital_id: r.hospital.to_string(),
        department_id: r.department.to_string(),
        referring_clinician: Some(wire::Clinician {
            name: r.clinician.name.clone(),
            staff_id: r.clinician.staff_id.clone(),
            contact: r.clinician.contact.clone(),
        }),
        patient: Some(wire::Patient {
            his_patient_id: r.patient.his_patient_id.clone(),
            encounter_id: r.patient.encounter_id.clone(),
            name: r.patient.name.clone(),
            sex: sex_to_proto(r.patient.sex) as i32,
            birth_date: r.patient.birth_date.map(|d| common::Date {
                year: d.year(),
                month: d.month() as i32,
                day: d.day() as i32,
            }),
            phone: r.patient.phone.clone(),
            ward: r.patient.ward.clone(),
            bed: r.patient.bed.clone(),
            clinical_summary: r.patient.clinical_summary.clone(),
            departure: r.patient.departure.as_ref().map(departure_to_proto),
        }),
        reasons: r.reasons.iter().map(|x| reason_to_proto(*x)).collect(),
        note: r.note.clone(),
        priority: priority_to_proto(r.priority) as i32,
        consent: Some(wire::Consent {
            kind: match r.consent.kind {
                ConsentKind::Given => wire::ConsentKind::Given,
                ConsentKind::Overridden => wire::ConsentKind::Overridden,
            } as i32,
            given_by: r.consent.given_by.clone(),
            justification: r.consent.justification.clone(),
            recorded_by: r.consent.recorded_by.clone(),
            recorded_time: Some(to_timestamp(r.consent.recorded_at)),
            reconfirmation: r.consent.reconfirmation.as_ref().map(|c| {
                wire::ConsentReconfirmation {
                    required: c.reconfirmed_at.is_none(),
                    reconfirm_time: c.reconfirmed_at.map(to_timestamp),
                }
            }),
            withdrawal: r
                .consent
                .withdrawal
                .as_ref()
                .map(|w| wire::ConsentWithdrawal {
                    withdrawn_by: w.withdrawn_by.clone(),
                    recorded_by: w.recorded_by.clone(),
                    withdraw_time: Some(to_timestamp(w.withdrawn_at)),
                }),
        }),
        status: status_to_proto(r.status) as i32,
        status_reason: (r.status_reason != Default::default()).then(|| wire::StatusReason {
            rejection_reason: rejection_reason_to_proto(r.status_reason.rejection_reason),
            note: r.status_reason.note.clone(),
        }),
        station_id: r.station.to_string(),
        assigned_worker_id: r.assigned_worker.map(|w| w.to_string()).unwrap_or_default(),
        assigned_worker_name: r.assigned_worker_name.clone().unwrap_or_default(),
        acceptance_deadline: Some(to_timestamp(r.acceptance_deadline)),
        sla_breached: r.sla_breached,
        create_time: Some(to_timestamp(r.created_at)),
        update_time: Some(to_timestamp(r.updated_at)),
        etag: r.etag().to_string(),
        closure: r.closure.as_ref().map(super::closure::closure_to_proto),
        reopened_from_referral_id: r.reopened_from.map(|id| id.to_string()).unwrap_or_default(),
    }
}

pub fn event_to_proto(e: &domain::ReferralEvent) -> wire::ReferralEvent {
    wire::ReferralEvent {
        sequence: e.sequence.unwrap_or_default(),
        event_id: e.id.to_string(),
        r#type: event_type_to_proto(e.event_type) as i32,
        referral_id: e.referral.to_string(),
        hospital_id: e.hospital.to_string(),
        department_id: e.department.to_string(),
        station_id: e.station.to_string(),
        status: status_to_proto(e.status) as i32,
        priority: priority_to_proto(e.priority) as i32,
        assigned_worker_id: e.assigned_worker.map(|w| w.to_string()).unwrap_or_default(),
        rejection_reason: rejection_reason_to_proto(e.rejection_reason),
        occur_time: Some(to_timestamp(e.occurred_at)),
        etag: e
            .version
            .map(|v| yishe_domain::Etag::of(v).to_string())
            .unwrap_or_default(),
        update_time: e.updated_at.map(to_timestamp),
        plan_id: e.plan.map(|p| p.id.to_string()).unwrap_or_default(),
        plan_version: e.plan.map_or(0, |p| p.version),
        volunteer_task_id: e.volunteer_task.map(|t| t.to_string()).unwrap_or_default(),
        follow_up_id: e.follow_up.map(|f| f.to_string()).unwrap_or_default(),
        closure_outcome: e
            .closure
            .as_ref()
            .map_or(0, |c| super::closure::outcome_to_proto(c.outcome)),
        closure_summary: e
            .closure
            .as_ref()
            .map(|c| c.summary.clone())
            .unwrap_or_default(),
        related_referral_id: e
            .related_referral
            .map(|id| id.to_string())
            .unwrap_or_default(),
    }
}

pub fn reassign_request(r: wire::ReassignWorkRequest) -> Result<ReassignWork, Violations> {
    let mut v = Violations::new();
    let worker = |field: &str, text: &str, v: &mut Violations| {
        parse::id(field, text, "a social worker id", SocialWorkerId::parse, v)
    };
    let from = worker("from_social_worker_id", &r.from_social_worker_id, &mut v);
    let to = worker("to_social_worker_id", &r.to_social_worker_id, &mut v);
    if from.is_some() && from == to {
        v.add(
            "to_social_worker_id",
            "names the same worker as from_social_worker_id",
        );
    }
    match (from, to) {
        (Some(from), Some(to)) if v.is_empty() => Ok(ReassignWork { from, to }),
        _ => Err(v),
    }
}

/// One worker's open work, as the supervisors' list shows it.
pub fn reassignment_to_proto(
    worker: &yishe_domain::directory::SocialWorker,
    referrals: &[ReferralId],
    follow_ups: &[yishe_domain::FollowUpId],
    tasks: &[yishe_domain::VolunteerTaskId],
) -> wire::Reassignment {
    wire::Reassignment {
        social_worker_id: worker.id.to_string(),
        display_name: worker.display_name.clone(),
        active: worker.active,
        on_leave: worker.on_leave,
        referral_ids: referrals.iter().map(ToString::to_string).collect(),
        follow_up_ids: follow_ups.iter().map(ToString::to_string).collect(),
        volunteer_task_ids: tasks.iter().map(ToString::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(deprecated)]
    fn a_cancellation_says_what_it_is_by_its_kind_or_the_old_flag() {
        let id = ReferralId::new().to_string();
        let cancel = |kind: i32, entered_in_error: bool| {
            cancel_request(wire::CancelReferralRequest {
                referral_id: id.clone(),
                etag: "1".into(),
                note: "moved to another hospital".into(),
                entered_in_error,
                kind,
            })
        };
        let retracts = |r: Result<ChangeReferral, Violations>| {
            matches!(r.unwrap().change, Change::Retract { .. })
        };
        assert!(!retracts(cancel(0, false)));
        assert!(retracts(cancel(0, true)), "the deprecated flag still works");
        assert!(retracts(cancel(
            wire::CancelKind::EnteredInError as i32,
            false
        )));
        assert!(!retracts(cancel(wire::CancelKind::Withdraw as i32, false)));
        assert!(
            cancel(wire::CancelKind::Withdraw as i32, true)
                .unwrap_err()
                .names("kind")
        );
        assert!(cancel(9, false).unwrap_err().names("kind"));
    }

    #[test]
    fn every_domain_value_has_a_wire_twin() {
        for r in ReferralReason::ALL {
            assert_eq!(reason(reason_to_proto(*r)), Some(*r));
        }
        for r in RejectionReason::ALL {
            assert_eq!(
                rejection_reason(rejection_reason_to_proto(Some(*r))),
                Some(*r)
            );
        }
        for s in Status::ALL {
            status_to_proto(*s);
        }
        for t in EventType::ALL {
            assert_eq!(event_type(event_type_to_proto(*t) as i32), Some(*t));
        }
        for p in Priority::ALL {
            assert_eq!(priority(priority_to_proto(p) as i32), Some(p));
        }
    }

    #[test]
    fn unknown_and_unset_enum_values_become_none() {
        assert_eq!(reason(0), None);
        assert_eq!(reason(999), None);
        assert_eq!(priority(0), None);
        assert_eq!(rejection_reason(42), None);
    }
}
