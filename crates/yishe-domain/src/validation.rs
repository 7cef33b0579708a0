//! Field-level validation that reports every offending field at once, so an
//! integrator fixes a message in one round trip rather than one field per call.

use std::fmt;

/// One offending field: its path in the request (`referral.patient.name`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// All the violations found in one request. Empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single violation, for checks that find one problem.
    pub fn one(field: impl Into<String>, description: impl Into<String>) -> Self {
        let mut violations = Self::new();
        violations.add(field, description);
        violations
    }

    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldViolation> {
        self.0.iter()
    }

    /// Whether `field` is among the violations (tests and error messages use it).
    pub fn names(&self, field: &str) -> bool {
        self.0.iter().any(|v| v.field == field)
    }

    /// Reads an update's `update_mask`: sets the flag of each path named in `fields`,
    /// and names under `update_mask` an empty mask and every path not among them
    /// (`what` says what the mask changes, as in "the fields to change").
    pub fn field_mask(&mut self, paths: &[String], fields: &mut [(&str, &mut bool)], what: &str) {
        if paths.is_empty() {
            self.add("update_mask", format!("is required: name {what}"));
        }
        for path in paths {
            match fields.iter_mut().find(|(name, _)| name == path) {
                Some((_, flag)) => **flag = true,
                None => self.add("update_mask", format!("{path:?} cannot be changed")),
            }
        }
    }

    /// `Ok(value)` when nothing was found, else the violations.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// A required text of at most `max` characters; returns it trimmed.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, "is required");
        } else {
            self.check_length(field, trimmed, max);
        }
        trimmed.to_owned()
    }

    /// An optional text of at most `max` characters; returns it trimmed.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        self.check_length(field, trimmed, max);
        trimmed.to_owned()
    }

    /// A list's `page_size`: 0 means `default`, more than `max` means `max`, negative
    /// is a violation.
    pub fn page_size(&mut self, requested: i32, default: u32, max: u32) -> u32 {
        match requested {
            0 => default,
            n if n < 0 => {
                self.add("page_size", "must not be negative");
                default
            }
            n => (n as u32).min(max),
        }
    }

    /// A list's `page_token`: empty means the first page; otherwise it must parse as
    /// the position this server handed out (`parse`), else it is a violation.
    pub fn page_token<T>(
        &mut self,
        token: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        if token.is_empty() {
            return None;
        }
        let parsed = parse(token);
        if parsed.is_none() {
            self.add("page_token", "is not a token this server issued");
        }
        parsed
    }

    fn check_length(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.add(field, "must not contain control characters");
        }
    }
}

impl fmt::Display for Violations {
    /// Names the fields only: descriptions never echo the submitted values, which may be
    /// patient data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect();
        write!(f, "invalid request: {}", parts.join("; "))
    }
}

impl std::error::Error for Violations {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_are_empty_or_ours() {
        let mut v = Violations::new();
        assert_eq!(v.page_token("", |t| t.parse::<u32>().ok()), None);
        assert_eq!(v.page_token("42", |t| t.parse::<u32>().ok()), Some(42));
        assert!(v.is_empty());
        assert_eq!(v.page_token("forged", |t| t.parse::<u32>().ok()), None);
        assert!(v.names("page_token"));
    }

    #[test]
    fn required_text_reports_empty_and_too_long() {
        let mut v = Violations::new();
        v.required_text("a", "   ", 5);
        v.required_text("b", "abcdef", 5);
        assert_eq!(v.required_text("c", " ok ", 5), "ok");
        assert!(v.names("a") && v.names("b") && !v.names("c"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut v = Violations::new();
        v.required_text("name", "张三丰", 3);
        assert!(v.is_empty());
    }

    #[test]
    fn control_characters_are_refused() {
        let mut v = Violations::new();
        v.optional_text("note", "a\u{0}b", 10);
        assert!(v.names("note"));
    }
}
