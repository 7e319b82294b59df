//! Fake: the in-process emulator, over raw HTTP.
//!
//! The emulator answers as Passage does, over raw HTTP and without the SDK: `getApp` with and
//! without a key, a bad nonce's 400, the user list's defaults, limits, filter operators,
//! multi-field `order_by` and `_links`, and Passage's own error codes (only those) from every
//! refusal of the management API.

use std::time::Duration;

use passage_flex_emulator::Emulator;
use reqwest::header::{ALLOW, HeaderMap};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// Passage's 35 error codes (`passage-api.md`, "Errors"): the only ones the management API may
/// answer with.
const PASSAGE_CODES: [&str; 35] = [
    "invalid_request",
    "custom_provider_required",
    "invalid_access_token",
    "invalid_nonce",
    "operation_not_allowed",
    "cannot_create_transaction",
    "cannot_create_organization_billing_portal_session",
    "cannot_delete_admin",
    "cannot_delete_organization_member",
    "cannot_self_update_organization_member",
    "user_not_found",
    "device_not_found",
    "app_not_found",
    "api_key_not_found",
    "admin_not_found",
    "domain_not_found",
    "email_provider_not_found",
    "email_template_not_found",
    "event_not_found",
    "function_not_found",
    "function_secret_key_not_found",
    "function_version_not_found",
    "metadata_field_not_found",
    "native_client_not_found",
    "oauth2_app_not_found",
    "organization_member_not_found",
    "sms_provider_not_found",
    "sms_template_not_found",
    "social_connection_not_found",
    "user_has_no_passkeys",
    "user_already_admin",
    "user_already_organization_member",
    "native_client_already_exists",
    "failed_to_sync_email_preferences",
    "internal_server_error",
];

const NONCE_MESSAGE: &str = "Could not verify nonce: nonce is invalid, expired, or cannot be found";

/// Which Authorization header a request sends.
#[derive(Clone, Copy)]
enum Key<'a> {
    App,
    None,
    Header(&'a str),
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("<no code>")
    }

    fn external_ids(&self) -> Vec<String> {
        self.body["users"]
            .as_array()
            .expect("a user list")
            .iter()
            .map(|user| user["external_id"].as_str().unwrap().to_owned())
            .collect()
    }
}

struct Api {
    emulator: Emulator,
    client: Client,
}

impl Api {
    async fn start() -> Self {
        Self::start_with(Emulator::builder()).await
    }

    async fn start_with(builder: passage_flex_emulator::EmulatorBuilder) -> Self {
        Api {
            emulator: builder.start().await.expect("the emulator starts"),
            client: Client::new(),
        }
    }

    /// The URL of `rest` under the app, such as `/users`.
    fn url(&self, rest: &str) -> String {
        format!(
            "{}/v1/apps/{}{rest}",
            self.emulator.base_url(),
            self.emulator.app_id()
        )
    }

