//! How SQS requests reach the network: through the proxy the user set in the app, or else the one
//! the environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, and their lower-case forms),
//! using the SDK HTTP client's own proxy support. Requests to this computer (the sandbox,
//! `localhost`, `127.0.0.1`, `::1`) never go through a proxy.

use std::sync::{Arc, RwLock};

use aws_sdk_sqs::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::{tls, Builder, Connector};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::AppConfig;
use crate::connection::Secret;
use crate::connection_service::SettingsFile;
use crate::secrets::{self, SecretStore};
use crate::CoreError;

/// The keychain account of the proxy's password.
pub const PASSWORD_ACCOUNT: &str = "proxy";

/// The proxy the user set in the app (the password lives in the keychain).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProxySettings {
    /// `http://proxy.example.com:3128`.
    pub url: String,
    /// For a proxy that asks for a user name and password.
    #[serde(default)]
    pub username: Option<String>,
    /// Hosts that do not go through the proxy, comma separated, as in NO_PROXY
    /// (`.internal.example.com, 10.0.0.0/8`).
    #[serde(default)]
    pub no_proxy: Option<String>,
}

/// The app's proxy with its password, as requests use it.
#[derive(Debug, Clone)]
pub struct AppProxy {
    pub settings: ProxySettings,
    pub password: Option<Secret>,
}

/// The proxy every new client uses; `None`: the environment's.
static APP_PROXY: RwLock<Option<AppProxy>> = RwLock::new(None);

/// Sets (or with `None` clears) the app's proxy for clients made from now on.
pub fn set_app_proxy(proxy: Option<AppProxy>) {
    *APP_PROXY.write().unwrap_or_else(|e| e.into_inner()) = proxy;
}

/// What the proxy form sends. An empty URL means "use the environment's proxy".
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ProxyInput {
    pub url: String,
    #[serde(default)]
    #[ts(optional)]
    pub username: Option<String>,
    /// A new password; none keeps the stored one (while there is a user name).
    #[serde(default)]
    #[ts(optional)]
    pub password: Option<Secret>,
    #[serde(default)]
    #[ts(optional)]
    pub no_proxy: Option<String>,
}

/// What the proxy form shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProxyView {
    /// The app's own proxy, if set.
    pub settings: Option<ProxySettings>,
    pub has_password: bool,
    /// The environment's proxy for HTTPS (what is used when the app has none), without any
    /// credentials in it.
    pub environment: Option<String>,
    pub environment_no_proxy: Option<String>,
    /// Why the proxy's password could not be read (the keychain is locked or not available):
    /// requests go through the proxy without it.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keychain_problem: Option<String>,
}

fn env_var(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok())
        .filter(|v| !v.trim().is_empty())
}

/// A proxy URL with any user name and password taken out (for showing it).
fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.as_str().trim_end_matches('/').to_string()
        }
        Err(_) => "(not a URL)".to_string(),
    }
}

/// The form's view of the app's proxy and the environment's.
pub fn view(config: &AppConfig, has_password: bool) -> ProxyView {
    ProxyView {
        settings: config.proxy.clone(),
        has_password,
        environment: env_var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])
            .map(|u| without_credentials(&u)),
        environment_no_proxy: env_var(&["NO_PROXY", "no_proxy"]),
        keychain_problem: None,
    }
}

