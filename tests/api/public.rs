//! Public results (issue 13, part 1) on both backends: an admin publishes
//! chosen questions of the 2019 survey; residents read them without signing
//! in, suppressed (no count under 5, none that could be worked out), with
//! an ETag and Cache-Control, light and without scripts, and as open-data
//! CSV; the figures move on only once 5 more responses have arrived.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{choose, on_both_backends};

const ADMIN: &str = "/admin/surveys/csp-2019/public";
const PAGE: &str = "/surveys/csp-2019/public-results";

fn publish_form<'a>(questions: &[&'a str], breakdown: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = questions.iter().map(|q| ("question", *q)).collect();
    fields.push(("breakdown", breakdown));
    fields.push(("you-said", "You said anti-social behaviour mattered most.\n\nWe did: two more youth workers in Gravesham."));
    fields.push(("action", "publish"));
    fields
}

/// Every number in the public page's table cells.
fn counts_shown(page: &crate::helpers::Page) -> Vec<u64> {
    page.texts("table td.numeric")
        .iter()
        .filter(|t| !t.ends_with('%'))
        .filter_map(|t| t.split_whitespace().next()?.parse().ok())
        .collect()
}

on_both_backends! {
    async fn figures_published_for_after_closing_wait_until_the_survey_closes(app) {
        app.seed_2019();
        let admin = app.signed_in("admin").await;
        let mut form = publish_form(&["borough", "most-important"], "");
        form.push(("when", "whenever"));
        let refused = admin.post(ADMIN, &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.error_summary()[0].0.starts_with("Choose whether residents see the figures"), "{:?}", refused.error_summary());
        assert_eq!(app.resident().get(PAGE).await.status, StatusCode::NOT_FOUND, "nothing was published");
        form.pop();
        form.push(("when", "after-closing"));
        let published = admin.post(ADMIN, &form).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
        assert_eq!(admin.get(ADMIN).await.attrs("input[name=when][checked]", "value"), ["after-closing"]);

        let anonymous = app.resident();
        let waiting = anonymous.get(PAGE).await;
        assert_eq!(waiting.status, StatusCode::OK);
        assert_eq!(waiting.text("#waiting"), "The results of Community safety in Dartford and Gravesham will be published here once the survey has closed.");
        assert!(waiting.texts("table").is_empty(), "no figure yet");
        assert_eq!(anonymous.get_bytes(&format!("{PAGE}.csv")).await.0, StatusCode::NOT_FOUND);

        let closed = admin.post("/admin/surveys/csp-2019/state", &[("state", "closed")]).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
        let page = anonymous.get(PAGE).await;
        assert!(page.body.contains("420 people completed"), "{}", page.text("main"));
        assert_eq!(anonymous.get_bytes(&format!("{PAGE}.csv")).await.0, StatusCode::OK);
        let audit = admin.get("/admin/audit?action=public+results").await.texts("tbody td[data-detail]");
        assert_eq!(audit, ["published 2 questions (420 responses), shown once the survey has closed"]);
    }

    async fn an_admin_publishes_suppressed_figures_that_residents_read_without_signing_in(app) {
        app.seed_2019();
        let anonymous = app.resident();
        assert_eq!(anonymous.get(PAGE).await.status, StatusCode::NOT_FOUND, "nothing until published");

        let analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get(ADMIN).await.status, StatusCode::FORBIDDEN);
        let refused = analyst.post(ADMIN, &publish_form(&["borough"], "")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let admin = app.signed_in("admin").await;
        let form = admin.get(ADMIN).await;
        assert_eq!(form.status, StatusCode::OK);
        let questions = ["borough", "most-important", "asb-concerns", "age", "ethnicity", "gender"];
        let published = admin.post(ADMIN, &publish_form(&questions, "borough")).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);

        let page = anonymous.get(PAGE).await;
        assert_eq!(page.status, StatusCode::OK);
        println!("public page: {} bytes of HTML", page.body.len());
        assert!(page.body.len() < 50 * 1024, "{} bytes", page.body.len());
        assert!(!page.body.contains("<script"), "no JavaScript needed");
        assert_eq!(page.text("h1"), "What you told us");
        assert!(page.body.contains("420 people completed"), "the responses counted");
        assert!(page.body.contains("We did: two more youth workers in Gravesham."));
        let shown = counts_shown(&page);
        assert!(!shown.is_empty());
        let breakdowns = page.texts("caption.caption-s").len();
        assert_eq!(page.attrs("title[id^='public-breakdown-']", "id").len(), breakdowns, "each breakdown shown has its chart");
        assert!(shown.iter().all(|&n| n >= 5), "no count under 5: {shown:?}");
        let not_shown = page.texts("td").iter().filter(|t| *t == "Not shown").count();
        assert!(not_shown > 0, "the 2019 data set has small cells (ethnicity)");
        println!("public page, 2019: {} counts shown, {} cells not shown", shown.len(), not_shown);
        for row in page.texts("tr") {
            if row.contains("Not shown") || row.contains("fewer than 5 people") {
                println!("  {row}");
            }
        }

        // Caching: an ETag a reader can send back, and a cache lifetime.
        let response = anonymous.client.get(format!("{}{PAGE}", app.address)).send().await.expect("GET");
        let etag = response.headers()["etag"].to_str().expect("ascii").to_owned();
        assert_eq!(response.headers()["cache-control"], "public, max-age=60");
        let again = anonymous
            .client
            .get(format!("{}{PAGE}", app.address))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        // Open data: the same tables, small cells empty with a note.
        let (status, content_type, csv) = anonymous.get_bytes(&format!("{PAGE}.csv")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let headers = reader.headers().expect("header").clone();
        assert_eq!(&headers, &csv::StringRecord::from(vec!["question_id", "question", "group", "answer", "count", "percent", "base", "note"]));
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert!(rows.iter().any(|r| r[4].is_empty() && r[7].contains("fewer than 5")));
        for r in &rows {
            if let Ok(n) = r[4].parse::<u64>() {
                assert!(n >= 5, "{r:?}");
            }
        }
        assert!(rows.iter().any(|r| r[2].starts_with("Where do you live") || r[2].contains(": ")), "a breakdown by borough");

        // Free text and questions of other surveys are refused, nothing changes.
        let bad = admin.post(ADMIN, &publish_form(&["no-such-question"], "")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.error_summary().iter().any(|(m, _)| m.contains("Choose questions from this survey")));
        let bad = admin.post(ADMIN, &publish_form(&["borough"], "asb-concerns")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a follow-up with several answers");
        let none = admin.post(ADMIN, &[("action", "publish")]).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.error_summary().iter().any(|(m, _)| m.contains("Choose at least one question")));
        assert_eq!(anonymous.get(PAGE).await.body, page.body, "the published page is as it was");

        // Unpublished: gone.
        let off = admin.post(ADMIN, &[("action", "unpublish"), ("question", "borough")]).await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        assert_eq!(anonymous.get(PAGE).await.status, StatusCode::NOT_FOUND);
    }

    async fn published_figures_move_on_only_once_k_more_responses_have_arrived(app) {
        // A second instance that brings published figures up to date every
        // 200 ms (the default is every minute).
        app.another_instance_with(crate::helpers::Options {
                public_refresh: Duration::from_millis(200),
                ..crate::helpers::Options::default()
            })
            .await;
        let admin = app.signed_in("admin").await;
        // Nothing to show yet: refused with why, nothing published.
        let empty = admin.post(ADMIN, &publish_form(&["borough"], "")).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            empty.error_summary().iter().any(|(m, _)| m.contains("would show no figure") && m.contains("Fewer than 5 people")),
            "{:?}", empty.error_summary()
        );
        assert_eq!(app.resident().get(PAGE).await.status, StatusCode::NOT_FOUND);

        app.seed_2019();
        assert_eq!(admin.post(ADMIN, &publish_form(&["borough"], "")).await.status, StatusCode::SEE_OTHER);
        let first = app.resident().get(PAGE).await.body;
        assert!(first.contains("420 people completed"));
        // Publishing again before 5 more have arrived: the same figures, or
        // refused when the choice needs new ones (unpublishing in between
        // changes nothing).
        assert_eq!(admin.post(ADMIN, &[("action", "unpublish"), ("question", "borough")]).await.status, StatusCode::SEE_OTHER);
        let more = admin.post(ADMIN, &publish_form(&["borough", "age"], "")).await;
        assert_eq!(more.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            more.error_summary().iter().any(|(m, _)| m.contains("count 420 responses and only 0 more")),
            "{:?}", more.error_summary()
        );
        assert_eq!(app.resident().get(PAGE).await.status, StatusCode::NOT_FOUND, "still unpublished");
        assert_eq!(admin.post(ADMIN, &publish_form(&["borough"], "")).await.status, StatusCode::SEE_OTHER);
        let first = app.resident().get(PAGE).await.body;
        assert!(first.contains("420 people completed"));

        let respond = || async {
            let mut resident = app.resident();
            resident.start("csp-2019").await;
            resident.answer("/surveys/csp-2019/questions/borough", &choose(&["dartford"])).await;
            assert_eq!(resident.post("/surveys/csp-2019/submit", &[]).await.location(), "/surveys/csp-2019/done");
        };
        for _ in 0..4 {
            respond().await;
        }
        // Four new responses: the figures stay (the refresh runs every 200 ms here).
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(app.resident().get(PAGE).await.body, first, "4 more would pick out 4 people");
        respond().await;
        let mut moved = String::new();
        for _ in 0..50 {
            moved = app.resident().get(PAGE).await.body;
            if moved != first {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(moved.contains("425 people completed"), "the fifth moves them on");
    }
}
