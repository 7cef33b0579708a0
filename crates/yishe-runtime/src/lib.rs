//! What every Yishe process shares: layered configuration, telemetry, the API-key
//! authentication layer and the policy table, gRPC and domain metrics, load shedding,
//! the mapping of error codes to gRPC statuses, and the server builder with health,
//! reflection and graceful shutdown.

mod allocator;
pub mod auth;
pub mod call_span;
pub mod clock;
pub mod config;
pub mod console;
pub mod failure;
pub mod fingerprint;
pub mod grpc_metrics;
pub mod http;
pub mod load_shed;
pub mod locale;
mod messages;
pub mod metrics;
pub mod oversize;
pub mod process;
pub mod server;
pub mod services;
pub mod shutdown;
pub mod status;
mod store_metrics;
pub mod telemetry;
pub mod tls;
pub mod use_case;

pub use clock::process_clock;
pub use config::Config;
pub use failure::Failure;
pub use metrics::Metrics;
pub use process::{Process, StartError, run_standalone};
pub use services::{Register, Services};
pub use shutdown::Shutdown;
