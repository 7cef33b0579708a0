//! Gathering an assessment's answers: ITEM=VALUE pairs for one instrument, a JSON file
//! of answers by instrument, or question by question in the terminal. The form (and
//! its version) comes from the server, so the client never knows scoring rules.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};

use yishe_proto::assessment::{
    GetInstrumentRequest, Instrument, InstrumentItem, InstrumentResponse, ListInstrumentsRequest,
};

use crate::args::AssessmentContent;
use crate::client::Connection;
use crate::failure::Failure;

/// The form `instrument` is answered on now; an unknown one is refused with the
/// instruments the server scores.
pub(crate) async fn form(c: &Connection, instrument: &str) -> Result<Instrument, Failure> {
    form_at(c, instrument, 0).await
}

/// The form of `instrument` at `version` (0: the newest).
pub(crate) async fn form_at(
    c: &Connection,
    instrument: &str,
    version: u32,
) -> Result<Instrument, Failure> {
    let found = c
        .assessments()
        .get_instrument(GetInstrumentRequest {
            instrument_id: instrument.to_owned(),
            version,
        })
        .await;
    match found {
        Ok(found) => Ok(found.into_inner().instrument.unwrap_or_default()),
        Err(status) if status.code() == tonic::Code::NotFound => {
            let known: Vec<String> = c
                .assessments()
                .list_instruments(ListInstrumentsRequest {})
                .await?
                .into_inner()
                .instruments
                .into_iter()
                .map(|i| i.instrument_id)
                .collect();
            Err(Failure::local(format!(
                "unknown instrument {instrument:?}: one of {}",
                known.join(", ")
            )))
        }
        Err(status) => Err(status.into()),
    }
}

fn pairs(items: &[String]) -> Result<HashMap<String, i32>, Failure> {
    items
        .iter()
        .map(|pair| {
            let (item, value) = pair
                .split_once('=')
                .ok_or_else(|| Failure::local(format!("--answer {pair:?}: write ITEM=VALUE")))?;
            let value = value
                .trim()
                .parse()
                .map_err(|_| Failure::local(format!("--answer {pair:?}: the value is a number")))?;
            Ok((item.trim().to_owned(), value))
        })
        .collect()
}

fn file(path: &std::path::Path) -> Result<BTreeMap<String, HashMap<String, i32>>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::local(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::local(format!(
            "{}: expected {{\"<instrument>\": {{\"<item>\": <value>, ...}}, ...}}: {e}",
            path.display()
        ))
    })
}

/// Whether `item` is asked, given the answers so far (skip logic).
fn asked(item: &InstrumentItem, answers: &HashMap<String, i32>) -> bool {
    item.shown_if
        .as_ref()
        .is_none_or(|rule| answers.get(&rule.item_id) == Some(&rule.value))
}

