//! The policy table: which roles may call which method, keyed by the full method path
//! exactly as it arrives on the wire. A method missing from the table is denied, and
//! so is any path that is not spelled exactly as here.

use yishe_domain::Role;

/// Who may call a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, unauthenticated: health checks and reflection (the contract is public).
    Public,
    /// Authenticated callers with one of these roles.
    Roles(&'static [Role]),
}

use Role::{
    Auditor as AUDITOR, HisIntegration as HIS, SocialWorker as SW, StationAdmin as ADMIN,
    Supervisor as SUP, Volunteer as VOL,
};

const REFERRAL: &str = "/yishe.referral.v1.ReferralService/";
const DIRECTORY: &str = "/yishe.directory.v1.DirectoryService/";
const AUDIT: &str = "/yishe.audit.v1.AuditService/";
const ENCRYPTION: &str = "/yishe.security.v1.EncryptionService/";
const ASSESSMENT: &str = "/yishe.assessment.v1.AssessmentService/";
const PRIVACY: &str = "/yishe.privacy.v1.PatientRightsService/";
const PLAN: &str = "/yishe.plan.v1.PlanService/";
const FOLLOWUP: &str = "/yishe.followup.v1.FollowUpService/";
const REPORT: &str = "/yishe.report.v1.ReportService/";

