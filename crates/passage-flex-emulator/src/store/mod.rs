//! The emulator's in-memory state and every rule of the API that changes it.
//!
//! One mutex guards all of it and is never held across an `.await`, so every operation is atomic:
//! concurrent clients cannot lose each other's updates. With a state file, every change to the
//! saved part (users and passkeys) is on disk before the operation returns.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use passage_flex_openapi::models::UserStatus;

use crate::api_error::Failure;
use crate::users_query::ListQuery;
use state_file::StateFile;

mod handshakes;
mod overview;
mod state_file;
mod state_file_format;
mod user;
mod user_page;

pub(crate) use overview::{OpenTransaction, Overview};
pub(crate) use user::{Device, User, UserUpdate};
pub(crate) use user_page::Page;

/// What completing a ceremony produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Completion {
    /// The single-use nonce the browser would hand to the backend for `verify_nonce`.
    pub nonce: String,
    /// The passkey device that was registered or used.
    pub device_id: String,
}

#[derive(Debug)]
enum TransactionKind {
    Register { passkey_display_name: String },
    Authenticate,
}

#[derive(Debug)]
struct Transaction {
    kind: TransactionKind,
    user_id: String,
    expires_at: Instant,
}

#[derive(Debug)]
struct Nonce {
    user_id: String,
    expires_at: Instant,
}

#[derive(Debug, Default)]
struct Data {
    users: HashMap<String, User>,
    user_ids_by_external_id: HashMap<String, String>,
    transactions: HashMap<String, Transaction>,
    nonces: HashMap<String, Nonce>,
    handshakes: HashMap<String, handshakes::Handshake>,
    next_sequence: u64,
    next_sweep: Option<Instant>,
    /// Counts the changes to the saved part, so that an older snapshot never overwrites a newer.
    generation: u64,
}

impl Data {
    fn user(&self, user_id: &str) -> Result<&User, Failure> {
        self.users.get(user_id).ok_or_else(Failure::user_not_found)
    }

    fn user_mut(&mut self, user_id: &str) -> Result<&mut User, Failure> {
        self.users
            .get_mut(user_id)
            .ok_or_else(Failure::user_not_found)
    }

    /// An open transaction: known, not yet ended, not expired.
    fn live_transaction(
        &self,
        transaction_id: &str,
        now: Instant,
    ) -> Result<&Transaction, Failure> {
        self.transactions
            .get(transaction_id)
            .filter(|t| t.expires_at > now)
            .ok_or_else(Failure::transaction_not_found)
    }

    fn user_by_external_id(&self, external_id: &str) -> Result<&User, Failure> {
        self.user_ids_by_external_id
            .get(external_id)
            .and_then(|id| self.users.get(id))
            .ok_or_else(Failure::user_not_found)
    }

    /// Drops what has expired, so a long-running emulator does not grow without bound. At most
    /// once a second: a sweep walks every open transaction, nonce and handshake, and under load
    /// doing that on every request would make each one cost as much as all of them. Every read
    /// checks expiry itself, so what awaits the next sweep is never used.
    fn sweep(&mut self, now: Instant) {
        if self.next_sweep.is_some_and(|next| now < next) {
            return;
        }
        self.next_sweep = Some(now + Duration::from_secs(1));
        self.transactions.retain(|_, t| t.expires_at > now);
        self.nonces.retain(|_, n| n.expires_at > now);
        self.handshakes.retain(|_, h| h.expires_at > now);
    }
}

/// How long what the store hands out stays usable.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetimes {
    pub transaction: Duration,
    pub nonce: Duration,
    pub handshake: Duration,
}

/// The state file and what every save writes beside the users.
#[derive(Debug)]
struct Persistence {
    file: StateFile,
    app_id: String,
    app_created_at: DateTime<Utc>,
}

