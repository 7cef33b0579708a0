//! `AuditLog` in SQL: rows only appended, each queued for the sealer. A read that
//! returned several records names them in its row, and notes in `audit_sightings` the
//! minute each was seen, so "who saw this record" finds the row without an index entry
//! per record per call.

macro_rules! impl_audit_log {
    ($tx:ident, $db:ty, records = $records:expr) => {
        #[::async_trait::async_trait]
        impl crate::AuditLog for $tx {
            async fn append_audit(&mut self, e: &crate::AuditEntry) -> crate::Result<()> {
                audit_insert(e).build().execute(&mut *self.tx).await?;
                // The row is queued for the sealer by a trigger (migration 0012).
                Ok(())
            }

            async fn audit_of(
                &mut self,
                resource_kind: &str,
                resource_id: &str,
            ) -> crate::Result<Vec<crate::AuditEntry>> {
                let sql = format!(
                    "{}SELECT a.id, a.occurred_at, a.subject, a.role, a.action, a.resource_kind, \
                     a.resource_id, a.request_id, a.outcome, a.purpose, a.resources \
                     FROM about JOIN audit_log a ON a.id = about.id \
                     WHERE a.resource_kind = $1 ORDER BY a.id",
                    about_record(true)
                );
                let rows: Vec<crate::rows::AuditRow> = ::sqlx::query_as(&sql)
                    .bind(resource_kind)
                    .bind(resource_id)
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut entries: Vec<crate::AuditEntry> =
                    rows.into_iter().map(Into::into).collect();
                let legacy = crate::rows::named_elsewhere(&entries, |e| e);
                let resources = audit_resources_of(&mut *self.tx, &legacy).await?;
                crate::rows::attach_resources(&mut entries, resources, |e| e);
                Ok(entries)
            }
        }

        /// The statement appending `e`: the row, with the records it names, and the
        /// minute each was seen, by one call (a list's audit costs one round trip).
        /// `$records` says how this engine joins two inserts into one call.
        pub(crate) fn audit_insert(e: &crate::AuditEntry) -> ::sqlx::QueryBuilder<'static, $db> {
            let (open, join): (&str, &str) = $records;
            let mut q =
                ::sqlx::QueryBuilder::<$db>::new(if e.resources.is_empty() { "" } else { open });
            q.push(
                "INSERT INTO audit_log (id, occurred_at, subject, role, action, resource_kind, \
                 resource_id, request_id, outcome, purpose, resources) ",
            );
            q.push_values([e], |mut row, e| {
                row.push_bind(e.id)
                    .push_bind(e.occurred_at)
                    .push_bind(e.subject.clone())
                    .push_bind(e.role.clone())
                    .push_bind(e.action.clone())
                    .push_bind(e.resource_kind.clone())
                    .push_bind(e.resource_id.clone())
                    .push_bind(e.request_id.clone())
                    .push_bind(e.outcome.clone())
                    .push_bind(e.purpose.clone())
                    .push_bind(crate::rows::resources_json(&e.resources));
            });
            if !e.resources.is_empty() {
                let seen = crate::rows::Sighting::minute_of(e.id);
                q.push(join);
                q.push("INSERT INTO audit_sightings (resource_id, seen_from, seen_until) ");
                // In one order, so two statements noting the same records cannot wait
                // on each other (PostgreSQL waits on a key another transaction is
                // inserting). Two transactions each noting two lists could still; none
                // does: a list's audit row is its call's last write.
                let mut names: Vec<&String> = e.resources.iter().collect();
                names.sort_unstable();
                names.dedup();
                q.push_values(names, |mut row, name| {
                    row.push_bind(name.clone())
                        .push_bind(seen.from)
                        .push_bind(seen.until);
                });
                q.push(" ON CONFLICT DO NOTHING");
            }
            q
        }
    };
}

