//! Changing a published survey: its latest version copied as a draft under
//! the same slug, published as the next version. Answers keep the version
//! they were given under; results join versions by ids and say which
//! options a version did not offer.

use reqwest::StatusCode;

use crate::helpers::{Resident, TestApp, choose, on_both_backends};

const DRAFT: &str = "/admin/drafts/csp-2019";

/// A resident who answers csp-2019's borough question and submits.
async fn answer_borough(app: &TestApp, borough: &str) {
    let mut resident: Resident = app.resident();
    resident.start("csp-2019").await;
    resident
        .answer("/surveys/csp-2019/questions/borough", &choose(&[borough]))
        .await;
    let done = resident.post("/surveys/csp-2019/submit", &[]).await;
    assert_eq!(done.location(), "/surveys/csp-2019/done", "{}", done.body);
}

async fn revision(admin: &Resident) -> String {
    admin
        .get(DRAFT)
        .await
        .attrs("form[action$='/publish'] input[name=revision]", "value")
        .pop()
        .expect("the publish form has a revision")
}

async fn audit(admin: &Resident) -> Vec<String> {
    admin
        .get("/admin/audit")
        .await
        .texts("tbody td[data-detail]")
}

on_both_backends! {
    async fn a_published_survey_changes_as_its_next_version_and_results_join_the_versions(app) {
        answer_borough(&app, "dartford").await;
        answer_borough(&app, "gravesham").await;
        let admin = app.signed_in("admin").await;
        let list = admin.get("/officers").await;
        assert_eq!(list.texts("form[action='/admin/surveys/csp-2019/next-version'] button"), ["Change: start version 2 of Community safety in Dartford and Gravesham"]);

        let started = admin.post("/admin/surveys/csp-2019/next-version", &[]).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        assert_eq!(started.location(), DRAFT);
        let draft = admin.get(DRAFT).await;
        assert_eq!(draft.text(".caption-l"), "Draft of version 2");
        assert!(draft.text("main").contains("version 2 of the survey"));
        // Starting again leads to the same draft; the survey list says so.
        let again = admin.post("/admin/surveys/csp-2019/next-version", &[]).await;
        assert_eq!(again.location(), DRAFT);
        let list = admin.get("/officers").await;
        assert_eq!(list.attrs("a[href^='/admin/drafts/']", "href"), [DRAFT, DRAFT], "one draft, linked from the survey and the drafts");
        assert!(list.text("main").contains("Version 2 is being drafted"));
        // Residents still answer version 1 meanwhile.
        answer_borough(&app, "dartford").await;

        let rev = revision(&admin).await;
        let added = admin.post(&format!("{DRAFT}/questions/borough/add-option"), &[("revision", &rev), ("label", "Elsewhere in Kent")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let rev = revision(&admin).await;
        let published = admin.post(&format!("{DRAFT}/publish"), &[("revision", &rev)]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
        let (_, _, toml) = admin.get_bytes("/surveys/csp-2019/definition.toml").await;
        assert!(String::from_utf8(toml).expect("UTF-8").contains("Elsewhere in Kent"));
        let (_, _, v1) = admin.get_bytes("/surveys/csp-2019/definition.toml?version=1").await;
        assert!(!String::from_utf8(v1).expect("UTF-8").contains("Elsewhere in Kent"), "version 1 is frozen");
        answer_borough(&app, "elsewhere-in-kent").await;
        assert_eq!(app.completed("csp-2019"), 4, "every answer kept");

        // Results: one question over both versions, the new option marked.
        let results = admin.get("/surveys/csp-2019/results").await;
        let row = results.text("table[data-question=borough] tr[data-option=elsewhere-in-kent] th");
        assert!(row.contains("Not offered in version 1 (3 responses)"), "{row}");
        let dartford = results.text("table[data-question=borough] tr[data-option=dartford] th");
        assert!(!dartford.contains("Not offered"), "{dartford}");
        let (status, json) = admin.get_json("/api/surveys/csp-2019/results").await;
        assert_eq!(status, StatusCode::OK);
        let borough = json["questions"].as_array().expect("questions").iter().find(|q| q["id"] == "borough").expect("borough");
        assert_eq!(borough["answered"], 4);
        let options = borough["options"].as_array().expect("options");
        assert_eq!(options.iter().map(|o| o["count"].as_u64().unwrap_or(99)).collect::<Vec<_>>(), [2, 1, 1]);
        assert_eq!(options[2]["not_offered_in"], serde_json::json!([{ "version": 1, "responses": 3 }]));
        assert!(options[0].get("not_offered_in").is_none());
        // Filtered to Gravesham (one version 1 response), the note follows the filter.
        let (_, json) = admin.get_json("/api/surveys/csp-2019/results?f-borough=gravesham").await;
        let borough = json["questions"].as_array().expect("questions").iter().find(|q| q["id"] == "borough").expect("borough");
        assert_eq!(borough["options"][2]["not_offered_in"], serde_json::json!([{ "version": 1, "responses": 1 }]));

        assert_eq!(audit(&admin).await[..3], [
            "published version 2",
            "added option elsewhere-in-kent to question borough",
            "started version 2 from version 1",
        ]);
    }

    async fn a_next_version_overtaken_by_another_is_not_published_and_can_be_discarded(app) {
        let admin = app.signed_in("admin").await;
        admin.post("/admin/surveys/csp-2019/next-version", &[]).await;
        // Publishing it unchanged stores nothing new.
        let published = admin.post(&format!("{DRAFT}/publish"), &[("revision", "1")]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
        assert_eq!(audit(&admin).await[0], "published the draft unchanged: version 1 stands");

        admin.post("/admin/surveys/csp-2019/next-version", &[]).await;
        // Meanwhile a changed definition file is published (as at a start).
        let file = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("the file");
        let changed = civic_survey::domain::SurveyDefinition::from_toml(
            "csp-2019.toml",
            &file.replace("title = \"Community safety in Dartford and Gravesham\"", "title = \"From a file\""),
        )
        .expect("valid");
        assert_eq!(app.publish_version(&changed), 2);
        // A new draft's revisions start above any the slug's drafts reached,
        // so a form from the first draft cannot act on this one.
        let rev = revision(&admin).await;
        assert_ne!(rev, "1");
        let old_form = admin.post(&format!("{DRAFT}/discard"), &[("revision", "1")]).await;
        assert_eq!(old_form.status, StatusCode::CONFLICT, "a form from the published draft");
        let refused = admin.post(&format!("{DRAFT}/publish"), &[("revision", &rev)]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text(".error-summary").contains("Version 2 of this survey was published since this draft was made from version 1"), "{}", refused.text(".error-summary"));
        let (_, _, toml) = admin.get_bytes("/surveys/csp-2019/definition.toml").await;
        assert!(String::from_utf8(toml).expect("UTF-8").contains("From a file"), "version 2 stands");

        let stale = admin.post(&format!("{DRAFT}/discard"), &[("revision", "9")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let discarded = admin.post(&format!("{DRAFT}/discard"), &[("revision", &rev)]).await;
        assert_eq!(discarded.status, StatusCode::SEE_OTHER, "{}", discarded.body);
        assert_eq!(admin.get(DRAFT).await.status, StatusCode::NOT_FOUND);
        assert_eq!(audit(&admin).await[0], "discarded the draft");
        // Now version 3 can be started from version 2.
        admin.post("/admin/surveys/csp-2019/next-version", &[]).await;
        assert_eq!(admin.get(DRAFT).await.text(".caption-l"), "Draft of version 3");
    }

    async fn only_builders_start_versions_and_a_bad_request_changes_nothing(app) {
        let analyst = app.signed_in("analyst").await;
        assert!(analyst.get("/officers").await.attrs("form[action$='/next-version']", "action").is_empty());
        assert_eq!(analyst.post("/admin/surveys/csp-2019/next-version", &[]).await.status, StatusCode::FORBIDDEN);
        let mut admin = app.signed_in("admin").await;
        assert_eq!(admin.post("/admin/surveys/no-such-survey/next-version", &[]).await.status, StatusCode::NOT_FOUND);
        admin.drop_csrf();
        assert_eq!(admin.post("/admin/surveys/csp-2019/next-version", &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(admin.get(DRAFT).await.status, StatusCode::NOT_FOUND);
    }
}
