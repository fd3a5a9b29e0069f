//! Definition files as the interchange: every published version can be
//! downloaded as TOML that loads back to the same definition.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{Resident, on_both_backends};

/// The start page's heading at `browser`'s instance, once it is `title`,
/// waiting up to `within`.
async fn serves_title(browser: &Resident, title: &str, within: Duration) -> bool {
    let started = Instant::now();
    loop {
        if browser.get("/surveys/csp-2019").await.text("h1") == title {
            return true;
        }
        if started.elapsed() > within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

on_both_backends! {
    async fn an_officer_downloads_the_definition_file_and_it_loads_back_the_same(app) {
        let officer = app.signed_in("analyst").await;
        let list = officer.get("/officers").await;
        assert_eq!(
            list.attrs("a[download]", "href"),
            ["/surveys/csp-2019/definition.toml"]
        );
        let (status, content_type, body) = officer.get_bytes("/surveys/csp-2019/definition.toml").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "application/toml; charset=utf-8");
        let text = String::from_utf8(body).expect("UTF-8");
        let downloaded = civic_survey::domain::SurveyDefinition::from_toml("downloaded.toml", &text)
            .expect("the download loads");
        let shipped = civic_survey::domain::SurveyDefinition::load_file(&app.surveys_dir.join("csp-2019.toml"))
            .expect("the shipped file loads");
        assert_eq!(downloaded, shipped);

        let (status, _, first) = officer.get_bytes("/surveys/csp-2019/definition.toml?version=1").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(String::from_utf8(first).expect("UTF-8"), text);
        for missing in ["?version=2", "?version=0", "?version=x"] {
            let (status, _, _) = officer.get_bytes(&format!("/surveys/csp-2019/definition.toml{missing}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        }
        let (status, _, _) = officer.get_bytes("/surveys/no-such-survey/definition.toml").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let anonymous = app.resident().get("/surveys/csp-2019/definition.toml").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "officers only");
    }

    async fn a_version_published_on_one_instance_is_served_everywhere_and_outlives_a_restart(app) {
        let second = app.browser_at(&app.another_instance().await);
        let first = app.resident();
        let file = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("the file");
        let edited = civic_survey::domain::SurveyDefinition::from_toml(
            "edited.toml",
            &file.replace(
                "title = \"Community safety in Dartford and Gravesham\"",
                "title = \"Community safety in Dartford and Gravesham, 2020\"",
            ),
        )
        .expect("valid");
        assert_eq!(app.publish_version(&edited), 2);
        let new_title = "Community safety in Dartford and Gravesham, 2020";
        assert!(serves_title(&first, new_title, Duration::from_secs(3)).await, "the first instance");
        assert!(serves_title(&second, new_title, Duration::from_secs(3)).await, "the second instance");

        // A restart with the unchanged file keeps the version published since.
        let restarted = app.browser_at(&app.another_instance().await);
        assert!(serves_title(&restarted, new_title, Duration::ZERO).await, "after a restart");
        let officer = app.signed_in("analyst").await;
        let (_, _, text) = officer.get_bytes("/surveys/csp-2019/definition.toml").await;
        assert!(String::from_utf8(text).expect("UTF-8").contains(new_title));
        let (status, _, _) = officer.get_bytes("/surveys/csp-2019/definition.toml?version=2").await;
        assert_eq!(status, StatusCode::OK);
    }
}
