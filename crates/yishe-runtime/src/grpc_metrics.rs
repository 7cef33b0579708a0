//! Counts and times every call for `grpc_server_*`. Outermost layer, so calls refused
//! by load shedding or authentication are counted too.

use std::task::{Context, Poll};
use std::time::Instant;

use tower::{Layer, Service};

use crate::auth::policy;
use crate::metrics::Metrics;
use crate::status::code_name;

#[derive(Debug, Clone)]
pub struct GrpcMetricsLayer {
    metrics: Metrics,
}

impl GrpcMetricsLayer {
    pub fn new(metrics: Metrics) -> Self {
        Self { metrics }
    }
}

impl<S> Layer<S> for GrpcMetricsLayer {
    type Service = GrpcMetrics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcMetrics {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GrpcMetrics<S> {
    inner: S,
    metrics: Metrics,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Service and method labels for a path; paths outside the policy table share one
/// label so that a scanner cannot blow up the metric's cardinality.
pub(crate) fn labels(path: &str) -> (&'static str, &'static str) {
    // The policy table's own strings: nothing allocated per call.
    match policy::entry(path) {
        Some((service, method, _)) => (service.trim_matches('/'), method),
        None => ("unknown", "unknown"),
    }
}

impl<S, B, R> Service<http::Request<B>> for GrpcMetrics<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let metrics = self.metrics.clone();
        let (service, method) = labels(request.uri().path());
        Box::pin(async move {
            metrics
                .grpc_started
                .with_label_values(&[service, method])
                .inc();
            let started = Instant::now();
            let response = inner.call(request).await;
            metrics
                .grpc_handling_seconds
                .with_label_values(&[service, method])
                .observe(started.elapsed().as_secs_f64());
            if let Ok(response) = &response {
                let code = grpc_status(response);
                metrics
                    .grpc_handled
                    .with_label_values(&[service, method, code_name(code)])
                    .inc();
            }
            response
        })
    }
}

/// A response's status: errors come as trailers-only responses with the status in the
/// headers; a successful unary answer carries it in the trailers, as OK.
pub(crate) fn grpc_status<R>(response: &http::Response<R>) -> tonic::Code {
    response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map(tonic::Code::from_i32)
        .unwrap_or(tonic::Code::Ok)
}

#[cfg(test)]
mod tests {
    use super::labels;

    #[test]
    fn unknown_paths_share_one_label() {
        assert_eq!(
            labels("/yishe.referral.v1.ReferralService/GetReferral"),
            ("yishe.referral.v1.ReferralService", "GetReferral")
        );
        assert_eq!(labels("/random/junk-123"), ("unknown", "unknown"));
    }
}
