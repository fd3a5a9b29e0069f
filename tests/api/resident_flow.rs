//! A resident answers the survey page by page, as a browser would.

use reqwest::StatusCode;

use crate::helpers::{Backend, Options, Resident, TestApp, choose, on_both_backends};

const SLUG: &str = "csp-2019";

fn q(question: &str) -> String {
    format!("/surveys/{SLUG}/questions/{question}")
}

/// Answers the borough and category, returning where the category leads.
async fn answer_first_two(r: &mut Resident, borough: &str, category: &str) -> String {
    let to_category = r.answer(&q("borough"), &choose(&[borough])).await;
    assert_eq!(to_category.status, StatusCode::SEE_OTHER);
    assert_eq!(to_category.location(), q("most-important"));
    let next = r.answer(&q("most-important"), &choose(&[category])).await;
    assert_eq!(next.status, StatusCode::SEE_OTHER);
    next.location().to_owned()
}

on_both_backends! {
    async fn the_start_page_says_what_the_survey_is_for(app) {
        let r = app.resident();
        let page = r.get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.text("h1"), "Community safety in Dartford and Gravesham");
        let text = page.text("main");
        assert!(text.contains("People who live or work in Dartford or Gravesham."), "{text}");
        assert!(text.contains("It takes about 3 minutes."), "{text}");
        assert!(text.contains("There is no closing date."), "{text}");
        assert_eq!(page.text("#privacy"), "How we use your answers");
        assert!(text.contains("we do not keep your IP address"), "{text}");
        assert_eq!(page.attrs("form", "action"), ["/surveys/csp-2019/start"]);
        // Opening a page starts nothing.
        assert_eq!(app.started(SLUG), 0);
    }

    async fn a_resident_completes_the_survey_page_by_page(app) {
        let mut r = app.resident();
        let started = r.start(SLUG).await;
        assert_eq!(started.location(), q("borough"));
        let cookie = &started.set_cookies[0];
        assert!(cookie.starts_with("civic_draft="), "{cookie}");
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/surveys/csp-2019"] {
            assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
        }
        assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
        assert_eq!(app.started(SLUG), 1);

        let borough = r.get(&q("borough")).await;
        assert_eq!(borough.text("legend h1"), "Do you live or work in Dartford or Gravesham?");
        assert_eq!(borough.attrs("a.back-link", "href"), ["/surveys/csp-2019"]);
        assert_eq!(borough.attrs("input[name=answer]", "value"), ["dartford", "gravesham"]);

        let next = answer_first_two(&mut r, "gravesham", "asb").await;
        assert_eq!(next, q("asb-concerns"), "the follow-up is chosen by the category");
        let follow_up = r.get(&next).await;
        assert_eq!(follow_up.attrs("a.back-link", "href"), [q("most-important")]);
        assert_eq!(follow_up.attrs("input[type=checkbox]", "value").len(), 10);

        let mut fields = choose(&["fly-tipping", "other"]);
        fields.push(("specify-other", "Parking on <b>pavements</b> & verges"));
        let to_age = r.answer(&next, &fields).await;
        assert_eq!(to_age.location(), q("age"));
        let to_ethnicity = r.answer(&q("age"), &[]).await;
        assert_eq!(to_ethnicity.location(), q("ethnicity"), "optional questions can be skipped");
        let to_gender = r.answer(&q("ethnicity"), &choose(&["white-british"])).await;
        let to_check = r.answer(to_gender.location(), &choose(&["female"])).await;
        assert_eq!(to_check.location(), "/surveys/csp-2019/check");

        let check = r.get("/surveys/csp-2019/check").await;
        assert_eq!(check.status, StatusCode::OK);
        assert_eq!(
            check.texts(".summary-list__key"),
            ["Borough", "Most important issue", "Concerns within ASB", "Age", "Ethnicity", "Gender"]
        );
        let values = check.texts(".summary-list__value");
        assert_eq!(values[0], "Gravesham");
        assert_eq!(values[2], "Fly-tipping Other: Parking on <b>pavements</b> & verges");
        assert_eq!(values[3], "Not answered");
        assert!(
            check.body.contains("Parking on &lt;b&gt;pavements&lt;/b&gt; &amp; verges"),
            "typed text is escaped"
        );
        assert_eq!(app.completed(SLUG), 0, "nothing is a response before submit");

        let submitted = r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(submitted.status, StatusCode::SEE_OTHER);
        assert_eq!(submitted.location(), "/surveys/csp-2019/done");
        let done = r.get("/surveys/csp-2019/done").await;
        assert_eq!(done.status, StatusCode::OK);
        assert_eq!(done.text("h1"), "Response submitted");

        assert_eq!(app.completed(SLUG), 1);
        let counts = app.option_counts(SLUG);
        let rows: Vec<(&str, &str)> = counts.keys().map(|(q, o)| (q.as_str(), o.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("asb-concerns", "fly-tipping"),
                ("asb-concerns", "other"),
                ("borough", "gravesham"),
                ("ethnicity", "white-british"),
                ("gender", "female"),
                ("most-important", "asb"),
            ]
        );
        assert_eq!(
            app.details(SLUG, "asb-concerns", "other"),
            ["Parking on <b>pavements</b> & verges"],
            "specify text is stored as typed"
        );

        // After submitting, the question pages lead to the confirmation.
        let again = r.get(&q("borough")).await;
        assert_eq!(again.location(), "/surveys/csp-2019/done");
    }

    async fn going_back_and_refreshing_lose_nothing(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        answer_first_two(&mut r, "dartford", "property-crime").await;
        let mut fields = choose(&["residential-burglary", "scams"]);
        fields.push(("specify-other", "ignored: Other is not ticked"));
        r.answer(&q("property-crime-concerns"), &fields).await;
        for _ in 0..2 {
            let page = r.get(&q("property-crime-concerns")).await;
            assert_eq!(page.checked(), ["residential-burglary", "scams"]);
        }
        assert_eq!(r.get(&q("borough")).await.checked(), ["dartford"]);
        assert_eq!(r.get(&q("most-important")).await.checked(), ["property-crime"]);
    }

    async fn changing_the_category_drops_the_follow_up_answers_that_no_longer_apply(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        answer_first_two(&mut r, "gravesham", "asb").await;
        r.answer(&q("asb-concerns"), &choose(&["graffiti", "drugs"])).await;
        for question in ["age", "ethnicity", "gender"] {
            r.answer(&q(question), &[]).await;
        }
        let check = r.get("/surveys/csp-2019/check").await;
        let change_links = check.attrs(".summary-list__actions a", "href");
        assert_eq!(change_links[1], format!("{}?change=1", q("most-important")));

        let changed = r.answer(&change_links[1], &choose(&["violence"])).await;
        assert_eq!(
            changed.location(),
            format!("{}?change=1", q("violence-concerns")),
            "the new category's follow-up is asked next"
        );
        let follow_up = r.get(changed.location()).await;
        assert_eq!(follow_up.attrs("a.back-link", "href"), ["/surveys/csp-2019/check"]);
        let back = r.answer(changed.location(), &choose(&["robbery"])).await;
        assert_eq!(back.location(), "/surveys/csp-2019/check");

        let check = r.get("/surveys/csp-2019/check").await;
        let keys = check.texts(".summary-list__key");
        assert!(keys.contains(&"Concerns within violence".to_owned()), "{keys:?}");
        assert!(!keys.contains(&"Concerns within ASB".to_owned()), "{keys:?}");
        // The old follow-up page is no longer offered.
        let old = r.get(&q("asb-concerns")).await;
        assert_eq!(old.status, StatusCode::SEE_OTHER);

        r.post("/surveys/csp-2019/submit", &[]).await;
        let counts = app.option_counts(SLUG);
        assert!(counts.keys().all(|(q, _)| q != "asb-concerns"), "{counts:?}");
        assert_eq!(counts.get(&("violence-concerns".into(), "robbery".into())), Some(&1));
    }

    async fn a_response_with_only_the_borough_still_counts(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        r.answer(&q("borough"), &choose(&["dartford"])).await;
        let skipped = r.answer(&q("most-important"), &[]).await;
        assert_eq!(skipped.location(), q("age"), "no follow-up without a category");
        for question in ["age", "ethnicity", "gender"] {
            r.answer(&q(question), &[]).await;
        }
        let done = r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(done.location(), "/surveys/csp-2019/done");
        assert_eq!(app.completed(SLUG), 1);
        assert_eq!(app.option_counts(SLUG).len(), 1);
    }

    async fn a_double_submitted_response_is_stored_once(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        r.answer(&q("borough"), &choose(&["gravesham"])).await;
        r.get("/surveys/csp-2019/check").await;
        let (a, b, c) = tokio::join!(
            r.post("/surveys/csp-2019/submit", &[]),
            r.post("/surveys/csp-2019/submit", &[]),
            r.post("/surveys/csp-2019/submit", &[]),
        );
        for page in [a, b, c] {
            assert_eq!(page.status, StatusCode::SEE_OTHER);
            assert_eq!(page.location(), "/surveys/csp-2019/done");
        }
        let retry = r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(retry.location(), "/surveys/csp-2019/done");
        assert_eq!(app.completed(SLUG), 1);
        assert_eq!(app.started(SLUG), 1);
    }

    async fn the_confirmation_is_shown_only_for_a_stored_response(app) {
        let mut r = app.resident();
        let no_draft = r.get("/surveys/csp-2019/done").await;
        assert_eq!(no_draft.location(), "/surveys/csp-2019");
        r.start(SLUG).await;
        let unsubmitted = r.get("/surveys/csp-2019/done").await;
        assert_eq!(unsubmitted.location(), "/surveys/csp-2019/check");
    }

    async fn pressing_start_again_resumes_the_draft_in_progress(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        r.answer(&q("borough"), &choose(&["gravesham"])).await;
        let again = r.start(SLUG).await;
        assert_eq!(again.location(), q("most-important"));
        assert_eq!(app.started(SLUG), 1);
    }

    async fn the_draft_cookie_is_secure_behind_https(app) {
        let r = app.resident();
        let start = r.get("/surveys/csp-2019").await;
        let token = start.csrf().expect("csrf");
        let response = r
            .client
            .post(format!("{}/surveys/csp-2019/start", app.address))
            .header("x-forwarded-proto", "https")
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .expect("POST");
        let cookie = response.headers().get("set-cookie").expect("cookie");
        assert!(cookie.to_str().expect("ascii").contains("Secure"));
    }
}

