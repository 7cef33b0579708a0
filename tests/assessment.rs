//! The instruments as a social worker's client sees them.

use yishe_e2e::{Station, TestApp, e2e};
use yishe_proto::assessment::assessment_service_client::AssessmentServiceClient;
use yishe_proto::assessment::*;
use yishe_proto::client::Bearer;

async fn a_worker_gets_the_forms_and_an_his_does_not(app: TestApp, station: Station) {
    let client = |key: &str| {
        AssessmentServiceClient::with_interceptor(
            app.channel.clone(),
            Bearer::new(Some(key)).unwrap(),
        )
    };
    let mut worker = client(&station.worker_key);
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

    let phq9 = worker
        .get_instrument(GetInstrumentRequest {
            instrument_id: "phq9".into(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner()
        .instrument
        .unwrap();
    let items: Vec<_> = phq9.sections.iter().flat_map(|s| &s.items).collect();
    assert_eq!(items.len(), 9);
    assert_eq!(items[8].item_id, "item9");
    assert_eq!(
        items[8].options.iter().map(|o| o.value).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );

    let cssrs = worker
        .get_instrument(GetInstrumentRequest {
            instrument_id: "cssrs_screener".into(),
            version: 1,
        })
        .await
        .unwrap()
        .into_inner()
        .instrument
        .unwrap();
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
            missing.unwrap_err().code(),
            tonic::Code::NotFound,
            "{id} v{version}"
        );
    }
    let denied = client(&station.his_key)
        .list_instruments(ListInstrumentsRequest {})
        .await;
    assert_eq!(denied.unwrap_err().code(), tonic::Code::PermissionDenied);
}

e2e!(a_worker_gets_the_forms_and_an_his_does_not);
