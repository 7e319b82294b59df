//! The WebAuthn ceremonies of the browser-facing API: handshakes, and what a verified
//! registration or login changes. The cryptographic checks are `webauthn-rs`'s; this file keeps
//! the state around them: single-use expiring handshakes, transactions, devices, logins, nonces.
//!
//! Every failure leaves the state as it was, the handshake included, so a refused attempt can
//! be retried with a correct response; only a success spends the handshake.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Webauthn, WebauthnError,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use super::{Completion, Data, Store, TransactionKind, User, new_id, refuse_inactive};
use crate::api_error::{EmulatorCode, Failure};

/// A ceremony started and not yet finished.
#[derive(Debug)]
pub(crate) struct Handshake {
    pub(super) expires_at: Instant,
    ceremony: Ceremony,
}

#[derive(Debug)]
enum Ceremony {
    Register {
        transaction_id: String,
        state: PasskeyRegistration,
    },
    /// A login for the user of a transaction: only that user's passkeys are allowed.
    Authenticate {
        transaction_id: String,
        state: PasskeyAuthentication,
    },
    /// A login without a transaction: the credential's user handle names the user.
    Discover { state: DiscoverableAuthentication },
}

/// What a registration start hands the browser.
pub(crate) struct RegistrationStart {
    pub handshake_id: String,
    pub challenge: CreationChallengeResponse,
}

/// What an authentication start hands the browser.
pub(crate) struct AuthenticationStart {
    pub handshake_id: String,
    pub challenge: RequestChallengeResponse,
}

impl Store {
    /// Starts the passkey creation of a registration transaction; the user's existing passkeys
    /// are listed in `excludeCredentials`.
    pub(crate) fn start_registration(
        &self,
        rp: &Webauthn,
        transaction_id: &str,
    ) -> Result<RegistrationStart, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        data.sweep(now);
        let transaction = data.live_transaction(transaction_id, now)?;
        let TransactionKind::Register {
            passkey_display_name,
        } = &transaction.kind
        else {
            return Err(Failure::invalid_request(
                "transaction_id: this is an authentication transaction",
            ));
        };
        let user = data.user(&transaction.user_id)?;
        refuse_inactive(user)?;
        let exclude = passkeys(user).map(|key| key.cred_id().clone()).collect();
        let (mut challenge, state) = rp
            .start_passkey_registration(
                user.handle,
                passkey_display_name,
                passkey_display_name,
                Some(exclude),
            )
            .map_err(|err| refused(&err))?;
        // Flex logins may run without a transaction (the browser offers the user's passkeys and
        // the credential names the user), so the passkey must be discoverable. Verification does
        // not depend on this, so only the options sent to the browser change.
        if let Some(selection) = &mut challenge.public_key.authenticator_selection {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        let handshake_id = self.open_handshake(
            &mut data,
            now,
            Ceremony::Register {
                transaction_id: transaction_id.to_owned(),
                state,
            },
        );
        Ok(RegistrationStart {
            handshake_id,
            challenge,
        })
    }

