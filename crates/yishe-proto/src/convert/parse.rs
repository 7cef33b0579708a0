//! The parsing every request conversion shares: ids, etags and pages, each failure
//! named by its field so that one answer lists everything wrong with a request.

use yishe_domain::{Etag, PageLimits, PageRequest, Violations};

/// The longest idempotency key a create takes.
pub(super) const MAX_REQUEST_ID: usize = 128;

/// The id in `field`, or a violation saying what it must be (`what`: "a referral id").
pub(super) fn id<T>(
    field: &str,
    text: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    v: &mut Violations,
) -> Option<T> {
    let parsed = parse(text);
    if parsed.is_none() {
        v.add(field, format!("must be {what} (a UUID)"));
    }
    parsed
}

/// An id the request may leave empty.
pub(super) fn optional_id<T>(
    field: &str,
    text: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    v: &mut Violations,
) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    id(field, text, what, parse, v)
}

/// The etag a change sends back: required.
pub(super) fn etag(field: &str, text: &str, v: &mut Violations) -> Option<Etag> {
    let etag = Etag::parse(text);
    if etag.is_none() {
        v.add(field, "is required: send the etag last read");
    }
    etag
}

/// A list's `page_size` and `page_token`; the token is the last id of a page.
pub(super) fn page<A>(
    page_size: i32,
    page_token: &str,
    limits: PageLimits,
    position: fn(&str) -> Option<A>,
    v: &mut Violations,
) -> PageRequest<A> {
    PageRequest::parse(page_size, page_token, limits, position, v)
}

/// An optional time a request sends, kept to the microsecond both engines store (so a
/// page token made from it finds the row again); a time out of range is named.
pub(super) fn time(
    field: &str,
    ts: Option<prost_types::Timestamp>,
    v: &mut Violations,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let at = super::time::from_timestamp(&ts?).map(yishe_domain::clock::to_micros);
    if at.is_none() {
        v.add(field, "is not a valid time");
    }
    at
}

/// Adds `more` to `v`.
pub(super) fn merge(v: &mut Violations, more: Violations) {
    for x in more.iter() {
        v.add(&x.field, &x.description);
    }
}
