//! Who may record and read a referral's assessments: its assigned social worker and
//! the supervisors of its station. Nobody else, not even a worker who can see the
//! referral in the station's unassigned inbox.

use crate::referral::{RecordScope, can_see};
use crate::{Caller, Role};

/// The answer to "may this caller work on this referral's assessments?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    /// The caller cannot see the referral at all: answered as NOT_FOUND, like a
    /// referral that does not exist.
    NotVisible,
    /// The caller sees the referral but is not its assigned worker.
    NotAssigned,
}

pub fn assessment_access(caller: &Caller, referral: RecordScope<'_>) -> Access {
    if !can_see(caller, referral) {
        return Access::NotVisible;
    }
    match caller.role {
        Role::Supervisor => Access::Allowed,
        Role::SocialWorker
            if caller.worker.is_some() && referral.assigned_worker == caller.worker.as_ref() =>
        {
            Access::Allowed
        }
        Role::SocialWorker => Access::NotAssigned,
        _ => Access::NotVisible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DepartmentId, HospitalId, SocialWorkerId, StationId};

    #[test]
    fn only_the_assigned_worker_and_supervisors() {
        let hospital = HospitalId::parse("h1").unwrap();
        let department = DepartmentId::new();
        let station = StationId::parse("s1").unwrap();
        let me = SocialWorkerId::new();
        let other = SocialWorkerId::new();
        let caller = |role, worker| Caller {
            subject: "k".into(),
            role,
            hospital: None,
            departments: vec![],
            station: Some(station.clone()),
            worker,
            volunteer: None,
            read_only: false,
        };
        let scope = |assigned| RecordScope {
            hospital: &hospital,
            department: &department,
            station: &station,
            assigned_worker: assigned,
        };
        let worker = caller(Role::SocialWorker, Some(me));
        assert_eq!(
            assessment_access(&worker, scope(Some(&me))),
            Access::Allowed
        );
        assert_eq!(assessment_access(&worker, scope(None)), Access::NotAssigned);
        assert_eq!(
            assessment_access(&worker, scope(Some(&other))),
            Access::NotVisible
        );
        let supervisor = caller(Role::Supervisor, None);
        assert_eq!(
            assessment_access(&supervisor, scope(Some(&other))),
            Access::Allowed
        );
        assert_eq!(assessment_access(&supervisor, scope(None)), Access::Allowed);
        let mut elsewhere = caller(Role::Supervisor, None);
        elsewhere.station = StationId::parse("s2");
        assert_eq!(
            assessment_access(&elsewhere, scope(None)),
            Access::NotVisible
        );
        for role in [
            Role::HisIntegration,
            Role::StationAdmin,
            Role::Auditor,
            Role::Ops,
        ] {
            assert_eq!(
                assessment_access(&caller(role, Some(me)), scope(Some(&me))),
                Access::NotVisible
            );
        }
    }
}
