//! Where a guest request goes: its [`Origin`], whether an address is private
//! ([`is_private_address`]), and the log of the first violation of a call ([`ViolationLog`]).
//! A leaf module, shared by the gate and the connection pool.

use crate::error::HostError;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use url::Url;

/// One origin a guest may talk to: scheme, host and port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// Lower-cased host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// Port, with the scheme's default filled in.
    pub port: u16,
}

impl Origin {
    /// The origin of `url`.
    pub fn of(url: &Url) -> Option<Origin> {
        Some(Origin {
            scheme: url.scheme().to_ascii_lowercase(),
            host: normalize_host(url.host_str()?),
            port: url.port_or_known_default()?,
        })
    }

    /// Whether the host is an IP literal rather than a name.
    pub fn host_is_ip(&self) -> bool {
        self.host.parse::<IpAddr>().is_ok()
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}://[{}]:{}", self.scheme, self.host, self.port)
        } else {
            write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
        }
    }
}

pub(crate) fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Whether `ip` is loopback, private, link-local, unique-local, unspecified or a cloud
/// metadata address — somewhere a public API host name should never point.
pub fn is_private_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 0
                // 100.64.0.0/10, carrier-grade NAT (also Alibaba's metadata address).
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_address(IpAddr::V4(v4));
            }
            let seg0 = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg0 & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg0 & 0xffc0) == 0xfe80 // link local fe80::/10
                                             // fd00:ec2::254, AWS's IPv6 metadata address, is inside fc00::/7 already.
        }
    }
}

/// What the gate saw during one call: the first violation, if any.
#[derive(Debug, Default, Clone)]
pub struct ViolationLog(Arc<Mutex<Option<HostError>>>);

impl ViolationLog {
    /// Records `error` unless an earlier violation is already recorded.
    pub fn record(&self, error: HostError) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(error);
        }
    }

    /// The first violation recorded, if any.
    pub fn first(&self) -> Option<HostError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
