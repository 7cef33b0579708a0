//! Enum names on the command line (`urgent`, `FINANCIAL_HARDSHIP`) and in output.

use crate::failure::Failure;

/// Parses `text` as the contract's enum value `PREFIX_TEXT`, in any case.
pub(crate) fn parse<E>(
    prefix: &str,
    text: &str,
    from_name: fn(&str) -> Option<E>,
    what: &str,
) -> Result<E, Failure> {
    let name = format!(
        "{prefix}{}",
        text.trim().to_ascii_uppercase().replace('-', "_")
    );
    from_name(&name).ok_or_else(|| Failure::local(format!("unknown {what} {text:?}")))
}

/// The short name of an enum value: `REFERRAL_STATUS_ACCEPTED` -> `ACCEPTED`.
pub(crate) fn short(prefix: &str, name: &str) -> String {
    name.strip_prefix(prefix).unwrap_or(name).to_owned()
}
