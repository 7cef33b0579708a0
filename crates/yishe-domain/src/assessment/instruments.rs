//! The instruments and their scoring rules.

use crate::Violations;
use crate::assessment::score::{Answers, RiskKind, Score};

/// The validated instruments Yishe scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Instrument {
    Phq9,
    Gad7,
    DistressThermometer,
    Zarit22,
    Zarit12,
    Ssrs,
    Barthel,
    Cssrs,
}

/// Stored and sent by its id.
impl serde::Serialize for Instrument {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Instrument {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Instrument::parse(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown instrument {id:?}")))
    }
}

/// Cut-offs the reference marks as configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoffs {
    /// Distress Thermometer rating at or above which distress is high (NCCN: 4).
    pub distress_threshold: i32,
    /// Zarit-22 bands as (upper bound inclusive, name).
    pub zarit22_bands: Vec<(i32, &'static str)>,
    /// Zarit-12 bands; none by default (the sources are uncertain).
    pub zarit12_bands: Vec<(i32, &'static str)>,
    /// Barthel bands as (upper bound inclusive, name).
    pub barthel_bands: Vec<(i32, &'static str)>,
    /// Versions of instruments the station no longer accepts new answers to (the
    /// assessments recorded on them still read and compare).
    pub retired: Vec<(Instrument, u32)>,
}

impl Default for Cutoffs {
    fn default() -> Self {
        Self {
            distress_threshold: 4,
            zarit22_bands: vec![
                (20, "little or none"),
                (40, "mild to moderate"),
                (60, "moderate to severe"),
                (88, "severe"),
            ],
            zarit12_bands: Vec::new(),
            barthel_bands: vec![
                (40, "severe dependence"),
                (60, "moderate dependence"),
                (99, "mild dependence"),
                (100, "independent"),
            ],
            retired: Vec::new(),
        }
    }
}

const PHQ9_BANDS: [(i32, &str); 5] = [
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately severe"),
    (27, "severe"),
];
const GAD7_BANDS: [(i32, &str); 4] = [
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (21, "severe"),
];

/// Barthel items and the scores each may take.
const BARTHEL: [(&str, &[i32]); 10] = [
    ("feeding", &[0, 5, 10]),
    ("bathing", &[0, 5]),
    ("grooming", &[0, 5]),
    ("dressing", &[0, 5, 10]),
    ("bowels", &[0, 5, 10]),
    ("bladder", &[0, 5, 10]),
    ("toilet_use", &[0, 5, 10]),
    ("transfers", &[0, 5, 10, 15]),
    ("mobility", &[0, 5, 10, 15]),
    ("stairs", &[0, 5, 10]),
];

/// The Distress Thermometer's problem list: ticked (1) or not (0), optional.
pub const DT_PROBLEMS: [&str; 10] = [
    "practical.housing",
    "practical.finances",
    "practical.transportation",
    "family.children",
    "family.partner",
    "emotional.worry",
    "emotional.sadness",
    "spiritual.faith",
    "physical.pain",
    "physical.sleep",
];

fn band(total: i32, bands: &[(i32, &'static str)]) -> Option<&'static str> {
    bands
        .iter()
        .find(|(upper, _)| total <= *upper)
        .map(|(_, name)| *name)
}

/// Checks that `answers` holds exactly `items`, each one of its allowed values.
pub(crate) fn check(
    v: &mut Violations,
    answers: &Answers,
    items: &[(String, Vec<i32>)],
    optional: &[String],
) {
    for (id, value) in answers {
        match items.iter().find(|(item, _)| item == id) {
            None if optional.contains(id) => {
                if !(0..=1).contains(value) {
                    v.add(format!("answers.{id}"), "must be 0 or 1");
                }
            }
            None => v.add(format!("answers.{id}"), "is not an item of this instrument"),
            Some((_, allowed)) if !allowed.contains(value) => v.add(
                format!("answers.{id}"),
                format!("must be one of {allowed:?}"),
            ),
            Some(_) => {}
        }
    }
    for (id, _) in items {
        if !answers.contains_key(id) {
            v.add(format!("answers.{id}"), "is missing");
        }
    }
}

fn numbered(
    prefix: &str,
    count: usize,
    allowed: std::ops::RangeInclusive<i32>,
) -> Vec<(String, Vec<i32>)> {
    (1..=count)
        .map(|i| (format!("{prefix}{i}"), allowed.clone().collect()))
        .collect()
}

impl Instrument {
    pub const ALL: [Instrument; 8] = [
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::DistressThermometer,
        Instrument::Zarit22,
        Instrument::Zarit12,
        Instrument::Ssrs,
        Instrument::Barthel,
        Instrument::Cssrs,
    ];

    /// The stable id used in the contract and storage.
    pub fn id(self) -> &'static str {
        match self {
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
            Instrument::DistressThermometer => "distress_thermometer",
            Instrument::Zarit22 => "zarit22",
            Instrument::Zarit12 => "zarit12",
            Instrument::Ssrs => "ssrs",
            Instrument::Barthel => "barthel",
            Instrument::Cssrs => "cssrs_screener",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.id() == id)
    }

    /// The versions of the item ids and scoring rules Yishe scores, oldest first.
    /// Every one stays: assessments recorded on it read, score and compare as they
    /// were, and clients move to a new one at their own pace.
    pub fn versions(self) -> &'static [u32] {
        match self {
            // 2: behaviour over the lifetime, the "none" level (C-SSRS); the sources of
            // support named (SSRS).
            Instrument::Cssrs | Instrument::Ssrs => &[1, 2],
            _ => &[1],
        }
    }

    /// The newest version: the form served when none is named.
    pub fn version(self) -> u32 {
        *self
            .versions()
            .last()
            .expect("every instrument has a version")
    }

    /// Whether Yishe scores `version` of this instrument.
    pub fn has_version(self, version: u32) -> bool {
        self.versions().contains(&version)
    }

    /// Whether the instrument has a total a goal can target (the C-SSRS screener has
    /// none: it sorts answers into risk levels).
    pub fn has_total(self) -> bool {
        self != Instrument::Cssrs
    }

    /// The lowest and highest totals (instruments.md; the SSRS's from its item scales).
    pub fn total_range(self) -> (i32, i32) {
        match self {
            Instrument::Phq9 => (0, 27),
            Instrument::Gad7 => (0, 21),
            Instrument::DistressThermometer => (0, 10),
            Instrument::Zarit22 => (0, 88),
            Instrument::Zarit12 => (0, 48),
            Instrument::Ssrs => (12, 66),
            Instrument::Barthel => (0, 100),
            Instrument::Cssrs => (0, 0),
        }
    }

    /// Whether a higher total means things are worse (PHQ-9, distress, burden) rather
    /// than better (support, independence). The C-SSRS has no total.
    pub fn higher_is_worse(self) -> bool {
        !matches!(self, Instrument::Ssrs | Instrument::Barthel)
    }

    /// Scores `answers` to `version` of the form (one of `versions`), naming every
    /// offending item.
    pub fn score(
        self,
        version: u32,
        answers: &Answers,
        cutoffs: &Cutoffs,
    ) -> Result<Score, Violations> {
        let mut v = Violations::new();
        let score = match self {
            Instrument::Phq9 => {
                check(&mut v, answers, &numbered("item", 9, 0..=3), &[]);
                let total = answers.values().sum();
                let mut risks = Vec::new();
                if answers.get("item9").copied().unwrap_or(0) > 0 {
                    risks.push(RiskKind::SelfHarmThoughts);
                }
                Score {
                    total: Some(total),
                    band: band(total, &PHQ9_BANDS),
                    risks,
                    ..Default::default()
                }
            }
            Instrument::Gad7 => {
                check(&mut v, answers, &numbered("item", 7, 0..=3), &[]);
                let total = answers.values().sum();
                Score {
                    total: Some(total),
                    band: band(total, &GAD7_BANDS),
                    ..Default::default()
                }
            }
            Instrument::Zarit22 | Instrument::Zarit12 => {
                let (count, bands) = if self == Instrument::Zarit22 {
                    (22, &cutoffs.zarit22_bands)
                } else {
                    (12, &cutoffs.zarit12_bands)
                };
                check(&mut v, answers, &numbered("item", count, 0..=4), &[]);
                let total = answers.values().sum();
                Score {
                    total: Some(total),
                    band: band(total, bands),
                    ..Default::default()
                }
            }
            Instrument::Barthel => {
                let items: Vec<_> = BARTHEL
                    .iter()
                    .map(|(id, allowed)| (id.to_string(), allowed.to_vec()))
                    .collect();
                check(&mut v, answers, &items, &[]);
                let total = answers.values().sum();
                Score {
                    total: Some(total),
                    band: band(total, &cutoffs.barthel_bands),
                    ..Default::default()
                }
            }
            Instrument::DistressThermometer => {
                let optional: Vec<String> = DT_PROBLEMS.iter().map(|p| p.to_string()).collect();
                check(
                    &mut v,
                    answers,
                    &[("rating".to_string(), (0..=10).collect())],
                    &optional,
                );
                let rating = answers.get("rating").copied().unwrap_or(0);
                let high = rating >= cutoffs.distress_threshold;
                Score {
                    total: Some(rating),
                    band: Some(if high {
                        "high distress"
                    } else {
                        "low distress"
                    }),
                    risks: if high {
                        vec![RiskKind::HighDistress]
                    } else {
                        Vec::new()
                    },
                    ..Default::default()
                }
            }
            Instrument::Ssrs => crate::assessment::ssrs::score(&mut v, version, answers),
            Instrument::Cssrs => crate::assessment::cssrs::score(&mut v, version, answers),
        };
        v.into_result(score)
    }
}
