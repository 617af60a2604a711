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

diesel::joinable!(email_verifications -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    email_verifications,
    revoked_tokens,
    rate_limits,
    organizations,
    memberships,
    outbox,
);
