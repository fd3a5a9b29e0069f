//! Distribution: channels set in the builder, each with its own link and QR
//! code; responses counted per channel (a breakdown, a filter, a
//! comparison, a column of the raw export) with nothing stored about the
//! person but the link.

use reqwest::StatusCode;

use crate::helpers::{Page, Resident, TestApp, choose, on_both_backends};

const SETTINGS: [&str; 9] = [
    "title",
    "organisation",
    "purpose",
    "who-can-answer",
    "time-to-complete",
    "privacy",
    "opens",
    "closes",
    "channels",
];

/// The settings form's values as its page shows them.
fn settings_of(page: &Page) -> Vec<(String, String)> {
    SETTINGS
        .iter()
        .map(|id| {
            let value = page
                .attrs(&format!("input#{id}"), "value")
                .pop()
                .unwrap_or_else(|| page.raw_text(&format!("textarea#{id}")));
            ((*id).to_owned(), value)
        })
        .collect()
}

/// Saves the draft `slug`'s settings with `channels` (one label per line).
pub async fn set_channels(officer: &Resident, slug: &str, channels: &str) -> Page {
    let path = format!("/admin/drafts/{slug}/settings");
    let form = officer.get(&path).await;
    let revision = form
        .attrs("input[name=revision]", "value")
        .pop()
        .expect("a revision");
    let mut values = settings_of(&form);
    values.retain(|(k, _)| k != "channels");
    values.push(("channels".to_owned(), channels.to_owned()));
    values.push(("revision".to_owned(), revision));
    let fields: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    officer.post(&path, &fields).await
}

/// A resident who starts from `link`, answers the borough and submits.
pub async fn respond_through(app: &TestApp, slug: &str, link: &str, borough: &str) {
    let mut resident = app.resident();
    resident.start_from(link).await;
    resident
        .answer(
            &format!("/surveys/{slug}/questions/borough"),
            &choose(&[borough]),
        )
        .await;
    let done = resident.post(&format!("/surveys/{slug}/submit"), &[]).await;
    assert_eq!(
        done.location(),
        format!("/surveys/{slug}/done"),
        "{}",
        done.body
    );
}

