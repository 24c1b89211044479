//! OAuth authorization-code flow and token expiry.

mod common;

use std::time::Duration;

use common::Api;
use fake_wrike::FakeWrike;
use serde_json::Value;

#[test]
fn authorize_exchange_refresh_and_expiry() {
    let w = FakeWrike::start().unwrap();
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (cid, secret) = w.oauth_client();
    let redirect = "http://127.0.0.1:9/callback";
    let r = http
        .get(w.authorize_url())
        .query(&[
            ("client_id", cid.as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", "wsReadOnly"),
            ("state", "xyz"),
        ])
        .send()
        .unwrap();
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with(redirect), "{loc}");
    let url = reqwest::Url::parse(&loc).unwrap();
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "xyz");
    let code = q["code"].clone();

    let tok: Value = http
        .post(w.token_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("client_secret", secret.as_str()),
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(tok["token_type"], "bearer");
    assert_eq!(tok["expires_in"], 3600);
    assert_eq!(tok["host"], w.origin().trim_start_matches("http://"));
    let access = tok["access_token"].as_str().unwrap().to_string();
    let refresh = tok["refresh_token"].as_str().unwrap().to_string();

    // The code is single-use.
    let again = http
        .post(w.token_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("client_secret", secret.as_str()),
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
        ])
        .send()
        .unwrap();
    assert_eq!(again.status(), 400);

    let api = Api::with_token(&w, Some(&access));
    api.get("/contacts", &[("me", "true")]).ok();
    // Read-only scope: writes are forbidden.
    api.post(
        &format!("/folders/{}/tasks", w.folder_ids()[0].0),
        &[("title", "x")],
    )
    .err(403, "access_forbidden");

    // Expiry after one hour of fake time.
    w.advance_clock(Duration::from_secs(3601));
    api.get("/contacts", &[]).err(401, "not_authorized");

    let tok2: Value = http
        .post(w.token_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("client_secret", secret.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let access2 = tok2["access_token"].as_str().unwrap();
    assert_ne!(
        tok2["refresh_token"],
        refresh.as_str(),
        "refresh tokens rotate"
    );
    Api::with_token(&w, Some(access2))
        .get("/contacts", &[])
        .ok();
    // The old refresh token no longer works.
    let old = http
        .post(w.token_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("client_secret", secret.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .unwrap();
    assert_eq!(old.status(), 400);
    let body: Value = old.json().unwrap();
    assert_eq!(body["error"], "invalid_grant");

    // Bad client secret.
    let bad = http
        .post(w.token_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("client_secret", "nope"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
        ])
        .send()
        .unwrap();
    assert_eq!(bad.status(), 401);

    // Denied authorization.
    w.deny_next_authorization();
    let r = http
        .get(w.authorize_url())
        .query(&[
            ("client_id", cid.as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect),
        ])
        .send()
        .unwrap();
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("error=access_denied"));

    // expire_token on a permanent token.
    w.add_token("perm", &["Default"]);
    let perm = Api::with_token(&w, Some("perm"));
    perm.get("/version", &[]).ok();
    w.expire_token("perm");
    perm.get("/version", &[]).err(401, "not_authorized");
}
