//! A global limit on calls in flight. Past it, calls are refused at once with
//! RESOURCE_EXHAUSTED rather than queued: a client can back off and retry, while a
//! queue would only grow the latency of everyone.

use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Semaphore;
use tower::{Layer, Service};

#[derive(Debug, Clone)]
pub struct LoadShedLayer {
    permits: Arc<Semaphore>,
}

impl LoadShedLayer {
    pub fn new(max_in_flight: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight)),
        }
    }
}

impl<S> Layer<S> for LoadShedLayer {
    type Service = LoadShed<S>;

    fn layer(&self, inner: S) -> Self::Service {
        LoadShed {
            inner,
            permits: self.permits.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadShed<S> {
    inner: S,
    permits: Arc<Semaphore>,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for LoadShed<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    B: Send + 'static,
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
        let permit = self.permits.clone().try_acquire_owned();
        Box::pin(async move {
            let Ok(_permit) = permit else {
                return Ok(crate::status::of(&crate::status::Overloaded).into_http());
            };
            // The permit is held until the response starts: a long-lived stream does
            // not keep a slot for its whole life.
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::sync::Notify;
    use tower::{Layer, Service, ServiceExt};

    use super::LoadShedLayer;

    #[tokio::test]
    async fn past_the_limit_calls_are_refused_at_once() {
        let release = Arc::new(Notify::new());
        let gate = release.clone();
        let inner = tower::service_fn(move |_: http::Request<()>| {
            let gate = gate.clone();
            async move {
                gate.notified().await;
                Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::default()))
            }
        });
        let mut service = LoadShedLayer::new(1).layer(inner);
        let first = service.ready().await.unwrap().call(http::Request::new(()));
        let first = tokio::spawn(first);
        tokio::task::yield_now().await;

        let refused = service
            .ready()
            .await
            .unwrap()
            .call(http::Request::new(()))
            .await
            .unwrap();
        let status = tonic::Status::from_header_map(refused.headers()).expect("a grpc status");
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);

        release.notify_one();
        let answered = first.await.unwrap().unwrap();
        assert!(tonic::Status::from_header_map(answered.headers()).is_none());
        // The slot is free again.
        let again = tokio::spawn(service.ready().await.unwrap().call(http::Request::new(())));
        tokio::task::yield_now().await;
        release.notify_one();
        let again = again.await.unwrap().unwrap();
        assert!(tonic::Status::from_header_map(again.headers()).is_none());
    }
}
