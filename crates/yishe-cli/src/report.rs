//! `yishe report`: the station's figures for a period, a row per department and one
//! for the station, then the caseloads; in Chinese, durations in hours.

use chrono::{Duration, NaiveDate, TimeZone};
use serde_json::{Value, json};
use yishe_proto::report::*;

use crate::args::{Output, ReportArgs};
use crate::client::Connection;
use crate::enums::short;
use crate::failure::Failure;
use crate::output::rows;

pub(crate) async fn run(args: ReportArgs, c: &Connection) -> Result<(), Failure> {
    let start_time = Some(bound("--from", &args.from, false)?);
    let end_time = Some(bound("--to", &args.to, true)?);
    let report = c
        .reports()
        .get_station_report(GetStationReportRequest {
            start_time,
            end_time,
            department_id: args.department.unwrap_or_default(),
        })
        .await?
        .into_inner()
        .report
        .ok_or_else(|| Failure::local("the server answered without a report"))?;
    if c.output == Output::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report_json(&report)).expect("json")
        );
        return Ok(());
    }
    let mut lines: Vec<Value> = report
        .departments
        .iter()
        .map(|d| counts_row(&d.department_name, d.counts.as_ref()))
        .collect();
    lines.push(counts_row("合计", report.total.as_ref()));
    rows(c.output, lines, &COLUMNS, None);
    if c.output == Output::Table {
        let loads = report
            .caseloads
            .iter()
            .map(|w| {
                json!({
                    "社工": w.display_name,
                    "在案": w.open_cases,
                    "上限": w.caseload_limit,
                })
            })
            .collect();
        rows(c.output, loads, &["社工", "在案", "上限"], None);
    }
    Ok(())
}

/// The columns, in the order a station reads its monthly figures.
const COLUMNS: [&str; 18] = [
    "科室",
    "接收",
    "接单",
    "拒绝",
    "拒绝原因",
    "超时未接单",
    "接单用时中位(小时)",
    "接单用时P90(小时)",
    "首次接触中位(小时)",
    "首次接触P90(小时)",
    "结案",
    "结案结果",
    "目标达成/部分/未达成",
    "随访完成",
    "随访失约",
    "随访逾期",
    "志愿需求",
    "已认领",
];

fn hours(w: Option<&Waits>) -> String {
    match w {
        Some(w) if w.count > 0 => format!("{:.1}", w.median_seconds as f64 / 3600.0),
        _ => String::new(),
    }
}

fn p90(w: Option<&Waits>) -> String {
    match w {
        Some(w) if w.count > 0 => format!("{:.1}", w.p90_seconds as f64 / 3600.0),
        _ => String::new(),
    }
}

fn counts_row(name: &str, c: Option<&ReportCounts>) -> Value {
    let c = c.cloned().unwrap_or_default();
    let reasons: Vec<String> = c
        .rejected_by_reason
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                short("REJECTION_REASON_", r.reason().as_str_name()),
                r.count
            )
        })
        .collect();
    let outcomes: Vec<String> = c
        .closures_by_outcome
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                short("CLOSURE_OUTCOME_", o.outcome().as_str_name()),
                o.count
            )
        })
        .collect();
    let closed: u32 = c.closures_by_outcome.iter().map(|o| o.count).sum();
    json!({
        "科室": name,
        "接收": c.referrals_received,
        "接单": c.referrals_accepted,
        "拒绝": c.referrals_rejected,
        "拒绝原因": reasons.join("; "),
        "超时未接单": c.sla_breaches,
        "接单用时中位(小时)": hours(c.time_to_accept.as_ref()),
        "接单用时P90(小时)": p90(c.time_to_accept.as_ref()),
        "首次接触中位(小时)": hours(c.time_to_first_contact.as_ref()),
        "首次接触P90(小时)": p90(c.time_to_first_contact.as_ref()),
        "结案": closed,
        "结案结果": outcomes.join("; "),
        "目标达成/部分/未达成": format!("{}/{}/{}", c.goals_met, c.goals_partly_met, c.goals_not_met),
        "随访完成": c.follow_ups_done,
        "随访失约": c.follow_ups_missed,
        "随访逾期": c.follow_ups_overdue,
        "志愿需求": c.volunteer_tasks_posted,
        "已认领": c.volunteer_tasks_claimed,
    })
}

fn report_json(r: &StationReport) -> Value {
    json!({
        "station_id": r.station_id,
        "start_time": crate::output::time(&r.start_time),
        "end_time": crate::output::time(&r.end_time),
        "total": counts_row("合计", r.total.as_ref()),
        "departments": r.departments.iter().map(|d| {
            let mut row = counts_row(&d.department_name, d.counts.as_ref());
            row["department_id"] = json!(d.department_id);
            row
        }).collect::<Vec<_>>(),
        "caseloads": r.caseloads.iter().map(|w| json!({
            "social_worker_id": w.social_worker_id,
            "display_name": w.display_name,
            "open_cases": w.open_cases,
            "caseload_limit": w.caseload_limit,
        })).collect::<Vec<_>>(),
    })
}

/// A period bound: a day (its start, or for `--to` the next day's start, so the day is
/// included) or a local time, in the station's time zone.
fn bound(flag: &str, text: &str, end: bool) -> Result<prost_types::Timestamp, Failure> {
    let Ok(day) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") else {
        return crate::task::at(flag, text);
    };
    let day = if end { day + Duration::days(1) } else { day };
    let t = crate::output::zone()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .ok_or_else(|| Failure::local(format!("{flag} {text:?} is not a valid day")))?;
    Ok(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    })
}
