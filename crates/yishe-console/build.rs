//! Builds `console/` into `OUT_DIR` and embeds the result.
//!
//! The sources (with the contract in `proto/`, from which `buf generate` makes the
//! TypeScript clients) are copied into `OUT_DIR`, where `npm ci` installs exactly the
//! lockfile's packages and Vite builds; nothing is written into the source tree. The
//! install is skipped when the lockfile is the one installed last time. Without
//! Node.js, or when the build fails, the crate embeds no files and says why: the
//! server then starts without the console. `YISHE_CONSOLE_BUILD=require` (CI) makes that a
//! build error instead; `YISHE_CONSOLE_BUILD=skip` builds without trying.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

/// The console's inputs, relative to `console/`: a change to any reruns this script.
const INPUTS: &[&str] = &[
    "src",
    "e2e",
    "proto",
    "index.html",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "vite.config.ts",
    "buf.gen.yaml",
];

/// Not copied, by path in `console/`: what npm and the build make there.
const SKIPPED: &[&str] = &[
    "node_modules",
    "dist",
    "src/gen",
    "e2e/screenshots",
    "tsconfig.tsbuildinfo",
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("../..");
    let console = root.join("console");
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", console.join(input).display());
    }
    println!("cargo:rerun-if-changed={}", root.join("proto").display());
    println!("cargo:rerun-if-changed={}", root.join("buf.yaml").display());
    println!("cargo:rerun-if-env-changed=YISHE_CONSOLE_BUILD");

    let mode = env::var("YISHE_CONSOLE_BUILD").unwrap_or_default();
    let built = if mode == "skip" {
        Err("YISHE_CONSOLE_BUILD=skip".to_owned())
    } else {
        build(&root, &out)
    };
    let generated = match &built {
        Ok(work) => embed(&work.join("dist"), Some(work)),
        Err(why) => {
            if mode == "require" {
                panic!("the console could not be built (YISHE_CONSOLE_BUILD=require): {why}");
            }
            // Tried again once Node.js is on the PATH; and, after a failed build (no
            // network, say), at the next build, through a file that never exists.
            println!("cargo:rerun-if-env-changed=PATH");
            if mode != "skip" && which("npm").is_some() {
                println!(
                    "cargo:rerun-if-changed={}",
                    out.join("console-not-built-yet").display()
                );
            }
            println!("cargo:warning=building without the web console: {why}");
            format!(
                "static ASSETS: &[Asset] = &[];\n\
                 const NOT_BUILT: Option<&str> = Some({:?});\n\
                 const BUILD_DIR: Option<&str> = None;\n",
                format!(
                    "the console was not built ({why}); install Node.js 20 or newer and \
                     rebuild (cargo build --release) to serve it"
                )
            )
        }
    };
    fs::write(out.join("assets.rs"), generated).expect("OUT_DIR is writable");
}

/// Copies the sources into `OUT_DIR/work`, installs and builds there; the console's
/// build directory.
fn build(root: &Path, out: &Path) -> Result<PathBuf, String> {
    let npm = which("npm").ok_or("Node.js (npm) not found")?;
    let work = out.join("work");
    let console = work.join("console");
    // Fresh copies, so a file deleted or renamed in the sources is gone here too; the
    // installed node_modules stay (reinstalled only when the lockfile changes).
    clear(&work.join("proto"), &[]).map_err(|e| format!("clearing proto/: {e}"))?;
    clear(&console, &["node_modules"]).map_err(|e| format!("clearing console/: {e}"))?;
    copy_tree(&root.join("proto"), &work.join("proto"), &[])
        .map_err(|e| format!("copying proto/: {e}"))?;
    fs::copy(root.join("buf.yaml"), work.join("buf.yaml"))
        .map_err(|e| format!("copying buf.yaml: {e}"))?;
    copy_tree(&root.join("console"), &console, SKIPPED)
        .map_err(|e| format!("copying console/: {e}"))?;

    let lock = fs::read(console.join("package-lock.json"))
        .map_err(|e| format!("package-lock.json: {e}"))?;
    let installed = console.join("node_modules/.yishe-installed-lock");
    if fs::read(&installed).ok().as_deref() != Some(lock.as_slice()) {
        run(
            &npm,
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
            &console,
        )?;
        fs::write(&installed, &lock).map_err(|e| e.to_string())?;
    }
    run(&npm, &["run", "build", "--silent"], &console)?;
    Ok(console)
}

fn run(program: &Path, args: &[&str], dir: &Path) -> Result<(), String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`npm {}` failed: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// `program` on the PATH.
fn which(program: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// Removes everything in `dir` but the entries named in `keep`.
fn clear(dir: &Path, keep: &[&str]) -> std::io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        if keep.iter().any(|k| entry.file_name() == *k) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Copies `from` into `to`, leaving out the paths (relative to `from`) in `skipped`.
fn copy_tree(from: &Path, to: &Path, skipped: &[&str]) -> std::io::Result<()> {
    copy_below(from, from, to, skipped)
}

fn copy_below(root: &Path, from: &Path, to: &Path, skipped: &[&str]) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let relative = path.strip_prefix(root).expect("below root");
        if skipped.iter().any(|s| relative == Path::new(s)) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_below(root, &path, &target, skipped)?;
        } else {
            fs::copy(&path, target)?;
        }
    }
    Ok(())
}

/// The Rust source embedding every file under `dist`.
fn embed(dist: &Path, work: Option<&Path>) -> String {
    let mut files = Vec::new();
    collect(dist, dist, &mut files);
    files.sort();
    let mut code = String::from("static ASSETS: &[Asset] = &[\n");
    for (path, file) in &files {
        let immutable = path.starts_with("/assets/");
        code.push_str(&format!(
            "    Asset {{ path: {path:?}, content_type: {:?}, body: include_bytes!({:?}), immutable: {immutable} }},\n",
            content_type(path),
            file.display().to_string(),
        ));
    }
    code.push_str("];\nconst NOT_BUILT: Option<&str> = None;\n");
    code.push_str(&format!(
        "const BUILD_DIR: Option<&str> = {:?};\n",
        work.map(|w| w.display().to_string())
    ));
    code
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under root");
            files.push((format!("/{}", relative.display()), path));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
