//! The external-ID cache's settings, and the cache they build.

use crate::user_id_cache::UserIdCache;
use std::time::Duration;

/// The most entries the external-ID cache keeps, unless [`CacheConfig::max_entries`] says
/// otherwise.
pub const DEFAULT_CACHE_ENTRIES: u64 = 10_000;
/// How long the external-ID cache keeps an entry, unless [`CacheConfig::time_to_live`] says
/// otherwise.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60 * 60);

/// How the client remembers which Passage user ID an external ID belongs to; set with
/// [`PassageFlexBuilder::user_id_cache`](crate::PassageFlexBuilder::user_id_cache).
///
/// Every external-ID operation needs the user's Passage ID, which costs a lookup request. An
/// external ID never changes and a Passage user ID is stable for the life of the user, so the
/// client remembers the pair and a warm `get_user`, `get_devices` or `revoke_device` makes one
/// request instead of two. The cache is bounded (when it is full, an entry not read since the
/// cache last looked at it goes first: a second-chance queue, close to least recently used),
/// concurrent (simultaneous misses for one external ID share one lookup, and a failed lookup is
/// not remembered) and forgets entries after their time to live.
///
/// It cannot go wrong silently: if Passage answers `user_not_found` for a remembered ID (the
/// user was deleted elsewhere, perhaps re-created under a new ID), the entry is dropped, the
/// lookup made again, and the call repeated once. Deleting a user through this client drops
/// its entry at once.
///
/// ```no_run
/// # fn run() -> Result<(), passage_flex::Error> {
/// use passage_flex::{CacheConfig, PassageFlex};
/// use std::time::Duration;
///
/// let passage = PassageFlex::builder("your-app-id", "your-api-key")
///     .user_id_cache(
///         CacheConfig::new()
///             .max_entries(100_000)
///             .time_to_live(Duration::from_secs(6 * 60 * 60)),
///     )
///     .build()?;
/// let uncached = PassageFlex::builder("your-app-id", "your-api-key")
///     .user_id_cache(CacheConfig::disabled())
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheConfig {
    max_entries: u64,
    time_to_live: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_entries: DEFAULT_CACHE_ENTRIES,
            time_to_live: DEFAULT_CACHE_TTL,
        }
    }
}

impl CacheConfig {
    /// The longest time to live accepted by [`CacheConfig::time_to_live`] (a year).
    pub const TTL_LIMIT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

    /// The defaults: [`DEFAULT_CACHE_ENTRIES`] entries, each kept for [`DEFAULT_CACHE_TTL`].
    pub fn new() -> Self {
        Self::default()
    }

    /// No cache: every external-ID operation looks the user up.
    pub fn disabled() -> Self {
        Self::default().max_entries(0)
    }

    /// The most external IDs remembered; 0 turns the cache off. Each entry is a few dozen bytes
    /// plus the two IDs.
    pub fn max_entries(mut self, entries: u64) -> Self {
        self.max_entries = entries;
        self
    }

    /// How long an entry is trusted (up to [`Self::TTL_LIMIT`]); zero turns the cache off.
    pub fn time_to_live(mut self, ttl: Duration) -> Self {
        self.time_to_live = ttl;
        self
    }

    /// Why these settings are unusable, if they are.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        (self.time_to_live > Self::TTL_LIMIT)
            .then_some("the user ID cache's time to live must not exceed CacheConfig::TTL_LIMIT")
    }

    /// The cache, or `None` when it is turned off.
    pub(crate) fn build(&self) -> Option<UserIdCache> {
        let enabled = self.max_entries > 0 && !self.time_to_live.is_zero();
        (enabled && self.problem().is_none()).then(|| {
            // More entries than memory can hold is no bound at all.
            let max_entries = usize::try_from(self.max_entries).unwrap_or(usize::MAX);
            UserIdCache::new(max_entries, self.time_to_live)
        })
    }
}
