//! `civic-survey backup` and `restore` (issue 12, part 3) on both backends:
//! a backup taken while residents are submitting holds exactly the
//! responses stored before it, each whole, and restores into a database a
//! new instance serves; a restore never replaces a database that holds
//! tables unless forced, and refuses what is not a backup.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use civic_survey::config::DatabaseUrl;
use civic_survey::db::backup::{self, Contents};

use crate::helpers::{Options, Scratch, TestApp, choose, on_both_backends};

/// One resident, start to confirmation, with `marker` in the ASB "Other"
/// box; true once the confirmation page is shown.
async fn respond(app: &TestApp, marker: &str) -> bool {
    let mut resident = app.resident();
    resident.start("csp-2019").await;
    resident
        .answer(
            "/surveys/csp-2019/questions/borough",
            &choose(&["dartford"]),
        )
        .await;
    resident
        .answer(
            "/surveys/csp-2019/questions/most-important",
            &choose(&["asb"]),
        )
        .await;
    resident
        .answer(
            "/surveys/csp-2019/questions/asb-concerns",
            &[
                ("answer", "fly-tipping"),
                ("answer", "other"),
                ("specify-other", marker),
            ],
        )
        .await;
    let submitted = resident.post("/surveys/csp-2019/submit", &[]).await;
    submitted.location() == "/surveys/csp-2019/done"
        && resident
            .get("/surveys/csp-2019/done")
            .await
            .body
            .contains("Response submitted")
}

async fn take_backup(url: &DatabaseUrl, file: &std::path::Path) -> anyhow::Result<Contents> {
    let (url, file) = (url.clone(), file.to_owned());
    tokio::task::spawn_blocking(move || backup::backup(&url, &file))
        .await
        .expect("join")
}

async fn restore(
    url: &DatabaseUrl,
    file: &std::path::Path,
    force: bool,
) -> anyhow::Result<Contents> {
    let (url, file) = (url.clone(), file.to_owned());
    tokio::task::spawn_blocking(move || backup::restore(&url, &file, force))
        .await
        .expect("join")
}

fn acknowledged(list: &Mutex<Vec<String>>) -> HashSet<String> {
    list.lock().expect("lock").iter().cloned().collect()
}

