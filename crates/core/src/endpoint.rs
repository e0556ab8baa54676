//! Where the request goes: region / network / explicit endpoint → scheme and authority.

use crate::error::{codes, Error};
use crate::prelude::*;
use crate::validate;

/// Which of the service's networks to reach.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Network {
    /// `elasticsearch.<region>.aliyuncs.com` (the default).
    #[default]
    Public,
    /// `elasticsearch-vpc.<region>.aliyuncs.com`, reachable only from inside an Alibaba Cloud VPC.
    Vpc,
}

impl Network {
    /// Parses the `network` option: `"public"` or `"vpc"`.
    pub fn parse(value: &str) -> Result<Self, Error> {
        match value {
            "public" => Ok(Network::Public),
            "vpc" => Ok(Network::Vpc),
            _ => Err(Error::invalid(
                codes::INVALID_CONFIG,
                "network",
                "network must be \"public\" or \"vpc\"",
            )),
        }
    }
}

/// A resolved endpoint: the scheme and the authority (`host[:port]`) the request is signed
/// for, and where it is sent — the same place, or a proxy that forwards it there.
///
/// The authority is also the `host` header that is signed: it is written the way `fetch` will
/// send it, so a default port (443 for https, 80 for http) is left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `"https"` or `"http"`.
    pub scheme: &'static str,
    /// `host` or `host:port`, lower-cased, without a default port.
    pub authority: String,
    /// The proxy base the request is sent to instead (see [`proxy_base`]), if any.
    pub proxy: Option<String>,
}

impl Endpoint {
    /// `scheme://authority`, without a trailing slash.
    pub fn base_url(&self) -> String {
        cat!(self.scheme, "://", self.authority)
    }

    /// Sends requests through the proxy at `proxy_url` (validated by [`proxy_base`]), still
    /// signed for this endpoint's host.
    pub fn with_proxy(self, proxy_url: &str) -> Result<Endpoint, Error> {
        Ok(Endpoint {
            proxy: Some(proxy_base(proxy_url)?),
            ..self
        })
    }

    /// Where a request with this `/path?query` goes: the proxy, else the endpoint.
    pub fn url(&self, path_and_query: &str) -> String {
        match &self.proxy {
            Some(base) => cat!(base, path_and_query),
            None => cat!(self.scheme, "://", self.authority, path_and_query),
        }
    }

    /// Resolves the configuration: an explicit `endpoint` wins; else `region_id` (and `network`)
    /// give the service's host over HTTPS; neither is an error.
    pub fn resolve(
        region_id: Option<&str>,
        network: Network,
        endpoint: Option<&str>,
    ) -> Result<Endpoint, Error> {
        if let Some(endpoint) = endpoint {
            return Endpoint::parse(endpoint);
        }
        let Some(region) = region_id else {
            return Err(Error::invalid(
                codes::MISSING_REGION,
                "regionId",
                "set regionId (for example \"cn-hangzhou\") or endpoint",
            ));
        };
        validate::region_id(region)?;
        let service = match network {
            Network::Public => "elasticsearch",
            Network::Vpc => "elasticsearch-vpc",
        };
        Ok(Endpoint {
            scheme: "https",
            authority: cat!(service, ".", region, ".aliyuncs.com"),
            proxy: None,
        })
    }

