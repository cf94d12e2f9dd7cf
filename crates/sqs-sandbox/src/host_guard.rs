//! Keeps web pages out. A page can rebind its own host name to 127.0.0.1 and then reach the
//! sandbox as if same-origin (DNS rebinding), or post a form to it from another origin. So a
//! request is answered only when its `Host` names an allowed host (loopback names, the address
//! the sandbox listens on, names given with `--allow-host`) with the sandbox's port, and when it
//! carries no `Origin` header, or one whose host is allowed the same way. A browser marks what a
//! page sends with `Sec-Fetch-Site` even where it sends no `Origin` (an `<img>`'s GET): anything
//! but `none` (typed by the user) or `same-origin` is refused. CORS preflights are refused like
//! any other request from a page. SDKs and the CLI send neither header.

use axum::http::HeaderMap;

/// Which `Host` and `Origin` values are answered.
#[derive(Debug, Clone)]
pub struct HostGuard {
    names: Vec<String>,
    port: u16,
}

impl HostGuard {
    /// Loopback names, `listen_host` (unless it is a wildcard address) and `extra` names, on `port`.
    pub fn new(listen_host: &str, port: u16, extra: &[String]) -> HostGuard {
        let mut names: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .into_iter()
            .map(str::to_string)
            .collect();
        let listen = bracket_v6(listen_host.trim());
        if !matches!(listen.as_str(), "0.0.0.0" | "[::]" | "") {
            names.push(listen);
        }
        names.extend(extra.iter().map(|n| bracket_v6(n.trim())));
        for n in &mut names {
            n.make_ascii_lowercase();
        }
        HostGuard { names, port }
    }

    /// None when the request may be answered; otherwise why not, as a sentence.
    pub fn refuse(&self, headers: &HeaderMap) -> Option<String> {
        let host = headers
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !self.allowed(host) {
            return Some(format!(
                "This sandbox answers only requests addressed to {} on port {} (this one was for '{host}'), so that web pages cannot reach it. To use another name, start it with --allow-host NAME.",
                self.names.join(", "),
                self.port
            ));
        }
        if let Some(origin) = headers.get("origin") {
            let origin = origin.to_str().unwrap_or("");
            let host = origin.split_once("://").map_or("", |(_, h)| h);
            if !self.allowed(host) {
                return Some(format!(
                    "This sandbox does not answer requests from web pages (Origin '{origin}'). To allow a page served from another name, start it with --allow-host NAME."
                ));
            }
        }
        if let Some(site) = headers.get("sec-fetch-site") {
            let site = site.to_str().unwrap_or("");
            if !matches!(site, "none" | "same-origin") {
                return Some(format!(
                    "This sandbox does not answer requests that web pages send (Sec-Fetch-Site '{site}')."
                ));
            }
        }
        None
    }

    /// `name[:port]` names an allowed host on the sandbox's port (no port: only port 80).
    fn allowed(&self, host_port: &str) -> bool {
        let host_port = host_port.trim().to_ascii_lowercase();
        let (name, port) = match host_port.rsplit_once(':') {
            // "[::1]" alone has colons inside the brackets.
            Some((n, p)) if !p.ends_with(']') => (n.to_string(), p.parse::<u16>().ok()),
            _ => (host_port.clone(), Some(80)),
        };
        port == Some(self.port) && self.names.contains(&name)
    }
}

/// IPv6 addresses in a Host header are written in brackets.
fn bracket_v6(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn loopback_names_on_the_right_port_pass_and_others_are_refused() {
        let g = HostGuard::new("127.0.0.1", 9324, &[]);
        for ok in [
            "127.0.0.1:9324",
            "localhost:9324",
            "[::1]:9324",
            "LOCALHOST:9324",
        ] {
            assert_eq!(g.refuse(&headers(&[("host", ok)])), None, "{ok}");
        }
        for bad in [
            "evil.example:9324",
            "127.0.0.1:9325",
            "127.0.0.1",
            "",
            "localhost.evil.example:9324",
        ] {
            let why = g.refuse(&headers(&[("host", bad)])).expect(bad);
            assert!(why.contains("--allow-host"), "{why}");
        }
        assert!(g.refuse(&HeaderMap::new()).is_some(), "no Host at all");
    }

    #[test]
    fn a_page_origin_is_refused_unless_its_host_is_allowed() {
        let g = HostGuard::new("127.0.0.1", 9324, &["sqs.test".into()]);
        let from =
            |origin: &str| g.refuse(&headers(&[("host", "127.0.0.1:9324"), ("origin", origin)]));
        assert!(from("http://evil.example").is_some());
        assert!(from("null").is_some());
        assert_eq!(from("http://localhost:9324"), None);
        assert_eq!(from("http://sqs.test:9324"), None);
        assert_eq!(g.refuse(&headers(&[("host", "sqs.test:9324")])), None);
    }

    #[test]
    fn what_a_browser_marks_as_sent_by_another_site_is_refused() {
        let g = HostGuard::new("127.0.0.1", 9324, &[]);
        let with = |site: &str| {
            g.refuse(&headers(&[
                ("host", "127.0.0.1:9324"),
                ("sec-fetch-site", site),
            ]))
        };
        for page in ["cross-site", "same-site", "bogus"] {
            let why = with(page).expect(page);
            assert!(why.contains("web pages"), "{why}");
        }
        assert_eq!(with("none"), None);
        assert_eq!(with("same-origin"), None);
    }

    #[test]
    fn a_listen_address_is_allowed_but_a_wildcard_is_not_a_name() {
        let g = HostGuard::new("192.168.1.5", 9324, &[]);
        assert_eq!(g.refuse(&headers(&[("host", "192.168.1.5:9324")])), None);
        let any = HostGuard::new("0.0.0.0", 9324, &[]);
        assert!(any.refuse(&headers(&[("host", "0.0.0.0:9324")])).is_some());
        let v6 = HostGuard::new("::1", 80, &[]);
        assert_eq!(v6.refuse(&headers(&[("host", "[::1]")])), None);
    }
}
