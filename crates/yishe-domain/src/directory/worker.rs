//! The station's social workers: who they are, their level and caseload limit, and
//! what an administrator may send to create or change one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Etag, SocialWorkerId, StationId, Violations};

/// A social worker's certification level, from junior to senior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CertificationLevel {
    /// 助理社会工作师
    Assistant,
    /// 社会工作师
    Intermediate,
    /// 高级社会工作师
    Senior,
}

impl CertificationLevel {
    pub const ALL: [CertificationLevel; 3] = [
        CertificationLevel::Assistant,
        CertificationLevel::Intermediate,
        CertificationLevel::Senior,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertificationLevel::Assistant => "ASSISTANT",
            CertificationLevel::Intermediate => "INTERMEDIATE",
            CertificationLevel::Senior => "SENIOR",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// The largest caseload limit a worker may be given.
pub const MAX_CASELOAD_LIMIT: i32 = 500;

/// A social worker of a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialWorker {
    pub id: crate::SocialWorkerId,
    pub station: StationId,
    pub display_name: String,
    pub level: CertificationLevel,
    pub caseload_limit: i32,
    pub active: bool,
    /// On leave: still of the station, given no new cases; their open work waits on
    /// the supervisors' reassignment list.
    pub on_leave: bool,
    /// Open referrals assigned now (derived, not stored).
    pub open_cases: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl SocialWorker {
    pub fn etag(&self) -> Etag {
        Etag::of(self.version)
    }

    /// The load an assignment check sees, not counting `already_assigned` (a
    /// reassignment to the same worker does not add a case).
    pub fn load(&self, already_assigned: bool) -> crate::directory::WorkerLoad {
        crate::directory::WorkerLoad {
            station: self.station.clone(),
            level: self.level,
            active: self.active,
            on_leave: self.on_leave,
            caseload_limit: self.caseload_limit,
            open_cases: self.open_cases - i32::from(already_assigned),
        }
    }
}

/// The longest display name.
const MAX_NAME: usize = 100;

/// A social worker as an administrator sends it (to create one, or the fields an
/// update names).
#[derive(Debug, serde::Serialize, Clone, Default, PartialEq, Eq)]
pub struct WorkerDraft {
    pub display_name: String,
    pub level: Option<CertificationLevel>,
    pub caseload_limit: i32,
    pub active: bool,
    pub on_leave: bool,
}

/// Which fields an update changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerMask {
    pub display_name: bool,
    pub level: bool,
    pub caseload_limit: bool,
    pub active: bool,
    pub on_leave: bool,
}

impl WorkerMask {
    /// The mask an update's `update_mask` paths name: at least one, each a field that
    /// may change.
    pub fn parse(paths: &[String]) -> Result<Self, Violations> {
        let mut mask = WorkerMask::default();
        let mut v = Violations::new();
        v.field_mask(
            paths,
            &mut [
                ("display_name", &mut mask.display_name),
                ("certification_level", &mut mask.level),
                ("caseload_limit", &mut mask.caseload_limit),
                ("active", &mut mask.active),
                ("on_leave", &mut mask.on_leave),
            ],
            "the fields to change",
        );
        v.into_result(mask)
    }
}

/// Change the fields `mask` names of a worker read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateWorker {
    pub id: SocialWorkerId,
    pub etag: Etag,
    pub draft: WorkerDraft,
    pub mask: WorkerMask,
}

/// A checked change to a worker: the new values of the fields its mask names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerChange {
    display_name: Option<String>,
    level: Option<CertificationLevel>,
    caseload_limit: Option<i32>,
    active: Option<bool>,
    on_leave: Option<bool>,
}

impl WorkerDraft {
    /// A new worker of `station`, or every offending field.
    pub fn validate(
        self,
        station: StationId,
        now: DateTime<Utc>,
    ) -> Result<SocialWorker, Violations> {
        let mut v = Violations::new();
        let display_name =
            v.required_text("social_worker.display_name", &self.display_name, MAX_NAME);
        if self.level.is_none() {
            v.add(
                "social_worker.certification_level",
                "is required: ASSISTANT, INTERMEDIATE or SENIOR",
            );
        }
        check_caseload_limit(&mut v, self.caseload_limit);
        match self.level {
            Some(level) if v.is_empty() => Ok(SocialWorker {
                id: SocialWorkerId::new(),
                station,
                display_name,
                level,
                caseload_limit: self.caseload_limit,
                active: true,
                on_leave: false,
                open_cases: 0,
                created_at: now,
                updated_at: now,
                version: 1,
            }),
            _ => Err(v),
        }
    }

