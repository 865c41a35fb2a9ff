//! Which host names `serve` answers to.
//!
//! A page of any web site can make its own name resolve to this machine
//! (DNS rebinding) and then read the preview from the reader's browser as
//! if it were that site: drafts, and the build's errors with excerpts of the
//! sources. Such requests carry the site's name as their host, so the server
//! answers only to its own names: loopback ones, the address it is bound to
//! and, bound beyond loopback, the machine's name and the names given with
//! `--allow-host`. An IP address is never such a risk (a page whose origin
//! is this machine's address is this server's own page), so the addresses of
//! this machine are accepted too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A host as written in a Host header field or URL, without its port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    /// A name in lower case, without a final dot.
    Name(String),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// Reads `host` or `host:port`; `None` when it is neither.
pub fn parse(value: &str) -> Option<Host> {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = ip.parse().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (Host::Ip(IpAddr::V6(ip).to_canonical()), port)
    } else {
        let (name, port) = match value.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (value, None),
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        let valid = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if name.len() > 253 || !name.split('.').all(valid) {
            return None;
        }
        match name.parse::<Ipv4Addr>() {
            Ok(ip) => (Host::Ip(IpAddr::V4(ip)), port),
            Err(_) => (Host::Name(name.to_ascii_lowercase()), port),
        }
    };
    // An empty port is allowed (RFC 3986, section 3.2.3).
    match port {
        Some(p) if !p.is_empty() && p.parse::<u16>().is_err() => None,
        _ => Some(host),
    }
}

/// The hosts a server answers to, besides loopback ones and the address a
/// connection came to.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    names: Vec<String>,
    addresses: Vec<IpAddr>,
}

impl AllowedHosts {
    /// For a server asked to listen on `bind` and bound to `ip`; `machine`
    /// is this machine's name; `extra` are the names given by the user.
    pub fn new(bind: &str, ip: IpAddr, machine: Option<&str>, extra: &[Host]) -> Self {
        let mut allowed = AllowedHosts::default();
        let mut add = |host: Host| match host {
            Host::Ip(ip) if !allowed.addresses.contains(&ip) => allowed.addresses.push(ip),
            Host::Name(name) if !allowed.names.contains(&name) => allowed.names.push(name),
            _ => {}
        };
        if let Some(Host::Name(name)) = parse(bind) {
            add(Host::Name(name));
        }
        if !ip.is_loopback() {
            if !ip.is_unspecified() {
                add(Host::Ip(ip.to_canonical()));
            }
            // The name of the machine, and the one it has on the local
            // network (multicast DNS), which phones and other computers use.
            if let Some(Host::Name(name)) = machine.and_then(parse) {
                if !name.ends_with(".local") {
                    add(Host::Name(format!("{name}.local")));
                }
                add(Host::Name(name));
            }
        }
        for host in extra {
            add(host.clone());
        }
        allowed.names.retain(|n| !is_loopback_name(n));
        allowed
    }

    /// Whether a request for `host` (a Host header field or the authority
    /// of the target), which came to this machine's address `local`, is
    /// answered.
    pub fn allows(&self, host: &str, local: IpAddr) -> bool {
        match parse(host) {
            Some(Host::Ip(ip)) => {
                ip.is_loopback() || ip == local.to_canonical() || self.addresses.contains(&ip)
            }
            Some(Host::Name(name)) => is_loopback_name(&name) || self.names.contains(&name),
            None => false,
        }
    }

    /// The names answered to, for messages.
    pub fn describe(&self) -> String {
        let mut all: Vec<String> = ["localhost", "*.localhost", "127.0.0.1", "[::1]"]
            .map(String::from)
            .into();
        all.extend(self.addresses.iter().map(|ip| Host::Ip(*ip).to_string()));
        all.extend(self.names.iter().cloned());
        all.join(", ")
    }
}

/// `localhost` and the names below it, which resolve to loopback only
/// (RFC 6761, section 6.3).
fn is_loopback_name(name: &str) -> bool {
    name == "localhost" || name.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> AllowedHosts {
        AllowedHosts::new(
            "127.0.0.1",
            "127.0.0.1".parse().unwrap(),
            Some("laptop"),
            &[],
        )
    }

    #[test]
    fn host_values_are_read_with_or_without_a_port() {
        let name = |n: &str| Some(Host::Name(n.into()));
        let ip = |s: &str| Some(Host::Ip(s.parse().unwrap()));
        assert_eq!(parse("LocalHost:8000"), name("localhost"));
        assert_eq!(parse("localhost."), name("localhost"));
        assert_eq!(parse("localhost:"), name("localhost"));
        assert_eq!(parse("a-b.example_x"), name("a-b.example_x"));
        assert_eq!(parse("127.0.0.1:80"), ip("127.0.0.1"));
        assert_eq!(parse("[::1]:8000"), ip("::1"));
        assert_eq!(parse("[::ffff:127.0.0.1]"), ip("127.0.0.1"));
        for bad in [
            "",
            ":80",
            "a:b",
            "a:99999",
            "a..b",
            "a b",
            "a/b",
            "u@a",
            "[::1",
            "[::1]x",
            "[nope]",
            "::1",
            "ä.example",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn loopback_servers_answer_to_loopback_names_only() {
        let hosts = loopback();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for ok in [
            "localhost",
            "localhost:8000",
            "LOCALHOST.",
            "preview.localhost:1",
            "127.0.0.1",
            "127.0.0.1:8000",
            "127.1.2.3",
            "[::1]:8000",
        ] {
            assert!(hosts.allows(ok, local), "{ok}");
        }
        for refused in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "evillocalhost",
            "laptop",
            "laptop.local",
            "10.0.0.1",
            "",
            "localhost:x",
        ] {
            assert!(!hosts.allows(refused, local), "{refused}");
        }
    }

    #[test]
    fn servers_beyond_loopback_answer_to_the_machine_and_given_names() {
        let hosts = AllowedHosts::new(
            "0.0.0.0",
            "0.0.0.0".parse().unwrap(),
            Some("Laptop"),
            &[parse("preview.lan").unwrap(), parse("10.9.8.7").unwrap()],
        );
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        for ok in [
            "laptop",
            "laptop.local:8000",
            "preview.lan",
            "192.168.1.5:8000",
            "10.9.8.7",
            "localhost",
        ] {
            assert!(hosts.allows(ok, lan), "{ok}");
        }
        for refused in ["evil.example", "lan", "192.168.1.6", "0.0.0.0"] {
            assert!(!hosts.allows(refused, lan), "{refused}");
        }
        assert_eq!(
            hosts.describe(),
            "localhost, *.localhost, 127.0.0.1, [::1], 10.9.8.7, laptop.local, laptop, preview.lan"
        );
        // A name given to --bind is one of the server's names.
        let named = AllowedHosts::new("box.lan", "192.168.1.5".parse().unwrap(), None, &[]);
        assert!(named.allows("box.lan:8000", lan));
        assert!(named.allows("192.168.1.5", "192.168.1.5".parse().unwrap()));
    }
}
