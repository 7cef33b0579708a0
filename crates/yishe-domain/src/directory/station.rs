//! The stations referrals go to: each installation registers its own on first start,
//! and its admin names it and says which reasons it takes. A department choosing
//! where to send a referral (after NO_CAPACITY, say) reads them with their load.

use chrono::{DateTime, Utc};

use crate::referral::ReferralReason;
use crate::{Etag, StationId, Violations};

/// A station, with its load when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub id: StationId,
    pub display_name: String,
    /// The reasons it takes referrals for; empty for every reason.
    pub reasons: Vec<ReferralReason>,
    /// Derived when read, not stored.
    pub load: StationLoad,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// How busy a station is now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StationLoad {
    /// The sum of the active workers' caseload limits.
    pub caseload_capacity: i32,
    /// Open cases: accepted, in progress or on hold.
    pub open_cases: i32,
    /// Referrals waiting for the station's answer.
    pub waiting_referrals: i32,
    pub active_workers: i32,
}

impl Station {
    /// A station as first registered: named by its id, taking every reason.
    pub fn registered(id: StationId, now: DateTime<Utc>) -> Self {
        Self {
            display_name: id.as_str().to_owned(),
            id,
            reasons: Vec::new(),
            load: StationLoad::default(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    pub fn etag(&self) -> Etag {
        Etag::of(self.version)
    }

    /// Applies a checked change at `now`; the version is the store's to move.
    pub fn apply(&mut self, change: StationChange, now: DateTime<Utc>) {
        if let Some(name) = change.display_name {
            self.display_name = name;
        }
        if let Some(reasons) = change.reasons {
            self.reasons = reasons;
        }
        self.updated_at = now;
    }
}

/// The longest display name.
const MAX_NAME: usize = 100;

/// The fields of a station an admin sends with an update; `None` in `reasons` is a
/// value the contract does not know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationDraft {
    pub display_name: String,
    pub reasons: Vec<Option<ReferralReason>>,
}

/// Which fields an update changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StationMask {
    pub display_name: bool,
    pub reasons: bool,
}

impl StationMask {
    /// The mask an update's `update_mask` paths name: at least one, each a field that
    /// may change.
    pub fn parse(paths: &[String]) -> Result<Self, Violations> {
        let mut mask = StationMask::default();
        let mut v = Violations::new();
        v.field_mask(
            paths,
            &mut [
                ("display_name", &mut mask.display_name),
                ("referral_reasons", &mut mask.reasons),
            ],
            "the fields to change",
        );
        v.into_result(mask)
    }
}

/// Change the fields `mask` names of a station read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateStation {
    pub id: StationId,
    pub etag: Etag,
    pub draft: StationDraft,
    pub mask: StationMask,
}

/// A checked change to a station.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationChange {
    display_name: Option<String>,
    reasons: Option<Vec<ReferralReason>>,
}

impl StationDraft {
    /// The change this draft makes to the fields `mask` names, or every offending one:
    /// a name, and reasons the contract knows, each once.
    pub fn change(self, mask: StationMask) -> Result<StationChange, Violations> {
        let mut v = Violations::new();
        let display_name = mask
            .display_name
            .then(|| v.required_text("station.display_name", &self.display_name, MAX_NAME));
        let mut reasons = Vec::new();
        if mask.reasons {
            for (i, reason) in self.reasons.iter().enumerate() {
                match reason {
                    None => v.add(
                        format!("station.referral_reasons[{i}]"),
                        "is not a referral reason",
                    ),
                    Some(r) if reasons.contains(r) => {
                        v.add(format!("station.referral_reasons[{i}]"), "is named twice");
                    }
                    Some(r) => reasons.push(*r),
                }
            }
        }
        v.into_result(StationChange {
            display_name,
            reasons: mask.reasons.then_some(reasons),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn a_registered_station_is_named_by_its_id_and_takes_every_reason() {
        let s = Station::registered(StationId::parse("east").unwrap(), now());
        assert_eq!((s.display_name.as_str(), s.reasons.len()), ("east", 0));
        assert_eq!(s.etag().as_str(), "1");
    }

    #[test]
    fn an_update_names_what_it_changes_and_every_bad_value() {
        assert!(StationMask::parse(&[]).unwrap_err().names("update_mask"));
        assert!(
            StationMask::parse(&["id".into()])
                .unwrap_err()
                .names("update_mask")
        );
        let mask = StationMask::parse(&["display_name".into(), "referral_reasons".into()]).unwrap();
        let bad = StationDraft {
            display_name: " ".into(),
            reasons: vec![
                Some(ReferralReason::EndOfLifeCare),
                None,
                Some(ReferralReason::EndOfLifeCare),
            ],
        }
        .change(mask)
        .unwrap_err();
        for field in [
            "station.display_name",
            "station.referral_reasons[1]",
            "station.referral_reasons[2]",
        ] {
            assert!(bad.names(field), "{field}");
        }
        let mut s = Station::registered(StationId::parse("east").unwrap(), now());
        let change = StationDraft {
            display_name: "东院医务社工站".into(),
            reasons: vec![Some(ReferralReason::EndOfLifeCare)],
        }
        .change(StationMask {
            display_name: false,
            reasons: true,
        })
        .unwrap();
        s.apply(change, now());
        assert_eq!(s.display_name, "east", "a field not in the mask stays");
        assert_eq!(s.reasons, vec![ReferralReason::EndOfLifeCare]);
    }
}
