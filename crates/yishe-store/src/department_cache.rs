//! Departments a committed transaction read, remembered for the life of the process:
//! every create checks its department, and a department never changes once
//! registered (there is no way to edit or remove one), so a remembered one is never
//! stale.
//!
//! Only what a transaction read and then committed is remembered: a department it saw
//! inserted by itself, or (on SQLite) by a request in the same batch, is on disk by
//! then. A department not found is never remembered, so a new one works at once.

use std::collections::HashMap;
use std::sync::RwLock;

use yishe_domain::DepartmentId;
use yishe_domain::directory::Department;

/// Far more departments than a hospital group has; past it, lookups simply go to the
/// database.
const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct DepartmentCache {
    entries: RwLock<HashMap<DepartmentId, Department>>,
}

impl DepartmentCache {
    pub(crate) fn get(&self, id: DepartmentId) -> Option<Department> {
        self.entries
            .read()
            .expect("department cache lock")
            .get(&id)
            .cloned()
    }

    /// Remembers departments read by a transaction that has committed.
    pub(crate) fn remember(&self, read: Vec<Department>) {
        if read.is_empty() {
            return;
        }
        let mut entries = self.entries.write().expect("department cache lock");
        for department in read {
            if entries.len() >= CAPACITY {
                return;
            }
            entries.insert(department.id, department);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn department(code: &str) -> Department {
        Department {
            id: DepartmentId::new(),
            hospital: yishe_domain::HospitalId::parse("h1").unwrap(),
            code: code.into(),
            name: code.into(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn remembers_what_it_is_given_and_nothing_else() {
        let cache = DepartmentCache::default();
        let (onc, icu) = (department("onc"), department("icu"));
        cache.remember(vec![onc.clone()]);
        assert_eq!(cache.get(onc.id), Some(onc));
        assert_eq!(cache.get(icu.id), None);
    }
}
