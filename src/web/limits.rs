//! Per-client rate limits, in memory (the `governor` crate): how many
//! survey starts and submissions, and how many sign-in attempts, one client
//! address may make per minute. The addresses live only in these counters,
//! never with responses or in logs, and are forgotten when idle.
//!
//! The client is the connection's peer address, or behind a reverse proxy
//! listed in `TRUSTED_PROXIES`, the address it forwards (see
//! [`crate::proxies`]). The counters are per instance: with several
//! instances behind a round-robin proxy, a client gets the allowance of
//! each instance it reaches.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::proxies::TrustedProxies;

/// One kind of limited action.
#[derive(Debug)]
pub struct Limit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl Limit {
    /// At most `per_minute` actions a minute per client, in bursts of up to that many.
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        Limit {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    /// `Ok` to go ahead, or how long the client `ip` must wait.
    pub fn check(&self, ip: Option<IpAddr>) -> Result<(), Duration> {
        let Some(ip) = ip else {
            return Ok(());
        };
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets clients whose allowance is full again.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// The limits the service applies.
#[derive(Debug)]
pub struct Limits {
    /// Starting a survey and submitting a response.
    pub submissions: Limit,
    /// Sign-in attempts (on top of the per-account lock-out).
    pub sign_ins: Limit,
    /// Whose forwarding headers name the client.
    pub trusted_proxies: TrustedProxies,
}

impl Limits {
    /// The client of `req`: its peer, or the address a trusted proxy
    /// forwards.
    pub fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if self.trusted_proxies.is_empty() {
            return Some(peer);
        }
        let values = |name: &str| -> Vec<&str> {
            req.headers()
                .get_all(name)
                .filter_map(|v| v.to_str().ok())
                .collect()
        };
        Some(
            self.trusted_proxies
                .client(peer, &values("x-forwarded-for"), &values("forwarded")),
        )
    }

    /// Checks the start-and-submit limit for `req`'s client.
    pub fn check_submission(&self, req: &HttpRequest) -> Result<(), Duration> {
        self.submissions.check(self.client(req))
    }

    /// Checks the sign-in limit for `req`'s client.
    pub fn check_sign_in(&self, req: &HttpRequest) -> Result<(), Duration> {
        self.sign_ins.check(self.client(req))
    }
}

/// The page for a limited client: 429, with when to try again.
pub fn too_many(wait: Duration) -> actix_web::HttpResponse {
    let seconds = wait.as_secs().max(1);
    let mut response = super::html(
        actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        crate::views::errors::error_page(
            "Too many attempts from your connection",
            &[
                &format!(
                    "To protect the survey from automated answers, your connection must wait {seconds} second{} before trying again.",
                    if seconds == 1 { "" } else { "s" }
                ),
                "Nothing has been lost: your answers so far are kept. If you share a connection with many people (an office or a library), try again shortly.",
            ],
            None,
        ),
    );
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds.to_string()) {
        response
            .headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, value);
    }
    response
}
