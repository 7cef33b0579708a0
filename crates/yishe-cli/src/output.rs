//! Printing results: a readable table by default, one JSON document with `--output json`.

use comfy_table::Table;
use serde_json::{Value, json};
use yishe_proto::directory::{ApiKey, Department, SocialWorker, Station};
use yishe_proto::referral::{Referral, ReferralEvent};

use crate::args::Output;
use crate::enums::short;

/// The zone times are shown in, set once from `--time-zone` before any output.
static TIME_ZONE: std::sync::OnceLock<chrono_tz::Tz> = std::sync::OnceLock::new();

pub(crate) fn show_times_in(zone: chrono_tz::Tz) {
    let _ = TIME_ZONE.set(zone);
}

/// The station's time zone (`--time-zone`), for showing and for reading local times.
pub(crate) fn zone() -> chrono_tz::Tz {
    TIME_ZONE
        .get()
        .copied()
        .unwrap_or(chrono_tz::Asia::Shanghai)
}

/// A timestamp as a person reads it, in the station's time zone: `2026-12-06 17:05`.
pub(crate) fn local(ts: &Option<prost_types::Timestamp>) -> String {
    ts.as_ref()
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| {
            t.with_timezone(&zone())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A time as the station reads it, in its own zone and with the offset (RFC 3339, so
/// JSON and CSV readers still parse it): `2026-12-07T19:30:00+08:00`.
pub(crate) fn time(ts: &Option<prost_types::Timestamp>) -> String {
    let zone = zone();
    ts.as_ref()
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| {
            t.with_timezone(&zone)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .unwrap_or_default()
}

fn status(r: &Referral) -> String {
    short("REFERRAL_STATUS_", r.status().as_str_name())
}

fn priority(value: i32) -> String {
    let p = yishe_proto::common::Priority::try_from(value).unwrap_or_default();
    short("PRIORITY_", p.as_str_name())
}

pub(crate) fn referral_json(r: &Referral) -> Value {
    let patient = r.patient.clone().unwrap_or_default();
    let clinician = r.referring_clinician.clone().unwrap_or_default();
    let consent = r.consent.clone().unwrap_or_default();
    let reason = r.status_reason.clone().unwrap_or_default();
    json!({
        "id": r.id,
        "request_id": r.request_id,
        "status": status(r),
        "status_reason": {
            "rejection_reason": if reason.rejection_reason == 0 { String::new() } else { short("REJECTION_REASON_", reason.rejection_reason().as_str_name()) },
            "note": reason.note,
        },
        "priority": priority(r.priority),
        "reasons": r.reasons().map(|x| short("REFERRAL_REASON_", x.as_str_name())).collect::<Vec<_>>(),
        "note": r.note,
        "hospital_id": r.hospital_id,
        "department_id": r.department_id,
        "station_id": r.station_id,
        "referring_clinician": { "name": clinician.name, "staff_id": clinician.staff_id, "contact": clinician.contact },
        "patient": {
            "his_patient_id": patient.his_patient_id,
            "encounter_id": patient.encounter_id,
            "name": patient.name,
            "sex": short("SEX_", patient.sex().as_str_name()),
            "birth_date": patient.birth_date.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
            "phone": patient.phone,
            "ward": patient.ward,
            "bed": patient.bed,
            "clinical_summary": patient.clinical_summary,
        },
        "consent": {
            "kind": short("CONSENT_KIND_", consent.kind().as_str_name()),
            "given_by": consent.given_by,
            "justification": consent.justification,
            "recorded_by": consent.recorded_by,
            "recorded_time": time(&consent.recorded_time),
            "withdrawn_by": consent.withdrawal.as_ref().map(|w| w.withdrawn_by.clone()).unwrap_or_default(),
            "withdraw_time": consent.withdrawal.as_ref().map(|w| time(&w.withdraw_time)).unwrap_or_default(),
            "reconfirmation": consent.reconfirmation.as_ref().map(|c| if c.required { "待首次接触时再次确认".to_owned() } else { format!("已于 {} 再次确认", time(&c.reconfirm_time)) }),
        },
        "assigned_worker_id": r.assigned_worker_id,
        "assigned_worker_name": r.assigned_worker_name,
        "acceptance_deadline": time(&r.acceptance_deadline),
        "sla_breached": r.sla_breached,
        "accept_time": time(&r.accept_time),
        "first_contact_time": time(&r.first_contact_time),
        "end_time": time(&r.end_time),
        "create_time": time(&r.create_time),
        "update_time": time(&r.update_time),
        "etag": r.etag,
        "closure": r.closure.as_ref().map(crate::closure::json),
        "reopened_from_referral_id": r.reopened_from_referral_id,
        "patient_history": r.patient_history.iter().map(|h| json!({
            "referral_id": h.referral_id,
            "status": short("REFERRAL_STATUS_", h.status().as_str_name()),
            "reasons": h.reasons().map(|x| short("REFERRAL_REASON_", x.as_str_name())).collect::<Vec<_>>(),
            "create_time": time(&h.create_time),
            "end_time": time(&h.end_time),
            "open_risk_flags": h.open_risk_flags,
            "possible_duplicate": h.possible_duplicate,
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn event_json(e: &ReferralEvent) -> Value {
    json!({
        "sequence": e.sequence,
        "event_id": e.event_id,
        "type": short("REFERRAL_EVENT_TYPE_", e.r#type().as_str_name()),
        "referral_id": e.referral_id,
        "status": short("REFERRAL_STATUS_", e.status().as_str_name()),
        "priority": priority(e.priority),
        "department_id": e.department_id,
        "station_id": e.station_id,
        "assigned_worker_id": e.assigned_worker_id,
        "occur_time": time(&e.occur_time),
    })
}

fn station_json(s: &Station) -> Value {
    json!({
        "id": s.id,
        "display_name": s.display_name,
        "referral_reasons": s.referral_reasons().map(|x| short("REFERRAL_REASON_", x.as_str_name())).collect::<Vec<_>>(),
        "caseload_capacity": s.caseload_capacity,
        "open_cases": s.open_cases,
        "waiting_referrals": s.waiting_referrals,
        "active_social_workers": s.active_social_workers,
        "update_time": time(&s.update_time),
        "etag": s.etag,
    })
}

fn department_json(d: &Department) -> Value {
    json!({ "id": d.id, "hospital_id": d.hospital_id, "code": d.code, "name": d.name, "create_time": time(&d.create_time) })
}

fn worker_json(w: &SocialWorker) -> Value {
    json!({
        "id": w.id,
        "display_name": w.display_name,
        "certification_level": short("CERTIFICATION_LEVEL_", w.certification_level().as_str_name()),
        "caseload_limit": w.caseload_limit,
        "open_cases": w.open_cases,
        "active": w.active,
        "on_leave": if w.on_leave { "休假中" } else { "" },
        "station_id": w.station_id,
        "etag": w.etag,
    })
}

fn key_json(k: &ApiKey) -> Value {
    json!({
        "id": k.id,
        "display_name": k.display_name,
        "role": short("ROLE_", k.role().as_str_name()).to_ascii_lowercase(),
        "hospital_id": k.hospital_id,
        "department_ids": k.department_ids,
        "station_id": k.station_id,
        "social_worker_id": k.social_worker_id,
        "volunteer_id": k.volunteer_id,
        "create_time": time(&k.create_time),
        "revoke_time": time(&k.revoke_time),
    })
}

/// One record: a two-column table of its fields, or its JSON.
pub(crate) fn record(output: Output, value: Value) {
    match output {
        Output::Id => println!("{}", cell(&value["id"])),
        Output::Json => println!("{}", serde_json::to_string_pretty(&value).expect("json")),
        Output::Table => {
            let mut table = Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(vec!["field", "value"]);
            flatten("", &value, &mut table);
            println!("{table}");
        }
        Output::Csv => {
            let mut table = Table::new();
            flatten("", &value, &mut table);
            println!("field,value");
            for row in table.row_iter() {
                let cells: Vec<String> = row.cell_iter().map(|c| csv_field(&c.content())).collect();
                println!("{}", cells.join(","));
            }
        }
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
pub(crate) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn flatten(prefix: &str, value: &Value, table: &mut Table) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, v, table);
            }
        }
        Value::Array(items) => {
            let text: Vec<String> = items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect();
            table.add_row(vec![prefix.to_owned(), text.join(", ")]);
        }
        Value::String(s) => {
            table.add_row(vec![prefix.to_owned(), s.clone()]);
        }
        Value::Null => {
            table.add_row(vec![prefix.to_owned(), String::new()]);
        }
        other => {
            table.add_row(vec![prefix.to_owned(), other.to_string()]);
        }
    }
}

/// Many records: a table with the named columns, or a JSON array.
pub(crate) fn rows(
    output: Output,
    values: Vec<Value>,
    columns: &[&str],
    extra: Option<(&str, String)>,
) {
    match output {
        Output::Id => values.iter().for_each(|v| println!("{}", cell(&v["id"]))),
        Output::Json => {
            let mut doc = json!({ "items": values });
            if let Some((name, value)) = extra {
                doc[name] = json!(value);
            }
            println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
        }
        Output::Table => {
            let mut table = Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(columns.to_vec());
            for v in &values {
                table.add_row(columns.iter().map(|c| cell(&v[*c])).collect::<Vec<_>>());
            }
            println!("{table}");
            if let Some((name, value)) = extra.filter(|(_, v)| !v.is_empty()) {
                println!("{name}: {value}");
            }
        }
        Output::Csv => {
            println!("{}", columns.join(","));
            for v in &values {
                let cells: Vec<String> = columns.iter().map(|c| csv_field(&cell(&v[*c]))).collect();
                println!("{}", cells.join(","));
            }
        }
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub(crate) fn referral(output: Output, r: &Referral) {
    record(output, referral_json(r));
}

pub(crate) fn referrals(output: Output, list: &[Referral], next_page_token: String) {
    let values = list.iter().map(referral_json).collect();
    let columns = [
        "id",
        "status",
        "priority",
        "reasons",
        "assigned_worker_name",
        "acceptance_deadline",
        "etag",
    ];
    rows(
        output,
        values,
        &columns,
        Some(("next_page_token", next_page_token)),
    );
}

/// The header above watched events, for the outputs that have one.
pub(crate) fn event_header(output: Output) {
    match output {
        Output::Table => println!(
            "{:>8}  {:<16}  {:<18} {:<9} {:<12} referral",
            "sequence", "time", "event", "priority", "status"
        ),
        Output::Csv => println!("sequence,time,event,priority,status,referral_id"),
        Output::Json | Output::Id => {}
    }
}

/// One watched event, as it arrives: local time and priority first, for a person
/// watching the inbox.
pub(crate) fn event(output: Output, e: &ReferralEvent) {
    let kind = short("REFERRAL_EVENT_TYPE_", e.r#type().as_str_name());
    let status = short("REFERRAL_STATUS_", e.status().as_str_name());
    match output {
        Output::Json => println!("{}", event_json(e)),
        Output::Id => println!("{}", e.sequence),
        Output::Table => println!(
            "{:>8}  {:<16}  {:<18} {:<9} {:<12} {}",
            e.sequence,
            local(&e.occur_time),
            kind,
            priority(e.priority),
            status,
            e.referral_id
        ),
        Output::Csv => println!(
            "{},{},{},{},{},{}",
            e.sequence,
            time(&e.occur_time),
            kind,
            priority(e.priority),
            status,
            e.referral_id
        ),
    }
}

pub(crate) fn station(output: Output, s: &Station) {
    record(output, station_json(s));
}

pub(crate) fn stations(output: Output, list: &[Station]) {
    let columns = [
        "id",
        "display_name",
        "caseload_capacity",
        "open_cases",
        "waiting_referrals",
        "active_social_workers",
    ];
    rows(
        output,
        list.iter().map(station_json).collect(),
        &columns,
        None,
    );
}

pub(crate) fn department(output: Output, d: &Department) {
    record(output, department_json(d));
}

pub(crate) fn departments(output: Output, list: &[Department]) {
    rows(
        output,
        list.iter().map(department_json).collect(),
        &["id", "hospital_id", "code", "name"],
        None,
    );
}

pub(crate) fn worker(output: Output, w: &SocialWorker) {
    record(output, worker_json(w));
}

pub(crate) fn workers(output: Output, list: &[SocialWorker]) {
    let columns = [
        "id",
        "display_name",
        "certification_level",
        "open_cases",
        "caseload_limit",
        "active",
        "on_leave",
        "etag",
    ];
    rows(
        output,
        list.iter().map(worker_json).collect(),
        &columns,
        None,
    );
}

pub(crate) fn key(output: Output, k: &ApiKey, secret: Option<&str>) {
    let mut value = key_json(k);
    if let Some(secret) = secret {
        if output == Output::Id {
            println!("{secret}");
            return;
        }
        value["secret"] = json!(secret);
    }
    record(output, value);
    if secret.is_some() && output == Output::Table {
        eprintln!("The secret is shown only now: store it safely.");
    }
}

pub(crate) fn keys(output: Output, list: &[ApiKey]) {
    let columns = [
        "id",
        "display_name",
        "role",
        "hospital_id",
        "department_ids",
        "social_worker_id",
        "volunteer_id",
        "revoke_time",
    ];
    rows(output, list.iter().map(key_json).collect(), &columns, None);
}
