//! Live updates: how an instance's open results pages learn that a response
//! arrived, wherever it was taken.
//!
//! - This instance's own submissions wake its streams at once
//!   ([`Source::Own`]).
//! - On PostgreSQL every stored response sends `NOTIFY` with its id, inside
//!   the transaction that stores it, so the server delivers it at commit and
//!   never for a response rolled back; each instance listens on a connection
//!   of its own (`db::notify`) ([`Source::Notify`]).
//! - On SQLite (one process, or several sharing one file), and on
//!   PostgreSQL while that listening connection is down or cannot be made
//!   (such as a server that insists on TLS, which the listener does not
//!   speak), the newest response id is read once a second while a live page
//!   is open ([`Source::Poll`]). After the listener connects again it reads
//!   the newest id once, so nothing stored while it was away is missed.
//!
//! However fast responses arrive, the pages are told at most once a second
//! ([`LIVE_EVERY`]), all at the same moment: officers watching the same view
//! then ask for it together, and it is worked out once for all of them
//! (`web::results::LiveViews`).
//!
//! How many updates came each way is in `/metrics`
//! (`civic_live_updates_received_total{source}`), and whether the listener is
//! connected (`civic_live_listening`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use actix_web::web;
use tokio::sync::watch;

use super::{AppState, on_pool};
use crate::db;
use crate::db::notify::{ListenTarget, Listener};

/// How a live update reached this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A response this instance stored.
    Own,
    /// PostgreSQL's `NOTIFY` of a response any instance stored.
    Notify,
    /// A look at the newest response id.
    Poll,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Own, Source::Notify, Source::Poll];

    pub fn label(self) -> &'static str {
        match self {
            Source::Own => "own",
            Source::Notify => "notify",
            Source::Poll => "poll",
        }
    }

    fn index(self) -> usize {
        match self {
            Source::Own => 0,
            Source::Notify => 1,
            Source::Poll => 2,
        }
    }
}

/// The most often open pages are told of new responses.
pub const LIVE_EVERY: Duration = Duration::from_secs(1);

/// Tells live streams that responses arrived, and counts the updates by
/// how they came.
///
/// A stream wakes on every response this instance stores or hears of by
/// `NOTIFY`, whatever its id: on PostgreSQL ids come from a sequence when
/// the row is inserted, so they may commit out of order (id 11 before 10),
/// and "newer than the newest seen" would miss 10. The poll can only compare
/// the newest id, so it wakes the streams when that grows.
#[derive(Debug)]
pub struct LiveHub {
    /// (updates so far, the newest response id seen), as they arrive.
    latest: watch::Sender<(u64, i64)>,
    /// The same, at most once every [`LIVE_EVERY`] ([`pace`]): what the
    /// streams hear.
    paced: watch::Sender<(u64, i64)>,
    received: [AtomicU64; 3],
    /// Whether the PostgreSQL listener is connected and listening.
    listening: AtomicBool,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub {
            latest: watch::Sender::new((0, 0)),
            paced: watch::Sender::new((0, 0)),
            received: Default::default(),
            listening: AtomicBool::new(false),
        }
    }
}

