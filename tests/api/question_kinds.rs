//! The scale and text question kinds, end to end: residents answer them,
//! officers read a scale's distribution, mean and positive end, and a text
//! question's answers (listed, searchable, exported, never charted).

use std::path::Path;

use reqwest::StatusCode;

use crate::helpers::{Backend, Options, Resident, TestApp, choose};

const SLUG: &str = "safety-2020";

fn q(question: &str) -> String {
    format!("/surveys/{SLUG}/questions/{question}")
}

async fn app(backend: Backend) -> Option<TestApp> {
    let options = Options {
        surveys_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/fixtures/kinds"),
        ..Options::default()
    };
    TestApp::spawn_with(backend, options).await
}

/// Each test body, on SQLite and on PostgreSQL, against the fixture survey.
macro_rules! on_both_backends_with_kinds {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::app(crate::helpers::Backend::Sqlite).await.expect("SQLite");
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = super::app(crate::helpers::Backend::Postgres).await else { return };
                    super::$name(app).await;
                }
            )*
        }
    };
}

on_both_backends_with_kinds!(
    a_resident_answers_a_scale_and_a_text_question,
    a_bad_text_or_scale_answer_is_refused_and_what_was_typed_is_kept,
    results_show_the_scale_and_list_the_text_answers,
    text_answers_are_in_the_raw_exports_and_never_charted,
    a_text_question_cannot_filter_and_bad_listing_requests_are_refused,
    a_search_ignores_case_beyond_ascii,
);

/// "école" finds "ÉCOLE", and "HIGH STREET" finds "high street", on
/// both backends (SQLite's own lower() folds only ASCII).
async fn a_search_ignores_case_beyond_ascii(app: TestApp) {
    respond(
        &app,
        "dartford",
        "very-safe",
        Some("Cars speed past the ÉCOLE gates"),
    )
    .await;
    respond(
        &app,
        "gravesham",
        "very-safe",
        Some("Lights out on the high street"),
    )
    .await;
    let officer = app.signed_in("analyst").await;
    let found = officer
        .get(&format!(
            "/surveys/{SLUG}/results/text/comments?q=%C3%A9cole"
        ))
        .await;
    assert_eq!(
        found.texts("ol.text-answers p.answer-text"),
        ["Cars speed past the ÉCOLE gates"]
    );
    let upper = officer
        .get(&format!(
            "/surveys/{SLUG}/results/text/comments?q=HIGH+STREET"
        ))
        .await;
    assert_eq!(upper.texts("ol.text-answers p.answer-text").len(), 1);
}

/// A resident who answers the borough, the scale and (unless `None`) the
/// text question, and submits.
async fn respond(app: &TestApp, borough: &str, safety: &str, comment: Option<&str>) {
    let mut r = app.resident();
    r.start(SLUG).await;
    let next = r.answer(&q("borough"), &choose(&[borough])).await;
    assert_eq!(next.location(), q("safe-after-dark"));
    let next = r.answer(&q("safe-after-dark"), &choose(&[safety])).await;
    assert_eq!(next.location(), q("comments"));
    let next = r
        .answer(&q("comments"), &[("answer", comment.unwrap_or(""))])
        .await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
    assert_eq!(next.location(), format!("/surveys/{SLUG}/check"));
    let done = r.post(&format!("/surveys/{SLUG}/submit"), &[]).await;
    assert_eq!(done.location(), format!("/surveys/{SLUG}/done"));
}

