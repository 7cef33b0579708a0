//! Instrument versions: the C-SSRS screener as published (lifetime behaviour with its
//! three-month follow-up, and a "none" level) and the SSRS with its sources of support
//! named, served as the newest forms; version 1 of each still answered, read and
//! compared as recorded, unless the station retired it.

use tonic::Code;
use yishe_proto::assessment::*;
use yishe_proto::common;

use super::{form, get_referral, open_flags, submission, submit};
use crate::support::{Engine, Station, TestApp, bad_fields, e2e};

fn response(instrument: &str, version: u32, pairs: &[(&str, i32)]) -> InstrumentResponse {
    InstrumentResponse {
        instrument_id: instrument.into(),
        version,
        answers: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    }
}

/// The screener answered on a routine referral of its own: the scored response, and
/// the referral's priority after it.
async fn screen(
    app: &TestApp,
    station: &Station,
    case: &str,
    version: u32,
    answers: &[(&str, i32)],
) -> (InstrumentResponse, common::Priority, String) {
    let referral = station
        .assigned_referral(app, case, common::Priority::Routine)
        .await;
    let request = submission(
        &referral,
        &format!("{case}-a"),
        vec![response("cssrs_screener", version, answers)],
    );
    let recorded = submit(app, &station.worker_key, request).await;
    let now = get_referral(app, &station.worker_key, &referral.id).await;
    (
        recorded.responses[0].clone(),
        common::Priority::try_from(now.priority).unwrap(),
        referral.id,
    )
}

async fn the_published_screener_triages_none_moderate_and_high(app: TestApp, station: Station) {
    let no = [("q1_wish_dead", 0), ("q2_thoughts", 0)];
    let (none, priority, _) = screen(
        &app,
        &station,
        "cssrs-none",
        2,
        &[no[0], no[1], ("q6_behaviour_lifetime", 0)],
    )
    .await;
    assert_eq!((none.band.as_str(), none.risks.len()), ("none", 0));
    assert_eq!(priority, common::Priority::Routine);

    // An attempt years ago: moderate, no flag, the referral as it was.
    let (past, priority, past_referral) = screen(
        &app,
        &station,
        "cssrs-past",
        2,
        &[
            no[0],
            no[1],
            ("q6_behaviour_lifetime", 1),
            ("q6a_within_three_months", 0),
        ],
    )
    .await;
    assert_eq!((past.band.as_str(), past.risks.len()), ("moderate", 0));
    assert_eq!(priority, common::Priority::Routine);

    // Within the past three months: high, the flag raised and the referral escalated.
    let (recent, priority, recent_referral) = screen(
        &app,
        &station,
        "cssrs-recent",
        2,
        &[
            no[0],
            no[1],
            ("q6_behaviour_lifetime", 1),
            ("q6a_within_three_months", 1),
        ],
    )
    .await;
    assert_eq!(recent.band, "high");
    assert_eq!(recent.risks, vec![RiskKind::HighSuicideRisk as i32]);
    assert_eq!(priority, common::Priority::Urgent);
    let flagged: Vec<String> = open_flags(&app, &station.supervisor_key)
        .await
        .into_iter()
        .map(|f| f.referral_id)
        .collect();
    assert!(flagged.contains(&recent_referral), "{flagged:?}");
    assert!(!flagged.contains(&past_referral), "{flagged:?}");
}

