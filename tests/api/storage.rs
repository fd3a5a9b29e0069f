//! Storage through HTTP alone: the 2019 survey answered by 420 simulated
//! residents, and frozen survey versions.

use futures_util::StreamExt;
use reqwest::StatusCode;

use civic_survey::domain::SurveyDefinition;
use civic_survey::synthetic::{Fixture, PlannedResponse, plan_2019};

use crate::helpers::{TestApp, on_both_backends};

const SLUG: &str = "csp-2019";

/// One resident answers every page in turn, following each redirect, with
/// the planned answers (an empty form for a skipped question).
pub(crate) async fn complete(app: &TestApp, plan: PlannedResponse) {
    let mut r = app.resident();
    let mut next = r.start(SLUG).await.location().to_owned();
    while let Some(question) = next.strip_prefix("/surveys/csp-2019/questions/") {
        let question = question.to_owned();
        let chosen: Vec<String> = plan
            .iter()
            .find(|(q, _)| q.as_str() == question)
            .map(|(_, options)| options.iter().map(|o| o.to_string()).collect())
            .unwrap_or_default();
        let fields: Vec<(&str, &str)> = chosen.iter().map(|o| ("answer", o.as_str())).collect();
        let page = r.answer(&next, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{question}: {}",
            page.body
        );
        next = page.location().to_owned();
    }
    assert_eq!(next, "/surveys/csp-2019/check");
    assert_eq!(r.get(&next).await.status, StatusCode::OK);
    let submitted = r.post("/surveys/csp-2019/submit", &[]).await;
    assert_eq!(submitted.location(), "/surveys/csp-2019/done");
    let done = r.get("/surveys/csp-2019/done").await;
    assert_eq!(done.status, StatusCode::OK, "acknowledged");
}

fn count(app_counts: &std::collections::BTreeMap<(String, String), i64>, q: &str, o: &str) -> i64 {
    app_counts
        .get(&(q.to_owned(), o.to_owned()))
        .copied()
        .unwrap_or(0)
}