async fn a_resident_answers_a_scale_and_a_text_question(app: TestApp) {
    let mut r = app.resident();
    r.start(SLUG).await;
    r.answer(&q("borough"), &choose(&["dartford"])).await;

    let scale = r.get(&q("safe-after-dark")).await;
    assert_eq!(
        scale.text("legend h1"),
        "How safe do you feel in your local area after dark?"
    );
    assert_eq!(
        scale.attrs("input[type=radio][name=answer]", "value"),
        [
            "very-safe",
            "fairly-safe",
            "neither",
            "fairly-unsafe",
            "very-unsafe",
            "dont-know"
        ]
    );
    r.answer(&q("safe-after-dark"), &choose(&["fairly-unsafe"]))
        .await;

    let text = r.get(&q("comments")).await;
    assert_eq!(
        text.text("h1 label[for=answer]"),
        "Is there anything else you would like to tell us about community safety?"
    );
    assert!(
        text.text("#answer-hint")
            .ends_with("You can enter up to 200 characters."),
        "{}",
        text.text("#answer-hint")
    );
    assert_eq!(text.attrs("textarea#answer", "name"), ["answer"]);
    assert_eq!(
        text.attrs("textarea#answer", "aria-describedby"),
        ["answer-hint"]
    );
    // A browser sends a text area's line breaks as CR LF.
    let sent = "The underpass needs lights.\r\nAnd the park after 9pm.";
    let typed = "The underpass needs lights.\nAnd the park after 9pm.";
    let next = r.answer(&q("comments"), &[("answer", sent)]).await;
    assert_eq!(next.location(), format!("/surveys/{SLUG}/check"));

    // Going back shows what was typed, line break and all.
    let again = r.get(&q("comments")).await;
    assert!(
        again.body.contains(&format!(">\n{typed}</textarea>")),
        "{}",
        again.body
    );
    // HTML drops one newline after <textarea>: an answer that starts with a
    // line break keeps it.
    r.answer(&q("comments"), &[("answer", "\r\nStarts low")])
        .await;
    let low = r.get(&q("comments")).await;
    assert!(
        low.body.contains(">\n\nStarts low</textarea>"),
        "{}",
        low.body
    );
    r.answer(&q("comments"), &[("answer", sent)]).await;

    let check = r.get(&format!("/surveys/{SLUG}/check")).await;
    let answers = check.texts("dd.summary-list__value");
    assert_eq!(answers[..2], ["Dartford", "Fairly unsafe"]);
    assert!(
        check
            .body
            .contains(&format!("<span class=\"answer-text\">{typed}</span>")),
        "the text, line break and all: {}",
        check.body
    );
    let done = r.post(&format!("/surveys/{SLUG}/submit"), &[]).await;
    assert_eq!(done.location(), format!("/surveys/{SLUG}/done"));

    assert_eq!(app.completed(SLUG), 1);
    assert_eq!(app.details(SLUG, "comments", "text"), [typed]);
    let answered = app.answered(SLUG);
    assert_eq!(answered.get("comments"), Some(&1));
    assert_eq!(answered.get("safe-after-dark"), Some(&1));
}

async fn a_bad_text_or_scale_answer_is_refused_and_what_was_typed_is_kept(app: TestApp) {
    let mut r = app.resident();
    r.start(SLUG).await;
    r.answer(&q("borough"), &choose(&["gravesham"])).await;

    let two = r
        .answer(
            &q("safe-after-dark"),
            &choose(&["very-safe", "very-unsafe"]),
        )
        .await;
    assert_eq!(two.status, StatusCode::BAD_REQUEST, "two radios");
    let unknown = r
        .answer(&q("safe-after-dark"), &choose(&["somewhat"]))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "not an option");
    r.answer(&q("safe-after-dark"), &choose(&["dont-know"]))
        .await;

    let long = "é".repeat(201);
    let refused = r.answer(&q("comments"), &[("answer", &long)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.error_summary(),
        [(
            "Your answer must be 200 characters or fewer; you entered 201".to_owned(),
            "#answer".to_owned()
        )]
    );
    assert_eq!(
        refused.text("textarea#answer"),
        long,
        "what was typed is kept"
    );
    assert_eq!(
        refused.attrs("textarea#answer", "aria-describedby"),
        ["answer-hint answer-error"]
    );
    assert!(refused.text("title").starts_with("Error: "));

    let bell = r
        .answer(&q("comments"), &[("answer", "ring \u{7} ring")])
        .await;
    assert_eq!(bell.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bell.error_summary()[0].0,
        "Your answer must not contain control characters"
    );

    // Nothing was stored by the refusals: the question is still unanswered.
    let check = r.get(&format!("/surveys/{SLUG}/check")).await;
    assert_eq!(
        check.texts("dd.summary-list__value"),
        ["Gravesham", "Don't know", "Not answered"]
    );
    assert_eq!(app.completed(SLUG), 0);
}

/// Ten residents: the scale 2 very safe, 3 fairly safe, 1 neither, 1 fairly
/// unsafe, 1 very unsafe and 2 don't know; seven comments.
async fn ten_residents(app: &TestApp) {
    let safety = [
        "very-safe",
        "very-safe",
        "fairly-safe",
        "fairly-safe",
        "fairly-safe",
        "neither",
        "fairly-unsafe",
        "very-unsafe",
        "dont-know",
        "dont-know",
    ];
    for (i, answer) in safety.iter().enumerate() {
        let borough = if i < 4 { "dartford" } else { "gravesham" };
        let comment = match i {
            0 => Some("<script>alert('x')</script> Street lights are out".to_owned()),
            1 => Some("Discount: 50% off STREET parking".to_owned()),
            2..=6 => Some(format!("Comment {i}: more patrols")),
            _ => None,
        };
        respond(app, borough, answer, comment.as_deref()).await;
    }
}