async fn ssrs_sources_are_recorded_by_name_and_counted(app: TestApp, station: Station) {
    let referral = station
        .assigned_referral(&app, "ssrs", common::Priority::Routine)
        .await;
    let mut answers = vec![
        ("item1", 2),
        ("item2", 3),
        ("item3", 4),
        ("item4", 1),
        ("item5a", 2),
        ("item5b", 2),
        ("item5c", 3),
        ("item5d", 1),
        ("item5e", 4),
        ("item6_spouse", 1),
        ("item6_work_unit", 1),
        ("item7_none", 1),
        ("item8", 1),
        ("item9", 2),
        ("item10", 3),
    ];
    let request = submission(&referral, "ssrs-a", vec![response("ssrs", 2, &answers)]);
    let recorded = submit(&app, &station.worker_key, request).await;
    let read = app
        .assessments(Some(&station.worker_key))
        .get_assessment(GetAssessmentRequest {
            assessment_id: recorded.assessment_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    let ssrs = &read.responses[0];
    assert_eq!((ssrs.version, ssrs.total), (2, Some(30)));
    assert_eq!(ssrs.answers.get("item6_spouse"), Some(&1));
    assert_eq!(ssrs.answers.get("item6_work_unit"), Some(&1));
    assert_eq!(ssrs.answers.get("item7_none"), Some(&1));

    // "None" beside a source is refused, naming it; nothing is recorded.
    answers.push(("item7_friends", 1));
    let request = submission(&referral, "ssrs-b", vec![response("ssrs", 2, &answers)]);
    let refused = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(request)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(
        bad_fields(&refused).contains(&"responses[0].answers.item7_none".to_owned()),
        "{:?}",
        bad_fields(&refused)
    );

    // The form says which items are checkboxes of one question, and which is "none".
    let ssrs = form(&mut app.assessments(Some(&station.worker_key)), "ssrs", 0).await;
    assert_eq!(ssrs.version, 2);
    let items: Vec<&InstrumentItem> = ssrs.sections.iter().flat_map(|s| &s.items).collect();
    let group: Vec<&&InstrumentItem> = items.iter().filter(|i| i.choice_group == "item6").collect();
    assert_eq!(group.len(), 10, "none and nine sources");
    assert!(
        group
            .iter()
            .any(|i| i.item_id == "item6_none" && i.exclusive)
    );
    assert_eq!(group.iter().filter(|i| i.exclusive).count(), 1);
}

async fn version_1_still_scores_reads_and_compares(app: TestApp, station: Station) {
    let mut worker = app.assessments(Some(&station.worker_key));
    let served = form(&mut worker, "cssrs_screener", 0).await;
    assert_eq!(served.version, 2, "the newest, without a version");
    let asked_after: Vec<(String, String)> = served
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| {
            i.shown_if
                .as_ref()
                .map(|r| (i.item_id.clone(), r.item_id.clone()))
        })
        .collect();
    assert!(asked_after.contains(&(
        "q6a_within_three_months".to_owned(),
        "q6_behaviour_lifetime".to_owned()
    )));
    let old = form(&mut worker, "cssrs_screener", 1).await;
    assert!(
        old.sections
            .iter()
            .flat_map(|s| &s.items)
            .any(|i| i.item_id == "q6_behaviour")
    );

    let referral = station
        .assigned_referral(&app, "cssrs-versions", common::Priority::Routine)
        .await;
    let v1 = [("q1_wish_dead", 0), ("q2_thoughts", 0), ("q6_behaviour", 0)];
    let first = submit(
        &app,
        &station.worker_key,
        submission(&referral, "v1", vec![response("cssrs_screener", 1, &v1)]),
    )
    .await;
    assert_eq!(
        (first.responses[0].version, first.responses[0].band.as_str()),
        (1, "low"),
        "scored by version 1's rules"
    );
    let v2 = [
        ("q1_wish_dead", 0),
        ("q2_thoughts", 0),
        ("q6_behaviour_lifetime", 0),
    ];
    submit(
        &app,
        &station.worker_key,
        submission(&referral, "v2", vec![response("cssrs_screener", 2, &v2)]),
    )
    .await;
    let comparisons = worker
        .compare_assessments(CompareAssessmentsRequest {
            referral_id: referral.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .comparisons;
    let cssrs = &comparisons[0];
    let latest = cssrs.latest.as_ref().unwrap();
    let earlier = cssrs.earlier[0].earlier.as_ref().unwrap();
    assert_eq!(
        (latest.instrument_version, latest.band.as_str()),
        (2, "none")
    );
    assert_eq!(
        (earlier.instrument_version, earlier.band.as_str()),
        (1, "low")
    );
    assert_eq!(cssrs.earlier[0].trend, Trend::Better as i32);

    // A version Yishe does not have is refused, naming the field and the newest.
    let refused = worker
        .submit_assessment(submission(
            &referral,
            "v3",
            vec![response("cssrs_screener", 3, &v2)],
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), ["responses[0].version"]);
    assert!(
        format!("{refused:?}").contains("the newest is 2"),
        "{refused:?}"
    );
}

/// A station that retired version 1 of the screener refuses new answers to it and
/// says which version to answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_retires_a_version() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(app) = TestApp::spawn_with(engine, |c| {
            c.assessment.retired_instrument_versions = vec!["cssrs_screener@1".into()];
        })
        .await
        else {
            continue;
        };
        let station = Station::seed(&app).await;
        let referral = station
            .assigned_referral(&app, "retired", common::Priority::Routine)
            .await;
        let refused = app
            .assessments(Some(&station.worker_key))
            .submit_assessment(submission(
                &referral,
                "old-form",
                vec![response(
                    "cssrs_screener",
                    1,
                    &[("q1_wish_dead", 0), ("q2_thoughts", 0), ("q6_behaviour", 0)],
                )],
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument);
        assert_eq!(bad_fields(&refused), ["responses[0].version"]);
        assert!(format!("{refused:?}").contains("retired"), "{refused:?}");
    }
}

e2e!(
    the_published_screener_triages_none_moderate_and_high,
    ssrs_sources_are_recorded_by_name_and_counted,
    version_1_still_scores_reads_and_compares
);