/// The whole state of one emulated app.
#[derive(Debug)]
pub(crate) struct Store {
    data: Mutex<Data>,
    transaction_ttl: Duration,
    nonce_ttl: Duration,
    handshake_ttl: Duration,
    persistence: Option<Persistence>,
}

impl Store {
    /// A store that lives in memory only.
    pub(crate) fn in_memory(lifetimes: Lifetimes) -> Self {
        Self {
            data: Mutex::new(Data::default()),
            transaction_ttl: lifetimes.transaction,
            nonce_ttl: lifetimes.nonce,
            handshake_ttl: lifetimes.handshake,
            persistence: None,
        }
    }

    /// A store kept in the state file at `path`: loads what it holds (nothing if it does not
    /// exist yet) and writes it back at once, so that an unwritable path fails now. Returns the
    /// store and the app's creation time (the saved one, else `app_created_at`).
    ///
    /// A file that is not a state file, is damaged, comes from a newer emulator or holds
    /// another app is refused, and left as it is.
    pub(crate) fn with_state_file(
        lifetimes: Lifetimes,
        path: &Path,
        app_id: &str,
        app_created_at: DateTime<Utc>,
    ) -> Result<(Self, DateTime<Utc>), String> {
        let (file, contents) = StateFile::open(path)?;
        let mut data = Data::default();
        let mut created_at = app_created_at;
        if let Some(bytes) = contents {
            let restored = state_file_format::decode(app_id, &bytes).map_err(|reason| {
                format!(
                    "cannot use the state file {}: {reason}; it was left untouched",
                    path.display()
                )
            })?;
            data.user_ids_by_external_id = restored
                .users
                .values()
                .map(|user| (user.external_id.clone(), user.id.clone()))
                .collect();
            data.users = restored.users;
            data.next_sequence = restored.next_sequence;
            created_at = restored.app_created_at;
        }
        let mut store = Self::in_memory(lifetimes);
        store.persistence = Some(Persistence {
            file,
            app_id: app_id.to_owned(),
            app_created_at: created_at,
        });
        *store.data.get_mut().unwrap_or_else(PoisonError::into_inner) = data;
        store.save(store.lock()).map_err(|reason| {
            format!("cannot write the state file {}: {reason}", path.display())
        })?;
        Ok((store, created_at))
    }

    pub(crate) fn lifetimes(&self) -> Lifetimes {
        Lifetimes {
            transaction: self.transaction_ttl,
            nonce: self.nonce_ttl,
            handshake: self.handshake_ttl,
        }
    }

    /// The state file, if the store has one.
    pub(crate) fn state_file(&self) -> Option<&Path> {
        self.persistence.as_ref().map(|p| p.file.path())
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        // Every update is applied in full before the guard drops, so a panic elsewhere cannot
        // leave half-written state behind: a poisoned lock is still consistent.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends a change to the saved part: with a state file, the new state is on disk when this
    /// returns. If the write fails the change stays in memory, the next save carries it, and
    /// the caller answers 500 `internal_server_error` saying so.
    fn commit(&self, data: MutexGuard<'_, Data>) -> Result<(), Failure> {
        self.save(data).map_err(|reason| {
            Failure::internal_server_error(format!(
                "the change was made but could not be saved to the state file: {reason}"
            ))
        })
    }

    /// Writes the saved part to the state file, if there is one. The snapshot is taken under
    /// the lock (so snapshots follow the order of the changes) and written after it is
    /// released (so other requests do not wait for the disk).
    fn save(&self, mut data: MutexGuard<'_, Data>) -> Result<(), String> {
        let Some(persistence) = &self.persistence else {
            return Ok(());
        };
        data.generation += 1;
        let generation = data.generation;
        let bytes =
            state_file_format::encode(&persistence.app_id, persistence.app_created_at, &data);
        drop(data);
        let written = bytes.and_then(|bytes| {
            persistence
                .file
                .save(generation, &bytes)
                .map_err(|err| err.to_string())
        });
        if let Err(reason) = &written {
            tracing::error!(
                "cannot save the state file {}: {reason}",
                persistence.file.path().display()
            );
        }
        written
    }

    /// What the console shows: every user, newest first, and the open transactions.
    pub(crate) fn overview(&self) -> Overview {
        let data = self.lock();
        overview::of(&data, Instant::now())
    }

    pub(crate) fn create_register_transaction(
        &self,
        external_id: &str,
        passkey_display_name: &str,
    ) -> Result<String, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        data.sweep(now);
        let (user_id, created) = match data.user_by_external_id(external_id) {
            Ok(user) => {
                refuse_inactive(user)?;
                (user.id.clone(), false)
            }
            Err(_) => (insert_new_user(&mut data, external_id), true),
        };
        let transaction_id = new_id();
        data.transactions.insert(
            transaction_id.clone(),
            Transaction {
                kind: TransactionKind::Register {
                    passkey_display_name: passkey_display_name.to_owned(),
                },
                user_id,
                expires_at: now + self.transaction_ttl,
            },
        );
        if created {
            self.commit(data)?;
        }
        Ok(transaction_id)
    }

