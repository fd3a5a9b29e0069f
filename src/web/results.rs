//! Results handlers: the page, its JSON twin, and the live stream that tells
//! open pages a response arrived.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::stream;
use serde::Serialize;

use super::auth::{OfficerApi, OfficerPage};
use super::form::parse_urlencoded;
use super::{AppState, bad_filters, html, with_db};
use crate::catalogue::CurrentSurvey;
use crate::db::{self, DbError};
use crate::domain::{Filter, ResultsQuery, VersionId};
use crate::error::{AppError, Refusal};
use crate::stats::SurveyResults;
use crate::stats::weighting::{WeightingNote, parse_targets};
use crate::views::results::{Group, ResultsPage, WaveView, results_body, results_page};

/// How long a quiet stream waits before a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The query string's pairs, strictly decoded.
pub(crate) fn query_pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, String> {
    parse_urlencoded(req.query_string().as_bytes())
        .map(|form| {
            form.fields()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .map_err(|_| "The address could not be read".to_owned())
}

pub(crate) fn parse_query(
    survey: &CurrentSurvey,
    pairs: &[(String, String)],
) -> Result<ResultsQuery, String> {
    ResultsQuery::parse(
        &survey.definition,
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// The survey of the path and the view its query string asks for, or the
/// refusal of filters that cannot be used.
pub(crate) fn requested_view(
    state: &AppState,
    req: &HttpRequest,
    slug: &str,
) -> Result<(CurrentSurvey, ResultsQuery), AppError> {
    let survey = state.survey(slug)?;
    let query = query_pairs(req)
        .and_then(|pairs| parse_query(&survey, &pairs))
        .map_err(|message| bad_filters(slug, &message))?;
    Ok((survey, query))
}

/// The survey's results among the responses matching `filters`: the counts
/// from storage, broken down.
pub(crate) fn load_results(
    conn: &mut db::AnyConnection,
    state: &AppState,
    survey: &CurrentSurvey,
    filters: &[Filter],
    weighted: bool,
) -> Result<SurveyResults, DbError> {
    // A weighted view of a survey with no weighting shows the unweighted
    // figures, and says so (its `weighting` stays empty).
    let scheme = db::weighting::scheme(conn, survey.id)?;
    let use_weights = weighted && scheme.is_some();
    // From the cells this process keeps (a sum over a few thousand cells,
    // brought up to date from the responses stored since); counted in
    // storage when they cannot give this view now.
    let keyed = keyed(survey);
    let counts = match state
        .cells
        .view(conn, survey.id, &keyed, filters, use_weights)?
    {
        Some(counts) => counts,
        None => db::results::load_view(conn, survey.id, filters, use_weights)?,
    };
    let mut results = SurveyResults::from_counts(&survey.definition, counts);
    results.weights_available = scheme.is_some();
    if let (true, Some(scheme)) = (use_weights, &scheme) {
        results.weighting = Some(weighting_note(conn, survey, scheme, filters)?);
    }
    results.mark_small_bases(state.small_base);
    let catalogue = &state.catalogue;
    // Responses given under earlier versions: say where those versions
    // lacked a question or option of this one. A version that cannot be
    // read is left unmarked, with a warning, rather than failing the page.
    let mut earlier = Vec::new();
    // A survey still at its first version has no earlier one: no query.
    let per_version = if survey.version_number > 1 {
        match state.cells.versions(survey.id, filters) {
            Some(counts) => db::surveys::version_numbers(conn, survey.id)?
                .into_iter()
                .filter_map(|(id, number)| Some((id, number, *counts.get(&id.0)?)))
                .collect(),
            None => db::surveys::count_per_version(conn, survey.id, filters)?,
        }
    } else {
        Vec::new()
    };
    for (id, number, responses) in per_version {
        if id == survey.version {
            continue;
        }
        match catalogue.version(conn, id) {
            Ok(Some(definition)) => earlier.push((number, definition, responses)),
            Ok(None) => {}
            Err(e) => tracing::warn!(version = number, "an earlier version cannot be read: {e}"),
        }
    }
    let earlier: Vec<_> = earlier
        .iter()
        .map(|(n, d, r)| (*n, d.as_ref(), *r))
        .collect();
    results.mark_versions(&earlier);
    // Themes officers gave the free-text answers, for the questions that
    // have any.
    let themed = db::themes::questions_with_themes(conn, survey.id)?;
    for question in survey.definition.questions() {
        let options = question.free_text_options();
        if options.is_empty() || !themed.contains(question.id().as_str()) {
            continue;
        }
        results.themes.push(db::themes::counts(
            conn,
            survey.id,
            question.id().as_str(),
            &options,
            filters,
        )?);
    }
    Ok(results)
}

/// The questions that key a survey's cells: those its results can be
/// filtered and compared by.
fn keyed(survey: &CurrentSurvey) -> Vec<String> {
    crate::domain::filters::splits(&survey.definition)
        .iter()
        .map(|s| s.id.as_str().to_owned())
        .collect()
}

/// Builds every survey's cells as the service starts, one survey after
/// another on the live results' thread (below the residents' priority):
/// the first officers to look after a restart then get figures summed from
/// them, where they would meanwhile have been counted in storage (seconds
/// at a million responses).
pub async fn build_cells(state: web::Data<AppState>) {
    for survey in state.catalogue.all() {
        let (keyed, shared, id) = (keyed(&survey), state.clone(), survey.id);
        let started = Instant::now();
        let built = state
            .live_views
            .worker
            .get_or_init(Worker::start)
            .run(move || -> Result<bool, AppError> {
                let mut conn = db::get(&shared.pool)?;
                Ok(shared
                    .cells
                    .view(&mut conn, id, &keyed, &[], false)?
                    .is_some())
            })
            .await
            .and_then(|built| built);
        let slug = survey.definition.slug().as_str();
        match built {
            Ok(true) => tracing::info!(
                survey = slug,
                "results: cells built in {} ms",
                started.elapsed().as_millis()
            ),
            // Being built for a view meanwhile.
            Ok(false) => {}
            Err(e) => tracing::warn!(survey = slug, "results: cells not built: {e}"),
        }
    }
}

/// How the weights of a survey were made, for a weighted view.
pub(crate) fn weighting_note(
    conn: &mut db::AnyConnection,
    survey: &CurrentSurvey,
    scheme: &db::weighting::Scheme,
    filters: &[Filter],
) -> Result<WeightingNote, DbError> {
    let since = db::weighting::responses_since(conn, survey.id, scheme.last_response_id, filters)?;
    let (questions, untargeted) = match parse_targets(&survey.definition, &scheme.targets) {
        Ok(targets) => (
            targets.margins.iter().map(|m| m.label.clone()).collect(),
            targets
                .margins
                .iter()
                .flat_map(|m| {
                    m.untargeted
                        .iter()
                        .map(move |(_, label)| format!("{}: {label}", m.label))
                })
                .collect(),
        ),
        // Targets a later version no longer fits: name the columns.
        Err(_) => (
            scheme
                .targets
                .lines()
                .next()
                .unwrap_or_default()
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .split_last()
                .map(|(_, questions)| questions.to_vec())
                .unwrap_or_default(),
            Vec::new(),
        ),
    };
    Ok(WeightingNote {
        questions,
        untargeted,
        cap: scheme.cap,
        computed_on: scheme
            .computed_at
            .format("%-d %B %Y at %H:%M UTC")
            .to_string(),
        responses_weighted: scheme.responses.unsigned_abs(),
        responses_since: since.unsigned_abs(),
        iterations: scheme.iterations.unsigned_abs(),
        converged: scheme.converged,
        max_gap: scheme.max_gap,
        trimmed: scheme.trimmed.unsigned_abs(),
        min_weight: scheme.min_weight,
        max_weight: scheme.max_weight,
    })
}

/// The other waves a view asks for, with the survey itself, oldest first
/// (by opening date, then by when each was first published), or why one
/// cannot be set beside it: no such survey, or a filter it cannot apply.
pub(crate) fn waves_of(
    state: &AppState,
    survey: &CurrentSurvey,
    query: &ResultsQuery,
) -> Result<Vec<CurrentSurvey>, String> {
    let mut all = vec![survey.clone()];
    for slug in &query.waves {
        let wave = state.survey(slug.as_str()).map_err(|_| {
            format!("There is no survey \u{201c}{slug}\u{201d} to compare this one with")
        })?;
        for filter in &query.filters {
            let fits = crate::domain::filters::split(&wave.definition, filter.question.as_str())
                .is_ok_and(|split| split.option(filter.option.as_str()).is_some());
            if !fits {
                return Err(format!(
                    "\u{201c}{slug}\u{201d} has no answer {:?} to {:?}, so the filter cannot apply to it; remove the filter to compare the waves",
                    filter.option.as_str(),
                    filter.question.as_str()
                ));
            }
        }
        if !wave
            .definition
            .questions()
            .iter()
            .any(|q| survey.definition.question(q.id().as_str()).is_some())
        {
            return Err(format!(
                "\u{201c}{slug}\u{201d} asks none of this survey\u{2019}s questions (by id), so there is nothing to compare"
            ));
        }
        all.push(wave);
    }
    // Undated surveys after dated ones, in the order they were first published.
    all.sort_by_key(|w| (w.definition.opens().is_none(), w.definition.opens(), w.id.0));
    Ok(all)
}

/// Marks each answer of each group whose share really differs from another
/// group's, for the group tables.
fn mark_differences(groups: &mut [Group], split: Option<&str>) {
    let Some(split) = split else { return };
    let marks = {
        let tested = crate::views::results::tested(groups);
        let page = crate::stats::difference::compare(&tested, split);
        crate::stats::difference::marks(&page, &tested)
    };
    for (group, question, option, other) in marks {
        if let Some(o) = groups[group]
            .results
            .questions
            .iter_mut()
            .find(|q| q.id.as_str() == question)
            .and_then(|q| q.options.iter_mut().find(|o| o.id.as_str() == option))
        {
            o.differs_from.push(other);
        }
    }
}

/// The results for the view, for each group when comparing, and for each
/// wave (the survey's own among them, oldest first) when comparing waves.
pub(crate) async fn load(
    state: &web::Data<AppState>,
    survey: &CurrentSurvey,
    query: &ResultsQuery,
) -> Result<Loaded, AppError> {
    with_db(state, prepare(state, survey, query)?).await
}

/// The results of a view, of its groups, and of its waves.
pub(crate) type Loaded = (SurveyResults, Vec<Group>, Vec<WaveView>);

/// The storage work of [`load`], ready to run on a connection: the view's
/// waves and groups are checked first.
fn prepare(
    state: &web::Data<AppState>,
    survey: &CurrentSurvey,
    query: &ResultsQuery,
) -> Result<impl FnOnce(&mut db::AnyConnection) -> Result<Loaded, DbError> + Send + 'static, AppError>
{
    let waves = if query.waves.is_empty() {
        Vec::new()
    } else {
        waves_of(state, survey, query)
            .map_err(|message| bad_filters(survey.definition.slug().as_str(), &message))?
    };
    let groups: Vec<(String, String, Vec<Filter>)> = match &query.compare {
        None => Vec::new(),
        Some(id) => crate::domain::filters::split(&survey.definition, id.as_str())
            .map(|split| {
                split
                    .options
                    .iter()
                    .map(|(option, label)| {
                        let filters = query.with(&split.id, option);
                        let selects = ResultsQuery {
                            filters: filters.clone(),
                            compare: None,
                            weighted: query.weighted,
                            waves: Vec::new(),
                        }
                        .to_query_string();
                        ((*label).to_owned(), selects, filters)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let (current, filters, weighted) = (survey.clone(), query.filters.clone(), query.weighted);
    let split = query.compare.as_ref().map(ToString::to_string);
    let shared = state.clone();
    Ok(move |conn: &mut db::AnyConnection| {
        let all = load_results(conn, &shared, &current, &filters, weighted)?;
        let load_wave = |conn: &mut db::AnyConnection, wave: &CurrentSurvey, weighted: bool| {
            load_results(conn, &shared, wave, &filters, weighted)
        };
        let mut views = waves
            .iter()
            .map(|wave| {
                Ok(WaveView {
                    label: wave.definition.slug().to_string(),
                    is_current: wave.id == current.id,
                    results: if wave.id == current.id {
                        all.clone()
                    } else {
                        load_wave(conn, wave, weighted)?
                    },
                    unweighted_because: None,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        // Weighted figures set beside unweighted ones would show the
        // weighting as change: waves compare weighted only when all are.
        if weighted && let Some(bare) = views.iter().find(|v| v.results.weighting.is_none()) {
            let why = format!(
                "{} has no weights, so the waves are compared unweighted.",
                bare.label
            );
            for (view, wave) in views.iter_mut().zip(&waves) {
                view.results = load_wave(conn, wave, false)?;
                view.unweighted_because = Some(why.clone());
            }
        }
        let waves = views;
        let groups = groups
            .into_iter()
            .map(|(label, query, filters)| {
                Ok(Group {
                    label,
                    query,
                    results: load_results(conn, &shared, &current, &filters, weighted)?,
                })
            })
            .collect::<Result<Vec<Group>, DbError>>()?;
        let mut groups = groups;
        mark_differences(&mut groups, split.as_deref());
        Ok((all, groups, waves))
    })
}

/// GET `/surveys/{slug}/results`: the page, or with `partial=1` only the
/// figures (for the live refresh).
pub async fn show_results(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let pairs = query_pairs(&req).map_err(|message| bad_filters(&slug, &message))?;
    let query = parse_query(&survey, &pairs).map_err(|message| bad_filters(&slug, &message))?;
    if pairs.iter().any(|(k, v)| k == "partial" && v == "1") {
        return live_figures(&state, &req, &survey, &query).await;
    }
    let (results, groups, waves) = load(&state, &survey, &query).await?;
    let wave_choices: Vec<(String, String)> = state
        .catalogue
        .all()
        .into_iter()
        .filter(|other| other.id != survey.id)
        .filter(|other| {
            other
                .definition
                .questions()
                .iter()
                .any(|q| survey.definition.question(q.id().as_str()).is_some())
        })
        .map(|other| {
            (
                other.definition.slug().to_string(),
                other.definition.title().to_owned(),
            )
        })
        .collect();
    let page = ResultsPage {
        survey: &survey.definition,
        query: &query,
        results: &results,
        groups: &groups,
        waves: &waves,
        wave_choices: &wave_choices,
    };
    Ok(html(StatusCode::OK, results_page(&who.viewer(), &page)))
}

/// The figures live pages fetch, as last worked out for each view, shared
/// by every officer watching it.
///
/// The streams tell every open page of new responses at the same moment, at
/// most once a second ([`super::live::LIVE_EVERY`]); the pages watching one
/// view then ask for it together. The first works it out and the others,
/// waiting meanwhile, are given the same figures. A view is worked out again
/// once the streams have been told of a newer response, or a second after
/// it was worked out (for changes that are not responses, such as new
/// weights).
///
/// The figures are worked out, and their HTML written, one view at a time
/// on a thread of their own at a lower CPU priority ([`Worker`]): when the
/// machine is busy, residents' pages come first and the officers' figures
/// wait a little.
#[derive(Debug, Default)]
pub struct LiveViews {
    views: parking_lot::Mutex<HashMap<(VersionId, String), Slot>>,
    worker: std::sync::OnceLock<Worker>,
    worked_out: AtomicU64,
    shared: AtomicU64,
}

/// One view's figures, locked while they are worked out.
type Slot = Arc<tokio::sync::Mutex<Option<LiveView>>>;

#[derive(Debug)]
struct LiveView {
    /// The updates the streams had been told of when it was worked out.
    updates: u64,
    at: Instant,
    /// Shared with each page given it, not copied.
    html: web::Bytes,
}

/// How many views are kept; past that, those nobody is asking for go.
const LIVE_VIEWS_KEPT: usize = 256;

/// The nice value of the thread live figures are worked out on: 10 is a
/// tenth or so of the CPU of a thread at the usual 0 when both want it.
const LIVE_NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// One thread, at a lower priority, running jobs in turn; it ends when the
/// service's state goes.
#[derive(Debug)]
struct Worker {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl Worker {
    fn start() -> Worker {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let started = std::thread::Builder::new()
            .name("live-results".to_owned())
            .spawn(move || {
                if let Err(e) = crate::priority::lower_thread_priority(LIVE_NICE) {
                    tracing::warn!("live results: could not lower their thread's priority ({e})");
                }
                for job in queue {
                    job();
                }
            });
        if let Err(e) = started {
            tracing::warn!("live results: no thread of their own ({e}); they will fail");
        }
        Worker { jobs }
    }

    /// Runs `f` on the worker, and its result.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| anyhow::anyhow!("the live results' thread has stopped"))?;
        Ok(rx
            .await
            .map_err(|_| anyhow::anyhow!("the live results' thread dropped a view"))?)
    }
}

impl LiveViews {
    fn slot(&self, key: (VersionId, String)) -> Slot {
        let mut views = self.views.lock();
        if views.len() >= LIVE_VIEWS_KEPT && !views.contains_key(&key) {
            views.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        views.entry(key).or_default().clone()
    }

    /// (figures worked out, figures given as worked out for another page).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.worked_out.load(Ordering::Relaxed),
            self.shared.load(Ordering::Relaxed),
        )
    }
}

/// The figures of a live page (`partial=1`): shared, see [`LiveViews`].
async fn live_figures(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    survey: &CurrentSurvey,
    query: &ResultsQuery,
) -> Result<HttpResponse, AppError> {
    let slot = state
        .live_views
        .slot((survey.version, req.query_string().to_owned()));
    let mut view = slot.lock().await;
    let updates = state.live.published();
    if let Some(v) = view.as_ref()
        && v.updates >= updates
        && v.at.elapsed() < super::live::LIVE_EVERY
    {
        state.live_views.shared.fetch_add(1, Ordering::Relaxed);
        return Ok(html_bytes(v.html.clone()));
    }
    let at = Instant::now();
    let work = prepare(state, survey, query)?;
    let (pool, survey, query) = (state.pool.clone(), survey.clone(), query.clone());
    let rendered = state
        .live_views
        .worker
        .get_or_init(Worker::start)
        .run(move || -> Result<web::Bytes, AppError> {
            let (results, groups, waves) = work(&mut *db::get(&pool)?)?;
            let page = ResultsPage {
                survey: &survey.definition,
                query: &query,
                results: &results,
                groups: &groups,
                waves: &waves,
                wave_choices: &[],
            };
            Ok(web::Bytes::from(results_body(&page).into_string()))
        })
        .await??;
    state.live_views.worked_out.fetch_add(1, Ordering::Relaxed);
    *view = Some(LiveView {
        updates,
        at,
        html: rendered.clone(),
    });
    Ok(html_bytes(rendered))
}

fn html_bytes(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// The JSON form of the results.
#[derive(Debug, Serialize)]
struct ResultsJson<'a> {
    survey: &'a str,
    title: &'a str,
    filters: Vec<FilterJson<'a>>,
    respondents: Respondents,
    /// In a weighted view: the weighted base of the responses, its
    /// effective base and design effect, and how the weights were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    weighted: Option<crate::stats::WeightedBase>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weighting: Option<&'a WeightingNote>,
    /// With `wave=`: every wave's responses, oldest first, and the change of
    /// each figure since the reference wave.
    #[serde(skip_serializing_if = "Option::is_none")]
    waves: Option<WavesJson>,
    /// With `compare=`: the groups, every test, and each significant
    /// difference in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonJson>,
    questions: &'a [crate::stats::QuestionResult],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    channels: &'a [crate::stats::ChannelResult],
    /// Officers' themes of the free-text answers, with their bases.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    themes: &'a [crate::stats::themes::ThemeTable],
}

#[derive(Debug, Serialize)]
struct ComparisonJson {
    split: String,
    groups: Vec<GroupJson>,
    questions: Vec<crate::stats::difference::QuestionComparison>,
    significant: Vec<String>,
}

#[derive(Debug, Serialize)]
struct GroupJson {
    label: String,
    completed: u64,
}

#[derive(Debug, Serialize)]
struct WavesJson {
    waves: Vec<WaveJson>,
    /// The wave the changes are measured from.
    since: String,
    changes: Vec<crate::stats::waves::QuestionChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unweighted_because: Option<String>,
}

#[derive(Debug, Serialize)]
struct WaveJson {
    survey: String,
    completed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    weighted: Option<crate::stats::WeightedBase>,
}

impl WavesJson {
    fn of(waves: &[WaveView]) -> Option<WavesJson> {
        let (current, reference) = crate::views::results::current_and_reference(waves)?;
        Some(WavesJson {
            waves: waves
                .iter()
                .map(|w| WaveJson {
                    survey: w.label.clone(),
                    completed: w.results.completed,
                    weighted: w.results.weighted,
                })
                .collect(),
            since: reference.label.clone(),
            changes: crate::stats::waves::changes(&current.results, &reference.results),
            unweighted_because: current.unweighted_because.clone(),
        })
    }
}

#[derive(Debug, Serialize)]
struct FilterJson<'a> {
    question: &'a str,
    option: &'a str,
}

#[derive(Debug, Serialize)]
struct Respondents {
    /// Every draft started (not filtered).
    started: u64,
    /// Complete responses matching the filters.
    completed: u64,
}

/// GET `/api/surveys/{slug}/results`: the same figures as the page, with
/// unrounded percentages, honouring the same filters.
pub async fn results_json(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    _officer: OfficerApi,
) -> Result<HttpResponse, AppError> {
    let survey = state
        .survey(&slug)
        .map_err(|_| Refusal::json(StatusCode::NOT_FOUND, "no such survey"))?;
    let query = query_pairs(&req)
        .and_then(|pairs| parse_query(&survey, &pairs))
        .map_err(|message| Refusal::json(StatusCode::BAD_REQUEST, &message))?;
    let (results, groups, waves) = load(&state, &survey, &query).await?;
    let comparison = WavesJson::of(&waves);
    let differences = query.compare.as_ref().map(|split| {
        let tested = crate::views::results::tested(&groups);
        let questions = crate::stats::difference::compare(&tested, split.as_str());
        let sentences = questions
            .iter()
            .flat_map(|q| q.differences.iter())
            .filter_map(|d| d.sentence(&tested))
            .collect();
        ComparisonJson {
            split: split.to_string(),
            groups: groups
                .iter()
                .map(|g| GroupJson {
                    label: g.label.clone(),
                    completed: g.results.completed,
                })
                .collect(),
            questions,
            significant: sentences,
        }
    });
    Ok(HttpResponse::Ok().json(ResultsJson {
        survey: survey.definition.slug().as_str(),
        title: survey.definition.title(),
        filters: query
            .filters
            .iter()
            .map(|f| FilterJson {
                question: f.question.as_str(),
                option: f.option.as_str(),
            })
            .collect(),
        respondents: Respondents {
            started: results.started,
            completed: results.completed,
        },
        weighted: results.weighted,
        weighting: results.weighting.as_ref(),
        waves: comparison,
        comparison: differences,
        questions: &results.questions,
        channels: &results.channels,
        themes: &results.themes,
    }))
}

/// GET `/surveys/{slug}/results/live`: server-sent events. An `update`
/// event is sent whenever a response arrives, a comment every 15 seconds
/// otherwise.
pub async fn live(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _officer: OfficerApi,
) -> Result<HttpResponse, AppError> {
    state.survey(&slug)?;
    let mut receiver = state.live.subscribe();
    receiver.mark_unchanged();
    let events = stream::unfold((receiver, true), |(mut receiver, first)| async move {
        if first {
            let hello = web::Bytes::from_static(b"retry: 3000\nevent: ready\ndata: {}\n\n");
            return Some((Ok::<_, actix_web::Error>(hello), (receiver, false)));
        }
        let event = match tokio::time::timeout(KEEP_ALIVE, receiver.changed()).await {
            Ok(Ok(())) => {
                let (_, latest) = *receiver.borrow_and_update();
                format!("event: update\ndata: {{\"latest\":{latest}}}\n\n")
            }
            Ok(Err(_)) => return None,
            Err(_) => ": keep-alive\n\n".to_owned(),
        };
        Some((Ok(web::Bytes::from(event)), (receiver, false)))
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events))
}
