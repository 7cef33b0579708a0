//! The Social Support Rating Scale (SSRS, 肖水源 1994): ten items in three sub-scores.
//! Items 1–4 and 8–10 score 1–4, item 5 is five sub-items scored 1–4 each, and items
//! 6 and 7 (where practical help and comfort came from in an emergency) score the
//! number of sources the patient names, 0 for none.
//!
//! Version 2 records items 6 and 7 as the sources themselves, one yes/no sub-item per
//! source and one for "none" (which excludes the others): what a discharge plan builds
//! on. Version 1 recorded only their count; assessments recorded on it keep being
//! scored by its rules.

use crate::Violations;
use crate::assessment::instruments::check;
use crate::assessment::score::{Answers, Score};

/// The sources of support items 6 and 7 name, as the scale lists them: each sub-item's
/// suffix and its label.
pub const SUPPORT_SOURCES: [(&str, &str); 9] = [
    ("spouse", "spouse"),
    ("family", "other family"),
    ("relatives", "relatives"),
    ("friends", "friends"),
    ("colleagues", "colleagues"),
    ("work_unit", "the work unit"),
    (
        "official_organisations",
        "party, league or union organisations",
    ),
    ("social_groups", "religious or other social groups"),
    ("others", "others"),
];

/// Items 6 and 7.
pub const SOURCE_ITEMS: [&str; 2] = ["item6", "item7"];

/// The sub-item id of `source` (or `none`) under `item`, such as `item6_spouse`.
pub fn source_item(item: &str, source: &str) -> String {
    format!("{item}_{source}")
}

pub(crate) fn score(v: &mut Violations, version: u32, answers: &Answers) -> Score {
    let mut items: Vec<(String, Vec<i32>)> = Vec::new();
    for i in [1, 2, 3, 4, 8, 9, 10] {
        items.push((format!("item{i}"), (1..=4).collect()));
    }
    for part in ["a", "b", "c", "d", "e"] {
        items.push((format!("item5{part}"), (1..=4).collect()));
    }
    let mut optional = Vec::new();
    if version == 1 {
        for item in SOURCE_ITEMS {
            items.push((item.to_owned(), (0..=9).collect()));
        }
    } else {
        for item in SOURCE_ITEMS {
            optional.push(source_item(item, "none"));
            optional.extend(SUPPORT_SOURCES.map(|(s, _)| source_item(item, s)));
        }
    }
    check(v, answers, &items, &optional);
    let get = |id: &str| answers.get(id).copied().unwrap_or(0);
    let mut sources = |item: &str| -> i32 {
        if version == 1 {
            return get(item);
        }
        let named = SUPPORT_SOURCES
            .iter()
            .filter(|(s, _)| get(&source_item(item, s)) == 1)
            .count() as i32;
        let none = get(&source_item(item, "none")) == 1;
        if none && named > 0 {
            v.add(
                format!("answers.{}", source_item(item, "none")),
                "excludes the sources: answer none, or name the sources",
            );
        } else if !none && named == 0 {
            v.add(
                format!("answers.{item}"),
                format!(
                    "name the sources ({item}_spouse, …) or answer {}",
                    source_item(item, "none")
                ),
            );
        }
        named
    };
    let (practical, emotional) = (sources("item6"), sources("item7"));
    let objective = get("item2") + practical + emotional;
    let item5: i32 = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|p| get(&format!("item5{p}")))
        .sum();
    let subjective = get("item1") + get("item3") + get("item4") + item5;
    let usage = get("item8") + get("item9") + get("item10");
    Score {
        total: Some(objective + subjective + usage),
        subscores: vec![
            ("objective", objective),
            ("subjective", subjective),
            ("use", usage),
        ],
        ..Default::default()
    }
}
