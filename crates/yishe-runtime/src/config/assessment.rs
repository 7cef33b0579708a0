//! The assessment service's settings.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Settings of the assessment service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentConfig {
    /// A folder of the station's licensed wording, one `<instrument>.toml` per
    /// instrument; empty for Yishe's own short topic labels.
    pub wording_dir: PathBuf,
    /// The Distress Thermometer rating at or above which distress is high and a risk
    /// flag is raised (NCCN: 4).
    pub distress_threshold: i32,
    /// How many hours after a risk flag its safety-check follow-up is due (it is
    /// escalated to the supervisors as soon as it is overdue).
    pub safety_check_hours: i64,
}

impl Default for AssessmentConfig {
    fn default() -> Self {
        Self {
            wording_dir: PathBuf::new(),
            distress_threshold: 4,
            safety_check_hours: 24,
        }
    }
}

impl AssessmentConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if !(1..=10).contains(&self.distress_threshold) {
            return Err("assessment.distress_threshold must be 1 to 10".into());
        }
        if !(1..=168).contains(&self.safety_check_hours) {
            return Err("assessment.safety_check_hours must be 1 to 168".into());
        }
        Ok(())
    }
}
