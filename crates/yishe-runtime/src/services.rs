//! The one shape every Yishe service has. A service crate offers
//! `Options::from(&Process)` (what it needs, read from the process: store, clock,
//! metrics, its configuration section) and `start(Options, &mut Services)` (its
//! background work started, its gRPC services added), and `register` doing both. The
//! all-in-one server registers every service through one list; a service's own binary
//! passes its `register` to `run_standalone`.

use std::convert::Infallible;

use tonic::server::NamedService;
use tonic::service::RoutesBuilder;

use crate::{Process, StartError};

/// How a service joins a process.
pub type Register = fn(&Process, &mut Services) -> Result<(), StartError>;

/// The gRPC services a process serves, and their names for the health service.
#[derive(Debug, Default)]
pub struct Services {
    routes: RoutesBuilder,
    names: Vec<&'static str>,
}

impl Services {
    /// Adds a gRPC service; health reports it by its full name.
    pub fn add<S>(&mut self, service: S) -> &mut Self
    where
        S: tower::Service<
                http::Request<tonic::body::Body>,
                Error = Infallible,
                Response = http::Response<tonic::body::Body>,
            > + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.names.push(S::NAME);
        self.routes.add_service(service);
        self
    }

    /// The full names of the services added (`yishe.referral.v1.ReferralService`).
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    pub(crate) fn into_parts(self) -> (RoutesBuilder, Vec<&'static str>) {
        (self.routes, self.names)
    }
}
