//! Answers decoded only as far as the benchmark checks them: the least any client can do.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Id {
    pub id: String,
}

#[derive(Deserialize)]
pub struct App {
    pub app: Id,
}

#[derive(Deserialize)]
pub struct ExternalId {
    pub external_id: String,
}

#[derive(Deserialize)]
pub struct User {
    pub user: ExternalId,
}

#[derive(Deserialize)]
pub struct Devices {
    pub devices: Vec<Id>,
}

#[derive(Deserialize)]
pub struct Users {
    pub users: Vec<Id>,
}

#[derive(Deserialize)]
pub struct Transaction {
    pub transaction_id: String,
}
