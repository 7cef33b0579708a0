//! Coded values on the wire: a wire enum travels into the domain as the domain's name
//! (the wire name without its prefix), so the domain validates it and names an unknown
//! value; a domain value goes out as the wire enum of the same name.

/// The domain name of a wire enum value: empty for UNSPECIFIED, the number itself for
/// a value this contract does not know (so validation names it).
pub(super) fn code(value: i32, name: Option<&'static str>, prefix: &str) -> String {
    match name {
        Some(name) if name.ends_with("_UNSPECIFIED") => String::new(),
        Some(name) => name.trim_start_matches(prefix).to_owned(),
        None => value.to_string(),
    }
}

macro_rules! inbound {
    ($value:expr, $enum:ty, $prefix:literal) => {
        $crate::convert::coded::code(
            $value,
            <$enum>::try_from($value).ok().map(|e| e.as_str_name()),
            $prefix,
        )
    };
}

macro_rules! outbound {
    ($value:expr, $enum:ty, $prefix:literal) => {
        <$enum>::from_str_name(&format!("{}{}", $prefix, $value.as_str()))
            .expect("every domain code is in the contract") as i32
    };
}

pub(super) use {inbound, outbound};
