//! Payout details (issue 19): the payee of a payout (the author of the winning idea) says where
//! to send the money, an IBAN (checked with MOD 97) or other instructions; an admin reads them
//! when paying. They are sealed with ChaCha20-Poly1305 under a key from `payments.details_key`
//! (or generated once in the data folder), bound to their payout and payee, so that the
//! database, its backups and its exports hold them only encrypted. Nobody else reads them: not
//! the brand, not the public pages, not the audit chain (which records that details were given,
//! never what), not the logs.

use std::collections::HashMap;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Settings;
use crate::domain::banking;
use crate::domain::status::PayoutStatus;
use crate::domain::text::{Lines, check_characters};
use crate::store::{self, DbConnection, awards::Payout, write_tx};

use super::access::{self, Action, Actor};
use super::{AppError, AppResult, Ctx, ErrorCode, audit};

/// Where the generated key is kept, in `storage.data_dir`.
pub const KEY_FILE: &str = "payout_details_key";

/// The longest "other" instructions, in characters.
const MAX_OTHER: usize = 1000;

/// The key that seals payout details: `payments.details_key` (base64 of 32 bytes), or the one
/// generated on first use and kept in the data folder, readable by its owner only.
pub fn details_key(settings: &Settings) -> anyhow::Result<[u8; 32]> {
    let configured = settings.payments.details_key.expose_secret().trim();
    if !configured.is_empty() {
        return decode_base64(configured)
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| anyhow::anyhow!("payments.details_key must be base64 of 32 bytes"));
    }
    let dir = &settings.storage.data_dir;
    let path = dir.join(KEY_FILE);
    if let Some(key) = read_key(&path)? {
        return Ok(key);
    }
    crate::files::create_private_dir(dir)
        .map_err(|e| anyhow::anyhow!("storage.data_dir: cannot create {}: {e}", dir.display()))?;
    let key: [u8; 32] = {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        bytes
    };
    // Written aside, then linked into place: a reader never sees half a key, and of two
    // processes generating one at once, the first link wins and both use its key.
    let aside = dir.join(format!("{KEY_FILE}.{}", uuid::Uuid::new_v4()));
    write_private(&aside, &hex::encode(key))?;
    let linked = std::fs::hard_link(&aside, &path);
    let _ = std::fs::remove_file(&aside);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new payout details key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(&path)?.ok_or_else(|| anyhow::anyhow!("{} vanished", path.display()))
        }
        Err(e) => Err(anyhow::anyhow!("cannot write {}: {e}", path.display())),
    }
}

fn read_key(path: &Path) -> anyhow::Result<Option<[u8; 32]>> {
    match std::fs::read_to_string(path) {
        Ok(text) => hex::decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(Some)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{} is not a key; restore it from a backup (without it the stored payout details cannot be read)",
                    path.display()
                )
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    }
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

/// Standard base64 (with or without padding); `None` for anything else.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// The details as sealed (and as the payee and admins read them).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Clear {
    kind: String,
    #[serde(default)]
    iban: Option<String>,
    #[serde(default)]
    other: Option<String>,
}

/// What binds a sealed text to its row: moved to another payout or payee, it does not open.
fn aad(payout_id: &str, user_id: &str) -> Vec<u8> {
    format!("concours payout details\n{payout_id}\n{user_id}").into_bytes()
}

fn cipher(ctx: &Ctx) -> AppResult<ChaCha20Poly1305> {
    let key = details_key(&ctx.settings).map_err(AppError::internal)?;
    Ok(ChaCha20Poly1305::new(&Key::from(key)))
}

fn seal(ctx: &Ctx, payout_id: &str, user_id: &str, clear: &Clear) -> AppResult<String> {
    let nonce: [u8; 12] = {
        use rand::RngCore;
        let mut bytes = [0u8; 12];
        rand::rng().fill_bytes(&mut bytes);
        bytes
    };
    let msg = serde_json::to_vec(clear).map_err(AppError::internal)?;
    let aad = aad(payout_id, user_id);
    let sealed = cipher(ctx)?
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &msg,
                aad: &aad,
            },
        )
        .map_err(|_| AppError::internal("payout details could not be sealed"))?;
    Ok(format!("{}{}", hex::encode(nonce), hex::encode(sealed)))
}

