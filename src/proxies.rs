//! Who the client is behind a reverse proxy: `TRUSTED_PROXIES` lists the
//! addresses and CIDR ranges of the proxies in front of the service (none
//! by default). Only a request whose connection comes from one of them has
//! its client taken from `X-Forwarded-For` (the rightmost address that is
//! not itself a trusted proxy) or, failing that, from `Forwarded`
//! (RFC 7239, its `for=` parameters). Otherwise the client is the
//! connection's peer, so a header forged by anyone else changes nothing.
//! A malformed or overlong header is ignored in favour of the peer.
//!
//! The address is used only for the in-memory rate limits; it is never
//! stored or logged. Pure: tested without HTTP.

use std::net::IpAddr;

use ipnet::IpNet;

/// The most forwarded addresses read from the headers of one request; a
/// longer chain is ignored and the peer is used.
pub const MAX_HOPS: usize = 32;

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads a list of addresses and CIDR ranges, separated by commas or
    /// spaces ("10.0.0.0/8, 127.0.0.1, ::1"); an entry that does not parse
    /// is named in the error.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "TRUSTED_PROXIES: {entry:?} is not an IP address or a CIDR range (such as 10.0.0.0/8)"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request from `peer` carrying these `X-Forwarded-For`
    /// and `Forwarded` header values (each header may come several times).
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str], forwarded: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let chain = if forwarded_for.is_empty() {
            forwarded_chain(forwarded)
        } else {
            forwarded_for_chain(forwarded_for)
        };
        let Some(chain) = chain.filter(|c| !c.is_empty()) else {
            return peer;
        };
        // From the right: the first address that is not a proxy of ours is
        // the client; if every one is, the leftmost (the origin).
        chain
            .iter()
            .rev()
            .copied()
            .find(|ip| !self.contains(*ip))
            .or_else(|| chain.first().copied())
            .unwrap_or(peer)
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// One address as a header gives it: bare, bracketed IPv6, or with a port.
fn address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return inside.parse::<IpAddr>().ok().map(canonical);
    }
    // IPv4 with a port.
    let (host, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The addresses of `X-Forwarded-For`, left to right, or none if any entry
/// is not an address or there are too many.
fn forwarded_for_chain(values: &[&str]) -> Option<Vec<IpAddr>> {
    let mut chain = Vec::new();
    for entry in values.iter().flat_map(|v| v.split(',')) {
        if chain.len() >= MAX_HOPS {
            return None;
        }
        chain.push(address(entry)?);
    }
    Some(chain)
}

/// The `for=` addresses of `Forwarded`, left to right, or none if any
/// element lacks one, names no address ("unknown", an obfuscated name), or
/// there are too many.
fn forwarded_chain(values: &[&str]) -> Option<Vec<IpAddr>> {
    let mut chain = Vec::new();
    for element in values.iter().flat_map(|v| v.split(',')) {
        if chain.len() >= MAX_HOPS {
            return None;
        }
        let value = element.split(';').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim().eq_ignore_ascii_case("for").then_some(value)
        })?;
        chain.push(address(value)?);
    }
    Some(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse("10.0.0.0/8, 127.0.0.1 ::1").expect("valid")
    }

    #[test]
    fn a_list_of_addresses_and_ranges_parses_and_a_bad_entry_is_named() {
        let p = proxies();
        assert!(p.contains(ip("10.1.2.3")) && p.contains(ip("127.0.0.1")) && p.contains(ip("::1")));
        assert!(
            p.contains(ip("::ffff:10.9.9.9")),
            "IPv4-mapped IPv6 is the IPv4 address"
        );
        assert!(!p.contains(ip("192.168.1.1")));
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
        let e = TrustedProxies::parse("10.0.0.0/8, proxy.example, 1.2.3.4").expect_err("bad");
        assert!(e.contains("\"proxy.example\""), "{e}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let p = proxies();
        let peer = ip("203.0.113.9");
        assert_eq!(
            p.client(peer, &["198.51.100.1"], &[]),
            peer,
            "a forged header changes nothing"
        );
        assert_eq!(p.client(peer, &[], &["for=198.51.100.1"]), peer);
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &["198.51.100.1"], &[]),
            ip("10.0.0.1"),
            "no trusted proxies: the peer"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let p = proxies();
        let proxy = ip("10.0.0.2");
        assert_eq!(p.client(proxy, &["198.51.100.7"], &[]), ip("198.51.100.7"));
        // A client that forged its own X-Forwarded-For gets it appended to:
        // the proxy's entry (rightmost) is believed, the forgery is not.
        assert_eq!(
            p.client(proxy, &["1.1.1.1, 198.51.100.7"], &[]),
            ip("198.51.100.7")
        );
        // Our own proxies in the chain are skipped; headers may repeat.
        assert_eq!(
            p.client(proxy, &["198.51.100.7, 10.0.0.5", "127.0.0.1"], &[]),
            ip("198.51.100.7")
        );
        // Every hop ours: the origin.
        assert_eq!(
            p.client(proxy, &["10.0.0.9, 10.0.0.5"], &[]),
            ip("10.0.0.9")
        );
        // Ports and brackets.
        assert_eq!(
            p.client(proxy, &["198.51.100.7:4711"], &[]),
            ip("198.51.100.7")
        );
        assert_eq!(
            p.client(proxy, &["[2001:db8::1]:4711"], &[]),
            ip("2001:db8::1")
        );
        assert_eq!(
            p.client(ip("::ffff:10.0.0.2"), &["198.51.100.7"], &[]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let p = proxies();
        let proxy = ip("10.0.0.2");
        assert_eq!(
            p.client(proxy, &[], &["for=198.51.100.7;proto=https"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            p.client(
                proxy,
                &[],
                &["for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\""]
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            p.client(proxy, &[], &["for=unknown"]),
            proxy,
            "no address: the peer"
        );
        assert_eq!(p.client(proxy, &[], &["proto=https"]), proxy);
    }

    #[test]
    fn a_malformed_or_overlong_header_falls_back_to_the_peer() {
        let p = proxies();
        let proxy = ip("10.0.0.2");
        for bad in [
            "not an address",
            "198.51.100.7,,",
            "",
            "198.51.100.7, 300.1.1.1",
            "1.2.3.4:99999",
        ] {
            assert_eq!(p.client(proxy, &[bad], &[]), proxy, "{bad:?}");
        }
        let long = vec!["198.51.100.7"; 1000].join(", ");
        assert_eq!(p.client(proxy, &[&long], &[]), proxy);
        let long_forwarded = vec!["for=198.51.100.7"; 1000].join(", ");
        assert_eq!(p.client(proxy, &[], &[&long_forwarded]), proxy);
    }
}
