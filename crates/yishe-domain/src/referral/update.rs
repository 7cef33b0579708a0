//! What the referring department may change after intake: the patient's contact, ward,
//! bed and clinical summary as they move through the hospital, its note, the priority
//! (raised, never lowered), and the patient's departure (discharge, death, transfer
//! out) that the station must hear of at once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::named::named_enum;
use crate::priority::Priority;
use crate::validation::Violations;

named_enum!(
    /// How the patient left the hospital.
    DepartureKind {
        Discharged => "DISCHARGED",
        Died => "DIED",
        TransferredOut => "TRANSFERRED_OUT",
    }
);

/// The patient's departure as the department reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Departure {
    pub kind: DepartureKind,
    pub at: DateTime<Utc>,
}

/// The fields an update sets; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralUpdate {
    pub phone: Option<String>,
    pub ward: Option<String>,
    pub bed: Option<String>,
    pub clinical_summary: Option<String>,
    pub note: Option<String>,
    pub priority: Option<Priority>,
    pub departure: Option<Departure>,
}

/// A departure reported "in the future" by up to this much is accepted (clocks
/// disagree).
const CLOCK_SKEW_SECONDS: i64 = 300;

impl ReferralUpdate {
    /// The update with its texts trimmed, or every offending field (named as in the
    /// request's `referral`). The departure's time is checked against the clock apart
    /// (`check_departure_time`).
    pub fn checked(self) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let phone = self.phone.map(|phone| {
            let phone = v.optional_text("referral.patient.phone", &phone, 32);
            if !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-'))
            {
                v.add(
                    "referral.patient.phone",
                    "may contain only digits, spaces, '+' and '-'",
                );
            }
            phone
        });
        let ward = self
            .ward
            .map(|ward| v.optional_text("referral.patient.ward", &ward, 64));
        let bed = self
            .bed
            .map(|bed| v.optional_text("referral.patient.bed", &bed, 32));
        let clinical_summary = self
            .clinical_summary
            .map(|summary| v.optional_text("referral.patient.clinical_summary", &summary, 2000));
        let note = self
            .note
            .map(|note| v.optional_text("referral.note", &note, 2000));
        v.into_result(ReferralUpdate {
            phone,
            ward,
            bed,
            clinical_summary,
            note,
            priority: self.priority,
            departure: self.departure,
        })
    }

    /// A departure must have happened by `now` (give or take clocks' disagreement).
    pub fn check_departure_time(&self, now: DateTime<Utc>) -> Result<(), Violations> {
        let mut v = Violations::new();
        if let Some(departure) = &self.departure
            && departure.at > now + chrono::Duration::seconds(CLOCK_SKEW_SECONDS)
        {
            v.add("referral.departure.time", "must not be in the future");
        }
        v.into_result(())
    }
}
