//! `cargo bench --bench load -- --url PROXY --instances A B --officer EMAIL
//! PASSWORD`: the checks of two instances behind a reverse proxy that
//! `bench/instances.sh` runs before its load.
//!
//! - **Live updates across instances**: an officer's live page open on
//!   instance B, five residents submitting through instance A; for each, the
//!   time from A's answer to the submission to B's stream carrying the
//!   update (measured after the confirmation page is read, so an upper
//!   bound). Then B's own count of how the updates reached it (its
//!   `/metrics`, with `METRICS_TOKEN` from the environment).
//! - **The rate limit per real client across instances**: one client
//!   address sends 90 survey starts at once through the proxy; how many are
//!   accepted (303) and refused (429).
//!
//! It exits non-zero if an update takes more than 2 s or comes by polling,
//! or one client gets more than its minute's allowance (60, plus what
//! refills, one a second, while the 90 go through).

use super::*;

/// The bound on a live update's delay across instances.
const LIVE_BOUND: Duration = Duration::from_secs(2);
/// One client's starts and submissions a minute, at the proxy.
const ALLOWANCE: usize = 60;

fn fail(why: String) -> ! {
    eprintln!("instances FAILED: {why}");
    std::process::exit(1)
}

pub(super) async fn sign_in(client: &reqwest::Client, base: &str, email: &str, password: &str) {
    let (_, _, page) = send(client, format!("{base}/officers/sign-in"), None)
        .await
        .unwrap_or_else(|e| fail(format!("the sign-in page: {e:?}")));
    let token = csrf(&page).unwrap_or_else(|| fail("no token on the sign-in page".into()));
    let fields = vec![
        ("csrf", token),
        ("email", email.to_owned()),
        ("password", password.to_owned()),
        ("next", String::new()),
    ];
    let (status, _, _) = send(client, format!("{base}/officers/sign-in"), Some(fields))
        .await
        .unwrap_or_else(|e| fail(format!("signing in: {e:?}")));
    if status.as_u16() != 303 {
        fail(format!("signing in on {base} gave {status}"));
    }
}

/// Reads a stream into `heard` until `done(heard)`; when that was.
async fn read_until(
    stream: &mut reqwest::Response,
    heard: &mut String,
    done: impl Fn(&str) -> bool,
) -> Instant {
    while !done(heard) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .unwrap_or_else(|_| fail("nothing on B's live stream within 10 s".into()))
            .unwrap_or_else(|e| fail(format!("reading B's stream: {e}")))
            .unwrap_or_else(|| fail("B's stream ended".into()));
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    Instant::now()
}

async fn live(first: &str, second: &str, email: &str, password: &str) {
    let officer = browser(None).unwrap_or_else(|e| fail(format!("{e:?}")));
    sign_in(&officer, second, email, password).await;
    let mut stream = officer
        .get(format!("{second}/surveys/csp-2019/results/live"))
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("the live stream on B: {e}")));
    if stream.status().as_u16() != 200 {
        fail(format!("the live stream on B gave {}", stream.status()));
    }
    let mut heard = String::new();
    read_until(&mut stream, &mut heard, |h| h.contains("event: ready")).await;
    let mut delays = Vec::new();
    for i in 0..5 {
        let marker = format!("live-{}-{i}", std::process::id());
        let answered = resident(first, &marker, "dartford", None)
            .await
            .unwrap_or_else(|e| fail(format!("a resident on A: {e:?}")))
            .unwrap_or_else(|| fail("a resident on A was not acknowledged".into()));
        let at = read_until(&mut stream, &mut heard, |h| {
            h.matches("event: update").count() > i
        })
        .await;
        delays.push(at.saturating_duration_since(answered));
    }
    let shown: Vec<String> = delays
        .iter()
        .map(|d| format!("{:.0} ms", d.as_secs_f64() * 1000.0))
        .collect();
    let most = delays.iter().max().copied().unwrap_or_default();
    println!(
        "live: an officer's page on instance B heard each of 5 responses submitted through instance A within {} (the most {:.0} ms; the bound is {} s)",
        shown.join(", "),
        most.as_secs_f64() * 1000.0,
        LIVE_BOUND.as_secs()
    );
    {
        let token = std::env::var("METRICS_TOKEN")
            .unwrap_or_else(|_| fail("METRICS_TOKEN: B's metrics say how the updates came".into()));
        let metrics = reqwest::Client::new()
            .get(format!("{second}/metrics"))
            .bearer_auth(token)
            .send()
            .await
            .and_then(|r| r.error_for_status());
        let text = match metrics {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(e) => fail(format!("B's metrics: {e}")),
        };
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("civic_live_"))
            .collect();
        println!("live: instance B's metrics: {}", lines.join("; "));
        if !text.contains("civic_live_listening 1")
            || !text.contains("civic_live_updates_received_total{source=\"poll\"} 0")
        {
            fail("instance B should hear the updates by NOTIFY, not by polling".into());
        }
    }
    if most > LIVE_BOUND {
        fail(format!("a live update took {most:?}"));
    }
}

async fn rate(proxy: &str) {
    let one = browser(Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127, 2, 0, 1,
    ))))
    .unwrap_or_else(|e| fail(format!("{e:?}")));
    let (_, _, start) = send(&one, format!("{proxy}/surveys/csp-2019"), None)
        .await
        .unwrap_or_else(|e| fail(format!("the start page: {e:?}")));
    let token = csrf(&start).unwrap_or_else(|| fail("no token on the start page".into()));
    let sent = 90;
    let statuses: Vec<u16> = futures_util::future::join_all((0..sent).map(|_| {
        let request = one
            .post(format!("{proxy}/surveys/csp-2019/start"))
            .form(&[("csrf", token.clone())]);
        async move { request.send().await.map_or(0, |r| r.status().as_u16()) }
    }))
    .await;
    let accepted = statuses.iter().filter(|s| **s == 303).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    println!(
        "rate: one client sent {sent} survey starts at once through the proxy to both instances: {accepted} accepted, {refused} refused with 429, {} otherwise",
        sent - accepted - refused
    );
    // The proxy's bucket refills one a second while the starts go through.
    if !(ALLOWANCE..=ALLOWANCE + 5).contains(&accepted) || accepted + refused != sent {
        fail(format!(
            "expected about {ALLOWANCE} accepted and the rest refused, got {statuses:?}"
        ));
    }
}

pub async fn run(a: &Args) {
    let proxy = a
        .url
        .clone()
        .unwrap_or_else(|| fail("--url: the proxy".into()));
    let (first, second) = a.instances.clone().expect("--instances A B");
    let (email, password) = a
        .officer
        .clone()
        .unwrap_or_else(|| fail("--officer EMAIL PASSWORD".into()));
    live(&first, &second, &email, &password).await;
    rate(&proxy).await;
}
