//! What was done to a record, as the audit log names it, and how it ended.

use crate::Code;
use crate::named::named_enum;

named_enum!(
    /// Something done to a record, as the audit log names it.
    AuditAction {
        ReferralCreate => "referral.create",
        ReferralCreateReplay => "referral.create.replay",
        ReferralGet => "referral.get",
        ReferralList => "referral.list",
        ReferralHistory => "referral.history",
        ReferralBreakGlass => "referral.break_glass",
        ReferralAccept => "referral.accept",
        ReferralReject => "referral.reject",
        ReferralHold => "referral.hold",
        ReferralResume => "referral.resume",
        ReferralCancel => "referral.cancel",
        ReferralRetract => "referral.retract",
        ReferralUpdate => "referral.update",
        ReferralConsentWithdraw => "referral.consent_withdraw",
        ReferralAssign => "referral.assign",
        ReferralSlaBreach => "referral.sla_breach",
        ReferralClosureRequest => "referral.closure.request",
        ReferralClosureApprove => "referral.closure.approve",
        ReferralClosureReturn => "referral.closure.return",
        ReferralClosureWithdraw => "referral.closure.withdraw",
        ReferralReopen => "referral.reopen",
        ReportRead => "report.read",
        AssessmentSubmit => "assessment.submit",
        AssessmentSubmitReplay => "assessment.submit.replay",
        AssessmentAmend => "assessment.amend",
        AssessmentGet => "assessment.get",
        AssessmentList => "assessment.list",
        AssessmentCompare => "assessment.compare",
        RiskFlagRaise => "risk_flag.raise",
        RiskFlagList => "risk_flag.list",
        RiskFlagAcknowledge => "risk_flag.acknowledge",
        PlanCreate => "plan.create",
        PlanCreateReplay => "plan.create.replay",
        PlanGet => "plan.get",
        PlanList => "plan.list",
        PlanUpdate => "plan.update",
        PlanSubmit => "plan.submit",
        PlanApprove => "plan.approve",
        PlanReturn => "plan.return",
        PlanRevise => "plan.revise",
        PlanIntervention => "plan.intervention",
        PlanProgress => "plan.progress",
        TaskPost => "volunteer_task.post",
        TaskPostReplay => "volunteer_task.post.replay",
        TaskGet => "volunteer_task.get",
        TaskList => "volunteer_task.list",
        TaskClaim => "volunteer_task.claim",
        TaskReport => "volunteer_task.report",
        TaskReview => "volunteer_task.review",
        TaskCancel => "volunteer_task.cancel",
        TaskOverdue => "volunteer_task.overdue",
        TaskReassign => "volunteer_task.reassign",
        ContactRecord => "contact.record",
        ContactRecordReplay => "contact.record.replay",
        ContactList => "contact.list",
        ProgressNoteList => "contact.progress_notes",
        FollowUpSchedule => "follow_up.schedule",
        FollowUpScheduleReplay => "follow_up.schedule.replay",
        FollowUpGet => "follow_up.get",
        FollowUpList => "follow_up.list",
        FollowUpReschedule => "follow_up.reschedule",
        FollowUpAttempt => "follow_up.attempt",
        FollowUpComplete => "follow_up.complete",
        FollowUpCancel => "follow_up.cancel",
        FollowUpOverdue => "follow_up.overdue",
        FollowUpEscalate => "follow_up.escalate",
        FollowUpReassign => "follow_up.reassign",
        PatientExport => "patient.export",
        PatientCorrect => "patient.correct",
        PatientErase => "patient.erase",
        DepartmentCreate => "department.create",
        DepartmentCreateReplay => "department.create.replay",
        StationRegister => "station.register",
        StationUpdate => "station.update",
        SocialWorkerCreate => "social_worker.create",
        SocialWorkerCreateReplay => "social_worker.create.replay",
        SocialWorkerUpdate => "social_worker.update",
        ApiKeyCreate => "api_key.create",
        ApiKeyCreateReplay => "api_key.create.replay",
        ApiKeyRevoke => "api_key.revoke",
        ApiKeyLink => "api_key.link",
        VolunteerTeamCreate => "volunteer_team.create",
        VolunteerCreate => "volunteer.create",
        VolunteerUpdate => "volunteer.update",
        ApiKeyBootstrap => "api_key.bootstrap",
        AuditList => "audit.list",
        AuditVerify => "audit.verify",
        AuditExport => "audit.export",
        EncryptionRotate => "encryption.rotate",
        RetentionPurge => "retention.purge",
        RetentionRun => "retention.run",
    }
);

impl AuditAction {
    /// The kind of record the action is about. Whatever is done to a patient's
    /// assessments and risk flags is recorded against their referral, so "who looked
    /// at this patient's record" is one query.
    pub fn resource_kind(self) -> &'static str {
        let area = self.as_str().split('.').next().unwrap_or_default();
        match area {
            "referral" | "assessment" | "risk_flag" | "patient" | "plan" | "volunteer_task"
            | "contact" | "follow_up" => "referral",
            "audit" => "audit_log",
            "encryption" => "encryption_key",
            "retention" if self == AuditAction::RetentionPurge => "referral",
            other => other,
        }
    }
}

/// How an audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused with this code.
    Refused(Code),
}

impl Outcome {
    /// The text the audit log stores: `ok`, or the code (`not_found`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused(code) => code.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_names_its_record() {
        assert_eq!(AuditAction::AssessmentGet.resource_kind(), "referral");
        assert_eq!(AuditAction::RiskFlagRaise.resource_kind(), "referral");
        assert_eq!(AuditAction::RetentionPurge.resource_kind(), "referral");
        assert_eq!(AuditAction::RetentionRun.resource_kind(), "retention");
        assert_eq!(AuditAction::ApiKeyBootstrap.resource_kind(), "api_key");
        assert_eq!(
            AuditAction::SocialWorkerUpdate.resource_kind(),
            "social_worker"
        );
        assert_eq!(AuditAction::DepartmentCreate.resource_kind(), "department");
        assert_eq!(AuditAction::StationUpdate.resource_kind(), "station");
        assert_eq!(AuditAction::AuditExport.resource_kind(), "audit_log");
        assert_eq!(
            AuditAction::EncryptionRotate.resource_kind(),
            "encryption_key"
        );
        assert_eq!(Outcome::Refused(Code::NotFound).as_str(), "not_found");
    }
}
