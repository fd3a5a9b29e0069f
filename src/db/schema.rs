//! The tables, written by hand so one schema serves both backends (integer
//! ids are `BigInt`: `INTEGER` on SQLite, `BIGINT`/`BIGSERIAL` on PostgreSQL).

diesel::table! {
    surveys (id) {
        id -> BigInt,
        slug -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    survey_versions (id) {
        id -> BigInt,
        survey_id -> BigInt,
        version -> Integer,
        definition -> Text,
        content_hash -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    drafts (id) {
        id -> BigInt,
        token_hash -> Text,
        survey_id -> BigInt,
        survey_version_id -> BigInt,
        answers -> Text,
        revision -> Integer,
        started_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        channel -> Nullable<Text>,
    }
}

diesel::table! {
    responses (id) {
        id -> BigInt,
        survey_id -> BigInt,
        survey_version_id -> BigInt,
        draft_id -> BigInt,
        submitted_at -> Timestamp,
        submitted_on -> Date,
    }
}

diesel::table! {
    answers (response_id, question_id, option_id) {
        response_id -> BigInt,
        survey_id -> BigInt,
        question_id -> Text,
        option_id -> Text,
        detail -> Nullable<Text>,
        first_choice -> Integer,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::joinable!(survey_versions -> surveys (survey_id));
diesel::joinable!(drafts -> survey_versions (survey_version_id));
diesel::joinable!(responses -> survey_versions (survey_version_id));
diesel::joinable!(answers -> responses (response_id));

diesel::allow_tables_to_appear_in_same_query!(
    surveys,
    survey_versions,
    drafts,
    responses,
    answers,
    app_secrets,
);

diesel::table! {
    officers (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    officer_sessions (key_hash) {
        key_hash -> Text,
        state -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        officer_id -> BigInt,
        token_hash -> Text,
        label -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(api_tokens -> officers (officer_id));
diesel::allow_tables_to_appear_in_same_query!(officers, api_tokens, officer_sessions);

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        officer_id -> Nullable<BigInt>,
        action -> Text,
        survey_slug -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::joinable!(audit_log -> officers (officer_id));
diesel::allow_tables_to_appear_in_same_query!(audit_log, officers);

diesel::table! {
    survey_controls (survey_id) {
        survey_id -> BigInt,
        state -> Text,
        officer_id -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::joinable!(survey_controls -> officers (officer_id));
diesel::allow_tables_to_appear_in_same_query!(survey_controls, officers);

diesel::table! {
    survey_sources (slug) {
        slug -> Text,
        content_hash -> Text,
        loaded_at -> Timestamp,
    }
}

diesel::table! {
    survey_drafts (slug) {
        slug -> Text,
        definition -> Text,
        revision -> Integer,
        copied_from -> Nullable<Text>,
        updated_by -> BigInt,
        updated_at -> Timestamp,
        revises -> Nullable<Integer>,
    }
}

diesel::joinable!(survey_drafts -> officers (updated_by));
diesel::allow_tables_to_appear_in_same_query!(survey_drafts, officers);

diesel::table! {
    weighting_schemes (survey_id) {
        survey_id -> BigInt,
        targets -> Text,
        cap -> Double,
        officer_id -> BigInt,
        computed_at -> Timestamp,
        responses -> BigInt,
        last_response_id -> BigInt,
        iterations -> Integer,
        converged -> Bool,
        max_gap -> Double,
        trimmed -> BigInt,
        min_weight -> Double,
        max_weight -> Double,
    }
}

diesel::table! {
    response_weights (response_id) {
        response_id -> BigInt,
        survey_id -> BigInt,
        weight -> Double,
        submitted_on -> Date,
    }
}

diesel::joinable!(answers -> response_weights (response_id));
diesel::allow_tables_to_appear_in_same_query!(response_weights, answers);
diesel::allow_tables_to_appear_in_same_query!(response_weights, responses);
diesel::table! {
    public_pages (survey_id) {
        survey_id -> BigInt,
        questions -> Text,
        breakdown -> Nullable<Text>,
        you_said -> Text,
        published -> Bool,
        snapshot -> Nullable<Text>,
        snapshot_responses -> BigInt,
        snapshot_at -> Nullable<Timestamp>,
        updated_by -> BigInt,
        updated_at -> Timestamp,
        after_closing -> Bool,
    }
}

diesel::joinable!(public_pages -> officers (updated_by));
diesel::allow_tables_to_appear_in_same_query!(public_pages, officers);
diesel::joinable!(weighting_schemes -> officers (officer_id));
diesel::allow_tables_to_appear_in_same_query!(weighting_schemes, officers);

diesel::table! {
    survey_retention (survey_id) {
        survey_id -> BigInt,
        free_text_months -> Nullable<Integer>,
        responses_months -> Nullable<Integer>,
        updated_by -> BigInt,
        updated_at -> Timestamp,
        free_text_deleted_at -> Nullable<Timestamp>,
        responses_deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    retention_runs (id) {
        id -> BigInt,
        at -> Timestamp,
        started_by -> Text,
        free_text_deleted -> BigInt,
        responses_deleted -> BigInt,
    }
}

diesel::joinable!(survey_retention -> officers (updated_by));
diesel::allow_tables_to_appear_in_same_query!(survey_retention, officers);

diesel::table! {
    text_themes (id) {
        id -> BigInt,
        survey_id -> BigInt,
        question_id -> Text,
        name -> Text,
        name_key -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    theme_assignments (theme_id, response_id) {
        theme_id -> BigInt,
        response_id -> BigInt,
        assigned_by -> BigInt,
        assigned_at -> Timestamp,
    }
}

diesel::joinable!(theme_assignments -> text_themes (theme_id));
diesel::allow_tables_to_appear_in_same_query!(theme_assignments, text_themes);
diesel::allow_tables_to_appear_in_same_query!(theme_assignments, answers);
diesel::allow_tables_to_appear_in_same_query!(text_themes, answers);
