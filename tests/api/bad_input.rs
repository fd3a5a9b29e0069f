//! Every kind of bad input gets a 4xx page that says what to fix, shows what
//! was entered, and stores nothing.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, Options, Resident, TestApp, choose, on_both_backends};

const SLUG: &str = "csp-2019";

fn q(question: &str) -> String {
    format!("/surveys/{SLUG}/questions/{question}")
}

/// A resident who has answered Gravesham and ASB, now on the ASB follow-up.
async fn resident_at_follow_up(app: &TestApp) -> Resident {
    let mut r = app.resident();
    r.start(SLUG).await;
    r.answer(&q("borough"), &choose(&["gravesham"])).await;
    r.answer(&q("most-important"), &choose(&["asb"])).await;
    r
}

/// Nothing but the draft exists: no response, and the answers saved before
/// the bad request are unchanged.
async fn nothing_was_stored(app: &TestApp, r: &Resident) {
    assert_eq!(app.completed(SLUG), 0);
    assert_eq!(r.get(&q("borough")).await.checked(), ["gravesham"]);
    assert_eq!(r.get(&q("most-important")).await.checked(), ["asb"]);
    assert!(r.get(&q("asb-concerns")).await.checked().is_empty());
}

on_both_backends! {
    async fn a_missing_required_answer_is_explained(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        let page = r.answer(&q("borough"), &[]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(page.error_summary(), [("Select Dartford or Gravesham".to_owned(), "#answer".to_owned())]);
        assert_eq!(page.text(".error-message"), "Error: Select Dartford or Gravesham");
        assert!(page.text("title").starts_with("Error: "));
        assert_eq!(page.attrs("#answer", "name"), ["answer"], "the link target exists");
        let submit = r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(submit.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            submit.error_summary(),
            [("Select Dartford or Gravesham".to_owned(), format!("{}?change=1", q("borough")))]
        );
        assert_eq!(app.completed(SLUG), 0);
    }

    async fn an_unknown_option_is_refused(app) {
        let mut r = resident_at_follow_up(&app).await;
        let page = r.answer(&q("asb-concerns"), &choose(&["fly-tipping", "not-an-option"])).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert_eq!(page.error_summary(), [("Select one of the options listed".to_owned(), "#answer".to_owned())]);
        assert_eq!(page.checked(), ["fly-tipping"], "what was entered is shown again");
        nothing_was_stored(&app, &r).await;
    }

    async fn an_unknown_question_is_not_found(app) {
        let r = resident_at_follow_up(&app).await;
        let page = r.post(&q("no-such-question"), &choose(&["x"])).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(page.text("h1"), "Page not found");
        let page = r.get("/surveys/no-such-survey").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        nothing_was_stored(&app, &r).await;
    }

    async fn too_many_selections_are_refused_and_kept(app) {
        let mut r = resident_at_follow_up(&app).await;
        let four = ["fly-tipping", "drugs", "noisy-rowdy", "graffiti"];
        let page = r.answer(&q("asb-concerns"), &choose(&four)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.error_summary(),
            [("Select no more than 3 options; you selected 4".to_owned(), "#answer".to_owned())]
        );
        assert_eq!(page.checked(), four, "all four stay ticked to be corrected");
        nothing_was_stored(&app, &r).await;
    }

    async fn two_answers_to_a_single_choice_question_are_refused(app) {
        let mut r = resident_at_follow_up(&app).await;
        let page = r.answer(&q("most-important"), &choose(&["asb", "violence"])).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert_eq!(page.error_summary()[0].0, "Select only one option");
        nothing_was_stored(&app, &r).await;
    }

    async fn over_long_specify_text_is_refused_and_kept(app) {
        let mut r = resident_at_follow_up(&app).await;
        let long = "x".repeat(201);
        let mut fields = choose(&["other"]);
        fields.push(("specify-other", &long));
        let page = r.answer(&q("asb-concerns"), &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.error_summary(),
            [(
                "Tell us what concerns you must be 200 characters or fewer; you entered 201".to_owned(),
                "#specify-other".to_owned()
            )]
        );
        assert_eq!(page.attrs("#specify-other", "value"), [long]);
        assert_eq!(page.checked(), ["other"]);
        nothing_was_stored(&app, &r).await;
    }

    async fn a_follow_up_without_its_parent_answer_is_refused(app) {
        let mut r = app.resident();
        r.start(SLUG).await;
        r.answer(&q("borough"), &choose(&["gravesham"])).await;
        r.answer(&q("most-important"), &choose(&["violence"])).await;
        let page = r.post(&q("asb-concerns"), &choose(&["fly-tipping"])).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        assert_eq!(
            page.error_summary(),
            [(
                "Answer \u{201c}Which single community safety issue is MOST important in your local area?\u{201d} first: this question follows from it".to_owned(),
                q("most-important")
            )]
        );
        let check = r.get("/surveys/csp-2019/check").await;
        assert!(!check.texts(".summary-list__key").contains(&"Concerns within ASB".to_owned()));
        assert_eq!(app.completed(SLUG), 0);
    }

    async fn a_forged_or_malformed_draft_token_is_refused(app) {
        for token in ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "not-a-token"] {
            let r = app.resident();
            let response = r
                .client
                .post(format!("{}{}", app.address, q("borough")))
                .header("cookie", format!("civic_draft={token}"))
                .form(&[("answer", "dartford")])
                .send()
                .await
                .expect("POST");
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            let body = response.text().await.expect("body");
            assert!(body.contains("We could not find your answers"), "{body}");
        }
        assert_eq!(app.started(SLUG), 0);
        assert_eq!(app.completed(SLUG), 0);
    }

    async fn a_form_without_its_csrf_token_is_refused_and_kept(app) {
        let mut r = resident_at_follow_up(&app).await;
        r.get(&q("asb-concerns")).await;
        r.drop_csrf();
        let page = r.post(&q("asb-concerns"), &choose(&["drugs"])).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(page.error_summary()[0].1, "#answer");
        assert!(page.error_summary()[0].0.starts_with("This page had expired"));
        assert_eq!(page.checked(), ["drugs"], "what was entered is kept");
        let submit = r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(submit.status, StatusCode::FORBIDDEN);
        nothing_was_stored(&app, &r).await;
    }

    async fn a_non_utf8_body_is_refused(app) {
        let mut r = resident_at_follow_up(&app).await;
        let page = r.answer(&q("asb-concerns"), &[]).await; // skipping is fine: fetch the csrf
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let form = r.get(&q("asb-concerns")).await;
        let csrf = form.csrf().expect("csrf");
        for body in [b"answer=drugs&specify-other=\xff\xfe".to_vec(), b"answer=%FF".to_vec()] {
            let mut body = body;
            body.extend(format!("&csrf={csrf}").as_bytes());
            let page = r.post_raw(&q("asb-concerns"), Some("application/x-www-form-urlencoded"), body).await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST);
            assert_eq!(
                page.error_summary(),
                [("Your answer could not be read. Check your answer and try again".to_owned(), "#answer".to_owned())]
            );
        }
        assert_eq!(app.completed(SLUG), 0);
    }

    async fn an_oversize_body_is_refused(app) {
        let r = resident_at_follow_up(&app).await;
        let form = r.get(&q("asb-concerns")).await;
        let csrf = form.csrf().expect("csrf");
        let body = format!("csrf={csrf}&answer=other&specify-other={}", "y".repeat(20_000));
        let page = r.post_raw(&q("asb-concerns"), Some("application/x-www-form-urlencoded"), body.into_bytes()).await;
        assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.error_summary()[0].0.starts_with("Your answer was too long to accept"));
        nothing_was_stored(&app, &r).await;
    }

    async fn a_wrong_content_type_is_refused(app) {
        let r = resident_at_follow_up(&app).await;
        let form = r.get(&q("asb-concerns")).await;
        let csrf = form.csrf().expect("csrf");
        let json = format!("{{\"answer\":\"drugs\",\"csrf\":\"{csrf}\"}}");
        for content_type in [Some("application/json"), None, Some("application/x-www-form-urlencoded; charset=latin1")] {
            let page = r.post_raw(&q("asb-concerns"), content_type, json.clone().into_bytes()).await;
            assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
            assert_eq!(page.error_summary()[0].1, "#answer");
        }
        nothing_was_stored(&app, &r).await;
    }
}

