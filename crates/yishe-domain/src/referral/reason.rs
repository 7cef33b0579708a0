//! Why a department refers a patient, and why a station may decline.

use crate::named::named_enum;

named_enum!(
    /// Why a department refers a patient.
    ReferralReason {
        FinancialHardship => "FINANCIAL_HARDSHIP",
        PsychologicalDistress => "PSYCHOLOGICAL_DISTRESS",
        FamilyOrCaregiverIssues => "FAMILY_OR_CAREGIVER_ISSUES",
        DischargePlanning => "DISCHARGE_PLANNING",
        EndOfLifeCare => "END_OF_LIFE_CARE",
        ChildProtection => "CHILD_PROTECTION",
        AbuseOrNeglect => "ABUSE_OR_NEGLECT",
        DoctorPatientCommunication => "DOCTOR_PATIENT_COMMUNICATION",
        SocialIsolation => "SOCIAL_ISOLATION",
        UnaccompaniedPatient => "UNACCOMPANIED_PATIENT",
        RehabilitationSupport => "REHABILITATION_SUPPORT",
        Other => "OTHER",
    }
);

named_enum!(
    /// Why a station declines a referral.
    RejectionReason {
        NotEligible => "NOT_ELIGIBLE",
        NoCapacity => "NO_CAPACITY",
        OutOfScope => "OUT_OF_SCOPE",
        Duplicate => "DUPLICATE",
        PatientDeclined => "PATIENT_DECLINED",
        PatientDischarged => "PATIENT_DISCHARGED",
        Other => "OTHER",
    }
);

impl ReferralReason {
    /// Whether a plan for such a referral protects someone at risk of harm, so only
    /// an intermediate or senior supervisor may approve it.
    pub fn needs_experienced_approver(self) -> bool {
        matches!(
            self,
            ReferralReason::ChildProtection | ReferralReason::AbuseOrNeglect
        )
    }

    /// Reasons that allow a referral to proceed without the patient's consent.
    pub fn allows_consent_override(self) -> bool {
        matches!(
            self,
            ReferralReason::ChildProtection | ReferralReason::AbuseOrNeglect
        )
    }
}