/// Saves the proxy form: the password to the keychain first, then the settings file, then the
/// proxy is used by clients made from now on. Returns what requests will use.
pub async fn save(
    config: &mut AppConfig,
    file: &dyn SettingsFile,
    store: Arc<dyn SecretStore>,
    input: ProxyInput,
) -> Result<Option<AppProxy>, CoreError> {
    let url = input.url.trim();
    let mut next = config.clone();
    if url.is_empty() {
        next.proxy = None;
        file.save(&next)?;
        *config = next;
        let _ = secrets::delete(store, PASSWORD_ACCOUNT.to_string()).await;
        set_app_proxy(None);
        return Ok(None);
    }
    let settings = ProxySettings {
        url: validate_proxy_url(url)?,
        username: input
            .username
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty()),
        no_proxy: input
            .no_proxy
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty()),
    };
    let new_password = input.password.filter(|p| !p.expose().is_empty());
    let password = match (&settings.username, new_password) {
        (None, _) => {
            let _ = secrets::delete(store.clone(), PASSWORD_ACCOUNT.to_string()).await;
            None
        }
        (Some(_), Some(p)) => {
            secrets::set(store.clone(), PASSWORD_ACCOUNT.to_string(), p.clone()).await?;
            Some(p)
        }
        (Some(_), None) => secrets::get(store.clone(), PASSWORD_ACCOUNT.to_string()).await?,
    };
    next.proxy = Some(settings.clone());
    file.save(&next)?;
    *config = next;
    let proxy = AppProxy { settings, password };
    set_app_proxy(Some(proxy.clone()));
    Ok(Some(proxy))
}

/// Reads the app's proxy (and its password) at start-up and uses it.
pub async fn load(config: &AppConfig, store: Arc<dyn SecretStore>) -> Result<(), CoreError> {
    let Some(settings) = config.proxy.clone() else {
        set_app_proxy(None);
        return Ok(());
    };
    // A keychain that cannot be read must not send requests around the proxy: the proxy is
    // used without its password, and the error says so to the caller.
    let (password, problem) = if settings.username.is_some() {
        match secrets::get(store, PASSWORD_ACCOUNT.to_string()).await {
            Ok(p) => (p, None),
            Err(e) => (None, Some(e)),
        }
    } else {
        (None, None)
    };
    set_app_proxy(Some(AppProxy { settings, password }));
    problem.map_or(Ok(()), Err)
}

/// Checks a proxy URL: http(s), a host, a port; credentials go in their own fields.
pub fn validate_proxy_url(url: &str) -> Result<String, CoreError> {
    let bad = |m: &str| CoreError::field("proxy_url", m.to_string());
    let parsed = url::Url::parse(url.trim())
        .map_err(|_| bad("Enter the proxy's address, like http://proxy.example.com:3128."))?;
    if parsed.scheme() != "http" && parsed.scheme() != "https" {
        return Err(bad("A proxy address starts with http:// or https://."));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("The proxy address needs a host name."));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "Put the user name and password in their own fields, not in the address.",
        ));
    }
    ProxyConfig::all(parsed.as_str())
        .map_err(|e| bad(&format!("The proxy address is not usable: {e}.")))?;
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Whether an endpoint URL is on this computer.
pub fn is_local(endpoint: &str) -> bool {
    url::Url::parse(endpoint)
        .ok()
        .and_then(|u| {
            u.host().map(|h| match h {
                url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            })
        })
        .unwrap_or(false)
}

