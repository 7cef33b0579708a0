//! Patient-rights messages.

use yishe_domain::referral::{PatientCorrection, PatientMask, rights_reason};
use yishe_domain::{Etag, HospitalId, ReferralId, Violations};

use super::parse;
use super::referral::{patient_draft, referral_id};
use crate::privacy as wire;

/// One patient of a hospital, and the request that asks about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRequest {
    pub hospital: HospitalId,
    pub his_patient_id: String,
    pub reason: String,
}

/// A correction of one referral's patient, read at `etag`.
#[derive(Debug, Clone)]
pub struct CorrectPatient {
    pub referral: ReferralId,
    pub etag: Etag,
    pub correction: PatientCorrection,
    pub reason: String,
}

fn patient_request(
    hospital_id: &str,
    his_patient_id: &str,
    reason: &str,
) -> Result<PatientRequest, Violations> {
    let mut v = Violations::new();
    let hospital = HospitalId::parse(hospital_id);
    if hospital.is_none() {
        v.add(
            "hospital_id",
            "is required: 1 to 64 letters, digits, '-', '_' or '.'",
        );
    }
    let his_patient_id = v.required_text("his_patient_id", his_patient_id, 64);
    let reason = rights_reason(reason).map_err(|bad| parse::merge(&mut v, bad));
    match (hospital, reason) {
        (Some(hospital), Ok(reason)) if v.is_empty() => Ok(PatientRequest {
            hospital,
            his_patient_id,
            reason,
        }),
        _ => Err(v),
    }
}

pub fn export_request(r: wire::ExportPatientDataRequest) -> Result<PatientRequest, Violations> {
    patient_request(&r.hospital_id, &r.his_patient_id, &r.reason)
}

pub fn erase_request(r: wire::ErasePatientDataRequest) -> Result<PatientRequest, Violations> {
    patient_request(&r.hospital_id, &r.his_patient_id, &r.reason)
}

pub fn correct_request(r: wire::CorrectPatientDataRequest) -> Result<CorrectPatient, Violations> {
    let mut v = Violations::new();
    let referral = referral_id(&r.referral_id, &mut v);
    let etag = parse::etag("etag", &r.etag, &mut v);
    let mask = PatientMask::parse(&r.update_mask.map(|m| m.paths).unwrap_or_default())
        .map_err(|bad| parse::merge(&mut v, bad));
    let reason = rights_reason(&r.reason).map_err(|bad| parse::merge(&mut v, bad));
    let values = patient_draft(r.patient.unwrap_or_default());
    match (referral, etag, mask, reason) {
        (Some(referral), Some(etag), Ok(mask), Ok(reason)) if v.is_empty() => Ok(CorrectPatient {
            referral,
            etag,
            correction: PatientCorrection { mask, values },
            reason,
        }),
        _ => Err(v),
    }
}