/// Every method of every service, once.
pub static POLICY: &[(&str, &str, Access)] = &[
    (
        REPORT,
        "GetStationReport",
        Access::Roles(&[SUP, ADMIN, AUDITOR]),
    ),
    (REFERRAL, "CreateReferral", Access::Roles(&[HIS])),
    (REFERRAL, "GetReferral", Access::Roles(&[HIS, SW, SUP])),
    (REFERRAL, "ListReferrals", Access::Roles(&[HIS, SW, SUP])),
    (REFERRAL, "AcceptReferral", Access::Roles(&[SW, SUP])),
    (REFERRAL, "RejectReferral", Access::Roles(&[SW, SUP])),
    (REFERRAL, "AssignReferral", Access::Roles(&[SUP])),
    (REFERRAL, "HoldReferral", Access::Roles(&[SW, SUP])),
    (REFERRAL, "ResumeReferral", Access::Roles(&[SW, SUP])),
    (REFERRAL, "CancelReferral", Access::Roles(&[HIS, SUP])),
    (REFERRAL, "UpdateReferral", Access::Roles(&[HIS])),
    (REFERRAL, "WithdrawConsent", Access::Roles(&[HIS, SW, SUP])),
    (REFERRAL, "RequestClosure", Access::Roles(&[SW, SUP])),
    (REFERRAL, "ApproveClosure", Access::Roles(&[SUP])),
    (REFERRAL, "ReturnClosure", Access::Roles(&[SUP])),
    (REFERRAL, "WithdrawClosure", Access::Roles(&[SW, SUP])),
    (REFERRAL, "ReopenReferral", Access::Roles(&[SUP])),
    (REFERRAL, "ListReassignments", Access::Roles(&[SUP])),
    (REFERRAL, "ReassignWork", Access::Roles(&[SUP])),
    (
        REFERRAL,
        "WatchReferralEvents",
        Access::Roles(&[HIS, SW, SUP]),
    ),
    (
        DIRECTORY,
        "GetStation",
        Access::Roles(&[HIS, SW, SUP, ADMIN]),
    ),
    (
        DIRECTORY,
        "ListStations",
        Access::Roles(&[HIS, SW, SUP, ADMIN]),
    ),
    (DIRECTORY, "UpdateStation", Access::Roles(&[ADMIN])),
    (DIRECTORY, "CreateDepartment", Access::Roles(&[ADMIN])),
    (
        DIRECTORY,
        "ListDepartments",
        Access::Roles(&[HIS, SW, SUP, ADMIN]),
    ),
    (DIRECTORY, "CreateSocialWorker", Access::Roles(&[ADMIN])),
    (DIRECTORY, "UpdateSocialWorker", Access::Roles(&[ADMIN])),
    (DIRECTORY, "ListSocialWorkers", Access::Roles(&[SUP, ADMIN])),
    (DIRECTORY, "GetCaller", Access::Roles(&Role::ALL)),
    (DIRECTORY, "CreateApiKey", Access::Roles(&[ADMIN])),
    (DIRECTORY, "ListApiKeys", Access::Roles(&[ADMIN])),
    (DIRECTORY, "RevokeApiKey", Access::Roles(&[ADMIN])),
    (DIRECTORY, "LinkApiKey", Access::Roles(&[ADMIN])),
    (DIRECTORY, "CreateVolunteerTeam", Access::Roles(&[ADMIN])),
    (
        DIRECTORY,
        "ListVolunteerTeams",
        Access::Roles(&[SW, SUP, ADMIN]),
    ),
    (DIRECTORY, "CreateVolunteer", Access::Roles(&[ADMIN])),
    (DIRECTORY, "UpdateVolunteer", Access::Roles(&[ADMIN])),
    (DIRECTORY, "ListVolunteers", Access::Roles(&[SUP, ADMIN])),
    (AUDIT, "ListAuditRecords", Access::Roles(&[AUDITOR])),
    (AUDIT, "VerifyAuditChain", Access::Roles(&[AUDITOR])),
    (AUDIT, "ExportAuditRecords", Access::Roles(&[AUDITOR])),
    (ENCRYPTION, "RotateEncryptionKey", Access::Roles(&[ADMIN])),
    (ENCRYPTION, "GetEncryptionStatus", Access::Roles(&[ADMIN])),
    (ASSESSMENT, "ListInstruments", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "GetInstrument", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "SubmitAssessment", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "GetAssessment", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "ListAssessments", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "AmendAssessment", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "CompareAssessments", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "ListRiskFlags", Access::Roles(&[SW, SUP])),
    (ASSESSMENT, "AcknowledgeRiskFlag", Access::Roles(&[SUP])),
    (PLAN, "CreatePlan", Access::Roles(&[SW, SUP])),
    (PLAN, "GetPlan", Access::Roles(&[SW, SUP])),
    (PLAN, "ListPlans", Access::Roles(&[SW, SUP])),
    (PLAN, "UpdatePlan", Access::Roles(&[SW, SUP])),
    (PLAN, "SubmitPlan", Access::Roles(&[SW, SUP])),
    (PLAN, "ApprovePlan", Access::Roles(&[SUP])),
    (PLAN, "ReturnPlan", Access::Roles(&[SUP])),
    (PLAN, "RevisePlan", Access::Roles(&[SW, SUP])),
    (PLAN, "UpdateInterventionState", Access::Roles(&[SW, SUP])),
    (PLAN, "RecordGoalProgress", Access::Roles(&[SW, SUP])),
    (PLAN, "PostVolunteerTask", Access::Roles(&[SW, SUP])),
    (PLAN, "GetVolunteerTask", Access::Roles(&[SW, SUP, VOL])),
    (PLAN, "ListVolunteerTasks", Access::Roles(&[SW, SUP, VOL])),
    (PLAN, "ClaimVolunteerTask", Access::Roles(&[VOL])),
    (PLAN, "ReportVolunteerTask", Access::Roles(&[VOL])),
    (PLAN, "ReviewVolunteerTask", Access::Roles(&[SW, SUP])),
    (PLAN, "CancelVolunteerTask", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "RecordContact", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "ListContacts", Access::Roles(&[SW, SUP])),
    (
        FOLLOWUP,
        "ListProgressNotes",
        Access::Roles(&[HIS, SW, SUP]),
    ),
    (FOLLOWUP, "ScheduleFollowUp", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "GetFollowUp", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "ListFollowUps", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "RescheduleFollowUp", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "RecordAttempt", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "CompleteFollowUp", Access::Roles(&[SW, SUP])),
    (FOLLOWUP, "CancelFollowUp", Access::Roles(&[SW, SUP])),
    (PRIVACY, "ExportPatientData", Access::Roles(&[ADMIN])),
    (PRIVACY, "CorrectPatientData", Access::Roles(&[ADMIN])),
    (PRIVACY, "ErasePatientData", Access::Roles(&[ADMIN])),
    ("/grpc.health.v1.Health/", "Check", Access::Public),
    ("/grpc.health.v1.Health/", "Watch", Access::Public),
    (
        "/grpc.reflection.v1.ServerReflection/",
        "ServerReflectionInfo",
        Access::Public,
    ),
    (
        "/grpc.reflection.v1alpha.ServerReflection/",
        "ServerReflectionInfo",
        Access::Public,
    ),
];

