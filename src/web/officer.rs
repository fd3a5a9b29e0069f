//! Officer handlers: sign-in and sign-out, first-admin setup, the survey
//! list, officer accounts and API tokens.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::auth::{AdminPage, OfficerPage, SignedIn, Throttle, sign_in};
use super::form::{Form, read_form};
use super::{AppState, html, redirect, with_db};
use crate::db::officers::{self, NewOfficer};
use crate::db::{self, audit, results};
use crate::domain::audit::AuditAction;
use crate::domain::officer::{Email, NewPassword, Role, decoy_hash, verify_password};
use crate::domain::{ApiToken, Control, SetupToken};
use crate::error::AppError;
use crate::views::SummaryItem;
use crate::views::officer as view;
use crate::{fields, paths};

const SIGN_IN_SCOPE: &str = "sign-in";
const SETUP_SCOPE: &str = "setup";

/// An error at the form input with id `field`.
fn error_at(field: &str, message: impl Into<String>) -> SummaryItem {
    SummaryItem::at(field, message)
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
        _ => paths::officers().to_owned(),
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
    if let Err(wait) = state.limits.check_sign_in(&req) {
        return Ok(super::limits::too_many(wait));
    }
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let errors = [error_at(fields::EMAIL, e.message())];
            return Ok(html(
                e.status(),
                view::sign_in_page("", paths::officers(), &errors, None, &csrf),
            ));
        }
    };
    let email_text = form.get(fields::EMAIL).unwrap_or_default().to_owned();
    let next = safe_next(form.get(fields::NEXT));
    let again = |status: StatusCode, errors: &[SummaryItem]| {
        html(
            status,
            view::sign_in_page(&email_text, &next, errors, None, &csrf),
        )
    };
    if !state.csrf.verify(SIGN_IN_SCOPE, form.csrf()) {
        return Ok(again(
            StatusCode::FORBIDDEN,
            &[error_at(
                fields::EMAIL,
                "This page had expired. Sign in again",
            )],
        ));
    }
    let email = match Email::parse(&email_text) {
        Ok(email) => email,
        Err(message) => {
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[error_at(fields::EMAIL, message)],
            ));
        }
    };
    let password = form.get(fields::PASSWORD).unwrap_or_default().to_owned();
    if password.is_empty() {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[error_at(fields::PASSWORD, "Enter your password")],
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
                &[error_at(fields::EMAIL, message)],
            ));
        }
        Throttle::Allow(delay) => tokio::time::sleep(delay).await,
    }
    let lookup = email.clone();
    let found = with_db(&state, move |c| officers::find_credentials(c, &lookup)).await?;
    let account = found
        .as_ref()
        .map(|(officer, _)| (officer.id, officer.disabled));
    let (officer, hash) = match found {
        Some((officer, hash)) if !officer.disabled => (Some(officer), hash),
        _ => (None, decoy_hash().to_owned()),
    };
    let matches = web::block(move || verify_password(&hash, &password)).await?;
    match officer.filter(|_| matches) {
        Some(officer) => {
            state.throttle.record_success(email.as_str());
            let id = officer.id;
            with_db(&state, move |c| {
                audit::append(c, Some(id), AuditAction::SignIn, None, "signed in")
            })
            .await?;
            sign_in(&session, officer.id)?;
            tracing::info!(officer = officer.id.0, "officer signed in");
            Ok(redirect(&next))
        }
        None => {
            // The attempt was counted as a failure when it began. The log
            // names the account tried, never what was typed for an address
            // with no account (it could be a password in the wrong box).
            let entry = match account {
                Some((id, true)) => Some((Some(id), "the account is disabled".to_owned())),
                Some((id, false)) => Some((Some(id), "wrong password".to_owned())),
                None => match state.unknown_sign_ins.take(std::time::Instant::now()) {
                    Some(0) => Some((None, "no account has that email address".to_owned())),
                    Some(more) => Some((
                        None,
                        format!(
                            "no account has that email address (and {more} more such failures since the last entry, not logged one by one)"
                        ),
                    )),
                    None => None,
                },
            };
            if let Some((officer, detail)) = entry {
                with_db(&state, move |c| {
                    audit::append(c, officer, AuditAction::SignInFailed, None, &detail)
                })
                .await?;
            }
            Ok(again(
                StatusCode::UNAUTHORIZED,
                &[error_at(
                    fields::EMAIL,
                    "Email address or password is not right",
                )],
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
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(html(
            StatusCode::FORBIDDEN,
            crate::views::errors::error_page(
                "This page had expired",
                &["Go back, reload the page and select Sign out again."],
                Some((paths::officers(), "Go to your surveys")),
            ),
        ));
    }
    let id = who.officer.id;
    with_db(&state, move |c| {
        audit::append(c, Some(id), AuditAction::SignOut, None, "signed out")
    })
    .await?;
    session.purge();
    Ok(redirect(&paths::signed_out()))
}

/// GET `/officers`: every survey with its counts.
pub async fn dashboard(
    state: web::Data<AppState>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let now = chrono::Utc::now();
    let surveys = state.catalogue.all();
    let ids: Vec<_> = surveys.iter().map(|s| s.id).collect();
    let (progress, drafts) = with_db(&state, move |c| {
        Ok((
            results::count_progress(c, &ids)?,
            db::builder::list_drafts(c)?,
        ))
    })
    .await?;
    let drafts: Vec<_> = drafts
        .into_iter()
        .map(|d| crate::views::builder::DraftRow {
            slug: d.definition.slug().to_string(),
            title: d.definition.title().to_owned(),
            copied_from: d.copied_from,
            revises: d.revises,
            updated_by: d.updated_by,
            updated_at: d.updated_at,
        })
        .collect();
    let summaries: Vec<_> = surveys
        .iter()
        .zip(progress)
        .map(|(s, (started, completed))| view::SurveySummary {
            slug: s.definition.slug().to_string(),
            title: s.definition.title().to_owned(),
            version: s.version_number,
            started,
            completed,
            availability: state.catalogue.availability(s, now),
            control: state.catalogue.control(s.id),
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        view::dashboard_page(&who.viewer(), &summaries, &drafts),
    ))
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
    let survey = state.survey(&slug)?;
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => return Ok(state_refused(e.status(), &e.message())),
    };
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(state_refused(
            StatusCode::FORBIDDEN,
            "This page had expired, so the survey was not changed. Go back to the survey list and try again.",
        ));
    }
    let control = match Control::parse(form.get(fields::STATE).unwrap_or_default()) {
        Ok(control) => control,
        Err(message) => return Ok(state_refused(StatusCode::BAD_REQUEST, &message)),
    };
    let (officer, survey_id) = (who.officer.id, survey.id);
    let slug_text = survey.definition.slug().to_string();
    let shared = state.clone();
    with_db(&state, move |c| {
        db::surveys::set_control(c, survey_id, &slug_text, control, officer, db::now())?;
        shared.catalogue.refresh(c)
    })
    .await?;
    tracing::info!(
        survey = %survey.definition.slug(),
        state = control.map_or("dates", Control::as_str),
        by = %who.officer.email,
        "survey state changed"
    );
    Ok(redirect(paths::officers()))
}

