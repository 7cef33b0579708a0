//! The language of the `LocalizedMessage` in every error: Simplified Chinese for a
//! caller whose `accept-language` prefers it (a station's console, an HIS in a Chinese
//! hospital), English otherwise. The status message itself stays English, for logs and
//! programs; programs should read `ErrorInfo.reason`.
//!
//! `LocaleLayer` reads the header once per call and keeps the choice in a task-local
//! for the call's handler, so the one place that builds statuses (`status::of`) can
//! read it without every use-case passing it along.

use std::task::{Context, Poll};

use tower::{Layer, Service};

tokio::task_local! {
    static CURRENT: Locale;
}

/// The languages errors are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    English,
    SimplifiedChinese,
}

impl Locale {
    /// The caller's choice from an `accept-language` value: the first language listed
    /// with a weight above zero that Yishe writes (`zh`, `zh-CN`, `zh-Hans` are
    /// Chinese; `en-*` English); English when none is.
    pub fn from_accept_language(header: &str) -> Self {
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (weight > 0.0 && !tag.is_empty()).then_some((weight, tag))
            })
            .collect();
        // Stable: among equal weights the order written wins.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .into_iter()
            .find_map(|(_, tag)| Self::of_tag(tag))
            .unwrap_or_default()
    }

    fn of_tag(tag: &str) -> Option<Self> {
        let tag = tag.to_ascii_lowercase();
        let mut subtags = tag.split(['-', '_']);
        match subtags.next()? {
            // Traditional Chinese (by script, or by a region that writes it) is not
            // offered: the next language the caller lists is used instead.
            "zh" => {
                let subtags: Vec<&str> = subtags.collect();
                let traditional = subtags.contains(&"hant")
                    || (!subtags.contains(&"hans")
                        && subtags.iter().any(|s| matches!(*s, "tw" | "hk" | "mo")));
                (!traditional).then_some(Self::SimplifiedChinese)
            }
            "en" => Some(Self::English),
            _ => None,
        }
    }

    /// The locale of the call being handled (English outside a call).
    pub fn current() -> Self {
        CURRENT.try_with(|locale| *locale).unwrap_or_default()
    }

    /// The BCP 47 tag a `LocalizedMessage` carries.
    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en-US",
            Self::SimplifiedChinese => "zh-CN",
        }
    }

    /// The message for an error with `reason` and `metadata`: in Chinese from the
    /// catalogue (its `{key}`s filled from the metadata), or `english` as it is.
    pub fn message(self, reason: &str, metadata: &[(&str, String)], english: &str) -> String {
        match self {
            Self::English => english.to_owned(),
            Self::SimplifiedChinese => match crate::messages::zh_cn(reason) {
                Some(template) => fill_in_chinese(template, metadata),
                None => english.to_owned(),
            },
        }
    }
}

/// `template` with each `{key}` replaced by its metadata value, in the words station
/// staff use where there are some (a status's Chinese name, with its code beside it).
fn fill_in_chinese(template: &str, metadata: &[(&str, String)]) -> String {
    metadata
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            let shown = match crate::messages::zh_cn_value(value) {
                Some(words) => format!("{words}（{value}）"),
                None => value.clone(),
            };
            text.replace(&format!("{{{key}}}"), &shown)
        })
}

/// Runs each call with the locale its `accept-language` asks for.
#[derive(Debug, Clone, Default)]
pub struct LocaleLayer;

impl<S> Layer<S> for LocaleLayer {
    type Service = WithLocale<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WithLocale { inner }
    }
}

#[derive(Debug, Clone)]
pub struct WithLocale<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for WithLocale<S>
where
    S: Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = tokio::task::futures::TaskLocalFuture<Locale, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let locale = request
            .headers()
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map(Locale::from_accept_language)
            .unwrap_or_default();
        CURRENT.scope(locale, self.inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_when_preferred_english_otherwise() {
        use Locale::*;
        for (header, expected) in [
            ("zh-CN,zh;q=0.9,en;q=0.8", SimplifiedChinese),
            ("zh", SimplifiedChinese),
            ("zh-Hans-CN", SimplifiedChinese),
            ("en-US,en;q=0.9,zh-CN;q=0.8", English),
            ("fr-FR, zh-CN;q=0.5", SimplifiedChinese),
            ("en;q=0.2, zh-CN;q=0.7", SimplifiedChinese),
            ("zh-CN;q=0, en", English),
            ("zh-TW", English),
            ("de", English),
            ("", English),
            ("zh-CN;q=banana", English),
        ] {
            assert_eq!(Locale::from_accept_language(header), expected, "{header:?}");
        }
    }

    #[test]
    fn chinese_messages_fill_in_the_metadata_and_fall_back_to_english() {
        let metadata = [("caseload_limit", "12".to_owned())];
        let zh = Locale::SimplifiedChinese.message("CASELOAD_FULL", &metadata, "full");
        assert!(zh.contains("12") && !zh.contains('{'), "{zh}");
        let status = [
            ("status", "ON_HOLD".to_owned()),
            ("command", "CANCEL".to_owned()),
        ];
        let zh = Locale::SimplifiedChinese.message("WRONG_STATUS", &status, "wrong");
        assert!(zh.contains("暂停（ON_HOLD）"), "{zh}");
        assert_eq!(
            Locale::SimplifiedChinese.message("NOT_A_REASON", &[], "as it was"),
            "as it was"
        );
        assert_eq!(
            Locale::English.message("CASELOAD_FULL", &metadata, "full"),
            "full"
        );
    }
}
