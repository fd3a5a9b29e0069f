//! Retention (issue 13, part 3): per-survey periods for free text and
//! responses, counted from closing; the purge deletes what is due, and
//! what is kept gives the same results; the job runs by itself and logs
//! each run; bad periods and analysts are refused.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Options, Resident, TestApp, on_both_backends};

const PAGE: &str = "/admin/surveys/csp-2019/retention";
const PURGE: &str = "/admin/surveys/csp-2019/retention/purge";
const SUMMARY: &str = "/surveys/csp-2019/exports/summary.csv";

/// Publishes csp-2019 again with the close date it really had (4 March
/// 2019), and waits until the service serves it closed.
async fn close_in_2019(app: &TestApp) {
    let file = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("the file");
    let closed = file.replacen(
        "opens = \"2019-02-18T00:00:00Z\"",
        "opens = \"2019-02-18T00:00:00Z\"\ncloses = \"2019-03-04T00:00:00Z\"",
        1,
    );
    assert_ne!(closed, file);
    let definition =
        civic_survey::domain::SurveyDefinition::from_toml("csp-2019.toml", &closed).expect("valid");
    app.publish_version(&definition);
    for _ in 0..100 {
        if app
            .resident()
            .get("/surveys/csp-2019")
            .await
            .text("main")
            .contains("closed")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("csp-2019 was never served closed");
}

async fn set(admin: &Resident, free_text: &str, responses: &str) -> crate::helpers::Page {
    admin
        .post(
            PAGE,
            &[
                ("free-text-months", free_text),
                ("responses-months", responses),
            ],
        )
        .await
}

on_both_backends! {
    async fn free_text_past_its_period_is_deleted_and_every_count_stays_the_same(app) {
        app.seed_2019();
        app.respond_with_other("dartford", "Cars parked on the pavement outside number 7").await;
        app.respond_with_other("dartford", "Noise from the late bar").await;
        app.publish_2020_wave(3, &[]).await;
        let admin = app.signed_in("admin").await;
        // A theme given to one answer: coded counts outlive the text.
        let themes = "/surveys/csp-2019/results/text/asb-concerns";
        assert_eq!(admin.post(&format!("{themes}/themes"), &[("theme-name", "Parking")]).await.status, StatusCode::SEE_OTHER);
        let theme = admin.get(&format!("{themes}?q=pavement")).await.attrs("select#theme option", "value")[0].clone();
        assert_eq!(admin.post(&format!("{themes}/assign"), &[("theme", theme.as_str()), ("q", "pavement")]).await.status, StatusCode::SEE_OTHER);
        let summary_before = admin.get_bytes(SUMMARY).await.2;
        assert!(String::from_utf8_lossy(&summary_before).contains("(theme),Parking,1,100"), "the theme is in the summary");
        let counts_before = (app.option_counts("csp-2019"), app.answered("csp-2019"));
        let wave_before = admin.get_bytes("/surveys/csp-2020/exports/responses.csv").await.2;

        // While the survey is open nothing is due, whatever the period.
        assert_eq!(set(&admin, "1", "").await.status, StatusCode::SEE_OTHER);
        let page = admin.get(PAGE).await;
        assert!(page.text("#schedule").contains("2 held. Kept while the survey is open"), "{}", page.text("#schedule"));
        assert!(page.texts("form[action$='/purge'] button").is_empty(), "nothing to delete now");

        close_in_2019(&app).await;
        let page = admin.get(PAGE).await;
        assert_eq!(page.text("#closed"), "The survey closed on 4 March 2019.");
        let schedule = page.texts("#schedule dd");
        assert_eq!(schedule[0], "2 held. Due since 4 April 2019: deleted at the next run of the job, or now with the button below.");
        assert_eq!(schedule[1], "422 held. Kept: no period is set.");
        assert_eq!(page.attrs("input#free-text-months", "value"), ["1"]);

        assert_eq!(app.details("csp-2019", "asb-concerns", "other").len(), 2);
        let deleted = admin.post(PURGE, &[]).await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
        assert!(app.details("csp-2019", "asb-concerns", "other").is_empty(), "the free text is gone");
        let raw = String::from_utf8(admin.get_bytes("/surveys/csp-2019/exports/responses.csv").await.2).expect("UTF-8");
        assert!(!raw.contains("number 7") && !raw.contains("late bar"), "and from the exports");
        assert_eq!(app.completed("csp-2019"), 422, "the responses are kept");
        assert_eq!((app.option_counts("csp-2019"), app.answered("csp-2019")), counts_before, "every count is the same");
        assert_eq!(admin.get_bytes(SUMMARY).await.2, summary_before, "the summary tables are the same");
        assert_eq!(admin.get_bytes("/surveys/csp-2020/exports/responses.csv").await.2, wave_before, "other surveys are untouched");

        let page = admin.get(PAGE).await;
        assert!(page.texts("#schedule dd")[0].starts_with("0 held."), "{:?}", page.texts("#schedule dd"));
        assert!(page.text("#runs tbody").contains("an administrator, admin@example.gov.uk 2 0"), "{}", page.text("#runs tbody"));
        let audit = admin.get("/admin/audit?action=purge").await.texts("tbody td[data-detail]");
        assert_eq!(audit, ["deleted 2 free-text answers and 0 responses under the retention period (an administrator, admin@example.gov.uk)"]);
        assert_eq!(admin.get("/admin/audit?action=purge&officer=admin%40example.gov.uk").await.texts("tbody tr").len(), 1, "the purge is the admin's");
    }

    async fn responses_past_their_period_are_deleted_whole_and_other_surveys_keep_their_results(app) {
        app.seed_2019();
        app.respond_with_other("dartford", "Speeding on the high street").await;
        app.publish_2020_wave(3, &[]).await;
        let admin = app.signed_in("admin").await;
        let themes = "/surveys/csp-2019/results/text/asb-concerns";
        assert_eq!(admin.post(&format!("{themes}/themes"), &[("theme-name", "Speeding")]).await.status, StatusCode::SEE_OTHER);
        let theme = admin.get(&format!("{themes}?q=speeding")).await.attrs("select#theme option", "value")[0].clone();
        assert_eq!(admin.post(&format!("{themes}/assign"), &[("theme", theme.as_str()), ("q", "speeding")]).await.status, StatusCode::SEE_OTHER);
        let wave_summary = admin.get_bytes("/surveys/csp-2020/exports/summary.csv").await.2;
        let wave_completed = app.completed("csp-2020");
        close_in_2019(&app).await;
        assert_eq!(set(&admin, "", "2").await.status, StatusCode::SEE_OTHER);
        let page = admin.get(PAGE).await;
        assert_eq!(page.texts("#schedule dd")[1], "421 held. Due since 4 May 2019: deleted at the next run of the job, or now with the button below.");
        assert_eq!(admin.post(PURGE, &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.completed("csp-2019"), 0);
        assert!(app.option_counts("csp-2019").is_empty(), "no answer is left");
        let (_, json) = admin.get_json("/api/surveys/csp-2019/results").await;
        assert_eq!(json["themes"][0]["coded"], 0, "their themes went with them: {}", json["themes"]);
        assert_eq!(app.completed("csp-2020"), wave_completed);
        assert_eq!(admin.get_bytes("/surveys/csp-2020/exports/summary.csv").await.2, wave_summary, "the other wave's results are the same");
        let audit = admin.get("/admin/audit?action=purge").await.texts("tbody td[data-detail]");
        assert_eq!(audit, ["deleted 1 free-text answers and 421 responses under the retention period (an administrator, admin@example.gov.uk)"]);
        // A second purge finds nothing and logs no deletion.
        assert_eq!(admin.post(PURGE, &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(admin.get("/admin/audit?action=purge").await.texts("tbody td[data-detail]").len(), 1);
    }

    async fn bad_periods_are_refused_with_why_and_nothing_changes(app) {
        let admin = app.signed_in("admin").await;
        assert_eq!(set(&admin, "12", "").await.status, StatusCode::SEE_OTHER);
        for (free_text, responses, field, says) in [
            ("-3", "", "free-text-months", "The period for free text cannot be negative"),
            ("0", "", "free-text-months", "The period for free text is shorter than the fieldwork (14 days)"),
            ("", "twelve", "responses-months", "Enter how many months to keep responses as a whole number"),
            ("24", "12", "free-text-months", "Free text cannot be kept longer than the responses it is part of"),
        ] {
            let page = set(&admin, free_text, responses).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{free_text} {responses}");
            let summary = page.error_summary();
            assert!(summary.iter().any(|(message, href)| message.starts_with(says) && href == &format!("#{field}")), "{summary:?}");
            assert_eq!(page.attrs("input#free-text-months", "value"), [free_text], "what was typed is kept");
            assert_eq!(page.attrs("input#responses-months", "value"), [responses]);
        }
        assert_eq!(admin.get(PAGE).await.attrs("input#free-text-months", "value"), ["12"], "nothing changed");
        let audit = admin.get("/admin/audit?action=retention").await.texts("tbody td[data-detail]");
        assert_eq!(audit, ["set retention: free text deleted 12 months after the survey closes; responses kept, anonymous, to compare with later surveys"]);
    }

    async fn only_admins_set_periods_or_purge(app) {
        for role in ["analyst", "editor"] {
            let officer = app.signed_in(role).await;
            assert_eq!(officer.get(PAGE).await.status, StatusCode::FORBIDDEN, "{role}");
            assert_eq!(set(&officer, "12", "").await.status, StatusCode::FORBIDDEN, "{role}");
            assert_eq!(officer.post(PURGE, &[]).await.status, StatusCode::FORBIDDEN, "{role}");
        }
        let anonymous = app.resident();
        assert_eq!(anonymous.get(PAGE).await.status, StatusCode::SEE_OTHER);
        let admin = app.signed_in("admin").await;
        assert!(admin.get("/admin/audit?action=retention").await.texts("tbody td[data-detail]").is_empty());
    }
}

mod scheduled {
    use super::*;

    async fn the_job_deletes_what_is_due_by_itself_and_logs_each_run(app: TestApp) {
        app.respond_with_other("dartford", "Bins left out all week")
            .await;
        let admin = app.signed_in("admin").await;
        close_in_2019(&app).await;
        assert_eq!(set(&admin, "1", "").await.status, StatusCode::SEE_OTHER);
        for _ in 0..100 {
            if app.details("csp-2019", "asb-concerns", "other").is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            app.details("csp-2019", "asb-concerns", "other").is_empty(),
            "the job deleted the free text"
        );
        assert_eq!(app.completed("csp-2019"), 1);
        let page = admin.get(PAGE).await;
        let runs = page.texts("#runs tbody tr");
        assert!(
            runs.iter().any(|r| r.ends_with("scheduled job 0 0")),
            "a run that deletes nothing is logged too: {runs:?}"
        );
        let audit = admin
            .get("/admin/audit?action=purge")
            .await
            .texts("tbody td[data-detail]");
        assert_eq!(
            audit,
            [
                "deleted 1 free-text answers and 0 responses under the retention period (scheduled job)"
            ]
        );

        // `civic-survey purge --dry-run` says the same from the command line.
        let plans = civic_survey::retention::plan(
            &mut app.pool.get().expect("a connection"),
            &civic_survey::catalogue::Catalogue::publish(
                &mut app.pool.get().expect("a connection"),
                Vec::new(),
                None,
            )
            .expect("the catalogue"),
            chrono::Utc::now(),
        )
        .expect("a plan");
        let said = civic_survey::retention::describe(&plans);
        assert!(
            said.contains(
                "csp-2019 (Community safety in Dartford and Gravesham, closed 2019-03-04)"
            ),
            "{said}"
        );
        assert!(
            said.contains("free text: 0 answers held; due since 2019-04-04: deleted now"),
            "{said}"
        );
        assert!(
            said.contains("responses: 1 held; kept (no period set)"),
            "{said}"
        );
    }

    fn options() -> Options {
        Options {
            retention_interval: Duration::from_millis(200),
            ..Options::default()
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, options())
            .await
            .expect("SQLite");
        the_job_deletes_what_is_due_by_itself_and_logs_each_run(app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = TestApp::spawn_with(crate::helpers::Backend::Postgres, options()).await
        else {
            return;
        };
        the_job_deletes_what_is_due_by_itself_and_logs_each_run(app).await;
    }
}