    async fn send(&self, method: Method, url: &str, key: Key<'_>, body: Option<&str>) -> Answer {
        let mut request = self.client.request(method, url);
        match key {
            Key::App => request = request.bearer_auth(self.emulator.api_key()),
            Key::None => {}
            Key::Header(value) => request = request.header("authorization", value),
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn call(&self, method: Method, rest: &str, body: Option<&str>) -> Answer {
        self.send(method, &self.url(rest), Key::App, body).await
    }

    /// `GET /users?<query>`, which must succeed.
    async fn list(&self, query: &str) -> Answer {
        let answer = self
            .call(Method::GET, &format!("/users?{query}"), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
        answer
    }

    /// `GET /users?<name>=<value>`, the value percent-encoded: the external IDs it lists, in
    /// the default order.
    async fn filtered(&self, name: &str, value: &str) -> Vec<String> {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(name, value)
            .finish();
        self.list(&query).await.external_ids()
    }

    async fn refused(&self, query: &str) -> Answer {
        let answer = self
            .call(Method::GET, &format!("/users?{query}"), None)
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{query}: {}",
            answer.body
        );
        answer
    }

    async fn transaction(&self, kind: &str, external_id: &str) -> Answer {
        let body = json!({"external_id": external_id, "passkey_display_name": external_id});
        self.call(
            Method::POST,
            &format!("/transactions/{kind}"),
            Some(&body.to_string()),
        )
        .await
    }

    /// A user with no passkey yet (status `pending`).
    async fn pending_user(&self, external_id: &str) -> String {
        let answer = self.transaction("register", external_id).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        self.user_id(external_id).await
    }

    /// A user with a passkey (status `active`).
    async fn active_user(&self, external_id: &str) -> String {
        let answer = self.transaction("register", external_id).await;
        let transaction = answer.body["transaction_id"].as_str().unwrap();
        self.emulator.complete_transaction(transaction).unwrap();
        self.user_id(external_id).await
    }

    /// A login by passkey, returning the nonce that proves it.
    async fn login(&self, external_id: &str) -> String {
        let answer = self.transaction("authenticate", external_id).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let transaction = answer.body["transaction_id"].as_str().unwrap();
        self.emulator
            .complete_transaction(transaction)
            .unwrap()
            .nonce
    }

    async fn verify(&self, nonce: &str) -> Answer {
        let body = json!({ "nonce": nonce }).to_string();
        self.call(Method::POST, "/authenticate/verify", Some(&body))
            .await
    }

    async fn user_id(&self, external_id: &str) -> String {
        let found = self
            .list(&format!("identifier={external_id}&limit=1"))
            .await;
        found.body["users"][0]["id"].as_str().unwrap().to_owned()
    }

    async fn user(&self, user_id: &str) -> Value {
        let answer = self
            .call(Method::GET, &format!("/users/{user_id}"), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        answer.body["user"].clone()
    }
}

/// `names`, in the order the users of [`four_users`] (and eve) list by default: newest first.
fn newest_first(names: &[String]) -> Vec<String> {
    ["eve", "dan", "carol", "bob", "ada"]
        .into_iter()
        .filter(|name| names.iter().any(|n| n == name))
        .map(str::to_owned)
        .collect()
}

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// A timestamp of the API (RFC 3339) in the fixed form the list's filters take.
fn fixed_form(rfc3339: &Value) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339.as_str().unwrap())
        .unwrap()
        .to_utc()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

#[tokio::test]
async fn get_app_answers_without_a_key_but_not_with_a_wrong_one() {
    let api = Api::start().await;
    let app_url = api.url("");

    let open = api.send(Method::GET, &app_url, Key::None, None).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.body);
    let with_key = api.send(Method::GET, &app_url, Key::App, None).await;
    assert_eq!(with_key.status, StatusCode::OK);
    // The key changes nothing in what the app looks like.
    assert_eq!(open.body, with_key.body);

    let app = open.body["app"].as_object().expect("an app");
    // Every field the spec requires is there (and `secret`, sent as null).
    for field in [
        "id",
        "name",
        "auth_origin",
        "type",
        "created_at",
        "login_url",
        "redirect_url",
        "application_login_uri",
        "allowed_callback_urls",
        "allowed_logout_urls",
        "additional_auth_origins",
        "hosted",
        "hosted_subdomain",
        "hosted_theme",
        "auto_theme_enabled",
        "public_signup",
        "profile_management",
        "passage_branding",
        "default_language",
        "required_identifier",
        "allowed_identifier",
        "require_email_verification",
        "require_identifier_verification",
        "session_timeout_length",
        "refresh_enabled",
        "refresh_absolute_lifetime",
        "refresh_inactivity_lifetime",
        "rsa_public_key",
        "role",
        "secret",
        "user_metadata_schema",
        "auth_methods",
        "auth_fallback_method",
        "auth_fallback_method_ttl",
        "technologies",
        "layouts",
        "element_customization",
        "element_customization_dark",
    ] {
        assert!(app.contains_key(field), "getApp lacks {field}");
    }
    // A Flex app, as Passage shows it to a non-admin key.
    assert_eq!(app["id"], api.emulator.app_id());
    assert_eq!(app["type"], "flex");
    assert_eq!(app["required_identifier"], "external");
    assert_eq!(app["allowed_identifier"], "external");
    assert_eq!(app["role"], "");
    assert_eq!(app["secret"], Value::Null);
    assert_eq!(app["auth_origin"], api.emulator.auth_origin());
    assert_eq!(app["auth_methods"]["passkeys"]["enabled"], true);
    assert_eq!(app["layouts"], json!({"registration": [], "profile": []}));

    // A key that is there but wrong is refused, whatever its scheme.
    for header in ["Bearer not-the-key", "Basic ZW11bGF0b3I6a2V5", "Bearer", ""] {
        let answer = api
            .send(Method::GET, &app_url, Key::Header(header), None)
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "invalid_access_token"),
            "{header:?}"
        );
    }
    // Another app is not found, with or without a key.
    let elsewhere = app_url.replace(api.emulator.app_id(), "another_app");
    for key in [Key::None, Key::App] {
        let answer = api.send(Method::GET, &elsewhere, key, None).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::NOT_FOUND, "app_not_found")
        );
    }
    // Every other endpoint still needs the key.
    for (method, rest) in [
        (Method::GET, "/users"),
        (Method::GET, "/users/someone"),
        (Method::POST, "/authenticate/verify"),
        (Method::POST, "/transactions/register"),
    ] {
        let answer = api
            .send(method.clone(), &api.url(rest), Key::None, Some("{}"))
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "invalid_access_token"),
            "{method} {rest}"
        );
    }
}