fn open(ctx: &Ctx, row: &store::payout_details::PayoutDetails) -> AppResult<DetailsView> {
    let bytes = hex::decode(&row.sealed).map_err(AppError::internal)?;
    if bytes.len() < 12 {
        return Err(AppError::internal("sealed payout details are too short"));
    }
    let (nonce, sealed) = bytes.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().map_err(AppError::internal)?;
    let aad = aad(&row.payout_id, &row.user_id);
    let clear = cipher(ctx)?
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: sealed,
                aad: &aad,
            },
        )
        // Never the details, never the key: only that this row does not open.
        .map_err(|_| AppError::internal("payout details do not open with this key"))?;
    let clear: Clear = serde_json::from_slice(&clear).map_err(AppError::internal)?;
    Ok(DetailsView {
        kind: clear.kind,
        iban: clear.iban,
        other: clear.other,
        given_at: store::from_db(row.given_at),
    })
}

/// Where a payout is to be sent, as its payee gives it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GivenDetails {
    /// `iban` or `other`.
    pub kind: String,
    /// With `iban`: the account's IBAN (spaces allowed; checked with MOD 97).
    #[serde(default)]
    pub iban: Option<String>,
    /// With `other`: how to be paid otherwise (1 to 1000 characters).
    #[serde(default)]
    pub other: Option<String>,
}

/// Payout details in clear: for their payee and for admins only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DetailsView {
    /// `iban` or `other`.
    pub kind: String,
    /// With `iban`: in its electronic form (capitals, no spaces).
    pub iban: Option<String>,
    pub other: Option<String>,
    pub given_at: DateTime<Utc>,
}

/// One of the caller's payouts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyPayout {
    pub id: String,
    pub contest_id: String,
    pub contest_title: String,
    /// In the minor unit of `currency`.
    pub amount_cents: i64,
    pub currency: String,
    /// `prize`, `fallback` or `no_entries`.
    pub reason: String,
    /// `due` or `paid`.
    #[schema(value_type = String)]
    pub status: PayoutStatus,
    pub paid_at: Option<DateTime<Utc>>,
    /// The transfer's reference, once paid.
    pub paid_reference: Option<String>,
    /// Where it is to be sent; null until given.
    pub details: Option<DetailsView>,
}

/// The caller's payouts (of the ideas they wrote), with their details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyPayouts {
    pub payouts: Vec<MyPayout>,
}

/// The person a payout is paid to: the author of its idea (a beneficiary named in the rules
/// has no account here; the platform pays it outside Concours).
fn payee_of(conn: &mut DbConnection, payout: &Payout) -> AppResult<Option<String>> {
    let Some(idea_id) = &payout.idea_id else {
        return Ok(None);
    };
    Ok(store::ideas::find(conn, idea_id)?.map(|idea| idea.author_id))
}

fn my_payout(ctx: &Ctx, conn: &mut DbConnection, payout: Payout) -> AppResult<MyPayout> {
    let contest = store::contests::find(conn, &payout.contest_id)?
        .ok_or_else(|| AppError::not_found("payout"))?;
    let details = match store::payout_details::find(conn, &payout.id)? {
        Some(row) => Some(open(ctx, &row)?),
        None => None,
    };
    Ok(MyPayout {
        id: payout.id,
        contest_id: contest.id,
        contest_title: contest.title,
        amount_cents: payout.amount_cents,
        currency: contest.currency,
        reason: payout.reason,
        status: payout.status,
        paid_at: payout.paid_at.map(store::from_db),
        paid_reference: payout.paid_reference,
        details,
    })
}

/// The caller's payouts, due and paid, with the details they gave.
pub fn mine(ctx: &Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<MyPayouts> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    let mut payouts = Vec::new();
    for payout in store::payout_details::payouts_of_author(conn, &user.id)? {
        payouts.push(my_payout(ctx, conn, payout)?);
    }
    Ok(MyPayouts { payouts })
}

/// Checks what the payee typed; the details in their stored form.
fn checked(input: GivenDetails) -> AppResult<Clear> {
    match input.kind.as_str() {
        "iban" => {
            let typed = input.iban.unwrap_or_default();
            match banking::iban(&typed) {
                Ok(iban) => Ok(Clear {
                    kind: "iban".into(),
                    iban: Some(iban),
                    other: None,
                }),
                Err(banking::IbanError::Shape) => Err(AppError::field(
                    "iban",
                    "Give an IBAN: two letters, two digits, then up to 30 letters and digits.",
                )),
                Err(banking::IbanError::Checksum) => Err(AppError::field(
                    "iban",
                    "This IBAN's check digits do not match: check it against your bank's.",
                )),
            }
        }
        "other" => {
            let other = input.other.unwrap_or_default().trim().to_owned();
            if other.is_empty() || other.chars().count() > MAX_OTHER {
                return Err(AppError::field(
                    "other",
                    "Say how you want to be paid (1 to 1000 characters).",
                ));
            }
            check_characters(&other, Lines::Multi).map_err(|m| AppError::field("other", m))?;
            Ok(Clear {
                kind: "other".into(),
                iban: None,
                other: Some(other),
            })
        }
        _ => Err(AppError::field("kind", "Choose iban or other.")),
    }
}

