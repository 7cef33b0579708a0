//! Hostile input never panics: for one contract package at a time, the bytes are
//! decoded as each of its request messages, and whatever decodes goes through the
//! server's conversion and validation to the status a caller would get. A refusal must
//! be INVALID_ARGUMENT naming at least one field. The proptest in `tests/` and the
//! cargo-fuzz targets in `fuzz/` call these functions; a panic in either is a bug.

use chrono::{DateTime, Utc};
use prost::Message;
use yishe_domain::assessment::Cutoffs;
use yishe_domain::directory::KeyReferences;
use yishe_domain::{StationId, Violations};
use yishe_proto::convert::{
    assessment, audit, closure, directory, followup, plan, privacy, referral, task,
};
use yishe_proto::{
    assessment as assessment_wire, audit as audit_wire, directory as directory_wire,
    followup as followup_wire, plan as plan_wire, privacy as privacy_wire,
    referral as referral_wire, security as security_wire,
};

/// One package's harness: the bytes through every request of the package.
pub type Harness = fn(&[u8]);

/// The packages of the contract, one fuzz target each.
pub const PACKAGES: [(&str, Harness); 9] = [
    ("referral", referral),
    ("assessment", assessment),
    ("directory", directory),
    ("audit", audit),
    ("security", security),
    ("privacy", privacy),
    ("plan", plan),
    ("followup", followup),
    ("report", report),
];

/// A fixed "now", so a run is repeatable.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("a valid time")
}

fn decoded<M: Message + Default>(bytes: &[u8]) -> Option<M> {
    M::decode(bytes).ok()
}

/// What a refused request answers: INVALID_ARGUMENT, naming what is wrong.
fn refused(violations: &Violations) {
    assert!(!violations.is_empty(), "a refusal names at least one field");
    let status = yishe_runtime::status::of(violations);
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
}

/// The value of an accepted conversion; a refusal checked and dropped.
fn checked<T>(result: Result<T, Violations>) -> Option<T> {
    result.map_err(|v| refused(&v)).ok()
}

/// Every request of `yishe.referral.v1`.
pub fn referral(bytes: &[u8]) {
    use referral_wire::*;
    if let Some(r) = decoded::<CreateReferralRequest>(bytes) {
        checked(referral::create_request(r).validate(now()));
    }
    if let Some(r) = decoded::<GetReferralRequest>(bytes)
        && let Some(get) = checked(referral::get_request(r))
    {
        checked(get.break_glass_reason());
    }
    if let Some(r) = decoded::<ListReferralsRequest>(bytes) {
        checked(referral::list_request(r));
    }
    if let Some(r) = decoded::<WatchReferralEventsRequest>(bytes) {
        checked(referral::watch_request(r));
    }
    if let Some(r) = decoded::<AcceptReferralRequest>(bytes) {
        checked(referral::accept_request(r));
    }
    if let Some(r) = decoded::<RejectReferralRequest>(bytes) {
        checked(referral::reject_request(r));
    }
    if let Some(r) = decoded::<HoldReferralRequest>(bytes) {
        checked(referral::hold_request(r));
    }
    if let Some(r) = decoded::<ResumeReferralRequest>(bytes) {
        checked(referral::resume_request(r));
    }
    if let Some(r) = decoded::<CancelReferralRequest>(bytes) {
        checked(referral::cancel_request(r));
    }
    if let Some(r) = decoded::<UpdateReferralRequest>(bytes) {
        checked(referral::update_request(r));
    }
    if let Some(r) = decoded::<AssignReferralRequest>(bytes) {
        checked(referral::assign_request(r));
    }
    if let Some(r) = decoded::<WithdrawConsentRequest>(bytes) {
        checked(referral::withdraw_consent_request(r, "key"));
    }
    if let Some(r) = decoded::<RequestClosureRequest>(bytes)
        && let Some(request) = checked(closure::request_closure_request(r))
    {
        checked(request.draft.validate(5));
    }
    if let Some(r) = decoded::<ApproveClosureRequest>(bytes) {
        checked(closure::approve_closure_request(r));
    }
    if let Some(r) = decoded::<ReturnClosureRequest>(bytes) {
        checked(closure::return_closure_request(r));
    }
    if let Some(r) = decoded::<WithdrawClosureRequest>(bytes) {
        checked(closure::withdraw_closure_request(r));
    }
    if let Some(r) = decoded::<ReopenReferralRequest>(bytes) {
        checked(closure::reopen_request(r));
    }
    if let Some(r) = decoded::<ReassignWorkRequest>(bytes) {
        checked(referral::reassign_request(r));
    }
}

