//! The one schema both backends share; the migrations under `migrations/` create it.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        email_verified_at -> Nullable<Timestamp>,
        is_admin -> Integer,
        locale -> Text,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        session_epoch -> Integer,
    }
}

diesel::table! {
    sign_in_addresses (user_id, address_digest) {
        user_id -> Text,
        address_digest -> Text,
        last_signed_in_at -> Timestamp,
    }
}

diesel::table! {
    email_verifications (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (bucket) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        slug -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    memberships (organization_id, user_id) {
        organization_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        template -> Text,
        recipient -> Text,
        locale -> Text,
        context -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contests (id) {
        id -> Text,
        organization_id -> Text,
        title -> Text,
        brief -> Text,
        rules -> Text,
        currency -> Text,
        prize_pool_cents -> BigInt,
        opens_at -> Timestamp,
        submission_deadline -> Timestamp,
        judging_deadline -> Timestamp,
        rules_document -> Nullable<Text>,
        rules_hash -> Nullable<Text>,
        opened_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reviews_per_entry -> Nullable<Integer>,
        awarded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    fundings (id) {
        id -> Text,
        contest_id -> Text,
        amount_cents -> BigInt,
        reference -> Text,
        status -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        currency -> Text,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> Text,
        contest_id -> Text,
        kind -> Text,
        amount_cents -> BigInt,
        funding_id -> Nullable<Text>,
        created_at -> Timestamp,
        payout_id -> Nullable<Text>,
    }
}

diesel::table! {
    announcements (id) {
        id -> Text,
        contest_id -> Text,
        body -> Text,
        author_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (contest_id, seq) {
        contest_id -> Text,
        seq -> BigInt,
        at -> Timestamp,
        kind -> Text,
        data -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    contest_transitions (contest_id, phase) {
        contest_id -> Text,
        phase -> Text,
        done_at -> Timestamp,
    }
}

diesel::joinable!(contests -> organizations (organization_id));
diesel::joinable!(fundings -> contests (contest_id));
diesel::joinable!(ledger_entries -> contests (contest_id));
diesel::joinable!(ledger_entries -> fundings (funding_id));
diesel::joinable!(announcements -> contests (contest_id));
diesel::joinable!(audit_events -> contests (contest_id));
diesel::joinable!(email_verifications -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sign_in_addresses,
    email_verifications,
    revoked_tokens,
    rate_limits,
    organizations,
    memberships,
    outbox,
    contests,
    fundings,
    ledger_entries,
    announcements,
    audit_events,
    contest_transitions,
    ideas,
    idea_revisions,
    attachments,
    attachment_data,
    idempotency_keys,
    jurors,
    conflicts,
    assignments,
    score_sheets,
    scores,
    awards,
    payouts,
    notification_preferences,
    follows,
    password_resets,
    mail_fanouts,
    contest_invitations,
    participation_sources,
    profiles,
    idea_marks,
);

diesel::table! {
    notification_preferences (user_id) {
        user_id -> Text,
        announcements -> Integer,
        reminders -> Integer,
        brand_news -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    follows (user_id, organization_id) {
        user_id -> Text,
        organization_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_fanouts (id) {
        id -> Text,
        template -> Text,
        audience -> Text,
        contest_id -> Text,
        context -> Text,
        after_user -> Text,
        done_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(follows -> users (user_id));

diesel::table! {
    ideas (id) {
        id -> Text,
        contest_id -> Text,
        author_id -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        status -> Text,
        revision -> Integer,
        first_submitted_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        disqualified_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        track -> Nullable<Text>,
    }
}

diesel::table! {
    idea_revisions (idea_id, revision) {
        idea_id -> Text,
        revision -> Integer,
        title -> Text,
        summary -> Text,
        body -> Text,
        content_sha256 -> Text,
        received_at -> Timestamp,
        rules_hash -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        idea_id -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        created_at -> Timestamp,
        received_sha256 -> Nullable<Text>,
    }
}

diesel::table! {
    attachment_data (attachment_id) {
        attachment_id -> Text,
        data -> Binary,
    }
}

diesel::joinable!(ideas -> contests (contest_id));
diesel::joinable!(ideas -> users (author_id));
diesel::joinable!(idea_revisions -> ideas (idea_id));
diesel::joinable!(attachments -> ideas (idea_id));
diesel::joinable!(attachment_data -> attachments (attachment_id));

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        response -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jurors (id) {
        id -> Text,
        contest_id -> Text,
        email -> Text,
        user_id -> Nullable<Text>,
        token_hash -> Text,
        status -> Text,
        invited_by -> Text,
        invited_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        track -> Nullable<Text>,
    }
}

diesel::table! {
    conflicts (juror_id, idea_id) {
        juror_id -> Text,
        idea_id -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    assignments (juror_id, idea_id) {
        juror_id -> Text,
        idea_id -> Text,
    }
}

diesel::table! {
    score_sheets (juror_id, idea_id, round) {
        juror_id -> Text,
        idea_id -> Text,
        round -> Text,
        comment -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    scores (juror_id, idea_id, round, criterion) {
        juror_id -> Text,
        idea_id -> Text,
        round -> Text,
        criterion -> Text,
        value -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(jurors -> contests (contest_id));

diesel::table! {
    awards (contest_id) {
        contest_id -> Text,
        awarded_at -> Timestamp,
        trigger_kind -> Text,
        scoresheet -> Text,
        scoresheet_hash -> Text,
        ranking -> Text,
        prize_pool_cents -> BigInt,
    }
}

diesel::table! {
    payouts (id) {
        id -> Text,
        contest_id -> Text,
        position -> Integer,
        idea_id -> Nullable<Text>,
        recipient -> Text,
        amount_cents -> BigInt,
        reason -> Text,
        status -> Text,
        paid_reference -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
        paid_by -> Nullable<Text>,
        track -> Nullable<Text>,
    }
}

diesel::joinable!(awards -> contests (contest_id));

diesel::table! {
    contest_invitations (contest_id, user_id) {
        contest_id -> Text,
        user_id -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    participation_sources (contest_id, user_id) {
        contest_id -> Text,
        user_id -> Text,
        source -> Text,
        campaign -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    profiles (user_id) {
        user_id -> Text,
        public -> Integer,
        bio -> Text,
        links -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idea_marks (idea_id, user_id) {
        idea_id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Pending and accepted invitations to join an organisation (finding 16.7).
    organization_invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::joinable!(organization_invitations -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(organization_invitations, organizations);

diesel::table! {
    /// Payout details a payee gave, sealed (issue 19): the kind in clear, the rest encrypted.
    payout_details (payout_id) {
        payout_id -> Text,
        user_id -> Text,
        kind -> Text,
        sealed -> Text,
        given_at -> Timestamp,
    }
}

diesel::table! {
    /// A round's close (issue 20), once: its entrants and who advanced, as JSON lists of ids.
    round_closings (contest_id, round) {
        contest_id -> Text,
        round -> Text,
        closed_at -> Timestamp,
        entrants -> Text,
        advanced -> Text,
    }
}
