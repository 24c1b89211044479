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
    let auth_query = [
        ("client_id", cid.as_str()),
        ("response_type", "code"),
        ("redirect_uri", redirect),
        ("scope", "wsReadOnly"),
        ("state", "x<y\"z"),
    ];
    // GET shows the login form, the request carried in hidden fields (HTML-escaped).
    let r = http
        .get(w.authorize_url())
        .query(&auth_query)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().unwrap();
    assert!(
        page.contains(r#"<form method="post" action="/oauth2/authorize/v4">"#),
        "{page}"
    );
    assert!(page.contains(r#"name="email""#) && page.contains(r#"name="password""#));
    assert!(
        page.contains(r#"name="state" value="x&lt;y&quot;z""#),
        "{page}"
    );
    assert!(
        page.contains(r#"name="scope" value="wsReadOnly""#),
        "{page}"
    );
    assert!(!page.contains("Incorrect"));

    // Wrong credentials: the form again, with an error, and no redirect.
    let (email, password) = w.login();
    assert_eq!(email, "alex.tester@example.com");
    let mut bad_login: Vec<(&str, &str)> = auth_query.to_vec();
    bad_login.extend([("email", email.as_str()), ("password", "wrong")]);
    let r = http
        .post(w.authorize_url())
        .form(&bad_login)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    assert!(page.contains("Incorrect email or password"), "{page}");
    assert!(page.contains(r#"name="client_id" value="fake-client-id""#));

    // Right credentials: redirect with code and state.
    let mut login: Vec<(&str, &str)> = auth_query.to_vec();
    login.extend([("email", email.as_str()), ("password", password.as_str())]);
    let r = http.post(w.authorize_url()).form(&login).send().unwrap();
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with(redirect), "{loc}");
    let url = reqwest::Url::parse(&loc).unwrap();
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "x<y\"z");
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
        .post(w.authorize_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("email", email.as_str()),
            ("password", password.as_str()),
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

#[test]
fn short_lived_tokens_and_non_rotating_refresh_tokens() {
    let w = FakeWrike::start().unwrap();
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (cid, secret) = w.oauth_client();
    let (email, password) = w.login();
    w.set_access_token_lifetime(Some(Duration::from_secs(30)));
    w.set_rotate_refresh_tokens(false);
    let r = http
        .post(w.authorize_url())
        .form(&[
            ("client_id", cid.as_str()),
            ("response_type", "code"),
            ("scope", "Default,wsReadWrite"),
            ("email", email.as_str()),
            ("password", password.as_str()),
        ])
        .send()
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "no redirect_uri: the code comes back as JSON"
    );
    let code: Value = r.json().unwrap();
    let exchange = |form: &[(&str, &str)]| -> Value {
        let mut all = vec![
            ("client_id", cid.as_str()),
            ("client_secret", secret.as_str()),
        ];
        all.extend_from_slice(form);
        http.post(w.token_url())
            .form(&all)
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let tok = exchange(&[
        ("grant_type", "authorization_code"),
        ("code", code["code"].as_str().unwrap()),
    ]);
    assert_eq!(tok["expires_in"], 30);
    let refresh = tok["refresh_token"].as_str().unwrap().to_string();
    let access = tok["access_token"].as_str().unwrap().to_string();
    // The token carries exactly the requested scopes.
    let api = Api::with_token(&w, Some(&access));
    api.post(
        &format!("/folders/{}/tasks", w.folder_ids()[0].0),
        &[("title", "x")],
    )
    .ok();
    api.get(&format!("/users/{}", w.me_id()), &[])
        .err(403, "access_forbidden");
    w.advance_clock(Duration::from_secs(31));
    api.get("/contacts", &[]).err(401, "not_authorized");
    for _ in 0..2 {
        let again = exchange(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]);
        assert_eq!(again["refresh_token"], refresh.as_str(), "not rotated");
    }
    assert_eq!(w.token_requests().len(), 3);
}
