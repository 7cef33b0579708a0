//! The assessment service's settings.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use yishe_domain::assessment::Instrument;

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
    /// Instrument versions the station no longer accepts answers to, as
    /// `"<instrument>@<version>"` (such as `"cssrs_screener@1"`): clients are told to
    /// answer the newest; assessments recorded on them still read and compare.
    pub retired_instrument_versions: Vec<String>,
}

impl Default for AssessmentConfig {
    fn default() -> Self {
        Self {
            wording_dir: PathBuf::new(),
            distress_threshold: 4,
            safety_check_hours: 24,
            retired_instrument_versions: Vec::new(),
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
        self.retired_versions()?;
        Ok(())
    }

    /// The retired instrument versions; an unknown instrument or version, or the
    /// newest version of one (nothing would be left to answer), is an error.
    pub fn retired_versions(&self) -> Result<Vec<(Instrument, u32)>, String> {
        self.retired_instrument_versions
            .iter()
            .map(|named| {
                let bad =
                    |why: &str| format!("assessment.retired_instrument_versions: {named:?} {why}");
                let (id, version) = named
                    .split_once('@')
                    .ok_or_else(|| bad("is not <instrument>@<version>"))?;
                let instrument = Instrument::parse(id.trim())
                    .ok_or_else(|| bad("names no instrument Yishe scores"))?;
                let version: u32 = version
                    .trim()
                    .parse()
                    .map_err(|_| bad("has no version number"))?;
                if !instrument.has_version(version) {
                    return Err(bad(&format!(
                        "is not a version of it ({:?})",
                        instrument.versions()
                    )));
                }
                if version == instrument.version() {
                    return Err(bad(
                        "is the newest version: nothing would be left to answer",
                    ));
                }
                Ok((instrument, version))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retiring(named: &[&str]) -> Result<Vec<(Instrument, u32)>, String> {
        AssessmentConfig {
            retired_instrument_versions: named.iter().map(|n| n.to_string()).collect(),
            ..Default::default()
        }
        .retired_versions()
    }

    #[test]
    fn only_an_older_version_of_a_known_instrument_retires() {
        assert_eq!(
            retiring(&["cssrs_screener@1", "ssrs@1"]),
            Ok(vec![(Instrument::Cssrs, 1), (Instrument::Ssrs, 1)])
        );
        for (named, why) in [
            ("cssrs_screener", "<instrument>@<version>"),
            ("phq10@1", "names no instrument"),
            ("ssrs@x", "no version number"),
            ("ssrs@7", "is not a version"),
            ("cssrs_screener@2", "is the newest"),
            ("phq9@1", "is the newest"),
        ] {
            let refused = retiring(&[named]).unwrap_err();
            assert!(refused.contains(why), "{named}: {refused}");
        }
    }
}