fn survey_dir_with(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let shipped =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml");
    std::fs::copy(shipped, dir.path().join("csp-2019.toml")).expect("copy");
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn dated_survey(slug: &str, dates: &str) -> String {
    format!(
        r#"
slug = "{slug}"
title = "Dated survey"
organisation = "O"
purpose = "P"
who_can_answer = "W"
time_to_complete = "1 minute"
privacy = "X"
{dates}
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{{ id = "x", label = "X" }}, {{ id = "y", label = "Y" }}]
"#
    )
}

#[tokio::test]
async fn a_closed_or_unopened_survey_shows_a_clear_page_and_refuses_answers() {
    let closed = dated_survey(
        "closed",
        "opens = \"2019-01-01T00:00:00Z\"\ncloses = \"2019-02-01T00:00:00Z\"",
    );
    let future = dated_survey("future", "opens = \"2999-01-01T00:00:00Z\"");
    let dir = survey_dir_with(&[("closed.toml", &closed), ("future.toml", &future)]);
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            surveys_dir: dir.path().to_owned(),
            ..Options::default()
        },
    )
    .await
    .expect("sqlite");
    let r = app.resident();

    let start = r.get("/surveys/closed").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(
        start
            .text("main")
            .contains("This survey closed on 31 January 2019."),
        "a survey closing at midnight closed at the end of the day before"
    );
    assert!(start.attrs("form", "action").is_empty(), "no start button");
    let refused = r.post("/surveys/closed/start", &[("csrf", "x")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.text("h1"), "This survey has closed");
    let refused = r
        .post("/surveys/closed/questions/a", &[("answer", "x")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let future_start = r.get("/surveys/future").await;
    assert!(
        future_start
            .text("main")
            .contains("This survey opens on 1 January 2999.")
    );
    let refused = r.post("/surveys/future/start", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.text("h1"), "This survey is not open yet");

    assert_eq!(app.started("closed"), 0);
    assert_eq!(app.started("future"), 0);
    // With several surveys, / lists them.
    let home = r.get("/").await;
    assert_eq!(home.texts("main li a").len(), 3);
}
