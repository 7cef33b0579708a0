//! What scoring produces.

use std::collections::BTreeMap;

/// Answers by item id.
pub type Answers = BTreeMap<String, i32>;

crate::named::named_enum!(
    /// A risk that must be acted on at once, whatever the total: PHQ-9 item 9 (thoughts
    /// of self-harm) above 0; a C-SSRS with intent, a plan with intent, or behaviour in
    /// the past 3 months; a Distress Thermometer at or above its threshold.
    RiskKind {
        SelfHarmThoughts => "SELF_HARM_THOUGHTS",
        HighSuicideRisk => "HIGH_SUICIDE_RISK",
        HighDistress => "HIGH_DISTRESS",
    }
);

/// The result of scoring one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Score {
    pub total: Option<i32>,
    /// Named sub-scores (SSRS: objective, subjective, use).
    pub subscores: Vec<(&'static str, i32)>,
    /// The band of the total, when the instrument has bands.
    pub band: Option<&'static str>,
    pub risks: Vec<RiskKind>,
}
