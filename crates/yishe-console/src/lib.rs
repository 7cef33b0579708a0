//! The station's web console, embedded: the files Vite built from `console/` when this
//! crate was compiled (Node.js present), or none, with the reason why.

/// One file of the console.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Its path on the console's listener, such as `/assets/index-3f2a.js`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
    /// Whether its name carries a hash of its content (cacheable for good).
    pub immutable: bool,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The console's files; empty when it could not be built.
pub fn assets() -> &'static [Asset] {
    ASSETS
}

/// Why the console was not built (Node.js missing, a failed build), with how to get
/// it; `None` when it was.
pub fn not_built() -> Option<&'static str> {
    NOT_BUILT
}

/// The file at `path` (`/` is the page itself).
pub fn asset(path: &str) -> Option<&'static Asset> {
    let path = if path == "/" { "/index.html" } else { path };
    ASSETS.iter().find(|a| a.path == path)
}

/// The directory the console was built in, with its `node_modules` (playwright-core
/// and axe for the browser tests) and a copy of `e2e/`; `None` when not built.
pub fn build_dir() -> Option<&'static str> {
    BUILD_DIR
}