#[tokio::test]
async fn an_unknown_spent_or_expired_nonce_is_400_invalid_nonce() {
    let api = Api::start_with(Emulator::builder().nonce_ttl(Duration::from_millis(300))).await;
    api.active_user("ada").await;

    let unknown = api.verify("no-such-nonce").await;
    let nonce = api.login("ada").await;
    let first = api.verify(&nonce).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body, json!({"external_id": "ada"}));
    let spent = api.verify(&nonce).await;
    let stale = api.login("ada").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = api.verify(&stale).await;

    for (case, answer) in [("unknown", unknown), ("spent", spent), ("expired", expired)] {
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::BAD_REQUEST, "invalid_nonce"),
            "{case}"
        );
        assert_eq!(answer.body["error"], NONCE_MESSAGE, "{case}");
    }
}

#[tokio::test]
async fn the_list_holds_15_users_newest_first_unless_told_otherwise() {
    let api = Api::start().await;
    let names: Vec<String> = (0..17).map(|i| format!("user{i:02}")).collect();
    for name in &names {
        api.pending_user(name).await;
    }
    let newest_first: Vec<String> = names.iter().rev().cloned().collect();

    let first = api.list("").await;
    assert_eq!(
        (
            &first.body["limit"],
            &first.body["page"],
            &first.body["total_users"]
        ),
        (&json!(15), &json!(1), &json!(17))
    );
    assert_eq!(first.external_ids(), newest_first[..15]);
    let second = api.list("page=2").await;
    assert_eq!(second.external_ids(), newest_first[15..]);
    // The links say what Passage's do: the defaults, spelled out.
    let next = first.body["_links"]["next"]["href"].as_str().unwrap();
    assert!(
        next.contains("page=2") && next.contains("limit=15"),
        "{next}"
    );
    assert!(next.contains("order_by=created_at%3ADESC"), "{next}");

    // The same order, asked for, and its reverse.
    let asked = api.list("order_by=created_at:DESC&limit=17").await;
    assert_eq!(asked.external_ids(), newest_first);
    let oldest_first = api.list("order_by=created_at:ASC&limit=17").await;
    assert_eq!(oldest_first.external_ids(), names);
}

#[tokio::test]
async fn a_page_holds_at_most_500_users() {
    let api = Api::start().await;
    api.pending_user("ada").await;
    let most = api.list("limit=500").await;
    assert_eq!(most.body["limit"], 500);
    assert_eq!(most.external_ids(), ids(&["ada"]));
    let one = api.list("limit=1").await;
    assert_eq!(one.body["limit"], 1);
    for limit in ["501", "0", "-1", "1000000", "ten", "", "1.5"] {
        let refused = api.refused(&format!("limit={limit}")).await;
        assert!(
            refused.body["error"].as_str().unwrap().starts_with("limit"),
            "{limit}: {}",
            refused.body
        );
    }
}