/// Why a change of survey state was not made, with the way back.
fn state_refused(status: StatusCode, message: &str) -> HttpResponse {
    html(
        status,
        crate::views::errors::error_page(
            "The survey was not changed",
            &[message],
            Some((paths::officers(), "Back to the survey list")),
        ),
    )
}

/// Whether `token` is the current setup token and no admin exists yet.
async fn setup_allowed(state: &web::Data<AppState>, token: &str) -> Result<bool, AppError> {
    let Some(token) = SetupToken::parse(token) else {
        return Ok(false);
    };
    let hash = token.hash();
    with_db(state, move |c| officers::setup_token_is_current(c, &hash)).await
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
            Some((paths::sign_in(), "Sign in")),
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
            &paths::setup(&token),
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
                    &paths::setup(&token),
                    "",
                    &[error_at(fields::EMAIL, e.message())],
                    &csrf,
                ),
            ));
        }
    };
    let email_text = form.get(fields::EMAIL).unwrap_or_default();
    let mut errors = Vec::new();
    if !state.csrf.verify(SETUP_SCOPE, form.csrf()) {
        errors.push(error_at(
            fields::EMAIL,
            "This page had expired. Fill it in again",
        ));
    }
    let email = Email::parse(email_text)
        .map_err(|m| errors.push(error_at(fields::EMAIL, m)))
        .ok();
    let password = NewPassword::parse(form.get(fields::PASSWORD).unwrap_or_default())
        .map_err(|m| errors.push(error_at(fields::PASSWORD, m)))
        .ok();
    if form.get(fields::PASSWORD) != form.get(fields::CONFIRM) {
        errors.push(error_at(fields::CONFIRM, "The two passwords do not match"));
    }
    let (Some(email), Some(password), true) = (email, password, errors.is_empty()) else {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::setup_page(&paths::setup(&token), email_text, &errors, &csrf),
        ));
    };
    let hash = web::block(move || password.hash())
        .await?
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    let token_hash = SetupToken::parse(&token)
        .map(|t| t.hash())
        .unwrap_or_default();
    let created = with_db(&state, move |c| {
        officers::create_first_admin(c, &token_hash, &email, &hash)
    })
    .await?;
    let Some(id) = created else {
        return Ok(setup_gone());
    };
    sign_in(&session, id)?;
    tracing::info!(officer = id.0, "first administrator created");
    Ok(redirect(paths::officers()))
}

