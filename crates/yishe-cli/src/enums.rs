//! Enum names on the command line (`urgent`, `FINANCIAL_HARDSHIP`) and in output.

use crate::failure::Failure;

/// Parses `text` as the contract's enum value `PREFIX_TEXT`, in any case; an unknown
/// one is refused with the valid choices (every value but the unset zero).
pub(crate) fn parse<E: TryFrom<i32>>(
    prefix: &str,
    text: &str,
    from_name: fn(&str) -> Option<E>,
    to_name: fn(&E) -> &'static str,
    what: &str,
) -> Result<E, Failure> {
    let name = format!(
        "{prefix}{}",
        text.trim().to_ascii_uppercase().replace('-', "_")
    );
    // The unset zero is no choice.
    let known = (name != format!("{prefix}UNSPECIFIED"))
        .then(|| from_name(&name))
        .flatten();
    known.ok_or_else(|| {
        Failure::local(format!(
            "unknown {what} {text:?}: one of {}",
            choices(prefix, to_name).join(", ")
        ))
    })
}

/// The short names of an enum's values, in the contract's order. Values are numbered
/// from 1 without gaps (the contract's style), so the first number without a value
/// ends the list.
fn choices<E: TryFrom<i32>>(prefix: &str, to_name: fn(&E) -> &'static str) -> Vec<String> {
    (1..)
        .map_while(|n| E::try_from(n).ok())
        .map(|value| short(prefix, to_name(&value)))
        .collect()
}

/// The short name of an enum value: `REFERRAL_STATUS_ACCEPTED` -> `ACCEPTED`.
pub(crate) fn short(prefix: &str, name: &str) -> String {
    name.strip_prefix(prefix).unwrap_or(name).to_owned()
}

#[cfg(test)]
mod tests {
    use yishe_proto::common::Priority;
    use yishe_proto::referral::Sex;

    use super::*;

    #[test]
    fn an_unknown_value_is_refused_with_the_choices() {
        let refused = parse("SEX_", "man", Sex::from_str_name, Sex::as_str_name, "sex");
        let Err(Failure::Local(message)) = refused else {
            panic!("man is not a sex in the contract");
        };
        assert_eq!(message, "unknown sex \"man\": one of FEMALE, MALE, OTHER");
        let priority = parse(
            "PRIORITY_",
            "urgent",
            Priority::from_str_name,
            Priority::as_str_name,
            "priority",
        );
        assert!(matches!(priority, Ok(Priority::Urgent)));
        let unset = parse(
            "PRIORITY_",
            "unspecified",
            Priority::from_str_name,
            Priority::as_str_name,
            "priority",
        );
        assert!(unset.is_err(), "the unset zero is no choice");
    }
}
