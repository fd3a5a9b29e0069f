//! Statements (issue 13, part 4): each survey's privacy notice, the
//! service's privacy page and the accessibility statement, generated from
//! the settings, public, and linked from every page's footer.

use reqwest::StatusCode;

use crate::helpers::on_both_backends;

on_both_backends! {
    async fn a_survey_privacy_notice_says_who_why_what_is_kept_and_for_how_long(app) {
        let resident = app.resident();
        let notice = resident.get("/surveys/csp-2019/privacy").await;
        assert_eq!(notice.status, StatusCode::OK);
        assert_eq!(notice.text("h1"), "Privacy notice");
        assert!(notice.text("#controller + p").starts_with("Dartford and Gravesham Community Safety Partnership is the data controller"), "{}", notice.text("#controller + p"));
        assert_eq!(notice.attrs("#controller + p a", "href"), ["mailto:community.safety@example.gov.uk"]);
        assert!(notice.text("#lawful-basis + p").contains("Crime and Disorder Act 1998"));
        let not_stored = notice.text("#not-stored + ul");
        assert!(not_stored.contains("Your IP address"), "{not_stored}");
        assert!(notice.text("#stored + ul").contains("deleted 1 hour after your last change"), "the draft lifetime (an hour in tests): {}", notice.text("#stored + ul"));
        assert_eq!(notice.text("#retention-free-text"), "What you write in your own words is kept with the responses.");
        assert_eq!(notice.text("#retention-responses"), "Your other answers are kept, anonymous, to compare with later surveys.");
        assert!(notice.text("#who-sees + p").contains("fewer than 5 people"));
        assert!(notice.text("main").contains("Information Commissioner"));

        // Set by an administrator, the periods are what the notice says.
        let admin = app.signed_in("admin").await;
        let set = admin.post("/admin/surveys/csp-2019/retention", &[("free-text-months", "12"), ("responses-months", "36")]).await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
        let notice = resident.get("/surveys/csp-2019/privacy").await;
        assert_eq!(notice.text("#retention-free-text"), "What you write in your own words is deleted 12 months after the survey closes.");
        assert_eq!(notice.text("#retention-responses"), "Your other answers are deleted 36 months after the survey closes.");
        assert_eq!(resident.get("/surveys/nope/privacy").await.status, StatusCode::NOT_FOUND);
    }

    async fn the_accessibility_statement_has_every_part_the_regulations_ask_for(app) {
        let page = app.resident().get("/accessibility").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.text("h1"), "Accessibility statement");
        let sections = page.attrs("h2", "id");
        for id in ["compliance", "known-issues", "feedback", "enforcement", "preparation"] {
            assert!(sections.iter().any(|s| s == id), "{id} in {sections:?}");
        }
        assert!(page.text("#compliance + p").contains("WCAG") || page.text("#compliance + p").contains("Web Content Accessibility Guidelines version 2.2 AA"));
        assert!(page.text("#enforcement + p").contains("Equality and Human Rights Commission"));
        assert!(page.text("#enforcement + p").contains("Equality Advisory and Support Service"));
        assert_eq!(page.attrs("#feedback + p a", "href"), ["mailto:community.safety@example.gov.uk"]);
        let privacy = app.resident().get("/privacy").await;
        assert_eq!(privacy.status, StatusCode::OK);
        assert_eq!(privacy.attrs("#survey-notices a", "href"), ["/surveys/csp-2019/privacy"]);
        assert!(privacy.text("main").contains("civic_draft") && privacy.text("main").contains("civic_officer"), "the cookies, by their real names");
    }

    async fn every_page_links_to_the_privacy_notice_and_the_accessibility_statement(app) {
        let mut resident = app.resident();
        let started = resident.start("csp-2019").await;
        let question = started.location().to_owned();
        let admin = app.signed_in("admin").await;
        // "/" is the only survey's start page.
        let survey_pages = ["/", "/surveys/csp-2019", question.as_str(), "/surveys/csp-2019/privacy"];
        for path in survey_pages {
            let page = resident.get(path).await;
            assert_eq!(page.attrs("footer a", "href"), ["/surveys/csp-2019/privacy", "/accessibility"], "{path}");
        }
        for path in ["/accessibility", "/privacy", "/officers/sign-in", "/no-such-page"] {
            let page = resident.get(path).await;
            assert_eq!(page.attrs("footer a", "href"), ["/privacy", "/accessibility"], "{path}");
        }
        for path in ["/officers", "/admin/audit", "/admin/surveys/csp-2019/retention", "/surveys/csp-2019/results"] {
            let page = admin.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert_eq!(page.attrs("footer a", "href"), ["/privacy", "/accessibility"], "{path}");
        }
    }
}
