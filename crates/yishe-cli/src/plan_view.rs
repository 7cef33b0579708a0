//! A plan as a supervisor reads it at a glance: state and who decided, each goal with
//! its measure and where it stands, the interventions in a table, in Chinese with the
//! station's local time.

use comfy_table::Table;
use serde_json::{Value, json};
use yishe_proto::plan::*;

use crate::enums::short;
use crate::output::{local, time};

pub(crate) fn date(d: &Option<yishe_proto::Date>) -> String {
    d.as_ref()
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_default()
}

pub(crate) fn state_zh(state: PlanState) -> &'static str {
    match state {
        PlanState::Draft => "草稿",
        PlanState::PendingApproval => "待审批",
        PlanState::Approved => "已批准（生效）",
        PlanState::Returned => "已退回",
        PlanState::Superseded => "已被新版本取代",
        PlanState::Unspecified => "",
    }
}

fn kind_zh(kind: InterventionKind) -> &'static str {
    match kind {
        InterventionKind::Counselling => "心理疏导",
        InterventionKind::FamilyMeeting => "家庭会议",
        InterventionKind::ResourceLinkage => "资源链接",
        InterventionKind::FundApplication => "医疗/慈善救助申请",
        InterventionKind::DischargePlanning => "出院计划与安置",
        InterventionKind::EndOfLifeSupport => "安宁疗护与哀伤辅导",
        InterventionKind::HealthEducation => "健康教育",
        InterventionKind::AdvocacyMediation => "倡导与医患调解",
        InterventionKind::Protection => "保护",
        InterventionKind::GroupWork => "小组工作",
        InterventionKind::VolunteerCompanionship => "志愿陪伴",
        InterventionKind::ExternalReferral => "转介",
        InterventionKind::Other => "其他",
        InterventionKind::Unspecified => "",
    }
}

fn intervention_state_zh(state: InterventionState) -> &'static str {
    match state {
        InterventionState::Planned => "计划中",
        InterventionState::InProgress => "进行中",
        InterventionState::Done => "已完成",
        InterventionState::Cancelled => "已取消",
        InterventionState::Unspecified => "",
    }
}

fn comparator(c: Comparator) -> &'static str {
    match c {
        Comparator::Below => "<",
        Comparator::AtMost => "≤",
        Comparator::AtLeast => "≥",
        Comparator::Above => ">",
        Comparator::Unspecified => "?",
    }
}

/// An instrument as staff name it.
fn instrument(id: &str) -> String {
    match id {
        "phq9" => "PHQ-9".to_owned(),
        "gad7" => "GAD-7".to_owned(),
        "distress_thermometer" => "心理痛苦温度计".to_owned(),
        "zarit22" => "Zarit-22".to_owned(),
        "zarit12" => "Zarit-12".to_owned(),
        "ssrs" => "社会支持评定量表（SSRS）".to_owned(),
        "barthel" => "Barthel 指数".to_owned(),
        other => other.to_owned(),
    }
}

/// What a goal is measured by and where it stands, in one line.
fn measure(g: &Goal) -> String {
    match &g.measure {
        Some(goal::Measure::InstrumentTarget(t)) => {
            let target = format!(
                "{} {} {}",
                instrument(&t.instrument_id),
                comparator(t.comparator()),
                t.target
            );
            match t.latest_total {
                Some(total) => format!(
                    "{target} · 最新 {total}（{}）{}",
                    local(&t.latest_assess_time),
                    if t.met {
                        " ✓ 已达成"
                    } else {
                        " 未达成"
                    }
                ),
                None => format!("{target} · 目标设定后尚无评估"),
            }
        }
        Some(goal::Measure::AttainmentScale(s)) => match s.latest_level {
            Some(level) => format!("目标达成量表（GAS）· 最新 {level:+}"),
            None => "目标达成量表（GAS）· 尚未记录".to_owned(),
        },
        None => String::new(),
    }
}

