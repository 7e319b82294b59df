//! The WebAuthn relying party of the emulated app, as Passage sets it up for a Flex app: the RP
//! ID is the host of the auth origin unless told otherwise (an iOS app's associated domain), and
//! ceremonies must run on the auth origin, one of the additional origins, the iOS origin
//! `https://<rp id>` when the RP ID was set, or one of the Android apps' exact origins.

use url::Url;
use webauthn_rs::prelude::{Webauthn, WebauthnBuilder};

use crate::config::AppConfig;

/// The relying party for `app`, or why its origins cannot make one.
pub(crate) fn relying_party(app: &AppConfig) -> Result<Webauthn, String> {
    let auth_origin = parse(&app.auth_origin)?;
    let rp_id = app
        .effective_rp_id()
        .ok_or_else(|| format!("the auth origin {} has no host", app.auth_origin))?;
    let mut builder = WebauthnBuilder::new(&rp_id, &auth_origin)
        .map_err(|err| format!("no relying party for {}: {err}", app.auth_origin))?
        .rp_name(&app.name);
    let others: Vec<Url> = app
        .additional_auth_origins
        .iter()
        .cloned()
        .chain(app.ios_origin())
        .chain(app.android_origins.iter().cloned())
        .map(|origin| parse(&origin))
        .collect::<Result<_, _>>()?;
    for origin in &others {
        builder = builder.append_allowed_origin(origin);
    }
    builder
        .build()
        .map_err(|err| format!("no relying party for {}: {err}", app.auth_origin))
}

fn parse(origin: &str) -> Result<Url, String> {
    Url::parse(origin).map_err(|err| format!("the origin {origin:?} is not a URL: {err}"))
}