impl LiveHub {
    /// Records that response `id` is stored and wakes the streams: always
    /// for a response stored here or announced by `NOTIFY`, and for a poll
    /// when the newest id grew.
    pub fn notify(&self, id: i64, source: Source) {
        let woken = self.latest.send_if_modified(|(updates, newest)| {
            if source == Source::Poll && id <= *newest {
                return false;
            }
            *updates += 1;
            *newest = (*newest).max(id);
            true
        });
        if woken {
            self.received[source.index()].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Catches up with the newest id after (re)connecting the listener:
    /// wakes the streams if it grew while nobody was listening, uncounted.
    fn advance(&self, id: i64) {
        self.latest.send_if_modified(|(updates, newest)| {
            if id <= *newest {
                return false;
            }
            *updates += 1;
            *newest = id;
            true
        });
    }

    /// The paced updates: at most one every [`LIVE_EVERY`].
    pub fn subscribe(&self) -> watch::Receiver<(u64, i64)> {
        self.paced.subscribe()
    }

    /// How many updates the streams have been told of: a view worked out
    /// after they were told includes every response they were told of.
    pub fn published(&self) -> u64 {
        self.paced.borrow().0
    }

    /// Whether any page is listening (the poll is skipped when none is).
    pub fn has_listeners(&self) -> bool {
        self.paced.receiver_count() > 0
    }

    /// Whether this instance hears other instances' responses as they are
    /// stored (PostgreSQL's `LISTEN` is connected).
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    /// Updates received so far, by source.
    pub fn received(&self, source: Source) -> u64 {
        self.received[source.index()].load(Ordering::Relaxed)
    }
}

/// Passes the updates on to the streams as they come, but never two within
/// [`LIVE_EVERY`]: whatever came meanwhile goes out as one, at the end of
/// the second. Runs for as long as the service runs.
pub async fn pace(hub: &LiveHub) {
    // A new receiver has seen the value it starts with.
    let mut arriving = hub.latest.subscribe();
    while arriving.changed().await.is_ok() {
        let latest = *arriving.borrow_and_update();
        hub.paced.send_replace(latest);
        tokio::time::sleep(LIVE_EVERY).await;
    }
}

/// How often the newest response id is read while polling.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How long to poll before trying to listen again after the listening
/// connection failed.
const LISTEN_RETRY: Duration = Duration::from_secs(5);

/// Keeps the hub up to date with responses stored by any instance, for as
/// long as the service runs.
pub async fn keep_up(state: web::Data<AppState>, postgres: Option<ListenTarget>) {
    futures_util::future::join(pace(&state.live), hear(&state, postgres)).await;
}

/// Hears of responses stored: by `NOTIFY` on PostgreSQL, falling back to
/// polling; by polling on SQLite.
async fn hear(state: &AppState, postgres: Option<ListenTarget>) {
    match postgres {
        None => poll(state).await,
        Some(target) => {
            let mut failing = false;
            loop {
                if let Err(e) = listen(state, &target, &mut failing).await
                    && !failing
                {
                    failing = true;
                    tracing::warn!(
                        "live updates: cannot listen for other instances' responses ({e}); \
                         reading the newest response once a second until it can"
                    );
                }
                // Not `poll`'s first tick alone: a lost connection is retried
                // after a pause, polling meanwhile.
                let _ = tokio::time::timeout(LISTEN_RETRY, poll(state)).await;
            }
        }
    }
}

/// Reads the newest response id every second while a page is listening.
async fn poll(state: &AppState) {
    let mut every = tokio::time::interval(POLL_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        if !state.live.has_listeners() {
            continue;
        }
        if let Ok(Some(id)) = latest(state).await {
            state.live.notify(id, Source::Poll);
        }
    }
}

async fn latest(state: &AppState) -> anyhow::Result<Option<i64>> {
    on_pool(&state.pool, |c| Ok(db::responses::latest_id(c)?)).await
}

/// Listens until the connection fails. Returns only with why.
async fn listen(state: &AppState, target: &ListenTarget, failing: &mut bool) -> anyhow::Result<()> {
    let mut listener = Listener::connect(target).await?;
    // Anything stored before listening began, or while it was down.
    if let Some(id) = latest(state).await? {
        state.live.advance(id);
    }
    state.live.listening.store(true, Ordering::Relaxed);
    if std::mem::take(failing) {
        tracing::info!("live updates: listening for other instances' responses again");
    }
    let lost = loop {
        match listener.next().await {
            Ok(id) => state.live.notify(id, Source::Notify),
            Err(e) => break e,
        }
    };
    state.live.listening.store(false, Ordering::Relaxed);
    Err(lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_announced_response_wakes_the_streams_even_out_of_order() {
        let hub = LiveHub::default();
        let mut stream = hub.latest.subscribe();
        stream.mark_unchanged();
        hub.notify(11, Source::Notify);
        assert!(stream.has_changed().expect("open"));
        assert_eq!(stream.borrow_and_update().1, 11);
        // 10 committed after 11: still news to the pages.
        hub.notify(10, Source::Notify);
        assert!(
            stream.has_changed().expect("open"),
            "an earlier id, later commit"
        );
        assert_eq!(
            stream.borrow_and_update().1,
            11,
            "the newest stays the newest"
        );
        // The poll sees only the newest id: nothing new there.
        hub.notify(11, Source::Poll);
        assert!(!stream.has_changed().expect("open"));
        hub.notify(12, Source::Poll);
        assert!(stream.has_changed().expect("open"));
        hub.notify(13, Source::Own);
        assert_eq!(
            Source::ALL.map(|s| hub.received(s)),
            [1, 2, 1],
            "own, notify, poll"
        );
        assert!(!hub.has_listeners(), "no page is open");
        let page = hub.subscribe();
        assert!(hub.has_listeners());
        drop((stream, page));
        assert!(!hub.has_listeners());
    }

    #[tokio::test]
    async fn the_streams_hear_at_most_once_a_second_and_miss_nothing() {
        let hub = std::sync::Arc::new(LiveHub::default());
        let pacer = tokio::spawn({
            let hub = hub.clone();
            async move { pace(&hub).await }
        });
        let mut page = hub.subscribe();
        page.mark_unchanged();
        tokio::task::yield_now().await;
        hub.notify(1, Source::Own);
        let started = std::time::Instant::now();
        page.changed().await.expect("open");
        assert_eq!(
            *page.borrow_and_update(),
            (1, 1),
            "the first goes out at once"
        );
        // Many more within the second: one update, after it, with the last.
        for id in 2..=50 {
            hub.notify(id, Source::Own);
        }
        page.changed().await.expect("open");
        assert!(started.elapsed() >= LIVE_EVERY, "{:?}", started.elapsed());
        assert_eq!(*page.borrow_and_update(), (50, 50), "the newest, at once");
        assert_eq!(hub.published(), 50);
        assert!(!page.has_changed().expect("open"));
        pacer.abort();
    }
}