on_both_backends! {
    async fn each_channel_has_a_link_and_qr_code_and_responses_are_counted_by_it(app) {
        let admin = app.signed_in("admin").await;
        let created = admin.post("/admin/surveys/new", &[("copy-from", "csp-2019"), ("slug", "csp-2020"), ("title", "Community safety 2020"), ("opens", ""), ("closes", "")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        let saved = set_channels(&admin, "csp-2020", "Council website\nFacebook\n\nStreet survey tablet\n").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text(".error-summary"));
        let settings = admin.get("/admin/drafts/csp-2020/settings").await;
        assert_eq!(settings.raw_text("textarea#channels"), "Council website\nFacebook\nStreet survey tablet");
        let (_, _, toml) = admin.get_bytes("/admin/drafts/csp-2020/definition.toml").await;
        let toml = String::from_utf8(toml).expect("UTF-8");
        assert!(toml.contains("[[channels]]\nid = \"street-survey-tablet\"\nlabel = \"Street survey tablet\""), "{toml}");
        let published = admin.post("/admin/drafts/csp-2020/publish", &[("revision", "2")]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);

        let analyst = app.signed_in("analyst").await;
        let page = analyst.get("/surveys/csp-2020/channels").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.texts("tbody th"), ["Council website", "Facebook", "Street survey tablet", "The plain link (no channel)"]);
        let links = page.texts("tbody code");
        let facebook = links[1].strip_prefix(app.address.as_str()).expect("an absolute link").to_owned();
        let tablet = links[2].strip_prefix(app.address.as_str()).expect("an absolute link").to_owned();
        assert_eq!(facebook, "/surveys/csp-2020?channel=facebook");
        assert_eq!(tablet, "/surveys/csp-2020?channel=street-survey-tablet");

        let (status, content_type, svg) = analyst.get_bytes("/surveys/csp-2020/channels/facebook.svg").await;
        assert_eq!((status, content_type.as_str()), (StatusCode::OK, "image/svg+xml"));
        assert!(String::from_utf8(svg).expect("UTF-8").contains("<svg"));
        let (status, content_type, png) = analyst.get_bytes("/surveys/csp-2020/channels/facebook.png").await;
        assert_eq!((status, content_type.as_str()), (StatusCode::OK, "image/png"));
        assert!(png.starts_with(b"\x89PNG"));
        for missing in ["nope.svg", "facebook.gif", "facebook"] {
            assert_eq!(analyst.get_bytes(&format!("/surveys/csp-2020/channels/{missing}")).await.0, StatusCode::NOT_FOUND, "{missing}");
        }
        assert_eq!(app.resident().get("/surveys/csp-2020/channels").await.status, StatusCode::SEE_OTHER, "officers only");

        for borough in ["dartford", "dartford", "gravesham"] {
            respond_through(&app, "csp-2020", &facebook, borough).await;
        }
        for borough in ["gravesham", "gravesham"] {
            respond_through(&app, "csp-2020", &tablet, borough).await;
        }
        respond_through(&app, "csp-2020", "/surveys/csp-2020", "dartford").await;
        // A mistyped channel is the plain link, never a refusal.
        respond_through(&app, "csp-2020", "/surveys/csp-2020?channel=nope", "dartford").await;
        let mut started_only = app.resident();
        started_only.start_from(&facebook).await;

        let page = analyst.get("/surveys/csp-2020/channels").await;
        let counts: Vec<(String, String)> = page.texts("tbody td.numeric").chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect();
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>();
        assert_eq!(counts, pairs(&[("0", "0"), ("4", "3"), ("2", "2"), ("2", "2")]), "started and completed per channel");

        let results = analyst.get("/surveys/csp-2020/results").await;
        assert_eq!(results.texts("table[data-question=channel] td.numeric"), ["0", "0%", "3", "43%", "2", "29%", "2", "28%"]);
        let (_, json) = analyst.get_json("/api/surveys/csp-2020/results").await;
        let channels: Vec<(String, u64)> = json["channels"].as_array().expect("channels").iter().map(|c| (c["label"].as_str().unwrap_or_default().to_owned(), c["count"].as_u64().unwrap_or(99))).collect();
        assert_eq!(channels.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [0, 3, 2, 2]);
        let (_, filtered) = analyst.get_json("/api/surveys/csp-2020/results?f-channel=facebook").await;
        assert_eq!(filtered["respondents"]["completed"], 3);
        let borough = filtered["questions"].as_array().expect("questions").iter().find(|q| q["id"] == "borough").expect("borough");
        assert_eq!(borough["options"][0]["count"], 2, "two of Facebook's three are from Dartford");
        let compared = analyst.get("/surveys/csp-2020/results?compare=channel").await;
        assert_eq!(compared.status, StatusCode::OK);
        assert_eq!(compared.texts(".group > h2").iter().map(|h| h.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>(),
            ["Council website 0 responses", "Facebook 3 responses", "Street survey tablet 2 responses"]);
        let bad = analyst.get("/surveys/csp-2020/results?f-channel=nope").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        let (_, _, csv) = analyst.get_bytes("/surveys/csp-2020/exports/responses.csv").await;
        let csv = String::from_utf8(csv).expect("UTF-8");
        let header = csv.lines().next().expect("a header");
        assert!(header.contains("Submitted (UTC),Channel,"), "{header}");
        assert_eq!(csv.matches(",Facebook,").count(), 3);
        assert_eq!(csv.matches(",Street survey tablet,").count(), 2);
        let (_, _, long) = analyst.get_bytes("/surveys/csp-2020/exports/responses-long.csv").await;
        let long = String::from_utf8(long).expect("UTF-8");
        assert_eq!(long.matches(",Channel,Facebook,").count(), 3, "{long}");
        // A link asking for a channel twice is read as the plain link, not refused.
        assert_eq!(app.resident().get("/surveys/csp-2020?channel=a&channel=b").await.status, StatusCode::OK);
    }

    async fn bad_channels_are_refused_at_the_field_and_a_kept_label_keeps_its_link(app) {
        let admin = app.signed_in("admin").await;
        admin.post("/admin/surveys/new", &[("copy-from", "csp-2019"), ("slug", "csp-2020"), ("title", "Community safety 2020"), ("opens", ""), ("closes", "")]).await;
        let long = "x".repeat(301);
        let refused = set_channels(&admin, "csp-2020", &format!("Facebook\n{long}")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.error_summary(), [("Channel 2: label is too long: 301 characters, at most 300".to_owned(), "#channels".to_owned())]);
        assert!(refused.text("textarea#channels").ends_with(&long), "what was typed is kept");
        let many: Vec<String> = (1..=31).map(|n| format!("Channel {n}")).collect();
        let too_many = set_channels(&admin, "csp-2020", &many.join("\n")).await;
        assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_many.text(".error-summary").contains("at most 30 channels"));

        assert_eq!(set_channels(&admin, "csp-2020", "Facebook\nFacebook!\n<b>Posters</b>").await.status, StatusCode::SEE_OTHER);
        let (_, _, toml) = admin.get_bytes("/admin/drafts/csp-2020/definition.toml").await;
        let toml = String::from_utf8(toml).expect("UTF-8");
        assert!(toml.contains("id = \"facebook-2\""), "two labels, two ids: {toml}");
        // Reordered and renamed around it, "Facebook" keeps its id (and link).
        assert_eq!(set_channels(&admin, "csp-2020", "Posters\nfacebook").await.status, StatusCode::SEE_OTHER);
        let (_, _, toml) = admin.get_bytes("/admin/drafts/csp-2020/definition.toml").await;
        let toml = String::from_utf8(toml).expect("UTF-8");
        assert!(toml.contains("id = \"facebook\"\nlabel = \"facebook\""), "{toml}");
        assert!(toml.contains("id = \"posters\""), "{toml}");
        // A question may not take the channel's id.
        let taken = admin.post("/admin/drafts/csp-2020/add-question", &[("revision", "4"), ("question-id", "channel"), ("kind", "text"), ("title", "Where did you hear about this survey?"), ("max-length", "200")]).await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", taken.text(".error-summary"));
        assert!(taken.text(".error-summary").contains("kept for the link a response came through"));
    }
}
