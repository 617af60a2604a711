//! Typed settings: `config/default.toml`, then an optional file, then `CONCOURS_*` variables.
//!
//! The settings are read once, at start-up, into [`Settings`] and passed to whatever needs them;
//! there is no global, so that every test can start Concours with its own.

use std::path::{Path, PathBuf};

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The defaults, compiled in so that the binary runs from any folder with no configuration.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Every setting of Concours; `config/default.toml` documents each one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub storage: StorageSettings,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub ideas: IdeaSettings,
    pub jobs: JobSettings,
    pub log: LogSettings,
    pub payments: PaymentSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub public_url: String,
    pub json_limit_bytes: usize,
    pub workers: usize,
    /// Proxies whose `X-Forwarded-For` entries are believed (empty: the header is ignored).
    pub trusted_proxies: crate::proxies::TrustedProxies,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// A secret: a PostgreSQL URL carries its password (`Debug` shows none of it).
    pub url: SecretString,
    pub pool_size: u32,
    pub pool_timeout_ms: u64,
    pub sqlite_busy_timeout_ms: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Empty means "generate one and keep it in the data folder" (see [`crate::startup`]).
    pub jwt_secret: SecretString,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub token_ttl_hours: u32,
    pub require_verified_email: bool,
    pub verification_ttl_hours: u32,
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window_seconds: u32,
    pub register_max_per_ip: u32,
    /// Sign-in attempts, right or wrong, per client address within the sign-in window: each
    /// one costs a password hash.
    pub login_max_attempts_per_ip: u32,
    /// Password hashes computed at once, on threads that hold no database connection.
    pub hash_concurrency: u32,
    /// Mail one person can make the platform send (verification links, reset links) per
    /// account and per recipient address within `mail_requests_window_seconds`.
    pub mail_requests_max: u32,
    pub mail_requests_window_seconds: u32,
}

/// How outgoing mail leaves the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    Smtp,
    File,
    Memory,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransportKind,
    pub file_dir: PathBuf,
    pub smtp_url: SecretString,
    pub from: String,
    pub message_id_domain: String,
    pub poll_ms: u64,
    pub batch_size: u32,
    pub concurrency: u32,
    pub max_attempts: u32,
    pub retry_base_ms: u64,
    pub claim_lease_seconds: u32,
    pub per_recipient_interval_seconds: u32,
    pub fanout_batch: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdeaSettings {
    pub max_attachment_bytes: u64,
    pub max_attachments: u32,
    pub draft_reminder_hours: u32,
    pub max_writes_per_window: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub tick_ms: u64,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

/// The escrow account brands pay into, and the key that seals winners' payout details.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    /// The escrow account, free text shown as is to brands (empty: ask the administrators).
    pub bank_details: String,
    /// Base64 of 32 bytes; empty means "generate one and keep it in the data folder"
    /// (see [`crate::app::payout_details`]).
    pub details_key: SecretString,
}

