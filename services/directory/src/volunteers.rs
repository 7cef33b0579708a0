//! The station's volunteer teams and volunteers, and linking a supervisor key to its
//! person: administrative changes, each audited in its transaction; creates with a
//! request id replay for a resend.

use yishe_domain::directory::{
    ApiKey, DirectoryCursor, TeamDraft, UpdateVolunteer, Volunteer, VolunteerDraft, VolunteerTeam,
    key_of, page_of,
};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{
    AuditAction, Outcome, Page, PageRequest, SocialWorkerId, StationId, VolunteerId,
    VolunteerTeamId,
};
use yishe_runtime::auth::RequestContext;
use yishe_store::Tx;

use crate::error::{Error, Refusal, Result};
use crate::idempotency::Idempotent;
use crate::service::{DirectoryService, station_of};

/// The team, if it is one of `station`'s.
async fn team_of(
    tx: &mut dyn Tx,
    station: &StationId,
    id: VolunteerTeamId,
) -> Result<VolunteerTeam> {
    Ok(tx
        .get_team(id)
        .await?
        .filter(|t| &t.station == station)
        .ok_or(Refusal::VolunteerTeamNotFound)?)
}

impl DirectoryService {
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create_team(
        &self,
        ctx: &RequestContext,
        draft: TeamDraft,
        request_id: Option<String>,
    ) -> Result<VolunteerTeam> {
        let station = station_of(ctx)?;
        let idempotent = Idempotent::of(&station, request_id, "volunteer_team", &draft);
        let team = draft.validate(station, ctx.now()).map_err(Error::Invalid)?;
        let mut tx = self.store().begin().await?;
        if let Some(idempotent) = &idempotent
            && let Some(id) = idempotent.earlier(&mut *tx).await?
        {
            let id = VolunteerTeamId::from_uuid(id);
            let earlier = tx.get_team(id).await?.ok_or_else(|| {
                yishe_store::Error::Corrupt("a request names a missing volunteer team".into())
            })?;
            tx.append_audit(&ctx.audit(AuditAction::VolunteerTeamCreate, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok(earlier);
        }
        tx.insert_team(&team).await?;
        if let Some(idempotent) = &idempotent {
            idempotent
                .record(&mut *tx, team.id.as_uuid(), ctx.now())
                .await?;
        }
        tx.append_audit(&ctx.audit(AuditAction::VolunteerTeamCreate, team.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(team)
    }

    pub(crate) async fn list_teams(
        &self,
        ctx: &RequestContext,
        page: PageRequest<DirectoryCursor>,
    ) -> Result<Page<VolunteerTeam, DirectoryCursor>> {
        let station = station_of(ctx)?;
        let mut tx = self.store().begin().await?;
        let teams = tx.list_teams(&station).await?;
        Ok(page_of(
            teams,
            |t| key_of(&[&t.display_name, &t.id.to_string()]),
            page,
        ))
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create_volunteer(
        &self,
        ctx: &RequestContext,
        draft: VolunteerDraft,
        request_id: Option<String>,
    ) -> Result<Volunteer> {
        let station = station_of(ctx)?;
        let idempotent = Idempotent::of(&station, request_id, "volunteer", &draft);
        let volunteer = draft
            .validate(station.clone(), ctx.now())
            .map_err(Error::Invalid)?;
        let mut tx = self.store().begin().await?;
        if let Some(idempotent) = &idempotent
            && let Some(id) = idempotent.earlier(&mut *tx).await?
        {
            let id = VolunteerId::from_uuid(id);
            let earlier = tx.get_volunteer(id).await?.ok_or_else(|| {
                yishe_store::Error::Corrupt("a request names a missing volunteer".into())
            })?;
            tx.append_audit(&ctx.audit(AuditAction::VolunteerCreate, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok(earlier);
        }
        team_of(&mut *tx, &station, volunteer.team).await?;
        tx.insert_volunteer(&volunteer).await?;
        if let Some(idempotent) = &idempotent {
            idempotent
                .record(&mut *tx, volunteer.id.as_uuid(), ctx.now())
                .await?;
        }
        tx.append_audit(&ctx.audit(AuditAction::VolunteerCreate, volunteer.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(volunteer)
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn update_volunteer(
        &self,
        ctx: &RequestContext,
        request: UpdateVolunteer,
    ) -> Result<Volunteer> {
        let station = station_of(ctx)?;
        let mut tx = self.store().begin().await?;
        let mut volunteer = tx
            .get_volunteer(request.id)
            .await?
            .filter(|v| v.station == station)
            .ok_or(Refusal::VolunteerNotFound)?;
        request.etag.check(volunteer.version, "volunteer")?;
        if request.mask.team
            && let Some(team) = request.draft.team
        {
            team_of(&mut *tx, &station, team).await?;
        }
        request
            .draft
            .apply(request.mask, &mut volunteer, ctx.now())
            .map_err(Error::Invalid)?;
        tx.save_volunteer(&mut volunteer).await?;
        tx.append_audit(&ctx.audit(AuditAction::VolunteerUpdate, volunteer.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(volunteer)
    }

    pub(crate) async fn list_volunteers(
        &self,
        ctx: &RequestContext,
        team: Option<VolunteerTeamId>,
        include_inactive: bool,
        page: PageRequest<DirectoryCursor>,
    ) -> Result<Page<Volunteer, DirectoryCursor>> {
        let station = station_of(ctx)?;
        let mut tx = self.store().begin().await?;
        let volunteers = tx.list_volunteers(&station, team, include_inactive).await?;
        Ok(page_of(
            volunteers,
            |v| key_of(&[&v.display_name, &v.id.to_string()]),
            page,
        ))
    }

    /// Links a supervisor key made without a worker to the supervisor's worker record
    /// of the caller's station.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn link_api_key(
        &self,
        ctx: &RequestContext,
        id: ApiKeyId,
        worker: SocialWorkerId,
    ) -> Result<ApiKey> {
        let station = station_of(ctx)?;
        let mut tx = self.store().begin().await?;
        let key = tx
            .get_api_key(id)
            .await?
            .filter(|k| k.station.as_ref() == Some(&station))
            .ok_or(Refusal::ApiKeyNotFound)?;
        tx.get_worker(worker)
            .await?
            .filter(|w| w.station == station && w.active)
            .ok_or(Refusal::SocialWorkerNotFound)?;
        if !tx.link_api_key(id, worker).await? {
            return Err(Refusal::KeyNotLinkable.into());
        }
        tx.append_audit(&ctx.audit(AuditAction::ApiKeyLink, id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        tracing::info!(key_id = %id, "supervisor key linked to its social worker");
        Ok(ApiKey {
            worker: Some(worker),
            ..key
        })
    }
}
