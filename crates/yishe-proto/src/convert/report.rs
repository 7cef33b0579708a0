//! Report messages to and from the domain.

use yishe_domain::report::{Period, ReportCounts, ReportRequest, StationReport, Waits};
use yishe_domain::{DepartmentId, Violations};

use super::coded::outbound;
use super::parse;
use super::time::{from_timestamp, to_timestamp};
use crate::referral as referral_wire;
use crate::report as wire;

pub fn report_request(r: wire::GetStationReportRequest) -> Result<ReportRequest, Violations> {
    let mut v = Violations::new();
    let department = parse::optional_id(
        "department_id",
        &r.department_id,
        "a department id",
        DepartmentId::parse,
        &mut v,
    );
    let period = Period::new(
        r.start_time.as_ref().and_then(from_timestamp),
        r.end_time.as_ref().and_then(from_timestamp),
    )
    .map_err(|bad| parse::merge(&mut v, bad));
    match period {
        Ok(period) if v.is_empty() => Ok(ReportRequest { period, department }),
        _ => Err(v),
    }
}

fn waits(w: &Waits) -> Option<wire::Waits> {
    Some(wire::Waits {
        count: w.count,
        median_seconds: w.median_seconds,
        p90_seconds: w.p90_seconds,
    })
}

fn counts(c: &ReportCounts) -> wire::ReportCounts {
    wire::ReportCounts {
        referrals_received: c.received,
        referrals_accepted: c.accepted,
        referrals_rejected: c.rejected,
        rejected_by_reason: c
            .rejected_by_reason
            .iter()
            .map(|(reason, n)| wire::RejectionCount {
                reason: outbound!(reason, referral_wire::RejectionReason, "REJECTION_REASON_"),
                count: *n,
            })
            .collect(),
        sla_breaches: c.sla_breaches,
        time_to_accept: waits(&c.time_to_accept),
        time_to_first_contact: waits(&c.time_to_first_contact),
        closures_by_outcome: c
            .closures_by_outcome
            .iter()
            .map(|(outcome, n)| wire::OutcomeCount {
                outcome: super::closure::outcome_to_proto(*outcome),
                count: *n,
            })
            .collect(),
        goals_met: c.goals_met,
        goals_partly_met: c.goals_partly_met,
        goals_not_met: c.goals_not_met,
        follow_ups_done: c.follow_ups_done,
        follow_ups_missed: c.follow_ups_missed,
        follow_ups_overdue: c.follow_ups_overdue,
        volunteer_tasks_posted: c.tasks_posted,
        volunteer_tasks_claimed: c.tasks_claimed,
    }
}

/// The report, its departments named by `name_of` and listed by name.
pub fn report_to_proto(
    r: &StationReport,
    name_of: impl Fn(DepartmentId) -> String,
) -> wire::StationReport {
    let mut departments: Vec<wire::DepartmentCounts> = r
        .departments
        .iter()
        .map(|(id, c)| wire::DepartmentCounts {
            department_id: id.to_string(),
            department_name: name_of(*id),
            counts: Some(counts(c)),
        })
        .collect();
    departments.sort_by(|a, b| a.department_name.cmp(&b.department_name));
    wire::StationReport {
        station_id: r.station.to_string(),
        start_time: Some(to_timestamp(r.period.from)),
        end_time: Some(to_timestamp(r.period.to)),
        total: Some(counts(&r.total)),
        departments,
        caseloads: r
            .caseloads
            .iter()
            .map(|w| wire::Caseload {
                social_worker_id: w.id.to_string(),
                display_name: w.display_name.clone(),
                open_cases: u32::try_from(w.open_cases).unwrap_or_default(),
                caseload_limit: u32::try_from(w.caseload_limit).unwrap_or_default(),
            })
            .collect(),
    }
}
