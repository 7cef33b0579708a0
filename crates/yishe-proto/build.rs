//! Compiles the contract in `proto/` with protox (no protoc needed), generates the
//! tonic code and keeps the encoded descriptor set for reflection and the policy test.

use std::path::{Path, PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read when the script runs, not baked in when it is compiled: a build script
    // compiled in another checkout sharing the target directory must still read this
    // checkout's contract.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    // Every file of the contract: a new package is a new file, not a new line here.
    let mut files = Vec::new();
    collect_protos(&root, &root, &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed={}", root.display());

    let descriptors = protox::compile(files, [&root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("yishe_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;

    // One module tree for every package (`yishe::referral::v1`, ...), so the crate
    // does not keep a list of its own.
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .include_file("yishe.rs")
        .compile_fds(descriptors)?;
    Ok(())
}

/// The `.proto` files below `dir`, as paths relative to `root`.
fn collect_protos(
    root: &Path,
    dir: &Path,
    files: &mut Vec<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(root, &path, files)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            let relative = path
                .strip_prefix(root)?
                .to_string_lossy()
                .replace('\\', "/");
            files.push(relative);
        }
    }
    Ok(())
}
