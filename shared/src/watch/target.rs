//! Where a webhook may send a tenant's data: the rule for a target URL and for the addresses
//! its host resolves to. Checked when an admin saves an endpoint and again, by the API's
//! resolver, every time a delivery connects (DNS can change between the two).
//!
//! A target is `https://` on a public address. Loopback (and plain `http://` to it) is
//! allowed only where the deployment says so (local development); private, link-local
//! (169.254.0.0/16: the instance-metadata and container-credential addresses),
//! unique-local, shared (CGNAT), documentation, multicast and unspecified addresses never.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which kind of address an IP is, as far as sending a tenant's data there goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    /// A public unicast address: a webhook may go there.
    Public,
    /// 127.0.0.0/8 and ::1: this machine.
    Loopback,
    /// Anything else: private, link-local, unique-local, shared, reserved, multicast,
    /// unspecified or documentation ranges.
    Internal,
}

/// The kind of `ip`. IPv4 inside IPv6 (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`)
/// counts as the IPv4 address it carries.
pub fn address_kind(ip: IpAddr) -> AddressKind {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> AddressKind {
    let [a, b, c, _] = ip.octets();
    if a == 127 {
        return AddressKind::Loopback;
    }
    let internal = a == 0
        || a == 10
        || (a == 100 && (64..128).contains(&b))
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224;
    if internal {
        AddressKind::Internal
    } else {
        AddressKind::Public
    }
}

fn v6_kind(ip: Ipv6Addr) -> AddressKind {
    if ip.is_loopback() {
        return AddressKind::Loopback;
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_kind(v4);
    }
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return v4_kind(Ipv4Addr::new(a, b, c, d));
    }
    let internal = ip.is_unspecified()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (fd00:ec2::254 is EC2's metadata)
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || s[..6] == [0, 0, 0, 0, 0, 0]; // IPv4-compatible (deprecated)
    if internal {
        AddressKind::Internal
    } else {
        AddressKind::Public
    }
}

/// Whether a webhook may connect to `ip`; `loopback` says whether this deployment allows
/// loopback (local development only).
pub fn may_connect(ip: IpAddr, loopback: bool) -> bool {
    match address_kind(ip) {
        AddressKind::Public => true,
        AddressKind::Loopback => loopback,
        AddressKind::Internal => false,
    }
}

/// Why a target URL is refused. The message is what the field error says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("an https:// URL of at most 500 characters, without spaces or a user name")]
    Malformed,
    #[error("use https:// (plain http:// only to this machine in local development)")]
    NotHttps,
    #[error(
        "not a public address: loopback, private, link-local and metadata addresses are refused"
    )]
    NotPublic,
}

/// The parts of a target URL the rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target<'a> {
    pub https: bool,
    /// The host as written: a name, an IPv4 address or an IPv6 address without brackets.
    pub host: &'a str,
    /// The host when it is an IP address.
    pub ip: Option<IpAddr>,
}

impl Target<'_> {
    /// Whether the host is this machine by its name or its address.
    pub fn is_loopback(&self) -> bool {
        match self.ip {
            Some(ip) => address_kind(ip) == AddressKind::Loopback,
            None => {
                let host = self.host.trim_end_matches('.').to_ascii_lowercase();
                host == "localhost" || host.ends_with(".localhost")
            }
        }
    }
}

