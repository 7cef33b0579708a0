//! `EventLog` in SQL: events appended to the outbox, which the relay moves into the
//! feed once committed.

macro_rules! impl_event_log {
    ($tx:ident) => {
        #[::async_trait::async_trait]
        impl crate::EventLog for $tx {
            async fn append_event(
                &mut self,
                event: &::yishe_domain::referral::ReferralEvent,
            ) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO referral_outbox (event_id, payload, trace_context) VALUES ($1, $2, $3)",
                )
                .bind(event.id)
                .bind(crate::rows::event_payload(event, &self.crypto))
                .bind(crate::trace_context::current())
                    .execute(&mut *self.tx)
                    .await?;
                self.appended_events = true;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_event_log;