on_both_backends! {
    async fn a_backup_taken_under_load_holds_exactly_the_responses_stored_before_it(app) {
        app.add_officer("backup@example.gov.uk", "a long enough password", "analyst");
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let app = Arc::new(app);
        let mut residents = Vec::new();
        for worker in 0..4 {
            let (app, acked, stop) = (Arc::clone(&app), Arc::clone(&acked), Arc::clone(&stop));
            residents.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let marker = format!("resident-{worker}-{n}");
                    if respond(&app, &marker).await {
                        acked.lock().expect("lock").push(marker);
                    }
                    n += 1;
                }
            }));
        }
        let wait_for = |count: usize| {
            let acked = Arc::clone(&acked);
            async move {
                for _ in 0..600 {
                    if acked.lock().expect("lock").len() >= count {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                panic!("the residents did not get {count} responses stored");
            }
        };
        wait_for(12).await;

        let folder = tempfile::tempdir().expect("temp dir");
        let file: PathBuf = folder.path().join("civic.backup");
        let before = acknowledged(&acked);
        let contents = take_backup(app.database_url(), &file).await.expect("the backup");
        let after = acknowledged(&acked);
        // The residents go on after the backup, so the live database moves
        // past it.
        wait_for(after.len() + 8).await;
        stop.store(true, Ordering::Relaxed);
        for r in residents {
            r.await.expect("a resident");
        }
        let every = acknowledged(&acked);
        assert!(app.completed("csp-2019") as usize >= every.len());

        let target = Scratch::new(app.backend()).expect("a database to restore into");
        let restored_url = target.url.clone();
        let restored = restore(&restored_url, &file, false).await.expect("restore into an empty database");
        assert_eq!(restored.responses, contents.responses, "the restore holds what the backup counted");
        assert_eq!(restored.officers, 1);

        let copy = TestApp::spawn_on(target, Options::default()).await;
        let stored: Vec<String> = copy.details("csp-2019", "asb-concerns", "other");
        let unique: HashSet<String> = stored.iter().cloned().collect();
        println!(
            "backup under load: {} acknowledged before it began, {} when it ended; it holds {}; {} in the end",
            before.len(),
            after.len(),
            contents.responses,
            every.len()
        );
        assert_eq!(unique.len(), stored.len(), "no response twice");
        assert_eq!(stored.len() as i64, contents.responses);
        assert_eq!(copy.completed("csp-2019"), contents.responses);
        assert!(before.is_subset(&unique), "every response acknowledged before the backup began is in it");
        assert!(unique.is_subset(&every), "nothing in it that was not acknowledged");
        assert!(unique.len() <= after.len() + 4, "at most the residents in flight beyond those acknowledged");
        assert!(every.len() > unique.len(), "the load went on past the backup");
        // Each response whole: every one has all its answers.
        let counts = copy.option_counts("csp-2019");
        for key in [("borough", "dartford"), ("most-important", "asb"), ("asb-concerns", "fly-tipping"), ("asb-concerns", "other")] {
            assert_eq!(counts[&(key.0.to_owned(), key.1.to_owned())], contents.responses, "{key:?}");
        }
        // The officers came too: one signs in on the restored copy.
        let mut officer = copy.resident();
        let signed_in = officer.sign_in("backup@example.gov.uk", "a long enough password").await;
        assert!(signed_in.status.is_redirection(), "{}", signed_in.status);
        let (status, json) = officer.get_json("/api/surveys/csp-2019/results").await;
        assert!(status.is_success(), "{status}");
        assert_eq!(json["respondents"]["completed"], contents.responses);
    }

    async fn a_restore_refuses_what_it_would_destroy_or_cannot_read(app) {
        app.seed_2019();
        let folder = tempfile::tempdir().expect("temp dir");
        let file = folder.path().join("first.backup");
        let contents = take_backup(app.database_url(), &file).await.expect("the backup");
        assert_eq!(contents.responses, 420);
        assert!(contents.bytes > 0);

        let again = take_backup(app.database_url(), &file).await.expect_err("an existing file");
        assert!(again.to_string().contains("already exists: a backup never overwrites a file"), "{again}");
        assert!(!folder.path().join("first.backup.partial").exists());

        // The service's own database holds tables: not without --force.
        let refused = restore(app.database_url(), &file, false).await.expect_err("refused");
        let message = refused.to_string();
        assert!(message.contains("already holds") && message.contains("420 responses"), "{message}");
        assert!(message.contains("--force"), "{message}");
        // Forced, but the service is running on it: refused all the same.
        let running = restore(app.database_url(), &file, true).await.expect_err("in use");
        let message = running.to_string();
        assert!(message.contains("is in use") && message.contains("stop every instance"), "{message}");
        assert_eq!(app.completed("csp-2019"), 420);

        // Into an empty database, then not again without --force, then forced.
        let target = Scratch::new(app.backend()).expect("a database");
        restore(&target.url, &file, false).await.expect("empty: restored");
        let refused = restore(&target.url, &file, false).await.expect_err("now it holds tables");
        assert!(refused.to_string().contains("--force"), "{refused}");
        let forced = restore(&target.url, &file, true).await.expect("forced");
        assert_eq!(forced.responses, 420, "replaced, not added to");

        // Not a backup, or one of the other backend: named, nothing touched.
        let notes = folder.path().join("notes.txt");
        std::fs::write(&notes, "minutes of the partnership meeting").expect("write");
        let e = restore(&target.url, &notes, true).await.expect_err("not a backup");
        assert!(e.to_string().contains("is not a civic-survey backup"), "{e}");
        let other = folder.path().join("other.backup");
        if app.is_postgres() {
            std::fs::write(&other, b"SQLite format 3\0and the rest").expect("write");
        } else {
            std::fs::write(&other, b"PGDMP\x01\x0e\x00").expect("write");
        }
        let e = restore(&target.url, &other, true).await.expect_err("the other backend's");
        assert!(e.to_string().contains("restore it into the kind of database it came from"), "{e}");
        let copy = TestApp::spawn_on(target, Options::default()).await;
        assert_eq!(copy.completed("csp-2019"), 420, "the refused restores changed nothing");
    }
}
