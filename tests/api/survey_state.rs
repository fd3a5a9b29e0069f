//! Administrators open and close surveys from the survey list; residents
//! are refused at once, on every instance, and carry on when it reopens.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::on_both_backends;

const SLUG: &str = "csp-2019";
const STATE: &str = "/admin/surveys/csp-2019/state";

fn q(id: &str) -> String {
    format!("/surveys/{SLUG}/questions/{id}")
}

on_both_backends! {
    async fn an_admin_closes_a_survey_and_residents_are_refused_until_it_reopens(app) {
        let mut resident = app.resident();
        resident.start(SLUG).await;
        let answered = resident.answer(&q("borough"), &[("answer", "dartford")]).await;
        assert_eq!(answered.location(), q("most-important"));
        let form = resident.get(&q("most-important")).await;
        assert_eq!(form.status, StatusCode::OK);

        let admin = app.signed_in("admin").await;
        let list = admin.get("/officers").await;
        assert_eq!(list.text("tbody .survey-status"), "Open");
        assert_eq!(list.attrs("form.survey-state button", "value"), ["closed"]);

        let closed = admin.post(STATE, &[("state", "closed")]).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
        assert_eq!(closed.location(), "/officers");
        let list = admin.get("/officers").await;
        let status = &list.text("tbody .survey-status");
        assert!(status.starts_with("Closed by admin@example.gov.uk on "), "{status}");
        assert_eq!(list.attrs("form.survey-state button", "value"), ["open", "dates"]);

        // Nobody new can start; the start page says so.
        let newcomer = app.resident();
        let start = newcomer.get(&format!("/surveys/{SLUG}")).await;
        assert_eq!(start.status, StatusCode::OK);
        assert!(start.text("main").contains("This survey closed on"), "{}", start.text("main"));
        assert!(start.attrs("form", "action").is_empty(), "no start button");
        let refused = newcomer.post(&format!("/surveys/{SLUG}/start"), &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        // The resident part-way through is refused too, and nothing is stored.
        let refused = resident.post(&q("most-important"), &[("answer", "asb")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(refused.text("h1"), "This survey has closed");
        let refused = resident.post(&format!("/surveys/{SLUG}/submit"), &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(app.completed(SLUG), 0);

        // Reopened: she carries on where she was, with her answer kept.
        let opened = admin.post(STATE, &[("state", "open")]).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        let list = admin.get("/officers").await;
        let status = &list.text("tbody .survey-status");
        assert!(status.starts_with("Open: opened by admin@example.gov.uk on "), "{status}");
        assert_eq!(list.attrs("form.survey-state button", "value"), ["closed", "dates"]);
        let next = resident.answer(&q("most-important"), &[("answer", "asb")]).await;
        assert_eq!(next.location(), q("asb-concerns"));
        let check = resident.get(&format!("/surveys/{SLUG}/check")).await;
        assert!(check.text("main").contains("Dartford"), "the borough answer was kept");

        // Back to the definition's dates (it has none: open).
        let dates = admin.post(STATE, &[("state", "dates")]).await;
        assert_eq!(dates.status, StatusCode::SEE_OTHER);
        let list = admin.get("/officers").await;
        assert_eq!(list.text("tbody .survey-status"), "Open");
        assert_eq!(list.attrs("form.survey-state button", "value"), ["closed"]);
    }

    async fn only_admins_change_a_survey_state_and_only_with_the_form_token(app) {
        let analyst = app.signed_in("analyst").await;
        let list = analyst.get("/officers").await;
        assert!(list.attrs("form.survey-state", "action").is_empty(), "analysts see no buttons");
        let refused = analyst.post(STATE, &[("state", "closed")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let anonymous = app.resident();
        let refused = anonymous.post(STATE, &[("state", "closed")]).await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        assert!(refused.location().starts_with("/officers/sign-in"));

        let mut admin = app.signed_in("admin").await;
        let bad = admin.post(STATE, &[("state", "shut")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.text("h1"), "The survey was not changed");
        assert!(bad.text("main").contains("\"shut\" is not a survey state"), "{}", bad.text("main"));
        let missing = admin.post(STATE, &[]).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        let unknown = admin.post("/admin/surveys/no-such-survey/state", &[("state", "closed")]).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        admin.drop_csrf();
        let forged = admin.post(STATE, &[("state", "closed")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        // None of that changed anything.
        let start = app.resident().get(&format!("/surveys/{SLUG}")).await;
        assert_eq!(start.attrs("form", "action"), [format!("/surveys/{SLUG}/start")]);
    }

    async fn two_administrators_closing_at_once_both_succeed(app) {
        let admin = app.signed_in("admin").await;
        for _ in 0..5 {
            let (a, b) = tokio::join!(
                admin.post(STATE, &[("state", "closed")]),
                admin.post(STATE, &[("state", "closed")]),
            );
            assert_eq!((a.status, b.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{} {}", a.body, b.body);
            let (a, b) = tokio::join!(
                admin.post(STATE, &[("state", "open")]),
                admin.post(STATE, &[("state", "dates")]),
            );
            assert_eq!((a.status, b.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{} {}", a.body, b.body);
        }
    }

    async fn a_second_instance_on_the_same_database_follows_within_seconds(app) {
        let other = app.another_instance().await;
        let admin = app.signed_in("admin").await;
        let closed = admin.post(STATE, &[("state", "closed")]).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER);
        let visitor = app.browser_at(&other);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let start = visitor.get(&format!("/surveys/{SLUG}")).await;
            if start.text("main").contains("This survey closed on") {
                break;
            }
            assert!(Instant::now() < deadline, "the other instance still shows the survey open");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let refused = visitor.post(&format!("/surveys/{SLUG}/start"), &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}
