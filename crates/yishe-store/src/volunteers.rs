//! The station's volunteer teams and volunteers.

use async_trait::async_trait;
use yishe_domain::directory::{Volunteer, VolunteerTeam};
use yishe_domain::{StationId, VolunteerId, VolunteerTeamId};

use crate::Result;

#[async_trait]
pub trait VolunteerRepo {
    async fn insert_team(&mut self, team: &VolunteerTeam) -> Result<()>;
    async fn get_team(&mut self, id: VolunteerTeamId) -> Result<Option<VolunteerTeam>>;
    /// The station's teams, by name.
    async fn list_teams(&mut self, station: &StationId) -> Result<Vec<VolunteerTeam>>;

    async fn insert_volunteer(&mut self, volunteer: &Volunteer) -> Result<()>;
    async fn get_volunteer(&mut self, id: VolunteerId) -> Result<Option<Volunteer>>;
    /// Writes a changed volunteer read at `volunteer.version`, moving the version;
    /// `Error::Stale` when it changed meanwhile.
    async fn save_volunteer(&mut self, volunteer: &mut Volunteer) -> Result<()>;
    /// The station's volunteers (of one team, when set), by name.
    async fn list_volunteers(
        &mut self,
        station: &StationId,
        team: Option<VolunteerTeamId>,
        include_inactive: bool,
    ) -> Result<Vec<Volunteer>>;
}
