//! The Yishe gRPC contract: code generated from `proto/`, the encoded descriptor set,
//! and the conversions between wire messages and domain types.

#[allow(unreachable_pub, missing_debug_implementations, clippy::all)]
mod generated {
    pub mod yishe {
        pub mod common {
            pub mod v1 {
                tonic::include_proto!("yishe.common.v1");
            }
        }
        pub mod referral {
            pub mod v1 {
                tonic::include_proto!("yishe.referral.v1");
            }
        }
        pub mod directory {
            pub mod v1 {
                tonic::include_proto!("yishe.directory.v1");
            }
        }
        pub mod audit {
            pub mod v1 {
                tonic::include_proto!("yishe.audit.v1");
            }
        }
        pub mod assessment {
            pub mod v1 {
                tonic::include_proto!("yishe.assessment.v1");
            }
        }
        pub mod security {
            pub mod v1 {
                tonic::include_proto!("yishe.security.v1");
            }
        }
    }
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