    /// Parses `host`, `host:port` or `http(s)://host[:port]` (an optional trailing `/`).
    /// Hosts are DNS names, IPv4 addresses or bracketed IPv6 addresses; no path, query or user.
    pub fn parse(input: &str) -> Result<Endpoint, Error> {
        let bad = |why: &str| {
            Err(Error::invalid(
                codes::INVALID_ENDPOINT,
                "endpoint",
                cat!(
                    "endpoint ",
                    why,
                    "; expected host, host:port or http(s)://host[:port]"
                ),
            ))
        };
        let (scheme, rest) = if let Some(rest) = strip_prefix_ignore_case(input, "https://") {
            ("https", rest)
        } else if let Some(rest) = strip_prefix_ignore_case(input, "http://") {
            ("http", rest)
        } else if crate::text::find(input, "://").is_some() {
            return bad("has a scheme other than http or https");
        } else {
            ("https", input)
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() {
            return bad("has no host");
        }
        if rest.contains(['/', '?', '#', '@']) {
            return bad("may not have a path, query, fragment or user");
        }
        let Some((host, port)) = split_host_port(rest) else {
            return bad("has an invalid port");
        };
        if !valid_host(host) {
            return bad("has an invalid host name");
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        let host = host.to_ascii_lowercase();
        let authority = match port {
            Some(p) if p != default_port => cat!(host, ":", p),
            _ => host,
        };
        Ok(Endpoint {
            scheme,
            authority,
            proxy: None,
        })
    }
}

/// Validates the `proxyUrl` option and returns the base that request paths are appended to
/// (no trailing `/`). It is `http(s)://host[:port][/path]`, or a path starting with `/` that
/// a browser resolves against the page's origin. The request is still signed for the
/// endpoint's host: the proxy must forward it unchanged with `Host` set to that host.
pub fn proxy_base(input: &str) -> Result<String, Error> {
    let bad = |why: &str| {
        Err(Error::invalid(
            codes::INVALID_CONFIG,
            "proxyUrl",
            cat!(
                "proxyUrl ",
                why,
                "; expected http(s)://host[:port][/path] or a path such as \"/aliyun\""
            ),
        ))
    };
    let (origin, path) = if input.starts_with("//") {
        return bad("may not be protocol-relative");
    } else if input.starts_with('/') {
        (String::new(), input)
    } else {
        let scheme_len = if strip_prefix_ignore_case(input, "https://").is_some() {
            8
        } else if strip_prefix_ignore_case(input, "http://").is_some() {
            7
        } else {
            return bad("is neither an http(s) URL nor a path");
        };
        let split = input[scheme_len..]
            .find('/')
            .map_or(input.len(), |i| i + scheme_len);
        let Ok(endpoint) = Endpoint::parse(&input[..split]) else {
            return bad("has an invalid host or port");
        };
        (endpoint.base_url(), &input[split..])
    };
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%/".contains(&b));
    if !path_ok {
        return bad("has a character not allowed in a URL path, a query or a fragment");
    }
    Ok(origin + path.trim_end_matches('/'))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Splits `host[:port]` / `[v6][:port]`; `None` when a port is present but not 1–65535.
fn split_host_port(s: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if s.starts_with('[') {
        let end = s.find(']')?;
        let after = &s[end + 1..];
        match after.strip_prefix(':') {
            Some(p) => (&s[..=end], Some(p)),
            None if after.is_empty() => (&s[..=end], None),
            None => return None,
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => match crate::text::decimal(p, 5).map(u16::try_from) {
            Some(Ok(n)) if n > 0 => Some(n),
            _ => return None,
        },
    };
    Some((host, port))
}

fn valid_host(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty()
            && v6
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    // DNS names (IPv4 addresses fit the same rule): labels of letters, digits and '-'.
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(s: &str) -> Endpoint {
        Endpoint::parse(s).unwrap()
    }

    #[test]
    fn region_and_network_give_the_service_host() {
        let e = Endpoint::resolve(Some("cn-hangzhou"), Network::Public, None).unwrap();
        assert_eq!(
            e.base_url(),
            "https://elasticsearch.cn-hangzhou.aliyuncs.com"
        );
        let e = Endpoint::resolve(Some("cn-hangzhou"), Network::Vpc, None).unwrap();
        assert_eq!(e.authority, "elasticsearch-vpc.cn-hangzhou.aliyuncs.com");
    }

    #[test]
    fn explicit_endpoint_wins() {
        let e = Endpoint::resolve(
            Some("cn-hangzhou"),
            Network::Vpc,
            Some("http://127.0.0.1:8080"),
        )
        .unwrap();
        assert_eq!(e.base_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn neither_is_an_error() {
        let err = Endpoint::resolve(None, Network::Public, None).unwrap_err();
        assert_eq!(err.code, codes::MISSING_REGION);
        assert_eq!(err.field, Some("regionId"));
        let err = Endpoint::resolve(Some("Hangzhou"), Network::Public, None).unwrap_err();
        assert_eq!(err.code, codes::INVALID_REGION);
    }

    #[test]
    fn endpoint_forms() {
        assert_eq!(
            ep("example.com"),
            Endpoint {
                scheme: "https",
                authority: "example.com".into(),
                proxy: None,
            }
        );
        assert_eq!(ep("Example.COM:8443").authority, "example.com:8443");
        assert_eq!(ep("https://example.com:443/").authority, "example.com");
        assert_eq!(ep("http://example.com:80").authority, "example.com");
        assert_eq!(ep("http://example.com:443").authority, "example.com:443");
        assert_eq!(
            ep("HTTP://127.0.0.1:8080").base_url(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(ep("http://[::1]:9000").authority, "[::1]:9000");
        assert_eq!(ep("[::1]").authority, "[::1]");
    }

    #[test]
    fn bad_endpoints() {
        for bad in [
            "",
            "https://",
            "ftp://x",
            "x/path",
            "https://x/p",
            "x?q",
            "u@x",
            "x:0",
            "x:65536",
            "x:",
            "x:abc",
            "-x.com",
            "x..com",
            "[::1",
            "[]",
            "[::1]x",
            "a b",
            "ex_ample.com",
        ] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert_eq!(err.code, codes::INVALID_ENDPOINT, "{bad:?}");
            assert_eq!(err.field, Some("endpoint"));
        }
    }

    #[test]
    fn proxy_bases() {
        assert_eq!(proxy_base("/aliyun/").unwrap(), "/aliyun");
        assert_eq!(proxy_base("/").unwrap(), "");
        assert_eq!(
            proxy_base("http://127.0.0.1:9000").unwrap(),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            proxy_base("HTTPS://Proxy.example.com:443/es/").unwrap(),
            "https://proxy.example.com/es"
        );
        for bad in [
            "",
            "proxy",
            "//evil.com/x",
            "ftp://x",
            "http://",
            "http://x:0/",
            "/a b",
            "/a?b",
            "/a#b",
            "http://x/\\n",
        ] {
            assert_eq!(
                proxy_base(bad).unwrap_err().field,
                Some("proxyUrl"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn network_option() {
        assert_eq!(Network::parse("vpc").unwrap(), Network::Vpc);
        assert_eq!(Network::parse("public").unwrap(), Network::Public);
        assert_eq!(Network::parse("VPC").unwrap_err().field, Some("network"));
    }

    #[test]
    fn the_proxy_gets_the_request_the_endpoint_the_signature() {
        let direct = ep("example.com");
        assert_eq!(direct.url("/p?q=1"), "https://example.com/p?q=1");
        let proxied = direct
            .clone()
            .with_proxy("http://127.0.0.1:9/aliyun/")
            .unwrap();
        assert_eq!(proxied.url("/p?q=1"), "http://127.0.0.1:9/aliyun/p?q=1");
        assert_eq!(
            proxied.authority, "example.com",
            "still signed for the endpoint"
        );
        assert_eq!(
            direct.with_proxy("ftp://x").unwrap_err().field,
            Some("proxyUrl")
        );
    }
}
