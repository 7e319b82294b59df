//! Fake: the raw HTTP server (`passage_flex_tests::raw_http`).
//!
//! Property: whatever a caller passes (external IDs, device and user IDs, nonces, display
//! names, metadata, list filters: any Unicode, control characters, operators, dot segments,
//! values thousands of characters long), each operation either sends it exactly (the server
//! receives the same bytes, once the path's percent-encoding, the query's form encoding and
//! the body's JSON are decoded) or refuses it with `InvalidArgument` before sending anything,
//! and refuses exactly what its documentation says it refuses.
//!
//! Case counts are bounded (`CASES`) to keep CI fast; `PROPTEST_CASES` raises them.

use futures::TryStreamExt;
use passage_flex::{CacheConfig, Error, ListUsersOptions, PassageFlex, RetryConfig, TextMatch};
use passage_flex_tests::raw_http::{RawServer, SeenRequest, json_answer};
use passage_flex_tests::{
    API_KEY, APP_ID, device_json, list_item_json, user_json, users_page_json,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::time::Duration;

const CASES: u32 = 64;
const OPERATORS: [&str; 5] = ["ne:", "gt:", "lt:", "like:", "not_like:"];
/// The Passage ID the server's lookup finds for any external ID.
const USER_ID: &str = "psg_1";

// --- inputs -------------------------------------------------------------------------------------

/// Text as callers pass it: anything, often with an operator in front, sometimes a dot segment,
/// characters that URLs and JSON must escape, or thousands of characters.
fn text() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec!["", "", "", "ne:", "gt:", "lt:", "like:", "not_like:"]);
    prop_oneof![
        6 => (prefix, any::<String>()).prop_map(|(prefix, rest)| format!("{prefix}{rest}")),
        2 => prop::sample::select(vec![
            "", ".", "..", "...", "%2e", "%2e%2E", "./..", "a/b", "a/../b", "?x=1#f", "&identifier=x",
            "a+b c", "%", "%zz", "\u{0}", "\u{1}\u{1f}\u{7f}", "\r\nX-Injected: 1", "\t",
            "\u{200b}\u{202e}\u{feff}", "🦀👩‍👩‍👧", "ü\u{308}", "\u{10ffff}", "\\", "\"",
            "ne:", "like:", "not_like", "NE:x", " ne:x",
        ])
        .prop_map(str::to_string),
        1 => vec(any::<char>(), 1000..6000).prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// Metadata values of any JSON kind (strings as above), or something that is not an object.
fn metadata() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            vec((text(), inner), 0..5)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    });
    prop_oneof![
        6 => vec((text(), value.clone()), 0..6)
            .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        1 => value,
    ]
}

fn text_match() -> impl Strategy<Value = Option<TextMatch>> {
    prop_oneof![
        1 => Just(None),
        2 => text().prop_map(|text| Some(TextMatch::Equal(text))),
        1 => text().prop_map(|text| Some(TextMatch::NotEqual(text))),
        1 => text().prop_map(|text| Some(TextMatch::Like(text))),
        1 => text().prop_map(|text| Some(TextMatch::NotLike(text))),
    ]
}

// --- the documented refusals --------------------------------------------------------------------

fn empty(value: &str) -> bool {
    value.is_empty()
}

/// An external ID that Passage's filter would read as an operator cannot be looked up.
fn not_a_lookup(value: &str) -> bool {
    value.is_empty() || OPERATORS.iter().any(|operator| value.starts_with(operator))
}

/// A path segment that URL normalisation would resolve away.
fn not_a_segment(value: &str) -> bool {
    matches!(value, "" | "." | "..")
}

/// `TextMatch::Equal` is sent without an operator, so a value that starts with one would be
/// read as that operator: it cannot be matched exactly.
fn not_an_exact_match(filter: &Option<TextMatch>) -> bool {
    matches!(filter, Some(TextMatch::Equal(text))
        if OPERATORS.iter().any(|operator| text.starts_with(operator)))
}

