//! Previewing a draft: the resident's pages, routing and checks under
//! `/admin/drafts/{slug}/preview`, "Preview" on every page, and nothing
//! stored: no draft, no response, no count.

use reqwest::StatusCode;

use crate::helpers::{Resident, TestApp, choose, on_both_backends};

const PREVIEW: &str = "/admin/drafts/csp-2020/preview";

/// Copies csp-2019 as the csp-2020 draft, opening next year (a preview
/// does not wait for the dates), and returns the signed-in admin.
async fn drafted(app: &TestApp) -> Resident {
    let admin = app.signed_in("admin").await;
    let created = admin
        .post(
            "/admin/surveys/new",
            &[
                ("copy-from", "csp-2019"),
                ("slug", "csp-2020"),
                ("title", "Community safety 2020"),
                ("opens", "2099-02-01"),
                ("closes", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    admin
}

on_both_backends! {
    async fn an_officer_walks_the_draft_as_a_resident_would_and_nothing_is_stored(app) {
        let admin = drafted(&app).await;
        let draft = admin.get("/admin/drafts/csp-2020").await;
        assert_eq!(draft.attrs("a[href='/admin/drafts/csp-2020/preview']", "href").len(), 1, "the draft links to its preview");

        let start = admin.get(PREVIEW).await;
        assert_eq!(start.status, StatusCode::OK);
        assert_eq!(start.text("title"), "Preview: Community safety 2020");
        assert!(start.text(".preview-banner").contains("nothing you enter is stored"));
        assert_eq!(start.attrs("main form", "action"), [format!("{PREVIEW}/start")], "open in preview though it opens in 2099");

        let begun = admin.post(&format!("{PREVIEW}/start"), &[]).await;
        assert_eq!(begun.status, StatusCode::SEE_OTHER);
        assert_eq!(begun.location(), format!("{PREVIEW}/questions/borough"));

        // Submitting before the required question: the resident's check.
        let early = admin.post(&format!("{PREVIEW}/submit"), &[]).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(early.error_summary(), [("Select Dartford or Gravesham".to_owned(), format!("{PREVIEW}/questions/borough?change=1"))]);

        // The same validation, with "Preview" in the title of the error page.
        let empty = admin.post(&format!("{PREVIEW}/questions/borough"), &[]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text("title").starts_with("Error: Preview: "), "{}", empty.text("title"));
        assert!(empty.text(".error-summary").contains("Select Dartford or Gravesham"));
        assert!(empty.text(".preview-banner").contains("Preview"));

        // The same routing: a follow-up not yet reached is refused, naming its parent.
        let early_follow_up = admin.post(&format!("{PREVIEW}/questions/asb-concerns"), &choose(&["fly-tipping"])).await;
        assert_eq!(early_follow_up.status, StatusCode::CONFLICT);
        let answered = admin.post(&format!("{PREVIEW}/questions/borough"), &choose(&["dartford"])).await;
        assert_eq!(answered.location(), format!("{PREVIEW}/questions/most-important"));
        let chose = admin.post(&format!("{PREVIEW}/questions/most-important"), &choose(&["asb"])).await;
        assert_eq!(chose.location(), format!("{PREVIEW}/questions/asb-concerns"));
        let page = admin.get(&format!("{PREVIEW}/questions/asb-concerns")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.attrs("a.back-link", "href"), [format!("{PREVIEW}/questions/most-important")]);
        let too_many = admin.post(&format!("{PREVIEW}/questions/asb-concerns"), &choose(&["fly-tipping", "graffiti", "drugs", "street-drinking"])).await;
        assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY, "the resident's limit of three");
        assert_eq!(too_many.checked().len(), 4, "what was ticked is kept");

        let check = admin.get(&format!("{PREVIEW}/check")).await;
        assert_eq!(check.status, StatusCode::OK);
        assert!(check.text("dl").contains("Dartford"));
        assert!(check.text("dl").contains("ASB"));
        assert_eq!(check.attrs("main form", "action"), [format!("{PREVIEW}/submit")]);
        let done = admin.post(&format!("{PREVIEW}/submit"), &[]).await;
        assert_eq!(done.location(), format!("{PREVIEW}/done"));
        let done = admin.get(&format!("{PREVIEW}/done")).await;
        assert!(done.text("main").contains("Nothing was stored"));

        // Nothing reached storage: publish the draft and count.
        let published = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "1")]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
        assert_eq!(app.started("csp-2020"), 0);
        assert_eq!(app.completed("csp-2020"), 0);
        assert_eq!(app.started("csp-2019"), 0);
        assert_eq!(admin.get(PREVIEW).await.status, StatusCode::NOT_FOUND, "a published draft has no preview");
    }

    async fn only_builders_preview_and_a_stale_form_keeps_what_was_typed(app) {
        let mut admin = drafted(&app).await;
        let analyst = app.signed_in("analyst").await;
        assert_eq!(analyst.get(PREVIEW).await.status, StatusCode::FORBIDDEN);
        assert_eq!(analyst.post(&format!("{PREVIEW}/start"), &[]).await.status, StatusCode::FORBIDDEN);
        let stranger = app.resident().get(PREVIEW).await;
        assert_eq!(stranger.status, StatusCode::SEE_OTHER, "to sign in");
        assert_eq!(admin.get("/admin/drafts/no-such/preview").await.status, StatusCode::NOT_FOUND);
        assert_eq!(admin.get(&format!("{PREVIEW}/questions/no-such-question")).await.status, StatusCode::NOT_FOUND);

        admin.post(&format!("{PREVIEW}/start"), &[]).await;
        admin.drop_csrf();
        let stale = admin.post(&format!("{PREVIEW}/questions/borough"), &choose(&["gravesham"])).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN);
        assert_eq!(stale.checked(), ["gravesham"], "what was chosen is kept");
        assert_eq!(admin.post(&format!("{PREVIEW}/start"), &[]).await.status, StatusCode::FORBIDDEN);
    }
}
