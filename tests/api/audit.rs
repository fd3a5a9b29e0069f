//! The audit log: sign-ins, exports, officers and tokens, survey changes;
//! filtered, exported as CSV, append-only, and free of resident data.

use reqwest::StatusCode;

use crate::helpers::{Resident, TestApp, on_both_backends};

const PASSWORD: &str = "correct horse battery staple";

/// Runs one statement straight on the database, as someone with a
/// connection (not the service) could.
fn raw(app: &TestApp, sql: &str) -> Result<usize, diesel::result::Error> {
    use diesel::RunQueryDsl;
    let mut conn = app.pool.get().expect("connection");
    match &mut **conn {
        civic_survey::db::AnyConnection::Sqlite(c) => diesel::sql_query(sql).execute(c),
        civic_survey::db::AnyConnection::Postgresql(c) => diesel::sql_query(sql).execute(c),
    }
}

/// The rows of the log page as (officer, what, survey, detail).
async fn rows(admin: &Resident, path: &str) -> Vec<[String; 4]> {
    let page = admin.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    let cells = page.texts("tbody td");
    cells
        .chunks(5)
        .map(|r| [r[1].clone(), r[2].clone(), r[3].clone(), r[4].clone()])
        .collect()
}

on_both_backends! {
    async fn sign_ins_failures_sign_outs_officers_and_tokens_are_logged(app) {
        let admin = app.signed_in("admin").await;
        app.add_officer("analyst@example.gov.uk", PASSWORD, "analyst");
        let mut someone = app.resident();
        assert_eq!(someone.sign_in("analyst@example.gov.uk", "not the password").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(someone.sign_in("nobody@example.gov.uk", "hunter2 typed in the wrong box").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(someone.sign_in("analyst@example.gov.uk", PASSWORD).await.status, StatusCode::SEE_OTHER);
        assert_eq!(someone.post("/officers/sign-out", &[]).await.status, StatusCode::SEE_OTHER);
        let added = admin.post("/admin/officers", &[("email", "editor@example.gov.uk"), ("password", PASSWORD), ("role", "editor")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let token = admin.post("/admin/api-tokens", &[("label", "Power BI")]).await;
        assert_eq!(token.status, StatusCode::OK);

        let log = rows(&admin, "/admin/audit").await;
        let newest_first: Vec<[&str; 4]> = log
            .iter()
            .map(|[who, what, survey, detail]| [who.as_str(), what.as_str(), survey.as_str(), detail.as_str()])
            .collect();
        assert_eq!(
            newest_first,
            [
                ["admin@example.gov.uk", "API token issued", "\u{2014}", "issued an API token for \u{201c}Power BI\u{201d}"],
                ["admin@example.gov.uk", "Officer added", "\u{2014}", "added editor@example.gov.uk as editor"],
                ["analyst@example.gov.uk", "Signed out", "\u{2014}", "signed out"],
                ["analyst@example.gov.uk", "Signed in", "\u{2014}", "signed in"],
                ["\u{2014}", "Failed sign-in", "\u{2014}", "no account has that email address"],
                ["analyst@example.gov.uk", "Failed sign-in", "\u{2014}", "wrong password"],
                ["\u{2014}", "Officer added", "\u{2014}", "added analyst@example.gov.uk as analyst from the command line"],
                ["admin@example.gov.uk", "Signed in", "\u{2014}", "signed in"],
                ["\u{2014}", "Officer added", "\u{2014}", "added admin@example.gov.uk as admin from the command line"],
            ]
        );
        let body = admin.get("/admin/audit").await.body;
        assert!(!body.contains("hunter2") && !body.contains("nobody@example.gov.uk"), "nothing typed at a failed sign-in is kept");

        // Filters: by action, by officer, by day; they combine.
        let failed = rows(&admin, "/admin/audit?action=sign-in+failed").await;
        assert_eq!(failed.len(), 2);
        let analyst = rows(&admin, "/admin/audit?officer=analyst%40example.gov.uk").await;
        assert_eq!(analyst.len(), 3);
        let both = rows(&admin, "/admin/audit?officer=analyst%40example.gov.uk&action=sign-in").await;
        assert_eq!(both.len(), 1);
        let today = chrono::Utc::now().date_naive();
        let tomorrow = today.succ_opt().expect("a day");
        assert_eq!(rows(&admin, &format!("/admin/audit?from={today}&to={today}")).await.len(), 9);
        assert_eq!(rows(&admin, &format!("/admin/audit?from={tomorrow}")).await.len(), 0);
        let page = admin.get("/admin/audit?action=sign-in").await;
        assert_eq!(page.attrs("select#action option[selected]", "value"), ["sign-in"], "the filter shows what is applied");
        assert_eq!(page.text("#audit-count"), "2 entries, newest first: 1 to 2. Download these entries as CSV");
        assert_eq!(page.attrs("#audit-count a", "href"), ["/admin/audit.csv?action=sign-in"]);
    }

    async fn the_log_downloads_as_csv_and_the_download_is_itself_logged(app) {
        app.seed_2019();
        let admin = app.signed_in("admin").await;
        admin.get_bytes("/surveys/csp-2019/exports/summary.csv?f-borough=dartford").await;
        let (status, content_type, body) = admin.get_bytes("/admin/audit.csv?action=export").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let text = String::from_utf8(body).expect("UTF-8");
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().expect("a header").iter().collect::<Vec<_>>(), ["id", "at_utc", "officer", "action", "survey", "detail"]);
        let records: Vec<Vec<String>> = reader.records().map(|r| r.expect("a row").iter().map(str::to_owned).collect()).collect();
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0][2..], ["admin@example.gov.uk", "export", "csp-2019", "summary.csv (f-borough=dartford)"]);
        let exports = rows(&admin, "/admin/audit?action=export").await;
        assert_eq!(exports[0], ["admin@example.gov.uk", "Export", "\u{2014}", "audit.csv (action=export)"].map(str::to_owned));
    }

    async fn the_log_holds_no_resident_data(app) {
        let admin = app.signed_in("admin").await;
        app.respond_with_other("gravesham", "The hedge at number 12 blocks the path").await;
        for path in ["/surveys/csp-2019/exports/responses.csv", "/surveys/csp-2019/exports/responses-long.csv", "/surveys/csp-2019/report"] {
            assert_eq!(admin.get_bytes(path).await.0, StatusCode::OK, "{path}");
        }
        assert!(String::from_utf8(admin.get_bytes("/surveys/csp-2019/exports/responses.csv").await.2).expect("UTF-8").contains("number 12"));
        let (_, _, csv) = admin.get_bytes("/admin/audit.csv").await;
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.contains("responses.csv"), "{csv}");
        assert!(!csv.contains("number 12") && !csv.contains("hedge") && !csv.contains("gravesham"), "{csv}");
        assert!(!admin.get("/admin/audit").await.body.contains("hedge"));
    }

    async fn failed_sign_ins_to_made_up_addresses_cannot_grow_the_log_without_end(app) {
        let mut someone = app.resident();
        for n in 0..14 {
            let page = someone.sign_in(&format!("made-up-{n}@example.gov.uk"), "anything at all").await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        }
        let admin = app.signed_in("admin").await;
        let failed = rows(&admin, "/admin/audit?action=sign-in+failed").await;
        assert_eq!(failed.len(), 10, "ten a minute one by one; the rest counted for the next entry");
    }

    async fn the_log_cannot_be_changed_or_deleted(app) {
        let _admin = app.signed_in("admin").await;
        let refused = raw(&app, "UPDATE audit_log SET detail = 'nothing happened'").expect_err("updates are refused");
        assert!(refused.to_string().contains("append-only"), "{refused}");
        let refused = raw(&app, "DELETE FROM audit_log").expect_err("deletes are refused");
        assert!(refused.to_string().contains("append-only"), "{refused}");
        if app.is_postgres() {
            let refused = raw(&app, "TRUNCATE audit_log").expect_err("truncating is refused");
            assert!(refused.to_string().contains("append-only"), "{refused}");
        }
        assert_eq!(raw(&app, "INSERT INTO audit_log (at, action, detail) VALUES (CURRENT_TIMESTAMP, 'purge', 'appending still works')").expect("appended"), 1);
    }

    async fn only_admins_read_the_log_and_bad_filters_say_why(app) {
        let analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get("/admin/audit").await.status, StatusCode::FORBIDDEN);
        assert_eq!(analyst.get_bytes("/admin/audit.csv").await.0, StatusCode::FORBIDDEN);
        let editor = app.signed_in("editor").await;
        assert_eq!(editor.get("/admin/audit").await.status, StatusCode::FORBIDDEN);
        let admin = app.signed_in("admin").await;
        for (query, says) in [
            ("action=rewrite", "There is no action \u{201c}rewrite\u{201d} to filter by"),
            ("from=2026-02-30", "must be a real date"),
            ("from=2026-12-04&to=2026-12-01", "on or before"),
            ("page=0", "whole number from 1"),
        ] {
            for path in [format!("/admin/audit?{query}"), format!("/admin/audit.csv?{query}")] {
                let page = admin.get(&path).await;
                assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
                assert!(page.text("main").contains(says), "{path}: {}", page.text("main"));
            }
        }
        assert_eq!(admin.get("/admin/audit?page=2").await.status, StatusCode::NOT_FOUND);
    }
}