/// The plan as text for people.
pub(crate) fn print(p: &ServicePlan) {
    println!("服务计划 {}（转介 {}）", p.plan_id, p.referral_id);
    let in_force = if p.in_force_version == 0 {
        "尚无生效版本".to_owned()
    } else {
        format!("生效版本 v{}", p.in_force_version)
    };
    println!(
        "版本 v{}（最新 v{}）· {} · {in_force}",
        p.version,
        p.newest_version,
        state_zh(p.state())
    );
    println!(
        "撰写 {} · {}",
        name(&p.author_name, &p.author_worker_id),
        local(&p.create_time)
    );
    if let Some(submitted) = p.submit_time.as_ref().map(|t| local(&Some(*t))) {
        println!("提交审批 {submitted}");
    }
    if let Some(d) = &p.decision {
        let verdict = if d.approved { "批准" } else { "退回" };
        let note = if d.note.is_empty() {
            String::new()
        } else {
            format!("：{}", d.note)
        };
        println!(
            "审批 {} {verdict} · {}{note}",
            name(&d.supervisor_name, &d.supervisor_worker_id),
            local(&d.decide_time)
        );
    }
    if !p.revision_reason.is_empty() {
        println!("修订原因 {}", p.revision_reason);
    }
    if p.review_date.is_some() {
        println!("复查日期 {}", date(&p.review_date));
    }
    println!();
    println!("目标");
    for (i, g) in p.goals.iter().enumerate() {
        let due = if g.target_date.is_some() {
            format!("（目标日期 {}）", date(&g.target_date))
        } else {
            String::new()
        };
        println!(" {}. {}{due}", i + 1, g.description);
        println!("    衡量：{}", measure(g));
        if let Some(goal::Measure::AttainmentScale(s)) = &g.measure {
            for level in &s.levels {
                println!("      {:+} {}", level.level, level.description);
            }
        }
        for entry in &g.progress {
            let level = entry
                .attainment_level
                .map(|l| format!(" 达成 {l:+}"))
                .unwrap_or_default();
            let occasion = match entry.occasion() {
                ProgressOccasion::Closure => "结案",
                _ => "复查",
            };
            println!(
                "    进展 {} {} {occasion}{level} {}",
                local(&entry.record_time),
                name(&entry.recorded_by_name, &entry.recorded_by_worker_id),
                entry.note
            );
        }
        println!("    目标 id {}", g.goal_id);
    }
    if p.interventions.is_empty() {
        return;
    }
    println!();
    println!("介入");
    let mut table = Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "#",
        "类型",
        "内容",
        "负责社工",
        "截止",
        "状态",
        "服务目标",
        "介入 id",
    ]);
    for (i, x) in p.interventions.iter().enumerate() {
        let goals: Vec<String> = x
            .goal_ids
            .iter()
            .map(|id| {
                p.goals
                    .iter()
                    .position(|g| &g.goal_id == id)
                    .map_or_else(|| id.clone(), |n| format!("目标{}", n + 1))
            })
            .collect();
        let mut state = intervention_state_zh(x.state()).to_owned();
        if !x.cancel_reason.is_empty() {
            state = format!("{state}：{}", x.cancel_reason);
        }
        table.add_row(vec![
            (i + 1).to_string(),
            kind_zh(x.kind()).to_owned(),
            x.description.clone(),
            name(&x.responsible_worker_name, &x.responsible_worker_id),
            date(&x.due_date),
            state,
            goals.join("、"),
            x.intervention_id.clone(),
        ]);
    }
    println!("{table}");
    println!("etag {}", p.etag);
}

/// A person's name, or their id when the server knows no name.
fn name(display: &str, id: &str) -> String {
    if display.is_empty() {
        id.to_owned()
    } else {
        display.to_owned()
    }
}

/// The plan as one JSON document (`--output json`).
pub(crate) fn plan_json(p: &ServicePlan) -> Value {
    json!({
        "id": p.plan_id,
        "referral_id": p.referral_id,
        "version": p.version,
        "newest_version": p.newest_version,
        "in_force_version": p.in_force_version,
        "state": short("PLAN_STATE_", p.state().as_str_name()),
        "etag": p.etag,
        "author": p.author_name,
        "author_worker_id": p.author_worker_id,
        "create_time": time(&p.create_time),
        "submit_time": time(&p.submit_time),
        "decision": p.decision.as_ref().map(|d| json!({
            "approved": d.approved,
            "supervisor": d.supervisor_name,
            "supervisor_worker_id": d.supervisor_worker_id,
            "note": d.note,
            "decide_time": time(&d.decide_time),
        })),
        "revision_reason": p.revision_reason,
        "review_date": date(&p.review_date),
        "goals": p.goals.iter().map(|g| json!({
            "id": g.goal_id,
            "problems": g.problem_ids,
            "description": g.description,
            "measure": measure(g),
            "target_date": date(&g.target_date),
            "progress": g.progress.iter().map(|e| json!({
                "note": e.note,
                "attainment_level": e.attainment_level,
                "occasion": short("PROGRESS_OCCASION_", e.occasion().as_str_name()),
                "recorded_by": e.recorded_by_name,
                "record_time": time(&e.record_time),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "interventions": p.interventions.iter().map(|x| json!({
            "id": x.intervention_id,
            "goals": x.goal_ids,
            "kind": short("INTERVENTION_KIND_", x.kind().as_str_name()),
            "description": x.description,
            "responsible": x.responsible_worker_name,
            "responsible_worker_id": x.responsible_worker_id,
            "due": date(&x.due_date),
            "state": short("INTERVENTION_STATE_", x.state().as_str_name()),
            "cancel_reason": x.cancel_reason,
        })).collect::<Vec<_>>(),
    })
}
