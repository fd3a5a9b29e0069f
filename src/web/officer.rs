//! Officer handlers: sign-in and sign-out, first-admin setup, the survey
//! list, officer accounts and API tokens.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::auth::{AdminPage, OfficerPage, Throttle, sign_in};
use super::form::{Form, read_form};
use super::{AppState, html, redirect, with_db};
use crate::db::officers::{self, AddOfficerError};
use crate::db::{self, drafts, responses, secrets};
use crate::domain::officer::{Email, NewPassword, Role, decoy_hash, verify_password};
use crate::domain::{Control, DraftToken};
use crate::error::AppError;
use crate::views::layout::SummaryItem;
use crate::views::officer as view;

/// Where the first-admin setup token's hash is kept.
pub const SETUP_SECRET: &str = "admin_setup_token";
const SIGN_IN_SCOPE: &str = "sign-in";
const SETUP_SCOPE: &str = "setup";

fn item(field: &str, message: impl Into<String>) -> SummaryItem {
    SummaryItem {
        message: message.into(),
        href: format!("#{field}"),
    }
}

/// Only same-site paths are followed after sign-in: a single leading slash,
/// and nothing but visible ASCII (browsers drop tabs and newlines from URLs,
/// which would turn `/\t/evil.example` into `//evil.example`).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            n.to_owned()
        }
        _ => "/officers".to_owned(),
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// GET `/officers/sign-in`.
pub async fn show_sign_in(
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let notice = query.signed_out.as_ref().map(|_| "You have signed out.");
    html(
        StatusCode::OK,
        view::sign_in_page(
            "",
            &safe_next(query.next.as_deref()),
            &[],
            notice,
            &state.csrf.token(SIGN_IN_SCOPE),
        ),
    )
}

/// POST `/officers/sign-in`: checks the password, slowly after failures,
/// not at all while the address is locked out.
pub async fn submit_sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let csrf = state.csrf.token(SIGN_IN_SCOPE);
    if let Err(wait) = state.limits.sign_ins.check(&req) {
        return Ok(super::limits::too_many(wait));
    }
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let errors = [item("email", e.message())];
            return Ok(html(
                e.status(),
                view::sign_in_page("", "/officers", &errors, None, &csrf),
            ));
        }
    };
    let email_text = form.get("email").unwrap_or_default().to_owned();
    let next = safe_next(form.get("next"));
    let again = |status: StatusCode, errors: &[SummaryItem]| {
        html(
            status,
            view::sign_in_page(&email_text, &next, errors, None, &csrf),
        )
    };
    if !state
        .csrf
        .verify(SIGN_IN_SCOPE, form.get(crate::csrf::FIELD))
    {
        return Ok(again(
            StatusCode::FORBIDDEN,
            &[item("email", "This page had expired. Sign in again")],
        ));
    }
    let email = match Email::parse(&email_text) {
        Ok(email) => email,
        Err(message) => {
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[item("email", message)],
            ));
        }
    };
    let password = form.get("password").unwrap_or_default().to_owned();
    if password.is_empty() {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[item("password", "Enter your password")],
        ));
    }
    match state.throttle.begin(email.as_str()) {
        Throttle::Locked(remaining) => {
            let minutes = remaining.as_secs().div_ceil(60).max(1);
            let message = format!(
                "Too many failed sign-ins for this account. Try again in {minutes} minute{}, or ask an administrator",
                if minutes == 1 { "" } else { "s" }
            );
            return Ok(again(
                StatusCode::TOO_MANY_REQUESTS,
                &[item("email", message)],
            ));
        }
        Throttle::Allow(delay) => tokio::time::sleep(delay).await,
    }
    let lookup = email.clone();
    let officer = with_db(&state, move |c| officers::find_by_email(c, &lookup)).await?;
    let hash = officer
        .as_ref()
        .filter(|o| !o.disabled)
        .map_or_else(|| decoy_hash().to_owned(), |o| o.password_hash.clone());
    let matches = web::block(move || verify_password(&hash, &password)).await?;
    match officer.filter(|o| matches && !o.disabled) {
        Some(officer) => {
            state.throttle.record_success(email.as_str());
            sign_in(&session, officer.id)?;
            tracing::info!(officer = officer.id.0, "officer signed in");
            Ok(redirect(&next))
        }
        None => {
            // The attempt was counted as a failure when it began.
            Ok(again(
                StatusCode::UNAUTHORIZED,
                &[item("email", "Email address or password is not right")],
            ))
        }
    }
}

/// POST `/officers/sign-out`: ends the session everywhere.
pub async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    OfficerPage(who): OfficerPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let form = read_form(&req, payload, state.max_form_bytes)
        .await
        .unwrap_or_default();
    if !who.sent(&state.csrf, &form) {
        return Ok(html(
            StatusCode::FORBIDDEN,
            crate::views::errors::error_page(
                "This page had expired",
                &["Go back, reload the page and select Sign out again."],
                Some(("/officers", "Go to your surveys")),
            ),
        ));
    }
    session.purge();
    Ok(redirect("/officers/sign-in?signed_out=1"))
}

