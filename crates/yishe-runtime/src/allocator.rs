//! The memory allocator every Yishe process (and test) runs on: mimalloc.
//!
//! Why not the system's: a profile of ListReferrals on PostgreSQL (BENCHMARKS.md) put
//! about a tenth of the server's CPU in glibc's `free` and `malloc_consolidate`, the
//! price of many short-lived buffers (a page of fifty referrals, their decoded rows and
//! sealed values) freed on other threads than the ones that made them. mimalloc keeps
//! per-thread free lists and frees across threads without a global lock.
//!
//! Declared here, in the crate every binary links, so there is exactly one
//! `#[global_allocator]` in any build and no binary can forget it.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
