//! Which station this installation serves.

use serde::{Deserialize, Serialize};
use yishe_domain::StationId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StationConfig {
    /// The station this installation serves; referrals without a station go here.
    pub station_id: String,
    /// The station's time zone (an IANA name): the console shows times in it, as the
    /// CLI does from the same `YISHE_TIME_ZONE`.
    pub time_zone: String,
}

impl Default for StationConfig {
    fn default() -> Self {
        Self {
            station_id: "main".into(),
            time_zone: "Asia/Shanghai".into(),
        }
    }
}

impl StationConfig {
    pub fn station(&self) -> StationId {
        StationId::parse(&self.station_id).expect("validated")
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if StationId::parse(&self.station_id).is_none() {
            return Err(format!(
                "station_id {:?} must be 1 to 64 letters, digits, '-', '_' or '.'",
                self.station_id
            ));
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "time_zone {:?} is not a time zone name such as Asia/Shanghai",
                self.time_zone
            ));
        }
        Ok(())
    }
}
