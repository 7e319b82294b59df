//! The external-ID cache itself: external ID -> Passage user ID, bounded, expiring, and one
//! lookup for concurrent misses of one external ID. [`CacheConfig`](crate::CacheConfig) says how
//! big and how long; `lookup` decides when to ask it.
//!
//! Written here rather than taken from a caching crate: this is a map behind a mutex plus a
//! second-chance queue, and a general-purpose concurrent cache cost every user's clean build a
//! dozen crates (issue 15).

use crate::error::Error;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// External ID -> Passage user ID. Every method holds the mutex only for a map operation, never
/// across an `await`.
pub(crate) struct UserIdCache {
    max_entries: usize,
    time_to_live: Duration,
    state: Mutex<State>,
}

/// What the lookup that runs for a missed external ID hands to the callers waiting on it:
/// `None` until it is done.
type Outcome = Option<Result<String, Error>>;

#[derive(Default)]
struct State {
    slots: HashMap<Arc<str>, Slot>,
    /// The known entries, oldest first, each with the stamp of the slot it was pushed for:
    /// eviction's second-chance queue. A record whose slot has since gone or been replaced is
    /// skipped when it comes up.
    queue: VecDeque<(Arc<str>, u64)>,
    /// How many slots are `Known` (the bound applies to these).
    known: usize,
    /// Tells one slot from a later one under the same key.
    next_stamp: u64,
}

/// What a caller that missed does: run the lookup, or wait for the one running.
enum Turn {
    LookUp(watch::Sender<Outcome>, u64),
    Wait(watch::Receiver<Outcome>),
}

enum Slot {
    Known {
        user_id: String,
        expires_at: Instant,
        /// Read since the queue last passed it: it gets a second chance before eviction.
        used: bool,
        stamp: u64,
    },
    /// A lookup is running; its outcome arrives on this channel.
    Looking {
        outcome: watch::Receiver<Outcome>,
        stamp: u64,
    },
}

impl UserIdCache {
    pub(crate) fn new(max_entries: usize, time_to_live: Duration) -> Self {
        UserIdCache {
            max_entries,
            time_to_live,
            state: Mutex::new(State::default()),
        }
    }

    /// The remembered user ID of `external_id`, if it has not expired.
    pub(crate) fn get(&self, external_id: &str) -> Option<String> {
        self.lock().fresh(external_id, Instant::now())
    }

    /// The user ID of `external_id`: remembered, or found by `look_up`, which runs once for all
    /// the callers that miss while it runs; they all get its outcome. A failed lookup is not
    /// remembered. If the caller running the lookup is dropped before it ends, a waiting caller
    /// runs it instead.
    pub(crate) async fn get_or_look_up<F, Fut>(
        &self,
        external_id: &str,
        look_up: F,
    ) -> Result<String, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, Error>>,
    {
        loop {
            let turn = {
                let mut state = self.lock();
                if let Some(user_id) = state.fresh(external_id, Instant::now()) {
                    return Ok(user_id);
                }
                match state.slots.get(external_id) {
                    Some(Slot::Looking { outcome, .. }) => Turn::Wait(outcome.clone()),
                    _ => {
                        let (sender, receiver) = watch::channel(None);
                        let stamp = state.stamp();
                        let looking = Slot::Looking {
                            outcome: receiver,
                            stamp,
                        };
                        state.slots.insert(external_id.into(), looking);
                        Turn::LookUp(sender, stamp)
                    }
                }
            };
            match turn {
                Turn::LookUp(sender, stamp) => {
                    let lookup = Lookup {
                        cache: self,
                        external_id,
                        stamp,
                        sender,
                        done: false,
                    };
                    return lookup.run(look_up).await;
                }
                // `Err`: the caller running the lookup was dropped first; try again, perhaps as
                // the one that runs it.
                Turn::Wait(mut outcome) => {
                    if let Ok(done) = outcome.wait_for(Option::is_some).await
                        && let Some(result) = done.as_ref()
                    {
                        return result.clone();
                    }
                }
            }
        }
    }