/// The payee gives (or replaces) where a payout is to be sent, until it is paid.
pub fn give(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    payout_id: &str,
    input: GivenDetails,
) -> AppResult<MyPayout> {
    let clear = checked(input);
    write_tx(conn, |conn| {
        let payout = store::awards::find_payout(conn, payout_id)?;
        let payee = match &payout {
            Some(payout) => payee_of(conn, payout)?,
            None => None,
        };
        access::require(
            conn,
            actor,
            Action::PayoutDetails {
                payee_id: payee.as_deref(),
            },
        )?;
        let (Some(payout), Some(payee)) = (payout, payee) else {
            return Err(AppError::not_found("payout"));
        };
        let clear = clear?;
        if payout.status == PayoutStatus::Paid {
            return Err(AppError::conflict(
                ErrorCode::AlreadyPaid,
                "This payout is already paid: its details can no longer change.",
            ));
        }
        let now = ctx.now();
        let sealed = seal(ctx, &payout.id, &payee, &clear)?;
        store::payout_details::replace(
            conn,
            &store::payout_details::PayoutDetails {
                payout_id: payout.id.clone(),
                user_id: payee,
                kind: clear.kind,
                sealed,
                given_at: store::to_db(now),
            },
        )?;
        // That they were given, never what.
        audit::record(
            conn,
            &payout.contest_id,
            now,
            "payout_details_given",
            json!({"payout_id": payout.id}),
        )?;
        my_payout(ctx, conn, payout)
    })
}

/// A payout as an admin sees it before recording it paid.
#[derive(Debug, Clone, Serialize)]
pub struct PayoutSummary {
    pub id: String,
    pub contest_id: String,
    pub contest_title: String,
    pub brand: String,
    pub recipient: String,
    pub amount_cents: i64,
    pub currency: String,
    pub reason: String,
    pub status: PayoutStatus,
    pub details: Option<DetailsView>,
}

/// An admin reads a payout with its details in clear, to pay it.
pub fn summary(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    payout_id: &str,
) -> AppResult<PayoutSummary> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let payout = store::awards::find_payout(conn, payout_id)?
        .ok_or_else(|| AppError::not_found("payout"))?;
    let contest = store::contests::find(conn, &payout.contest_id)?
        .ok_or_else(|| AppError::not_found("payout"))?;
    let brand = store::organizations::find(conn, &contest.organization_id)?
        .map(|o| o.name)
        .unwrap_or_default();
    let details = match store::payout_details::find(conn, &payout.id)? {
        Some(row) => Some(open(ctx, &row)?),
        None => None,
    };
    Ok(PayoutSummary {
        id: payout.id,
        contest_id: contest.id,
        contest_title: contest.title,
        brand,
        recipient: payout.recipient,
        amount_cents: payout.amount_cents,
        currency: contest.currency,
        reason: payout.reason,
        status: payout.status,
        details,
    })
}

/// When each payout's details were given (by payout id), for admins: whether they can pay it.
pub fn given(conn: &mut DbConnection, actor: &Actor) -> AppResult<HashMap<String, DateTime<Utc>>> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    Ok(store::payout_details::given(conn)?
        .into_iter()
        .map(|(id, at)| (id, store::from_db(at)))
        .collect())
}

/// A contest's payouts as its brand follows them: status and paid date, never the details.
#[derive(Debug, Clone, Serialize)]
pub struct BrandPayout {
    pub recipient: String,
    pub amount_cents: i64,
    pub reason: String,
    pub status: PayoutStatus,
    pub paid_at: Option<DateTime<Utc>>,
}

/// The payouts of a contest, for its members and admins.
pub fn of_contest(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<BrandPayout>> {
    let contest = super::contests::load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ViewFundings { contest: &contest })?;
    Ok(store::awards::payouts_of(conn, contest_id)?
        .into_iter()
        .map(|p| BrandPayout {
            recipient: p.recipient,
            amount_cents: p.amount_cents,
            reason: p.reason,
            status: p.status,
            paid_at: p.paid_at.map(store::from_db),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64_keys_decode() {
        assert_eq!(decode_base64("TWFu").unwrap(), b"Man");
        assert_eq!(decode_base64("TWE=").unwrap(), b"Ma");
        assert_eq!(decode_base64("TQ==").unwrap(), b"M");
        assert_eq!(
            decode_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap(),
            (0u8..32).collect::<Vec<_>>()
        );
        assert_eq!(decode_base64("not base64!"), None);
    }
}
