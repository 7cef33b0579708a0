//! Station reports: what a station did over a period, per referring department and in
//! total, from counts the store computes in SQL. Aggregates only: no patient data.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::directory::SocialWorker;
use crate::referral::{ClosureOutcome, RejectionReason};
use crate::{DepartmentId, StationId, Violations};

/// The longest period one report covers.
const MAX_DAYS: i64 = 366;

/// A report's period: from (inclusive) to (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    /// The period, or the offending fields: both ends given, the start first, at most
    /// a year and a day.
    pub fn new(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        match (from, to) {
            (Some(from), Some(to)) if from >= to => v.add("end_time", "must be after start_time"),
            (Some(from), Some(to)) if to - from > Duration::days(MAX_DAYS) => {
                v.add("end_time", "must be at most 366 days after start_time")
            }
            (Some(from), Some(to)) => return Ok(Self { from, to }),
            (from, to) => {
                if from.is_none() {
                    v.add("start_time", "is required");
                }
                if to.is_none() {
                    v.add("end_time", "is required");
                }
            }
        }
        Err(v)
    }
}

/// What a report is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub period: Period,
    pub department: Option<DepartmentId>,
}

/// The rows the store counts for a report, each per department.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportRows {
    /// Received in the period: (received, accepted, rejected, SLA breaches).
    pub received: Vec<(DepartmentId, [u32; 4])>,
    pub rejections: Vec<(DepartmentId, RejectionReason, u32)>,
    /// Of those received: seconds to acceptance and to first contact, where reached.
    pub waits: Vec<(DepartmentId, Option<i64>, Option<i64>)>,
    /// Closed in the period: outcome, cases, and goals met, partly met, not met.
    pub closures: Vec<(DepartmentId, ClosureOutcome, [u32; 4])>,
    /// Follow-ups due in the period: done, missed, overdue.
    pub follow_ups: Vec<(DepartmentId, [u32; 3])>,
    /// Volunteer tasks posted in the period: posted, claimed.
    pub tasks: Vec<(DepartmentId, [u32; 2])>,
}

/// Waits over the referrals that reached a step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waits {
    pub count: u32,
    pub median_seconds: i64,
    pub p90_seconds: i64,
}

impl Waits {
    fn of(mut seconds: Vec<i64>) -> Self {
        seconds.sort_unstable();
        Self {
            count: u32::try_from(seconds.len()).unwrap_or(u32::MAX),
            median_seconds: nearest_rank(&seconds, 50),
            p90_seconds: nearest_rank(&seconds, 90),
        }
    }
}

/// The `percent`th percentile of `sorted` by nearest rank: the value at rank
/// ceil(percent/100 × n), counted from 1; 0 for no values.
pub fn nearest_rank(sorted: &[i64], percent: usize) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// The counts of one department, or of the station.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportCounts {
    pub received: u32,
    pub accepted: u32,
    pub rejected: u32,
    pub rejected_by_reason: BTreeMap<RejectionReason, u32>,
    pub sla_breaches: u32,
    pub time_to_accept: Waits,
    pub time_to_first_contact: Waits,
    pub closures_by_outcome: BTreeMap<ClosureOutcome, u32>,
    pub goals_met: u32,
    pub goals_partly_met: u32,
    pub goals_not_met: u32,
    pub follow_ups_done: u32,
    pub follow_ups_missed: u32,
    pub follow_ups_overdue: u32,
    pub tasks_posted: u32,
    pub tasks_claimed: u32,
}

/// A station's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationReport {
    pub station: StationId,
    pub period: Period,
    pub total: ReportCounts,
    pub departments: BTreeMap<DepartmentId, ReportCounts>,
    /// The station's active workers, as they stand now.
    pub caseloads: Vec<SocialWorker>,
}

