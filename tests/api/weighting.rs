//! Weighting to the population through HTTP: an admin uploads targets, the
//! weighted views match them, every export and the report say how; bad or
//! impossible targets are refused by row and column and change nothing;
//! new responses wait for the weights to be computed again.

use reqwest::StatusCode;
use serde_json::Value;

use civic_survey::domain::SurveyDefinition;
use civic_survey::stats::wilson;
use civic_survey::synthetic::{Fixture, plan_2019};

use crate::helpers::{Page, Resident, on_both_backends};

const PAGE: &str = "/surveys/csp-2019/weighting";
const UPLOAD: &str = "/admin/surveys/csp-2019/weighting";
const API: &str = "/api/surveys/csp-2019/results";

/// The made-up targets: adults of Dartford and Gravesham by age band and
/// sex (see the closing note of issue 11).
pub const TARGETS: &str = include_str!("fixtures/targets-2019.csv");

async fn upload(admin: &Resident, csv: &str, cap: &str) -> Page {
    admin
        .upload(
            UPLOAD,
            &[("cap", cap)],
            "targets",
            "targets.csv",
            csv.as_bytes(),
        )
        .await
}

fn question<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == id)
        .expect("the question")
}

fn option<'a>(q: &'a Value, id: &str) -> &'a Value {
    q["options"]
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["id"] == id)
        .expect("the option")
}

