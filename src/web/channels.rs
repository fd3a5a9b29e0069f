//! Distribution: each channel's link (the survey's start page with
//! `?channel=`), how many started and completed through it, and its QR code
//! for posters as SVG and PNG. A channel is only the link a resident used:
//! nothing about the person is stored.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::OfficerPage;
use super::exports::attachment;
use super::{AppState, html, with_db};
use crate::catalogue::CurrentSurvey;
use crate::error::AppError;
use crate::export::qr;
use crate::paths;
use crate::views::channels::ChannelRow;

/// The address links and QR codes start with: `PUBLIC_URL`, or else the
/// address this request came to (and the page says to set `PUBLIC_URL`).
fn base_url(state: &AppState, req: &HttpRequest) -> (String, bool) {
    match &state.public_url {
        Some(url) => (url.trim_end_matches('/').to_owned(), true),
        None => {
            let info = req.connection_info();
            (format!("{}://{}", info.scheme(), info.host()), false)
        }
    }
}

/// The whole link of a channel.
fn link(state: &AppState, req: &HttpRequest, survey: &CurrentSurvey, channel: &str) -> String {
    let (base, _) = base_url(state, req);
    format!(
        "{base}{}",
        paths::channel_link(survey.definition.slug(), channel)
    )
}

/// GET `/surveys/{slug}/channels`.
pub async fn show_channels(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let id = survey.id;
    let counts = with_db(&state, move |c| crate::db::drafts::count_per_channel(c, id)).await?;
    let count_of = |channel: Option<&str>| {
        counts
            .iter()
            .find(|(c, _, _)| c.as_deref() == channel)
            .map_or((0, 0), |(_, started, completed)| (*started, *completed))
    };
    let mut rows: Vec<ChannelRow> = survey
        .definition
        .channels()
        .iter()
        .map(|c| {
            let (started, completed) = count_of(Some(c.id().as_str()));
            ChannelRow {
                id: Some(c.id().to_string()),
                label: c.label().to_owned(),
                link: link(&state, &req, &survey, c.id().as_str()),
                started,
                completed,
            }
        })
        .collect();
    // Drafts through a channel that a later version dropped or renamed are
    // counted together, so the totals still add up.
    let (base, configured) = base_url(&state, &req);
    let dropped = |c: &Option<String>| {
        c.as_deref()
            .is_some_and(|c| survey.definition.channel(c).is_none())
    };
    let sum = |keep: &dyn Fn(&Option<String>) -> bool| {
        counts
            .iter()
            .filter(|(c, _, _)| keep(c))
            .fold((0, 0), |(s, d), (_, started, completed)| {
                (s + started, d + completed)
            })
    };
    let (started, completed) = sum(&dropped);
    if started > 0 {
        rows.push(ChannelRow {
            id: None,
            label: "Channels no longer listed".to_owned(),
            link: String::new(),
            started,
            completed,
        });
    }
    let (started, completed) = sum(&|c: &Option<String>| c.is_none());
    rows.push(ChannelRow {
        id: None,
        label: "The plain link (no channel)".to_owned(),
        link: format!("{base}{}", paths::start(survey.definition.slug())),
        started,
        completed,
    });
    Ok(html(
        StatusCode::OK,
        crate::views::channels::channels_page(&who.viewer(), &survey.definition, &rows, configured),
    ))
}

/// GET `/surveys/{slug}/channels/{channel}.svg|png`: a channel's QR code.
pub async fn qr_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    OfficerPage(_who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let (slug, file) = path.into_inner();
    let (channel, extension) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let survey = state.survey(&slug)?;
    let channel = survey
        .definition
        .channel(channel)
        .ok_or(AppError::NotFound)?
        .id()
        .to_string();
    let link = link(&state, &req, &survey, &channel);
    let filename = format!("{slug}-{channel}-qr.{extension}");
    match extension {
        "svg" => {
            let svg = qr::qr_svg(&link).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok(attachment("image/svg+xml", &filename, svg.into_bytes()))
        }
        "png" => {
            let png = web::block(move || qr::qr_png(&link))
                .await?
                .map_err(|e| AppError::Unexpected(e.into()))?;
            Ok(attachment("image/png", &filename, png))
        }
        _ => Err(AppError::NotFound),
    }
}