impl StationReport {
    /// The report the counted `rows` make, per department and in total.
    pub fn assemble(
        station: StationId,
        period: Period,
        rows: ReportRows,
        mut caseloads: Vec<SocialWorker>,
    ) -> Self {
        let mut departments: BTreeMap<DepartmentId, ReportCounts> = BTreeMap::new();
        let mut waits: BTreeMap<DepartmentId, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
        let (mut all_accept, mut all_contact) = (Vec::new(), Vec::new());
        for (d, [received, accepted, rejected, breaches]) in rows.received {
            let c = departments.entry(d).or_default();
            c.received += received;
            c.accepted += accepted;
            c.rejected += rejected;
            c.sla_breaches += breaches;
        }
        for (d, reason, n) in rows.rejections {
            *departments
                .entry(d)
                .or_default()
                .rejected_by_reason
                .entry(reason)
                .or_default() += n;
        }
        for (d, accept, contact) in rows.waits {
            let (a, f) = waits.entry(d).or_default();
            if let Some(s) = accept {
                a.push(s);
                all_accept.push(s);
            }
            if let Some(s) = contact {
                f.push(s);
                all_contact.push(s);
            }
        }
        for (d, outcome, [cases, met, partly, not_met]) in rows.closures {
            let c = departments.entry(d).or_default();
            *c.closures_by_outcome.entry(outcome).or_default() += cases;
            c.goals_met += met;
            c.goals_partly_met += partly;
            c.goals_not_met += not_met;
        }
        for (d, [done, missed, overdue]) in rows.follow_ups {
            let c = departments.entry(d).or_default();
            c.follow_ups_done += done;
            c.follow_ups_missed += missed;
            c.follow_ups_overdue += overdue;
        }
        for (d, [posted, claimed]) in rows.tasks {
            let c = departments.entry(d).or_default();
            c.tasks_posted += posted;
            c.tasks_claimed += claimed;
        }
        for (d, (accept, contact)) in waits {
            let c = departments.entry(d).or_default();
            c.time_to_accept = Waits::of(accept);
            c.time_to_first_contact = Waits::of(contact);
        }
        let mut total = ReportCounts::default();
        for c in departments.values() {
            total.add(c);
        }
        total.time_to_accept = Waits::of(all_accept);
        total.time_to_first_contact = Waits::of(all_contact);
        caseloads.retain(|w| w.active);
        caseloads.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Self {
            station,
            period,
            total,
            departments,
            caseloads,
        }
    }
}

impl ReportCounts {
    /// Adds `other`'s counts (not its waits: percentiles do not add).
    fn add(&mut self, other: &ReportCounts) {
        self.received += other.received;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.sla_breaches += other.sla_breaches;
        for (reason, n) in &other.rejected_by_reason {
            *self.rejected_by_reason.entry(*reason).or_default() += n;
        }
        for (outcome, n) in &other.closures_by_outcome {
            *self.closures_by_outcome.entry(*outcome).or_default() += n;
        }
        self.goals_met += other.goals_met;
        self.goals_partly_met += other.goals_partly_met;
        self.goals_not_met += other.goals_not_met;
        self.follow_ups_done += other.follow_ups_done;
        self.follow_ups_missed += other.follow_ups_missed;
        self.follow_ups_overdue += other.follow_ups_overdue;
        self.tasks_posted += other.tasks_posted;
        self.tasks_claimed += other.tasks_claimed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_is_the_value_at_the_ceiling_rank() {
        assert_eq!(nearest_rank(&[], 50), 0);
        assert_eq!(nearest_rank(&[7], 90), 7);
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 50), 5);
        assert_eq!(nearest_rank(&ten, 90), 9);
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(nearest_rank(&eleven, 50), 6);
        assert_eq!(nearest_rank(&eleven, 90), 10);
    }

    #[test]
    fn a_period_starts_before_it_ends_within_a_year() {
        let t = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert!(Period::new(Some(t), Some(t)).unwrap_err().names("end_time"));
        assert!(
            Period::new(Some(t), Some(t + Duration::days(400)))
                .unwrap_err()
                .names("end_time")
        );
        let missing = Period::new(None, None).unwrap_err();
        assert!(missing.names("start_time") && missing.names("end_time"));
        assert!(Period::new(Some(t), Some(t + Duration::days(31))).is_ok());
    }

    #[test]
    fn departments_add_up_to_the_station_and_waits_are_over_all() {
        let (a, b) = (DepartmentId::new(), DepartmentId::new());
        let rows = ReportRows {
            received: vec![(a, [3, 2, 1, 1]), (b, [1, 1, 0, 0])],
            rejections: vec![(a, RejectionReason::NoCapacity, 1)],
            waits: vec![
                (a, Some(60), Some(600)),
                (a, Some(120), None),
                (b, Some(30), None),
            ],
            closures: vec![(b, ClosureOutcome::GoalsMet, [1, 2, 1, 0])],
            follow_ups: vec![(a, [1, 0, 1])],
            tasks: vec![(b, [2, 2])],
        };
        let period = Period::new(
            DateTime::from_timestamp(0, 0),
            DateTime::from_timestamp(86_400, 0),
        )
        .unwrap();
        let r = StationReport::assemble(StationId::parse("s").unwrap(), period, rows, vec![]);
        assert_eq!(
            (r.total.received, r.total.accepted, r.total.rejected),
            (4, 3, 1)
        );
        assert_eq!(r.total.time_to_accept.count, 3);
        assert_eq!(r.total.time_to_accept.median_seconds, 60);
        assert_eq!(r.total.time_to_accept.p90_seconds, 120);
        assert_eq!(r.departments[&a].time_to_first_contact.count, 1);
        assert_eq!(r.total.closures_by_outcome[&ClosureOutcome::GoalsMet], 1);
        assert_eq!((r.total.goals_met, r.total.tasks_claimed), (2, 2));
    }
}
