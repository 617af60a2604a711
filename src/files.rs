//! Files on disk are private to the account that runs Concours (issue 17.4): the SQLite
//! database and its WAL hold every account, the JWT secret signs every session, the file mail
//! transport's `.eml` files hold verification, reset and jury-invitation links, and a backup
//! holds all of it. Every command starts with umask 077, so whatever it creates (SQLite's
//! files, lettre's `.eml`, backups) is 0600 and every folder 0700; folders Concours creates
//! itself are made 0700 whatever the umask; and at start-up the files and folders of earlier
//! versions (or of a copy made with a loose umask) are tightened, with a warning.

use std::path::Path;

use crate::config::{MailTransportKind, Settings};
use crate::store::DatabaseUrl;

/// Sets the process umask to 077: called first thing by every command.
pub fn set_private_umask() {
    #[cfg(unix)]
    // SAFETY: umask only changes the calling process's file-mode creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` and its missing parents, each new one 0700 (whatever the umask).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Removes the group and other permission bits of what Concours keeps: the data folder, the
/// JWT secret, the SQLite database with its WAL, shared-memory and journal files (and their
/// folder when it is the data folder), and the mail folder with its `.eml` files when mail goes
/// to files. Symbolic links are left alone (never followed), as is anything missing. Returns
/// the paths that were tightened.
pub fn tighten_existing(settings: &Settings) -> Vec<String> {
    let mut tightened = Vec::new();
    let data_dir = &settings.storage.data_dir;
    tighten(data_dir, 0o700, &mut tightened);
    tighten(&data_dir.join("jwt_secret"), 0o600, &mut tightened);
    if let Ok(DatabaseUrl::Sqlite(db)) =
        DatabaseUrl::parse(secrecy::ExposeSecret::expose_secret(&settings.database.url))
    {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            tighten(Path::new(&format!("{db}{suffix}")), 0o600, &mut tightened);
        }
    }
    if settings.mail.transport == MailTransportKind::File {
        let mail_dir = &settings.mail.file_dir;
        tighten(mail_dir, 0o700, &mut tightened);
        if let Ok(entries) = std::fs::read_dir(mail_dir) {
            for entry in entries.flatten() {
                tighten(&entry.path(), 0o600, &mut tightened);
            }
        }
    }
    tightened
}

#[cfg(unix)]
fn tighten(path: &Path, private: u32, tightened: &mut Vec<String>) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return;
    }
    if std::fs::set_permissions(path, std::fs::Permissions::from_mode(private)).is_ok() {
        tightened.push(path.display().to_string());
    }
}

#[cfg(not(unix))]
fn tighten(_: &Path, _: u32, _: &mut Vec<String>) {}