/// The filter as Passage's query value.
fn wire(filter: &TextMatch) -> String {
    match filter {
        TextMatch::Equal(text) => text.clone(),
        TextMatch::NotEqual(text) => format!("ne:{text}"),
        TextMatch::Like(text) => format!("like:{text}"),
        TextMatch::NotLike(text) => format!("not_like:{text}"),
        _ => unreachable!("the strategy makes only these"),
    }
}

// --- the harness --------------------------------------------------------------------------------

struct Harness {
    runtime: tokio::runtime::Runtime,
    server: RawServer,
    passage: PassageFlex,
}

fn harness() -> Harness {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime.block_on(RawServer::start());
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(&server.base_url)
        .timeout(Duration::from_secs(5))
        .user_id_cache(CacheConfig::disabled())
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback origin is accepted");
    Harness {
        runtime,
        server,
        passage,
    }
}

/// Answers as Passage would: the lookup finds `psg_1` with the external ID asked for, a user
/// answer names the user in the path (with `external_id`), everything else succeeds.
fn answer_as_passage(harness: &Harness, external_id: Option<String>) {
    harness.server.answer_with(move |request| {
        let segments = request.segments();
        let path = request.path();
        if request.method == "GET" && path.ends_with("/users") {
            let asked = request
                .query()
                .into_iter()
                .find(|(name, _)| name == "identifier");
            let users = match (asked, request.query().iter().any(|(n, _)| n == "page")) {
                (Some((_, asked)), false) => vec![list_item_json(USER_ID, &asked)],
                _ => vec![],
            };
            return json_answer(200, &users_page_json(users, 1, "").to_string());
        }
        let body = if path.ends_with("/devices") {
            json!({"devices": [device_json("dev_1", "passkey")]})
        } else if path.ends_with("/register") || path.ends_with("/authenticate") {
            json!({"transaction_id": "tx_1"})
        } else if path.ends_with("/verify") {
            json!({"external_id": "someone"})
        } else if request.method == "DELETE" {
            json!({})
        } else {
            let user_id = String::from_utf8_lossy(&segments[4]).into_owned();
            let external_id = external_id.clone().unwrap_or_else(|| "someone".into());
            json!({"user": user_json(&user_id, &external_id)})
        };
        json_answer(200, &body.to_string())
    });
}

/// Runs `call`; checks that it was refused (naming `refused`, nothing sent) or, when `refused`
/// is `None`, that it succeeded; returns the requests the server saw.
fn run<T: std::fmt::Debug>(
    harness: &Harness,
    external_id: Option<&str>,
    refused: Option<&'static str>,
    call: impl AsyncFnOnce(&PassageFlex) -> Result<T, Error>,
) -> Result<Vec<SeenRequest>, TestCaseError> {
    answer_as_passage(harness, external_id.map(str::to_string));
    let outcome = harness.runtime.block_on(call(&harness.passage));
    let seen = harness.server.seen();
    match refused {
        Some(argument) => {
            prop_assert!(
                matches!(&outcome, Err(Error::InvalidArgument { argument: named, .. })
                    if *named == argument),
                "expected `{argument}` refused, got {outcome:?}"
            );
            prop_assert!(seen.is_empty(), "refused, yet sent {seen:?}");
        }
        None => prop_assert!(outcome.is_ok(), "expected it sent, got {outcome:?}"),
    }
    Ok(seen)
}

fn json_body(request: &SeenRequest) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn app_segments(rest: &[&str]) -> Vec<Vec<u8>> {
    ["v1", "apps", APP_ID]
        .iter()
        .chain(rest)
        .map(|segment| segment.as_bytes().to_vec())
        .collect()
}

/// The lookup request carries exactly the external ID, and only what a lookup needs.
fn check_lookup(request: &SeenRequest, external_id: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(request.method.as_str(), "GET");
    prop_assert_eq!(request.segments(), app_segments(&["users"]));
    let mut query = request.query();
    query.sort();
    prop_assert_eq!(
        query,
        vec![
            ("identifier".to_string(), external_id.to_string()),
            ("limit".to_string(), "10".to_string()),
        ]
    );
    prop_assert!(request.body.is_empty());
    Ok(())
}

