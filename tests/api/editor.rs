//! Editing a draft's questions and options in the browser: add, change,
//! move and remove, through the one validation path. Problems come back at
//! their fields with what was typed; moves and removals that would leave a
//! follow-up hanging are refused naming it; a stale form changes nothing.

use reqwest::StatusCode;

use crate::helpers::{Page, Resident, TestApp, on_both_backends};

const DRAFT: &str = "/admin/drafts/csp-2020";

/// Copies csp-2019 as the csp-2020 draft and returns the signed-in admin.
async fn draft(app: &TestApp) -> Resident {
    let admin = app.signed_in("admin").await;
    let created = admin
        .post(
            "/admin/surveys/new",
            &[
                ("copy-from", "csp-2019"),
                ("slug", "csp-2020"),
                ("title", "Community safety 2020"),
                ("opens", ""),
                ("closes", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    admin
}

/// The draft's revision, as its page's forms carry it.
async fn revision(admin: &Resident) -> String {
    admin
        .get(DRAFT)
        .await
        .attrs("form[action$='/publish'] input[name=revision]", "value")
        .pop()
        .expect("the publish form has a revision")
}

/// The draft's question ids, in order, as its page lists them.
async fn question_ids(admin: &Resident) -> Vec<String> {
    admin
        .get(DRAFT)
        .await
        .attrs("ol.draft-questions a.link-button", "href")
        .into_iter()
        .map(|href| href.rsplit('/').next().unwrap_or_default().to_owned())
        .collect()
}

/// The fields of a new question, with `revision`.
fn question<'a>(
    revision: &'a str,
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("revision", revision),
        ("question-id", id),
        ("kind", kind),
        ("title", title),
    ];
    fields.extend_from_slice(extra);
    fields
}

/// A bad form: its fields, the field its error is at, and the message.
type BadForm<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

async fn add_question(admin: &Resident, fields: &[(&str, &str)]) -> Page {
    admin.post(&format!("{DRAFT}/add-question"), fields).await
}

on_both_backends! {
    async fn an_admin_adds_a_scale_and_a_text_question_changes_wording_and_orders_them(app) {
        let admin = draft(&app).await;
        let rev = revision(&admin).await;
        let form = admin.get(&format!("{DRAFT}/add-question")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.attrs("input[name=kind]", "value"), ["single", "multiple", "scale", "text"]);
        // A follow-up can hang on the options of earlier questions only, and
        // every question is earlier than a new one.
        assert!(form.attrs("select#show-if option", "value").contains(&"borough:dartford".to_owned()));

        let added = add_question(&admin, &question(&rev, "feel-safe", "scale", "How safe do you feel in your local area after dark?", &[
            ("options", "Very safe\nFairly safe\nFairly unsafe\nVery unsafe\n"),
            ("short-label", "Safety after dark"),
        ])).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert_eq!(added.location(), DRAFT);

        // "Don't know" is kept out of the score.
        let scale = format!("{DRAFT}/questions/feel-safe");
        let page = admin.get(&scale).await;
        assert_eq!(page.texts("#options + p + ol li").len(), 4, "{}", page.body);
        let rev = revision(&admin).await;
        let dont_know = admin.post(&format!("{scale}/add-option"), &[("revision", &rev), ("label", "Don't know"), ("unscored", "yes")]).await;
        assert_eq!(dont_know.status, StatusCode::SEE_OTHER, "{}", dont_know.body);
        assert_eq!(dont_know.location(), scale);

        let rev = revision(&admin).await;
        let text = add_question(&admin, &question(&rev, "anything-else", "text", "Is there anything else you would like to tell us?", &[
            ("max-length", "500"),
            // Settings of other kinds are ignored, not refused.
            ("max-selections", "3"),
        ])).await;
        assert_eq!(text.status, StatusCode::SEE_OTHER, "{}", text.body);

        // Change the wording of a copied question: its id stays.
        let borough = admin.get(&format!("{DRAFT}/questions/borough")).await;
        assert_eq!(borough.attrs("input#question-id", "value"), ["borough"]);
        let mut fields: Vec<(String, String)> = vec![
            ("revision".into(), revision(&admin).await),
            ("question-id".into(), "borough".into()),
            ("kind".into(), "single".into()),
            ("title".into(), "Where do you live or work?".into()),
            ("required".into(), "yes".into()),
            ("demographic".into(), "yes".into()),
        ];
        fields.push(("required-message".into(), borough.attrs("input#required-message", "value").pop().unwrap_or_default()));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let changed = admin.post(&format!("{DRAFT}/questions/borough"), &fields).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);

        // Move the text question above the scale, and back.
        let mut ids = question_ids(&admin).await;
        assert_eq!(ids.len(), 12);
        assert_eq!(&ids[10..], ["feel-safe", "anything-else"]);
        let rev = revision(&admin).await;
        let moved = admin.post(&format!("{DRAFT}/questions/anything-else/move"), &[("revision", &rev), ("direction", "up")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
        ids.swap(10, 11);
        assert_eq!(question_ids(&admin).await, ids);
        let rev = revision(&admin).await;
        admin.post(&format!("{DRAFT}/questions/anything-else/move"), &[("revision", &rev), ("direction", "down")]).await;

        // What was built is in the definition file, through the one path.
        let (_, _, toml) = admin.get_bytes(&format!("{DRAFT}/definition.toml")).await;
        let def = civic_survey::domain::SurveyDefinition::from_toml("draft.toml", &String::from_utf8(toml).expect("UTF-8")).expect("valid");
        let q = def.question("feel-safe").expect("the scale");
        assert_eq!(q.kind().as_str(), "scale");
        let scores: Vec<(&str, u32)> = q.scale_scores().iter().map(|(o, s)| (o.id().as_str(), *s)).collect();
        assert_eq!(scores, [("very-safe", 4), ("fairly-safe", 3), ("fairly-unsafe", 2), ("very-unsafe", 1)]);
        assert_eq!(q.options()[4].id().as_str(), "don-t-know");
        assert!(q.options()[4].unscored());
        assert_eq!(def.question("anything-else").expect("text").kind().as_str(), "text");
        assert_eq!(def.question("borough").expect("kept").title(), "Where do you live or work?");
        assert_eq!(def.questions().last().expect("last").id().as_str(), "anything-else");

        // The audit names each change.
        let audit = admin.get("/admin/audit").await.texts("tbody td[data-detail]");
        for change in ["added question feel-safe", "added option don-t-know to question feel-safe", "added question anything-else", "changed question borough", "moved question anything-else up"] {
            assert!(audit.iter().any(|a| a == change), "{change} in {audit:?}");
        }

        // Published, residents see the new questions.
        let rev = revision(&admin).await;
        let published = admin.post(&format!("{DRAFT}/publish"), &[("revision", &rev)]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
        let mut resident = app.resident();
        resident.start("csp-2020").await;
        let page = resident.get("/surveys/csp-2020/questions/feel-safe").await;
        assert_eq!(page.text("h1"), "How safe do you feel in your local area after dark?");
        assert_eq!(page.attrs("input[name=answer]", "value").len(), 5);
    }

    async fn a_question_that_follow_ups_depend_on_keeps_its_id_and_says_why(app) {
        let admin = draft(&app).await;
        let form = admin.get(&format!("{DRAFT}/questions/most-important")).await;
        let title = form.attrs("input#title", "value").pop().unwrap_or_else(|| form.raw_text("textarea#title"));
        let rev = revision(&admin).await;
        let renamed = admin.post(&format!("{DRAFT}/questions/most-important"), &[("revision", &rev), ("question-id", "main-issue"), ("kind", "single"), ("title", &title)]).await;
        assert_eq!(renamed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", renamed.text(".error-summary"));
        let errors = renamed.error_summary();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].1, "#question-id");
        assert!(errors[0].0.starts_with("The id cannot change while \u{201c}Which anti-social behaviour"), "{}", errors[0].0);
        assert!(errors[0].0.ends_with("keep the id, or change when they are asked first"), "{}", errors[0].0);
        assert_eq!(renamed.attrs("input#question-id", "value"), ["main-issue"], "what was typed is kept");
        assert_eq!(revision(&admin).await, rev, "nothing saved");
    }

    async fn removing_or_moving_what_a_follow_up_depends_on_is_refused_naming_it(app) {
        let admin = draft(&app).await;
        let rev = revision(&admin).await;
        let before = question_ids(&admin).await;

        let refused = admin.post(&format!("{DRAFT}/questions/most-important/remove"), &[("revision", &rev)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        let summary = refused.error_summary();
        assert_eq!(summary.len(), 1);
        assert!(summary[0].0.starts_with("\u{201c}Which single community safety issue is MOST important"), "{summary:?}");
        for follow_up in ["Which anti-social behaviour concerns you most?", "Which substance misuse issue concerns you most?"] {
            assert!(summary[0].0.contains(&format!("\u{201c}{follow_up}\u{201d}")), "{follow_up} in {summary:?}");
        }
        assert!(summary[0].0.contains("are asked only after an answer to it"), "{summary:?}");

        let option = admin.post(&format!("{DRAFT}/questions/most-important/options/asb/remove"), &[("revision", &rev)]).await;
        assert_eq!(option.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", option.body);
        assert!(option.error_summary()[0].0.contains("is asked only when it is chosen"), "{:?}", option.error_summary());

        let up = admin.post(&format!("{DRAFT}/questions/asb-concerns/move"), &[("revision", &rev), ("direction", "up")]).await;
        assert_eq!(up.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", up.body);
        assert!(up.error_summary()[0].0.contains("cannot move up: it is asked only after an answer to"), "{:?}", up.error_summary());

        assert_eq!(question_ids(&admin).await, before, "nothing changed");
        assert_eq!(revision(&admin).await, rev, "nothing saved");

        // A follow-up with no dependants goes; then the option it hung on can.
        let gone = admin.post(&format!("{DRAFT}/questions/asb-concerns/remove"), &[("revision", &rev)]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
        let rev = revision(&admin).await;
        let option = admin.post(&format!("{DRAFT}/questions/most-important/options/asb/remove"), &[("revision", &rev)]).await;
        assert_eq!(option.status, StatusCode::SEE_OTHER, "{}", option.body);
        assert_eq!(option.location(), format!("{DRAFT}/questions/most-important"));
        let page = admin.get(&format!("{DRAFT}/questions/most-important")).await;
        assert!(!page.body.contains("/options/asb\""), "the option is gone");
    }

    async fn bad_question_and_option_forms_are_refused_at_the_field_keeping_what_was_typed(app) {
        let admin = draft(&app).await;
        let rev = revision(&admin).await;
        let long = "x".repeat(301);
        let cases: Vec<BadForm> = vec![
            (question(&rev, "q1", "single", " ", &[("options", "A\nB")]), "#title", "Enter the question"),
            (question(&rev, "Bad Id", "single", "Q?", &[("options", "A\nB")]), "#question-id", "Enter an id of lower-case letters, digits and hyphens, such as feel-safe (it must use only lower-case letters, digits and hyphens, and not start with a hyphen)"),
            (question(&rev, "borough", "single", "Q?", &[("options", "A\nB")]), "#question-id", "Another question already has this id: choose another"),
            (question(&rev, "q1", "single", "Q?", &[("options", "Only one")]), "#options", "Enter at least two options, one per line"),
            (question(&rev, "q1", "text", "Q?", &[]), "#max-length", "Enter the longest answer a resident may type, such as 500"),
            (question(&rev, "q1", "text", "Q?", &[("max-length", "lots")]), "#max-length", "Enter a whole number, such as 3, or leave it empty"),
            (question(&rev, "q1", "multiple", "Q?", &[("options", "A\nB"), ("max-selections", "3")]), "#max-selections", "The most answers is 3 but the question has only 2 options"),
            (question(&rev, "q1", "odd", "Q?", &[("options", "A\nB")]), "#kind", "Choose the kind of answer"),
            (question(&rev, "q1", "text", "Q?", &[("max-length", "50"), ("demographic", "yes")]), "#demographic", "A free-text question cannot be about the respondent: untick it, or choose another kind"),
            (question(&rev, "q1", "single", "Q?", &[("options", "A\nB"), ("show-if", "borough:dartford"), ("required", "yes")]), "#required", "A follow-up question cannot be required: untick it, or choose to ask it always"),
            (question(&rev, "q1", "single", "Q?", &[("options", "A\nB"), ("show-if", "nowhere:x")]), "#show-if", "Choose an answer to an earlier question (show_if names question \"nowhere\", which is not an earlier question of this survey)"),
            (question(&rev, "q1", "single", &long, &[("options", "A\nB")]), "#title", "The question is too long: 301 characters, at most 300"),
        ];
        for (fields, field, message) in cases {
            let page = add_question(&admin, &fields).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}: {}", page.body);
            assert_eq!(page.error_summary(), [(message.to_owned(), field.to_owned())], "{fields:?}");
            let title = fields.iter().find(|(k, _)| *k == "title").map(|(_, v)| v.trim()).unwrap_or_default();
            assert_eq!(page.text("textarea#title"), title, "what was typed comes back");
            assert_eq!(page.attrs("input[name=revision]", "value")[0], rev);
        }
        // A follow-up cannot hang on a later question: changing "borough" to
        // follow "gender" is refused, and the form never offered it.
        let borough = admin.get(&format!("{DRAFT}/questions/borough")).await;
        assert!(!borough.attrs("select#show-if option", "value").iter().any(|v| v.starts_with("gender:")));
        let forward = admin.post(&format!("{DRAFT}/questions/borough"), &question(&rev, "borough", "single", "Where?", &[("show-if", "gender:female")])).await;
        assert_eq!(forward.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(forward.error_summary()[0].1, "#show-if");

        // HTML in a label is text, escaped wherever it is shown.
        let script = add_question(&admin, &question(&rev, "q1", "single", "<script>alert(1)</script>", &[("options", "<b>A</b>\nB")])).await;
        assert_eq!(script.status, StatusCode::SEE_OTHER);
        let page = admin.get(DRAFT).await;
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.body.contains("<script>alert(1)"));

        // Option forms.
        let rev = revision(&admin).await;
        let add_option = format!("{DRAFT}/questions/q1/add-option");
        let option_cases: Vec<BadForm> = vec![
            (vec![("revision", &rev), ("label", " ")], "#label", "Enter the label"),
            (vec![("revision", &rev), ("label", "C"), ("option-id", "b")], "#option-id", "Another option of this question already has this id: choose another"),
            (vec![("revision", &rev), ("label", "Other"), ("specify-label", "Please specify")], "#specify-length", "Enter the longest answer the box takes, such as 100"),
            (vec![("revision", &rev), ("label", "Other"), ("specify-label", "Please specify"), ("specify-length", "5000")], "#specify-length", "The longest answer is 5000; it must be between 1 and 1000"),
            (vec![("revision", &rev), ("label", "Other"), ("unscored", "yes")], "#unscored", "Unscored only applies to kind = \"scale\""),
        ];
        for (fields, field, message) in option_cases {
            let page = admin.post(&add_option, &fields).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}: {}", page.body);
            assert_eq!(page.error_summary(), [(message.to_owned(), field.to_owned())], "{fields:?}");
        }
        assert_eq!(revision(&admin).await, rev, "nothing saved");

        // A stale CSRF token, an analyst, a draft or question that is not there.
        let mut stale = app.signed_in_as("stale@example.gov.uk", "admin").await;
        stale.drop_csrf();
        let page = stale.post(&format!("{DRAFT}/add-question"), &question(&rev, "q2", "single", "Q?", &[("options", "A\nB")])).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(page.text("textarea#title"), "Q?");
        let analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get(&format!("{DRAFT}/add-question")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(analyst.post(&format!("{DRAFT}/questions/q1/remove"), &[("revision", &rev)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(admin.get(&format!("{DRAFT}/questions/nope")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(admin.get("/admin/drafts/nope/add-question").await.status, StatusCode::NOT_FOUND);
        assert_eq!(admin.get(&format!("{DRAFT}/questions/q1/options/nope")).await.status, StatusCode::NOT_FOUND);
        let no_way = admin.post(&format!("{DRAFT}/questions/q1/move"), &[("revision", &rev), ("direction", "sideways")]).await;
        assert_eq!(no_way.status, StatusCode::BAD_REQUEST);
        assert_eq!(revision(&admin).await, rev, "nothing saved");
    }

    async fn two_officers_changing_one_question_the_second_sees_the_conflict_and_loses_nothing(app) {
        let first = draft(&app).await;
        let second = app.signed_in_as("second-admin@example.gov.uk", "admin").await;
        let rev = revision(&first).await;
        let path = format!("{DRAFT}/questions/borough");
        let mine = question(&rev, "borough", "single", "Where do you live?", &[("required", "yes"), ("demographic", "yes")]);
        let theirs = question(&rev, "borough", "single", "Where do you work?", &[("required", "yes"), ("demographic", "yes")]);
        assert_eq!(first.post(&path, &mine).await.status, StatusCode::SEE_OTHER);
        let conflict = second.post(&path, &theirs).await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
        assert!(conflict.text("[role=alert] h2").contains("Someone else saved this draft first"));
        let rows = conflict.texts("[role=alert] tbody tr");
        assert!(rows.iter().any(|r| r.contains("Where do you live?") && r.contains("Where do you work?")), "{rows:?}");
        assert_eq!(conflict.text("textarea#title"), "Where do you work?", "nothing typed is lost");
        let newer = conflict.attrs("input[name=revision]", "value")[0].clone();
        assert_ne!(newer, rev);

        // A move from a page read before a save changes nothing.
        let stale_move = second.post(&format!("{DRAFT}/questions/gender/move"), &[("revision", &rev), ("direction", "up")]).await;
        assert_eq!(stale_move.status, StatusCode::CONFLICT);
        assert!(stale_move.error_summary()[0].0.contains("nothing was changed"));

        // Saving again with the new revision replaces theirs.
        let again = question(&newer, "borough", "single", "Where do you work?", &[("required", "yes"), ("demographic", "yes")]);
        assert_eq!(second.post(&path, &again).await.status, StatusCode::SEE_OTHER);
        assert_eq!(first.get(&path).await.text("textarea#title"), "Where do you work?");
    }

    async fn an_option_is_changed_and_moved_and_a_stale_option_form_shows_the_conflict(app) {
        let first = draft(&app).await;
        let second = app.signed_in_as("second-admin@example.gov.uk", "admin").await;
        let question = format!("{DRAFT}/questions/borough");
        let option_ids = |page: &Page| -> Vec<String> {
            page.attrs("ol.builder-list:not(.draft-questions) a.link-button", "href")
                .into_iter()
                .map(|href| href.rsplit('/').next().unwrap_or_default().to_owned())
                .collect()
        };
        let before = option_ids(&first.get(&question).await);
        assert_eq!(before[..2], ["dartford", "gravesham"]);

        let form = first.get(&format!("{question}/options/dartford")).await;
        assert_eq!(form.attrs("input#label", "value"), ["Dartford"]);
        let rev = revision(&first).await;
        let changed = first.post(&format!("{question}/options/dartford"), &[("revision", &rev), ("option-id", "dartford"), ("label", "Dartford borough")]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        assert_eq!(changed.location(), question);
        let rev = revision(&first).await;
        let moved = first.post(&format!("{question}/options/dartford/move"), &[("revision", &rev), ("direction", "down")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
        let page = first.get(&question).await;
        assert_eq!(option_ids(&page)[..2], ["gravesham", "dartford"]);
        assert!(page.text("ol.builder-list:not(.draft-questions)").contains("Dartford borough"));

        // The second officer's form was read at the first revision.
        let stale = second.post(&format!("{question}/options/gravesham"), &[("revision", "1"), ("option-id", "gravesham"), ("label", "Gravesham borough")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        assert_eq!(stale.attrs("input#label", "value"), ["Gravesham borough"], "nothing typed is lost");
        assert!(stale.text("[role=alert] h2").contains("Someone else saved this draft first"));
        assert_eq!(stale.attrs("input[name=revision]", "value"), [revision(&first).await]);
        let audit = first.get("/admin/audit").await.texts("tbody td[data-detail]");
        assert!(audit.iter().any(|a| a == "changed option dartford of question borough"), "{audit:?}");
        assert!(audit.iter().any(|a| a == "moved option dartford of question borough down"), "{audit:?}");
    }

    async fn an_editor_builds_and_publishes_but_manages_no_officers(app) {
        // An administrator adds an editor through the officers page.
        let admin = app.signed_in("admin").await;
        let page = admin.get("/admin/officers").await;
        assert!(page.attrs("input[name=role]", "value").contains(&"editor".to_owned()));
        let added = admin.post("/admin/officers", &[("email", "editor@example.gov.uk"), ("password", "correct horse battery staple"), ("role", "editor")]).await;
        assert!(added.status.is_success() || added.status == StatusCode::SEE_OTHER, "{}", added.body);
        let mut editor = app.resident();
        let signed = editor.sign_in("editor@example.gov.uk", "correct horse battery staple").await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER);

        let list = editor.get("/officers").await;
        assert!(list.attrs("a", "href").contains(&"/admin/surveys/new".to_owned()), "an editor may create a survey");
        assert!(!list.attrs("a", "href").contains(&"/admin/officers".to_owned()));
        let editor_draft = draft_as(&editor).await;
        assert_eq!(editor_draft, StatusCode::SEE_OTHER);
        let rev = revision(&editor).await;
        let added = add_question(&editor, &question(&rev, "anything-else", "text", "Anything else?", &[("max-length", "200")])).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let rev = revision(&editor).await;
        assert_eq!(editor.post(&format!("{DRAFT}/publish"), &[("revision", &rev)]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.resident().get("/surveys/csp-2020").await.status, StatusCode::OK);

        // No officer management, no audit, no API tokens.
        assert_eq!(editor.get("/admin/officers").await.status, StatusCode::FORBIDDEN);
        assert_eq!(editor.get("/admin/audit").await.status, StatusCode::FORBIDDEN);
        let refused = editor.post("/admin/officers", &[("email", "x@example.gov.uk"), ("password", "correct horse battery staple"), ("role", "admin")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        // An analyst builds nothing.
        let analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get("/admin/surveys/new").await.status, StatusCode::FORBIDDEN);
        assert!(!analyst.get("/officers").await.attrs("a", "href").contains(&"/admin/surveys/new".to_owned()));
    }
}

/// Copies csp-2019 as the csp-2020 draft as this officer; the status.
async fn draft_as(officer: &Resident) -> StatusCode {
    officer
        .post(
            "/admin/surveys/new",
            &[
                ("copy-from", "csp-2019"),
                ("slug", "csp-2020"),
                ("title", "Community safety 2020"),
            ],
        )
        .await
        .status
}
