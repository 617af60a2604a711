//! The `concours` command line: serve, worker, migrate, admin, check, mail.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use concours::app::{accounts, check};
use concours::clock::SystemClock;
use concours::config::Settings;
use concours::mail::MemoryMailbox;
use concours::{startup, store, web};

/// Concours: idea contests judged by a jury, with frozen rules and a guaranteed prize.
///
/// With no configuration, Concours keeps everything in ./data (an SQLite database, the session
/// secret and, with the default file transport, outgoing mail as .eml files).
#[derive(Debug, Parser)]
#[command(name = "concours", version, about, long_about)]
struct Cli {
    /// A TOML file of settings, read after the built-in defaults and before CONCOURS_* variables.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server, the mail worker and the scheduler (migrating the database first).
    Serve {
        /// Fill the database with the demo first, unless it is already there.
        #[arg(long)]
        demo: bool,
    },
    /// Run only the mail worker and the scheduler, for a separate background process.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Platform administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Check every invariant of the data; exits 1 and lists each violation when one is broken.
    Check,
    /// Fill the database with a demo: a brand, contests in every phase (one awarded through its
    /// fallback rule), innovators, ideas and jurors; prints the accounts to sign in with.
    Demo,
    /// Recompute a contest's ranking and payouts from its published score sheet and compare
    /// them with its published results. Give the contest's API address
    /// (http://host/api/v1/contests/ID), or the two files SCORESHEET and RESULTS.
    Verify {
        /// A contest's API address, or the score sheet file.
        source: String,
        /// The results file, when SOURCE is a file.
        results: Option<PathBuf>,
    },
    /// Copy the whole SQLite database, consistently, while Concours runs (restore: stop
    /// Concours, put the copy in place of the database file, start it, run `concours check`).
    /// On PostgreSQL, explains how to use pg_dump instead.
    Backup {
        /// The file to write, readable by its owner only; it must not exist yet (nor be a
        /// symbolic link).
        path: PathBuf,
    },
    /// Inspect and retry outgoing mail.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make an existing account a platform admin (who confirms fundings and payouts).
    Grant {
        /// The account's email address.
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// List messages that could not be delivered, with the reason.
    Failed,
    /// Queue a failed message again.
    Retry {
        /// The message id, as `concours mail failed` lists it.
        id: String,
    },
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    // Whatever any command creates (the database, its WAL, .eml files, backups) is private.
    concours::files::set_private_umask();
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("concours: {error}");
            return ExitCode::from(2);
        }
    };
    web::telemetry::init(&settings.log.filter, settings.log.format);
    for path in concours::files::tighten_existing(&settings) {
        tracing::warn!(path = %path, "was readable by other accounts of this host; made private");
    }
    match run(cli.command, settings) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("concours: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_demo_accounts() {
    println!(
        "Demo accounts (password: {}); sign in at the address Concours serves:",
        concours::demo::PASSWORD
    );
    for (email, role) in concours::demo::ACCOUNTS {
        println!("  {email:<32} {role}");
    }
}

/// `concours verify`: needs no database, only what a contest publishes.
fn verify(source: &str, results: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let (sheet, results) = if source.starts_with("http://") || source.starts_with("https://") {
        let base = source.trim_end_matches('/');
        (
            http_get(&format!("{base}/scoresheet"))?,
            http_get(&format!("{base}/results"))?,
        )
    } else {
        let results = results
            .ok_or_else(|| anyhow::anyhow!("give the results file after the score sheet file"))?;
        (
            std::fs::read_to_string(source)?,
            std::fs::read_to_string(results)?,
        )
    };
    let results: serde_json::Value = serde_json::from_str(&results)?;
    let problems = concours::app::award::verify(&sheet, &results).map_err(anyhow::Error::msg)?;
    if problems.is_empty() {
        println!(
            "verified: the ranking and the payouts follow from the score sheet {}",
            results["scoresheet_hash"].as_str().unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for problem in problems {
        println!("MISMATCH {problem}");
    }
    Ok(ExitCode::FAILURE)
}

/// A minimal HTTP/1.0 GET for `verify`: plain http only (put a file in front of an https
/// address, or download it first).
fn http_get(url: &str) -> anyhow::Result<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        anyhow::anyhow!(
            "{url}: only http:// addresses can be fetched; download the files and give their paths"
        )
    })?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let address = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:80")
    };
    let mut stream = std::net::TcpStream::connect(&address)?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("{url}: not an HTTP answer"))?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        anyhow::bail!("{url}: {}", head.lines().next().unwrap_or_default());
    }
    Ok(body.to_owned())
}

/// The file mail transport keeps every message, with its sign-in, reset and invitation links,
/// in a folder: right for a demo or development, not for people's real mail.
fn warn_of_file_mail(settings: &Settings) {
    if settings.mail.transport == concours::config::MailTransportKind::File {
        tracing::warn!(
            folder = %settings.mail.file_dir.display(),
            "mail.transport is \"file\": messages (with their verification, reset and jury \
             invitation links) are written to this folder and never sent; this is for development \
             and demos; set mail.transport = \"smtp\" to serve real people"
        );
    }
}

fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo: false } | Command::Worker => {
            warn_of_file_mail(&settings);
            let with_http = matches!(command, Command::Serve { .. });
            serve(settings, with_http)
        }
        Command::Serve { demo: true } => {
            let pool = startup::open_database(&settings)?;
            let secret = startup::jwt_secret(&settings)?;
            match concours::demo::run(&settings, &pool, &secret) {
                Ok(()) => print_demo_accounts(),
                Err(e) if e.to_string().contains("already") => print_demo_accounts(),
                Err(e) => return Err(e),
            }
            serve(settings, true)
        }
        Command::Migrate => {
            let pool = store::connect(&settings.database)?;
            let applied = store::migrate(&mut *pool.get()?)?;
            println!("{} migration(s) applied", applied.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command: AdminCommand::Grant { email },
        } => {
            let pool = startup::open_database(&settings)?;
            accounts::grant_admin(&mut *pool.get()?, &email).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{email} is now a platform admin");
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let pool = startup::open_database(&settings)?;
            let violations = check::run(&mut *pool.get()?)?;
            if violations.is_empty() {
                println!("all invariants hold");
                return Ok(ExitCode::SUCCESS);
            }
            for v in &violations {
                println!("VIOLATION {}: {}", v.invariant, v.detail);
            }
            Ok(ExitCode::FAILURE)
        }
        Command::Verify { source, results } => verify(&source, results.as_deref()),
        Command::Backup { path } => {
            let pool = startup::open_database(&settings)?;
            match store::backup(&mut *pool.get()?, &path)? {
                store::Backup::Written => {
                    println!("backup written to {}", path.display());
                    Ok(ExitCode::SUCCESS)
                }
                store::Backup::UsePgDump => {
                    eprintln!(
                        "concours backup copies an SQLite database. On PostgreSQL use its own tool, \
                         which takes a consistent snapshot while Concours runs:\n  \
                         pg_dump --format=custom --file=concours.dump \"$CONCOURS_DATABASE__URL\"\n\
                         and restore into an empty database with\n  \
                         pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" concours.dump\n\
                         then point Concours at it and run `concours check`."
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Demo => {
            let pool = startup::open_database(&settings)?;
            let secret = startup::jwt_secret(&settings)?;
            concours::demo::run(&settings, &pool, &secret)?;
            print_demo_accounts();
            Ok(ExitCode::SUCCESS)
        }
        Command::Mail { command } => {
            let pool = startup::open_database(&settings)?;
            let mut conn = pool.get()?;
            match command {
                MailCommand::Failed => {
                    let failed = store::outbox::with_status(
                        &mut conn,
                        concours::domain::status::MailStatus::Failed,
                    )?;
                    if failed.is_empty() {
                        println!("no failed messages");
                    }
                    for m in failed {
                        println!(
                            "{}  {}  {}  attempts={}  {}",
                            m.id,
                            m.template,
                            m.recipient,
                            m.attempts,
                            m.last_error.unwrap_or_default()
                        );
                    }
                }
                MailCommand::Retry { id } => {
                    let now = store::to_db(chrono::Utc::now());
                    if !store::outbox::retry(&mut conn, &id, now)? {
                        anyhow::bail!("no failed message has the id {id}");
                    }
                    println!("message {id} queued again");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs until Ctrl-C or SIGTERM, then stops the background loops and drains the server.
fn serve(settings: Settings, with_http: bool) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let clock = Arc::new(SystemClock);
        let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
        let (server, worker, scheduler) = if with_http {
            let bind = settings.server.bind.clone();
            let app = startup::build(settings, clock, MemoryMailbox::default())?;
            tracing::info!(address = %bind, port = app.port, "Concours is listening");
            (Some(app.server), app.worker, app.scheduler)
        } else {
            let (_, worker, scheduler) =
                startup::build_background(settings, clock, MemoryMailbox::default())?;
            (None, worker, scheduler)
        };
        let worker = tokio::spawn(worker.run(shutdown_rx.clone()));
        let scheduler = tokio::spawn(scheduler.run(shutdown_rx));
        tokio::spawn(give_back_free_memory());
        match server {
            Some(server) => {
                let handle = server.handle();
                let running = tokio::spawn(server);
                wait_for_signal().await;
                tracing::info!("shutting down");
                handle.stop(true).await;
                let _ = running.await;
            }
            None => wait_for_signal().await,
        }
        let _ = shutdown_tx.send(true);
        let _ = worker.await;
        let _ = scheduler.await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Returns the heap's free pages to the system now (start-up parsed templates, catalogues and
/// the OpenAPI document, and freed what it no longer needs) and then every half minute, so that
/// a quiet server after a busy hour goes back to its idle size. A pass takes microseconds.
async fn give_back_free_memory() {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        every.tick().await;
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only releases free memory of the allocator; any thread may call it.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// glibc gives each thread that allocates its own malloc arena (up to 8 per core) and keeps
/// what they free: a burst of password hashes on the blocking threads then stays resident.
/// Two arenas are plenty for a server whose work is mostly waiting on the database, and large
/// blocks are returned to the system when freed.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        // Blocks of 1 MiB and more (a password hash takes 19 MiB) come straight from the
        // kernel and go back to it when freed; glibc would otherwise raise this threshold
        // after the first such block and keep every later one in the heap for good.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
