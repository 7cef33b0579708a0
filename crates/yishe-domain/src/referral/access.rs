//! Record-level rules: which referrals (and events) a caller may see.

use crate::caller::{Caller, Role};
use crate::ids::{DepartmentId, HospitalId, SocialWorkerId, StationId};

/// The part of a referral (or of an event about one) that decides who may see it.
#[derive(Debug, Clone, Copy)]
pub struct RecordScope<'a> {
    pub hospital: &'a HospitalId,
    pub department: &'a DepartmentId,
    pub station: &'a StationId,
    pub assigned_worker: Option<&'a SocialWorkerId>,
}

/// An HIS integration sees its own departments' referrals; a supervisor the whole
/// station; a social worker the station's unassigned inbox and their own caseload;
/// every other role nothing.
pub fn can_see(caller: &Caller, record: RecordScope<'_>) -> bool {
    match caller.role {
        Role::HisIntegration => caller.may_refer_from(record.hospital, record.department),
        Role::Supervisor => caller.is_of_station(record.station),
        Role::SocialWorker => {
            caller.is_of_station(record.station)
                && match record.assigned_worker {
                    None => true,
                    Some(worker) => caller.worker.as_ref() == Some(worker),
                }
        }
        Role::StationAdmin | Role::Auditor | Role::Ops | Role::Volunteer => false,
    }
}

/// Whether `caller` may see `event` on the feed: the referral as it stood after the
/// event, and station-only events (the station's internal review) for station roles.
pub fn can_see_event(caller: &Caller, event: &crate::referral::ReferralEvent) -> bool {
    can_see(caller, event.scope())
        && (caller.role.is_station_role() || !event.event_type.is_station_only())
}

/// What a list query may return for a caller, as the store applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// Referrals from these departments of this hospital.
    Departments {
        hospital: HospitalId,
        departments: Vec<DepartmentId>,
    },
    /// Every referral of the station.
    Station(StationId),
    /// The station's unassigned referrals and those assigned to `worker`.
    Caseload {
        station: StationId,
        worker: Option<SocialWorkerId>,
    },
    /// Nothing at all.
    Nothing,
}

impl ListScope {
    pub fn of(caller: &Caller) -> Self {
        match (caller.role, &caller.hospital, &caller.station) {
            (Role::HisIntegration, Some(hospital), _) => ListScope::Departments {
                hospital: hospital.clone(),
                departments: caller.departments.clone(),
            },
            (Role::Supervisor, _, Some(station)) => ListScope::Station(station.clone()),
            (Role::SocialWorker, _, Some(station)) => ListScope::Caseload {
                station: station.clone(),
                worker: caller.worker,
            },
            _ => ListScope::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            subject: "k".into(),
            role,
            hospital: HospitalId::parse("h1"),
            departments: vec![],
            station: StationId::parse("s1"),
            worker: Some(SocialWorkerId::new()),
            volunteer: None,
            read_only: false,
        }
    }

    #[test]
    fn the_matrix_of_who_sees_what() {
        let h1 = HospitalId::parse("h1").unwrap();
        let s1 = StationId::parse("s1").unwrap();
        let s2 = StationId::parse("s2").unwrap();
        let dept = DepartmentId::new();
        let other_dept = DepartmentId::new();
        let mut his = caller(Role::HisIntegration);
        his.departments = vec![dept];
        let worker = caller(Role::SocialWorker);
        let me = worker.worker.unwrap();
        let someone_else = SocialWorkerId::new();
        let scope = |department: &'static DepartmentId, station, assigned| RecordScope {
            hospital: &h1,
            department,
            station,
            assigned_worker: assigned,
        };
        let dept: &'static DepartmentId = Box::leak(Box::new(dept));
        let other_dept: &'static DepartmentId = Box::leak(Box::new(other_dept));

        assert!(can_see(&his, scope(dept, &s1, None)));
        assert!(!can_see(&his, scope(other_dept, &s1, None)));

        assert!(can_see(
            &caller(Role::Supervisor),
            scope(dept, &s1, Some(&someone_else))
        ));
        assert!(!can_see(&caller(Role::Supervisor), scope(dept, &s2, None)));

        assert!(can_see(&worker, scope(dept, &s1, None)));
        assert!(can_see(&worker, scope(dept, &s1, Some(&me))));
        assert!(!can_see(&worker, scope(dept, &s1, Some(&someone_else))));
        assert!(!can_see(&worker, scope(dept, &s2, None)));

        for role in [Role::StationAdmin, Role::Auditor, Role::Ops] {
            assert!(!can_see(&caller(role), scope(dept, &s1, None)));
            assert_eq!(ListScope::of(&caller(role)), ListScope::Nothing);
        }
    }
}
