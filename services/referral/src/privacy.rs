//! The patient's rights (PIPL arts. 44 to 47), for the station admin acting on a
//! patient's written request: everything the station holds about them, a correction
//! of their details, and erasure once their cases are closed. Each act is audited,
//! with the request as its purpose, against every referral it touched.

use yishe_domain::assessment::{Assessment, RiskFlag};
use yishe_domain::referral::{CorrectionError, ListFilter, ListOrder, ListScope, Referral};
use yishe_domain::{AuditAction, Outcome, PageRequest, ReferralId, StationId};
use yishe_proto::convert::privacy::{CorrectPatient, PatientRequest};
use yishe_runtime::auth::RequestContext;
use yishe_store::{RiskFlagScope, Store, Tx};

use crate::error::{Error, Refusal, Result};

/// The most referrals one patient request covers: far more than one patient has.
const MAX_REFERRALS: usize = 1000;
/// Items per read while gathering.
const BATCH: u32 = 100;

/// What the station holds about one patient.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatientData {
    pub(crate) referrals: Vec<Referral>,
    pub(crate) assessments: Vec<Assessment>,
    pub(crate) risk_flags: Vec<RiskFlag>,
}

#[derive(Debug, Clone)]
pub(crate) struct PatientRights {
    store: Store,
}

/// The station a station admin acts for.
fn station_of(ctx: &RequestContext) -> Result<StationId> {
    ctx.caller.own_station().map_err(Error::Invalid)
}

impl PatientRights {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    /// The station's referrals of the patient whose details are still held, oldest
    /// first; `PATIENT_NOT_FOUND` when there are none.
    async fn referrals_of(
        &self,
        station: &StationId,
        patient: &PatientRequest,
    ) -> Result<Vec<Referral>> {
        let filter = ListFilter {
            his_patient_id: Some(patient.his_patient_id.clone()),
            ..ListFilter::default()
        };
        let scope = ListScope::Station(station.clone());
        let mut found = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_committed_referrals(
                    &scope,
                    &filter,
                    PageRequest {
                        limit: BATCH,
                        after,
                    },
                    ListOrder::OldestFirst,
                )
                .await?;
            found.extend(
                page.items
                    .into_iter()
                    .filter(|r| r.hospital == patient.hospital),
            );
            match page.next_after {
                Some(next) if found.len() < MAX_REFERRALS => after = Some(next),
                _ => break,
            }
        }
        if found.is_empty() {
            return Err(Refusal::PatientNotFound.into());
        }
        Ok(found)
    }

    /// Everything the caller's station holds about the patient.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn export(
        &self,
        ctx: &RequestContext,
        patient: PatientRequest,
    ) -> Result<PatientData> {
        let station = station_of(ctx)?;
        let referrals = match self.referrals_of(&station, &patient).await {
            Ok(referrals) => referrals,
            Err(error) => {
                ctx.audit_refusal(&self.store, AuditAction::PatientExport, "", &error)
                    .await;
                return Err(error);
            }
        };
        let mut tx = self.store.begin().await?;
        let mut data = PatientData::default();
        for referral in &referrals {
            data.assessments
                .extend(every_version(&mut *tx, referral.id).await?);
            data.risk_flags
                .extend(flags_of(&mut *tx, &station, referral.id).await?);
        }
        tx.append_audit(&audit_about(
            ctx,
            AuditAction::PatientExport,
            &referrals,
            &patient.reason,
        ))
        .await?;
        tx.commit().await?;
        data.referrals = referrals;
        Ok(data)
    }

    /// Corrects the patient's details on one of the station's referrals.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.referral))]
    pub(crate) async fn correct(
        &self,
        ctx: &RequestContext,
        request: CorrectPatient,
    ) -> Result<Referral> {
        let station = station_of(ctx)?;
        let CorrectPatient {
            referral: id,
            etag,
            correction,
            reason,
        } = request;
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut referral = tx
                .get_referral(id)
                .await?
                .filter(|r| r.station == station)
                .ok_or(Refusal::NotFound)?;
            etag.check(referral.version, "referral")?;
            let event = referral
                .correct(correction, ctx.now())
                .map_err(|e| match e {
                    CorrectionError::Erased => Error::Refused(Refusal::PatientDataErased),
                    CorrectionError::Invalid(v) => Error::Invalid(v),
                })?;
            tx.save_referral(&mut referral, &[event]).await?;
            let entry = ctx.audit(AuditAction::PatientCorrect, id, Outcome::Ok);
            tx.append_audit(&entry.with_purpose(reason)).await?;
            tx.commit().await?;
            Ok(referral)
        }
        .await;
        if let Err(error) = &result {
            ctx.audit_refusal(&self.store, AuditAction::PatientCorrect, id, error)
                .await;
        }
        result
    }

    /// Erases the patient's data on every one of the station's referrals of them,
    /// all of which must be closed.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn erase(
        &self,
        ctx: &RequestContext,
        patient: PatientRequest,
    ) -> Result<Vec<ReferralId>> {
        let station = station_of(ctx)?;
        let result = async {
            let referrals = self.referrals_of(&station, &patient).await?;
            let open: Vec<ReferralId> = referrals
                .iter()
                .filter(|r| !r.status.is_terminal())
                .map(|r| r.id)
                .collect();
            if !open.is_empty() {
                return Err(Refusal::PatientHasOpenReferrals(open).into());
            }
            let now = ctx.now();
            let mut tx = self.store.begin().await?;
            for referral in &referrals {
                yishe_store::forget_referral(&mut *tx, referral.id, now).await?;
            }
            tx.append_audit(&audit_about(
                ctx,
                AuditAction::PatientErase,
                &referrals,
                &patient.reason,
            ))
            .await?;
            tx.commit().await?;
            tracing::info!(
                referrals = referrals.len(),
                "patient data erased on request"
            );
            Ok(referrals.iter().map(|r| r.id).collect())
        }
        .await;
        if let Err(error) = &result {
            ctx.audit_refusal(&self.store, AuditAction::PatientErase, "", error)
                .await;
        }
        result
    }
}

/// One audit row for an act on a patient, naming each referral it touched, with the
/// patient's request as its purpose.
fn audit_about(
    ctx: &RequestContext,
    action: AuditAction,
    referrals: &[Referral],
    reason: &str,
) -> yishe_store::AuditEntry {
    ctx.audit(action, "", Outcome::Ok)
        .about_each(referrals.iter().map(|r| r.id.to_string()).collect())
        .with_purpose(reason)
}

/// Every version of every assessment of a referral, oldest version first.
async fn every_version(tx: &mut dyn Tx, referral: ReferralId) -> Result<Vec<Assessment>> {
    let mut versions = Vec::new();
    let mut after = None;
    loop {
        let page = tx
            .list_assessments(
                referral,
                PageRequest {
                    limit: BATCH,
                    after,
                },
            )
            .await?;
        for current in &page.items {
            for version in 1..current.version {
                versions.extend(tx.get_assessment(current.id, Some(version)).await?);
            }
        }
        versions.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => return Ok(versions),
        }
    }
}

/// The risk flags raised on a referral.
async fn flags_of(
    tx: &mut dyn Tx,
    station: &StationId,
    referral: ReferralId,
) -> Result<Vec<RiskFlag>> {
    let scope = RiskFlagScope::Station(station.clone());
    let mut flags = Vec::new();
    let mut after = None;
    loop {
        let page = tx
            .list_risk_flags(
                &scope,
                Some(referral),
                false,
                PageRequest {
                    limit: BATCH,
                    after,
                },
            )
            .await?;
        flags.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => return Ok(flags),
        }
    }
}
