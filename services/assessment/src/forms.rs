//! The instrument forms this installation serves: ours, with the station's licensed
//! wording laid over them where it loaded one. Loaded once at start; a wording file
//! that names an item we do not have stops the start (exit 64), rather than serving a
//! form whose text and scoring disagree.

use std::collections::BTreeMap;
use std::path::Path;

use yishe_domain::assessment::{Definition, Instrument, Wording};

/// The forms, one per instrument and version.
#[derive(Debug, Clone)]
pub(crate) struct Forms {
    forms: BTreeMap<(&'static str, u32), Definition>,
}

impl Forms {
    /// Our own forms, with Yishe's short topic labels.
    pub(crate) fn ours() -> Self {
        Self {
            forms: Instrument::ALL
                .into_iter()
                .flat_map(|i| {
                    i.versions()
                        .iter()
                        .map(move |&v| ((i.id(), v), i.definition_at(v)))
                })
                .collect(),
        }
    }

    /// Our forms with the wording in `dir` (every `*.toml` in it) laid over them; an
    /// empty path means none.
    pub(crate) fn load(dir: &Path) -> Result<Self, String> {
        let mut forms = Self::ours();
        if dir.as_os_str().is_empty() {
            return Ok(forms);
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("assessment.wording_dir {}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let fail = |what: String| format!("wording {}: {what}", path.display());
            let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
            let wording: Wording = toml::from_str(&text).map_err(|e| fail(e.to_string()))?;
            let instrument = wording.instrument().map_err(fail)?;
            let key = (instrument.id(), wording.version);
            let ours = forms.forms[&key].clone();
            if !ours.wording_source.is_empty() {
                return Err(fail(format!(
                    "a second wording of {} version {}",
                    instrument.id(),
                    wording.version
                )));
            }
            let theirs = wording
                .apply(ours)
                .map_err(|errors| fail(errors.join("; ")))?;
            forms.forms.insert(key, theirs);
        }
        Ok(forms)
    }

    /// Every instrument's newest form.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Definition> {
        Instrument::ALL.into_iter().map(|i| self.newest(i))
    }

    pub(crate) fn newest(&self, instrument: Instrument) -> &Definition {
        &self.forms[&(instrument.id(), instrument.version())]
    }

    /// The form of `instrument` at `version`, if Yishe has that version.
    pub(crate) fn get(&self, instrument: Instrument, version: u32) -> Option<&Definition> {
        self.forms.get(&(instrument.id(), version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const GAD7_ZH: &str = r#"
instrument = "gad7"
version = 1
source = "GAD-7 中文版; licensed to the station"
title = "广泛性焦虑量表"

[items.item1]
prompt = "感觉紧张、焦虑或急切"

[items.item1.options]
0 = "完全不会"
3 = "几乎每天"
"#;

    #[test]
    fn a_station_wording_is_served_and_the_rest_stays_ours() {
        let dir = dir_with(&[("gad7.toml", GAD7_ZH), ("README.txt", "ignored")]);
        let forms = Forms::load(dir.path()).unwrap();
        let gad7 = forms.newest(Instrument::Gad7);
        assert_eq!(gad7.title, "广泛性焦虑量表");
        assert_eq!(gad7.sections[0].items[0].options[3].label, "几乎每天");
        assert_eq!(gad7.sections[0].items[0].options[3].value, 3);
        assert_eq!(
            forms.newest(Instrument::Phq9),
            &Instrument::Phq9.definition()
        );
    }

    #[test]
    fn a_wording_that_does_not_fit_stops_the_start() {
        let wrong = GAD7_ZH.replace("[items.item1]", "[items.item8]");
        let dir = dir_with(&[("gad7.toml", &wrong)]);
        let error = Forms::load(dir.path()).unwrap_err();
        assert!(error.contains("items.item8: no such item"), "{error}");
        let typo = GAD7_ZH.replace("prompt =", "promt =");
        let dir = dir_with(&[("gad7.toml", &typo)]);
        assert!(Forms::load(dir.path()).unwrap_err().contains("promt"));
        assert!(Forms::load(Path::new("/nonexistent/wording")).is_err());
    }
}
