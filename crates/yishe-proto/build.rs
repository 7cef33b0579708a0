//! Compiles the contract in `proto/` with protox (no protoc needed), generates the
//! tonic code and keeps the encoded descriptor set for reflection and the policy test.

use std::path::PathBuf;

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read when the script runs, not baked in when it is compiled: a build script
    // compiled in another checkout sharing the target directory must still read this
    // checkout's contract.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    let files = [
        "yishe/common/v1/common.proto",
        "yishe/referral/v1/referral.proto",
        "yishe/directory/v1/directory.proto",
        "yishe/audit/v1/audit.proto",
        "yishe/security/v1/encryption.proto",
        "yishe/assessment/v1/assessment.proto",
    ];
    println!("cargo:rerun-if-changed={}", root.display());

    let descriptors = protox::compile(files, [&root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("yishe_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