async fn render_officers(
    state: &web::Data<AppState>,
    who: &SignedIn,
    status: StatusCode,
    email: &str,
    errors: &[SummaryItem],
    new_token: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let all = with_db(state, officers::list_officers).await?;
    Ok(html(
        status,
        view::officers_page(&who.viewer(), &all, email, errors, new_token),
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
                &[error_at(fields::EMAIL, e.message())],
                None,
            )
            .await;
        }
    };
    let email_text = form.get(fields::EMAIL).unwrap_or_default().to_owned();
    if !who.form_has_session_token(&state.csrf, &form) {
        let errors = [error_at(
            fields::EMAIL,
            "This page had expired. Fill it in again",
        )];
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
        .map_err(|m| errors.push(error_at(fields::EMAIL, m)))
        .ok();
    let password = NewPassword::parse(form.get(fields::PASSWORD).unwrap_or_default())
        .map_err(|m| errors.push(error_at(fields::PASSWORD, m)))
        .ok();
    let role = Role::parse(form.get(fields::ROLE).unwrap_or("analyst"))
        .map_err(|m| errors.push(error_at(fields::ROLE, m)))
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
    let by = who.officer.id;
    let added = with_db(&state, move |c| {
        officers::insert_officer(c, &email, &hash, role, Some(by))
    })
    .await?;
    match added {
        NewOfficer::Added(_) => Ok(redirect(paths::admin_officers())),
        NewOfficer::EmailTaken => {
            let errors = [error_at(
                fields::EMAIL,
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
    if !who.form_has_session_token(&state.csrf, &form) {
        let errors = [error_at(fields::LABEL, "This page had expired. Try again")];
        return render_officers(&state, &who, StatusCode::FORBIDDEN, "", &errors, None).await;
    }
    let label = form
        .get(fields::LABEL)
        .unwrap_or_default()
        .trim()
        .to_owned();
    if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
        let errors = [error_at(
            fields::LABEL,
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
    let token = ApiToken::generate();
    let hash = token.hash();
    let officer = who.officer.id;
    with_db(&state, move |c| {
        officers::insert_api_token(c, officer, &hash, &label)
    })
    .await?;
    render_officers(&state, &who, StatusCode::OK, "", &[], Some(token.expose())).await
}
