//! A station's licensed wording of an instrument: its own title, section titles,
//! prompts and answer labels, laid over our form by item id. Item ids, answer values
//! and scoring stay ours, so loading a translation or a licensed text can never
//! change a score.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::assessment::{Definition, Instrument};

/// The wording of one instrument at one version, as a station writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    pub instrument: String,
    pub version: u32,
    /// Where the text comes from and under what licence, shown with the form.
    pub source: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Section titles by section id.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    #[serde(default)]
    pub items: BTreeMap<String, ItemWording>,
}

/// The wording of one item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemWording {
    #[serde(default)]
    pub prompt: Option<String>,
    /// Answer labels by answer value (`"0" = "not at all"`).
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

impl Wording {
    /// The instrument this wording is for, or why it fits none.
    pub fn instrument(&self) -> Result<Instrument, String> {
        let instrument = Instrument::parse(&self.instrument)
            .ok_or_else(|| format!("instrument {:?} is not one Yishe scores", self.instrument))?;
        if !instrument.has_version(self.version) {
            return Err(format!(
                "{} has versions {:?}, not {}",
                instrument.id(),
                instrument.versions(),
                self.version
            ));
        }
        Ok(instrument)
    }

    /// Lays this wording over `definition`; every id it names must exist there.
    pub fn apply(&self, mut definition: Definition) -> Result<Definition, Vec<String>> {
        let mut errors = Vec::new();
        if self.source.trim().is_empty() {
            errors.push("source is required: say where the text comes from".to_owned());
        }
        if let Some(title) = &self.title {
            definition.title = title.clone();
        }
        for (id, title) in &self.sections {
            match definition.sections.iter_mut().find(|s| &s.id == id) {
                Some(section) => section.title = title.clone(),
                None => errors.push(format!("sections.{id}: no such section")),
            }
        }
        for (id, wording) in &self.items {
            let Some(item) = definition
                .sections
                .iter_mut()
                .flat_map(|s| s.items.iter_mut())
                .find(|i| &i.id == id)
            else {
                errors.push(format!("items.{id}: no such item"));
                continue;
            };
            if let Some(prompt) = &wording.prompt {
                item.prompt = prompt.clone();
            }
            for (value, label) in &wording.options {
                let option = value
                    .parse::<i32>()
                    .ok()
                    .and_then(|v| item.options.iter_mut().find(|o| o.value == v));
                match option {
                    Some(option) => option.label = label.clone(),
                    None => errors.push(format!("items.{id}.options.{value}: no such answer")),
                }
            }
        }
        definition.wording_source = self.source.trim().to_owned();
        if errors.is_empty() {
            Ok(definition)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wording() -> Wording {
        Wording {
            instrument: "phq9".into(),
            version: 1,
            source: "PHQ-9 中文版 (licensed)".into(),
            title: Some("患者健康问卷".into()),
            sections: BTreeMap::from([("main".into(), "在过去两周里".into())]),
            items: BTreeMap::from([(
                "item9".into(),
                ItemWording {
                    prompt: Some("有不如死掉或用某种方式伤害自己的念头".into()),
                    options: BTreeMap::from([("0".into(), "完全不会".into())]),
                },
            )]),
        }
    }

    #[test]
    fn wording_replaces_text_and_keeps_ids_and_values() {
        let ours = Instrument::Phq9.definition();
        let theirs = wording().apply(ours.clone()).unwrap();
        assert_eq!(theirs.title, "患者健康问卷");
        assert_eq!(theirs.wording_source, "PHQ-9 中文版 (licensed)");
        let item9 = &theirs.sections[0].items[8];
        assert_eq!(item9.id, "item9");
        assert!(item9.prompt.starts_with("有不如死掉"));
        assert_eq!(item9.options[0].label, "完全不会");
        assert_eq!(item9.options[0].value, 0);
        assert_eq!(item9.options[1], ours.sections[0].items[8].options[1]);
    }

    #[test]
    fn unknown_ids_are_named() {
        let mut w = wording();
        w.items.insert("item10".into(), ItemWording::default());
        w.items
            .get_mut("item9")
            .unwrap()
            .options
            .insert("7".into(), "x".into());
        w.sections.insert("extra".into(), "x".into());
        let errors = w.apply(Instrument::Phq9.definition()).unwrap_err();
        assert!(errors.contains(&"items.item10: no such item".to_owned()));
        assert!(errors.contains(&"items.item9.options.7: no such answer".to_owned()));
        assert!(errors.contains(&"sections.extra: no such section".to_owned()));
    }

    #[test]
    fn wording_for_another_version_does_not_fit() {
        let mut w = wording();
        w.version = 2;
        assert!(w.instrument().is_err());
        w.version = 1;
        assert_eq!(w.instrument(), Ok(Instrument::Phq9));
    }
}
