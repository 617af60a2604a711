//! Builds a running Concours from settings: database, templates, session keys, the HTTP server,
//! the mail worker and the scheduler. `main` and the tests both start here.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::middleware::{DefaultHeaders, NormalizePath, TrailingSlash};
use actix_web::{App, HttpServer, web};
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

use crate::app::Ctx;
use crate::clock::Clock;
use crate::config::Settings;
use crate::jobs::Scheduler;
use crate::mail::worker::{self, Worker};
use crate::mail::{MemoryMailbox, Transport};
use crate::store::{self, Pool};
use crate::web::cache::PublicCache;
use crate::web::telemetry::RequestSpan;
use crate::web::{AppState, error, openapi, routes};

/// A built instance, not yet running.
pub struct Application {
    pub port: u16,
    pub server: actix_web::dev::Server,
    pub state: AppState,
    pub worker: Worker,
    pub scheduler: Scheduler,
}

/// Opens the database and applies pending migrations.
pub fn open_database(settings: &Settings) -> anyhow::Result<Pool> {
    let pool = store::connect(&settings.database)?;
    let mut conn = pool.get()?;
    let applied = store::migrate(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database migrated");
    }
    Ok(pool)
}

/// The JWT secret: the configured one, or one generated on first start and kept in the data
/// folder, readable by its owner only.
pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    let configured = settings.auth.jwt_secret.expose_secret();
    if !configured.is_empty() {
        if configured.len() < 32 {
            anyhow::bail!("auth.jwt_secret must have at least 32 characters");
        }
        return Ok(configured.as_bytes().to_vec());
    }
    let dir = &settings.storage.data_dir;
    let path = dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
        anyhow::bail!(
            "{} is too short; delete it to generate a new one",
            path.display()
        );
    }
    crate::files::create_private_dir(dir)
        .map_err(|e| anyhow::anyhow!("storage.data_dir: cannot create {}: {e}", dir.display()))?;
    let secret = {
        use rand::RngCore;
        let mut bytes = [0u8; 48];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    };
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// Everything but the HTTP server: what `concours worker` runs.
pub fn build_background(
    settings: Settings,
    clock: Arc<dyn Clock>,
    mailbox: MemoryMailbox,
) -> anyhow::Result<(AppState, Worker, Scheduler)> {
    let secret = jwt_secret(&settings)?;
    crate::app::payout_details::details_key(&settings)?;
    let pool = open_database(&settings)?;
    let tera = Arc::new(crate::templates::load()?);
    let transport = Transport::from_settings(&settings.mail, mailbox)?;
    let hashing = Arc::new(tokio::sync::Semaphore::new(
        settings.auth.hash_concurrency.max(1) as usize,
    ));
    let ctx = Arc::new(Ctx::new(settings, clock, &secret));
    let worker = Worker::new(
        pool.clone(),
        worker::Setup {
            clock: ctx.clock.clone(),
            settings: ctx.settings.mail.clone(),
            links: ctx.mail_links(),
            tera: tera.clone(),
            transport,
        },
    )?;
    let scheduler = Scheduler::new(pool.clone(), ctx.clone());
    let writes = pool.writes();
    let state = AppState {
        ctx,
        pool,
        tera,
        openapi_json: Arc::new(openapi::document_json()),
        public_cache: Arc::new(PublicCache::new(move || writes.generation())),
        hashing,
    };
    Ok((state, worker, scheduler))
}

/// Builds the whole application and binds its port (`server.bind`; port 0 picks a free one).
pub fn build(
    settings: Settings,
    clock: Arc<dyn Clock>,
    mailbox: MemoryMailbox,
) -> anyhow::Result<Application> {
    let listener = TcpListener::bind(&settings.server.bind).map_err(|e| {
        anyhow::anyhow!(
            "server.bind: cannot listen on {}: {e}",
            settings.server.bind
        )
    })?;
    let port = listener.local_addr()?.port();
    let workers = settings.server.workers;
    let (state, worker, scheduler) = build_background(settings, clock, mailbox)?;
    let json_limit = state.ctx.settings.server.json_limit_bytes;
    // Served to people over TLS (behind a proxy that terminates it): browsers are told to come
    // back over TLS only.
    let tls = state.ctx.settings.public_url().starts_with("https://");
    let data = web::Data::new(state.clone());
    let mut server = HttpServer::new(move || {
        let app = App::new()
            .app_data(data.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(json_limit)
                    .error_handler(error::json_error),
            )
            .app_data(web::FormConfig::default().limit(64 * 1024))
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .app_data(web::QueryConfig::default().error_handler(error::query_error));
        let (app, _) = routes::mount(app).split_for_parts();
        app.default_service(web::to(error::not_found))
            .wrap(actix_web::middleware::from_fn(error::refuse_nul_in_path))
            .wrap(NormalizePath::new(TrailingSlash::Trim))
            .wrap(security_headers(tls))
            .wrap(TracingLogger::<RequestSpan>::new())
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    let server = server.disable_signals().run();
    Ok(Application {
        port,
        server,
        state,
        worker,
        scheduler,
    })
}

fn security_headers(tls: bool) -> DefaultHeaders {
    let headers = if tls {
        DefaultHeaders::new().add((
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add(("X-Content-Type-Options", "nosniff"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ))
}