async fn results_show_the_scale_and_list_the_text_answers(app: TestApp) {
    ten_residents(&app).await;
    let officer = app.signed_in("analyst").await;

    let page = officer.get(&format!("/surveys/{SLUG}/results")).await;
    assert_eq!(page.status, StatusCode::OK);
    let summary = page.text("#all-q-safe-after-dark ~ .scale-summary");
    assert_eq!(
        summary,
        "63% chose Very safe or Fairly safe (5 of the 8 who gave a rating). Mean score 3.50 on a scale from 1 to 5, where 5 is Very safe. The 2 who answered \u{201c}Don't know\u{201d} are left out of both."
    );
    let shares = page.texts("table[data-question=safe-after-dark] td.percent");
    assert_eq!(shares, ["20%", "30%", "10%", "10%", "10%", "20%"]);
    // Each with its 95% interval; ten respondents are a small base.
    let intervals = page.texts("table[data-question=safe-after-dark] td.interval");
    assert_eq!(
        intervals,
        [
            "6\u{2013}51%",
            "11\u{2013}60%",
            "2\u{2013}40%",
            "2\u{2013}40%",
            "2\u{2013}40%",
            "6\u{2013}51%"
        ]
    );
    assert!(
        page.text("section[aria-labelledby=all-q-safe-after-dark] .small-base")
            .starts_with("Small base Only 10 people answered this question.")
    );
    // The text question: counted, linked, never charted.
    let text_section = page.text("section[aria-labelledby=all-q-comments]");
    assert!(
        text_section.contains("Of 7 respondents to this question."),
        "{text_section}"
    );
    assert!(
        page.attrs("section[aria-labelledby=all-q-comments] svg", "id")
            .is_empty()
    );
    let link = page.attrs("section[aria-labelledby=all-q-comments] a", "href");
    assert_eq!(link, [format!("/surveys/{SLUG}/results/text/comments")]);

    let (status, json) = officer
        .get_json(&format!("/api/surveys/{SLUG}/results"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let questions = json["questions"].as_array().expect("questions");
    let scale = questions
        .iter()
        .find(|q| q["id"] == "safe-after-dark")
        .expect("the scale");
    assert_eq!(scale["kind"], "scale");
    assert_eq!(scale["answered"], 10);
    assert_eq!(scale["scale"]["rated"], 8);
    assert_eq!(scale["scale"]["points"], 5);
    assert_eq!(scale["scale"]["mean"], 3.5);
    assert_eq!(scale["scale"]["positive"], 5);
    assert_eq!(scale["scale"]["positive_percent"], 62.5);
    let text = questions
        .iter()
        .find(|q| q["id"] == "comments")
        .expect("the text question");
    assert_eq!(text["kind"], "text");
    assert_eq!(text["answered"], 7);
    assert_eq!(text["options"], serde_json::json!([]));

    let list = officer
        .get(&format!("/surveys/{SLUG}/results/text/comments"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.text("#answer-count"),
        "7 answers, newest first: 1 to 7."
    );
    let answers = list.texts("ol.text-answers p.answer-text");
    assert_eq!(answers.len(), 7);
    assert_eq!(answers[0], "Comment 6: more patrols", "newest first");
    assert_eq!(
        answers[6],
        "<script>alert('x')</script> Street lights are out"
    );
    assert!(list.body.contains("&lt;script&gt;"), "free text is escaped");

    let street = officer
        .get(&format!("/surveys/{SLUG}/results/text/comments?q=street"))
        .await;
    assert_eq!(
        street.text("#answer-count"),
        "2 answers contain \u{201c}street\u{201d}, newest first: 1 to 2."
    );
    let percent = officer
        .get(&format!(
            "/surveys/{SLUG}/results/text/comments?q=50%25+off"
        ))
        .await;
    assert_eq!(
        percent.texts("ol.text-answers p.answer-text"),
        ["Discount: 50% off STREET parking"],
        "% is taken literally"
    );
    assert_eq!(
        percent.text("#answer-count"),
        "1 answer contains \u{201c}50% off\u{201d}, newest first: 1 to 1."
    );
    let wildcard = officer
        .get(&format!("/surveys/{SLUG}/results/text/comments?q=%25"))
        .await;
    assert_eq!(wildcard.texts("ol.text-answers p.answer-text").len(), 1);

    // The view's filters apply: Dartford's comments only (residents 0-3).
    let dartford = officer
        .get(&format!(
            "/surveys/{SLUG}/results/text/comments?f-borough=dartford"
        ))
        .await;
    assert_eq!(dartford.texts("ol.text-answers p.answer-text").len(), 4);
    assert_eq!(
        dartford.text(".inset-text"),
        "Showing only responses with Borough: Dartford."
    );
    assert_eq!(
        dartford.attrs("form[role=search] input[type=hidden]", "name"),
        ["f-borough"]
    );

    // A scale can filter the figures.
    let (_, safe) = officer
        .get_json(&format!(
            "/api/surveys/{SLUG}/results?f-safe-after-dark=very-safe"
        ))
        .await;
    assert_eq!(safe["respondents"]["completed"], 2);
}

async fn text_answers_are_in_the_raw_exports_and_never_charted(app: TestApp) {
    respond(&app, "dartford", "neither", Some("=SUM(A1) lights")).await;
    respond(&app, "gravesham", "very-safe", None).await;
    let officer = app.signed_in("analyst").await;

    let (status, _, wide) = officer
        .get_bytes(&format!("/surveys/{SLUG}/exports/responses.csv?ids=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let wide = String::from_utf8(wide).expect("UTF-8");
    let mut lines = wide.lines();
    assert_eq!(
        lines.next(),
        Some("response,submitted_at,borough,safe-after-dark,comments")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    assert_eq!(rows[0][2..], ["dartford", "neither", "'=SUM(A1) lights"]);
    assert_eq!(rows[1][2..], ["gravesham", "very-safe", ""]);

    let (_, _, long) = officer
        .get_bytes(&format!("/surveys/{SLUG}/exports/responses-long.csv"))
        .await;
    let long = String::from_utf8(long).expect("UTF-8");
    assert!(
        long.lines()
            .any(|l| l.ends_with(",Anything else,'=SUM(A1) lights,")),
        "the text is the answer, neutralised: {long}"
    );

    let chart = officer
        .get_bytes(&format!("/surveys/{SLUG}/charts/comments.svg"))
        .await;
    assert_eq!(chart.0, StatusCode::NOT_FOUND, "text is never charted");
    let scale_chart = officer
        .get_bytes(&format!("/surveys/{SLUG}/charts/safe-after-dark.svg"))
        .await;
    assert_eq!(scale_chart.0, StatusCode::OK);
    let svg = String::from_utf8(scale_chart.2).expect("UTF-8");
    let drawn = &svg[svg.find("</desc>").expect("a description")..];
    let very_safe = drawn.find("Very safe").expect("a bar label");
    let neither = drawn.find("Neither safe nor unsafe").expect("a bar label");
    let very_unsafe = drawn.find("Very unsafe").expect("a bar label");
    assert!(
        very_safe < neither && neither < very_unsafe,
        "a scale keeps its order, whatever the counts"
    );
    assert!(
        svg.contains("Very safe 1 (50%), Fairly safe 0 (0%), Neither safe nor unsafe 1 (50%)"),
        "and so does its description: {svg}"
    );

    let (status, _, xlsx) = officer
        .get_bytes(&format!("/surveys/{SLUG}/exports/summary.xlsx"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"), "a workbook");
}

async fn a_text_question_cannot_filter_and_bad_listing_requests_are_refused(app: TestApp) {
    let officer = app.signed_in("analyst").await;
    let filter = officer
        .get(&format!("/surveys/{SLUG}/results?f-comments=text"))
        .await;
    assert_eq!(filter.status, StatusCode::BAD_REQUEST);
    assert!(
        filter.text("main").contains("is answered in free text"),
        "{}",
        filter.text("main")
    );
    let listing = |query: &str| format!("/surveys/{SLUG}/results/text/comments{query}");
    for bad in ["?page=0", "?page=x", "?page=99999999999"] {
        let page = officer.get(&listing(bad)).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let past_the_end = officer.get(&listing("?page=2")).await;
    assert_eq!(
        past_the_end.status,
        StatusCode::NOT_FOUND,
        "one page of none"
    );
    let long = officer
        .get(&listing(&format!("?q={}", "a".repeat(201))))
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    let not_text = officer
        .get(&format!("/surveys/{SLUG}/results/text/borough"))
        .await;
    assert_eq!(not_text.status, StatusCode::NOT_FOUND);
    let anonymous: Resident = app.resident();
    let refused = anonymous.get(&listing("")).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "officers only");
}
