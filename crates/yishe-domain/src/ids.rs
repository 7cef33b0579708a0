//! Identifiers, parsed once at the edge. Record ids are UUIDv7 (time-ordered, made in
//! the application); hospital and station ids are the codes an installation chooses.

use std::fmt;

use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Parses the canonical text form; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                Uuid::try_parse(text.trim()).ok().map(Self)
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A referral.
    ReferralId
);
impl ReferralId {
    /// The smallest id a referral created at `at` or later can have (ids are UUIDv7:
    /// their first 48 bits are the creation time in milliseconds), for bounding a
    /// time range by the primary key.
    pub fn first_at(at: chrono::DateTime<chrono::Utc>) -> Self {
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        Self(uuid::Builder::from_unix_timestamp_millis(millis, &[0; 10]).into_uuid())
    }
}

uuid_id!(
    /// A hospital department.
    DepartmentId
);
uuid_id!(
    /// A social worker of a station.
    SocialWorkerId
);
uuid_id!(
    /// An API key.
    ApiKeyId
);
uuid_id!(
    /// A psychosocial assessment (all its versions share the id).
    AssessmentId
);
uuid_id!(
    /// A risk flag raised by an assessment.
    RiskFlagId
);

macro_rules! code_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(String);

        impl $name {
            /// 1 to 64 characters of ASCII letters, digits, `-`, `_` and `.`.
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                let valid = !text.is_empty()
                    && text.len() <= 64
                    && text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                valid.then(|| Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

code_id!(
    /// A hospital, by the code the installation gives it (for example `h1` or `pumch`).
    HospitalId
);
code_id!(
    /// A social-work station, by its code.
    StationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_ids_round_trip_and_refuse_garbage() {
        let id = ReferralId::new();
        assert_eq!(ReferralId::parse(&id.to_string()), Some(id));
        assert_eq!(ReferralId::parse("not-a-uuid"), None);
        assert_eq!(ReferralId::parse(""), None);
    }

    #[test]
    fn the_first_id_at_a_time_precedes_every_later_one() {
        let before = chrono::Utc::now();
        let id = ReferralId::new();
        assert!(ReferralId::first_at(before) <= id);
        let later = before + chrono::Duration::seconds(1);
        assert!(ReferralId::first_at(later) > id);
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = ReferralId::new();
        let b = ReferralId::new();
        assert!(a < b);
    }

    #[test]
    fn code_ids_accept_codes_only() {
        assert!(HospitalId::parse("pumch-1").is_some());
        assert!(HospitalId::parse("").is_none());
        assert!(HospitalId::parse("has space").is_none());
        assert!(HospitalId::parse(&"x".repeat(65)).is_none());
    }
}

uuid_id!(
    /// A service plan, shared by all its versions.
    PlanId
);
uuid_id!(
    /// A goal of a service plan, stable across the plan's versions.
    GoalId
);
uuid_id!(
    /// An intervention of a service plan, stable across the plan's versions.
    InterventionId
);
uuid_id!(
    /// A volunteer team of a station.
    VolunteerTeamId
);
uuid_id!(
    /// A volunteer.
    VolunteerId
);
uuid_id!(
    /// A task a volunteer team carries out for an intervention.
    VolunteerTaskId
);
uuid_id!(
    /// A contact (服务记录) with a patient or family.
    ContactId
);
uuid_id!(
    /// A scheduled follow-up.
    FollowUpId
);
