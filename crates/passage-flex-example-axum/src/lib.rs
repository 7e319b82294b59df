//! An axum backend that adds passkey login to its own accounts with `passage_flex`, written the
//! way an application would use the SDK.
//!
//! The app keeps its own accounts (username -> an immutable `external_id` it generates) and its
//! own sessions; Passage only proves, through a verified nonce, which `external_id` holds a
//! passkey. The browser side is the page at `/app` ([`router_with_page`]): Passage's official
//! browser SDK runs the WebAuthn ceremony with the transaction ID and hands back the nonce.
//!
//! | route | what it does |
//! |---|---|
//! | `POST /auth/register/start` `{username}` | reserves the username, opens a registration transaction: `{transaction_id}` |
//! | `POST /auth/register/finish` `{nonce}` | verifies the nonce, marks the account registered, starts a session |
//! | `POST /auth/login/start` `{username}` | opens an authentication transaction: `{transaction_id}` |
//! | `POST /auth/login/finish` `{nonce}` | verifies the nonce, starts a session |
//! | `POST /auth/logout` | ends the session |
//! | `GET /api/passkeys` | the signed-in user's passkeys as JSON |
//! | `DELETE /api/passkeys/{device_id}` | revokes one of them |
//! | `GET /` | an HTML page: who is signed in, their passkeys, a revoke button for each |
//! | `POST /passkeys/{device_id}/revoke` | the page's revoke form; redirects back to `/` |
//! | `GET /app` | with [`router_with_page`]: register, log in, list and revoke with the browser SDK |

mod accounts;
mod error;
mod page;
mod routes;
mod session;
mod state;

pub use routes::browser_page::BrowserPage;
use state::AppState;

use axum::Router;
use axum::routing::{delete, get, post};

/// The backend's routes over `passage`, ready for `axum::serve`.
pub fn router(passage: passage_flex::PassageFlex) -> Router {
    Router::new()
        .route("/", get(routes::passkeys::page))
        .route("/auth/register/start", post(routes::auth::register_start))
        .route("/auth/register/finish", post(routes::auth::register_finish))
        .route("/auth/login/start", post(routes::auth::login_start))
        .route("/auth/login/finish", post(routes::auth::login_finish))
        .route("/auth/logout", post(routes::auth::logout))
        .route("/api/passkeys", get(routes::passkeys::list))
        .route(
            "/api/passkeys/{device_id}",
            delete(routes::passkeys::revoke),
        )
        .route(
            "/passkeys/{device_id}/revoke",
            post(routes::passkeys::revoke_from_page),
        )
        .with_state(AppState::new(passage))
}

/// [`router`] plus the browser SDK page at `/app` and its files.
pub fn router_with_page(passage: passage_flex::PassageFlex, page: BrowserPage) -> Router {
    router(passage).merge(routes::browser_page::routes(page))
}
