//! The newest events of the feed, kept in memory and shared by every watcher of the
//! process: a watcher within the tail reads it without touching the database.

use std::collections::VecDeque;
use std::sync::{Arc, RwLock};

use tokio::sync::watch;
use yishe_domain::referral::ReferralEvent;

/// What a watcher finds after its cursor.
#[derive(Debug)]
pub(crate) enum Read {
    /// The next events, in order, starting right after the cursor.
    Events(Vec<Arc<ReferralEvent>>),
    /// Nothing after the cursor yet: wait for the tail to move.
    UpToDate,
    /// The events after the cursor have left the tail (or the tail has not started):
    /// read them from the database.
    Behind,
}

#[derive(Debug)]
pub(crate) struct Tail {
    inner: RwLock<Inner>,
    /// The sequence of the newest event held, for watchers waiting for more.
    head: watch::Sender<u64>,
    capacity: usize,
}

#[derive(Debug)]
struct Inner {
    events: VecDeque<Arc<ReferralEvent>>,
    /// The sequence of `events[0]`; one past `head` while empty.
    first: u64,
    head: u64,
    /// Whether the reader has found where the feed stands.
    started: bool,
}

impl Tail {
    /// An empty tail keeping at most `capacity` events, not started.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: RwLock::new(Inner {
                events: VecDeque::with_capacity(capacity.min(4096)),
                first: 1,
                head: 0,
                started: false,
            }),
            head: watch::Sender::new(0),
            capacity: capacity.max(1),
        }
    }

    /// Starts the tail empty at `head`, the newest sequence in the feed; events are
    /// then pushed from `head + 1`.
    pub(crate) fn start_at(&self, head: u64) {
        let mut inner = self.inner.write().expect("tail lock");
        inner.events.clear();
        (inner.first, inner.head, inner.started) = (head + 1, head, true);
        drop(inner);
        self.head.send_replace(head);
    }

    /// The newest sequence held, or `None` before the tail started.
    pub(crate) fn head(&self) -> Option<u64> {
        let inner = self.inner.read().expect("tail lock");
        inner.started.then_some(inner.head)
    }

    /// Changes whenever events are pushed.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }

    /// Appends events read from the feed after `head()`, in order. Should they not
    /// follow on (they always do, the feed being gap-free), the tail starts over at
    /// the first of them and watchers in between read the database.
    pub(crate) fn push(&self, events: Vec<ReferralEvent>) {
        let Some(last) = events.last().and_then(|e| e.sequence) else {
            return;
        };
        let mut inner = self.inner.write().expect("tail lock");
        for event in events {
            let Some(sequence) = event.sequence else {
                continue;
            };
            if sequence != inner.head + 1 {
                inner.events.clear();
                inner.first = sequence;
            }
            inner.events.push_back(Arc::new(event));
            inner.head = sequence;
            if inner.events.len() > self.capacity {
                inner.events.pop_front();
                inner.first += 1;
            }
        }
        drop(inner);
        self.head.send_replace(last);
    }

    /// Up to `max` events after `cursor` (the last sequence the watcher has).
    pub(crate) fn read(&self, cursor: u64, max: usize) -> Read {
        let inner = self.inner.read().expect("tail lock");
        if !inner.started {
            return Read::Behind;
        }
        if cursor >= inner.head {
            return Read::UpToDate;
        }
        if cursor + 1 < inner.first {
            return Read::Behind;
        }
        let from = (cursor + 1 - inner.first) as usize;
        Read::Events(inner.events.range(from..).take(max).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(sequences: std::ops::RangeInclusive<u64>) -> Vec<ReferralEvent> {
        use yishe_domain::referral::{EventType, Status};
        use yishe_domain::{DepartmentId, HospitalId, Priority, ReferralId, StationId};
        sequences
            .map(|sequence| ReferralEvent {
                sequence: Some(sequence),
                trace_context: None,
                id: uuid::Uuid::now_v7(),
                event_type: EventType::Created,
                referral: ReferralId::new(),
                hospital: HospitalId::parse("h1").unwrap(),
                department: DepartmentId::new(),
                station: StationId::parse("s1").unwrap(),
                status: Status::Requested,
                priority: Priority::Routine,
                assigned_worker: None,
                rejection_reason: None,
                occurred_at: chrono::Utc::now(),
                version: Some(1),
                updated_at: None,
                plan: None,
                volunteer_task: None,
                follow_up: None,
                closure: None,
                related_referral: None,
            })
            .collect()
    }

    fn sequences(read: Read) -> Vec<u64> {
        match read {
            Read::Events(events) => events.iter().filter_map(|e| e.sequence).collect(),
            other => panic!("expected events, got {other:?}"),
        }
    }

    #[test]
    fn a_tail_not_started_sends_everyone_to_the_database() {
        let tail = Tail::new(10);
        assert!(matches!(tail.read(0, 10), Read::Behind));
        assert_eq!(tail.head(), None);
    }

    #[test]
    fn watchers_read_what_follows_their_cursor() {
        let tail = Tail::new(10);
        tail.start_at(5);
        assert!(matches!(tail.read(5, 10), Read::UpToDate));
        assert!(matches!(tail.read(9, 10), Read::UpToDate), "ahead waits");
        assert!(matches!(tail.read(4, 10), Read::Behind));
        tail.push(events(6..=9));
        assert_eq!(sequences(tail.read(5, 10)), vec![6, 7, 8, 9]);
        assert_eq!(sequences(tail.read(7, 1)), vec![8]);
        assert!(matches!(tail.read(9, 10), Read::UpToDate));
        assert_eq!(tail.head(), Some(9));
    }

    #[test]
    fn old_events_leave_a_full_tail() {
        let tail = Tail::new(3);
        tail.start_at(0);
        tail.push(events(1..=5));
        assert!(matches!(tail.read(1, 10), Read::Behind));
        assert_eq!(sequences(tail.read(2, 10)), vec![3, 4, 5]);
    }

    #[test]
    fn a_gap_starts_the_tail_over() {
        let tail = Tail::new(10);
        tail.start_at(0);
        tail.push(events(1..=2));
        tail.push(events(5..=6));
        assert!(matches!(tail.read(2, 10), Read::Behind));
        assert_eq!(sequences(tail.read(4, 10)), vec![5, 6]);
    }

    #[test]
    fn waiting_watchers_are_told_of_pushes() {
        let tail = Tail::new(10);
        tail.start_at(0);
        let mut moved = tail.subscribe();
        moved.borrow_and_update();
        tail.push(events(1..=1));
        assert!(moved.has_changed().unwrap());
        assert_eq!(*moved.borrow_and_update(), 1);
    }
}