/// A lookup, then `method` on `/users/psg_1{rest}`.
fn check_looked_up(
    seen: &[SeenRequest],
    external_id: &str,
    method: &str,
    rest: &[&str],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(seen.len(), 2, "{:?}", seen);
    check_lookup(&seen[0], external_id)?;
    prop_assert_eq!(seen[1].method.as_str(), method);
    let mut path = vec!["users", USER_ID];
    path.extend(rest);
    prop_assert_eq!(seen[1].segments(), app_segments(&path));
    Ok(())
}

fn property<S: Strategy>(
    strategy: S,
    test: impl Fn(&Harness, S::Value) -> Result<(), TestCaseError>,
) {
    let harness = harness();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(CASES);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(failure) = runner.run(&strategy, |input| test(&harness, input)) {
        panic!("{failure}");
    }
}

// --- the properties -----------------------------------------------------------------------------

#[test]
fn create_register_transaction_sends_both_values_exactly() {
    property((text(), text()), |harness, (external_id, name)| {
        let refused = if empty(&external_id) {
            Some("external_id")
        } else if empty(&name) {
            Some("passkey_display_name")
        } else {
            None
        };
        let seen = run(harness, None, refused, async |passage| {
            passage
                .create_register_transaction(&external_id, &name)
                .await
        })?;
        if refused.is_none() {
            prop_assert_eq!(seen.len(), 1);
            prop_assert_eq!(seen[0].method.as_str(), "POST");
            prop_assert_eq!(
                seen[0].segments(),
                app_segments(&["transactions", "register"])
            );
            prop_assert_eq!(
                json_body(&seen[0]),
                json!({"external_id": external_id, "passkey_display_name": name})
            );
        }
        Ok(())
    });
}

#[test]
fn create_authenticate_transaction_sends_the_external_id_exactly() {
    property(text(), |harness, external_id| {
        let refused = empty(&external_id).then_some("external_id");
        let seen = run(harness, None, refused, async |passage| {
            passage.create_authenticate_transaction(&external_id).await
        })?;
        if refused.is_none() {
            prop_assert_eq!(seen.len(), 1);
            prop_assert_eq!(
                seen[0].segments(),
                app_segments(&["transactions", "authenticate"])
            );
            prop_assert_eq!(json_body(&seen[0]), json!({"external_id": external_id}));
        }
        Ok(())
    });
}

#[test]
fn verify_nonce_sends_the_nonce_exactly() {
    property(text(), |harness, nonce| {
        let refused = empty(&nonce).then_some("nonce");
        let seen = run(harness, None, refused, async |passage| {
            passage.verify_nonce(&nonce).await
        })?;
        if refused.is_none() {
            prop_assert_eq!(seen.len(), 1);
            prop_assert_eq!(seen[0].method.as_str(), "POST");
            prop_assert_eq!(
                seen[0].segments(),
                app_segments(&["authenticate", "verify"])
            );
            prop_assert_eq!(json_body(&seen[0]), json!({"nonce": nonce}));
        }
        Ok(())
    });
}

#[test]
fn get_user_by_id_puts_the_id_in_one_path_segment() {
    property(text(), |harness, user_id| {
        let refused = not_a_segment(&user_id).then_some("user_id");
        let seen = run(harness, None, refused, async |passage| {
            passage.get_user_by_id(&user_id).await
        })?;
        if refused.is_none() {
            prop_assert_eq!(seen.len(), 1);
            prop_assert_eq!(seen[0].method.as_str(), "GET");
            prop_assert_eq!(seen[0].segments(), app_segments(&["users", &user_id]));
        }
        Ok(())
    });
}

