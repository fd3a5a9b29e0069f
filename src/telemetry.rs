//! What the service counts for monitoring, exposed at `GET /metrics` in the
//! Prometheus text format (the `prometheus` crate): requests by route
//! pattern, method and status with their latency, responses started and
//! completed per survey (read at each scrape), the wait for a database
//! connection, and on SQLite the wait for this process's writer turn.
//! Nothing personal: routes are patterns (`/surveys/{slug}`), never paths
//! with tokens or addresses. The metrics are process-wide.

use std::sync::LazyLock;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// Every metric the service keeps.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub pool_wait: Histogram,
    pub writer_wait: Histogram,
}

/// Buckets for waits and latencies, in seconds: 1 ms to 10 s.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new("civic_http_requests_total", "HTTP requests answered"),
        &["route", "method", "status"],
    )?;
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "civic_http_request_duration_seconds",
            "Time to answer an HTTP request",
        )
        .buckets(BUCKETS.to_vec()),
        &["route"],
    )?;
    let pool_wait = Histogram::with_opts(
        HistogramOpts::new(
            "civic_db_pool_wait_seconds",
            "Time waiting for a database connection from the pool",
        )
        .buckets(BUCKETS.to_vec()),
    )?;
    let writer_wait = Histogram::with_opts(
        HistogramOpts::new(
            "civic_sqlite_writer_wait_seconds",
            "Time waiting for this process's SQLite writer turn",
        )
        .buckets(BUCKETS.to_vec()),
    )?;
    registry.register(Box::new(requests.clone()))?;
    registry.register(Box::new(latency.clone()))?;
    registry.register(Box::new(pool_wait.clone()))?;
    registry.register(Box::new(writer_wait.clone()))?;
    Ok(Metrics {
        registry,
        requests,
        latency,
        pool_wait,
        writer_wait,
    })
}

/// What one instance reports of itself at a scrape, read from its state
/// and database then: a registry of its own per scrape, so two instances
/// in one process (the tests) never show each other's figures.
#[derive(Debug, Default)]
pub struct InstanceFigures<'a> {
    /// Per survey: (slug, drafts started, responses completed).
    pub surveys: Vec<(&'a str, i64, i64)>,
    /// New responses this instance learnt of for its live pages, by how.
    pub live_updates: Vec<(&'static str, u64)>,
    /// Whether it listens for other instances' responses (PostgreSQL).
    pub live_listening: bool,
    /// Live pages' figures: (worked out, given from one worked out for
    /// another page).
    pub live_views: (u64, u64),
    /// Per survey whose results cells are built: (slug, responses in them).
    pub cells: Vec<(&'a str, u64)>,
}

fn instance_registry(figures: &InstanceFigures) -> Result<Registry, prometheus::Error> {
    let registry = Registry::new();
    let started = IntGaugeVec::new(
        Opts::new("civic_responses_started", "Drafts started, per survey"),
        &["survey"],
    )?;
    let completed = IntGaugeVec::new(
        Opts::new(
            "civic_responses_completed",
            "Responses completed, per survey",
        ),
        &["survey"],
    )?;
    for (slug, s, c) in &figures.surveys {
        started.with_label_values(&[slug]).set(*s);
        completed.with_label_values(&[slug]).set(*c);
    }
    let live_updates = IntCounterVec::new(
        Opts::new(
            "civic_live_updates_received_total",
            "New responses this instance learnt of for its live pages, by how: own (stored here), notify (PostgreSQL NOTIFY), poll (read once a second)",
        ),
        &["source"],
    )?;
    for (source, n) in &figures.live_updates {
        live_updates.with_label_values(&[source]).inc_by(*n);
    }
    let live_listening = IntGauge::new(
        "civic_live_listening",
        "1 while this instance listens for other instances' responses (PostgreSQL LISTEN), else 0",
    )?;
    live_listening.set(i64::from(figures.live_listening));
    let live_views = IntCounterVec::new(
        Opts::new(
            "civic_live_views_total",
            "Live results pages' figures: worked out, or shared (given as worked out for another page watching the same view within the second)",
        ),
        &["how"],
    )?;
    live_views
        .with_label_values(&["worked_out"])
        .inc_by(figures.live_views.0);
    live_views
        .with_label_values(&["shared"])
        .inc_by(figures.live_views.1);
    registry.register(Box::new(started))?;
    registry.register(Box::new(completed))?;
    registry.register(Box::new(live_updates))?;
    registry.register(Box::new(live_listening))?;
    registry.register(Box::new(live_views))?;
    let cells = IntGaugeVec::new(
        Opts::new(
            "civic_results_cells_responses",
            "Responses in a survey's results cells, for each survey whose cells are built (at start, then kept up to date on each view)",
        ),
        &["survey"],
    )?;
    for (slug, n) in &figures.cells {
        cells
            .with_label_values(&[slug])
            .set(i64::try_from(*n).unwrap_or(i64::MAX));
    }
    registry.register(Box::new(cells))?;
    Ok(registry)
}

/// The process's metrics.
pub static METRICS: LazyLock<Metrics> =
    LazyLock::new(|| build().expect("the metrics' names and labels are valid"));

impl Metrics {
    /// Everything, in the Prometheus text format: the process's counters
    /// and one instance's own figures.
    pub fn render(&self, instance: &InstanceFigures) -> String {
        let mut families = self.registry.gather();
        if let Ok(own) = instance_registry(instance) {
            families.extend(own.gather());
        }
        let mut out = Vec::new();
        if TextEncoder::new().encode(&families, &mut out).is_err() {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metrics_render_in_the_text_format() {
        METRICS
            .requests
            .with_label_values(&["/surveys/{slug}", "GET", "200"])
            .inc();
        METRICS.pool_wait.observe(0.002);
        let text = METRICS.render(&InstanceFigures {
            surveys: vec![("csp-2019", 3, 2)],
            live_updates: vec![("notify", 4)],
            live_listening: true,
            live_views: (3, 17),
            cells: vec![("csp-2019", 420)],
        });
        assert!(
            text.contains("# TYPE civic_http_requests_total counter"),
            "{text}"
        );
        assert!(
            text.contains(
                "civic_http_requests_total{method=\"GET\",route=\"/surveys/{slug}\",status=\"200\"}"
            ),
            "{text}"
        );
        assert!(
            text.contains("civic_db_pool_wait_seconds_bucket{le=\"0.0025\"}"),
            "{text}"
        );
        assert!(
            text.contains("civic_responses_completed{survey=\"csp-2019\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE civic_live_updates_received_total counter"),
            "{text}"
        );
        assert!(
            text.contains("civic_live_views_total{how=\"shared\"} 17"),
            "{text}"
        );
        assert!(
            text.contains("civic_results_cells_responses{survey=\"csp-2019\"} 420"),
            "{text}"
        );
        assert!(
            text.contains("civic_live_updates_received_total{source=\"notify\"} 4"),
            "{text}"
        );
        assert!(text.contains("civic_live_listening 1"), "{text}");
    }
}
