//! Payouts: what an organisation still owes, and marking a payout paid.

use super::*;

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidRequest {
    /// The transfer's reference.
    pub reference: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaidView {
    pub id: String,
    #[schema(value_type = String)]
    pub status: crate::domain::status::PayoutStatus,
}

/// A payout still to transfer, with its contest, for admins.
#[derive(Debug, Clone, Serialize)]
pub struct DuePayout {
    pub contest_id: String,
    pub contest_title: String,
    pub currency: String,
    pub payout: PayoutView,
}

/// Every payout still to transfer, for admins.
pub fn payouts_due(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<DuePayout>> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let mut rows = Vec::new();
    for p in store::awards::due(conn)? {
        let Some(contest) = store::contests::find(conn, &p.contest_id)? else {
            continue;
        };
        rows.push(DuePayout {
            contest_id: contest.id,
            contest_title: contest.title,
            currency: contest.currency,
            payout: PayoutView {
                id: p.id,
                amount_cents: p.amount_cents,
                reason: p.reason,
                status: p.status,
                entry_id: p.idea_id,
                recipient: p.recipient,
                track: p.track,
            },
        });
    }
    Ok(rows)
}

/// An admin records that a payout was transferred.
pub fn mark_paid(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    payout_id: &str,
    input: PaidRequest,
) -> AppResult<PaidView> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let admin = actor.user().expect("admins are signed in");
    let reference = input.reference.trim().to_owned();
    if reference.is_empty() || reference.chars().count() > 200 {
        return Err(AppError::field(
            "reference",
            "Give the transfer's reference (1 to 200 characters).",
        ));
    }
    crate::domain::text::check_characters(&reference, crate::domain::text::Lines::Single)
        .map_err(|m| AppError::field("reference", m))?;
    write_tx(conn, |conn| {
        let payout = store::awards::find_payout(conn, payout_id)?
            .ok_or_else(|| AppError::not_found("payout"))?;
        let contest = store::contests::find_for_update(conn, &payout.contest_id)?
            .ok_or_else(|| AppError::not_found("payout"))?;
        let now = ctx.now();
        if !store::awards::mark_paid(conn, payout_id, &reference, &admin.id, store::to_db(now))? {
            return Err(AppError::conflict(
                ErrorCode::AlreadyPaid,
                "This payout is already recorded as paid.",
            ));
        }
        audit::record(
            conn,
            &contest.id,
            now,
            "payout_paid",
            json!({"payout_id": payout.id, "amount_cents": payout.amount_cents}),
        )?;
        if let Some(idea_id) = &payout.idea_id
            && let Some(idea) = store::ideas::find(conn, idea_id)?
            && let Some(author) = store::users::find(conn, &idea.author_id)?
        {
            let mut context = notify::contest_context(ctx, &contest);
            context["display_name"] = json!(author.display_name);
            money::into_mail_context(
                &mut context,
                "amount",
                payout.amount_cents,
                &contest.currency,
            );
            context["reference"] = json!(reference);
            mail::enqueue(
                ctx,
                conn,
                now,
                &Outgoing {
                    template: "payout_paid",
                    to: &author.email,
                    locale: &author.locale,
                    context,
                },
            )?;
        }
        Ok(PaidView {
            id: payout.id,
            status: crate::domain::status::PayoutStatus::Paid,
        })
    })
}