#[tokio::test]
async fn an_expired_draft_is_refused_with_a_way_to_start_again() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            draft_lifetime: Duration::from_secs(1),
            ..Options::default()
        },
    )
    .await
    .expect("sqlite");
    let mut r = app.resident();
    let started = r.start(SLUG).await;
    let cookie = started.set_cookies[0]
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    r.answer(&q("borough"), &choose(&["gravesham"])).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // The browser drops the cookie when it expires; a client that kept it
    // (a clock that is wrong, a copied cookie) is refused by the server.
    for path in [q("most-important"), "/surveys/csp-2019/submit".to_owned()] {
        let response = r
            .client
            .post(format!("{}{path}", app.address))
            .header("cookie", &cookie)
            .form(&[("answer", "asb")])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::GONE);
        let page = crate::helpers::Page::from_body(
            response.status(),
            response.text().await.expect("body"),
        );
        assert_eq!(page.text("h1"), "Your answers have timed out");
        assert_eq!(page.attrs("form", "action"), ["/surveys/csp-2019/start"]);
    }
    let dropped = r.get(&q("most-important")).await;
    assert_eq!(
        dropped.location(),
        "/surveys/csp-2019",
        "an expired cookie leads to the start page"
    );
    assert_eq!(app.completed(SLUG), 0);
}
