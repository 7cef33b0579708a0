//! The order of ListReferrals (`order_by`) and its page tokens: opaque to callers, and
//! bound to the filter and order they were issued for, so a token reused with another
//! filter is refused instead of silently skipping or repeating referrals.

use chrono::{DateTime, Utc};

use crate::ids::ReferralId;
use crate::referral::Referral;

/// The orders a list can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListOrder {
    /// Newest first (`create_time desc`): the default.
    #[default]
    NewestFirst,
    /// Oldest first (`create_time`).
    OldestFirst,
    /// Least recently changed first (`update_time`): for polling, with
    /// `update_time>` the last update time seen.
    UpdatedFirst,
    /// Most recently changed first (`update_time desc`).
    UpdatedLast,
}

impl ListOrder {
    /// Parses an `order_by`; `None` for one not offered.
    pub fn parse(text: &str) -> Option<Self> {
        let words: Vec<&str> = text.split_whitespace().collect();
        Some(match words.as_slice() {
            [] | ["create_time", "desc"] => ListOrder::NewestFirst,
            ["create_time"] | ["create_time", "asc"] => ListOrder::OldestFirst,
            ["update_time"] | ["update_time", "asc"] => ListOrder::UpdatedFirst,
            ["update_time", "desc"] => ListOrder::UpdatedLast,
            _ => return None,
        })
    }

    /// Whether the order goes by update time (and its positions carry one).
    pub fn by_update_time(self) -> bool {
        matches!(self, ListOrder::UpdatedFirst | ListOrder::UpdatedLast)
    }

    fn code(self) -> char {
        match self {
            ListOrder::NewestFirst => 'n',
            ListOrder::OldestFirst => 'o',
            ListOrder::UpdatedFirst => 'u',
            ListOrder::UpdatedLast => 'd',
        }
    }
}

/// Where the next page of a referral list starts: after this referral, in the
/// list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPosition {
    pub id: ReferralId,
    /// The referral's update time, for the orders by update time.
    pub updated_at: Option<DateTime<Utc>>,
}

impl ListPosition {
    /// The position after `referral` in `order`.
    pub fn after(referral: &Referral, order: ListOrder) -> Self {
        Self {
            id: referral.id,
            updated_at: order.by_update_time().then_some(referral.updated_at),
        }
    }
}

/// What a page token is bound to: the request's filter text and order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenBinding(u64);

impl TokenBinding {
    /// The binding of a request with this `filter` text and `order`.
    pub fn of(filter: &str, order: ListOrder) -> Self {
        // FNV-1a: stable across processes and versions, so any replica reads any
        // replica's tokens; a binding, not a secret.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in filter.trim().bytes().chain([0, order.code() as u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        Self(hash)
    }
}

/// The version prefix of page tokens; a token of another version is refused.
const TOKEN_VERSION: &str = "r1";

/// The opaque page token for `position` in a list bound by `binding`.
pub fn page_token(position: &ListPosition, binding: TokenBinding) -> String {
    use base64::Engine as _;
    let micros = position
        .updated_at
        .map(|t| t.timestamp_micros().to_string())
        .unwrap_or_default();
    let plain = format!(
        "{TOKEN_VERSION}.{:016x}.{}.{micros}",
        binding.0, position.id
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(plain)
}

/// Why a page token cannot continue a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token Yishe issued.
    Malformed,
    /// Issued for another filter or order.
    OtherRequest,
}

impl TokenError {
    pub fn description(self) -> &'static str {
        match self {
            TokenError::Malformed => "is not a page token this list issued",
            TokenError::OtherRequest => {
                "was issued for another filter or order_by: start again from the first page"
            }
        }
    }
}

/// The position a page token continues from, if it was issued for `binding`.
pub fn parse_page_token(
    token: &str,
    binding: TokenBinding,
    order: ListOrder,
) -> Result<ListPosition, TokenError> {
    use base64::Engine as _;
    let plain = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or(TokenError::Malformed)?;
    let mut parts = plain.split('.');
    let (Some(TOKEN_VERSION), Some(bound), Some(id), Some(micros), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(TokenError::Malformed);
    };
    let bound = u64::from_str_radix(bound, 16).map_err(|_| TokenError::Malformed)?;
    let id = ReferralId::parse(id).ok_or(TokenError::Malformed)?;
    let updated_at = match micros {
        "" => None,
        micros => Some(
            micros
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or(TokenError::Malformed)?,
        ),
    };
    if bound != binding.0 || updated_at.is_some() != order.by_update_time() {
        return Err(TokenError::OtherRequest);
    }
    Ok(ListPosition { id, updated_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_are_parsed_as_aip_132_writes_them() {
        assert_eq!(ListOrder::parse(""), Some(ListOrder::NewestFirst));
        assert_eq!(
            ListOrder::parse("create_time desc"),
            Some(ListOrder::NewestFirst)
        );
        assert_eq!(
            ListOrder::parse(" update_time "),
            Some(ListOrder::UpdatedFirst)
        );
        assert_eq!(
            ListOrder::parse("update_time desc"),
            Some(ListOrder::UpdatedLast)
        );
        assert_eq!(
            ListOrder::parse("create_time asc"),
            Some(ListOrder::OldestFirst)
        );
        assert_eq!(ListOrder::parse("patient.name"), None);
        assert_eq!(ListOrder::parse("update_time sideways"), None);
    }

    #[test]
    fn a_token_continues_only_the_list_it_was_issued_for() {
        let order = ListOrder::UpdatedFirst;
        let binding = TokenBinding::of("status=ACCEPTED", order);
        let position = ListPosition {
            id: ReferralId::new(),
            updated_at: DateTime::from_timestamp_micros(1_764_979_200_123_456),
        };
        let token = page_token(&position, binding);
        assert!(!token.contains(&position.id.to_string()), "opaque: {token}");
        assert_eq!(parse_page_token(&token, binding, order), Ok(position));
        let other_filter = TokenBinding::of("status=REQUESTED", order);
        assert_eq!(
            parse_page_token(&token, other_filter, order),
            Err(TokenError::OtherRequest)
        );
        let other_order = TokenBinding::of("status=ACCEPTED", ListOrder::NewestFirst);
        assert_eq!(
            parse_page_token(&token, other_order, ListOrder::NewestFirst),
            Err(TokenError::OtherRequest)
        );
        assert_eq!(
            parse_page_token(&position.id.to_string(), binding, order),
            Err(TokenError::Malformed),
            "the old raw-id tokens are refused"
        );
        assert_eq!(
            parse_page_token("!!", binding, order),
            Err(TokenError::Malformed)
        );
    }
}