/// ada: active, email ada@example.com, 2 logins; bob: active, phone +15550100, 1 login; carol:
/// pending; dan: deactivated after 1 login. Created in that order.
async fn four_users(api: &Api) -> [String; 4] {
    let ada = api.active_user("ada").await;
    let bob = api.active_user("bob").await;
    let carol = api.pending_user("carol").await;
    let dan = api.active_user("dan").await;
    for name in ["ada", "ada", "bob", "dan"] {
        let nonce = api.login(name).await;
        assert_eq!(api.verify(&nonce).await.status, StatusCode::OK);
    }
    let email = json!({"email": "ada@example.com"}).to_string();
    let phone = json!({"phone": "+15550100"}).to_string();
    for (id, body) in [(&ada, email), (&bob, phone)] {
        let answer = api
            .call(Method::PATCH, &format!("/users/{id}"), Some(&body))
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let answer = api
        .call(Method::PATCH, &format!("/users/{dan}/deactivate"), None)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    [ada, bob, carol, dan]
}

#[tokio::test]
async fn text_filters_take_every_operator() {
    let api = Api::start().await;
    let [_, bob, _, _] = four_users(&api).await;
    // Newest first, as every listing below is.
    let cases: [(&str, &str, &[&str]); 22] = [
        // identifier: the external ID, the email or the phone.
        ("identifier", "ada", &["ada"]),
        ("identifier", "ada@example.com", &["ada"]),
        ("identifier", "+15550100", &["bob"]),
        ("identifier", "nobody", &[]),
        ("identifier", "ne:ada", &["dan", "carol", "bob"]),
        ("identifier", "gt:bob", &["dan", "carol"]),
        // "+15550100" sorts before "bob", so bob has an identifier below it.
        ("identifier", "lt:bob", &["bob", "ada"]),
        ("identifier", "like:EXAMPLE", &["ada"]),
        ("identifier", "like:555", &["bob"]),
        ("identifier", "not_like:a", &["bob"]),
        // status: pending, active, inactive.
        ("status", "active", &["bob", "ada"]),
        ("status", "ne:active", &["dan", "carol"]),
        ("status", "gt:inactive", &["carol"]),
        ("status", "lt:inactive", &["bob", "ada"]),
        ("status", "like:ACT", &["dan", "bob", "ada"]),
        ("status", "not_like:in", &["bob", "ada"]),
        // A status Passage may add some day matches nobody, and is no error.
        ("status", "suspended", &[]),
        // id: the Passage user ID.
        ("id", &bob, &["bob"]),
        ("id", &format!("ne:{bob}"), &["dan", "carol", "ada"]),
        ("id", &format!("like:{}", bob.to_uppercase()), &["bob"]),
        ("id", &format!("not_like:{bob}"), &["dan", "carol", "ada"]),
        // No known operator: the whole value, colon included, is matched exactly.
        ("identifier", "ad:a", &[]),
    ];
    for (name, value, expected) in cases {
        assert_eq!(
            api.filtered(name, value).await,
            ids(expected),
            "{name}={value}"
        );
    }
    // gt and lt on IDs compare them as text: take the second-lowest ID.
    let by_id = api.list("order_by=id:ASC").await;
    let middle = by_id.body["users"][1]["id"].as_str().unwrap().to_owned();
    let names = by_id.external_ids();
    assert_eq!(
        api.filtered("id", &format!("gt:{middle}")).await,
        newest_first(&names[2..])
    );
    assert_eq!(
        api.filtered("id", &format!("lt:{middle}")).await,
        newest_first(&names[..1])
    );
}

#[tokio::test]
async fn login_count_takes_ne_gt_and_lt_only() {
    let api = Api::start().await;
    four_users(&api).await;
    for (value, expected) in [
        ("1", &["dan", "bob"][..]),
        ("0", &["carol"]),
        ("ne:1", &["carol", "ada"]),
        ("gt:0", &["dan", "bob", "ada"]),
        ("lt:2", &["dan", "carol", "bob"]),
        ("007", &[]),
    ] {
        assert_eq!(
            api.filtered("login_count", value).await,
            ids(expected),
            "login_count={value}"
        );
    }
    for value in [
        "like:1",
        "not_like:1",
        "x",
        "-1",
        "+1",
        "ne:",
        "1234567890",
        "gt:1.0",
    ] {
        let query = format!("login_count={}", value.replace('+', "%2B"));
        let refused = api.refused(&query).await;
        assert!(
            refused.body["error"]
                .as_str()
                .unwrap()
                .starts_with("login_count"),
            "{value}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn timestamp_filters_compare_in_the_fixed_form() {
    let api = Api::start().await;
    four_users(&api).await;
    let everyone = api.list("order_by=created_at:ASC").await;
    let users = everyone.body["users"].as_array().unwrap().clone();
    assert_eq!(
        everyone.external_ids(),
        ids(&["ada", "bob", "carol", "dan"])
    );
    for field in ["created_at", "updated_at", "last_login_at"] {
        // The users sorted by this field, oldest first, with their values in the fixed form.
        let mut values: Vec<(String, String)> = users
            .iter()
            .map(|user| {
                (
                    fixed_form(&user[field]),
                    user["external_id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        values.sort();
        let distinct: std::collections::BTreeSet<_> = values.iter().map(|(t, _)| t).collect();
        assert_eq!(distinct.len(), 4, "{field}: four distinct times {values:?}");
        let (middle, who) = values[1].clone();
        let names: Vec<String> = values.iter().map(|(_, name)| name.clone()).collect();
        let others: Vec<String> = names.iter().filter(|n| **n != who).cloned().collect();
        for (operator, expected) in [
            ("", vec![who.clone()]),
            ("ne:", newest_first(&others)),
            ("gt:", newest_first(&names[2..])),
            ("lt:", newest_first(&names[..1])),
        ] {
            assert_eq!(
                api.filtered(field, &format!("{operator}{middle}")).await,
                expected,
                "{field}={operator}{middle}"
            );
        }
        // A range: two filters on one field must both hold.
        let range = format!("{field}=gt%3A{}&{field}=lt%3A{}", values[0].0, values[2].0);
        assert_eq!(api.list(&range).await.external_ids(), vec![who.clone()]);

        // The same instant in RFC 3339 but not the fixed form.
        let with_offset = fixed_form(&users[0][field]).replace('Z', "+00:00");
        for bad in [
            format!("like:{middle}"),
            format!("not_like:{middle}"),
            with_offset,
            "2024-06-01T12:00:00Z".to_owned(),
            "2024-06-01T12:00:00.000Z".to_owned(),
            "2024-13-01T12:00:00.000000Z".to_owned(),
            "2024-06-01T12:00:00.000000+00:00".to_owned(),
            "yesterday".to_owned(),
        ] {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(field, &bad)
                .finish();
            let refused = api.refused(&query).await;
            assert!(
                refused.body["error"].as_str().unwrap().starts_with(field),
                "{field}={bad}: {}",
                refused.body
            );
        }
    }
}

#[tokio::test]
async fn order_by_applies_each_field_in_turn() {
    let api = Api::start().await;
    four_users(&api).await;
    api.pending_user("eve").await;
    for (order_by, expected) in [
        // active (bob, ada newest first), inactive (dan), pending (eve, carol).
        (
            "status:ASC,created_at:DESC",
            &["bob", "ada", "dan", "eve", "carol"],
        ),
        (
            "status:DESC,created_at:ASC",
            &["carol", "eve", "dan", "ada", "bob"],
        ),
        // 2 logins (ada), 1 (bob, dan: oldest first), 0 (carol, eve).
        (
            "login_count:DESC,created_at:ASC",
            &["ada", "bob", "dan", "carol", "eve"],
        ),
        (
            "login_count:ASC,status:DESC,created_at:DESC",
            &["eve", "carol", "dan", "bob", "ada"],
        ),
    ] {
        assert_eq!(
            api.list(&format!("order_by={order_by}"))
                .await
                .external_ids(),
            ids(expected),
            "{order_by}"
        );
    }
    for order_by in [
        "identifier:ASC",
        "status:asc",
        "status",
        "status:ASC,",
        "status:ASC;id:DESC",
        "email:ASC",
        "",
    ] {
        let refused = api.refused(&format!("order_by={order_by}")).await;
        assert!(
            refused.body["error"]
                .as_str()
                .unwrap()
                .starts_with("order_by"),
            "{order_by}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn links_carry_the_whole_query() {
    let api = Api::start().await;
    for name in ["a1", "a2", "a3", "b1"] {
        api.pending_user(name).await;
    }
    let query = "identifier=like%3Aa&status=ne%3Aactive&order_by=created_at%3AASC%2Cid%3ADESC\
                 &limit=1&page=2";
    let page = api.list(query).await;
    assert_eq!(page.external_ids(), ids(&["a2"]));
    assert_eq!(page.body["total_users"], 3);
    let pinned = page.body["created_before"].as_i64().unwrap();
    let app = api.emulator.app_id();
    let href = |page: u32| {
        format!(
            "/v1/apps/{app}/users?page={page}&limit=1&order_by=created_at%3AASC%2Cid%3ADESC\
             &created_before={pinned}&identifier=like%3Aa&status=ne%3Aactive"
        )
    };
    let links = &page.body["_links"];
    assert_eq!(links["self"]["href"], href(2));
    assert_eq!(links["first"]["href"], href(1));
    assert_eq!(links["previous"]["href"], href(1));
    assert_eq!(links["next"]["href"], href(3));
    assert_eq!(links["last"]["href"], href(3));

    // Following a link lists the next page of the same query.
    let next = format!(
        "{}{}",
        api.emulator.base_url(),
        links["next"]["href"].as_str().unwrap()
    );
    let last = api.send(Method::GET, &next, Key::App, None).await;
    assert_eq!(last.status, StatusCode::OK);
    assert_eq!(last.external_ids(), ids(&["a3"]));
    // An empty href: there is no such page.
    assert_eq!(last.body["_links"]["next"]["href"], "");
    assert_eq!(last.body["_links"]["previous"]["href"], href(2));
    let first = api.list(&query.replace("page=2", "page=1")).await;
    assert_eq!(first.body["_links"]["previous"]["href"], "");

    // created_before pins the listing, and the links carry the given value.
    let before = api.list("created_before=0").await;
    assert_eq!(before.body["total_users"], 0);
    assert_eq!(before.body["created_before"], 0);
    let self_href = before.body["_links"]["self"]["href"].as_str().unwrap();
    assert!(self_href.contains("&created_before=0"), "{self_href}");
    // A page past the end is empty, not an error; its links still name the real last page.
    let beyond = api.list("page=9").await;
    assert_eq!(beyond.external_ids(), Vec::<String>::new());
    assert_eq!(beyond.body["_links"]["next"]["href"], "");
}

/// A request of [`management_errors_use_only_passages_codes`]: method, path under the app, body.
type Request<'a> = (&'a Method, String, Option<&'a str>);
/// The answer a request must get, with the request: status, code, key, method, URL, body.
type Expected<'a> = (
    StatusCode,
    &'a str,
    Key<'a>,
    Method,
    String,
    Option<&'a str>,
);

/// Every refusal the management endpoints can make, each checked for its status and its code,
/// and every code one of Passage's 35.
#[tokio::test]
async fn management_errors_use_only_passages_codes() {
    let api = Api::start().await;
    let [ada, _, carol, dan] = four_users(&api).await;
    let ada_device = api.user(&ada).await["webauthn_devices"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A nonce of a user deactivated before it is verified.
    let nonce_of_dan = {
        let activate = api
            .call(Method::PATCH, &format!("/users/{dan}/activate"), None)
            .await;
        assert_eq!(activate.status, StatusCode::OK);
        let nonce = api.login("dan").await;
        let deactivate = api
            .call(Method::PATCH, &format!("/users/{dan}/deactivate"), None)
            .await;
        assert_eq!(deactivate.status, StatusCode::OK);
        nonce
    };
    let huge = format!(r#"{{"external_id": "{}"}}"#, "x".repeat(3 << 20));
    let nonce_body = format!(r#"{{"nonce": "{nonce_of_dan}"}}"#);
    let (get, post, patch, delete, put) = (
        Method::GET,
        Method::POST,
        Method::PATCH,
        Method::DELETE,
        Method::PUT,
    );
    let user = |rest: &str| format!("/users/{ada}{rest}");
    let device = format!("/users/{ada}/devices/{ada_device}");
    let register = r#"{"external_id": "zed", "passkey_display_name": "Zed"}"#;
    let empty = Some("{}");

    // Each group: the answer expected, the key sent, and the requests (method, path under the
    // app, body).
    let groups: Vec<(StatusCode, &str, Key, Vec<Request>)> = vec![
        // The key, on every operation but getApp (which takes none, but not a wrong one).
        (
            StatusCode::UNAUTHORIZED,
            "invalid_access_token",
            Key::None,
            vec![
                (&post, "/transactions/register".into(), Some(register)),
                (&post, "/transactions/authenticate".into(), empty),
                (&post, "/authenticate/verify".into(), empty),
                (&get, "/users".into(), None),
                (&get, user(""), None),
                (&patch, user(""), empty),
                (&delete, user(""), None),
                (&patch, user("/activate"), None),
                (&patch, user("/deactivate"), None),
                (&get, user("/devices"), None),
                (&delete, device.clone(), None),
            ],
        ),
        (
            StatusCode::UNAUTHORIZED,
            "invalid_access_token",
            Key::Header("Bearer nope"),
            vec![
                (&get, String::new(), None),
                (&post, "/transactions/register".into(), Some(register)),
                (&get, "/users".into(), None),
            ],
        ),
        // Bodies and queries.
        (
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Key::App,
            vec![
                (&post, "/transactions/register".into(), Some("{not json")),
                (
                    &post,
                    "/transactions/register".into(),
                    Some(r#"{"external_id": "zed"}"#),
                ),
                (&post, "/transactions/authenticate".into(), Some("[]")),
                (
                    &post,
                    "/authenticate/verify".into(),
                    Some(r#"{"nonce": ""}"#),
                ),
                (&patch, user(""), Some(r#"{"email": 7}"#)),
                (&patch, user(""), Some(r#"{"user_metadata": []}"#)),
                (&get, "/users?limit=501".into(), None),
                (&get, "/users?order_by=identifier:ASC".into(), None),
                (&get, "/users?created_at=like:2024".into(), None),
            ],
        ),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            Key::App,
            vec![(&post, "/transactions/register".into(), Some(&huge))],
        ),
        (
            StatusCode::BAD_REQUEST,
            "invalid_nonce",
            Key::App,
            vec![(
                &post,
                "/authenticate/verify".into(),
                Some(r#"{"nonce": "made-up"}"#),
            )],
        ),
        // Users and devices.
        (
            StatusCode::NOT_FOUND,
            "user_not_found",
            Key::App,
            vec![
                (
                    &post,
                    "/transactions/authenticate".into(),
                    Some(r#"{"external_id": "nobody"}"#),
                ),
                (&get, "/users/nobody".into(), None),
                (&patch, "/users/nobody".into(), empty),
                (&delete, "/users/nobody".into(), None),
                (&patch, "/users/nobody/activate".into(), None),
                (&patch, "/users/nobody/deactivate".into(), None),
                (&get, "/users/nobody/devices".into(), None),
                (&delete, format!("/users/nobody/devices/{ada_device}"), None),
            ],
        ),
        (
            StatusCode::NOT_FOUND,
            "device_not_found",
            Key::App,
            vec![
                (
                    &delete,
                    format!("/users/{carol}/devices/{ada_device}"),
                    None,
                ),
                (&delete, user("/devices/nothing"), None),
            ],
        ),
        (
            StatusCode::CONFLICT,
            "user_has_no_passkeys",
            Key::App,
            vec![(
                &post,
                "/transactions/authenticate".into(),
                Some(r#"{"external_id": "carol"}"#),
            )],
        ),
        // A deactivated user can neither register, nor log in, nor be proven by a nonce.
        (
            StatusCode::FORBIDDEN,
            "operation_not_allowed",
            Key::App,
            vec![
                (
                    &post,
                    "/transactions/authenticate".into(),
                    Some(r#"{"external_id": "dan"}"#),
                ),
                (
                    &post,
                    "/transactions/register".into(),
                    Some(r#"{"external_id": "dan", "passkey_display_name": "Dan"}"#),
                ),
                (&post, "/authenticate/verify".into(), Some(&nonce_body)),
            ],
        ),
        // What the API does not have: a path, a method.
        (
            StatusCode::NOT_FOUND,
            "invalid_request",
            Key::App,
            vec![(&get, "/no/such/thing".into(), None)],
        ),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            Key::App,
            vec![
                (&put, user(""), empty),
                (&post, "/users".into(), empty),
                (&delete, String::new(), None),
            ],
        ),
    ];
    let base = api.emulator.base_url();
    let mut requests: Vec<Expected> = Vec::new();
    for (status, code, key, group) in groups {
        for (method, rest, body) in group {
            requests.push((status, code, key, method.clone(), api.url(&rest), body));
        }
    }
    // Another app, with or without a key; a path outside every app.
    for (method, rest, body) in [
        (&get, "", None),
        (&get, "/users", None),
        (&post, "/authenticate/verify", empty),
        (&delete, device.as_str(), None),
    ] {
        let url = format!("{base}/v1/apps/another_app{rest}");
        let (status, code) = (StatusCode::NOT_FOUND, "app_not_found");
        requests.push((status, code, Key::App, method.clone(), url, body));
    }
    let elsewhere = format!("{base}/v1/elsewhere");
    requests.push((
        StatusCode::NOT_FOUND,
        "invalid_request",
        Key::App,
        get.clone(),
        elsewhere,
        None,
    ));

    for (status, code, key, method, url, body) in requests {
        let answer = api.send(method.clone(), &url, key, body).await;
        let what = format!("{method} {url}");
        assert_eq!(
            (answer.status, answer.code()),
            (status, code),
            "{what}: {}",
            answer.body
        );
        assert!(PASSAGE_CODES.contains(&answer.code()), "{what}");
        // Passage's error shape, and nothing else.
        let fields: Vec<&String> = answer.body.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["code", "error"], "{what}");
        assert!(!answer.body["error"].as_str().unwrap().is_empty(), "{what}");
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(
                answer.headers.contains_key(ALLOW),
                "{what} names the methods it takes"
            );
        }
    }

    // Not one refusal above changed anything: ada still has her passkey, nobody was created.
    assert_eq!(
        api.user(&ada).await["webauthn_devices"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(api.list("").await.body["total_users"], 4);
}

/// The emulator's own codes stay where they belong: on the browser-facing endpoints.
#[tokio::test]
async fn ceremony_codes_come_from_the_browser_facing_endpoints() {
    let api = Api::start().await;
    for step in ["register", "authenticate"] {
        let start = api.url(&format!("/{step}/transactions/webauthn/start"));
        let body = json!({"transaction_id": "no-such-transaction"}).to_string();
        let answer = api.send(Method::POST, &start, Key::None, Some(&body)).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::NOT_FOUND, "transaction_not_found"),
            "{step}"
        );
        assert!(!PASSAGE_CODES.contains(&answer.code()));
        // A method they do not take is refused in Passage's shape, and CORS preflights still
        // pass (`emulator_webauthn` checks those).
        let wrong = api.send(Method::GET, &start, Key::None, None).await;
        assert_eq!(
            (wrong.status, wrong.code()),
            (StatusCode::METHOD_NOT_ALLOWED, "invalid_request")
        );
        assert_eq!(wrong.headers[ALLOW], "POST");
    }
}