/// GET `/officers`: every survey with its counts.
pub async fn dashboard(
    state: web::Data<AppState>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let now = chrono::Utc::now();
    let surveys: Vec<_> = state
        .catalogue
        .all()
        .map(|s| {
            (
                s.survey,
                s.definition.slug().to_string(),
                s.definition.title().to_owned(),
                state.catalogue.availability(s, now),
                state.catalogue.control(s.survey),
            )
        })
        .collect();
    let summaries = with_db(&state, move |c| {
        surveys
            .into_iter()
            .map(|(id, slug, title, availability, control)| {
                Ok(view::SurveySummary {
                    slug,
                    title,
                    started: drafts::count_started(c, id)?,
                    completed: responses::count_completed(c, id)?,
                    availability,
                    control,
                })
            })
            .collect::<Result<Vec<_>, db::DbError>>()
    })
    .await?;
    Ok(html(StatusCode::OK, view::dashboard_page(&who, &summaries)))
}

/// POST `/admin/surveys/{slug}/state`: an administrator opens or closes a
/// survey now (`state=open|closed`), or hands it back to its definition's
/// dates (`state=dates`). Every instance follows within a second.
pub async fn set_survey_state(
    state: web::Data<AppState>,
    req: HttpRequest,
    AdminPage(who): AdminPage,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = state
        .catalogue
        .current(&slug)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => return Ok(state_refused(e.status(), &e.message())),
    };
    if !who.sent(&state.csrf, &form) {
        return Ok(state_refused(
            StatusCode::FORBIDDEN,
            "This page had expired, so the survey was not changed. Go back to the survey list and try again.",
        ));
    }
    let control = match Control::parse(form.get("state").unwrap_or_default()) {
        Ok(control) => control,
        Err(message) => return Ok(state_refused(StatusCode::BAD_REQUEST, &message)),
    };
    let (officer, survey_id) = (who.officer.id, survey.survey);
    let shared = state.clone();
    with_db(&state, move |c| {
        db::surveys::set_control(c, survey_id, control, officer, db::now())?;
        shared.catalogue.refresh_controls(c)
    })
    .await?;
    tracing::info!(
        survey = %survey.definition.slug(),
        state = control.map_or("dates", Control::as_str),
        by = %who.officer.email,
        "survey state changed"
    );
    Ok(redirect("/officers"))
}

/// Why a change of survey state was not made, with the way back.
fn state_refused(status: StatusCode, message: &str) -> HttpResponse {
    html(
        status,
        crate::views::errors::error_page(
            "The survey was not changed",
            &[message],
            Some(("/officers", "Back to the survey list")),
        ),
    )
}

fn setup_action(token: &str) -> String {
    format!("/officers/setup/{token}")
}

/// Whether `token` is the current setup token and no admin exists yet.
async fn setup_allowed(state: &web::Data<AppState>, token: &str) -> Result<bool, AppError> {
    let Some(token) = DraftToken::parse(token) else {
        return Ok(false);
    };
    let hash = token.hash();
    with_db(state, move |c| {
        Ok(officers::count_admins(c)? == 0
            && secrets::get(c, SETUP_SECRET)?.as_deref() == Some(hash.as_str()))
    })
    .await
}

fn setup_gone() -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        crate::views::errors::error_page(
            "This setup link does not work",
            &[
                "It has been used already, or the service was restarted and printed a new one.",
                "An administrator can add officers; the command civic-survey officer add also does.",
            ],
            Some(("/officers/sign-in", "Sign in")),
        ),
    )
}

/// GET `/officers/setup/{token}`: the first-admin form.
pub async fn show_setup(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if !setup_allowed(&state, &token).await? {
        return Ok(setup_gone());
    }
    Ok(html(
        StatusCode::OK,
        view::setup_page(
            &setup_action(&token),
            "",
            &[],
            &state.csrf.token(SETUP_SCOPE),
        ),
    ))
}

