//! The Yishe gRPC contract: code generated from `proto/`, the encoded descriptor set,
//! and the conversions between wire messages and domain types.

#[allow(unreachable_pub, missing_debug_implementations, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/yishe.rs"));
}

pub use generated::yishe::{
    assessment::v1 as assessment, audit::v1 as audit, common::v1 as common,
    directory::v1 as directory, followup::v1 as followup, plan::v1 as plan, privacy::v1 as privacy,
    referral::v1 as referral, report::v1 as report, security::v1 as security,
};

/// `google.type.Date`: calendar dates (a plan's review date, a goal's target date).
pub use generated::google::r#type::Date;

/// The encoded `FileDescriptorSet` of the whole contract, for gRPC reflection and for
/// checking the policy table against every method.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/yishe_descriptor.bin"));

pub mod client;
pub mod convert;
mod feed;

#[cfg(test)]
mod tests {
    use prost::Message;

    /// Every file of the contract tells the code generators of other languages where
    /// its code goes, so an HIS vendor's generated code does not land in one package
    /// named after the proto package.
    #[test]
    fn every_contract_file_names_its_packages_for_other_languages() {
        let set = prost_types::FileDescriptorSet::decode(super::FILE_DESCRIPTOR_SET).unwrap();
        let ours: Vec<_> = set
            .file
            .iter()
            .filter(|f| f.package().starts_with("yishe."))
            .collect();
        assert!(ours.len() >= 6, "{} contract files", ours.len());
        for file in ours {
            let options = file.options.as_ref().expect("file options");
            // `yishe.referral.v1` → `referral`.
            let name = file.package().split('.').nth(1).unwrap();
            assert!(
                options
                    .go_package()
                    .ends_with(&format!("/yishe/{name}/v1;{name}v1")),
                "{}: go_package {:?}",
                file.name(),
                options.go_package()
            );
            assert_eq!(
                options.java_package(),
                format!("org.yishe.{name}.v1"),
                "{}",
                file.name()
            );
            assert!(options.java_multiple_files(), "{}", file.name());
            assert!(
                options.csharp_namespace().starts_with("Yishe."),
                "{}",
                file.name()
            );
        }
    }
}
