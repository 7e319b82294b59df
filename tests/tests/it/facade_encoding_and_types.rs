//! Fake: httpmock.
//!
//! Arguments that need percent-encoding, the external-ID mismatch, unknown enum values and
//! fields, and timestamps with fractions and offsets.

use chrono::{TimeZone, Utc};
use httpmock::prelude::*;
use passage_flex::{Error, UserStatus, WebAuthnType};
use passage_flex_tests::*;
use serde_json::json;

const ODD_EXTERNAL_ID: &str = "a b/c?d&e#f+ü";
const ODD_USER_ID: &str = "psg/1 ?&#ü";
const ODD_USER_ID_ENCODED: &str = "psg%2F1%20%3F%26%23%C3%BC";

#[tokio::test]
async fn odd_characters_survive_in_query_and_path() {
    let server = MockServer::start_async().await;
    let lookup = stub_lookup(&server, ODD_EXTERNAL_ID, ODD_USER_ID, ODD_EXTERNAL_ID).await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path(app_path(&format!(
                "/users/{ODD_USER_ID_ENCODED}/devices/dev%2F%3F%23%20x"
            )));
            then.status(200);
        })
        .await;

    client(&server)
        .revoke_device(ODD_EXTERNAL_ID, "dev/?# x")
        .await
        .expect("revoke with odd IDs");

    lookup.assert_async().await;
    delete.assert_async().await;
}

#[tokio::test]
async fn a_user_matched_by_email_is_not_the_user_asked_for() {
    let server = MockServer::start_async().await;
    // `identifier` also matches emails: Passage answers with a user whose external ID differs.
    stub_lookup(&server, "ada@example.com", "psg_other", "someone-else").await;
    let act = server
        .mock_async(|when, then| {
            when.path_includes("psg_other");
            then.status(200);
        })
        .await;

    let passage = client(&server);
    let err = passage
        .get_devices("ada@example.com")
        .await
        .expect_err("not that user");
    assert!(matches!(err, Error::UserNotFound(_)), "{err:?}");
    // Passage refused nothing: the lookup's own answer, with no error code.
    assert_eq!((err.status(), err.code()), (Some(200), None));
    let err = passage
        .revoke_device("ada@example.com", "dev_1")
        .await
        .expect_err("not that user");
    assert!(matches!(err, Error::UserNotFound(_)), "{err:?}");
    let err = passage
        .delete_user("ada@example.com")
        .await
        .expect_err("not that user");
    assert!(matches!(err, Error::UserNotFound(_)), "{err:?}");
    assert_eq!(
        act.calls_async().await,
        0,
        "nothing may be done to another user"
    );
}

#[tokio::test]
async fn an_empty_lookup_is_user_not_found() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(users_page_json(vec![], 1, ""));
        })
        .await;
    let err = client(&server)
        .get_user("nobody")
        .await
        .expect_err("no such user");
    // Reported as the answer it was (a 200 with no user), not as a made-up 404.
    let Error::UserNotFound(answer) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (answer.operation, answer.status, &answer.code),
        ("find_user_by_external_id", 200, &None)
    );
}

#[tokio::test]
async fn unknown_enum_values_and_fields_are_accepted() {
    let server = MockServer::start_async().await;
    let mut user = user_json("psg_1", "user-42");
    user["status"] = json!("suspended_for_review");
    user["webauthn_types"] = json!(["passkey", "quantum_key"]);
    user["webauthn_devices"] = json!([device_json("dev_1", "quantum_key")]);
    user["a_field_added_next_year"] = json!({"nested": [1, 2, 3]});
    server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users/psg_1"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"user": user, "another_new_field": true}));
        })
        .await;

    let user = client(&server)
        .get_user_by_id("psg_1")
        .await
        .expect("tolerant parsing");

    assert_eq!(
        user.status,
        UserStatus::Unknown("suspended_for_review".into())
    );
    assert_eq!(
        user.webauthn_types,
        [
            WebAuthnType::Passkey,
            WebAuthnType::Unknown("quantum_key".into())
        ]
    );
    assert_eq!(
        user.webauthn_devices[0].device_type,
        WebAuthnType::Unknown("quantum_key".into())
    );
}

#[tokio::test]
async fn timestamps_with_fractions_and_offsets_become_comparable_utc() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users/psg_1/devices"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"devices": [device_json("dev_1", "passkey")]}));
        })
        .await;

    let devices = client(&server)
        .get_devices("user-42")
        .await
        .expect("devices");
    let device = &devices[0];

    // "2023-01-01T00:00:00-05:00"
    assert_eq!(
        device.last_login_at,
        Utc.with_ymd_and_hms(2023, 1, 1, 5, 0, 0).unwrap()
    );
    // "2024-06-01T12:00:00.123456789Z"
    assert_eq!(device.updated_at.timestamp_subsec_nanos(), 123_456_789);
    let one_year_ago = Utc::now() - chrono::Duration::days(365);
    assert!(device.last_login_at < one_year_ago);
    assert!(device.created_at < device.updated_at);
}

#[test]
fn enums_display_as_the_api_spells_them() {
    use passage_flex::{AppType, UserStatus, WebAuthnType};
    assert_eq!(UserStatus::Inactive.to_string(), "inactive");
    assert_eq!(
        UserStatus::Unknown("suspended".into()).to_string(),
        "suspended"
    );
    assert_eq!(WebAuthnType::SecurityKey.to_string(), "security_key");
    assert_eq!(WebAuthnType::Unknown("hybrid".into()).as_str(), "hybrid");
    assert_eq!(AppType::Flex.as_str(), "flex");
}

#[tokio::test]
async fn a_user_serializes_with_passages_field_names_and_reads_back_the_same() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "ada", "usr_1", "ada").await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users/usr_1"));
            then.status(200)
                .json_body(json!({"user": user_json("usr_1", "ada")}));
        })
        .await;
    let user = client(&server).get_user("ada").await.expect("get_user");

    // As 1.0's user did, so that a handler can return it as JSON.
    let written = serde_json::to_value(&user).expect("a user serializes");
    let device = &written["webauthn_devices"][0];
    assert_eq!(device["type"], "passkey");
    assert!(device.get("device_type").is_none(), "{device}");
    assert_eq!(
        device["icons"],
        json!({"light": "data:image/svg+xml;base64,PHN2Zz4=", "dark": null})
    );
    assert_eq!(written["status"], "active");
    assert_eq!(written["login_count"], 7);
    assert_eq!(written["last_login_at"], "2024-06-02T12:30:00Z");
    assert_eq!(written["user_metadata"], json!({"plan": "pro"}));

    let read: passage_flex::PassageUser = serde_json::from_value(written).expect("reads back");
    assert_eq!(read, user);
}