/// POST `/officers/setup/{token}`: creates the first admin and signs them in.
pub async fn create_first_admin(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    token: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if !setup_allowed(&state, &token).await? {
        return Ok(setup_gone());
    }
    let csrf = state.csrf.token(SETUP_SCOPE);
    let form: Form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            return Ok(html(
                e.status(),
                view::setup_page(
                    &setup_action(&token),
                    "",
                    &[item("email", e.message())],
                    &csrf,
                ),
            ));
        }
    };
    let email_text = form.get("email").unwrap_or_default();
    let mut errors = Vec::new();
    if !state.csrf.verify(SETUP_SCOPE, form.get(crate::csrf::FIELD)) {
        errors.push(item("email", "This page had expired. Fill it in again"));
    }
    let email = Email::parse(email_text)
        .map_err(|m| errors.push(item("email", m)))
        .ok();
    let password = NewPassword::parse(form.get("password").unwrap_or_default())
        .map_err(|m| errors.push(item("password", m)))
        .ok();
    if form.get("password") != form.get("confirm") {
        errors.push(item("confirm", "The two passwords do not match"));
    }
    let (Some(email), Some(password), true) = (email, password, errors.is_empty()) else {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::setup_page(&setup_action(&token), email_text, &errors, &csrf),
        ));
    };
    let hash = web::block(move || password.hash())
        .await?
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    let token_hash = DraftToken::parse(&token)
        .map(|t| t.hash())
        .unwrap_or_default();
    let created = with_db(&state, move |c| {
        // Claim the token and create the admin in one transaction, so a
        // double-click creates one admin and the second click finds it used.
        db::write_transaction(c, |c| {
            if !secrets::delete_if(c, SETUP_SECRET, &token_hash)? {
                return Ok(None);
            }
            match officers::insert_officer(c, &email, &hash, Role::Admin) {
                Ok(id) => Ok(Some(id)),
                Err(AddOfficerError::Db(e)) => Err(e),
                Err(AddOfficerError::EmailTaken) => Ok(None),
            }
        })
    })
    .await?;
    let Some(id) = created else {
        return Ok(setup_gone());
    };
    sign_in(&session, id)?;
    tracing::info!(officer = id.0, "first administrator created");
    Ok(redirect("/officers"))
}

async fn render_officers(
    state: &web::Data<AppState>,
    who: &super::auth::SignedIn,
    status: StatusCode,
    email: &str,
    errors: &[SummaryItem],
    new_token: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let all = with_db(state, officers::list_officers).await?;
    Ok(html(
        status,
        view::officers_page(who, &all, email, errors, new_token),
    ))
}

/// GET `/admin/officers`.
pub async fn list_officers(
    state: web::Data<AppState>,
    AdminPage(who): AdminPage,
) -> Result<HttpResponse, AppError> {
    render_officers(&state, &who, StatusCode::OK, "", &[], None).await
}

/// POST `/admin/officers`: adds an officer.
pub async fn add_officer(
    state: web::Data<AppState>,
    req: HttpRequest,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            return render_officers(
                &state,
                &who,
                e.status(),
                "",
                &[item("email", e.message())],
                None,
            )
            .await;
        }
    };
    let email_text = form.get("email").unwrap_or_default().to_owned();
    if !who.sent(&state.csrf, &form) {
        let errors = [item("email", "This page had expired. Fill it in again")];
        return render_officers(
            &state,
            &who,
            StatusCode::FORBIDDEN,
            &email_text,
            &errors,
            None,
        )
        .await;
    }
    let mut errors = Vec::new();
    let email = Email::parse(&email_text)
        .map_err(|m| errors.push(item("email", m)))
        .ok();
    let password = NewPassword::parse(form.get("password").unwrap_or_default())
        .map_err(|m| errors.push(item("password", m)))
        .ok();
    let role = Role::parse(form.get("role").unwrap_or("analyst"))
        .map_err(|m| errors.push(item("role", m)))
        .ok();
    let (Some(email), Some(password), Some(role)) = (email, password, role) else {
        return render_officers(
            &state,
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email_text,
            &errors,
            None,
        )
        .await;
    };
    let hash = web::block(move || password.hash())
        .await?
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    let added = {
        let pool = state.pool.clone();
        web::block(move || {
            let mut conn = db::get(&pool).map_err(AddOfficerError::Db)?;
            officers::insert_officer(&mut conn, &email, &hash, role)
        })
        .await?
    };
    match added {
        Ok(_) => Ok(redirect("/admin/officers")),
        Err(AddOfficerError::EmailTaken) => {
            let errors = [item(
                "email",
                "An officer with that email address already exists",
            )];
            render_officers(
                &state,
                &who,
                StatusCode::CONFLICT,
                &email_text,
                &errors,
                None,
            )
            .await
        }
        Err(AddOfficerError::Db(e)) => Err(e.into()),
    }
}

/// POST `/admin/api-tokens`: issues an API token for the signed-in admin,
/// shown once; only its hash is stored.
pub async fn create_api_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let form = read_form(&req, payload, state.max_form_bytes)
        .await
        .unwrap_or_default();
    if !who.sent(&state.csrf, &form) {
        let errors = [item("label", "This page had expired. Try again")];
        return render_officers(&state, &who, StatusCode::FORBIDDEN, "", &errors, None).await;
    }
    let label = form.get("label").unwrap_or_default().trim().to_owned();
    if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
        let errors = [item(
            "label",
            "Say what the token is for, in 100 characters or fewer",
        )];
        return render_officers(
            &state,
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
            &errors,
            None,
        )
        .await;
    }
    let token = DraftToken::generate();
    let hash = super::auth::hash_token(token.expose());
    let officer = who.officer.id;
    with_db(&state, move |c| {
        officers::insert_api_token(c, officer, &hash, &label)
    })
    .await?;
    render_officers(&state, &who, StatusCode::OK, "", &[], Some(token.expose())).await
}
