//! The checks a social worker must pass to take a referral: their station, level,
//! activity and caseload.

use thiserror::Error;

use crate::directory::CertificationLevel;
use crate::ids::StationId;
use crate::priority::Priority;
use crate::referral::ReferralReason;

/// What an assignment check needs to know about the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerLoad {
    pub station: StationId,
    pub level: CertificationLevel,
    pub active: bool,
    pub on_leave: bool,
    pub caseload_limit: i32,
    /// Open referrals assigned to the worker now, not counting the one being assigned.
    pub open_cases: i32,
}

/// What an assignment check needs to know about the referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentTarget<'a> {
    pub station: &'a StationId,
    pub priority: Priority,
    pub reasons: &'a [ReferralReason],
}

/// Why a worker may not take a referral.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AssignmentError {
    #[error("the social worker is not active")]
    Inactive,
    #[error("the social worker is on leave")]
    OnLeave,
    #[error("the social worker belongs to another station")]
    OtherStation,
    #[error("the social worker is at their caseload limit of {limit}")]
    CaseloadFull { limit: i32 },
    #[error("this referral needs at least an intermediate-level social worker")]
    LevelTooLow,
}

impl AssignmentError {
    /// The stable reason a caller's program sees.
    pub fn reason(&self) -> &'static str {
        match self {
            AssignmentError::Inactive => "SOCIAL_WORKER_INACTIVE",
            AssignmentError::OnLeave => "SOCIAL_WORKER_ON_LEAVE",
            AssignmentError::OtherStation => "SOCIAL_WORKER_OF_OTHER_STATION",
            AssignmentError::CaseloadFull { .. } => "CASELOAD_FULL",
            AssignmentError::LevelTooLow => "CERTIFICATION_TOO_LOW",
        }
    }

    /// What a program needs to act on it: the caseload limit reached.
    pub fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            AssignmentError::CaseloadFull { limit } => {
                vec![("caseload_limit", limit.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

/// The minimum level a referral needs: EMERGENCY priority, CHILD_PROTECTION and
/// ABUSE_OR_NEGLECT need at least an intermediate-level social worker.
pub fn required_level(priority: Priority, reasons: &[ReferralReason]) -> CertificationLevel {
    let sensitive = reasons.iter().any(|r| {
        matches!(
            r,
            ReferralReason::ChildProtection | ReferralReason::AbuseOrNeglect
        )
    });
    if priority == Priority::Emergency || sensitive {
        CertificationLevel::Intermediate
    } else {
        CertificationLevel::Assistant
    }
}

/// Checks that `worker` may take `target`, reporting the first rule broken.
pub fn check_assignment(
    worker: &WorkerLoad,
    target: &AssignmentTarget<'_>,
) -> Result<(), AssignmentError> {
    if !worker.active {
        return Err(AssignmentError::Inactive);
    }
    if worker.on_leave {
        return Err(AssignmentError::OnLeave);
    }
    if &worker.station != target.station {
        return Err(AssignmentError::OtherStation);
    }
    if worker.level < required_level(target.priority, target.reasons) {
        return Err(AssignmentError::LevelTooLow);
    }
    if worker.open_cases >= worker.caseload_limit {
        return Err(AssignmentError::CaseloadFull {
            limit: worker.caseload_limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station() -> StationId {
        StationId::parse("s1").unwrap()
    }

    fn worker(level: CertificationLevel) -> WorkerLoad {
        WorkerLoad {
            station: station(),
            level,
            active: true,
            on_leave: false,
            caseload_limit: 2,
            open_cases: 0,
        }
    }

    fn target<'a>(
        s: &'a StationId,
        priority: Priority,
        reasons: &'a [ReferralReason],
    ) -> AssignmentTarget<'a> {
        AssignmentTarget {
            station: s,
            priority,
            reasons,
        }
    }

    #[test]
    fn a_junior_takes_routine_work() {
        let s = station();
        let reasons = [ReferralReason::FinancialHardship];
        assert_eq!(
            check_assignment(
                &worker(CertificationLevel::Assistant),
                &target(&s, Priority::Routine, &reasons)
            ),
            Ok(())
        );
    }

    #[test]
    fn emergencies_and_protection_cases_need_intermediate() {
        let s = station();
        let junior = worker(CertificationLevel::Assistant);
        let plain = [ReferralReason::FinancialHardship];
        let child = [
            ReferralReason::FinancialHardship,
            ReferralReason::ChildProtection,
        ];
        let abuse = [ReferralReason::AbuseOrNeglect];
        for t in [
            target(&s, Priority::Emergency, &plain),
            target(&s, Priority::Routine, &child),
            target(&s, Priority::Urgent, &abuse),
        ] {
            assert_eq!(
                check_assignment(&junior, &t),
                Err(AssignmentError::LevelTooLow)
            );
            assert_eq!(
                check_assignment(&worker(CertificationLevel::Intermediate), &t),
                Ok(())
            );
            assert_eq!(
                check_assignment(&worker(CertificationLevel::Senior), &t),
                Ok(())
            );
        }
    }

    #[test]
    fn inactive_other_station_and_full_caseload_are_refused() {
        let s = station();
        let reasons = [ReferralReason::Other];
        let t = target(&s, Priority::Routine, &reasons);
        let mut w = worker(CertificationLevel::Senior);
        w.active = false;
        assert_eq!(check_assignment(&w, &t), Err(AssignmentError::Inactive));
        let mut w = worker(CertificationLevel::Senior);
        w.station = StationId::parse("s2").unwrap();
        assert_eq!(check_assignment(&w, &t), Err(AssignmentError::OtherStation));
        let mut w = worker(CertificationLevel::Senior);
        w.open_cases = 2;
        assert_eq!(
            check_assignment(&w, &t),
            Err(AssignmentError::CaseloadFull { limit: 2 })
        );
        w.open_cases = 1;
        assert_eq!(check_assignment(&w, &t), Ok(()));
    }
}
