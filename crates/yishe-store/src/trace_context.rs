//! The W3C trace context an event carries from the call that recorded it to the work
//! other processes do for it: stored beside the event in the outbox and the feed (a
//! `traceparent`, ids only), and taken up again as the parent of the relay's and the
//! feed readers' spans. Nothing here is exported unless OpenTelemetry is configured:
//! without its layer the current span has no trace context and none is stored.

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The header (and the only key) of the W3C trace context kept.
const TRACEPARENT: &str = "traceparent";

/// The `traceparent` of the current span, if it belongs to a trace.
pub fn current() -> Option<String> {
    let context = tracing::Span::current().context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut carrier = Carrier(None);
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.0
}

/// Makes `span` a child of the call that `traceparent` names (a span of this process
/// otherwise stays where it is). Call before the span is first entered.
pub fn follow(span: &tracing::Span, traceparent: Option<&str>) {
    let Some(traceparent) = traceparent else {
        return;
    };
    let parent = TraceContextPropagator::new().extract(&Carrier(Some(traceparent.to_owned())));
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

/// The span of one write transaction on `engine`, a child of the current one.
pub(crate) fn transaction_span(engine: crate::Engine) -> tracing::Span {
    // OpenTelemetry's names for the engines (`db.system.name`).
    let system = match engine {
        crate::Engine::Postgres => "postgresql",
        crate::Engine::Sqlite => "sqlite",
    };
    tracing::info_span!(
        "db.transaction",
        otel.kind = "client",
        db.system.name = system
    )
}

/// One `traceparent`, in and out of the propagator.
struct Carrier(Option<String>);

impl Injector for Carrier {
    fn set(&mut self, key: &str, value: String) {
        if key == TRACEPARENT {
            self.0 = Some(value);
        }
    }
}

impl Extractor for Carrier {
    fn get(&self, key: &str) -> Option<&str> {
        (key == TRACEPARENT).then_some(self.0.as_deref()).flatten()
    }

    fn keys(&self) -> Vec<&str> {
        vec![TRACEPARENT]
    }
}
