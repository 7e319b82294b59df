//! The gates: the app's API key and app ID for the management API (the key optional for
//! `getApp`), the app ID alone for the endpoints a browser calls (it has no key).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::api_error::Failure;
use crate::shared::Shared;

/// Proof, for a handler, that the request carries the app's API key and names its app.
/// Wrong or missing key: 401 `invalid_access_token`, checked first; another app ID: 404
/// `app_not_found`.
pub(crate) struct Authorized;

impl FromRequestParts<Arc<Shared>> for Authorized {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, Failure> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Err(Failure::invalid_access_token());
        }
        OptionalKey::from_request_parts(parts, shared)
            .await
            .map(|_| Authorized)
    }
}

/// Proof that the request names the app and that its key, if it sends one, is the app's: the
/// gate of `getApp`, whose security is "bearer or none" (the app's public information is
/// readable without a key). A key that is there but wrong is still 401 `invalid_access_token`,
/// so a misconfigured client hears of it on its first call.
pub(crate) struct OptionalKey;

impl FromRequestParts<Arc<Shared>> for OptionalKey {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, Failure> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let presented = header
                .to_str()
                .ok()
                .and_then(|value| value.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim());
            if presented != Some(shared.app.api_key.as_str()) {
                return Err(Failure::invalid_access_token());
            }
        }
        require_app(parts, shared).await?;
        Ok(OptionalKey)
    }
}

/// Proof that the path names the emulated app, for endpoints that take no API key (the
/// browser's ceremony endpoints and the emulator's control endpoint).
pub(crate) struct KnownApp;

impl FromRequestParts<Arc<Shared>> for KnownApp {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, Failure> {
        require_app(parts, shared).await.map(|()| KnownApp)
    }
}

/// 404 `app_not_found` unless the path's `{app_id}` is the emulated app's.
async fn require_app(parts: &mut Parts, shared: &Shared) -> Result<(), Failure> {
    let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, &())
        .await
        .map_err(|_| Failure::app_not_found())?;
    match params.get("app_id") {
        Some(app_id) if *app_id == shared.app.app_id => Ok(()),
        _ => Err(Failure::app_not_found()),
    }
}