/// A setting that could not be read; its message names the key and where the value came from.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Reads the defaults, then `file` (which must exist when given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Self::load_from(file, EnvStrings::from_process())
    }

    /// Reads the defaults and `file` only; tests use it so that the caller's environment
    /// cannot change what they run against.
    pub fn load_without_env(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Self::load_from(file, EnvStrings(Vec::new()))
    }

    fn load_from(file: Option<&Path>, last: EnvStrings) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError(format!(
                    "the configuration file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let settings: Settings = figment
            .merge(last)
            .extract_lossy()
            .map_err(|error| ConfigError(describe(error)))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks the values that serde alone cannot, naming the key at fault.
    fn validate(&self) -> Result<(), ConfigError> {
        let fail = |key: &str, why: &str| Err(ConfigError(format!("{key}: {why}")));
        let database_url = self.database.url.expose_secret();
        if !(database_url.starts_with("sqlite://")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return fail(
                "database.url",
                "must start with sqlite:// or postgres:// (CONCOURS_DATABASE__URL)",
            );
        }
        if self.database.pool_size == 0 {
            return fail("database.pool_size", "must be at least 1");
        }
        if self.auth.token_ttl_hours == 0 {
            return fail("auth.token_ttl_hours", "must be at least 1");
        }
        if self.mail.batch_size == 0 || self.mail.max_attempts == 0 {
            return fail("mail.batch_size / mail.max_attempts", "must be at least 1");
        }
        if self.mail.concurrency == 0 || self.mail.concurrency > 100 {
            return fail("mail.concurrency", "must be between 1 and 100");
        }
        if self.jobs.tick_ms == 0 || self.mail.poll_ms == 0 {
            return fail("jobs.tick_ms / mail.poll_ms", "must be at least 1");
        }
        if !(self.server.public_url.starts_with("http://")
            || self.server.public_url.starts_with("https://"))
        {
            return fail("server.public_url", "must start with http:// or https://");
        }
        if self.server.bind.parse::<std::net::SocketAddr>().is_err() {
            return fail(
                "server.bind",
                "must be an address and port, e.g. 127.0.0.1:8080",
            );
        }
        Ok(())
    }

    /// The public address without a trailing slash, to which links append their path.
    pub fn public_url(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }
}

/// The `CONCOURS_<SECTION>__<KEY>` variables, each kept as a string: a secret or a URL made of
/// digits stays a string, and numbers and booleans are read from their text by
/// `extract_lossy`.
struct EnvStrings(Vec<(String, String)>);

/// The name errors give this provider, so that `describe` can name the variable.
const ENV_PROVIDER: &str = "environment";

impl EnvStrings {
    fn from_process() -> EnvStrings {
        EnvStrings(
            std::env::vars()
                .filter_map(|(key, value)| {
                    key.strip_prefix("CONCOURS_")
                        .map(|rest| (rest.to_ascii_lowercase(), value))
                })
                .collect(),
        )
    }
}

impl Provider for EnvStrings {
    fn metadata(&self) -> Metadata {
        Metadata::named(ENV_PROVIDER)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut root = Dict::new();
        for (key, value) in &self.0 {
            match key.split_once("__") {
                Some((section, name)) if !section.is_empty() && !name.is_empty() => {
                    let entry = root
                        .entry(section.to_owned())
                        .or_insert_with(|| Value::from(Dict::new()));
                    if let Value::Dict(_, dict) = entry {
                        dict.insert(name.to_owned(), Value::from(value.clone()));
                    }
                }
                _ => {
                    root.insert(key.clone(), Value::from(value.clone()));
                }
            }
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Figment's errors name the key and the source (file or variable); keep all of them.
fn describe(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let source = e
                .metadata
                .as_ref()
                .map(|m| match &m.source {
                    _ if m.name == ENV_PROVIDER => {
                        format!(
                            " (from CONCOURS_{})",
                            e.path.join("__").to_ascii_uppercase()
                        )
                    }
                    Some(source) => format!(" (from {source})"),
                    None => format!(" (from {})", m.name),
                })
                .unwrap_or_default();
            if key.is_empty() {
                format!("{}{source}", e.kind)
            } else {
                format!("{key}: {}{source}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_load_and_validate() {
        let settings = Settings::load_without_env(None).expect("defaults are valid");
        assert_eq!(settings.server.bind, "127.0.0.1:8080");
        assert_eq!(
            settings.database.url.expose_secret(),
            "sqlite://data/concours.db"
        );
        assert_eq!(settings.jobs.tick_ms, 1000);
        assert!(settings.auth.require_verified_email);
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[jobs]\ntick_ms = \"often\"\n").unwrap();
        let error = Settings::load_without_env(Some(&file))
            .unwrap_err()
            .to_string();
        assert!(error.contains("jobs.tick_ms"), "{error}");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[database]\nurll = \"x\"\n").unwrap();
        let error = Settings::load_without_env(Some(&file))
            .unwrap_err()
            .to_string();
        assert!(error.contains("urll"), "{error}");
    }

    #[test]
    fn a_bad_database_url_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[database]\nurl = \"mysql://x\"\n").unwrap();
        let error = Settings::load_without_env(Some(&file))
            .unwrap_err()
            .to_string();
        assert!(error.contains("database.url"), "{error}");
    }

    fn env(vars: &[(&str, &str)]) -> EnvStrings {
        EnvStrings(
            vars.iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
                .collect(),
        )
    }

    /// Settings are printed in logs and panics with `{:?}`: never a password or a secret.
    #[test]
    fn debug_shows_no_secret() {
        let settings = Settings::load_from(
            None,
            env(&[
                (
                    "DATABASE__URL",
                    "postgres://app:db-password-4711@db/concours",
                ),
                (
                    "AUTH__JWT_SECRET",
                    "jwt-secret-of-more-than-32-characters-0815",
                ),
                (
                    "MAIL__SMTP_URL",
                    "smtps://mailer:smtp-password-42@mail.example",
                ),
            ]),
        )
        .expect("valid");
        let printed = format!("{settings:?}");
        for secret in ["db-password-4711", "jwt-secret-of", "smtp-password-42"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("REDACTED"), "{printed}");
    }

    #[test]
    fn environment_overrides_the_file() {
        let settings = Settings::load_from(
            None,
            env(&[
                ("JOBS__TICK_MS", "250"),
                ("AUTH__JWT_SECRET", "12345"),
                ("AUTH__REQUIRE_VERIFIED_EMAIL", "false"),
            ]),
        )
        .expect("valid");
        assert_eq!(settings.jobs.tick_ms, 250);
        // A secret made of digits stays a string.
        assert_eq!(settings.auth.jwt_secret.expose_secret(), "12345");
        assert!(!settings.auth.require_verified_email);
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let error = Settings::load_from(None, env(&[("JOBS__TICK_MS", "soon")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("jobs.tick_ms"), "{error}");
        assert!(error.contains("CONCOURS_JOBS__TICK_MS"), "{error}");
    }

    #[test]
    fn an_unknown_variable_is_refused() {
        let error = Settings::load_from(None, env(&[("DATABSE__URL", "sqlite://x.db")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("databse"), "{error}");
    }

    #[test]
    fn trusted_proxies_come_from_a_list_or_a_variable_and_bad_ones_are_refused() {
        let settings = Settings::load_from(
            None,
            env(&[("SERVER__TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")]),
        )
        .expect("valid");
        assert_eq!(
            settings.server.trusted_proxies,
            crate::proxies::TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8", "::1"]).unwrap()
        );
        assert_eq!(
            Settings::load_without_env(None)
                .unwrap()
                .server
                .trusted_proxies,
            crate::proxies::TrustedProxies::default()
        );
        let error = Settings::load_from(None, env(&[("SERVER__TRUSTED_PROXIES", "proxy.lan")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("trusted_proxies"), "{error}");
    }
}
