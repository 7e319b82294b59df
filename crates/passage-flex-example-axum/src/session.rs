//! The app's own sessions, started once Passage has proven who the user is. An opaque random
//! token in an `HttpOnly`, `SameSite=Strict` cookie, mapped server-side to the `external_id`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::error::AppError;

const COOKIE: &str = "session";
const LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

#[derive(Debug, Default)]
pub(crate) struct Sessions {
    by_token: Mutex<HashMap<String, (String, Instant)>>,
}

impl Sessions {
    /// Starts a session for `external_id` and returns the cookie that carries it.
    pub(crate) fn start(&self, external_id: &str) -> Cookie<'static> {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let mut sessions = self.by_token.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        sessions.retain(|_, (_, started)| now.duration_since(*started) < LIFETIME);
        sessions.insert(token.clone(), (external_id.to_owned(), now));
        // Over real HTTPS, add `.secure(true)`; it is left off only so the example works on
        // http://localhost in every browser.
        Cookie::build((COOKIE, token))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/")
            .build()
    }

    /// Ends the session the cookie names, if any; returns the jar without the cookie.
    pub(crate) fn end(&self, jar: CookieJar) -> CookieJar {
        if let Some(cookie) = jar.get(COOKIE) {
            let mut sessions = self.by_token.lock().unwrap_or_else(PoisonError::into_inner);
            sessions.remove(cookie.value());
        }
        jar.remove(Cookie::build(COOKIE).path("/"))
    }

    fn external_id(&self, token: &str) -> Option<String> {
        let sessions = self.by_token.lock().unwrap_or_else(PoisonError::into_inner);
        sessions
            .get(token)
            .filter(|(_, started)| started.elapsed() < LIFETIME)
            .map(|(external_id, _)| external_id.clone())
    }
}

/// The signed-in user of a request; 401 without a valid session. Extracted from any router
/// state that holds the [`Sessions`].
pub(crate) struct SignedIn {
    pub external_id: String,
}

impl<S> FromRequestParts<S> for SignedIn
where
    Arc<Sessions>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let sessions = Arc::<Sessions>::from_ref(state);
        let jar = CookieJar::from_headers(&parts.headers);
        jar.get(COOKIE)
            .and_then(|cookie| sessions.external_id(cookie.value()))
            .map(|external_id| SignedIn { external_id })
            .ok_or(AppError::NotSignedIn)
    }
}

/// The signed-in user, if any (for pages that show something either way).
pub(crate) struct MaybeSignedIn(pub Option<SignedIn>);

impl<S> FromRequestParts<S> for MaybeSignedIn
where
    Arc<Sessions>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(MaybeSignedIn(
            SignedIn::from_request_parts(parts, state).await.ok(),
        ))
    }
}
