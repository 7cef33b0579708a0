//! Paged lists: how much a caller asked for and from where, and what one page holds.
//! A page token is the position this server handed out (the last id of a page), so a
//! list continues after it in its own order.

use crate::Violations;

/// The default and the largest page of one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    pub default: u32,
    pub max: u32,
}

/// One page asked for: at most `limit` items, after the position `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<A> {
    pub limit: u32,
    pub after: Option<A>,
}

impl<A> PageRequest<A> {
    /// Parses a list's `page_size` and `page_token`, naming what is wrong: a page size
    /// of 0 means the default, more than the largest means the largest, negative is
    /// refused; an empty token is the first page, another must be one we issued.
    pub fn parse(
        page_size: i32,
        page_token: &str,
        limits: PageLimits,
        position: impl FnOnce(&str) -> Option<A>,
        v: &mut Violations,
    ) -> Self {
        Self {
            limit: v.page_size(page_size, limits.default, limits.max),
            after: v.page_token(page_token, position),
        }
    }

    /// The first page of `limit` items.
    pub fn first(limit: u32) -> Self {
        Self { limit, after: None }
    }
}

/// One page of a list, and the position to continue from when more may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, A> {
    pub items: Vec<T>,
    pub next_after: Option<A>,
}

impl<T, A> Page<T, A> {
    /// The page from `rows` fetched with one more than `limit`: the extra row only
    /// tells that more follow, and the last kept item's position is the next token.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, position: impl Fn(&T) -> A) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_after = if more {
            rows.last().map(position)
        } else {
            None
        };
        Self {
            items: rows,
            next_after,
        }
    }

    /// The token of the next page: empty on the last.
    pub fn next_page_token(&self) -> String
    where
        A: std::fmt::Display,
    {
        self.next_after
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: PageLimits = PageLimits {
        default: 20,
        max: 100,
    };

    #[test]
    fn sizes_and_tokens_are_parsed_or_named() {
        let mut v = Violations::new();
        let page = PageRequest::parse(0, "", LIMITS, |t| t.parse::<u32>().ok(), &mut v);
        assert_eq!(
            page,
            PageRequest {
                limit: 20,
                after: None
            }
        );
        let page = PageRequest::parse(1000, "7", LIMITS, |t| t.parse::<u32>().ok(), &mut v);
        assert_eq!(
            page,
            PageRequest {
                limit: 100,
                after: Some(7)
            }
        );
        assert!(v.is_empty());
        PageRequest::parse(-1, "forged", LIMITS, |t| t.parse::<u32>().ok(), &mut v);
        assert!(v.names("page_size") && v.names("page_token"));
    }

    #[test]
    fn a_page_knows_whether_more_follow() {
        let page = Page::from_rows(vec![5, 4, 3], 2, |n| *n);
        assert_eq!(
            (page.items.as_slice(), page.next_page_token()),
            (&[5, 4][..], "4".to_owned())
        );
        let last = Page::from_rows(vec![2, 1], 2, |n| *n);
        assert_eq!(last.next_page_token(), "");
    }
}