    /// The change this draft makes to the fields `mask` names, or every offending one.
    pub fn change(self, mask: WorkerMask) -> Result<WorkerChange, Violations> {
        let mut v = Violations::new();
        let display_name = mask
            .display_name
            .then(|| v.required_text("social_worker.display_name", &self.display_name, MAX_NAME));
        if mask.level && self.level.is_none() {
            v.add(
                "social_worker.certification_level",
                "must be ASSISTANT, INTERMEDIATE or SENIOR",
            );
        }
        if mask.caseload_limit {
            check_caseload_limit(&mut v, self.caseload_limit);
        }
        v.into_result(WorkerChange {
            display_name,
            level: self.level.filter(|_| mask.level),
            caseload_limit: mask.caseload_limit.then_some(self.caseload_limit),
            active: mask.active.then_some(self.active),
            on_leave: mask.on_leave.then_some(self.on_leave),
        })
    }
}

impl SocialWorker {
    /// Applies a checked change at `now`; the version is the store's to move.
    pub fn apply(&mut self, change: WorkerChange, now: DateTime<Utc>) {
        if let Some(name) = change.display_name {
            self.display_name = name;
        }
        if let Some(level) = change.level {
            self.level = level;
        }
        if let Some(limit) = change.caseload_limit {
            self.caseload_limit = limit;
        }
        if let Some(active) = change.active {
            self.active = active;
        }
        if let Some(on_leave) = change.on_leave {
            self.on_leave = on_leave;
        }
        self.updated_at = now;
    }
}

fn check_caseload_limit(v: &mut Violations, limit: i32) {
    if !(1..=MAX_CASELOAD_LIMIT).contains(&limit) {
        v.add(
            "social_worker.caseload_limit",
            format!("must be 1 to {MAX_CASELOAD_LIMIT}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn masks_name_known_fields_only() {
        let mask = WorkerMask::parse(&["active".into(), "caseload_limit".into()]).unwrap();
        assert!(mask.active && mask.caseload_limit && !mask.display_name && !mask.level);
        assert!(WorkerMask::parse(&[]).is_err());
        assert!(WorkerMask::parse(&["station_id".into()]).is_err());
    }

    #[test]
    fn a_new_worker_needs_a_name_a_level_and_a_sane_limit() {
        let station = StationId::parse("s1").unwrap();
        let bad = WorkerDraft {
            caseload_limit: 0,
            ..Default::default()
        }
        .validate(station.clone(), now())
        .unwrap_err();
        for field in [
            "social_worker.display_name",
            "social_worker.certification_level",
            "social_worker.caseload_limit",
        ] {
            assert!(bad.names(field), "{field}");
        }
        let w = WorkerDraft {
            display_name: "Wang Fang".into(),
            level: Some(CertificationLevel::Senior),
            caseload_limit: 20,
            active: false,
            on_leave: false,
        }
        .validate(station, now())
        .unwrap();
        assert!(w.active, "a new worker starts active");
        assert_eq!(w.version, 1);
    }

    #[test]
    fn an_update_changes_only_what_its_mask_names() {
        let mut w = WorkerDraft {
            display_name: "Wang Fang".into(),
            level: Some(CertificationLevel::Assistant),
            caseload_limit: 20,
            active: true,
            on_leave: false,
        }
        .validate(StationId::parse("s1").unwrap(), now())
        .unwrap();
        let mask = WorkerMask::parse(&["caseload_limit".into()]).unwrap();
        let draft = WorkerDraft {
            caseload_limit: 5,
            ..Default::default()
        };
        w.apply(draft.change(mask).unwrap(), now());
        assert_eq!(
            (w.display_name.as_str(), w.caseload_limit),
            ("Wang Fang", 5)
        );
        let too_many = WorkerDraft {
            caseload_limit: MAX_CASELOAD_LIMIT + 1,
            ..Default::default()
        };
        assert!(
            too_many
                .change(mask)
                .unwrap_err()
                .names("social_worker.caseload_limit")
        );
    }
}
