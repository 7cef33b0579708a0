//! A request message over the size the server decodes is answered RESOURCE_EXHAUSTED
//! with the reason `MESSAGE_TOO_LARGE` and the limit, as gRPC specifies, instead of
//! the OUT_OF_RANGE the transport's decoder answers with. No Yishe service answers
//! OUT_OF_RANGE itself, so the decoder's is the only one there is to translate.

use std::task::{Context, Poll};

use tower::{Layer, Service};

use crate::status::MessageTooLarge;

/// The largest request message decoded: the transport's default, 4 MiB.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// `grpc-status` 11 is OUT_OF_RANGE.
const OUT_OF_RANGE: &str = "11";

#[derive(Debug, Clone, Default)]
pub struct OversizeLayer;

impl<S> Layer<S> for OversizeLayer {
    type Service = Oversize<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Oversize { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Oversize<S> {
    inner: S,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for Oversize<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            // A refused decode answers at once, with the status in the headers.
            let refused = response
                .headers()
                .get("grpc-status")
                .is_some_and(|code| code == OUT_OF_RANGE);
            if refused {
                let status = crate::status::of(&MessageTooLarge {
                    limit: MAX_MESSAGE_BYTES,
                });
                return Ok(status.into_http());
            }
            Ok(response)
        })
    }
}
