//! What a submitted assessment found and what Yishe did about it, in the words a social
//! worker reads right after submitting: each score with its band, and any risk raised
//! with the steps the server took (the assessment service's escalation).

use yishe_proto::assessment::{Assessment, RiskKind};

use crate::enums::short;

/// A risk in words.
fn risk_words(kind: RiskKind) -> &'static str {
    match kind {
        RiskKind::SelfHarmThoughts => "有自伤念头（PHQ-9 第 9 题）",
        RiskKind::HighSuicideRisk => "自杀风险高（C-SSRS）",
        RiskKind::HighDistress => "心理痛苦程度高（痛苦温度计）",
        RiskKind::Unspecified => "未知风险",
    }
}

/// The lines to print after a submission.
pub(crate) fn summary(assessment: &Assessment) -> Vec<String> {
    let mut lines: Vec<String> = assessment
        .responses
        .iter()
        .map(|r| {
            let total = r.total.map(|t| format!("总分 {t}")).unwrap_or_default();
            let band = if r.band.is_empty() {
                String::new()
            } else {
                format!("分级 {}", r.band)
            };
            let parts: Vec<String> = [total, band]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            format!("{}: {}", r.instrument_id, parts.join("，"))
        })
        .collect();
    if assessment.risks.is_empty() {
        lines.push("未发现需上报的风险。".to_owned());
        return lines;
    }
    for kind in &assessment.risks {
        let kind = RiskKind::try_from(*kind).unwrap_or_default();
        lines.push(format!(
            "⚠ 风险：{}（{}）",
            risk_words(kind),
            short("RISK_KIND_", kind.as_str_name())
        ));
    }
    lines.push(
        "已上报督导（风险标记待确认），转介已升为至少紧急，并已为负责社工安排安全随访。".to_owned(),
    );
    lines
}

#[cfg(test)]
mod tests {
    use yishe_proto::assessment::InstrumentResponse;

    use super::*;

    #[test]
    fn a_risk_is_said_with_what_the_server_did() {
        let assessment = Assessment {
            responses: vec![InstrumentResponse {
                instrument_id: "phq9".into(),
                total: Some(14),
                band: "moderate".into(),
                ..Default::default()
            }],
            risks: vec![RiskKind::SelfHarmThoughts as i32],
            ..Default::default()
        };
        let lines = summary(&assessment);
        assert_eq!(lines[0], "phq9: 总分 14，分级 moderate");
        assert!(lines[1].contains("自伤念头") && lines[1].contains("SELF_HARM_THOUGHTS"));
        assert!(lines[2].contains("已上报督导") && lines[2].contains("紧急"));
    }

    #[test]
    fn no_risk_is_said_too() {
        let lines = summary(&Assessment::default());
        assert_eq!(lines, ["未发现需上报的风险。"]);
    }
}