/// The records named by audit rows, for one engine: free functions the chain's readers
/// and the sealer share (they need them to hash and to show each row).
/// `names_contain` is this engine's test that the JSON array `named.resources` holds
/// `$2`.
macro_rules! impl_audit_resources {
    ($db:ty, names_contain = $names_contain:literal) => {
        /// `about`: the ids of the audit rows about the record `$2` (of kind `$1`,
        /// when `kind_given`), as a CTE to begin a statement with. A row is about it
        /// as its one record, or by naming it among several (in audit_resources for
        /// rows written before migration 0030, and only for those: a row added there
        /// later is not the chain's; in its own `resources` otherwise, found through
        /// the minutes the record was seen). Each part reads an index,
        /// and the ids are gathered before the log is read by them (MATERIALIZED), so
        /// no planner walks the whole log in id order looking for them.
        fn about_record(kind_given: bool) -> String {
            let own = if kind_given {
                "SELECT id FROM audit_log WHERE resource_kind = $1 AND resource_id = $2"
            } else {
                // No index leads by the id alone: the rare search without a kind
                // reads the log.
                "SELECT id FROM audit_log WHERE $1 IS NULL AND resource_id = $2"
            };
            format!(
                "WITH about AS MATERIALIZED ({own} \
                 UNION SELECT old.audit_id FROM audit_resources old JOIN audit_log a_old \
                   ON a_old.id = old.audit_id AND a_old.resources IS NULL \
                   WHERE old.resource_id = $2 \
                 UNION SELECT named.id FROM audit_sightings s JOIN audit_log named \
                   ON named.id >= s.seen_from AND named.id < s.seen_until \
                   AND named.resources IS NOT NULL \
                   WHERE s.resource_id = $2 AND {}) ",
                $names_contain
            )
        }

        /// The auditor's search, `list_audit`: rows of kind `$1` about the record `$2`
        /// after `$3` doing `$5`, each condition only when given, `$4` at most, with
        /// their chain links.
        fn audit_search(kind_given: bool, record_given: bool) -> String {
            let (about, rows) = if record_given {
                (about_record(kind_given), "about JOIN audit_log a ON a.id = about.id")
            } else {
                // `$2` is NULL: said so, as every argument has its place.
                (String::new(), "audit_log a")
            };
            let unused = if record_given { "" } else { "$2 IS NULL AND " };
            format!(
                "{about}SELECT a.id, a.occurred_at, a.subject, a.role, a.action, a.resource_kind, \
                 a.resource_id, a.request_id, a.outcome, a.purpose, a.resources, c.sequence, \
                 c.previous_hash, c.hash \
                 FROM {rows} LEFT JOIN audit_chain c ON c.audit_id = a.id \
                 WHERE {unused}($1 IS NULL OR a.resource_kind = $1) \
                 AND ($3 IS NULL OR a.id > $3) AND ($5 IS NULL OR a.action = $5) \
                 ORDER BY a.id LIMIT $4"
            )
        }

        /// Marks in each of `links` the records its row names in itself that have no
        /// note in audit_sightings for the row's minute: a search for who saw them
        /// would not find the row. Rows naming theirs in audit_resources (before
        /// migration 0030) have none to check. One read for the page.
        async fn unfindable_names<'e, E>(
            executor: E,
            links: &mut [crate::ChainLink],
        ) -> crate::Result<()>
        where
            E: ::sqlx::Executor<'e, Database = $db>,
        {
            let minutes: ::std::collections::BTreeSet<::uuid::Uuid> = links
                .iter()
                .filter_map(|l| l.entry.as_ref())
                .filter(|e| !e.resources.is_empty())
                .map(|e| crate::rows::Sighting::minute_of(e.id).from)
                .collect();
            if minutes.is_empty() {
                return Ok(());
            }
            let mut q = ::sqlx::QueryBuilder::<$db>::new(
                "SELECT resource_id, seen_from FROM audit_sightings WHERE seen_from IN (",
            );
            let mut list = q.separated(", ");
            for minute in &minutes {
                list.push_bind(*minute);
            }
            q.push(")");
            let noted: ::std::collections::HashSet<(String, ::uuid::Uuid)> =
                q.build_query_as().fetch_all(executor).await?.into_iter().collect();
            for link in links {
                let Some(entry) = &link.entry else { continue };
                let from = crate::rows::Sighting::minute_of(entry.id).from;
                link.unfindable = entry
                    .resources
                    .iter()
                    .filter(|name| !noted.contains(&((*name).clone(), from)))
                    .cloned()
                    .collect();
            }
            Ok(())
        }

        /// The records each of `ids` names in audit_resources (rows written before
        /// migration 0030), in their order.
        async fn audit_resources_of<'e, E>(
            executor: E,
            ids: &[::uuid::Uuid],
        ) -> crate::Result<::std::collections::HashMap<::uuid::Uuid, Vec<String>>>
        where
            E: ::sqlx::Executor<'e, Database = $db>,
        {
            let mut named: ::std::collections::HashMap<::uuid::Uuid, Vec<String>> =
                ::std::collections::HashMap::new();
            if ids.is_empty() {
                return Ok(named);
            }
            // One row per audit row, its records joined in order (ids hold no line
            // breaks): a list of fifty is one row to fetch, not fifty. On SQLite every
            // row fetched is a trip from its worker thread, and the sealer reads these
            // while holding the writer.
            let mut q = ::sqlx::QueryBuilder::<$db>::new(
                "SELECT audit_id, string_agg(resource_id, '\n' ORDER BY position) \
                 FROM audit_resources WHERE audit_id IN (",
            );
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") GROUP BY audit_id");
            let rows: Vec<(::uuid::Uuid, String)> = q.build_query_as().fetch_all(executor).await?;
            for (id, joined) in rows {
                named.insert(id, joined.split('\n').map(str::to_owned).collect());
            }
            Ok(named)
        }
    };
}

pub(crate) use impl_audit_log;
pub(crate) use impl_audit_resources;