/// Asks each question of `form` on `output`, reading answers from `input`; a bad
/// answer is asked again, an optional item may be left empty.
pub(crate) fn ask(
    form: &Instrument,
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> Result<HashMap<String, i32>, Failure> {
    let io = |e: std::io::Error| Failure::local(format!("terminal: {e}"));
    let mut answers = HashMap::new();
    // Checkbox questions whose "none" was ticked: their other boxes are not asked.
    let mut closed_groups = std::collections::HashSet::new();
    writeln!(output, "{} (version {})", form.title, form.version).map_err(io)?;
    for section in &form.sections {
        writeln!(output, "\n{}", section.title).map_err(io)?;
        for item in &section.items {
            if !asked(item, &answers) || closed_groups.contains(&item.choice_group) {
                continue;
            }
            let choices: Vec<String> = item
                .options
                .iter()
                .map(|o| format!("{}={}", o.value, o.label))
                .collect();
            loop {
                let hint = if item.optional { " (optional)" } else { "" };
                write!(
                    output,
                    "{}: {}{hint}\n  [{}] > ",
                    item.item_id,
                    item.prompt,
                    choices.join("  ")
                )
                .map_err(io)?;
                output.flush().map_err(io)?;
                let mut line = String::new();
                if input.read_line(&mut line).map_err(io)? == 0 {
                    return Err(Failure::local(format!(
                        "no answer to {} (input ended)",
                        item.item_id
                    )));
                }
                let line = line.trim();
                if line.is_empty() && item.optional {
                    break;
                }
                match line.parse::<i32>() {
                    Ok(v) if item.options.iter().any(|o| o.value == v) => {
                        answers.insert(item.item_id.clone(), v);
                        if item.exclusive && v == 1 {
                            closed_groups.insert(item.choice_group.clone());
                        }
                        break;
                    }
                    _ => writeln!(output, "  one of the values in brackets, please").map_err(io)?,
                }
            }
        }
    }
    Ok(answers)
}

/// The instrument responses the flags describe, each at the form's current version.
pub(crate) async fn gather(
    content: &AssessmentContent,
    c: &Connection,
) -> Result<Vec<InstrumentResponse>, Failure> {
    let mut by_instrument: BTreeMap<String, HashMap<String, i32>> = match &content.answers_file {
        Some(path) => file(path)?,
        None => BTreeMap::new(),
    };
    // The form version of each instrument, fetched once.
    let mut versions: HashMap<String, u32> = HashMap::new();
    if let Some(instrument) = &content.instrument {
        let answers = if content.interactive {
            let form = form(c, instrument).await?;
            versions.insert(instrument.clone(), form.version);
            let stdin = std::io::stdin();
            ask(&form, &mut stdin.lock(), &mut std::io::stderr())?
        } else {
            pairs(&content.answers)?
        };
        by_instrument.insert(instrument.clone(), answers);
    } else if content.interactive || !content.answers.is_empty() {
        return Err(Failure::local(
            "--answer and --interactive need --instrument",
        ));
    }
    let mut responses = Vec::new();
    for (instrument, answers) in by_instrument {
        let version = match versions.get(&instrument) {
            Some(version) => *version,
            None => form(c, &instrument).await?.version,
        };
        responses.push(InstrumentResponse {
            instrument_id: instrument,
            version,
            answers: answers.into_iter().collect(),
            ..Default::default()
        });
    }
    Ok(responses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yishe_proto::assessment::{AnswerOption, InstrumentSection, SkipRule};

    fn yes_no(id: &str, shown_if: Option<(&str, i32)>) -> InstrumentItem {
        InstrumentItem {
            item_id: id.into(),
            prompt: id.into(),
            options: vec![
                AnswerOption {
                    value: 0,
                    label: "no".into(),
                },
                AnswerOption {
                    value: 1,
                    label: "yes".into(),
                },
            ],
            shown_if: shown_if.map(|(item_id, value)| SkipRule {
                item_id: item_id.into(),
                value,
            }),
            optional: false,
            ..Default::default()
        }
    }

    #[test]
    fn skipped_questions_are_not_asked_and_bad_answers_asked_again() {
        let form = Instrument {
            title: "screener".into(),
            version: 1,
            sections: vec![InstrumentSection {
                items: vec![
                    yes_no("q2", None),
                    yes_no("q3", Some(("q2", 1))),
                    yes_no("q6", None),
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut shown = Vec::new();
        let answers = ask(&form, &mut "7\n0\n1\n".as_bytes(), &mut shown).unwrap();
        assert_eq!(answers, HashMap::from([("q2".into(), 0), ("q6".into(), 1)]));
        let shown = String::from_utf8(shown).unwrap();
        assert!(!shown.contains("q3:"), "{shown}");
        assert!(shown.contains("one of the values"), "{shown}");
        assert!(
            ask(&form, &mut "1\n".as_bytes(), &mut Vec::new()).is_err(),
            "input ended"
        );
    }

    #[test]
    fn pairs_are_item_equals_number() {
        assert_eq!(pairs(&["item1=3".into()]).unwrap()["item1"], 3);
        assert!(pairs(&["item1:3".into()]).is_err());
        assert!(pairs(&["item1=x".into()]).is_err());
    }
}
