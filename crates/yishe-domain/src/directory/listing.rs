//! Paging the directory's lists. They are small (a hospital group's departments, a
//! few stations, a station's workers and keys), so each is read whole, sorted here by
//! a unique key, and cut after the key of the last item handed out: a department
//! added meanwhile neither repeats nor shifts what a caller has seen.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{Page, PageLimits, PageRequest};

/// The default and the largest page of a directory list.
pub const DIRECTORY_PAGES: PageLimits = PageLimits {
    default: 100,
    max: 500,
};

/// Where the next page of a directory list starts: after the item with this key.
/// Opaque to callers (base64 of the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryCursor(String);

impl DirectoryCursor {
    /// The cursor a page token names; `None` for one this server did not issue.
    pub fn parse(token: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        String::from_utf8(bytes).ok().map(Self)
    }
}

impl std::fmt::Display for DirectoryCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(&self.0))
    }
}

/// One page of `items` in the order of `key` (unique per item), after `page.after`.
pub fn page_of<T>(
    mut items: Vec<T>,
    key: impl Fn(&T) -> String,
    page: PageRequest<DirectoryCursor>,
) -> Page<T, DirectoryCursor> {
    items.sort_by_cached_key(|item| key(item));
    let start = match &page.after {
        Some(after) => items.partition_point(|item| key(item) <= after.0),
        None => 0,
    };
    let rest: Vec<T> = items
        .into_iter()
        .skip(start)
        .take(page.limit as usize + 1)
        .collect();
    Page::from_rows(rest, page.limit, |item| DirectoryCursor(key(item)))
}

/// A sort key of several parts, ordered part by part: `\0` sorts before any
/// character a part holds.
pub fn key_of(parts: &[&str]) -> String {
    parts.join("\0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_key_and_survive_inserts_between_them() {
        let key = |s: &&str| s.to_string();
        let first = page_of(vec!["c", "a", "b", "d"], key, PageRequest::first(2));
        assert_eq!(first.items, ["a", "b"]);
        let token = first.next_page_token();
        let after = DirectoryCursor::parse(&token).unwrap();
        // "aa" arrives before the next page is read: it sorts before the cursor, so
        // the next page neither repeats "b" nor shows "aa".
        let second = page_of(
            vec!["aa", "d", "c", "a", "b"],
            key,
            PageRequest {
                limit: 2,
                after: Some(after),
            },
        );
        assert_eq!(second.items, ["c", "d"]);
        assert_eq!(second.next_page_token(), "", "the last page");
    }

    #[test]
    fn parts_order_before_their_longer_neighbours_and_tokens_are_checked() {
        assert!(key_of(&["h1", "a"]) < key_of(&["h1", "a-b"]));
        assert!(key_of(&["h1", "z"]) < key_of(&["h1-x", "a"]));
        assert_eq!(DirectoryCursor::parse("%%%"), None);
        let cursor = DirectoryCursor(key_of(&["h1", "onc"]));
        assert_eq!(DirectoryCursor::parse(&cursor.to_string()), Some(cursor));
    }
}
