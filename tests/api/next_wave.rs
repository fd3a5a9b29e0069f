//! Issue 10's whole story, as an officer lives it, on both backends: copy
//! csp-2019 as csp-2020, reword a question, add a scale and a text question,
//! give it three channels, preview it, publish it; 60 residents answer
//! through the three channel links; the results show the channels, the
//! scale's distribution, mean and top-two share, and the text answers; and
//! every published 2019 figure still reproduces.

use reqwest::StatusCode;
use serde_json::Value;

use crate::channels::set_channels;
use crate::helpers::{Resident, TestApp, choose, on_both_backends};
use crate::results::every_2019_figure_is_on_the_page;

const DRAFT: &str = "/admin/drafts/csp-2020";
const SCALE: [&str; 6] = [
    "very-safe",
    "fairly-safe",
    "neither-safe-nor-unsafe",
    "fairly-unsafe",
    "very-unsafe",
    "don-t-know",
];
const CHANNELS: [&str; 3] = ["council-website", "facebook", "street-survey-tablet"];

async fn revision(admin: &Resident) -> String {
    admin
        .get(DRAFT)
        .await
        .attrs("form[action$='/publish'] input[name=revision]", "value")
        .pop()
        .expect("the publish form has a revision")
}

fn question<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == id)
        .expect("the question")
}

/// Resident `i`: through channel `i % 3`, from Dartford or Gravesham, a
/// rating `i % 6` of the scale, and every fourth a comment.
async fn resident(app: &TestApp, i: usize) {
    let mut resident = app.resident();
    resident
        .start_from(&format!("/surveys/csp-2020?channel={}", CHANNELS[i % 3]))
        .await;
    let borough = if i.is_multiple_of(2) {
        "dartford"
    } else {
        "gravesham"
    };
    let answered = resident
        .answer("/surveys/csp-2020/questions/borough", &choose(&[borough]))
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    resident
        .answer(
            "/surveys/csp-2020/questions/safe-after-dark",
            &choose(&[SCALE[i % 6]]),
        )
        .await;
    if i.is_multiple_of(4) {
        let comment = format!("Resident {i}: the underpass on Milton Road needs lights");
        resident
            .answer(
                "/surveys/csp-2020/questions/anything-else",
                &[("answer", &comment)],
            )
            .await;
    }
    let done = resident.post("/surveys/csp-2020/submit", &[]).await;
    assert_eq!(done.location(), "/surveys/csp-2020/done", "{}", done.body);
}

