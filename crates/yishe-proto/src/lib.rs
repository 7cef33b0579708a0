//! The Yishe gRPC contract: code generated from `proto/`, the encoded descriptor set,
//! and the conversions between wire messages and domain types.

#[allow(unreachable_pub, missing_debug_implementations, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/yishe.rs"));
}

pub use generated::yishe::{
    assessment::v1 as assessment, audit::v1 as audit, common::v1 as common,
    directory::v1 as directory, referral::v1 as referral, security::v1 as security,
};

/// The encoded `FileDescriptorSet` of the whole contract, for gRPC reflection and for
/// checking the policy table against every method.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/yishe_descriptor.bin"));

pub mod client;
pub mod convert;
mod feed;
