//! Unit tests of [`super`].

use super::policy::canonical_uri;
use super::*;
use crate::error::SandboxRule;
use url::Url;

fn policy(base: &str) -> EgressPolicy {
    EgressPolicy::for_base_url(&Url::parse(base).unwrap(), false)
}

#[test]
fn only_the_base_origin_passes() {
    let p = policy("https://www.wrike.com/api/v4");
    assert!(p
        .check_origin(&"https://www.wrike.com/api/v4/tasks".parse().unwrap())
        .is_ok());
    assert!(p
        .check_origin(&"https://WWW.wrike.com:443/x".parse().unwrap())
        .is_ok());
    for bad in [
        "http://www.wrike.com/api/v4/tasks",
        "https://www.wrike.com:8443/api/v4/tasks",
        "https://evil.example/api/v4/tasks",
        "https://www.wrike.com.evil.example/",
    ] {
        let e = p.check_origin(&bad.parse().unwrap()).unwrap_err();
        assert_eq!(e.rule, Some(SandboxRule::EgressDenied), "{bad}");
        assert!(e.message.contains("allow-list"));
    }
}

#[test]
fn only_paths_under_the_base_path_pass() {
    let p = policy("https://www.wrike.com/api/v4");
    assert_eq!(p.path_prefix, "/api/v4/");
    for good in [
        "/api/v4/tasks",
        "/api/v4/tasks/IEAA?fields=%5B%5D",
        "/api/v4/a...b/..x",
    ] {
        p.check_path(&format!("https://www.wrike.com{good}").parse().unwrap())
            .unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    for bad in [
        "/api/v4/x/../../../admin?x=1",
        "/api/v4/%2e%2E/admin",
        "/api/v4/.%2e/admin",
        "/api/v4/./tasks",
        "/api/v4/a%2f..%2fb",
        "/api/v4/a%5C..",
        "/api/v40/tasks",
        "/api/v4",
        "/admin",
    ] {
        let e = p
            .check_path(&format!("https://www.wrike.com{bad}").parse().unwrap())
            .unwrap_err();
        assert_eq!(e.rule, Some(SandboxRule::PathDenied), "{bad}");
    }
}

#[test]
fn a_read_only_policy_lets_only_get_and_head_out() {
    let mut p = policy("https://www.wrike.com/api/v4");
    assert!(p.check_method(&http::Method::POST).is_ok());
    p.read_only = true;
    assert!(p.check_method(&http::Method::GET).is_ok());
    assert!(p.check_method(&http::Method::HEAD).is_ok());
    for m in [http::Method::POST, http::Method::PUT, http::Method::DELETE] {
        let e = p.check_method(&m).unwrap_err();
        assert_eq!(e.rule, Some(SandboxRule::EgressDenied), "{m}");
    }
}

#[test]
fn the_uri_sent_is_the_canonical_origin() {
    let p = policy("http://127.0.0.1:8080/api/v4");
    let uri: http::Uri = "http://127.0.0.1.:8080/api/v4/x?q=1".parse().unwrap();
    let origin = p.check_origin(&uri).unwrap();
    assert_eq!(
        canonical_uri(&origin, &uri).unwrap().to_string(),
        "http://127.0.0.1:8080/api/v4/x?q=1"
    );
    let p = policy("https://www.wrike.com/api/v4");
    let uri: http::Uri = "https://WWW.Wrike.com.:443/api/v4/x".parse().unwrap();
    let origin = p.check_origin(&uri).unwrap();
    assert_eq!(
        canonical_uri(&origin, &uri).unwrap().to_string(),
        "https://www.wrike.com/api/v4/x"
    );
}

#[test]
fn private_ranges() {
    for ip in [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "100.100.100.200",
    ] {
        assert!(is_private_address(ip.parse().unwrap()), "{ip}");
    }
    for ip in ["8.8.8.8", "2606:4700::1111", "104.18.1.1"] {
        assert!(!is_private_address(ip.parse().unwrap()), "{ip}");
    }
}

#[test]
fn timeouts_are_capped() {
    let gate = EgressGate::new(
        Arc::new(policy("https://x/")),
        None,
        Limits::default(),
        ViolationLog::default(),
    );
    let o = gate.capped_options(Some(RequestOptions {
        connect_timeout: Some(Duration::from_secs(3600)),
        first_byte_timeout: Some(Duration::from_millis(5)),
        between_bytes_timeout: None,
    }));
    assert_eq!(o.connect_timeout, Some(Duration::from_millis(10_000)));
    assert_eq!(o.first_byte_timeout, Some(Duration::from_millis(5)));
    assert_eq!(o.between_bytes_timeout, Some(Duration::from_millis(30_000)));
}