fn number(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

on_both_backends! {
    async fn weighted_figures_match_the_targets_and_say_how_sure_they_are(app) {
        app.seed_2019();
        let analyst = app.signed_in("analyst").await;
        let page = analyst.get(PAGE).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text("main").contains("No weights are set"), "{}", page.text("main"));
        assert!(page.attrs("input[type=file]", "name").is_empty(), "only admins upload");
        assert_eq!(analyst.upload(UPLOAD, &[], "targets", "t.csv", TARGETS.as_bytes()).await.status, StatusCode::FORBIDDEN);

        let admin = app.signed_in("admin").await;
        assert_eq!(admin.get(PAGE).await.attrs("input[type=file]", "name"), ["targets"]);
        let stored = upload(&admin, TARGETS, "5").await;
        assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.text(".error-summary"));
        assert_eq!(stored.location(), PAGE);
        let page = admin.get(PAGE).await;
        let main = page.text("main");
        assert!(main.contains("Converged in"), "{main}");
        assert!(main.contains("Borough, Age and Gender"), "{main}");
        assert!(main.contains("Transgender"), "untargeted answers are named: {main}");

        // Weighted, the boroughs are as the targets have them.
        let (status, weighted) = analyst.get_json(&format!("{API}?weights=on")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(weighted["respondents"]["completed"], 420);
        let total: f64 = TARGETS.lines().skip(1).map(|l| l.rsplit(',').next().and_then(|n| n.parse::<f64>().ok()).expect("count")).sum();
        let dartford: f64 = TARGETS.lines().filter(|l| l.starts_with("dartford")).map(|l| l.rsplit(',').next().and_then(|n| n.parse::<f64>().ok()).expect("count")).sum();
        let borough = question(&weighted, "borough");
        let share = number(&option(borough, "dartford")["percent"]);
        assert!((share - dartford * 100.0 / total).abs() < 1e-6, "{share} against {}", dartford * 100.0 / total);
        assert!((number(&option(borough, "dartford")["weighted_count"]) + number(&option(borough, "gravesham")["weighted_count"]) - 420.0).abs() < 1e-6);
        assert_eq!(option(borough, "dartford")["count"], 121, "counts stay respondents");
        // Every interval uses the question's effective base.
        let most = question(&weighted, "most-important");
        let effective = number(&most["weighted"]["effective"]);
        let design_effect = number(&most["weighted"]["design_effect"]);
        assert!(design_effect > 1.0, "unequal weights lose precision: {design_effect}");
        assert!((design_effect * effective - 407.0).abs() < 1e-6, "respondents ÷ effective base");
        let asb = option(most, "asb");
        let (low, high) = wilson(number(&asb["percent"]) / 100.0, effective).expect("an interval");
        assert!((number(&asb["ci_low"]) - low * 100.0).abs() < 1e-9);
        assert!((number(&asb["ci_high"]) - high * 100.0).abs() < 1e-9);
        assert!(weighted["weighting"]["converged"].as_bool().expect("converged"));
        assert!(number(&weighted["weighted"]["design_effect"]) > 1.0);

        // The headline table, weighted beside unweighted (shown with
        // `cargo test --test api weighting -- --nocapture`).
        let (_, unweighted_json) = analyst.get_json(API).await;
        let plain_most = question(&unweighted_json, "most-important");
        eprintln!(
            "Most important issue, targets-2019.csv (cap 5; design effect {design_effect:.2}, effective base {effective:.0} of 407):"
        );
        eprintln!("| issue | count | unweighted % | weighted % | weighted 95% interval |");
        for o in most["options"].as_array().expect("options") {
            let id = o["id"].as_str().expect("id");
            eprintln!(
                "| {} | {} | {:.1} | {:.1} | {:.1}–{:.1} |",
                o["label"].as_str().expect("label"),
                o["count"],
                number(&option(plain_most, id)["percent"]),
                number(&o["percent"]),
                number(&o["ci_low"]),
                number(&o["ci_high"])
            );
        }

        // Unweighted, nothing changed.
        let (_, plain) = analyst.get_json(API).await;
        let plain_asb = option(question(&plain, "most-important"), "asb");
        assert_eq!(plain_asb["count"], 163);
        assert!(plain_asb.get("weighted_count").is_none());
        assert!(plain.get("weighting").is_none());

        // Filters and weights together.
        let (_, filtered) = analyst.get_json(&format!("{API}?f-borough=dartford&weights=on")).await;
        assert_eq!(filtered["respondents"]["completed"], 121);
        assert!((number(&option(question(&filtered, "borough"), "dartford")["percent"]) - 100.0).abs() < 1e-9);

        // The page says how the figures are weighted, and offers the switch.
        let results = analyst.get("/surveys/csp-2019/results?weights=on").await;
        assert_eq!(results.status, StatusCode::OK);
        let note = results.text(".weighting-note");
        assert!(note.contains("Weighted to the population") && note.contains("raking") && note.contains("Kish"), "{note}");
        assert_eq!(results.attrs("input#weights[checked]", "value"), ["on"]);
        assert!(results.texts("table[data-question='most-important'] th").iter().any(|t| t == "% weighted"));
        assert!(results.text("main").contains("effective base"));
        let unweighted = analyst.get("/surveys/csp-2019/results").await;
        assert_eq!(unweighted.attrs("input#weights", "value"), ["on"]);
        assert!(unweighted.attrs("input#weights[checked]", "value").is_empty());
        assert!(unweighted.texts(".weighting-note").is_empty());

        // Exports and the report, weighted.
        let (_, _, csv) = analyst.get_bytes("/surveys/csp-2019/exports/summary.csv?weights=on").await;
        let csv = String::from_utf8(csv).expect("UTF-8");
        let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
        assert_eq!(&header[11..15], ["Weighted count", "Weighted base", "Effective base", "Design effect"]);
        assert_eq!(header.last(), Some(&"Filters"));
        let dartford_row = csv.lines().find(|l| l.starts_with("borough,") && l.contains(",dartford,")).expect("dartford row");
        assert!(dartford_row.ends_with("weights=on"), "{dartford_row}");
        // The raw responses, weighted: a weight for each response.
        let (_, _, raw) = analyst.get_bytes("/surveys/csp-2019/exports/responses.csv?weights=on&ids=1").await;
        let raw = String::from_utf8(raw).expect("UTF-8");
        let mut reader = csv::Reader::from_reader(raw.as_bytes());
        let weight_at = reader.headers().expect("headers").iter().position(|h| h == "weight").expect("a weight column");
        let weights: Vec<f64> = reader.records().map(|r| r.expect("row")[weight_at].parse().expect("a weight")).collect();
        assert_eq!(weights.len(), 420);
        assert!((weights.iter().sum::<f64>() - 420.0).abs() < 1e-3, "weights average 1");
        let long = analyst.get("/surveys/csp-2019/exports/responses-long.csv?weights=on").await;
        assert_eq!(long.status, StatusCode::BAD_REQUEST);
        assert!(long.text("main").contains("one row per response"));
        let (_, _, plain_raw) = analyst.get_bytes("/surveys/csp-2019/exports/responses.csv?ids=1").await;
        assert!(!String::from_utf8(plain_raw).expect("UTF-8").lines().next().expect("header").contains("weight"));
        let (status, _, xlsx) = analyst.get_bytes("/surveys/csp-2019/exports/summary.xlsx?weights=on").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!xlsx.is_empty());
        let report = analyst.get("/surveys/csp-2019/report?weights=on").await;
        assert!(report.text("main").contains("raking (iterative proportional fitting)"), "{}", report.text("main"));
        // The report's shares are the weighted ones (the targets' 51.70%
        // Dartford), beside the number of people.
        assert!(report.text("main").contains("121 (51.70%) Dartford"), "{}", report.text("main"));
        let plain_report = analyst.get("/surveys/csp-2019/report").await;
        assert!(!plain_report.text("main").contains("raking"));

        // A new response waits outside the weighted figures until the
        // weights are computed again.
        let def = SurveyDefinition::load_file(&app.surveys_dir.join("csp-2019.toml")).expect("csp-2019");
        let plan = plan_2019(&def, &Fixture::shipped().expect("fixture"), 7).expect("plan");
        crate::storage::complete(&app, plan.into_iter().next().expect("a response")).await;
        let (_, late) = analyst.get_json(&format!("{API}?weights=on")).await;
        assert_eq!(late["respondents"]["completed"], 420);
        assert_eq!(late["weighting"]["responses_since"], 1);
        assert!(analyst.get("/surveys/csp-2019/results?weights=on").await.text(".weighting-note").contains("1 response arrived after the weights were computed"));
        assert_eq!(analyst.post("/admin/surveys/csp-2019/weighting/recompute", &[]).await.status, StatusCode::FORBIDDEN);
        let again = admin.post("/admin/surveys/csp-2019/weighting/recompute", &[]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let (_, now) = analyst.get_json(&format!("{API}?weights=on")).await;
        assert_eq!(now["respondents"]["completed"], 421);
        assert_eq!(now["weighting"]["responses_since"], 0);

        let audit = admin.get("/admin/audit").await.text("main");
        assert!(audit.contains("weighted 420 responses") && audit.contains("weighted 421 responses"), "{audit}");

        // Removing it: weighted views say there are no weights.
        assert_eq!(admin.post("/admin/surveys/csp-2019/weighting/remove", &[]).await.status, StatusCode::SEE_OTHER);
        let gone = analyst.get("/surveys/csp-2019/results?weights=on").await;
        assert!(gone.text(".weighting-note").contains("No weights are set"));
        assert!(gone.attrs("input#weights", "value").is_empty(), "no switch without weights");
    }

    async fn bad_or_impossible_targets_say_where_and_keep_the_weights_in_force(app) {
        app.seed_2019();
        let admin = app.signed_in("admin").await;
        assert_eq!(upload(&admin, TARGETS, "").await.status, StatusCode::SEE_OTHER, "an empty cap is the default, 5");
        let (_, before) = admin.get_json(&format!("{API}?weights=on")).await;
        assert_eq!(before["weighting"]["cap"], 5.0);

        let bad = upload(&admin, "borough,age,gender,count\ndartford,18-24,man,10\ndartford,18-24,female,-1\n", "5").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors: Vec<String> = bad.error_summary().into_iter().map(|(message, href)| {
            assert_eq!(href, "#targets");
            message
        }).collect();
        assert!(errors.iter().any(|e| e.starts_with("Row 2, column C (\u{201c}gender\u{201d}): \u{201c}man\u{201d} is not an answer")), "{errors:?}");
        assert!(errors.iter().any(|e| e.starts_with("Row 3, column D (\u{201c}count\u{201d})")), "{errors:?}");

        // A target for a group nobody is in cannot be met.
        let counts = app.option_counts("csp-2019");
        let def = SurveyDefinition::load_file(&app.surveys_dir.join("csp-2019.toml")).expect("csp-2019");
        let ethnicity = def.question("ethnicity").expect("ethnicity");
        let empty = ethnicity
            .options()
            .iter()
            .find(|o| !counts.contains_key(&("ethnicity".to_owned(), o.id().to_string())))
            .expect("the 2019 data leaves some ethnic group unchosen");
        let nobody = upload(&admin, &format!("ethnicity,count\nwhite-british,100\n{},5\n", empty.id()), "5").await;
        assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(nobody.text(".error-summary").contains(&format!("No respondent chose \u{201c}{}\u{201d}", empty.label())), "{}", nobody.text(".error-summary"));
        let cap = upload(&admin, TARGETS, "0.5").await;
        assert_eq!(cap.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(cap.error_summary()[0].1, "#cap");
        let not_csv = admin.upload(UPLOAD, &[("cap", "5")], "targets", "t.csv", &[0xff, 0xfe, 0x00]).await;
        assert_eq!(not_csv.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(not_csv.text(".error-summary").contains("UTF-8"));

        // The weights of the good file are still in force.
        let (_, after) = admin.get_json(&format!("{API}?weights=on")).await;
        assert_eq!(after["weighting"], before["weighting"]);
        assert_eq!(after["questions"], before["questions"]);

        // A cap that binds: the margins are only approached, and it says so.
        let tight = upload(&admin, "gender,count\nmale,90\nfemale,10\n", "1.2").await;
        assert_eq!(tight.status, StatusCode::SEE_OTHER);
        let page = admin.get(PAGE).await.text("main");
        assert!(page.contains("Stopped after"), "{page}");
        let (_, capped) = admin.get_json(&format!("{API}?weights=on")).await;
        assert!(number(&capped["weighting"]["max_weight"]) <= 1.2 + 1e-9);

        // A weighted view of nonsense is a 400 that says what to ask.
        let nonsense = admin.get("/surveys/csp-2019/results?weights=maybe").await;
        assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
        assert!(nonsense.text("main").contains("weights=on"));
    }
}
