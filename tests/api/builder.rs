//! Building next year's survey in the browser: copy a survey as its next
//! wave (a draft), read and download the draft, publish it; who did it is
//! in the audit. Bad input gets a 4xx with a message at the field, and
//! nothing stored changes.

use reqwest::StatusCode;

use crate::helpers::{Resident, TestApp, choose, on_both_backends};

/// Posts the new-survey form with the officer's session token.
async fn create(officer: &Resident, fields: &[(&str, &str)]) -> crate::helpers::Page {
    officer.post("/admin/surveys/new", fields).await
}

fn wave<'a>(slug: &'a str, title: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("copy-from", "csp-2019"),
        ("slug", slug),
        ("title", title),
        ("opens", "2020-02-01"),
        ("closes", ""),
    ]
}

/// A bad form: its fields, the status, and the one error with its field.
type BadCase<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str, &'a str);

/// How many drafts there are, as the survey list shows them.
async fn drafts_listed(app: &TestApp, officer: &Resident) -> usize {
    let _ = app;
    officer
        .get("/officers")
        .await
        .attrs("a[href^='/admin/drafts/']", "href")
        .len()
}

on_both_backends! {
    async fn an_admin_copies_csp_2019_as_csp_2020_and_publishes_it(app) {
        let admin = app.signed_in("admin").await;
        let form = admin.get("/admin/surveys/new").await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.attrs("select#copy-from option", "value"), ["csp-2019"]);
        assert_eq!(form.attrs("input#opens", "type"), ["date"]);

        let created = create(&admin, &wave("csp-2020", "Community safety in Dartford and Gravesham 2020")).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        assert_eq!(created.location(), "/admin/drafts/csp-2020");

        let draft = admin.get("/admin/drafts/csp-2020").await;
        assert_eq!(draft.status, StatusCode::OK);
        assert_eq!(draft.text("h1"), "Community safety in Dartford and Gravesham 2020");
        assert_eq!(draft.texts("ol.draft-questions li").len(), 10, "every question copied");
        assert!(draft.text("main").contains("the next wave of csp-2019"));
        assert!(draft.text("main").contains("1 February 2020"));
        // Nothing is public yet.
        assert_eq!(app.resident().get("/surveys/csp-2020").await.status, StatusCode::NOT_FOUND);
        assert_eq!(drafts_listed(&app, &admin).await, 1);

        let (status, _, toml) = admin.get_bytes("/admin/drafts/csp-2020/definition.toml").await;
        assert_eq!(status, StatusCode::OK);
        let downloaded = civic_survey::domain::SurveyDefinition::from_toml("draft.toml", &String::from_utf8(toml).expect("UTF-8"))
            .expect("the draft's file loads");
        let original = civic_survey::domain::SurveyDefinition::load_file(&app.surveys_dir.join("csp-2019.toml")).expect("valid");
        assert_eq!(downloaded.questions(), original.questions(), "same questions and ids, so the waves compare");
        assert!(downloaded.fieldwork().is_none());

        let published = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
        assert_eq!(published.location(), "/officers");
        let list = admin.get("/officers").await;
        assert_eq!(
            list.texts("tbody td > a:not([download])"),
            ["Community safety in Dartford and Gravesham", "Community safety in Dartford and Gravesham 2020"]
        );
        assert_eq!(drafts_listed(&app, &admin).await, 0, "the draft became the survey");

        // Residents answer the new wave; the old one is untouched.
        let mut resident = app.resident();
        let start = resident.get("/surveys/csp-2020").await;
        assert_eq!(start.text("h1"), "Community safety in Dartford and Gravesham 2020");
        resident.start("csp-2020").await;
        resident.answer("/surveys/csp-2020/questions/borough", &choose(&["dartford"])).await;
        let done = resident.post("/surveys/csp-2020/submit", &[]).await;
        assert_eq!(done.location(), "/surveys/csp-2020/done");
        assert_eq!(app.completed("csp-2020"), 1);
        assert_eq!(app.completed("csp-2019"), 0);

        // The audit says who did what.
        let audit = admin.get("/admin/audit").await;
        assert_eq!(audit.status, StatusCode::OK);
        let changes = audit.texts("tbody td[data-action]");
        assert_eq!(changes, ["published version 1", "created as the next wave of csp-2019"]);
        assert!(audit.text("tbody").contains("admin@example.gov.uk"));

        // Publishing again is stale: the draft is gone.
        let again = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
    }

    async fn bad_new_survey_forms_are_refused_at_the_field_and_nothing_is_stored(app) {
        let admin = app.signed_in("admin").await;
        let cases: Vec<BadCase> = vec![
            (wave("csp-2019", "Again"), StatusCode::CONFLICT, "#slug", "A survey or a draft already has that web address name: choose another"),
            (wave("Not A Slug", "T"), StatusCode::UNPROCESSABLE_ENTITY, "#slug", "Enter a web address name of lower-case letters, digits and hyphens (must use only lower-case letters, digits and hyphens, and not start with a hyphen)"),
            (wave("csp-2020", "  "), StatusCode::UNPROCESSABLE_ENTITY, "#title", "Enter a title"),
            (
                vec![("copy-from", "csp-2019"), ("slug", "csp-2020"), ("title", "T"), ("opens", "2020-03-02"), ("closes", "2020-03-01")],
                StatusCode::UNPROCESSABLE_ENTITY, "#closes", "The closing date must be after the opening date",
            ),
            (
                vec![("copy-from", "csp-2019"), ("slug", "csp-2020"), ("title", "T"), ("opens", "1 Feb")],
                StatusCode::UNPROCESSABLE_ENTITY, "#opens", "Enter a real date, such as 2020-02-01",
            ),
            (
                vec![("copy-from", "nope"), ("slug", "csp-2020"), ("title", "T")],
                StatusCode::UNPROCESSABLE_ENTITY, "#copy-from", "Choose a survey to copy",
            ),
        ];
        for (fields, status, field, message) in cases {
            let page = create(&admin, &fields).await;
            assert_eq!(page.status, status, "{fields:?}: {}", page.body);
            assert_eq!(page.error_summary(), [(message.to_owned(), field.to_owned())], "{fields:?}");
            assert!(page.text("title").starts_with("Error: "));
            // What was typed is kept.
            let title = fields.iter().find(|(k, _)| *k == "title").map(|(_, v)| v.trim()).unwrap_or_default();
            assert_eq!(page.attrs("input#title", "value"), [title]);
        }
        let script = create(&admin, &wave("csp-2020", "<script>alert(1)</script>")).await;
        assert_eq!(script.status, StatusCode::SEE_OTHER, "a title is text, shown escaped");
        let draft = admin.get("/admin/drafts/csp-2020").await;
        assert!(draft.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!draft.body.contains("<script>alert(1)"));
        assert_eq!(drafts_listed(&app, &admin).await, 1, "only the valid one was stored");

        let mut stale = app.resident();
        stale.sign_in("admin@example.gov.uk", "correct horse battery staple").await;
        stale.drop_csrf();
        let refused = create(&stale, &wave("csp-2021", "T")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let refused = stale.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let wrong = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "7")]).await;
        assert_eq!(wrong.status, StatusCode::CONFLICT, "an old revision is not published");
        assert!(wrong.text(".error-summary").contains("Someone changed or published this draft"));
        let missing = admin.post("/admin/drafts/csp-2020/publish", &[]).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert_eq!(drafts_listed(&app, &admin).await, 1);
        assert_eq!(app.resident().get("/surveys/csp-2020").await.status, StatusCode::NOT_FOUND);
    }

    async fn only_admins_build_surveys(app) {
        let analyst = app.signed_in("analyst").await;
        for path in ["/admin/surveys/new", "/admin/drafts/csp-2020", "/admin/audit"] {
            assert_eq!(analyst.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(create(&analyst, &wave("csp-2020", "T")).await.status, StatusCode::FORBIDDEN);
        let anonymous = app.resident();
        assert_eq!(anonymous.get("/admin/surveys/new").await.status, StatusCode::SEE_OTHER);
        let admin = app.signed_in("admin").await;
        assert_eq!(drafts_listed(&app, &admin).await, 0);
        assert_eq!(admin.get("/admin/drafts/no-such").await.status, StatusCode::NOT_FOUND);
    }
}
