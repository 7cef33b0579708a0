//! The stations: any caller but ops and auditors reads them (a department picks where
//! to send a referral); a station admin changes their own.

use yishe_domain::directory::{DirectoryCursor, Station, UpdateStation, page_of};
use yishe_domain::{AuditAction, Outcome, Page, PageRequest, StationId};
use yishe_runtime::auth::RequestContext;

use crate::error::{Error, Refusal, Result};
use crate::service::DirectoryService;

impl DirectoryService {
    pub(crate) async fn get_station(&self, id: &StationId) -> Result<Station> {
        let mut tx = self.store().begin().await?;
        Ok(tx.get_station(id).await?.ok_or(Refusal::StationNotFound)?)
    }

    pub(crate) async fn list_stations(
        &self,
        page: PageRequest<DirectoryCursor>,
    ) -> Result<Page<Station, DirectoryCursor>> {
        let mut tx = self.store().begin().await?;
        let stations = tx.list_stations().await?;
        Ok(page_of(stations, |s| s.id.as_str().to_owned(), page))
    }

    /// A station admin renames their station or says which reasons it takes; another
    /// station is NOT_FOUND to them, as if it were not there to change.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn update_station(
        &self,
        ctx: &RequestContext,
        request: UpdateStation,
    ) -> Result<Station> {
        let change = request.draft.change(request.mask).map_err(Error::Invalid)?;
        if ctx.caller.station.as_ref() != Some(&request.id) {
            return Err(Refusal::StationNotFound.into());
        }
        let mut tx = self.store().begin().await?;
        let mut station = tx
            .get_station(&request.id)
            .await?
            .ok_or(Refusal::StationNotFound)?;
        request.etag.check(station.version, "station")?;
        station.apply(change, ctx.now());
        tx.save_station(&mut station).await?;
        tx.append_audit(&ctx.audit(AuditAction::StationUpdate, &station.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        Ok(station)
    }
}
