//! The comparison a social worker reads before a review: for each instrument, the
//! latest score against every earlier one of the same referral, with the change in
//! total and band and whether that change is for the better.

use chrono::{DateTime, Utc};

use crate::AssessmentId;
use crate::assessment::{Assessment, Instrument};

/// One instrument's score in one assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScorePoint {
    pub assessment: AssessmentId,
    pub assessment_version: u32,
    /// The version of the instrument's form the score was recorded on.
    pub instrument_version: u32,
    pub assessed_at: DateTime<Utc>,
    pub total: Option<i32>,
    pub band: Option<String>,
}

/// Whether the latest score is better or worse than an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Better,
    Worse,
    Unchanged,
}

/// The latest score against one earlier score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub earlier: ScorePoint,
    /// Latest total minus the earlier total, when the instrument has totals.
    pub total_change: Option<i32>,
    pub band_changed: bool,
    pub trend: Trend,
}

/// One instrument across the assessments of a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub instrument: Instrument,
    pub latest: ScorePoint,
    /// Every earlier score, newest first.
    pub earlier: Vec<Change>,
}

/// C-SSRS bands from least to most severe; it has no total. "none" exists from
/// version 2 on (version 1 read all no as "low"); the other bands mean the same.
const CSSRS_BANDS: [&str; 4] = ["none", "low", "moderate", "high"];

/// How bad a score is, on a scale where more is worse.
fn badness(instrument: Instrument, point: &ScorePoint) -> Option<i32> {
    match (instrument, point.total) {
        (Instrument::Cssrs, _) => point
            .band
            .as_deref()
            .and_then(|b| CSSRS_BANDS.iter().position(|x| *x == b))
            .map(|i| i as i32),
        (i, Some(total)) if i.higher_is_worse() => Some(total),
        (_, Some(total)) => Some(-total),
        (_, None) => None,
    }
}

/// Compares, per instrument, the latest score (by when the assessment took place) with
/// the earlier ones. `assessments` are the current versions of a referral's records;
/// an instrument answered once has no earlier scores and is still listed.
pub fn compare(assessments: &[Assessment]) -> Vec<Comparison> {
    let mut ordered: Vec<&Assessment> = assessments.iter().collect();
    ordered.sort_by_key(|a| std::cmp::Reverse((a.content.assessed_at, a.id)));
    let mut comparisons = Vec::new();
    for instrument in Instrument::ALL {
        let points: Vec<ScorePoint> = ordered
            .iter()
            .filter_map(|a| {
                let r = a
                    .content
                    .responses
                    .iter()
                    .find(|r| r.instrument == instrument)?;
                Some(ScorePoint {
                    assessment: a.id,
                    assessment_version: a.version,
                    instrument_version: r.version,
                    assessed_at: a.content.assessed_at,
                    total: r.total,
                    band: r.band.clone(),
                })
            })
            .collect();
        let Some((latest, earlier)) = points.split_first() else {
            continue;
        };
        let now = badness(instrument, latest);
        let earlier = earlier
            .iter()
            .map(|e| Change {
                total_change: latest.total.zip(e.total).map(|(l, e)| l - e),
                band_changed: latest.band != e.band,
                trend: match now.zip(badness(instrument, e)) {
                    Some((n, b)) if n < b => Trend::Better,
                    Some((n, b)) if n > b => Trend::Worse,
                    _ => Trend::Unchanged,
                },
                earlier: e.clone(),
            })
            .collect();
        comparisons.push(Comparison {
            instrument,
            latest: latest.clone(),
            earlier,
        });
    }
    comparisons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReferralId;
    use crate::assessment::{AssessmentDraft, Cutoffs, ResponseDraft};

    fn assessment(day: u32, instrument: &str, answers: &[(&str, i32)]) -> Assessment {
        let at: DateTime<Utc> = format!("2026-11-{day:02}T09:00:00Z").parse().unwrap();
        let content = AssessmentDraft {
            responses: vec![ResponseDraft {
                instrument_id: instrument.into(),
                version: 1,
                answers: answers.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            }],
            assessed_at: Some(at),
            ..Default::default()
        }
        .validate(&Cutoffs::default(), at, at)
        .unwrap();
        Assessment {
            id: AssessmentId::new(),
            referral: ReferralId::new(),
            version: 1,
            current_version: 1,
            content,
            amendment_reason: String::new(),
            recorded_by: "k".into(),
            recorded_by_worker: None,
            recorded_at: at,
            created_at: at,
            created_by: "k".into(),
            request_id: format!("r{day}"),
        }
    }

    fn phq9(all: i32) -> Vec<(String, i32)> {
        (1..=9).map(|i| (format!("item{i}"), all)).collect()
    }

    fn pairs(v: &[(String, i32)]) -> Vec<(&str, i32)> {
        v.iter().map(|(k, x)| (k.as_str(), *x)).collect()
    }

    #[test]
    fn two_phq9s_show_the_change_in_total_and_band() {
        // 9 × 2 = 18 (moderately severe) on the 2nd, 9 × 1 = 9 (mild) on the 20th.
        let first = assessment(2, "phq9", &pairs(&phq9(2)));
        let second = assessment(20, "phq9", &pairs(&phq9(1)));
        // Given out of order: the comparison orders by when they took place.
        let c = compare(&[second.clone(), first.clone()]);
        assert_eq!(c.len(), 1);
        let phq = &c[0];
        assert_eq!(phq.instrument, Instrument::Phq9);
        assert_eq!(phq.latest.assessment, second.id);
        assert_eq!(phq.latest.total, Some(9));
        assert_eq!(phq.latest.band.as_deref(), Some("mild"));
        assert_eq!(phq.earlier.len(), 1);
        let change = &phq.earlier[0];
        assert_eq!(change.earlier.assessment, first.id);
        assert_eq!(change.earlier.band.as_deref(), Some("moderately severe"));
        assert_eq!(change.total_change, Some(-9));
        assert!(change.band_changed);
        assert_eq!(change.trend, Trend::Better);
    }

    #[test]
    fn a_higher_barthel_is_better() {
        let items = [
            "feeding",
            "bathing",
            "grooming",
            "dressing",
            "bowels",
            "bladder",
            "toilet_use",
            "transfers",
            "mobility",
            "stairs",
        ];
        let zero: Vec<(&str, i32)> = items.iter().map(|i| (*i, 0)).collect();
        let mut some = zero.clone();
        some[0].1 = 10;
        let c = compare(&[
            assessment(1, "barthel", &zero),
            assessment(3, "barthel", &some),
        ]);
        assert_eq!(c[0].earlier[0].total_change, Some(10));
        assert!(!c[0].earlier[0].band_changed);
        assert_eq!(c[0].earlier[0].trend, Trend::Better);
    }

    #[test]
    fn the_cssrs_compares_by_band() {
        let low = [("q1_wish_dead", 0), ("q2_thoughts", 0), ("q6_behaviour", 0)];
        let high = [("q1_wish_dead", 1), ("q2_thoughts", 0), ("q6_behaviour", 1)];
        let c = compare(&[
            assessment(1, "cssrs_screener", &low),
            assessment(2, "cssrs_screener", &high),
        ]);
        assert_eq!(c[0].earlier[0].total_change, None);
        assert_eq!(c[0].earlier[0].trend, Trend::Worse);
    }

    #[test]
    fn an_instrument_answered_once_has_nothing_earlier() {
        let c = compare(&[assessment(5, "phq9", &pairs(&phq9(0)))]);
        assert!(c[0].earlier.is_empty());
        assert!(compare(&[]).is_empty());
    }
}
