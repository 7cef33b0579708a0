//! `yishe patient …`: a patient's access, correction and erasure requests (station
//! admin key).

use serde_json::json;
use yishe_proto::privacy::*;
use yishe_proto::referral::Patient;

use crate::args::PatientCommand;
use crate::assessment::{assessment_json, flag_json};
use crate::client::Connection;
use crate::failure::Failure;
use crate::output::{self, referral_json, time};

pub(crate) async fn run(command: PatientCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.patient_rights();
    match command {
        PatientCommand::Export {
            hospital,
            patient,
            reason,
        } => {
            let data = client
                .export_patient_data(ExportPatientDataRequest {
                    hospital_id: hospital,
                    his_patient_id: patient,
                    reason,
                })
                .await?
                .into_inner();
            // One JSON document, whatever the output format: it is the patient's copy.
            let document = json!({
                "export_time": time(&data.export_time),
                "referrals": data.referrals.iter().map(referral_json).collect::<Vec<_>>(),
                "assessments": data.assessments.iter().map(assessment_json).collect::<Vec<_>>(),
                "risk_flags": data.risk_flags.iter().map(flag_json).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&document).expect("json"));
        }
        PatientCommand::Correct {
            referral_id,
            etag,
            reason,
            name,
            phone,
            ward,
            bed,
        } => {
            let mut patient = Patient::default();
            let mut paths = Vec::new();
            for (path, value, field) in [
                ("name", name, &mut patient.name),
                ("phone", phone, &mut patient.phone),
                ("ward", ward, &mut patient.ward),
                ("bed", bed, &mut patient.bed),
            ] {
                if let Some(value) = value {
                    *field = value;
                    paths.push(path.to_owned());
                }
            }
            let corrected = client
                .correct_patient_data(CorrectPatientDataRequest {
                    referral_id,
                    etag,
                    patient: Some(patient),
                    update_mask: Some(prost_types::FieldMask { paths }),
                    reason,
                })
                .await?
                .into_inner();
            output::referral(c.output, &corrected.referral.unwrap_or_default());
        }
        PatientCommand::Erase {
            hospital,
            patient,
            reason,
        } => {
            let erased = client
                .erase_patient_data(ErasePatientDataRequest {
                    hospital_id: hospital,
                    his_patient_id: patient,
                    reason,
                })
                .await?
                .into_inner();
            for id in erased.erased_referral_ids {
                println!("{id}");
            }
        }
    }
    Ok(())
}
