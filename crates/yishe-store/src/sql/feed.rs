//! `FeedRelay` in SQL: the relay moves committed outbox rows into the feed and
//! announces each batch; readers read the feed on the readers' pool.

macro_rules! impl_feed_relay {
    ($name:ident, $db:ty, readers = $readers:ident, relay_lock = $relay_lock:expr,
     announce = $announce:expr) => {
        #[::async_trait::async_trait]
        impl crate::FeedRelay for $name {
            fn events_committed(&self) -> &::tokio::sync::Notify {
                &self.local.events_committed
            }

            /// Moves committed outbox rows into the feed under the relay lock. Rows that
            /// commit late (lower ids, later commits) are simply picked up by a later run
            /// and get later sequences: the feed order is the order rows became visible.
            /// (On SQLite the relay's transaction joins the writer's batch, so it may also
            /// move rows written earlier in that batch: they commit together.)
            async fn relay_events(&self, limit: u32) -> crate::Result<usize> {
                let mut tx = self.begin_write().await?;
                // The engine's lock that makes one relay the leader, if it needs one.
                let lock: Option<&'static str> = $relay_lock;
                let leader = match lock {
                    Some(lock) => ::sqlx::query_scalar(lock).fetch_one(&mut *tx).await?,
                    None => true,
                };
                self.local
                    .relay_leader
                    .store(leader, ::std::sync::atomic::Ordering::Relaxed);
                if !leader {
                    return Ok(0);
                }
                let pending: Vec<(i64, ::uuid::Uuid, String, Option<String>)> = ::sqlx::query_as(
                    "SELECT id, event_id, payload, trace_context FROM referral_outbox \
                     ORDER BY id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
                if pending.is_empty() {
                    return Ok(0);
                }
                // The relay's part in each traced event's trace: one span per event, in
                // the trace of the call that recorded it, open until the batch commits.
                let _relaying: Vec<::tracing::Span> = pending
                    .iter()
                    .filter_map(|(_, _, _, trace)| trace.as_deref())
                    .map(|trace| {
                        let span = ::tracing::info_span!("feed.relay", otel.kind = "internal");
                        crate::trace_context::follow(&span, Some(trace));
                        span
                    })
                    .collect();
                let head: i64 =
                    ::sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM referral_feed")
                        .fetch_one(&mut *tx)
                        .await?;
                // Two statements for the whole batch, not two per event: the relay's
                // cost is per batch, whatever the batch holds.
                let mut feed = ::sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO referral_feed (sequence, event_id, payload, relayed_at, trace_context) ",
                );
                let now = ::chrono::Utc::now();
                feed.push_values(
                    pending.iter().enumerate(),
                    |mut row, (offset, (_, event_id, payload, trace))| {
                        row.push_bind(head + 1 + offset as i64)
                            .push_bind(event_id)
                            .push_bind(payload)
                            .push_bind(now)
                            .push_bind(trace);
                    },
                );
                feed.build().execute(&mut *tx).await?;
                crate::sql::delete_by_id::<$db>(
                    "referral_outbox",
                    pending.iter().map(|(id, _, _, _)| *id),
                )
                .build()
                .execute(&mut *tx)
                .await?;
                // Other processes hear of the batch once it commits (a NOTIFY on
                // PostgreSQL); this one at once.
                let announce: Option<&'static str> = $announce;
                if let Some(announce) = announce {
                    ::sqlx::query(announce).execute(&mut *tx).await?;
                }
                crate::sql::Commit::commit_durably(tx, &self.local.commits).await?;
                self.local.announce_feed_moved();
                Ok(pending.len())
            }

            async fn feed_after(
                &self,
                after: u64,
                limit: u32,
            ) -> crate::Result<Vec<::yishe_domain::referral::ReferralEvent>> {
                let after = i64::try_from(after).unwrap_or(i64::MAX);
                let rows: Vec<crate::rows::FeedRow> = ::sqlx::query_as(
                    "SELECT sequence, payload, trace_context FROM referral_feed WHERE sequence > $1 \
                     ORDER BY sequence LIMIT $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.$readers)
                .await?;
                rows.into_iter().map(|row| row.into_event(&self.crypto)).collect()
            }

            async fn feed_head(&self) -> crate::Result<u64> {
                let head: i64 =
                    ::sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM referral_feed")
                        .fetch_one(&self.$readers)
                        .await?;
                Ok(u64::try_from(head).unwrap_or(0))
            }

            async fn prune_feed(
                &self,
                before: ::chrono::DateTime<::chrono::Utc>,
                limit: u32,
            ) -> crate::Result<usize> {
                let mut tx = self.begin_write().await?;
                // Only a prefix of the feed, up to the first event relayed since
                // `before` (relay times need not rise with sequences: clocks of
                // several relays, backfilled times), so what is kept never has holes;
                // and never the newest event, from which the next sequence follows.
                let done = ::sqlx::query(
                    "DELETE FROM referral_feed WHERE sequence IN (SELECT sequence FROM referral_feed \
                     WHERE sequence < COALESCE( \
                       (SELECT MIN(sequence) FROM referral_feed \
                        WHERE relayed_at >= $1 OR relayed_at IS NULL), \
                       (SELECT MAX(sequence) FROM referral_feed)) \
                     ORDER BY sequence LIMIT $2)",
                )
                .bind(before)
                .bind(i64::from(limit))
                .execute(&mut *tx)
                .await?;
                crate::sql::Commit::commit_durably(tx, &self.local.commits).await?;
                Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
            }

            async fn feed_bounds(&self) -> crate::Result<(u64, u64)> {
                let (oldest, head): (i64, i64) = ::sqlx::query_as(
                    "SELECT COALESCE(MIN(sequence), 0), COALESCE(MAX(sequence), 0) \
                     FROM referral_feed",
                )
                .fetch_one(&self.$readers)
                .await?;
                Ok((
                    u64::try_from(oldest).unwrap_or(0),
                    u64::try_from(head).unwrap_or(0),
                ))
            }

            fn leads_relay(&self) -> bool {
                self.local
                    .relay_leader
                    .load(::std::sync::atomic::Ordering::Relaxed)
            }

            async fn stream_cursor(&self, stream: &str) -> crate::Result<u64> {
                let sequence: Option<i64> = ::sqlx::query_scalar(
                    "SELECT sequence FROM event_stream_cursors WHERE stream = $1",
                )
                .bind(stream)
                .fetch_optional(&self.$readers)
                .await?;
                Ok(sequence.and_then(|s| u64::try_from(s).ok()).unwrap_or(0))
            }

            async fn advance_stream_cursor(
                &self,
                stream: &str,
                from: u64,
                to: u64,
            ) -> crate::Result<bool> {
                let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                let mut tx = self.begin_write().await?;
                // The first advance inserts the row (unless another did); every later
                // one moves it only if it still stands where the caller read it.
                let done = if from == 0 {
                    ::sqlx::query(
                        "INSERT INTO event_stream_cursors (stream, sequence) VALUES ($1, $2) \
                         ON CONFLICT (stream) DO NOTHING",
                    )
                    .bind(stream)
                    .bind(as_i64(to))
                    .execute(&mut *tx)
                    .await?
                } else {
                    ::sqlx::query(
                        "UPDATE event_stream_cursors SET sequence = $3 \
                         WHERE stream = $1 AND sequence = $2",
                    )
                    .bind(stream)
                    .bind(as_i64(from))
                    .bind(as_i64(to))
                    .execute(&mut *tx)
                    .await?
                };
                crate::sql::Commit::commit_durably(tx, &self.local.commits).await?;
                Ok(done.rows_affected() == 1)
            }

            fn feed_moved(&self) -> ::tokio::sync::watch::Receiver<u64> {
                self.local
                    .feed_listener
                    .call_once(|| self.listen_for_feed_moves());
                self.local.feed_moved.subscribe()
            }
        }
    };
}

pub(crate) use impl_feed_relay;
