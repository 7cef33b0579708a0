//! A span for every call, in the caller's trace: the W3C `traceparent` of the request
//! (an HIS that traces its own work, Yishe's CLI) becomes the span's parent, and the
//! span names the method, the status code and the trace id (so every log line of the
//! call carries it) — never a request's content. Outermost layer, so calls refused by
//! load shedding or authentication are traced too.

use std::task::{Context, Poll};

use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TraceId};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tower::{Layer, Service};
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::grpc_metrics::{grpc_status, labels};

#[derive(Debug, Clone, Copy, Default)]
pub struct CallSpanLayer;

impl<S> Layer<S> for CallSpanLayer {
    type Service = CallSpan<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallSpan { inner }
    }
}

#[derive(Debug, Clone)]
pub struct CallSpan<S> {
    inner: S,
}

/// The health service's paths.
const HEALTH: &str = "/grpc.health.v1.Health/";

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B, R> Service<http::Request<B>> for CallSpan<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // The orchestrator's probes, every few seconds on every pod: not worth a trace.
        if request.uri().path().starts_with(HEALTH) {
            return Box::pin(self.inner.call(request));
        }
        let (service, method) = labels(request.uri().path());
        let span = tracing::info_span!(
            "grpc",
            otel.name = %format_args!("{service}/{method}"),
            otel.kind = "server",
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let parent = TraceContextPropagator::new().extract(&Headers(request.headers()));
        let parent_trace = parent.span().span_context().trace_id();
        if parent_trace != TraceId::INVALID {
            // Refused only when no OpenTelemetry layer is installed: the caller's
            // trace id is still logged below.
            let _ = span.set_parent(parent);
        }
        // The span's own trace when spans are exported (the caller's, or a new one),
        // else the caller's, if it sent one.
        let trace = Some(span.context().span().span_context().trace_id())
            .filter(|id| *id != TraceId::INVALID)
            .or(Some(parent_trace).filter(|id| *id != TraceId::INVALID));
        if let Some(trace) = trace {
            span.record("trace_id", tracing::field::display(trace));
        }
        let answered = {
            let _entered = span.enter();
            self.inner.call(request)
        };
        let recorder = span.clone();
        Box::pin(
            async move {
                let response = answered.await;
                if let Ok(response) = &response {
                    recorder.record("rpc.grpc.status_code", grpc_status(response) as i32);
                }
                response
            }
            .instrument(span),
        )
    }
}

/// A request's headers, read by the propagator.
struct Headers<'a>(&'a http::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callers_trace_context_is_read_from_its_headers() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        );
        let parent = TraceContextPropagator::new().extract(&Headers(&headers));
        assert_eq!(
            parent.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        let none = TraceContextPropagator::new().extract(&Headers(&http::HeaderMap::new()));
        assert_eq!(none.span().span_context().trace_id(), TraceId::INVALID);
    }
}