    /// Forgets `external_id`; a lookup running for it finishes for its callers but is not
    /// remembered (it may have found the user being deleted).
    pub(crate) fn forget(&self, external_id: &str) {
        let mut state = self.lock();
        if let Some(Slot::Known { .. }) = state.slots.remove(external_id) {
            state.known -= 1;
        }
    }

    /// Remembers a looked-up ID, if the slot is still the one its lookup was started for.
    fn remember(&self, external_id: &str, stamp: u64, user_id: &str, now: Instant) {
        let mut state = self.lock();
        // The key the slot was made with, shared with the queue rather than copied again.
        let key = match state.slots.get_key_value(external_id) {
            Some((key, Slot::Looking { stamp: current, .. })) if *current == stamp => {
                Arc::clone(key)
            }
            _ => return,
        };
        // Defensive: `CacheConfig` builds no cache without room for an entry.
        if self.max_entries == 0 {
            state.slots.remove(external_id);
            return;
        }
        while state.known >= self.max_entries && state.evict_one(now) {}
        let stamp = state.stamp();
        // Replaces the `Looking` slot (eviction takes `Known` ones only), keeping its key.
        state.slots.insert(
            Arc::clone(&key),
            Slot::Known {
                user_id: user_id.to_owned(),
                expires_at: now + self.time_to_live,
                used: false,
                stamp,
            },
        );
        state.known += 1;
        state.queue.push_back((key, stamp));
        state.compact_queue();
    }

    /// Drops the `Looking` slot of a lookup that failed or was abandoned.
    fn give_up(&self, external_id: &str, stamp: u64) {
        let mut state = self.lock();
        if matches!(
            state.slots.get(external_id),
            Some(Slot::Looking { stamp: current, .. }) if *current == stamp
        ) {
            state.slots.remove(external_id);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding it; if some did, the map is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn stamp(&mut self) -> u64 {
        self.next_stamp += 1;
        self.next_stamp
    }

    /// The entry's user ID if it is known and not expired; an expired one is dropped.
    fn fresh(&mut self, external_id: &str, now: Instant) -> Option<String> {
        match self.slots.get_mut(external_id) {
            Some(Slot::Known {
                user_id,
                expires_at,
                used,
                ..
            }) => {
                if *expires_at > now {
                    *used = true;
                    return Some(user_id.clone());
                }
            }
            _ => return None,
        }
        self.slots.remove(external_id);
        self.known -= 1;
        None
    }

    /// Evicts one known entry: the oldest not read since the queue last passed it, or an expired
    /// one. `false` when there is nothing left to evict.
    fn evict_one(&mut self, now: Instant) -> bool {
        while let Some((key, stamp)) = self.queue.pop_front() {
            let Some(Slot::Known {
                expires_at,
                used,
                stamp: current,
                ..
            }) = self.slots.get_mut(&key)
            else {
                continue;
            };
            if *current != stamp {
                continue;
            }
            if *used && *expires_at > now {
                *used = false;
                self.queue.push_back((key, stamp));
                continue;
            }
            self.slots.remove(&key);
            self.known -= 1;
            return true;
        }
        false
    }

    /// Keeps the queue within twice the known entries: forgotten and expired entries leave
    /// their records behind until they come up.
    fn compact_queue(&mut self) {
        if self.queue.len() > 2 * self.known + 16 {
            let slots = &self.slots;
            self.queue.retain(|(key, stamp)| {
                matches!(slots.get(key), Some(Slot::Known { stamp: current, .. }) if current == stamp)
            });
        }
    }
}

/// The lookup one caller runs for a missed external ID. Dropped before it ends (its caller was
/// cancelled), it clears its slot and closes the channel, which wakes the waiting callers.
struct Lookup<'a> {
    cache: &'a UserIdCache,
    external_id: &'a str,
    stamp: u64,
    sender: watch::Sender<Outcome>,
    done: bool,
}

impl Lookup<'_> {
    async fn run<F, Fut>(mut self, look_up: F) -> Result<String, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, Error>>,
    {
        let result = look_up().await;
        match &result {
            Ok(user_id) => {
                self.cache
                    .remember(self.external_id, self.stamp, user_id, Instant::now());
            }
            Err(_) => self.cache.give_up(self.external_id, self.stamp),
        }
        self.done = true;
        self.sender.send_replace(Some(result.clone()));
        result
    }
}