    pub(crate) fn create_authenticate_transaction(
        &self,
        external_id: &str,
    ) -> Result<String, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        data.sweep(now);
        let user = data.user_by_external_id(external_id)?;
        refuse_inactive(user)?;
        if user.devices.is_empty() {
            return Err(Failure::user_has_no_passkeys());
        }
        let user_id = user.id.clone();
        let transaction_id = new_id();
        data.transactions.insert(
            transaction_id.clone(),
            Transaction {
                kind: TransactionKind::Authenticate,
                user_id,
                expires_at: now + self.transaction_ttl,
            },
        );
        Ok(transaction_id)
    }

    /// Ends a transaction as a successful browser ceremony would. A registration adds a passkey;
    /// an authentication uses `device_id` (or the user's first passkey) and counts a login.
    /// On failure nothing changes and the transaction stays open.
    pub(crate) fn complete_transaction(
        &self,
        transaction_id: &str,
        device_id: Option<&str>,
    ) -> Result<Completion, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        let transaction = data.live_transaction(transaction_id, now)?;
        let user_id = transaction.user_id.clone();
        let register_name = match &transaction.kind {
            TransactionKind::Register {
                passkey_display_name,
            } => Some(passkey_display_name.clone()),
            TransactionKind::Authenticate => None,
        };
        let user = data.user_mut(&user_id)?;
        refuse_inactive(user)?;
        let device_id = match register_name {
            Some(friendly_name) => {
                if device_id.is_some() {
                    return Err(Failure::invalid_request(
                        "device_id only applies to authentication transactions",
                    ));
                }
                user.add_device(friendly_name, new_id(), None)
            }
            None => {
                if user.devices.is_empty() {
                    return Err(Failure::user_has_no_passkeys());
                }
                let index = match device_id {
                    Some(wanted) => user.devices.iter().position(|d| d.id == wanted),
                    None => Some(0),
                };
                index
                    .and_then(|index| user.count_login(index))
                    .ok_or_else(Failure::device_not_found)?
            }
        };
        data.transactions.remove(transaction_id);
        let nonce = self.issue_nonce(&mut data, user_id, now);
        self.commit(data)?;
        Ok(Completion { nonce, device_id })
    }

    /// A fresh single-use nonce proving `user_id`.
    fn issue_nonce(&self, data: &mut Data, user_id: String, now: Instant) -> String {
        let nonce = new_id();
        data.nonces.insert(
            nonce.clone(),
            Nonce {
                user_id,
                expires_at: now + self.nonce_ttl,
            },
        );
        nonce
    }

    /// Spends a nonce and names the user it proves. Unknown, spent and expired nonces look alike.
    pub(crate) fn verify_nonce(&self, nonce: &str) -> Result<String, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        let user_id = match data.nonces.get(nonce) {
            Some(entry) if entry.expires_at > now => entry.user_id.clone(),
            _ => return Err(Failure::invalid_nonce()),
        };
        let user = data.user(&user_id).map_err(|_| Failure::invalid_nonce())?;
        refuse_inactive(user)?;
        let external_id = user.external_id.clone();
        data.nonces.remove(nonce);
        Ok(external_id)
    }

    pub(crate) fn list_users(&self, query: &ListQuery) -> Page {
        let data = self.lock();
        user_page::page_of(query, data.users.values())
    }

    pub(crate) fn user(&self, user_id: &str) -> Result<User, Failure> {
        self.lock().user(user_id).cloned()
    }

    pub(crate) fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, Failure> {
        let mut data = self.lock();
        let user = data.user_mut(user_id)?;
        if let Some(email) = update.email {
            user.email = email;
        }
        if let Some(phone) = update.phone {
            user.phone = phone;
        }
        if let Some(metadata) = update.user_metadata {
            user.user_metadata = Some(metadata);
        }
        user.updated_at = timestamp_now();
        let updated = user.clone();
        self.commit(data)?;
        Ok(updated)
    }

    /// Deletes the user with its passkeys, open transactions and unspent nonces.
    pub(crate) fn delete_user(&self, user_id: &str) -> Result<(), Failure> {
        let mut data = self.lock();
        let user = data
            .users
            .remove(user_id)
            .ok_or_else(Failure::user_not_found)?;
        data.user_ids_by_external_id.remove(&user.external_id);
        data.transactions.retain(|_, t| t.user_id != user_id);
        data.nonces.retain(|_, n| n.user_id != user_id);
        self.commit(data)
    }

    pub(crate) fn set_active(&self, user_id: &str, active: bool) -> Result<User, Failure> {
        let mut data = self.lock();
        let user = data.user_mut(user_id)?;
        user.status = if active {
            UserStatus::Active
        } else {
            UserStatus::Inactive
        };
        user.updated_at = timestamp_now();
        let updated = user.clone();
        self.commit(data)?;
        Ok(updated)
    }

    pub(crate) fn devices(&self, user_id: &str) -> Result<Vec<Device>, Failure> {
        Ok(self.lock().user(user_id)?.devices.clone())
    }

    pub(crate) fn revoke_device(&self, user_id: &str, device_id: &str) -> Result<(), Failure> {
        let mut data = self.lock();
        let user = data.user_mut(user_id)?;
        let before = user.devices.len();
        user.devices.retain(|d| d.id != device_id);
        if user.devices.len() == before {
            return Err(Failure::device_not_found());
        }
        user.updated_at = timestamp_now();
        self.commit(data)
    }
}

fn insert_new_user(data: &mut Data, external_id: &str) -> String {
    let timestamp = timestamp_now();
    let user = User {
        id: new_id(),
        external_id: external_id.to_owned(),
        status: UserStatus::Pending,
        created_at: timestamp,
        updated_at: timestamp,
        last_login_at: timestamp,
        login_count: 0,
        email: String::new(),
        phone: String::new(),
        user_metadata: None,
        devices: Vec::new(),
        sequence: data.next_sequence,
        handle: uuid::Uuid::new_v4(),
    };
    data.next_sequence += 1;
    let id = user.id.clone();
    data.user_ids_by_external_id
        .insert(external_id.to_owned(), id.clone());
    data.users.insert(id.clone(), user);
    id
}

fn refuse_inactive(user: &User) -> Result<(), Failure> {
    if user.status == UserStatus::Inactive {
        return Err(Failure::operation_not_allowed("the user is deactivated"));
    }
    Ok(())
}

/// Opaque random IDs (user, device, credential, transaction, nonce): 122 random bits each.
fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Microsecond precision, so a timestamp survives a round trip through RFC 3339 unchanged and an
/// exact-match filter on it can succeed.
fn timestamp_now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}
