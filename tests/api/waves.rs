//! Waves side by side: csp-2020 (the next wave of csp-2019, question and
//! option ids kept) against csp-2019, with the change in points, its
//! interval and whether it is real, a trend chart per question, and the
//! same in the JSON, the summary CSV and the report.

use reqwest::StatusCode;
use serde_json::Value;

use civic_survey::stats::waves::newcombe;

use crate::helpers::on_both_backends;

const RESULTS: &str = "/surveys/csp-2020/results";
const API: &str = "/api/surveys/csp-2020/results";

/// 200 more 2020 respondents, each choosing ASB as the most important issue.
const ASB: [(&str, &str); 5] = [
    ("borough", "gravesham"),
    ("most-important", "asb"),
    ("asb-concerns", "fly-tipping"),
    ("age", "45-54"),
    ("gender", "female"),
];

fn number(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

on_both_backends! {
    async fn a_wave_against_the_last_shows_real_changes_and_trends(app) {
        app.seed_2019();
        app.publish_2020_wave(200, &ASB).await;
        let analyst = app.signed_in("analyst").await;

        let page = analyst.get(&format!("{RESULTS}?wave=csp-2019")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text("main"));
        assert_eq!(page.attrs("select#wave option[selected]", "value"), ["csp-2019"]);
        let changes = page.text("#wave-changes ~ ul");
        assert!(changes.contains("Most important issue: ") || changes.contains("chose ASB in csp-2020"), "{changes}");
        assert!(changes.contains("chose ASB in csp-2020 against 40.0% in csp-2019, "), "{changes}");
        let asb_row = page.texts("table[data-changes='most-important'] tr[data-option='asb'] td");
        assert_eq!(asb_row.last().map(String::as_str), Some("Real change"), "{asb_row:?}");
        assert!(page.body.contains("id=\"all-trend-most-important-title\""), "a trend chart");
        assert!(page.text("main").contains("Waves: csp-2019 (420 responses), csp-2020 (620 responses)"));

        // The JSON: both waves, the change and its interval.
        let (status, json) = analyst.get_json(&format!("{API}?wave=csp-2019")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["waves"]["since"], "csp-2019");
        assert_eq!(json["waves"]["waves"][0]["survey"], "csp-2019");
        assert_eq!(json["waves"]["waves"][1]["completed"], 620);
        let most = json["waves"]["changes"].as_array().expect("changes").iter().find(|q| q["question"] == "most-important").expect("most important");
        let asb = most["options"].as_array().expect("options").iter().find(|o| o["option"] == "asb").expect("asb");
        let (now, then) = (number(&asb["current"]), number(&asb["earlier"]));
        assert!((then - 163.0 * 100.0 / 407.0).abs() < 1e-9, "{then}");
        assert!((number(&asb["change"]) - (now - then)).abs() < 1e-9);
        let answered_now = json["questions"].as_array().expect("questions").iter().find(|q| q["id"] == "most-important").expect("q")["answered"].as_f64().expect("answered");
        let (low, high) = newcombe(now / 100.0, answered_now, then / 100.0, 407.0).expect("interval");
        assert!((number(&asb["ci_low"]) - low * 100.0).abs() < 1e-9);
        assert!((number(&asb["ci_high"]) - high * 100.0).abs() < 1e-9);
        assert!(number(&asb["p_holm"]) < 0.001);

        // The summary CSV and the report carry the changes.
        let (_, _, csv) = analyst.get_bytes("/surveys/csp-2020/exports/summary.csv?wave=csp-2019").await;
        let csv = String::from_utf8(csv).expect("UTF-8");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let headers = reader.headers().expect("headers").clone();
        let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
        let row = reader.records().map(|r| r.expect("row")).find(|r| &r[0] == "most-important" && &r[4] == "asb").expect("the ASB row");
        assert_eq!(&row[column("Since wave")], "csp-2019");
        assert!((row[column("Change in points (exact)")].parse::<f64>().expect("a number") - (now - then)).abs() < 1e-3);
        assert_eq!(&row[column("Filters")], "wave=csp-2019");
        let report = analyst.get("/surveys/csp-2020/report?wave=csp-2019").await.text("main");
        assert!(report.contains("Since csp-2019: ") && report.contains("Newcombe"), "{report}");

        // Within csp-2020, the added Gravesham respondents make a real
        // difference between the boroughs: marked in the group tables, and
        // put in words in the JSON.
        let compared = analyst.get("/surveys/csp-2020/results?compare=borough").await;
        let marks = compared.texts("section.group table[data-question='most-important'] tr[data-option='asb'] .tag--difference");
        assert_eq!(marks, ["Really differs from Gravesham", "Really differs from Dartford"]);
        let (_, by_borough) = analyst.get_json("/api/surveys/csp-2020/results?compare=borough").await;
        let sentences = by_borough["comparison"]["significant"].as_array().expect("sentences");
        assert!(
            sentences.iter().any(|s| s.as_str().is_some_and(|s| s.starts_with("More Gravesham respondents than Dartford respondents chose ASB"))),
            "{sentences:?}"
        );

        // The comparison in the summary CSV (each group's rows after the
        // whole view's, marked), the workbook and the report.
        let (_, _, compared_csv) = analyst.get_bytes("/surveys/csp-2020/exports/summary.csv?compare=borough").await;
        let compared_csv = String::from_utf8(compared_csv).expect("UTF-8");
        let mut reader = csv::Reader::from_reader(compared_csv.as_bytes());
        let headers = reader.headers().expect("headers").clone();
        let at = |name: &str| headers.iter().position(|h| h == name).expect(name);
        let asb_rows: Vec<csv::StringRecord> = reader
            .records()
            .map(|r| r.expect("row"))
            .filter(|r| &r[0] == "most-important" && &r[4] == "asb")
            .collect();
        let groups: Vec<(&str, &str, &str)> = asb_rows
            .iter()
            .map(|r| (&r[at("Group")], &r[at("Really differs from")], &r[at("Filters")]))
            .collect();
        assert_eq!(
            groups,
            [
                ("All", "", "compare=borough"),
                ("Dartford", "Gravesham", "f-borough=dartford"),
                ("Gravesham", "Dartford", "f-borough=gravesham"),
            ]
        );
        {
            use calamine::{Data, Reader, Xlsx};
            let (_, _, xlsx) = analyst.get_bytes("/surveys/csp-2020/exports/summary.xlsx?compare=borough").await;
            let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("an XLSX");
            let sheet = workbook.worksheet_range("Differences").expect("a Differences sheet");
            let real = sheet
                .rows()
                .find(|r| r.get(1) == Some(&Data::String("ASB".to_owned())) && r.get(8) == Some(&Data::String("yes".to_owned())));
            assert!(real.is_some(), "ASB differs between the boroughs in the workbook");
            let (_, _, waves_xlsx) = analyst.get_bytes("/surveys/csp-2020/exports/summary.xlsx?wave=csp-2019").await;
            let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(waves_xlsx)).expect("an XLSX");
            let sheet = workbook.worksheet_range("Since csp-2019").expect("a changes sheet");
            assert!(sheet.rows().any(|r| r.get(1) == Some(&Data::String("ASB".to_owned())) && r.get(8) == Some(&Data::String("yes".to_owned()))));
        }
        let compared_report = analyst.get("/surveys/csp-2020/report?compare=borough").await.text("main");
        assert!(compared_report.contains("Between Dartford and Gravesham: More Gravesham respondents than Dartford respondents chose ASB"), "{compared_report}");

        // The older wave's page measures against the newer.
        let older = analyst.get("/surveys/csp-2019/results?wave=csp-2020").await;
        assert_eq!(older.status, StatusCode::OK);
        assert!(older.text("#wave-changes").contains("Real changes since csp-2020"));

        // Weighted beside unweighted would show the weighting as change:
        // with one wave unweighted, the waves compare unweighted.
        let admin = app.signed_in("admin").await;
        let stored = admin
            .upload("/admin/surveys/csp-2020/weighting", &[("cap", "5")], "targets", "t.csv", crate::weighting::TARGETS.as_bytes())
            .await;
        assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.text(".error-summary"));
        let (_, mixed) = analyst.get_json(&format!("{API}?wave=csp-2019&weights=on")).await;
        assert_eq!(mixed["waves"]["unweighted_because"], "csp-2019 has no weights, so the waves are compared unweighted.");
        assert_eq!(mixed["waves"]["changes"], json["waves"]["changes"]);
        assert!(mixed["weighting"].is_object(), "the page's own figures stay weighted");
        let page = analyst.get(&format!("{RESULTS}?wave=csp-2019&weights=on")).await;
        assert!(page.text("#wave-changes ~ p").contains("compared unweighted") || page.text(".differences").contains("compared unweighted"));

        // Filters apply to both waves.
        let (_, filtered) = analyst.get_json(&format!("{API}?wave=csp-2019&f-borough=dartford")).await;
        assert_eq!(filtered["waves"]["waves"][0]["completed"], 121);

        // What cannot be compared says why.
        for (query, says) in [
            ("wave=csp-2018", "no survey"),
            ("wave=csp-2020", "not with itself"),
            ("wave=csp-2019&compare=borough", "one at a time"),
            ("wave=Not%20a%20slug", "not the web address name"),
        ] {
            let refused = analyst.get(&format!("{RESULTS}?{query}")).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
            assert!(refused.text("main").contains(says), "{query}: {}", refused.text("main"));
        }
    }
}
