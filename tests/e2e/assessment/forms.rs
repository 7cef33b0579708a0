//! The forms a worker fills in: every instrument, its items and skip logic, the
//! station's cut-off and licensed wording; and nobody else gets them.

use yishe_proto::assessment::*;
use yishe_proto::common;

use super::{form, submission};
use crate::support::{Station, TestApp, e2e, refusal};

async fn a_worker_gets_the_forms_and_an_his_does_not(app: TestApp, station: Station) {
    let mut worker = app.assessments(Some(&station.worker_key));
    let all = worker
        .list_instruments(ListInstrumentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .instruments;
    let ids: Vec<_> = all.iter().map(|i| i.instrument_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "phq9",
            "gad7",
            "distress_thermometer",
            "zarit22",
            "zarit12",
            "ssrs",
            "barthel",
            "cssrs_screener"
        ]
    );

    let phq9 = form(&mut worker, "phq9", 0).await;
    let items: Vec<_> = phq9.sections.iter().flat_map(|s| &s.items).collect();
    assert_eq!(items.len(), 9);
    assert_eq!(items[8].item_id, "item9");
    assert_eq!(
        items[8].options.iter().map(|o| o.value).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );

    let cssrs = form(&mut worker, "cssrs_screener", 1).await;
    let q4 = cssrs.sections[0]
        .items
        .iter()
        .find(|i| i.item_id == "q4_intent")
        .unwrap();
    assert_eq!(
        q4.shown_if,
        Some(SkipRule {
            item_id: "q2_thoughts".into(),
            value: 1
        })
    );

    for (id, version) in [("phq10", 0), ("phq9", 2)] {
        let missing = worker
            .get_instrument(GetInstrumentRequest {
                instrument_id: id.into(),
                version,
            })
            .await;
        assert_eq!(
            refusal(&missing),
            (tonic::Code::NotFound, "INSTRUMENT_NOT_FOUND".into()),
            "{id} v{version}"
        );
    }
    let denied = app
        .assessments(Some(&station.his_key))
        .list_instruments(ListInstrumentsRequest {})
        .await;
    assert_eq!(
        refusal(&denied),
        (tonic::Code::PermissionDenied, "ROLE_NOT_ALLOWED".into())
    );
}

/// The station's cut-off and licensed wording, from the configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_station_sets_the_distress_threshold_and_the_wording() {
    let wording = tempfile::tempdir().unwrap();
    std::fs::write(
        wording.path().join("distress_thermometer.toml"),
        r#"
instrument = "distress_thermometer"
version = 1
source = "NCCN Distress Thermometer, Chinese version, used with permission"
title = "心理痛苦温度计"
[items.rating]
prompt = "过去一周您的痛苦程度"
"#,
    )
    .unwrap();
    let dir = wording.path().to_path_buf();
    let app = TestApp::spawn_with(crate::support::Engine::Sqlite, move |config| {
        config.assessment.distress_threshold = 6;
        config.assessment.wording_dir = dir;
    })
    .await
    .unwrap();
    let station = Station::seed(&app).await;
    let mut worker = app.assessments(Some(&station.worker_key));
    let form = form(&mut worker, "distress_thermometer", 0).await;
    assert_eq!(form.title, "心理痛苦温度计");
    assert_eq!(form.sections[0].items[0].prompt, "过去一周您的痛苦程度");
    assert_eq!(form.sections[0].items[0].item_id, "rating");
    assert!(form.wording_source.starts_with("NCCN"));

    let referral = station
        .assigned_referral(&app, "dt-1", common::Priority::Routine)
        .await;
    let rating = |value: i32, request_id: &str| {
        submission(
            &referral,
            request_id,
            vec![InstrumentResponse {
                instrument_id: "distress_thermometer".into(),
                version: 1,
                answers: [("rating".to_string(), value)].into(),
                ..Default::default()
            }],
        )
    };
    let five = worker
        .submit_assessment(rating(5, "dt-5"))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert!(
        five.risks.is_empty(),
        "5 is below this station's threshold of 6"
    );
    assert_eq!(five.responses[0].band, "low distress");
    let six = worker
        .submit_assessment(rating(6, "dt-6"))
        .await
        .unwrap()
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(six.risks, vec![RiskKind::HighDistress as i32]);
}

e2e!(a_worker_gets_the_forms_and_an_his_does_not);