on_both_backends! {
    async fn four_hundred_and_twenty_residents_reproduce_the_2019_counts(app) {
        let path = app.surveys_dir.join("csp-2019.toml");
        let def = SurveyDefinition::load_file(&path).expect("csp-2019");
        let fixture = Fixture::shipped().expect("fixture");
        let plan = plan_2019(&def, &fixture, 2019).expect("plan");
        assert_eq!(plan.len(), 420);
        futures_util::stream::iter(plan)
            .map(|p| complete(&app, p))
            .buffer_unordered(8)
            .collect::<Vec<()>>()
            .await;

        assert_eq!(app.completed(SLUG), 420);
        assert_eq!(app.started(SLUG), 420);
        let c = app.option_counts(SLUG);
        let answered = app.answered(SLUG);
        assert_eq!(count(&c, "borough", "gravesham"), 299);
        assert_eq!(count(&c, "borough", "dartford"), 121);
        assert_eq!(answered["most-important"], 407);
        for (category, n) in &fixture.most_important_issue.counts {
            let option = def.question("most-important").expect("q").options().iter()
                .find(|o| o.label() == category).expect("option").id().to_string();
            assert_eq!(count(&c, "most-important", &option), i64::from(*n), "{category}");
        }
        for (question, n, top) in [
            ("asb-concerns", 154, [("fly-tipping", 65), ("drugs", 62), ("noisy-rowdy", 61)]),
            ("property-crime-concerns", 85, [("residential-burglary", 81), ("shed-garage", 63), ("vehicle-theft", 49)]),
            ("town-centre-concerns", 71, [("groups-gathering", 45), ("nte-violence", 43), ("public-place-violence", 27)]),
            ("violence-concerns", 34, [("youth-violence", 22), ("gun-knife", 19), ("robbery", 16)]),
            ("substance-misuse-concerns", 29, [("drug-dealing", 24), ("class-a", 17), ("cannabis", 13)]),
        ] {
            assert_eq!(answered[question], n, "{question}");
            for (option, k) in top {
                assert_eq!(count(&c, question, option), k, "{question}/{option}");
            }
        }
        for question in ["age", "ethnicity", "gender"] {
            assert_eq!(answered[question], 342, "{question}");
        }
        for (label, n) in &fixture.demographics.age.counts {
            let option = if label == "Not provided" { "prefer-not-to-say".to_owned() } else {
                def.question("age").expect("q").options().iter().find(|o| o.label() == label).expect("age option").id().to_string()
            };
            assert_eq!(count(&c, "age", &option), i64::from(*n), "age {label}");
        }
        assert_eq!(count(&c, "ethnicity", "white-british"), 301);
        assert_eq!(count(&c, "gender", "male"), 104);
        assert_eq!(count(&c, "gender", "female"), 227);
    }

    async fn editing_a_definition_publishes_a_new_version_and_keeps_the_old(app) {
        use civic_survey::db::surveys::{find_version, publish};
        let path = app.surveys_dir.join("csp-2019.toml");
        let original = SurveyDefinition::load_file(&path).expect("csp-2019");
        let text = std::fs::read_to_string(&path).expect("read")
            .replace("label = \"Dartford\"", "label = \"Dartford borough\"");
        let edited = SurveyDefinition::from_toml("edited.toml", &text).expect("valid");
        let mut conn = app.pool.get().expect("connection");
        let first = publish(&mut conn, &original).expect("publish");
        assert!(!first.is_new, "the app published it at start");
        assert_eq!(first.version, 1);
        let second = publish(&mut conn, &edited).expect("publish");
        assert!(second.is_new);
        assert_eq!(second.version, 2);
        assert_eq!(publish(&mut conn, &edited).expect("publish").version_id, second.version_id);
        let (_, number, old) = find_version(&mut conn, first.version_id).expect("query").expect("stored");
        assert_eq!(number, 1);
        assert_eq!(old, original, "the first version still reads as it was");
        assert_eq!(old.question("borough").expect("q").option("dartford").expect("o").label(), "Dartford");
    }

    // A page of a draft is committed without waiting for the disk; the
    // response, whose commit also makes those before it durable, waits.
    async fn only_the_drafts_pool_commits_without_waiting_for_the_disk(app) {
        use civic_survey::db::{DraftPool, commits_wait_for_disk};
        let mut durable = app.pool.get().expect("connection");
        assert!(commits_wait_for_disk(&mut **durable).expect("setting"));
        let url = app.database_url().clone();
        let drafts = tokio::task::spawn_blocking(move || DraftPool::connect(&url, 1))
            .await.expect("join").expect("the drafts' pool");
        let mut lazy = drafts.get().expect("a drafts' connection");
        assert!(!commits_wait_for_disk(&mut lazy).expect("setting"));
        // The durable pool's connections are not changed by the other pool.
        assert!(commits_wait_for_disk(&mut **app.pool.get().expect("connection")).expect("setting"));
    }

    async fn abandoned_drafts_lose_their_answers_but_still_count_as_started(app) {
        use civic_survey::db::drafts::purge_abandoned;
        let mut abandoned = app.resident();
        abandoned.start(SLUG).await;
        abandoned.answer("/surveys/csp-2019/questions/borough", &[("answer", "dartford")]).await;
        let mut finished = app.resident();
        finished.start(SLUG).await;
        finished.answer("/surveys/csp-2019/questions/borough", &[("answer", "gravesham")]).await;
        finished.post("/surveys/csp-2019/submit", &[]).await;

        let mut conn = app.pool.get().expect("connection");
        let cutoff = civic_survey::db::now() + chrono::Duration::seconds(1);
        assert_eq!(purge_abandoned(&mut conn, cutoff).expect("purge"), 1);
        assert_eq!(purge_abandoned(&mut conn, cutoff).expect("purge"), 0, "nothing left to clear");
        assert!(abandoned.get("/surveys/csp-2019/questions/borough").await.checked().is_empty());
        assert_eq!(app.started(SLUG), 2);
        assert_eq!(app.completed(SLUG), 1);
        assert_eq!(app.option_counts(SLUG).len(), 1, "the stored response is untouched");
    }
}
