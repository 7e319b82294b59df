//! The operations measured, each done the facade's way and the floor's way.

use crate::floor::{Decode, Floor};
use futures::{StreamExt, TryStreamExt};
use passage_flex::{ListUsersOptions, PassageFlex};
use serde_json::json;

/// Users the operations cycle through, each with one passkey.
pub struct Fixture {
    /// (external ID, Passage user ID)
    pub users: Vec<(String, String)>,
    /// Fresh nonces for `verify_nonce`, one per call of a measurement.
    pub nonces: Vec<String>,
}

impl Fixture {
    fn user(&self, i: usize) -> &(String, String) {
        &self.users[i % self.users.len()]
    }
}

#[derive(Clone)]
pub enum Client {
    Facade(PassageFlex),
    Floor(Floor),
}

impl Client {
    pub fn name(&self) -> &'static str {
        match self {
            Client::Facade(_) => "passage-flex",
            Client::Floor(floor) if floor.decode == Decode::Complete => "floor, complete decoding",
            Client::Floor(_) => "floor, minimal decoding",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    GetApp,
    GetUser,
    GetDevices,
    ListUsers,
    UpdateUserMetadata,
    CreateRegisterTransaction,
    CreateAuthenticateTransaction,
    VerifyNonce,
}

pub const ALL: [Op; 8] = [
    Op::GetApp,
    Op::GetUser,
    Op::GetDevices,
    Op::ListUsers,
    Op::UpdateUserMetadata,
    Op::CreateRegisterTransaction,
    Op::CreateAuthenticateTransaction,
    Op::VerifyNonce,
];

/// The page size of `list_users`.
const PAGE: u32 = 20;

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::GetApp => "get_app",
            Op::GetUser => "get_user",
            Op::GetDevices => "get_devices",
            Op::ListUsers => "list_users (one page of 20)",
            Op::UpdateUserMetadata => "update_user_metadata",
            Op::CreateRegisterTransaction => "create_register_transaction",
            Op::CreateAuthenticateTransaction => "create_authenticate_transaction",
            Op::VerifyNonce => "verify_nonce",
        }
    }

    /// The `i`-th call of this operation; `Err` if the answer was not the expected one.
    pub async fn call(self, client: &Client, fixture: &Fixture, i: usize) -> Result<(), String> {
        let (external_id, user_id) = fixture.user(i);
        let fail = |err: passage_flex::Error| err.to_string();
        match (client, self) {
            (Client::Facade(p), Op::GetApp) => non_empty(&p.get_app().await.map_err(fail)?.id),
            (Client::Floor(f), Op::GetApp) => non_empty(&f.get_app().await?),
            (Client::Facade(p), Op::GetUser) => {
                let user = p.get_user(external_id).await.map_err(fail)?;
                expect(&user.external_id, external_id)
            }
            (Client::Floor(f), Op::GetUser) => expect(&f.get_user(user_id).await?, external_id),
            (Client::Facade(p), Op::GetDevices) => {
                let devices = p.get_devices(external_id).await.map_err(fail)?;
                expect_one(devices.iter().map(|device| device.id.as_str()))
            }
            (Client::Floor(f), Op::GetDevices) => {
                let devices = f.get_devices(user_id).await?;
                expect_one(devices.iter().map(String::as_str))
            }
            (Client::Facade(p), Op::ListUsers) => {
                let users: Vec<_> = p
                    .list_users(ListUsersOptions::new().page_size(PAGE))
                    .take(PAGE as usize)
                    .try_collect()
                    .await
                    .map_err(fail)?;
                expect_page(users.iter().map(|user| user.id.as_str()))
            }
            (Client::Floor(f), Op::ListUsers) => {
                let page = f.list_users(PAGE).await?;
                expect_page(page.iter().map(String::as_str))
            }
            (Client::Facade(p), Op::UpdateUserMetadata) => {
                let metadata = json!({ "plan": "pro", "seen": i });
                let user = p
                    .update_user_metadata(external_id, metadata)
                    .await
                    .map_err(fail)?;
                expect(&user.external_id, external_id)
            }
            (Client::Floor(f), Op::UpdateUserMetadata) => {
                let metadata = json!({ "plan": "pro", "seen": i });
                let user = f.update_user_metadata(user_id, &metadata).await?;
                expect(&user, external_id)
            }
            (Client::Facade(p), Op::CreateRegisterTransaction) => {
                let tx = p
                    .create_register_transaction(external_id, external_id)
                    .await;
                non_empty(&tx.map_err(fail)?)
            }
            (Client::Floor(f), Op::CreateRegisterTransaction) => {
                non_empty(&f.create_register_transaction(external_id).await?)
            }
            (Client::Facade(p), Op::CreateAuthenticateTransaction) => {
                let tx = p.create_authenticate_transaction(external_id).await;
                non_empty(&tx.map_err(fail)?)
            }
            (Client::Floor(f), Op::CreateAuthenticateTransaction) => {
                non_empty(&f.create_authenticate_transaction(external_id).await?)
            }
            (Client::Facade(p), Op::VerifyNonce) => {
                let verified = p.verify_nonce(&fixture.nonces[i]).await.map_err(fail)?;
                non_empty(&verified)
            }
            (Client::Floor(f), Op::VerifyNonce) => {
                non_empty(&f.verify_nonce(&fixture.nonces[i]).await?)
            }
        }
    }
}

fn non_empty(value: &str) -> Result<(), String> {
    (!value.is_empty())
        .then_some(())
        .ok_or_else(|| "an empty ID".to_string())
}

fn expect(got: &str, wanted: &str) -> Result<(), String> {
    (got == wanted)
        .then_some(())
        .ok_or_else(|| format!("got user {got:?}, wanted {wanted:?}"))
}

fn expect_one<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Result<(), String> {
    let count = ids.len();
    (count == 1)
        .then_some(())
        .ok_or_else(|| format!("{count} devices, wanted 1"))
}

fn expect_page<'a>(mut ids: impl ExactSizeIterator<Item = &'a str>) -> Result<(), String> {
    let count = ids.len();
    if count != PAGE as usize || ids.any(str::is_empty) {
        return Err(format!("{count} users in the page, wanted {PAGE} with IDs"));
    }
    Ok(())
}
