//! The comparison view's tests of difference, in the JSON: the groups,
//! each question's test (or why none is valid) and each answer's pairwise
//! test with its Holm-corrected p-value, and the significant ones in words.

use reqwest::StatusCode;

use crate::helpers::on_both_backends;

const API: &str = "/api/surveys/csp-2019/results";

on_both_backends! {
    async fn the_comparison_and_its_tests_are_in_the_json(app) {
        app.seed_2019();
        let officer = app.signed_in("analyst").await;
        let (status, json) = officer.get_json(&format!("{API}?compare=borough")).await;
        assert_eq!(status, StatusCode::OK);
        let comparison = &json["comparison"];
        assert_eq!(comparison["split"], "borough");
        assert_eq!(comparison["groups"][0]["label"], "Dartford");
        assert_eq!(comparison["groups"][0]["completed"], 121);
        assert_eq!(comparison["groups"][1]["completed"], 299);
        let questions = comparison["questions"].as_array().expect("questions");
        assert!(questions.iter().all(|q| q["question"] != "borough"), "the split is not tested against itself");
        let most = questions.iter().find(|q| q["question"] == "most-important").expect("most important");
        assert_eq!(most["test"]["test"], "chi_square");
        let p = most["test"]["p"].as_f64().expect("p");
        let holm = most["p_holm"].as_f64().expect("Holm");
        assert!((0.0..=1.0).contains(&p) && holm >= p, "{p} {holm}");
        let gender = questions.iter().find(|q| q["question"] == "gender").expect("gender");
        assert_eq!(gender["test"]["test"], "not_valid");
        assert!(gender["test"]["why"].as_str().expect("why").contains("too small"));
        let asb = most["differences"].as_array().expect("differences").iter().find(|d| d["option"] == "asb").expect("asb");
        assert_eq!(asb["groups"], serde_json::json!([0, 1]));
        // Each sentence listed is one of a significant difference.
        let significant = comparison["significant"].as_array().expect("sentences");
        let marked = questions.iter().flat_map(|q| q["differences"].as_array().expect("differences").iter()).filter(|d| d["p_holm"].as_f64().is_some_and(|p| p < 0.05)).count();
        assert_eq!(significant.len(), marked);
        // Shown with `cargo test --test api comparison -- --nocapture`.
        for q in questions {
            eprintln!(
                "{}: {} p = {} (Holm {}) {}",
                q["question"].as_str().expect("id"),
                q["test"]["test"],
                q["test"]["p"],
                q["p_holm"],
                q["test"]["why"].as_str().unwrap_or("")
            );
        }
        let smallest = questions
            .iter()
            .flat_map(|q| q["differences"].as_array().expect("differences").iter())
            .filter_map(|d| Some((d["p_holm"].as_f64()?, d)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((p, d)) = smallest {
            eprintln!("smallest corrected pairwise p: {p} ({} {} against {})", d["label"], d["shares"][0], d["shares"][1]);
        }
        eprintln!("significant: {significant:?}");
        let (_, plain) = officer.get_json(API).await;
        assert!(plain.get("comparison").is_none());
    }
}