/// Reads `url` as an `http(s)://host[:port][/path]` URL: no user info, no spaces or control
/// characters, at most 500 characters.
pub fn parse_target(url: &str) -> Result<Target<'_>, TargetError> {
    if url.len() > 500 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(TargetError::Malformed);
    }
    let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
        (false, rest)
    } else {
        return Err(TargetError::Malformed);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') || authority.contains('\\') {
        return Err(TargetError::Malformed);
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or(TargetError::Malformed)?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(TargetError::Malformed);
    }
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | ':' | '_'))
    {
        return Err(TargetError::Malformed);
    }
    Ok(Target {
        https,
        host,
        ip: host.parse().ok(),
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The rule for a target URL as written, before any name is resolved: https (http only
/// to loopback, and loopback only when `loopback` allows it), and an IP host that may be
/// connected to. Names are checked once more when resolved ([`may_connect`]).
pub fn check_target(url: &str, loopback: bool) -> Result<Target<'_>, TargetError> {
    let target = parse_target(url)?;
    let to_loopback = target.is_loopback();
    if to_loopback && !loopback {
        return Err(TargetError::NotPublic);
    }
    if !target.https && !to_loopback {
        return Err(TargetError::NotHttps);
    }
    if let Some(ip) = target.ip
        && !may_connect(ip, loopback)
    {
        return Err(TargetError::NotPublic);
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str) -> AddressKind {
        address_kind(ip.parse().unwrap())
    }

    #[test]
    fn metadata_private_and_link_local_addresses_are_internal() {
        for ip in [
            "169.254.169.254",
            "169.254.170.2",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "fd00:ec2::254",
            "fe80::1",
            "::",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "::ffff:10.0.0.1",
        ] {
            assert_eq!(kind(ip), AddressKind::Internal, "{ip}");
        }
    }

    #[test]
    fn loopback_in_both_families_is_loopback_and_public_addresses_are_public() {
        assert_eq!(kind("127.0.0.1"), AddressKind::Loopback);
        assert_eq!(kind("127.8.9.10"), AddressKind::Loopback);
        assert_eq!(kind("::1"), AddressKind::Loopback);
        assert_eq!(kind("::ffff:127.0.0.1"), AddressKind::Loopback);
        for ip in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"] {
            assert_eq!(kind(ip), AddressKind::Public, "{ip}");
        }
    }

    #[test]
    fn an_https_url_to_a_name_or_a_public_address_is_a_valid_target() {
        for url in [
            "https://erp.example.com/hooks/credence",
            "HTTPS://erp.example.com:8443/x?y=1",
            "https://8.8.8.8/x",
            "https://[2606:4700::1111]:443/x",
        ] {
            assert!(check_target(url, false).is_ok(), "{url}");
        }
    }

    #[test]
    fn internal_plain_http_and_malformed_targets_are_refused_with_their_reason() {
        let cases = [
            ("http://erp.example.com/x", TargetError::NotHttps),
            (
                "https://169.254.169.254/latest/meta-data",
                TargetError::NotPublic,
            ),
            ("https://[fd00:ec2::254]/", TargetError::NotPublic),
            ("https://10.0.0.5/x", TargetError::NotPublic),
            ("https://127.0.0.1/x", TargetError::NotPublic),
            ("https://localhost:8080/x", TargetError::NotPublic),
            ("https://api.localhost/x", TargetError::NotPublic),
            ("https://user:pw@erp.example.com/", TargetError::Malformed),
            ("https://erp.example.com:99999/", TargetError::Malformed),
            ("ftp://erp.example.com/", TargetError::Malformed),
            ("https://erp example.com/", TargetError::Malformed),
            ("https:///x", TargetError::Malformed),
        ];
        for (url, expected) in cases {
            assert_eq!(check_target(url, false).unwrap_err(), expected, "{url}");
        }
    }

    #[test]
    fn loopback_over_http_is_allowed_only_where_the_deployment_allows_loopback() {
        assert!(check_target("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(check_target("http://localhost:9000/hook", true).is_ok());
        assert!(check_target("http://[::1]:9000/hook", true).is_ok());
        assert_eq!(
            check_target("http://127.0.0.1:9000/hook", false).unwrap_err(),
            TargetError::NotPublic
        );
        assert_eq!(
            check_target("https://10.0.0.1/hook", true).unwrap_err(),
            TargetError::NotPublic,
            "allowing loopback allows nothing else"
        );
    }
}
