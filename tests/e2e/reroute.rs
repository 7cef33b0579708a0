//! An HIS speaks its own department codes, and sends a declined referral again (to
//! another station), linked to the one declined.

use crate::support::{
    Station, TestApp, bad_fields, create_referral, e2e, error_metadata, referral_of, refusal,
    send_referral,
};
use yishe_proto::referral::*;

fn by_code(station: &Station, request_id: &str, code: &str) -> CreateReferralRequest {
    let mut request = station.referral_request("", request_id);
    request.referral.as_mut().unwrap().department_code = code.into();
    request
}

async fn an_his_names_its_department_by_its_own_code(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let created = send_referral(&mut his, by_code(&station, "c1", "onc")).await;
    assert_eq!(created.department_id, station.department);

    let unknown = his.create_referral(by_code(&station, "c2", "nope")).await;
    assert_eq!(
        refusal(&unknown),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
    assert_eq!(
        bad_fields(&unknown.unwrap_err()),
        ["referral.department_code"]
    );

    // The other department's code: a department this key may not refer from.
    let theirs = his.create_referral(by_code(&station, "c3", "ped")).await;
    assert_eq!(
        refusal(&theirs),
        (
            tonic::Code::PermissionDenied,
            "DEPARTMENT_NOT_ALLOWED".into()
        )
    );

    // Both given, naming different departments.
    let mut both = by_code(&station, "c4", "onc");
    both.referral.as_mut().unwrap().department_id = station.other_department.clone();
    let both = his.create_referral(both).await;
    assert_eq!(bad_fields(&both.unwrap_err()), ["referral.department_code"]);
}

async fn a_declined_referral_is_sent_again_linked_to_it(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let mut first = station.referral_request(&station.department, "r1");
    first.referral.as_mut().unwrap().placer_order_id = "SQ-9".into();
    let first = send_referral(&mut his, first).await;
    let again_of = |request_id: &str, previous: &str| {
        let mut request = station.referral_request(&station.department, request_id);
        let referral = request.referral.as_mut().unwrap();
        referral.placer_order_id = "SQ-9".into();
        referral.previous_referral_id = previous.into();
        request
    };

    // Still waiting: not yet declined.
    let early = his.create_referral(again_of("r2", &first.id)).await;
    assert_eq!(
        refusal(&early),
        (
            tonic::Code::FailedPrecondition,
            "PREVIOUS_REFERRAL_NOT_REJECTED".into()
        )
    );
    assert_eq!(
        error_metadata(&early, "status").as_deref(),
        Some("REQUESTED")
    );

    supervisor
        .reject_referral(RejectReferralRequest {
            referral_id: first.id.clone(),
            etag: first.etag.clone(),
            reason: RejectionReason::NoCapacity as i32,
            note: "本站本周已满，请转至区社工站".into(),
        })
        .await
        .unwrap();
    let again = send_referral(&mut his, again_of("r3", &first.id)).await;
    assert_eq!(again.previous_referral_id, first.id);
    assert_eq!(again.placer_order_id, "SQ-9", "the order number goes along");
    let read = referral_of(&mut his, &again.id).await;
    assert_eq!(read.previous_referral_id, first.id);

    // Another patient's declined referral, one that does not exist, one of another
    // department: refused, the last as if it did not exist.
    let mut other_patient = again_of("r4", &first.id);
    other_patient
        .referral
        .as_mut()
        .unwrap()
        .patient
        .as_mut()
        .unwrap()
        .his_patient_id = "MRN-OTHER".into();
    other_patient.referral.as_mut().unwrap().placer_order_id = "SQ-10".into();
    let other_patient = his.create_referral(other_patient).await;
    assert_eq!(
        bad_fields(&other_patient.unwrap_err()),
        ["referral.previous_referral_id"]
    );
    let missing = his
        .create_referral(again_of("r5", "01a24c0f-fb94-729d-abc6-578b981dccdb"))
        .await;
    assert_eq!(
        refusal(&missing),
        (tonic::Code::NotFound, "PREVIOUS_REFERRAL_NOT_FOUND".into())
    );
    let theirs = create_referral(&app, &station, "unused").await;
    let mut from_other = station.referral_request(&station.other_department, "o1");
    from_other.referral.as_mut().unwrap().previous_referral_id = theirs.id;
    let from_other = app
        .referrals(Some(&station.other_his_key))
        .create_referral(from_other)
        .await;
    assert_eq!(
        refusal(&from_other),
        (tonic::Code::NotFound, "PREVIOUS_REFERRAL_NOT_FOUND".into())
    );
}

e2e!(
    an_his_names_its_department_by_its_own_code,
    a_declined_referral_is_sent_again_linked_to_it,
);
