//! The public URLs of resident pages, in one place for handlers and views.

use crate::domain::{QuestionId, Slug};

pub fn start(slug: &Slug) -> String {
    format!("/surveys/{slug}")
}
pub fn begin(slug: &Slug) -> String {
    format!("/surveys/{slug}/start")
}
/// A question page; `change` marks a visit from check-your-answers, which
/// returns there afterwards.
pub fn question(slug: &Slug, question: &QuestionId, change: bool) -> String {
    if change {
        format!("/surveys/{slug}/questions/{question}?change=1")
    } else {
        format!("/surveys/{slug}/questions/{question}")
    }
}
pub fn check(slug: &Slug) -> String {
    format!("/surveys/{slug}/check")
}
pub fn submit(slug: &Slug) -> String {
    format!("/surveys/{slug}/submit")
}
pub fn done(slug: &Slug) -> String {
    format!("/surveys/{slug}/done")
}
/// The path the draft cookie is limited to.
pub fn cookie_path(slug: &Slug) -> String {
    format!("/surveys/{slug}")
}
