//! A patient's rights over what the station holds (PIPL arts. 44 to 47), exercised by
//! the station admin: an export of everything, a correction, and erasure once every
//! case is closed; each audited with the patient's request.

use crate::support::{
    Station, TestApp, accept, audit_of, bad_fields, create_referral, e2e, error_metadata,
    read_referral, refusal, send_referral, withdrawal,
};
use yishe_proto::assessment::{InstrumentResponse, SubmitAssessmentRequest};
use yishe_proto::privacy::*;
use yishe_proto::referral::{Patient, Referral};

const REASON: &str = "written request of 2026-12-06, ref PR-17";

fn export_of(patient: &str) -> ExportPatientDataRequest {
    ExportPatientDataRequest {
        hospital_id: "h1".into(),
        his_patient_id: patient.into(),
        reason: REASON.into(),
    }
}

fn erase_of(patient: &str) -> ErasePatientDataRequest {
    ErasePatientDataRequest {
        hospital_id: "h1".into(),
        his_patient_id: patient.into(),
        reason: REASON.into(),
    }
}

async fn referral_of_another_patient(app: &TestApp, station: &Station) -> Referral {
    let mut request = station.referral_request(&station.department, "other-patient");
    let patient = request.referral.as_mut().unwrap().patient.as_mut().unwrap();
    patient.his_patient_id = "MRN-999".into();
    patient.name = "李四".into();
    send_referral(&mut app.referrals(Some(&station.his_key)), request).await
}

async fn a_patient_sees_corrects_and_erases_what_is_held(app: TestApp, station: Station) {
    let mut rights = app.patient_rights(Some(&station.admin_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let first = create_referral(&app, &station, "p1").await;
    let second = create_referral(&app, &station, "p2").await;
    let stranger = referral_of_another_patient(&app, &station).await;
    let accepted = accept(&mut supervisor, &first).await;
    app.assessments(Some(&station.supervisor_key))
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: accepted.id.clone(),
            request_id: "a1".into(),
            responses: vec![InstrumentResponse {
                instrument_id: "phq9".into(),
                version: 1,
                answers: (1..=9).map(|i| (format!("item{i}"), 1)).collect(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();

    // Access: this patient's two referrals with the assessment, nobody else's.
    let short = rights
        .export_patient_data(ExportPatientDataRequest {
            reason: "x".into(),
            ..export_of("MRN-000123")
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&short), ["reason"]);
    let export = rights
        .export_patient_data(export_of("MRN-000123"))
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<&str> = export.referrals.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [first.id.as_str(), second.id.as_str()]);
    assert!(!ids.contains(&stranger.id.as_str()));
    assert_eq!(export.assessments.len(), 1);
    assert_eq!(export.referrals[0].patient.as_ref().unwrap().name, "陈建国");
    let nobody = rights.export_patient_data(export_of("MRN-404")).await;
    assert_eq!(
        refusal(&nobody),
        (tonic::Code::NotFound, "PATIENT_NOT_FOUND".into())
    );

    // The export is audited against both referrals, with the request as its purpose.
    let audit = audit_of(&app, &station, &second.id, "patient.export").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].purpose, REASON);
    assert_eq!(audit[0].resource_ids, [first.id.clone(), second.id.clone()]);

    // Correction: the name on the second referral, checked as at intake.
    let current = &export.referrals[1];
    let correct = |etag: &str, patient: Patient, paths: &[&str]| CorrectPatientDataRequest {
        referral_id: current.id.clone(),
        etag: etag.into(),
        patient: Some(patient),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        }),
        reason: REASON.into(),
    };
    let bad = rights
        .correct_patient_data(correct(
            &current.etag,
            Patient {
                phone: "call me maybe".into(),
                ..Default::default()
            },
            &["phone"],
        ))
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&bad), ["patient.phone"]);
    let corrected = rights
        .correct_patient_data(correct(
            &current.etag,
            Patient {
                name: "陈建国（更正）".into(),
                ..Default::default()
            },
            &["name"],
        ))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let patient = corrected.patient.unwrap();
    assert_eq!(patient.name, "陈建国（更正）");
    assert_eq!(
        patient.ward,
        current.patient.as_ref().unwrap().ward,
        "unmasked fields stay"
    );
    let stale = rights
        .correct_patient_data(correct(&current.etag, Patient::default(), &["bed"]))
        .await;
    assert_eq!(refusal(&stale), (tonic::Code::Aborted, "STALE_ETAG".into()));

    // Erasure waits for every case to close.
    let open = rights.erase_patient_data(erase_of("MRN-000123")).await;
    assert_eq!(
        refusal(&open),
        (
            tonic::Code::FailedPrecondition,
            "PATIENT_HAS_OPEN_REFERRALS".into()
        )
    );
    let named = error_metadata(&open, "referral_ids").unwrap();
    assert!(
        named.contains(&first.id) && named.contains(&second.id),
        "{named}"
    );
    let mut his = app.referrals(Some(&station.his_key));
    for referral in [&first, &second] {
        let now = read_referral(&app, &station.his_key, &referral.id).await;
        his.cancel_referral(withdrawal(&now, "the patient asked to be forgotten"))
            .await
            .unwrap();
    }
    let erased = rights
        .erase_patient_data(erase_of("MRN-000123"))
        .await
        .unwrap()
        .into_inner()
        .erased_referral_ids;
    assert_eq!(erased, [first.id.clone(), second.id.clone()]);

    // Nothing is left to export or to correct; the referrals stay, emptied, and the
    // assessment is gone.
    let assessment = app
        .assessments(Some(&station.supervisor_key))
        .get_assessment(yishe_proto::assessment::GetAssessmentRequest {
            assessment_id: export.assessments[0].assessment_id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(refusal(&assessment).0, tonic::Code::NotFound);
    let gone = rights.export_patient_data(export_of("MRN-000123")).await;
    assert_eq!(
        refusal(&gone),
        (tonic::Code::NotFound, "PATIENT_NOT_FOUND".into())
    );
    let read = read_referral(&app, &station.his_key, &first.id).await;
    let patient = read.patient.clone().unwrap_or_default();
    assert_eq!(
        (patient.name.as_str(), patient.his_patient_id.as_str()),
        ("", "")
    );
    let again = rights
        .correct_patient_data(CorrectPatientDataRequest {
            referral_id: read.id.clone(),
            etag: read.etag.clone(),
            patient: Some(Patient {
                name: "x".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["name".into()],
            }),
            reason: REASON.into(),
        })
        .await;
    assert_eq!(
        refusal(&again),
        (
            tonic::Code::FailedPrecondition,
            "PATIENT_DATA_ERASED".into()
        )
    );
    // The other patient is untouched.
    let other = rights
        .export_patient_data(export_of("MRN-999"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(other.referrals.len(), 1);
}

e2e!(a_patient_sees_corrects_and_erases_what_is_held);