/// The operations that name a user by external ID and send nothing else of the caller's.
#[test]
fn external_id_operations_look_up_exactly_the_id_given() {
    let operation = prop::sample::select(vec![
        "get_user",
        "delete_user",
        "activate_user",
        "deactivate_user",
        "get_devices",
    ]);
    property((operation, text()), |harness, (operation, external_id)| {
        let refused = not_a_lookup(&external_id).then_some("external_id");
        let ext = external_id.as_str();
        let (method, rest): (&str, &[&str]) = match operation {
            "get_user" => ("GET", &[]),
            "delete_user" => ("DELETE", &[]),
            "activate_user" => ("PATCH", &["activate"]),
            "deactivate_user" => ("PATCH", &["deactivate"]),
            _ => ("GET", &["devices"]),
        };
        let seen = run(
            harness,
            Some(ext),
            refused,
            async |passage| match operation {
                "get_user" => passage.get_user(ext).await.map(drop),
                "delete_user" => passage.delete_user(ext).await,
                "activate_user" => passage.activate_user(ext).await.map(drop),
                "deactivate_user" => passage.deactivate_user(ext).await.map(drop),
                _ => passage.get_devices(ext).await.map(drop),
            },
        )?;
        if refused.is_none() {
            check_looked_up(&seen, ext, method, rest)?;
            prop_assert!(seen[1].body.is_empty());
        }
        Ok(())
    });
}

#[test]
fn revoke_device_sends_both_ids_exactly() {
    property((text(), text()), |harness, (external_id, device_id)| {
        let refused = if not_a_segment(&device_id) {
            Some("device_id")
        } else if not_a_lookup(&external_id) {
            Some("external_id")
        } else {
            None
        };
        let seen = run(harness, Some(&external_id), refused, async |passage| {
            passage.revoke_device(&external_id, &device_id).await
        })?;
        if refused.is_none() {
            check_looked_up(&seen, &external_id, "DELETE", &["devices", &device_id])?;
        }
        Ok(())
    });
}

#[test]
fn update_user_metadata_sends_the_metadata_exactly() {
    property((text(), metadata()), |harness, (external_id, metadata)| {
        let refused = if !metadata.is_object() {
            Some("metadata")
        } else if not_a_lookup(&external_id) {
            Some("external_id")
        } else {
            None
        };
        let sent = metadata.clone();
        let seen = run(harness, Some(&external_id), refused, async |passage| {
            passage.update_user_metadata(&external_id, sent).await
        })?;
        if refused.is_none() {
            check_looked_up(&seen, &external_id, "PATCH", &[])?;
            // Through the same text-to-number parser on both sides: serde_json's default float
            // parsing may land one ULP off, the same way for the same text.
            let expected = json!({ "user_metadata": metadata });
            let expected: Value = serde_json::from_str(&expected.to_string()).expect("JSON");
            prop_assert_eq!(json_body(&seen[1]), expected);
        }
        Ok(())
    });
}

#[test]
fn list_users_sends_each_filter_exactly_or_refuses_what_cannot_be_matched() {
    let strategy = (text_match(), text_match(), 0u32..600);
    property(strategy, |harness, (identifier, user_id, page_size)| {
        let mut options = ListUsersOptions::new().page_size(page_size);
        if let Some(identifier) = identifier.clone() {
            options = options.identifier(identifier);
        }
        if let Some(user_id) = user_id.clone() {
            options = options.user_id(user_id);
        }
        let refused = if !(1..=500).contains(&page_size) {
            Some("page_size")
        } else if not_an_exact_match(&identifier) {
            Some("identifier")
        } else if not_an_exact_match(&user_id) {
            Some("user_id")
        } else {
            None
        };
        let seen = run(harness, None, refused, async |passage| {
            passage.list_users(options).try_collect::<Vec<_>>().await
        })?;
        if refused.is_none() {
            prop_assert_eq!(seen.len(), 1);
            prop_assert_eq!(seen[0].segments(), app_segments(&["users"]));
            let mut query = seen[0].query();
            query.sort();
            let mut expected = vec![
                ("limit".to_string(), page_size.to_string()),
                ("page".to_string(), "1".to_string()),
            ];
            if let Some(identifier) = &identifier {
                expected.push(("identifier".to_string(), wire(identifier)));
            }
            if let Some(user_id) = &user_id {
                expected.push(("id".to_string(), wire(user_id)));
            }
            expected.sort();
            prop_assert_eq!(query, expected);
        }
        Ok(())
    });
}
