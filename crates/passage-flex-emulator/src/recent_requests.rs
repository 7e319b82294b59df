//! The most recent requests to the API (`/v1`), for the console: method, path, status and
//! duration only. Never headers, query strings or bodies, which carry the API key, nonces and
//! identifiers.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// How many requests the console can show.
const KEPT: usize = 50;

/// One answered request.
#[derive(Debug, Clone)]
pub(crate) struct RecordedRequest {
    pub at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub duration: Duration,
}

/// The last [`KEPT`] requests, oldest dropped first.
#[derive(Debug, Default)]
pub(crate) struct RecentRequests {
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RecentRequests {
    pub(crate) fn record(&self, request: RecordedRequest) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() == KEPT {
            entries.pop_front();
        }
        entries.push_back(request);
    }

    /// Newest first.
    pub(crate) fn latest(&self) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.iter().rev().cloned().collect()
    }
}
