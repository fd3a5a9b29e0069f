//! Free-text themes (issue 13, part 2): officers read the "please specify"
//! and text answers, add themes, code a page of answers with several
//! themes each, give a theme to every answer a search finds; the counts
//! join the results, the JSON and the summary export with their bases;
//! who gave what is in the audit log.

use reqwest::StatusCode;

use crate::helpers::{Page, on_both_backends};

const ANSWERS: &str = "/surveys/csp-2019/results/text/asb-concerns";

/// The response ids on a page of answers, in order (from its checkboxes'
/// names, `theme-for-{response}`).
fn shown(page: &Page) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for name in page.attrs("#coding input[type=checkbox]", "name") {
        let id = name.trim_start_matches("theme-for-").to_owned();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The hidden fields that say which themes each answer had when the page
/// was rendered, as a browser sends them back.
fn rendered_with(page: &Page) -> Vec<(String, String)> {
    let html = page.html();
    let selector = scraper::Selector::parse("#coding input[type=hidden][name^='theme-was-']")
        .expect("selector");
    html.select(&selector)
        .map(|e| {
            (
                e.value().attr("name").unwrap_or_default().to_owned(),
                e.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The theme table's rows under the question, as "name count percent".
fn theme_rows(page: &Page) -> Vec<String> {
    page.texts(".theme-table tbody tr")
}

on_both_backends! {
    async fn officers_code_please_specify_answers_and_the_counts_join_the_results(app) {
        app.respond_with_other("dartford", "Parking on the pavements").await;
        app.respond_with_other("dartford", "Noise at night from the flats").await;
        app.respond_with_other("gravesham", "PARKING outside the school").await;
        let analyst = app.signed_in("analyst").await;
        let results = analyst.get("/surveys/csp-2019/results").await;
        assert!(results.attrs("a", "href").iter().any(|h| h == ANSWERS), "the results link to the answers");

        let page = analyst.get(ANSWERS).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.texts(".answer-text"), ["PARKING outside the school", "Noise at night from the flats", "Parking on the pavements"]);
        assert_eq!(page.text("#no-themes"), "This question has no themes yet.");

        // Bad names are refused with why, and what was typed is kept.
        let empty = analyst.post(&format!("{ANSWERS}/themes"), &[("theme-name", "   ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(empty.error_summary(), [("Enter a name for the theme".to_owned(), "#theme-name".to_owned())]);
        for name in ["Parking", "Noise"] {
            let added = analyst.post(&format!("{ANSWERS}/themes"), &[("theme-name", name)]).await;
            assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
            assert_eq!(added.location(), ANSWERS);
        }
        let twice = analyst.post(&format!("{ANSWERS}/themes"), &[("theme-name", "  parking ")]).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert_eq!(twice.error_summary()[0].0, "This question already has a theme called \u{201c}parking\u{201d}");
        assert_eq!(twice.attrs("input#theme-name", "value"), ["  parking "]);

        // Every answer a search finds, given a theme at once.
        let found = analyst.get(&format!("{ANSWERS}?q=parking")).await;
        assert_eq!(found.texts(".answer-text").len(), 2);
        let parking = found.attrs("select#theme option", "value")[1].clone();
        assert_eq!(found.texts("select#theme option"), ["Noise", "Parking"]);
        let assigned = analyst.post(&format!("{ANSWERS}/assign"), &[("theme", parking.as_str()), ("q", "parking")]).await;
        assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
        assert_eq!(assigned.location(), format!("{ANSWERS}?q=parking"));
        let found = analyst.get(assigned.location()).await;
        assert_eq!(found.attrs("input[type=checkbox][checked]", "value"), [parking.clone(), parking.clone()]);

        // A page coded by hand: several themes on one answer, one taken away.
        let page = analyst.get(ANSWERS).await;
        let ids = shown(&page);
        let noise = page.attrs("select#theme option", "value");
        assert!(noise.is_empty(), "no search, no bulk form");
        let noise = page.attrs(&format!("input[name='theme-for-{}']", ids[0]), "value")[0].clone();
        let (school, night, pavements) = (format!("theme-for-{}", ids[0]), format!("theme-for-{}", ids[1]), format!("theme-for-{}", ids[2]));
        let was = rendered_with(&page);
        assert_eq!(was.len(), 2, "the two answers the search coded: {was:?}");
        // Meanwhile another officer adds a theme and gives it to the pavements
        // answer: saving this page, rendered before, must not take it away.
        let other = app.signed_in_as("other@example.gov.uk", "analyst").await;
        assert_eq!(other.post(&format!("{ANSWERS}/themes"), &[("theme-name", "Pavements")]).await.status, StatusCode::SEE_OTHER);
        let pavements_theme = other.get(&format!("{ANSWERS}?q=pavements")).await.attrs("select#theme option", "value")[2].clone();
        assert_eq!(other.post(&format!("{ANSWERS}/assign"), &[("theme", pavements_theme.as_str()), ("q", "pavements")]).await.status, StatusCode::SEE_OTHER);
        let mut fields: Vec<(&str, &str)> = was.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        fields.extend([(school.as_str(), parking.as_str()), (school.as_str(), noise.as_str()), (night.as_str(), noise.as_str())]);
        assert!(!fields.iter().any(|(k, _)| *k == pavements), "the pavements answer loses its theme");
        // A response of no answer here, and a theme of no question here: ignored, not a 500.
        fields.extend([("theme-for-999999", parking.as_str()), (night.as_str(), "999999")]);
        let saved = analyst.post(&format!("{ANSWERS}/coding"), &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let after = analyst.get(ANSWERS).await;
        let pavements_ticks = after.attrs(&format!("input[name='{pavements}'][checked]"), "value");
        assert_eq!(pavements_ticks, [pavements_theme], "the other officer's coding stays; this page's Parking went");

        // The counts, with their bases, on the results page, in the JSON and the export.
        let results = analyst.get("/surveys/csp-2019/results").await;
        assert_eq!(theme_rows(&results), ["Noise 2 67%", "Parking 1 33%", "Pavements 1 33%"]);
        assert!(results.text(".theme-table caption").contains("of 3 coded answers (3 answers in all)"), "{}", results.text(".theme-table caption"));
        let gravesham = analyst.get("/surveys/csp-2019/results?f-borough=gravesham").await;
        assert_eq!(theme_rows(&gravesham), ["Noise 1 100%", "Parking 1 100%", "Pavements 0 0%"], "the filters apply");
        let (status, json) = analyst.get_json("/api/surveys/csp-2019/results").await;
        assert_eq!(status, StatusCode::OK);
        let table = &json["themes"][0];
        assert_eq!((table["question"].as_str(), table["answers"].as_u64(), table["coded"].as_u64()), (Some("asb-concerns"), Some(3), Some(3)));
        assert_eq!(table["themes"][0]["name"], "Noise");
        assert_eq!(table["themes"][0]["count"], 2);
        let (_, _, csv) = analyst.get_bytes("/surveys/csp-2019/exports/summary.csv").await;
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.lines().any(|l| l.starts_with("asb-concerns,Concerns within ASB: themes of the 3 coded answers (3 in all),,3,(theme),Noise,2,67,66.6667")), "{csv}");

        {
            use calamine::{Data, Reader, Xlsx};
            let (_, _, body) = analyst.get_bytes("/surveys/csp-2019/exports/summary.xlsx").await;
            let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an XLSX");
            let sheet = workbook.worksheet_range("Themes").expect("a Themes sheet");
            assert_eq!(sheet.get_value((0, 0)), Some(&Data::String("Concerns within ASB: themes of 3 coded answers (3 answers in all); an answer can have several".to_owned())));
            assert_eq!(sheet.get_value((2, 0)), Some(&Data::String("Noise".to_owned())));
            assert_eq!(sheet.get_value((2, 1)), Some(&Data::Float(2.0)));
            assert!(matches!(sheet.get_value((3, 2)), Some(Data::Float(f)) if (f - 1.0 / 3.0).abs() < 1e-9));
        }

        // Who gave what is kept, without a word of the answers.
        let admin = app.signed_in("admin").await;
        let audit = admin.get("/admin/audit?action=themes").await;
        assert_eq!(audit.texts("tbody td[data-detail]"), [
            "coded answers to question asb-concerns: 2 themes given, 1 taken away",
            "gave the theme \u{201c}Pavements\u{201d} to 1 answers to question asb-concerns found by a search",
            "added the theme \u{201c}Pavements\u{201d} to question asb-concerns",
            "gave the theme \u{201c}Parking\u{201d} to 2 answers to question asb-concerns found by a search",
            "added the theme \u{201c}Noise\u{201d} to question asb-concerns",
            "added the theme \u{201c}Parking\u{201d} to question asb-concerns",
        ]);
        assert!(!audit.body.contains("on the pavements"), "no answer in the log");
        assert_eq!(audit.texts("tbody tr").iter().filter(|r| r.contains("other@example.gov.uk")).count(), 2, "who did what");
    }

    async fn coding_needs_a_signed_in_officer_a_real_question_and_the_page_token(app) {
        app.respond_with_other("dartford", "Parking").await;
        let anonymous = app.resident();
        assert_eq!(anonymous.get(ANSWERS).await.status, StatusCode::SEE_OTHER);
        assert_eq!(anonymous.post(&format!("{ANSWERS}/themes"), &[("theme-name", "X")]).await.status, StatusCode::SEE_OTHER);
        let mut analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get("/surveys/csp-2019/results/text/borough").await.status, StatusCode::NOT_FOUND, "no free text");
        assert_eq!(analyst.post("/surveys/csp-2019/results/text/nope/themes", &[("theme-name", "X")]).await.status, StatusCode::NOT_FOUND);
        let unknown = analyst.post(&format!("{ANSWERS}/assign"), &[("theme", "999"), ("q", "park")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.error_summary()[0].0, "Choose one of this question's themes");
        analyst.drop_csrf();
        let forged = analyst.post(&format!("{ANSWERS}/themes"), &[("theme-name", "Forged")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let admin = app.signed_in("admin").await;
        assert!(admin.get("/admin/audit?action=themes").await.texts("tbody td[data-detail]").is_empty(), "nothing changed");
    }
}