/// Every request of `yishe.assessment.v1`.
pub fn assessment(bytes: &[u8]) {
    use assessment_wire::*;
    let cutoffs = Cutoffs::default();
    let earliest = now() - chrono::Duration::days(30);
    if let Some(r) = decoded::<SubmitAssessmentRequest>(bytes)
        && let Some(submit) = checked(assessment::submit_request(r))
    {
        checked(submit.draft.validate(&cutoffs, earliest, now()));
    }
    if let Some(r) = decoded::<AmendAssessmentRequest>(bytes)
        && let Some(amend) = checked(assessment::amend_request(r))
    {
        checked(yishe_domain::assessment::amendment_reason(&amend.reason));
        checked(amend.draft.validate(&cutoffs, earliest, now()));
    }
    if let Some(r) = decoded::<GetAssessmentRequest>(bytes) {
        checked(assessment::get_request(r));
    }
    if let Some(r) = decoded::<ListAssessmentsRequest>(bytes) {
        checked(assessment::list_request(r));
    }
    if let Some(r) = decoded::<CompareAssessmentsRequest>(bytes) {
        checked(assessment::compare_request(r));
    }
    if let Some(r) = decoded::<ListRiskFlagsRequest>(bytes) {
        checked(assessment::list_flags_request(r));
    }
    if let Some(r) = decoded::<AcknowledgeRiskFlagRequest>(bytes) {
        checked(assessment::acknowledge_request(r));
    }
    // The instrument reads take an id the service looks up; decoding is all they do.
    decoded::<ListInstrumentsRequest>(bytes);
    decoded::<GetInstrumentRequest>(bytes);
}

/// Every request of `yishe.directory.v1`.
pub fn directory(bytes: &[u8]) {
    use directory_wire::*;
    let station = StationId::parse("main").expect("a valid station id");
    if let Some(r) = decoded::<CreateDepartmentRequest>(bytes) {
        let (draft, _) = directory::create_department_request(r);
        checked(draft.validate(now()));
    }
    if let Some(r) = decoded::<ListDepartmentsRequest>(bytes) {
        checked(directory::list_departments_request(r));
    }
    if let Some(r) = decoded::<GetStationRequest>(bytes) {
        checked(directory::get_station_request(r));
    }
    if let Some(r) = decoded::<ListStationsRequest>(bytes) {
        checked(directory::page_request(r.page_size, &r.page_token));
    }
    if let Some(r) = decoded::<UpdateStationRequest>(bytes)
        && let Some(update) = checked(directory::update_station_request(r))
    {
        checked(update.draft.change(update.mask));
    }
    if let Some(r) = decoded::<CreateSocialWorkerRequest>(bytes) {
        let (draft, _) = directory::create_worker_request(r);
        checked(draft.validate(station.clone(), now()));
    }
    if let Some(r) = decoded::<UpdateSocialWorkerRequest>(bytes)
        && let Some(update) = checked(directory::update_worker_request(r))
    {
        checked(update.draft.change(update.mask));
    }
    if let Some(r) = decoded::<ListSocialWorkersRequest>(bytes) {
        checked(directory::page_request(r.page_size, &r.page_token));
    }
    if let Some(r) = decoded::<CreateApiKeyRequest>(bytes) {
        let (draft, _) = directory::create_key_request(r);
        checked(draft.validate(&station, &KeyReferences::default(), now()));
    }
    if let Some(r) = decoded::<ListApiKeysRequest>(bytes) {
        checked(directory::page_request(r.page_size, &r.page_token));
    }
    if let Some(r) = decoded::<RevokeApiKeyRequest>(bytes) {
        checked(directory::revoke_key_request(r));
    }
}

/// Every request of `yishe.audit.v1`.
pub fn audit(bytes: &[u8]) {
    use audit_wire::*;
    if let Some(r) = decoded::<ListAuditRecordsRequest>(bytes) {
        checked(audit::list_request(r));
    }
    if let Some(r) = decoded::<VerifyAuditChainRequest>(bytes) {
        checked(audit::verify_request(r));
    }
    decoded::<ExportAuditRecordsRequest>(bytes);
}