on_both_backends! {
    async fn an_officer_runs_the_2020_wave_in_the_browser_and_2019_still_reproduces(app) {
        app.seed_2019();
        let admin = app.signed_in("admin").await;

        // Copy csp-2019 as its next wave.
        let created = admin.post("/admin/surveys/new", &[
            ("copy-from", "csp-2019"), ("slug", "csp-2020"),
            ("title", "Community safety in Dartford and Gravesham 2020"), ("opens", ""), ("closes", ""),
        ]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text(".error-summary"));

        // Reword a question; its id, and so the comparison, stays.
        let form = admin.get(&format!("{DRAFT}/questions/most-important")).await;
        let hint = form.raw_text("textarea#hint");
        let options = form.raw_text("textarea#options");
        let rev = revision(&admin).await;
        let mut fields = vec![
            ("revision", rev.as_str()),
            ("question-id", "most-important"),
            ("kind", "single"),
            ("title", "Which one community safety issue matters MOST where you live?"),
            ("hint", hint.as_str()),
        ];
        if !options.is_empty() {
            fields.push(("options", options.as_str()));
        }
        let short = form.attrs("input#short-label", "value").pop().unwrap_or_default();
        let chart = form.attrs("input#chart-title", "value").pop().unwrap_or_default();
        fields.push(("short-label", &short));
        fields.push(("chart-title", &chart));
        let reworded = admin.post(&format!("{DRAFT}/questions/most-important"), &fields).await;
        assert_eq!(reworded.status, StatusCode::SEE_OTHER, "{}", reworded.text(".error-summary"));

        // A scale, with "Don't know" out of the score, and a text question.
        let rev = revision(&admin).await;
        let scale = admin.post(&format!("{DRAFT}/add-question"), &[
            ("revision", &rev), ("question-id", "safe-after-dark"), ("kind", "scale"),
            ("title", "How safe do you feel in your local area after dark?"),
            ("short-label", "Safety after dark"), ("positive", "2"),
            ("options", "Very safe\nFairly safe\nNeither safe nor unsafe\nFairly unsafe\nVery unsafe"),
        ]).await;
        assert_eq!(scale.status, StatusCode::SEE_OTHER, "{}", scale.text(".error-summary"));
        let rev = revision(&admin).await;
        let dont_know = admin.post(&format!("{DRAFT}/questions/safe-after-dark/add-option"), &[("revision", &rev), ("label", "Don't know"), ("unscored", "yes")]).await;
        assert_eq!(dont_know.status, StatusCode::SEE_OTHER, "{}", dont_know.text(".error-summary"));
        let rev = revision(&admin).await;
        let text = admin.post(&format!("{DRAFT}/add-question"), &[
            ("revision", &rev), ("question-id", "anything-else"), ("kind", "text"),
            ("title", "Is there anything else you would like to tell us?"), ("max-length", "500"),
        ]).await;
        assert_eq!(text.status, StatusCode::SEE_OTHER, "{}", text.text(".error-summary"));
        let channels = set_channels(&admin, "csp-2020", "Council website\nFacebook\nStreet survey tablet").await;
        assert_eq!(channels.status, StatusCode::SEE_OTHER, "{}", channels.text(".error-summary"));

        // Preview: the resident's pages, with the new wording and questions.
        let preview = "/admin/drafts/csp-2020/preview";
        admin.post(&format!("{preview}/start"), &[]).await;
        admin.post(&format!("{preview}/questions/borough"), &choose(&["dartford"])).await;
        let reworded = admin.get(&format!("{preview}/questions/most-important")).await;
        assert_eq!(reworded.text("h1"), "Which one community safety issue matters MOST where you live?");
        let rated = admin.post(&format!("{preview}/questions/safe-after-dark"), &choose(&["fairly-safe"])).await;
        assert_eq!(rated.location(), format!("{preview}/questions/anything-else"));
        admin.post(&format!("{preview}/questions/anything-else"), &[("answer", "Previewing")]).await;
        let check = admin.get(&format!("{preview}/check")).await;
        assert!(check.text("dl").contains("Fairly safe") && check.text("dl").contains("Previewing"), "{}", check.text("dl"));
        let done = admin.post(&format!("{preview}/submit"), &[]).await;
        assert_eq!(done.location(), format!("{preview}/done"));

        // Publish.
        let rev = revision(&admin).await;
        let published = admin.post(&format!("{DRAFT}/publish"), &[("revision", &rev)]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text(".error-summary"));
        assert_eq!(app.started("csp-2020"), 0, "the preview stored nothing");

        // 60 residents through the three channels' links.
        for i in 0..60 {
            resident(&app, i).await;
        }
        assert_eq!(app.completed("csp-2020"), 60);

        let officer = app.signed_in("analyst").await;
        let (status, json) = officer.get_json("/api/surveys/csp-2020/results").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["respondents"]["completed"], 60);
        let per_channel: Vec<(String, u64)> = json["channels"].as_array().expect("channels").iter()
            .map(|c| (c["label"].as_str().unwrap_or_default().to_owned(), c["count"].as_u64().unwrap_or(99))).collect();
        assert_eq!(per_channel, [
            ("Council website".to_owned(), 20), ("Facebook".to_owned(), 20),
            ("Street survey tablet".to_owned(), 20), ("The plain link (no channel)".to_owned(), 0),
        ]);
        let safe = question(&json, "safe-after-dark");
        assert_eq!(safe["kind"], "scale");
        assert_eq!(safe["answered"], 60);
        let distribution: Vec<u64> = safe["options"].as_array().expect("options").iter().map(|o| o["count"].as_u64().unwrap_or(99)).collect();
        assert_eq!(distribution, [10, 10, 10, 10, 10, 10]);
        assert_eq!(safe["scale"]["rated"], 50, "Don't know is out of the score");
        assert_eq!(safe["scale"]["mean"], 3.0);
        assert_eq!(safe["scale"]["positive"], 20);
        assert_eq!(safe["scale"]["positive_percent"], 40.0);
        assert_eq!(question(&json, "anything-else")["answered"], 15);
        assert_eq!(question(&json, "most-important")["label"], "Which one community safety issue matters MOST where you live?");

        let page = officer.get("/surveys/csp-2020/results").await;
        assert_eq!(page.texts("table[data-question=channel] td.numeric"), ["20", "34%", "20", "33%", "20", "33%", "0", "0%"], "shares of one whole add up to 100");
        assert_eq!(
            page.text("#all-q-safe-after-dark ~ .scale-summary"),
            "40% chose Very safe or Fairly safe (20 of the 50 who gave a rating). Mean score 3.00 on a scale from 1 to 5, where 5 is Very safe. The 10 who answered \u{201c}Don't know\u{201d} are left out of both."
        );
        let (_, facebook) = officer.get_json("/api/surveys/csp-2020/results?f-channel=facebook").await;
        assert_eq!(facebook["respondents"]["completed"], 20);
        let texts = officer.get("/surveys/csp-2020/results/text/anything-else").await;
        assert_eq!(texts.text("#answer-count"), "15 answers, newest first: 1 to 15.");
        let answers = texts.texts("ol.text-answers p.answer-text");
        assert_eq!(answers[0], "Resident 56: the underpass on Milton Road needs lights", "newest first");
        let tablet = officer.get("/surveys/csp-2020/results/text/anything-else?f-channel=street-survey-tablet").await;
        // Residents 8, 20, 32, 44, 56 came through the tablet (i % 3 == 2, i % 4 == 0).
        assert_eq!(tablet.texts("ol.text-answers p.answer-text").len(), 5);

        // The summary CSV carries the scale's score and the channels.
        let (_, _, csv) = officer.get_bytes("/surveys/csp-2020/exports/summary.csv").await;
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.contains("safe-after-dark,Safety after dark,,50,(positive end),Chose Very safe or Fairly safe,20,40,40.0000,"), "{csv}");
        assert!(csv.contains("safe-after-dark,Safety after dark,,50,(mean),Mean score (1 to 5),,3.00,3.0000,"), "{csv}");
        assert!(csv.contains("channel,Channel,,60,facebook,Facebook,20,33,33.3333,"), "{csv}");

        // The 2019 wave is untouched: every published figure reproduces.
        every_2019_figure_is_on_the_page(&officer).await;
        assert_eq!(app.completed("csp-2019"), 420);
    }
}