impl Drop for Lookup<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.cache.give_up(self.external_id, self.stamp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const HOUR: Duration = Duration::from_secs(3600);

    fn not_found() -> Error {
        Error::InvalidArgument {
            argument: "external_id",
            reason: "test failure",
        }
    }

    /// Waits until `gate` is opened: a lookup that holds its slot until the test lets it end.
    async fn passed(gate: &watch::Receiver<bool>) {
        let _ = gate.clone().wait_for(|open| *open).await;
    }

    /// Opens `gate` once the futures joined with this one have run up to their first wait.
    async fn open_soon(gate: watch::Sender<bool>) {
        tokio::task::yield_now().await;
        let _ = gate.send(true);
    }

    /// Fills `cache` as a lookup of each key would, at `now`.
    fn fill(cache: &UserIdCache, keys: &[&str], now: Instant) {
        for key in keys {
            let stamp = {
                let mut state = cache.lock();
                let stamp = state.stamp();
                let (_, outcome) = watch::channel(None);
                state
                    .slots
                    .insert((*key).into(), Slot::Looking { outcome, stamp });
                stamp
            };
            cache.remember(key, stamp, &format!("id-{key}"), now);
        }
    }

    fn known(cache: &UserIdCache) -> Vec<String> {
        let state = cache.lock();
        let mut keys: Vec<String> = state
            .slots
            .iter()
            .filter(|(_, slot)| matches!(slot, Slot::Known { .. }))
            .map(|(key, _)| key.to_string())
            .collect();
        keys.sort();
        assert_eq!(
            keys.len(),
            state.known,
            "the count of known entries drifted"
        );
        keys
    }

    #[tokio::test]
    async fn a_miss_looks_up_once_and_a_hit_does_not() {
        let cache = UserIdCache::new(10, HOUR);
        let calls = AtomicUsize::new(0);
        let look_up = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok("usr_1".to_string())
        };
        assert_eq!(cache.get("ada"), None);
        assert_eq!(
            cache.get_or_look_up("ada", look_up).await.ok(),
            Some("usr_1".into())
        );
        assert_eq!(cache.get("ada"), Some("usr_1".into()));
        assert_eq!(
            cache.get_or_look_up("ada", look_up).await.ok(),
            Some("usr_1".into())
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_remembered() {
        let cache = UserIdCache::new(10, HOUR);
        let failed = cache
            .get_or_look_up("ada", || async { Err(not_found()) })
            .await;
        assert!(matches!(failed, Err(Error::InvalidArgument { .. })));
        assert_eq!(cache.get("ada"), None);
        let found = cache
            .get_or_look_up("ada", || async { Ok("usr_1".to_string()) })
            .await;
        assert_eq!(found.ok(), Some("usr_1".into()));
        assert!(cache.lock().slots.len() == 1);
    }

    #[test]
    fn an_entry_expires_after_its_time_to_live() {
        let cache = UserIdCache::new(10, Duration::from_secs(60));
        let start = Instant::now();
        fill(&cache, &["ada"], start);
        let mut state = cache.lock();
        let alive = start + Duration::from_secs(59);
        assert_eq!(state.fresh("ada", alive), Some("id-ada".into()));
        assert_eq!(state.fresh("ada", start + Duration::from_secs(60)), None);
        assert_eq!((state.slots.len(), state.known), (0, 0));
    }

    #[test]
    fn the_bound_holds_and_an_entry_read_since_the_last_pass_is_kept() {
        let cache = UserIdCache::new(3, HOUR);
        let now = Instant::now();
        fill(&cache, &["a", "b", "c"], now);
        // "a" is read, so "b" (the oldest unread) goes when "d" arrives.
        assert!(cache.lock().fresh("a", now).is_some());
        fill(&cache, &["d"], now);
        assert_eq!(known(&cache), ["a", "c", "d"]);
        // "a" has had its second chance; nothing was read since, so the oldest goes next.
        fill(&cache, &["e"], now);
        assert_eq!(known(&cache), ["a", "d", "e"]);
        fill(&cache, &["f"], now);
        assert_eq!(known(&cache), ["d", "e", "f"]);
    }

    #[test]
    fn an_expired_entry_is_evicted_before_a_used_one() {
        let cache = UserIdCache::new(2, Duration::from_secs(60));
        let start = Instant::now();
        fill(&cache, &["old"], start);
        fill(&cache, &["new"], start + Duration::from_secs(30));
        // The very instant it expires, as `fresh` counts it.
        let later = start + Duration::from_secs(60);
        // "old" was read before it expired, which does not save it once expired.
        assert!(cache.lock().fresh("old", start).is_some());
        fill(&cache, &["next"], later);
        assert_eq!(known(&cache), ["new", "next"]);
    }

    #[test]
    fn no_room_means_nothing_is_remembered() {
        let cache = UserIdCache::new(0, HOUR);
        fill(&cache, &["a"], Instant::now());
        assert_eq!(known(&cache), Vec::<String>::new());
        assert!(cache.lock().slots.is_empty());
    }

    #[test]
    fn forgetting_drops_an_entry_and_the_queue_stays_bounded() {
        let cache = UserIdCache::new(1000, HOUR);
        let now = Instant::now();
        for round in 0..10_000 {
            let key = format!("user-{}", round % 50);
            fill(&cache, &[key.as_str()], now);
            cache.forget(&key);
        }
        assert_eq!(known(&cache), Vec::<String>::new());
        let queued = cache.lock().queue.len();
        assert!(queued <= 17, "{queued} queue records for no entries");
    }

    #[test]
    fn the_queue_stays_within_twice_the_entries_while_they_are_refilled() {
        let cache = UserIdCache::new(1000, HOUR);
        let now = Instant::now();
        let keys: Vec<String> = (0..100).map(|n| format!("user-{n}")).collect();
        for round in 0..30 {
            for key in &keys {
                cache.forget(key);
                fill(&cache, &[key.as_str()], now);
                let state = cache.lock();
                let bound = 2 * state.known + 16;
                assert!(
                    state.queue.len() <= bound,
                    "round {round}: {} > {bound}",
                    state.queue.len()
                );
            }
        }
        assert_eq!(known(&cache).len(), 100);
    }

    #[test]
    fn replacing_an_entry_leaves_one_live_queue_record() {
        let cache = UserIdCache::new(2, HOUR);
        let now = Instant::now();
        // "a" re-filled (forgotten, looked up again) twice: its stale records must not count.
        fill(&cache, &["a"], now);
        cache.forget("a");
        fill(&cache, &["a"], now);
        cache.forget("a");
        fill(&cache, &["a", "b"], now);
        fill(&cache, &["c"], now);
        assert_eq!(known(&cache), ["b", "c"]);
    }

    #[test]
    fn a_stale_queue_record_does_not_evict_the_entry_made_since() {
        let cache = UserIdCache::new(2, HOUR);
        let now = Instant::now();
        // "a" is forgotten and filled again after "b": it is the newer of the two.
        fill(&cache, &["a"], now);
        cache.forget("a");
        fill(&cache, &["b", "a"], now);
        fill(&cache, &["c"], now);
        assert_eq!(known(&cache), ["a", "c"]);
    }

    #[tokio::test]
    async fn a_lookup_overtaken_by_a_newer_one_for_its_key_is_not_remembered() {
        let cache = UserIdCache::new(10, HOUR);
        let (release_old, old_released) = watch::channel(false);
        let mut old = Box::pin(cache.get_or_look_up("ada", || async move {
            passed(&old_released).await;
            Ok("usr_old".to_string())
        }));
        assert!(old.as_mut().now_or_never().is_none());
        // The user was deleted meanwhile, and another caller looks them up afresh.
        cache.forget("ada");
        let (release_new, new_released) = watch::channel(false);
        let mut new = Box::pin(cache.get_or_look_up("ada", || async move {
            passed(&new_released).await;
            Ok("usr_new".to_string())
        }));
        assert!(new.as_mut().now_or_never().is_none());
        // The old lookup ends first: its caller gets its answer, the cache does not.
        let _ = release_old.send(true);
        assert_eq!(old.await.ok(), Some("usr_old".into()));
        assert_eq!(cache.get("ada"), None);
        let _ = release_new.send(true);
        assert_eq!(new.await.ok(), Some("usr_new".into()));
        assert_eq!(cache.get("ada"), Some("usr_new".into()));
    }

    #[tokio::test]
    async fn concurrent_misses_share_one_lookup_and_its_outcome() {
        let cache = UserIdCache::new(10, HOUR);
        let calls = AtomicUsize::new(0);
        let (release, released) = watch::channel(false);
        let look_up = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            passed(&released).await;
            Ok("usr_1".to_string())
        };
        let callers =
            futures::future::join_all((0..16).map(|_| cache.get_or_look_up("ada", look_up)));
        let (results, ()) = futures::future::join(callers, open_soon(release)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|r| r.as_deref().ok() == Some("usr_1")));
    }

    #[tokio::test]
    async fn waiting_callers_get_a_failed_lookups_error_and_the_next_call_looks_up_again() {
        let cache = UserIdCache::new(10, HOUR);
        let calls = AtomicUsize::new(0);
        let (release, released) = watch::channel(false);
        let failing = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            passed(&released).await;
            Err(not_found())
        };
        let callers =
            futures::future::join_all((0..8).map(|_| cache.get_or_look_up("ada", failing)));
        let (results, ()) = futures::future::join(callers, open_soon(release)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Err(Error::InvalidArgument { .. })))
        );
        let again = cache
            .get_or_look_up("ada", || async { Ok("usr_1".to_string()) })
            .await;
        assert_eq!(again.ok(), Some("usr_1".into()));
    }

    #[tokio::test]
    async fn a_waiting_caller_takes_over_when_the_lookups_caller_is_dropped() {
        let cache = UserIdCache::new(10, HOUR);
        let never = || std::future::pending::<Result<String, Error>>();
        let mut first = Box::pin(cache.get_or_look_up("ada", never));
        // Polled once: it has started the lookup and holds the slot.
        assert!(first.as_mut().now_or_never().is_none());
        let mut second =
            Box::pin(cache.get_or_look_up("ada", || async { Ok("usr_2".to_string()) }));
        assert!(
            second.as_mut().now_or_never().is_none(),
            "it waits on the first"
        );
        drop(first);
        assert_eq!(second.await.ok(), Some("usr_2".into()));
        assert_eq!(cache.get("ada"), Some("usr_2".into()));
    }

    #[tokio::test]
    async fn a_lookup_that_ends_after_its_key_was_forgotten_is_not_remembered() {
        let cache = UserIdCache::new(10, HOUR);
        let found = cache
            .get_or_look_up("ada", || async {
                cache.forget("ada");
                Ok("usr_deleted".to_string())
            })
            .await;
        assert_eq!(
            found.ok(),
            Some("usr_deleted".into()),
            "its caller still gets it"
        );
        assert_eq!(cache.get("ada"), None);
    }
}
