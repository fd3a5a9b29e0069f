//! Definition files are the interchange: download any version, upload a
//! file to create or replace a draft through the same checks (errors name
//! the line), and the round trip gives the same definition. Bad files get a
//! 4xx with what to fix, and nothing changes.

use reqwest::StatusCode;

use civic_survey::domain::SurveyDefinition;

use crate::helpers::{Page, Resident, TestApp, on_both_backends};

const UPLOAD: &str = "/admin/surveys/upload";

/// Every definition this repository ships or tests with.
fn shipped(app: &TestApp) -> Vec<std::path::PathBuf> {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/fixtures/kinds");
    let mut files: Vec<_> = [app.surveys_dir.clone(), fixtures]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("a definitions folder"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

async fn upload(officer: &Resident, path: &str, fields: &[(&str, &str)], bytes: &[u8]) -> Page {
    officer
        .upload(path, fields, "definition", "survey.toml", bytes)
        .await
}

/// The draft's definition, as its download reads back.
async fn draft_definition(officer: &Resident, slug: &str) -> SurveyDefinition {
    let (status, _, toml) = officer
        .get_bytes(&format!("/admin/drafts/{slug}/definition.toml"))
        .await;
    assert_eq!(status, StatusCode::OK);
    SurveyDefinition::from_toml("draft.toml", &String::from_utf8(toml).expect("UTF-8"))
        .expect("the draft's file loads")
}

async fn drafts_listed(officer: &Resident) -> Vec<String> {
    officer
        .get("/officers")
        .await
        .attrs("table:last-of-type a[href^='/admin/drafts/']", "href")
}

on_both_backends! {
    async fn every_shipped_definition_round_trips_through_download_and_upload(app) {
        let admin = app.signed_in("admin").await;
        let form = admin.get(UPLOAD).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.attrs("form[enctype='multipart/form-data'] input[type=file]", "name"), ["definition"]);
        for path in shipped(&app) {
            let text = std::fs::read_to_string(&path).expect("the file");
            let file = SurveyDefinition::from_toml("file", &text).expect("a shipped file is valid");
            let slug = file.slug().to_string();
            let published = app.resident().get(&format!("/surveys/{slug}")).await.status == StatusCode::OK;
            if published {
                // A survey that exists changes as its next version: download
                // what is live, upload it into that draft.
                let (_, _, live) = admin.get_bytes(&format!("/surveys/{slug}/definition.toml")).await;
                admin.post(&format!("/admin/surveys/{slug}/next-version"), &[]).await;
                let replaced = upload(&admin, &format!("/admin/drafts/{slug}/upload"), &[("revision", "1")], &live).await;
                assert_eq!(replaced.status, StatusCode::SEE_OTHER, "{}: {}", path.display(), replaced.text(".error-summary"));
                assert_eq!(draft_definition(&admin, &slug).await, file, "{}", path.display());
                let again = admin.get_bytes(&format!("/admin/drafts/{slug}/definition.toml")).await.2;
                assert_eq!(String::from_utf8(again).expect("UTF-8"), String::from_utf8(live).expect("UTF-8"), "download, upload, download: the same text");
            } else {
                let created = upload(&admin, UPLOAD, &[], text.as_bytes()).await;
                assert_eq!(created.status, StatusCode::SEE_OTHER, "{}: {}", path.display(), created.text(".error-summary"));
                assert_eq!(created.location(), format!("/admin/drafts/{slug}"));
                assert_eq!(draft_definition(&admin, &slug).await, file, "{}", path.display());
            }
        }
        let audit = admin.get("/admin/audit").await.texts("tbody td[data-detail]");
        assert!(audit.iter().any(|a| a == "replaced the draft with an uploaded definition file"), "{audit:?}");
    }

    async fn a_bad_file_is_refused_at_the_field_naming_its_line_and_nothing_changes(app) {
        let admin = app.signed_in("admin").await;
        let good = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("the file").replace("slug = \"csp-2019\"", "slug = \"csp-2020\"");
        let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1).expect("the line");

        let empty_label = good.replacen("{ id = \"dartford\", label = \"Dartford\" }", "{ id = \"dartford\", label = \"\" }", 1);
        let forward = good.replacen("id = \"asb-concerns\"\n", "id = \"asb-concerns\"\nshow_if = { question = \"gender\", option = \"female\" }\n", 1);
        let forward = forward.replacen("show_if = { question = \"most-important\", option = \"asb\" }\n", "", 1);
        let broken = good.replacen("kind = \"single\"", "kind = single", 1);
        let duplicate = good.replacen("id = \"most-important\"", "id = \"borough\"", 1);
        let cases: Vec<(&str, Vec<u8>, StatusCode, String)> = vec![
            ("nothing chosen", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "Choose a definition file to upload".to_owned()),
            ("not UTF-8", b"slug = \"caf\xe9\"\n".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "The file is not UTF-8 text".to_owned()),
            ("10 MB", vec![b'#'; 10 * 1024 * 1024], StatusCode::PAYLOAD_TOO_LARGE, "The file is larger than 1024 KB".to_owned()),
            ("not TOML", broken.clone().into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, format!("(line {}, column", line_of(&broken, "kind = single"))),
            ("an empty label", empty_label.clone().into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, format!("Line {}: question \"borough\": option \"dartford\": label must not be empty", line_of(&empty_label, "label = \"\""))),
            ("a show_if pointing forward", forward.clone().into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, format!("Line {}: question \"asb-concerns\": show_if", line_of(&forward, "option = \"female\""))),
            ("ids that collide", duplicate.clone().into_bytes(), StatusCode::UNPROCESSABLE_ENTITY, "question \"borough\"".to_owned()),
            ("a slug already taken", good.replace("slug = \"csp-2020\"", "slug = \"csp-2019\"").into_bytes(), StatusCode::CONFLICT, "already has the slug \u{201c}csp-2019\u{201d}".to_owned()),
        ];
        for (what, bytes, status, message) in cases {
            let page = upload(&admin, UPLOAD, &[], &bytes).await;
            assert_eq!(page.status, status, "{what}: {}", page.text(".error-summary"));
            let errors = page.error_summary();
            assert!(errors.iter().all(|(_, href)| href == "#definition"), "{what}: {errors:?}");
            assert!(errors.iter().any(|(m, _)| m.contains(&message)), "{what}: {errors:?} lacks {message}");
            assert!(page.text("#definition-error").contains(&message), "{what}: the error is at the field too");
            assert!(page.text("title").starts_with("Error: "), "{what}");
        }
        // HTML in a label is kept as text and escaped wherever it is shown.
        let script = good.replacen("label = \"Dartford\"", "label = \"<script>alert(1)</script>\"", 1);
        let created = upload(&admin, UPLOAD, &[], script.as_bytes()).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text(".error-summary"));
        let question = admin.get("/admin/drafts/csp-2020/questions/borough").await;
        assert!(!question.body.contains("<script>alert(1)</script>"));
        assert!(question.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

        // Replacing a draft: a stale revision, another survey's file, no CSRF token.
        let wrong_slug = upload(&admin, "/admin/drafts/csp-2020/upload", &[("revision", "1")], std::fs::read(app.surveys_dir.join("csp-2019.toml")).expect("file").as_slice()).await;
        assert_eq!(wrong_slug.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong_slug.text("#definition-error").contains("is for the survey \u{201c}csp-2019\u{201d}"));
        let stale = upload(&admin, "/admin/drafts/csp-2020/upload", &[("revision", "7")], good.as_bytes()).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.text("#definition-error").contains("saved this draft since you opened it"));
        let mut tokenless = app.signed_in_as("other-admin@example.gov.uk", "admin").await;
        tokenless.drop_csrf();
        assert_eq!(upload(&tokenless, "/admin/drafts/csp-2020/upload", &[("revision", "1")], good.as_bytes()).await.status, StatusCode::FORBIDDEN);
        assert_eq!(upload(&tokenless, UPLOAD, &[], good.replace("csp-2020", "csp-2021").as_bytes()).await.status, StatusCode::FORBIDDEN);
        let analyst = app.signed_in("analyst").await;
        assert_eq!(upload(&analyst, UPLOAD, &[], good.replace("csp-2020", "csp-2021").as_bytes()).await.status, StatusCode::FORBIDDEN);
        let not_multipart = admin.post(UPLOAD, &[("definition", "slug = 1")]).await;
        assert_eq!(not_multipart.status, StatusCode::BAD_REQUEST);
        // Only the one good upload made a draft, and it still has the script label.
        assert_eq!(drafts_listed(&admin).await, ["/admin/drafts/csp-2020"]);
        assert!(draft_definition(&admin, "csp-2020").await.question("borough").expect("borough").options()[0].label().contains("<script>"));

        // Published and answered, the label is escaped in the chart (SVG) and
        // the report (DOCX) too.
        let published = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text(".error-summary"));
        let mut resident = app.resident();
        resident.start("csp-2020").await;
        resident.answer("/surveys/csp-2020/questions/borough", &crate::helpers::choose(&["dartford"])).await;
        resident.post("/surveys/csp-2020/submit", &[]).await;
        let (status, _, svg) = admin.get_bytes("/surveys/csp-2020/charts/borough.svg").await;
        assert_eq!(status, StatusCode::OK);
        let svg = String::from_utf8(svg).expect("UTF-8");
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{svg}");
        let (status, _, docx) = admin.get_bytes("/surveys/csp-2020/report.docx").await;
        assert_eq!(status, StatusCode::OK);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").expect("the document"), &mut xml).expect("UTF-8");
        assert!(!xml.contains("<script>"));
        assert!(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
}
