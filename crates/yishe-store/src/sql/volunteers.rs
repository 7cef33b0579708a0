//! `VolunteerRepo` in SQL.

macro_rules! impl_volunteer_repo {
    ($tx:ident) => {
        #[::async_trait::async_trait]
        impl crate::VolunteerRepo for $tx {
            async fn insert_team(
                &mut self,
                t: &::yishe_domain::directory::VolunteerTeam,
            ) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO volunteer_teams (id, station_id, display_name, contact, active, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(t.id.as_uuid())
                .bind(t.station.as_str())
                .bind(&t.display_name)
                .bind(&t.contact)
                .bind(t.active)
                .bind(t.created_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "volunteer team"))?;
                Ok(())
            }

            async fn get_team(
                &mut self,
                id: ::yishe_domain::VolunteerTeamId,
            ) -> crate::Result<Option<::yishe_domain::directory::VolunteerTeam>> {
                let sql = format!("{} WHERE id = $1", crate::rows::SELECT_TEAM);
                let row: Option<crate::rows::TeamRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_teams(
                &mut self,
                station: &::yishe_domain::StationId,
            ) -> crate::Result<Vec<::yishe_domain::directory::VolunteerTeam>> {
                let sql = format!(
                    "{} WHERE station_id = $1 ORDER BY display_name, id",
                    crate::rows::SELECT_TEAM
                );
                let rows: Vec<crate::rows::TeamRow> = ::sqlx::query_as(&sql)
                    .bind(station.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_volunteer(
                &mut self,
                v: &::yishe_domain::directory::Volunteer,
            ) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO volunteers (id, station_id, team_id, display_name, contact, \
                     skills, active, training, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(v.id.as_uuid())
                .bind(v.station.as_str())
                .bind(v.team.as_uuid())
                .bind(&v.display_name)
                .bind(&v.contact)
                .bind(crate::rows::to_json(&v.skills))
                .bind(v.active)
                .bind(crate::rows::training_json(v))
                .bind(v.created_at)
                .bind(v.updated_at)
                .bind(v.version)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "volunteer"))?;
                Ok(())
            }

            async fn get_volunteer(
                &mut self,
                id: ::yishe_domain::VolunteerId,
            ) -> crate::Result<Option<::yishe_domain::directory::Volunteer>> {
                let sql = format!("{} WHERE id = $1", crate::rows::SELECT_VOLUNTEER);
                let row: Option<crate::rows::VolunteerRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn save_volunteer(
                &mut self,
                v: &mut ::yishe_domain::directory::Volunteer,
            ) -> crate::Result<()> {
                let done = ::sqlx::query(
                    "UPDATE volunteers SET team_id = $1, display_name = $2, contact = $3, \
                     skills = $4, active = $5, training = $6, updated_at = $7, \
                     version = version + 1 WHERE id = $8 AND version = $9",
                )
                .bind(v.team.as_uuid())
                .bind(&v.display_name)
                .bind(&v.contact)
                .bind(crate::rows::to_json(&v.skills))
                .bind(v.active)
                .bind(crate::rows::training_json(v))
                .bind(v.updated_at)
                .bind(v.id.as_uuid())
                .bind(v.version)
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(crate::Error::Stale);
                }
                v.version += 1;
                Ok(())
            }

            async fn list_volunteers(
                &mut self,
                station: &::yishe_domain::StationId,
                team: Option<::yishe_domain::VolunteerTeamId>,
                include_inactive: bool,
            ) -> crate::Result<Vec<::yishe_domain::directory::Volunteer>> {
                let sql = format!(
                    "{} WHERE station_id = $1 AND (team_id = $2 OR $3) AND (active OR $4) \
                     ORDER BY display_name, id",
                    crate::rows::SELECT_VOLUNTEER
                );
                let rows: Vec<crate::rows::VolunteerRow> = ::sqlx::query_as(&sql)
                    .bind(station.as_str())
                    .bind(team.map(|t| t.as_uuid()))
                    .bind(team.is_none())
                    .bind(include_inactive)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}

pub(crate) use impl_volunteer_repo;
