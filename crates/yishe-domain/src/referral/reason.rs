//! Why a department refers a patient, and why a station may decline.

use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in storage, filters and metric labels.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl crate::referral::Named for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn parse(text: &str) -> Option<Self> {
                Self::parse(text)
            }

            fn as_str(self) -> &'static str {
                Self::as_str(self)
            }
        }
    };
}

pub(crate) use named_enum;

/// What every `named_enum!` offers, for code that parses any of them.
pub(crate) trait Named: Copy + 'static {
    fn all() -> &'static [Self];
    fn parse(text: &str) -> Option<Self>;
    fn as_str(self) -> &'static str;
}

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
    /// Reasons that allow a referral to proceed without the patient's consent.
    pub fn allows_consent_override(self) -> bool {
        matches!(
            self,
            ReferralReason::ChildProtection | ReferralReason::AbuseOrNeglect
        )
    }
}