/// Every request of `yishe.privacy.v1`; a correction is applied to a referral held,
/// as the service would.
pub fn privacy(bytes: &[u8]) {
    use privacy_wire::*;
    if let Some(r) = decoded::<ExportPatientDataRequest>(bytes) {
        checked(privacy::export_request(r));
    }
    if let Some(r) = decoded::<ErasePatientDataRequest>(bytes) {
        checked(privacy::erase_request(r));
    }
    if let Some(r) = decoded::<CorrectPatientDataRequest>(bytes)
        && let Some(correct) = checked(privacy::correct_request(r))
    {
        let mut held = held_referral();
        match held.correct(correct.correction, now()) {
            Ok(_) | Err(yishe_domain::referral::CorrectionError::Erased) => {}
            Err(yishe_domain::referral::CorrectionError::Invalid(v)) => refused(&v),
        }
    }
}

/// A referral as the store would hold it, for the changes that apply to one.
fn held_referral() -> yishe_domain::referral::Referral {
    use yishe_domain::referral::{
        Clinician, Consent, ConsentKind, Patient, Referral, ReferralReason, Sex, Status,
        StatusReason,
    };
    use yishe_domain::{DepartmentId, HospitalId, Priority, ReferralId};
    Referral {
        id: ReferralId::new(),
        request_id: "r-1".into(),
        placer_order_id: None,
        previous_referral: None,
        reopened_from: None,
        created_by: "key".into(),
        hospital: HospitalId::parse("h1").expect("a valid hospital id"),
        department: DepartmentId::new(),
        clinician: Clinician {
            name: "Dr Zhao".into(),
            staff_id: "D042".into(),
            contact: String::new(),
        },
        patient: Patient {
            his_patient_id: "MRN-1".into(),
            encounter_id: "ZY-1".into(),
            name: "陈建国".into(),
            sex: Sex::Male,
            birth_date: chrono::NaiveDate::from_ymd_opt(1948, 3, 14),
            phone: String::new(),
            ward: "5A".into(),
            bed: "12".into(),
            clinical_summary: String::new(),
            departure: None,
        },
        reasons: vec![ReferralReason::FinancialHardship],
        note: String::new(),
        priority: Priority::Routine,
        consent: Consent {
            kind: ConsentKind::Given,
            given_by: "patient".into(),
            justification: String::new(),
            recorded_by: "Dr Zhao".into(),
            recorded_at: now(),
            withdrawal: None,
            reconfirmation: None,
        },
        status: Status::Requested,
        status_reason: StatusReason::default(),
        station: StationId::parse("main").expect("a valid station id"),
        assigned_worker: None,
        assigned_worker_name: None,
        acceptance_deadline: now(),
        sla_breached: false,
        accepted_at: None,
        ended_at: None,
        first_contact_at: None,
        closure: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

/// Every request of `yishe.security.v1`: they carry nothing to convert.
pub fn security(bytes: &[u8]) {
    use security_wire::*;
    decoded::<RotateEncryptionKeyRequest>(bytes);
    decoded::<GetEncryptionStatusRequest>(bytes);
}

/// Every request of `yishe.plan.v1`; a plan draft is validated as the service does,
/// against a case whose assessment found one problem.
pub fn plan(bytes: &[u8]) {
    use plan_wire::*;
    use yishe_domain::plan::DraftContext;
    let problems: std::collections::HashSet<String> = ["p-1".to_owned()].into();
    let cx = DraftContext {
        problems: &problems,
        before: &[],
        now: now(),
    };
    if let Some(r) = decoded::<CreatePlanRequest>(bytes)
        && let Some(create) = checked(plan::create_request(r))
    {
        checked(create.draft.validate(cx));
    }
    if let Some(r) = decoded::<UpdatePlanRequest>(bytes)
        && let Some(update) = checked(plan::update_request(r))
    {
        checked(update.draft.validate(cx));
    }
    if let Some(r) = decoded::<GetPlanRequest>(bytes) {
        checked(plan::get_request(r));
    }
    if let Some(r) = decoded::<ListPlansRequest>(bytes) {
        checked(plan::list_request(r));
    }
    if let Some(r) = decoded::<SubmitPlanRequest>(bytes) {
        checked(plan::submit_request(r));
    }
    if let Some(r) = decoded::<ApprovePlanRequest>(bytes) {
        checked(plan::approve_request(r));
    }
    if let Some(r) = decoded::<ReturnPlanRequest>(bytes) {
        checked(plan::return_request(r));
    }
    if let Some(r) = decoded::<RevisePlanRequest>(bytes)
        && let Some(revise) = checked(plan::revise_request(r))
        && let yishe_domain::plan::PlanStep::Revise { reason } = revise.step
    {
        checked(yishe_domain::plan::revision_reason(&reason));
    }
    if let Some(r) = decoded::<UpdateInterventionStateRequest>(bytes) {
        checked(plan::intervention_request(r));
    }
    if let Some(r) = decoded::<RecordGoalProgressRequest>(bytes) {
        checked(plan::progress_request(r));
    }
    if let Some(r) = decoded::<PostVolunteerTaskRequest>(bytes)
        && let Some(post) = checked(task::post_request(r))
    {
        let target = yishe_domain::plan::TaskFor {
            station: StationId::parse("s1").expect("a valid station"),
            plan: post.plan,
            intervention: post.intervention,
            referral: yishe_domain::ReferralId::new(),
            ward: String::new(),
            bed: String::new(),
        };
        let caller = held_caller();
        checked(post.draft.validate(target, post.request_id, &caller, now()));
    }
    if let Some(r) = decoded::<GetVolunteerTaskRequest>(bytes) {
        checked(task::get_request(r));
    }
    if let Some(r) = decoded::<ListVolunteerTasksRequest>(bytes) {
        checked(task::list_request(r));
    }
    if let Some(r) = decoded::<ClaimVolunteerTaskRequest>(bytes) {
        checked(task::claim_request(r));
    }
    if let Some(r) = decoded::<ReportVolunteerTaskRequest>(bytes) {
        checked(task::report_request(r));
    }
    if let Some(r) = decoded::<ReviewVolunteerTaskRequest>(bytes) {
        checked(task::review_request(r));
    }
    if let Some(r) = decoded::<CancelVolunteerTaskRequest>(bytes) {
        checked(task::cancel_request(r));
    }
}

/// Every request of `yishe.followup.v1`; contacts and follow-ups are validated as the
/// service does, for a referral made a day before now.
pub fn followup(bytes: &[u8]) {
    use followup_wire::*;
    let station = StationId::parse("s1").expect("a valid station");
    let referral = yishe_domain::ReferralId::new();
    if let Some(r) = decoded::<RecordContactRequest>(bytes)
        && let Some(record) = checked(followup::record_contact_request(r))
    {
        checked(record.draft.validate(
            referral,
            station.clone(),
            record.request_id,
            "k".into(),
            None,
            now() - chrono::Duration::days(1),
            now(),
        ));
    }
    if let Some(r) = decoded::<ListContactsRequest>(bytes) {
        checked(followup::list_contacts_request(r));
    }
    if let Some(r) = decoded::<ListProgressNotesRequest>(bytes) {
        checked(followup::progress_notes_request(r));
    }
    if let Some(r) = decoded::<ScheduleFollowUpRequest>(bytes)
        && let Some(schedule) = checked(followup::schedule_request(r))
    {
        checked(schedule.draft.validate(
            referral,
            station,
            schedule.request_id,
            None,
            "k".into(),
            now(),
        ));
    }
    if let Some(r) = decoded::<GetFollowUpRequest>(bytes) {
        checked(followup::get_request(r));
    }
    if let Some(r) = decoded::<ListFollowUpsRequest>(bytes) {
        checked(followup::list_request(r));
    }
    if let Some(r) = decoded::<RescheduleFollowUpRequest>(bytes) {
        checked(followup::reschedule_request(r));
    }
    if let Some(r) = decoded::<RecordAttemptRequest>(bytes) {
        checked(followup::attempt_request(r));
    }
    if let Some(r) = decoded::<CompleteFollowUpRequest>(bytes) {
        checked(followup::complete_request(r));
    }
    if let Some(r) = decoded::<CancelFollowUpRequest>(bytes) {
        checked(followup::cancel_request(r));
    }
}

/// A social worker of the station, as a task is posted by one.
fn held_caller() -> yishe_domain::Caller {
    yishe_domain::Caller {
        subject: "k".into(),
        role: yishe_domain::Role::SocialWorker,
        hospital: None,
        departments: Vec::new(),
        station: StationId::parse("s1"),
        worker: Some(yishe_domain::SocialWorkerId::new()),
        volunteer: None,
        read_only: false,
    }
}

/// Every request of `yishe.report.v1`.
pub fn report(bytes: &[u8]) {
    if let Some(r) = decoded::<yishe_proto::report::GetStationReportRequest>(bytes) {
        checked(yishe_proto::convert::report::report_request(r));
    }
}