/// Whether a method only reads. Everything not named here changes something, and a
/// read-only credential may not call it.
pub fn only_reads(path: &str) -> bool {
    let method = path.rsplit('/').next().unwrap_or("");
    [
        "Get",
        "List",
        "Watch",
        "Verify",
        "Export",
        "Check",
        "Compare",
        "ServerReflectionInfo",
    ]
    .iter()
    .any(|verb| method.starts_with(verb))
}

/// The access rule for a request path; `None` (deny) unless it matches an entry
/// byte for byte.
pub fn lookup(path: &str) -> Option<Access> {
    entry(path).map(|(_, _, access)| *access)
}

/// The policy table's entry for `path`: its service (`/package.Service/`), method and
/// access.
pub fn entry(path: &str) -> Option<&'static (&'static str, &'static str, Access)> {
    POLICY.iter().find(|(service, method, _)| {
        path.len() == service.len() + method.len()
            && path.starts_with(service)
            && path.ends_with(method)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_paths_only() {
        assert_eq!(
            lookup("/yishe.referral.v1.ReferralService/CreateReferral"),
            Some(Access::Roles(&[HIS]))
        );
        for path in [
            "yishe.referral.v1.ReferralService/CreateReferral",
            "//yishe.referral.v1.ReferralService/CreateReferral",
            "/yishe.referral.v1.ReferralService/CreateReferral/",
            "/yishe.referral.v1.ReferralService/createreferral",
            "/yishe.referral.v1.ReferralService/Create%52eferral",
            "/yishe.referral.v1.ReferralService/NoSuchMethod",
            "",
        ] {
            assert_eq!(lookup(path), None, "{path} must be denied");
        }
    }

    /// Every method of the contract has exactly one entry, and every entry for our
    /// services names a method that exists.
    #[test]
    fn the_table_matches_the_contract() {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(yishe_proto::FILE_DESCRIPTOR_SET).unwrap();
        let mut contract = Vec::new();
        for file in &set.file {
            for service in &file.service {
                for method in &service.method {
                    contract.push(format!(
                        "/{}.{}/{}",
                        file.package(),
                        service.name(),
                        method.name()
                    ));
                }
            }
        }
        for path in &contract {
            let entries = POLICY
                .iter()
                .filter(|(s, m, _)| format!("{s}{m}") == *path)
                .count();
            assert_eq!(
                entries, 1,
                "{path} must appear exactly once in the policy table"
            );
        }
        for (service, method, _) in POLICY {
            let path = format!("{service}{method}");
            if path.starts_with("/yishe.") {
                assert!(contract.contains(&path), "{path} is not in the contract");
            }
        }
    }

    #[test]
    fn reads_are_told_from_writes() {
        assert!(only_reads("/yishe.referral.v1.ReferralService/GetReferral"));
        assert!(only_reads(
            "/yishe.referral.v1.ReferralService/WatchReferralEvents"
        ));
        assert!(only_reads(
            "/yishe.audit.v1.AuditService/ExportAuditRecords"
        ));
        assert!(!only_reads(
            "/yishe.referral.v1.ReferralService/CreateReferral"
        ));
        assert!(!only_reads(
            "/yishe.referral.v1.ReferralService/AcceptReferral"
        ));
        assert!(!only_reads(
            "/yishe.security.v1.EncryptionService/RotateEncryptionKey"
        ));
    }

    #[test]
    fn every_entry_is_listed_once() {
        let mut paths: Vec<String> = POLICY.iter().map(|(s, m, _)| format!("{s}{m}")).collect();
        let n = paths.len();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), n);
    }
}