    /// Verifies the new credential and, if it holds, adds the device and ends the transaction
    /// with a nonce.
    pub(crate) fn finish_registration(
        &self,
        rp: &Webauthn,
        handshake_id: &str,
        transaction_id: &str,
        credential: &RegisterPublicKeyCredential,
    ) -> Result<Completion, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        let Ceremony::Register {
            transaction_id: expected,
            state,
        } = &live_handshake(&data, handshake_id, now)?.ceremony
        else {
            return Err(Failure::invalid_request(
                "handshake_id: this handshake is not a registration",
            ));
        };
        check_transaction(expected, Some(transaction_id))?;
        let transaction = data.live_transaction(transaction_id, now)?;
        let TransactionKind::Register {
            passkey_display_name,
        } = &transaction.kind
        else {
            return Err(Failure::transaction_not_found());
        };
        let (user_id, friendly_name) = (transaction.user_id.clone(), passkey_display_name.clone());
        let passkey = rp
            .finish_passkey_registration(credential, state)
            .map_err(|err| refused(&err))?;
        let cred_id = URL_SAFE_NO_PAD.encode(passkey.cred_id());
        if data
            .users
            .values()
            .flat_map(|user| &user.devices)
            .any(|device| device.cred_id == cred_id)
        {
            return Err(Failure::credential_not_allowed(
                "this credential is already registered",
            ));
        }
        let user = data.user_mut(&user_id)?;
        refuse_inactive(user)?;
        let device_id = user.add_device(friendly_name, cred_id, Some(passkey));
        data.handshakes.remove(handshake_id);
        data.transactions.remove(transaction_id);
        let nonce = self.issue_nonce(&mut data, user_id, now);
        self.commit(data)?;
        Ok(Completion { nonce, device_id })
    }

    /// Starts a login: for the user of an authentication transaction (their passkeys in
    /// `allowCredentials`), or, without one, a discoverable-credential login.
    pub(crate) fn start_authentication(
        &self,
        rp: &Webauthn,
        transaction_id: Option<&str>,
    ) -> Result<AuthenticationStart, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        data.sweep(now);
        let (challenge, ceremony) = match transaction_id {
            Some(transaction_id) => {
                let transaction = data.live_transaction(transaction_id, now)?;
                if !matches!(transaction.kind, TransactionKind::Authenticate) {
                    return Err(Failure::invalid_request(
                        "transaction_id: this is a registration transaction",
                    ));
                }
                let user = data.user(&transaction.user_id)?;
                refuse_inactive(user)?;
                let allowed: Vec<Passkey> = passkeys(user).cloned().collect();
                if allowed.is_empty() {
                    return Err(Failure::user_has_no_passkeys());
                }
                let (challenge, state) = rp
                    .start_passkey_authentication(&allowed)
                    .map_err(|err| refused(&err))?;
                let ceremony = Ceremony::Authenticate {
                    transaction_id: transaction_id.to_owned(),
                    state,
                };
                (challenge, ceremony)
            }
            None => {
                let (challenge, state) = rp
                    .start_discoverable_authentication()
                    .map_err(|err| refused(&err))?;
                (challenge, Ceremony::Discover { state })
            }
        };
        let handshake_id = self.open_handshake(&mut data, now, ceremony);
        Ok(AuthenticationStart {
            handshake_id,
            challenge,
        })
    }

    /// Verifies the assertion and, if it holds, counts the login on the device and the user,
    /// ends the transaction (if any) and answers with a nonce.
    pub(crate) fn finish_authentication(
        &self,
        rp: &Webauthn,
        handshake_id: &str,
        transaction_id: Option<&str>,
        credential: &PublicKeyCredential,
    ) -> Result<Completion, Failure> {
        let mut data = self.lock();
        let now = Instant::now();
        let handshake = live_handshake(&data, handshake_id, now)?;
        let cred_id = URL_SAFE_NO_PAD.encode(credential.get_credential_id());
        let (user_id, result) = match &handshake.ceremony {
            Ceremony::Authenticate {
                transaction_id: expected,
                state,
            } => {
                check_transaction(expected, transaction_id)?;
                let transaction = data.live_transaction(expected, now)?;
                let user_id = transaction.user_id.clone();
                // A credential the user no longer has (revoked since the start) or never had.
                device_with(data.user(&user_id)?, &cred_id)?;
                let result = rp
                    .finish_passkey_authentication(credential, state)
                    .map_err(|err| refused(&err))?;
                (user_id, result)
            }
            Ceremony::Discover { state } => {
                if transaction_id.is_some() {
                    return Err(Failure::invalid_request(
                        "transaction_id: this handshake has no transaction",
                    ));
                }
                let (handle, _) = rp
                    .identify_discoverable_authentication(credential)
                    .map_err(|err| refused(&err))?;
                let user = data
                    .users
                    .values()
                    .find(|user| user.handle == handle)
                    .ok_or_else(|| {
                        Failure::credential_not_allowed("no user has this user handle")
                    })?;
                let passkey = device_with(user, &cred_id)?;
                let result = rp
                    .finish_discoverable_authentication_v2(credential, state.clone(), passkey)
                    .map_err(|err| refused(&err))?;
                (user.id.clone(), result)
            }
            Ceremony::Register { .. } => {
                return Err(Failure::invalid_request(
                    "handshake_id: this handshake is not a login",
                ));
            }
        };
        let transaction_id = match &handshake.ceremony {
            Ceremony::Authenticate { transaction_id, .. } => Some(transaction_id.clone()),
            _ => None,
        };
        let user = data.user_mut(&user_id)?;
        refuse_inactive(user)?;
        let revoked = || Failure::credential_not_allowed("the passkey was revoked");
        let index = user
            .devices
            .iter()
            .position(|device| device.cred_id == cred_id)
            .ok_or_else(revoked)?;
        if let Some(passkey) = user.devices.get_mut(index).and_then(|d| d.passkey.as_mut()) {
            passkey.update_credential(&result);
        }
        let device_id = user.count_login(index).ok_or_else(revoked)?;
        data.handshakes.remove(handshake_id);
        if let Some(transaction_id) = transaction_id {
            data.transactions.remove(&transaction_id);
        }
        let nonce = self.issue_nonce(&mut data, user_id, now);
        self.commit(data)?;
        Ok(Completion { nonce, device_id })
    }

    fn open_handshake(&self, data: &mut Data, now: Instant, ceremony: Ceremony) -> String {
        let id = new_id();
        data.handshakes.insert(
            id.clone(),
            Handshake {
                expires_at: now + self.handshake_ttl,
                ceremony,
            },
        );
        id
    }
}

