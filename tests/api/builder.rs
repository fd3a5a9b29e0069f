//! Building next year's survey in the browser: copy a survey as its next
//! wave (a draft), read and download the draft, publish it; who did it is
//! in the audit. Bad input gets a 4xx with a message at the field, and
//! nothing stored changes.

use reqwest::StatusCode;

use crate::helpers::{Resident, choose, on_both_backends};

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
async fn drafts_listed(officer: &Resident) -> usize {
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
        assert_eq!(form.attrs("select#copy-from option", "value"), ["csp-2019", ":blank"]);
        // A text input, not a date picker: a half-typed date reaches the
        // checks (and is refused) instead of arriving empty.
        assert_eq!(form.attrs("input#opens", "type"), ["text"]);

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
        assert_eq!(drafts_listed(&admin).await, 1);

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
            list.texts("tbody td > a:not([download]):not(.secondary-link)"),
            ["Community safety in Dartford and Gravesham", "Community safety in Dartford and Gravesham 2020"]
        );
        assert_eq!(drafts_listed(&admin).await, 0, "the draft became the survey");

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
        let audit = admin.get("/admin/audit?survey=csp-2020").await;
        assert_eq!(audit.status, StatusCode::OK);
        let changes = audit.texts("tbody td[data-detail]");
        assert_eq!(changes, ["published version 1", "created as the next wave of csp-2019"]);
        assert!(audit.text("tbody").contains("admin@example.gov.uk"));

        // Publishing again is stale: the draft is gone.
        let again = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
    }

    async fn a_survey_from_blank_lists_what_it_lacks_and_publishes_once_complete(app) {
        let admin = app.signed_in("admin").await;
        let created = create(&admin, &[("copy-from", ":blank"), ("slug", "town-centre-2020"), ("title", "Town centre safety"), ("opens", ""), ("closes", "")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text(".error-summary"));
        let draft = admin.get("/admin/drafts/town-centre-2020").await;
        assert_eq!(draft.status, StatusCode::OK);
        assert!(draft.text("main").contains("No questions yet."));
        let settings = "/admin/drafts/town-centre-2020/settings";
        let lacking = [
            ("Enter the organisation", format!("{settings}#organisation")),
            ("Say why the survey is being run", format!("{settings}#purpose")),
            ("Say who can answer", format!("{settings}#who-can-answer")),
            ("Say how long it takes", format!("{settings}#time-to-complete")),
            ("Enter the privacy notice", format!("{settings}#privacy")),
            ("Add at least one question", "/admin/drafts/town-centre-2020/add-question".to_owned()),
        ];
        let expected: Vec<(String, String)> = lacking.iter().map(|(m, h)| ((*m).to_owned(), h.clone())).collect();
        assert_eq!(draft.texts(".missing li"), lacking.iter().map(|(m, _)| (*m).to_owned()).collect::<Vec<_>>());
        let refused = admin.post("/admin/drafts/town-centre-2020/publish", &[("revision", "1")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.error_summary(), expected, "publishing lists what is missing");
        assert_eq!(app.resident().get("/surveys/town-centre-2020").await.status, StatusCode::NOT_FOUND, "nothing published");

        // Settings typed and one question added: it publishes.
        let values = [
            ("title", "Town centre safety"), ("organisation", "Gravesham Community Safety Partnership"),
            ("purpose", "To learn how safe the town centre feels."), ("who-can-answer", "Anyone who visits Gravesend town centre."),
            ("time-to-complete", "2 minutes"), ("privacy", "Answers are anonymous."), ("opens", ""), ("closes", ""), ("channels", ""), ("revision", "1"),
        ];
        let saved = admin.post(settings, &values).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text(".error-summary"));
        let draft = admin.get("/admin/drafts/town-centre-2020").await;
        assert_eq!(draft.texts(".missing li"), ["Add at least one question"]);
        let added = admin.post("/admin/drafts/town-centre-2020/add-question", &[("revision", "2"), ("question-id", "feel-safe"), ("kind", "single"), ("title", "How safe do you feel in the town centre at night?"), ("options", "Safe\nUnsafe"), ("required", "yes"), ("required-message", "Select safe or unsafe")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text(".error-summary"));
        assert!(admin.get("/admin/drafts/town-centre-2020").await.texts(".missing li").is_empty());
        let published = admin.post("/admin/drafts/town-centre-2020/publish", &[("revision", "3")]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text(".error-summary"));
        assert_eq!(app.resident().get("/surveys/town-centre-2020").await.status, StatusCode::OK);
        let audit = admin.get("/admin/audit?survey=town-centre-2020").await.texts("tbody td[data-detail]");
        assert_eq!(audit.last().map(String::as_str), Some("created"));
    }

    async fn a_survey_whose_answers_could_outgrow_the_form_limit_is_not_published(app) {
        let admin = app.signed_in("admin").await;
        create(&admin, &wave("csp-2020", "Community safety 2020")).await;
        // The test service takes forms of 16 KB; 5,000 characters may need 61 KB.
        let added = admin.post("/admin/drafts/csp-2020/add-question", &[("revision", "1"), ("question-id", "anything-else"), ("kind", "text"), ("title", "Anything else?"), ("max-length", "5000")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text(".error-summary"));
        let refused = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "2")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.error_summary(), [(
            "An answer to \u{201c}Anything else?\u{201d} may need up to 61024 bytes as a browser sends it, more than this service accepts (16384 bytes, MAX_FORM_BYTES): lower its maximum length".to_owned(),
            "/admin/drafts/csp-2020/questions/anything-else".to_owned(),
        )]);
        assert_eq!(app.resident().get("/surveys/csp-2020").await.status, StatusCode::NOT_FOUND);
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
                StatusCode::UNPROCESSABLE_ENTITY, "#opens", "Enter the date as year-month-day, such as 2020-02-01",
            ),
            (
                // Half typed: refused, not taken as "no date".
                vec![("copy-from", "csp-2019"), ("slug", "csp-2020"), ("title", "T"), ("opens", "2020-02")],
                StatusCode::UNPROCESSABLE_ENTITY, "#opens", "Enter the date as year-month-day, such as 2020-02-01",
            ),
            (
                vec![("copy-from", "nope"), ("slug", "csp-2020"), ("title", "T")],
                StatusCode::UNPROCESSABLE_ENTITY, "#copy-from", "Choose a survey to copy, or a blank survey",
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
        assert_eq!(drafts_listed(&admin).await, 1, "only the valid one was stored");

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
        let no_revision = admin.post("/admin/drafts/csp-2020/settings", &[("title", "T")]).await;
        assert_eq!(no_revision.status, StatusCode::BAD_REQUEST);
        assert_eq!(drafts_listed(&admin).await, 1);
        assert_eq!(app.resident().get("/surveys/csp-2020").await.status, StatusCode::NOT_FOUND);
    }

    async fn a_draft_whose_name_was_published_since_is_not_published_over_it(app) {
        let admin = app.signed_in("admin").await;
        create(&admin, &wave("csp-2020", "Community safety 2020")).await;
        // A definition file with the same slug is published (as at a start).
        let file = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("the file");
        let other = civic_survey::domain::SurveyDefinition::from_toml(
            "csp-2020.toml",
            &file.replace("slug = \"csp-2019\"", "slug = \"csp-2020\"").replace(
                "title = \"Community safety in Dartford and Gravesham\"",
                "title = \"From a file\"",
            ),
        )
        .expect("valid");
        assert_eq!(app.publish_version(&other), 1);
        let refused = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text(".error-summary").contains("was published since this draft was made"));
        assert_eq!(drafts_listed(&admin).await, 1, "the draft is kept");
        let (_, _, toml) = admin.get_bytes("/surveys/csp-2020/definition.toml").await;
        assert!(String::from_utf8(toml).expect("UTF-8").contains("From a file"), "the live survey is untouched");
        let audit = admin.get("/admin/audit?survey=csp-2020").await;
        assert_eq!(audit.texts("tbody td[data-detail]"), ["created as the next wave of csp-2019"], "nothing published");
    }

    async fn a_draft_that_no_longer_reads_is_left_off_the_list_not_fatal(app) {
        let admin = app.signed_in("admin").await;
        create(&admin, &wave("csp-2020", "Community safety 2020")).await;
        create(&admin, &wave("csp-2021", "Community safety 2021")).await;
        assert_eq!(drafts_listed(&admin).await, 2);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.pool.get().expect("connection");
            let sql = "UPDATE survey_drafts SET definition = '{}' WHERE slug = 'csp-2020'";
            match &mut **conn {
                civic_survey::db::AnyConnection::Sqlite(c) => diesel::sql_query(sql).execute(c),
                civic_survey::db::AnyConnection::Postgresql(c) => diesel::sql_query(sql).execute(c),
            }
            .expect("spoil one draft");
        }
        let list = admin.get("/officers").await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.attrs("a[href^='/admin/drafts/']", "href"), ["/admin/drafts/csp-2021"]);
    }

    async fn only_admins_build_surveys(app) {
        let analyst = app.signed_in("analyst").await;
        assert!(analyst.get("/officers").await.text("main").contains("Community safety"));
        assert!(!analyst.get("/officers").await.text("main").contains("Drafts"), "analysts see no drafts");
        for path in ["/admin/surveys/new", "/admin/drafts/csp-2020", "/admin/audit"] {
            assert_eq!(analyst.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(create(&analyst, &wave("csp-2020", "T")).await.status, StatusCode::FORBIDDEN);
        let anonymous = app.resident();
        assert_eq!(anonymous.get("/admin/surveys/new").await.status, StatusCode::SEE_OTHER);
        let admin = app.signed_in("admin").await;
        assert_eq!(drafts_listed(&admin).await, 0);
        assert_eq!(admin.get("/admin/drafts/no-such").await.status, StatusCode::NOT_FOUND);
    }

    async fn two_officers_saving_the_same_draft_the_second_is_told_what_changed_and_loses_nothing(app) {
        let first = app.signed_in("admin").await;
        let created = create(&first, &wave("csp-2020", "Community safety 2020")).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        app.add_officer("second@example.gov.uk", "correct horse battery staple", "admin");
        let mut second = app.resident();
        second.sign_in("second@example.gov.uk", "correct horse battery staple").await;

        let settings = "/admin/drafts/csp-2020/settings";
        let page = first.get(settings).await;
        assert_eq!(page.attrs("input[name=revision]", "value"), ["1"]);
        let original = settings_of(&page);
        assert_eq!(original[0], ("title".to_owned(), "Community safety 2020".to_owned()));
        let _ = second.get(settings).await;

        let mut mine = original.clone();
        mine[0].1 = "Feeling safe in 2020".to_owned();
        let saved = post_settings(&first, &mine, "1").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.location(), "/admin/drafts/csp-2020");

        let mut theirs = original.clone();
        theirs[2].1 = "Tell us what worries you\n\nso we can act on it.".to_owned();
        let conflict = post_settings(&second, &theirs, "1").await;
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        assert!(conflict.text(".notification").contains("admin@example.gov.uk saved it at"), "{}", conflict.text(".notification"));
        assert_eq!(
            conflict.texts(".notification tbody th"),
            ["Title", "Why the survey is being run"],
            "what differs"
        );
        assert_eq!(conflict.texts(".notification tbody tr:first-child td"), ["Feeling safe in 2020", "Community safety 2020"]);
        assert!(conflict.body.contains(">\nTell us what worries you\n\nso we can act on it.</textarea>"), "nothing typed is lost");
        assert_eq!(conflict.attrs("input[name=revision]", "value"), ["2"], "saving again knowingly replaces");
        assert!(conflict.text("title").starts_with("Error: "));

        let draft = first.get("/admin/drafts/csp-2020").await;
        assert_eq!(draft.text("h1"), "Feeling safe in 2020", "the second save stored nothing");

        let again = post_settings(&second, &theirs, "2").await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let page = first.get(settings).await;
        assert_eq!(settings_of(&page)[2].1, "Tell us what worries you so we can act on it.");
        assert_eq!(page.attrs("input[name=revision]", "value"), ["3"]);

        let audit = first.get("/admin/audit?survey=csp-2020").await;
        assert_eq!(
            audit.texts("tbody td[data-detail]"),
            ["changed the settings", "changed the settings", "created as the next wave of csp-2019"]
        );
    }

    async fn bad_settings_are_refused_at_the_field_and_kept(app) {
        let admin = app.signed_in("admin").await;
        create(&admin, &wave("csp-2020", "Community safety 2020")).await;
        let settings = "/admin/drafts/csp-2020/settings";
        let original = settings_of(&admin.get(settings).await);
        let mut blank = original.clone();
        blank[0].1 = "   ".to_owned();
        blank[7].1 = "31/02/2020".to_owned();
        let refused = post_settings(&admin, &blank, "1").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.error_summary(),
            [
                ("Enter a title".to_owned(), "#title".to_owned()),
                ("Enter the date as year-month-day, such as 2020-02-01".to_owned(), "#closes".to_owned())
            ],
            "every problem at once, in the order of the form"
        );
        assert_eq!(refused.attrs("input#closes", "value"), ["31/02/2020"]);
        assert_eq!(refused.attrs("input#organisation", "value"), [original[1].1.as_str()], "kept");
        let page = admin.get(settings).await;
        assert_eq!(page.attrs("input[name=revision]", "value"), ["1"], "nothing saved");
        let analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get(settings).await.status, StatusCode::FORBIDDEN);
    }
}

/// The settings form's fields and values as the page shows them, in order.
fn settings_of(page: &crate::helpers::Page) -> Vec<(String, String)> {
    [
        "title",
        "organisation",
        "purpose",
        "who-can-answer",
        "time-to-complete",
        "privacy",
        "opens",
        "closes",
    ]
    .iter()
    .map(|id| {
        let value = page
            .attrs(&format!("input#{id}"), "value")
            .pop()
            .unwrap_or_else(|| page.text(&format!("textarea#{id}")));
        ((*id).to_owned(), value)
    })
    .collect()
}

/// Posts the settings form with `revision`.
async fn post_settings(
    officer: &Resident,
    values: &[(String, String)],
    revision: &str,
) -> crate::helpers::Page {
    let mut fields: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.push(("revision", revision));
    officer
        .post("/admin/drafts/csp-2020/settings", &fields)
        .await
}
