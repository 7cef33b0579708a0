//! The names of the settings, derived from the configuration's own structs: what a file
//! may say and which `YISHE_*` variables are read. Nothing here is a hand-kept list but
//! `NOT_SETTINGS`, the variables other programs read.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use figment::Provider;
use figment::value::{Dict, Value};

use super::{Config, ConfigError};

/// `YISHE_*` variables that are not settings of the server: the configuration file
/// itself, the CLI's address and key, the console's build switch, the test suite's
/// database, browser, required tools and
/// moved clock, and the benchmark's PostgreSQL.
const NOT_SETTINGS: &[&str] = &[
    "YISHE_CONFIG",
    "YISHE_ADDR",
    "YISHE_KEY",
    "YISHE_CONSOLE_BUILD",
    "YISHE_REQUIRE_BROWSER",
    "YISHE_CHROMIUM",
    "YISHE_TEST_DATABASE_URL",
    "YISHE_REQUIRE_POSTGRES",
    "YISHE_REQUIRE_GRPCURL",
    "YISHE_PROMTOOL",
    "YISHE_REQUIRE_PROMTOOL",
    "YISHE_REQUIRE_NATS",
    "YISHE_BENCH_POSTGRES",
    crate::clock::TEST_CLOCK_FILE,
];

/// Every setting's dotted path (`max_concurrent_requests`, `jwt`, `jwt.issuer`).
static SETTINGS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let defaults = Value::serialize(Config::default()).expect("the defaults serialise");
    let mut paths = BTreeSet::new();
    if let Value::Dict(_, dict) = &defaults {
        collect(dict, "", &mut |path, _| {
            paths.insert(path);
        });
    }
    paths
});

/// Calls `found` with the path and value of every entry of `dict`, nested ones too.
fn collect(dict: &Dict, prefix: &str, found: &mut impl FnMut(String, &Value)) {
    for (key, value) in dict {
        let path = format!("{prefix}{key}");
        if let Value::Dict(_, inner) = value {
            collect(inner, &format!("{path}."), found);
        }
        found(path, value);
    }
}

/// The settings that hold a value (not a section), with their values in `config`.
#[cfg(test)]
pub(super) fn leaves(config: &Value) -> Vec<(String, Value)> {
    let mut leaves = Vec::new();
    if let Value::Dict(_, dict) = config {
        collect(dict, "", &mut |path, value| {
            if !matches!(value, Value::Dict(..)) {
                leaves.push((path, value.clone()));
            }
        });
    }
    leaves
}

/// The setting a variable names, without its `YISHE_` prefix (`JWT__ISSUER`).
fn setting_of(variable: &str) -> String {
    variable.to_ascii_lowercase().replace("__", ".")
}

/// Whether `YISHE_<key>` names a setting.
pub(super) fn is_setting_variable(key: &str) -> bool {
    SETTINGS.contains(&setting_of(key))
}

/// The `YISHE_*` variables in the environment that name no setting, each with the
/// setting it most likely meant.
pub(super) fn unknown_variables() -> Vec<String> {
    let mut unknown: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|name| name.starts_with("YISHE_") && !NOT_SETTINGS.contains(&name.as_str()))
        .filter(|name| !is_setting_variable(&name["YISHE_".len()..]))
        .map(|name| match closest(&setting_of(&name["YISHE_".len()..])) {
            Some(meant) => format!("{name} (did you mean {}?)", variable_of(meant)),
            None => name,
        })
        .collect();
    unknown.sort();
    unknown
}

/// The variable that sets `setting` (`jwt.issuer`: `YISHE_JWT__ISSUER`).
fn variable_of(setting: &str) -> String {
    format!("YISHE_{}", setting.replace('.', "__").to_ascii_uppercase())
}

/// The setting whose name is nearest to `setting`, if any is near.
fn closest(setting: &str) -> Option<&'static str> {
    SETTINGS
        .iter()
        .map(|known| (strsim::levenshtein(setting, known), known.as_str()))
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, known)| known)
}

/// Refuses a file that names a setting Yishe does not have (a typo would otherwise be
/// ignored, and the default silently used).
pub(super) fn refuse_unknown_settings(
    file: &impl Provider,
    path: &Path,
) -> Result<(), ConfigError> {
    let data = file.data().map_err(|e| ConfigError::Load(Box::new(e)))?;
    let mut unknown = Vec::new();
    for dict in data.values() {
        collect(dict, "", &mut |key, _| {
            if !SETTINGS.contains(&key) {
                unknown.push(key);
            }
        });
    }
    let Some(key) = unknown.first() else {
        return Ok(());
    };
    let hint = closest(key)
        .map(|meant| format!(" (did you mean `{meant}`?)"))
        .unwrap_or_default();
    Err(ConfigError::Load(Box::new(figment::Error::from(format!(
        "{}: unknown setting `{key}`{hint}",
        path.display()
    )))))
}