/// The user's passkeys that can take part in a real ceremony.
fn passkeys(user: &User) -> impl Iterator<Item = &Passkey> {
    user.devices
        .iter()
        .filter_map(|device| device.passkey.as_ref())
}

/// The user's passkey with this credential ID, or why it may not be used.
fn device_with<'a>(user: &'a User, cred_id: &str) -> Result<&'a Passkey, Failure> {
    user.devices
        .iter()
        .find(|device| device.cred_id == cred_id)
        .and_then(|device| device.passkey.as_ref())
        .ok_or_else(|| {
            Failure::credential_not_allowed("the credential is not one of the user's passkeys")
        })
}

fn live_handshake<'a>(
    data: &'a Data,
    handshake_id: &str,
    now: Instant,
) -> Result<&'a Handshake, Failure> {
    data.handshakes
        .get(handshake_id)
        .filter(|handshake| handshake.expires_at > now)
        .ok_or_else(Failure::handshake_not_found)
}

fn check_transaction(expected: &str, sent: Option<&str>) -> Result<(), Failure> {
    if sent != Some(expected) {
        return Err(Failure::invalid_request(
            "transaction_id: not the transaction this handshake belongs to",
        ));
    }
    Ok(())
}

/// A verification failure, with a code naming the check that failed.
fn refused(err: &WebauthnError) -> Failure {
    if let WebauthnError::CredentialNotFound = err {
        // The same refusal, and status, as a credential the emulator itself does not allow.
        return Failure::credential_not_allowed(err.to_string());
    }
    let code = match err {
        WebauthnError::InvalidRPOrigin => EmulatorCode::OriginNotAllowed,
        WebauthnError::InvalidRPIDHash => EmulatorCode::RpIdMismatch,
        WebauthnError::MismatchedChallenge => EmulatorCode::ChallengeMismatch,
        WebauthnError::InvalidClientDataType => EmulatorCode::WrongCeremonyType,
        WebauthnError::UserNotPresent => EmulatorCode::UserNotPresent,
        WebauthnError::UserNotVerified => EmulatorCode::UserNotVerified,
        WebauthnError::AuthenticationFailure => EmulatorCode::InvalidSignature,
        WebauthnError::CredentialPossibleCompromise => EmulatorCode::SignCountDecreased,
        WebauthnError::CredentialExcludedFromRequest => EmulatorCode::CredentialExcluded,
        _ => EmulatorCode::WebauthnVerificationFailed,
    };
    Failure::ceremony_refused(code, err.to_string())
}