/// The SDK writes the user name and password into the proxy's URL as they are, and the HTTP
/// client parses that URL and percent-decodes them again: a space, `"`, `/` or `@` would mangle
/// them or make the URL unparseable, and an unparseable proxy URL sends requests direct. Every
/// byte but letters and digits is encoded, so the proxy receives exactly what the user typed.
fn userinfo(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Whether `host` is one of a NO_PROXY-style list's hosts or domains (`*`, `example.com`,
/// `.example.com`).
fn excluded(host: &str, rules: &str) -> bool {
    rules.split(',').map(str::trim).any(|r| {
        let r = r.trim_start_matches('.');
        r == "*"
            || (!r.is_empty() && (host.eq_ignore_ascii_case(r) || host.ends_with(&format!(".{r}"))))
    })
}

/// The proxy a request to `target` (an endpoint URL, or "SQS in REGION") goes through, named
/// as the user set it and without any user name or password: the app's (Network…), else the
/// environment's. None for this computer, a host the proxy's exclusions name, or no proxy.
/// Errors name it, so a dead proxy is not reported as a dead server.
pub fn proxy_named_for(target: &str) -> Option<String> {
    if is_local(target) {
        return None;
    }
    let parsed = url::Url::parse(target).ok();
    let host = parsed
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "amazonaws.com".into());
    let app = APP_PROXY.read().unwrap_or_else(|e| e.into_inner()).clone();
    match app {
        Some(p) => {
            if p.settings
                .no_proxy
                .as_deref()
                .is_some_and(|r| excluded(&host, r))
            {
                return None;
            }
            Some(format!(
                "the proxy set under Network ({})",
                without_credentials(&p.settings.url)
            ))
        }
        None => {
            if env_var(&["NO_PROXY", "no_proxy"]).is_some_and(|r| excluded(&host, &r)) {
                return None;
            }
            let http = parsed.as_ref().is_some_and(|u| u.scheme() == "http");
            let (names, label): (&[&str], &str) = if http {
                (&["HTTP_PROXY", "http_proxy"], "HTTP_PROXY")
            } else {
                (&["HTTPS_PROXY", "https_proxy"], "HTTPS_PROXY")
            };
            let (url, label) = match env_var(names) {
                Some(u) => (u, label),
                None => (env_var(&["ALL_PROXY", "all_proxy"])?, "ALL_PROXY"),
            };
            Some(format!(
                "the proxy in {label} ({})",
                without_credentials(&url)
            ))
        }
    }
}

/// The proxy rule for requests to `endpoint` (None: AWS's own endpoints).
fn proxy_for(endpoint: Option<&str>) -> ProxyConfig {
    if endpoint.is_some_and(is_local) {
        return ProxyConfig::disabled();
    }
    let app = APP_PROXY.read().unwrap_or_else(|e| e.into_inner()).clone();
    match app {
        None => ProxyConfig::from_env(),
        Some(p) => match ProxyConfig::all(&p.settings.url) {
            Ok(mut c) => {
                if let Some(user) = p.settings.username.as_deref().filter(|u| !u.is_empty()) {
                    let password = p.password.as_ref().map(Secret::expose).unwrap_or("");
                    c = c.with_basic_auth(userinfo(user), userinfo(password));
                }
                if let Some(rules) = p
                    .settings
                    .no_proxy
                    .as_deref()
                    .filter(|r| !r.trim().is_empty())
                {
                    c = c.no_proxy(rules);
                }
                c
            }
            // Checked when saved; a bad stored value falls back to the environment.
            Err(_) => ProxyConfig::from_env(),
        },
    }
}

/// The SDK's HTTPS client (rustls with ring) with the proxy rule for `endpoint`: every SDK client
/// the app makes gets one, so the SDK's default client (rustls with aws-lc) is not built in.
pub fn http_client(endpoint: Option<&str>) -> SharedHttpClient {
    let proxy = proxy_for(endpoint);
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut b = Connector::builder()
            .proxy_config(proxy.clone())
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ));
        b.set_connector_settings(settings.cloned());
        if let Some(c) = components {
            b.set_sleep_impl(c.sleep_impl());
        }
        b.build()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_endpoints_are_told_apart() {
        for local in [
            "http://127.0.0.1:9324",
            "http://localhost:4566",
            "http://LOCALHOST",
            "http://[::1]:9324/",
            "http://127.8.0.1",
        ] {
            assert!(is_local(local), "{local}");
        }
        for remote in [
            "https://sqs.eu-west-1.amazonaws.com",
            "http://10.0.0.5:4566",
            "http://localstack.internal:4566",
            "not a url",
        ] {
            assert!(!is_local(remote), "{remote}");
        }
    }

    #[test]
    fn proxy_urls_are_checked() {
        assert_eq!(
            validate_proxy_url(" http://proxy.example.com:3128/ ").unwrap(),
            "http://proxy.example.com:3128"
        );
        for bad in ["proxy:3128", "ftp://p:21", "http://user:pw@p:3128", ""] {
            let e = validate_proxy_url(bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("proxy_url"), "{bad}");
        }
    }
}
