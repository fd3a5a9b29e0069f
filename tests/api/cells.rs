//! Results from cells against the raw GROUP BY (issue 14): for random
//! filters, weighted or not, the counts summed over `stats::cells` equal
//! those `db::results::load_view` counts in storage, on both backends.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use civic_survey::db;
use civic_survey::domain::filters::splits;
use civic_survey::domain::{Filter, OptionId, QuestionId, SurveyDefinition};
use civic_survey::stats::Counts;
use civic_survey::stats::cells::Cells;

use crate::helpers::on_both_backends;
use crate::weighting::TARGETS;

const SLUG: &str = "csp-2019";

/// The cells' counts and storage's agree: counts exactly, weight sums to
/// rounding (they are added in another order).
fn same(cells: &Counts, stored: &Counts) -> Result<(), String> {
    let mut stored = stored.clone();
    stored.started = 0;
    stored.completed_all = 0;
    let (a, b) = (cells.weighted.clone(), stored.weighted.take());
    let mut cells = cells.clone();
    cells.weighted = None;
    cells.started = 0;
    cells.completed_all = 0;
    if cells != stored {
        return Err(format!(
            "counts differ:\ncells  {cells:?}\nstored {stored:?}"
        ));
    }
    match (a, b) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) => {
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
            let sums = |s: &civic_survey::stats::WeightSums,
                        t: &civic_survey::stats::WeightSums| {
                close(s.sum, t.sum) && close(s.sum_sq, t.sum_sq)
            };
            let keys_match =
                a.chosen.len() == b.chosen.len() && a.answered.len() == b.answered.len();
            let all = sums(&a.responses, &b.responses)
                && keys_match
                && a.chosen
                    .iter()
                    .all(|(k, s)| b.chosen.get(k).is_some_and(|t| sums(s, t)))
                && a.answered
                    .iter()
                    .all(|(k, s)| b.answered.get(k).is_some_and(|t| sums(s, t)));
            if all {
                Ok(())
            } else {
                Err(format!("weight sums differ:\ncells  {a:?}\nstored {b:?}"))
            }
        }
        (a, b) => Err(format!(
            "one view is weighted, the other not: {a:?} / {b:?}"
        )),
    }
}

on_both_backends! {
    async fn the_cell_store_catches_up_with_new_responses_and_rebuilds_when_weights_change(app) {
        use civic_survey::db::cells::CellStore;
        let def = SurveyDefinition::load_file(&app.surveys_dir.join("csp-2019.toml")).expect("csp-2019");
        let keyed: Vec<String> = splits(&def).iter().map(|s| s.id.as_str().to_owned()).collect();
        let store = CellStore::default();
        let survey = app.survey_id(SLUG);
        let gravesham = [Filter {
            question: QuestionId::parse("borough").expect("id"),
            option: OptionId::parse("gravesham").expect("id"),
        }];
        let check = |filters: &[Filter], weighted: bool, responses: u64| {
            app.with_conn(|c| {
                let cells = store.view(c, survey, &keyed, filters, weighted).expect("view").expect("from cells");
                let stored = db::results::load_view(c, survey, filters, weighted).expect("GROUP BY");
                assert_eq!(cells.started, stored.started, "started");
                assert_eq!(cells.completed_all, stored.completed_all, "completed");
                assert_eq!(cells.completed_all, responses);
                same(&cells, &stored).expect("the same figures");
            })
        };
        check(&[], false, 0);
        // A resident's draft counts as started before any response.
        let mut r = app.resident();
        r.start(SLUG).await;
        check(&[], false, 0);
        app.seed_2019();
        check(&[], false, 420);
        check(&gravesham, false, 420);
        app.with_conn(|c| {
            let published = db::surveys::publish(c, &def).expect("published");
            civic_survey::seed::seed_2019(c, published.survey, published.version_id, &def, 11, |_, _| {})
        })
        .expect("seeded again");
        check(&gravesham, false, 840);
        // Another survey's responses and drafts, read on the way (the key's
        // range, not the survey's index), are passed over.
        let toml = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("toml");
        let other = SurveyDefinition::from_toml(
            "csp-2020.toml",
            &toml.replace("slug = \"csp-2019\"", "slug = \"csp-2020\""),
        )
        .expect("csp-2020");
        app.with_conn(|c| {
            let published = db::surveys::publish(c, &other).expect("published");
            civic_survey::seed::seed_2019(c, published.survey, published.version_id, &other, 13, |_, _| {})
        })
        .expect("another survey seeded");
        check(&gravesham, false, 840);
        check(&[], false, 840);
        // Weights computed: the cells are built again with them.
        let admin = app.signed_in("admin").await;
        let stored = admin
            .upload("/admin/surveys/csp-2019/weighting", &[("cap", "5")], "targets", "targets.csv", TARGETS.as_bytes())
            .await;
        assert_eq!(stored.status, reqwest::StatusCode::SEE_OTHER, "{}", stored.text(".error-summary"));
        check(&gravesham, true, 840);
        check(&[], true, 840);
        // An unkeyed filter is left to storage.
        let unkeyed = [Filter {
            question: QuestionId::parse("asb-concerns").expect("id"),
            option: OptionId::parse("drugs").expect("id"),
        }];
        assert!(app.with_conn(|c| store.view(c, survey, &keyed, &unkeyed, false)).expect("view").is_none());
    }

    async fn cells_give_the_group_by_counts_for_any_filters_weighted_or_not(app) {
        // 420 responses, weighted to the targets; then 420 more under a
        // second version of the survey, which wait for the next computation
        // of the weights.
        app.seed_2019();
        let admin = app.signed_in("admin").await;
        let stored = admin
            .upload("/admin/surveys/csp-2019/weighting", &[("cap", "5")], "targets", "targets.csv", TARGETS.as_bytes())
            .await;
        assert_eq!(stored.status, reqwest::StatusCode::SEE_OTHER, "{}", stored.text(".error-summary"));
        let toml = std::fs::read_to_string(app.surveys_dir.join("csp-2019.toml")).expect("toml");
        let def = SurveyDefinition::from_toml(
            "csp-2019.toml",
            &toml.replace(
                "title = \"Community safety in Dartford and Gravesham\"",
                "title = \"Community safety in Dartford and Gravesham, version 2\"",
            ),
        )
        .expect("csp-2019, version 2");
        let survey = app.survey_id(SLUG);
        app.with_conn(|c| {
            let published = db::surveys::publish(c, &def).expect("published");
            assert_eq!(published.version, 2, "a second version");
            civic_survey::seed::seed_2019(c, published.survey, published.version_id, &def, 7, |_, _| {})
        })
        .expect("seeded again");

        // The cells, read a page of 97 at a time.
        let keyed: Vec<String> = splits(&def).iter().map(|s| s.id.as_str().to_owned()).collect();
        let mut cells = Cells::new(keyed);
        let mut after = 0;
        loop {
            let page = app.with_conn(|c| db::cells::page_after(c, after, 97)).expect("page");
            let Some(&(last, _, _)) = page.last() else { break };
            for (_, of, response) in &page {
                if *of == survey {
                    cells.add(response);
                }
            }
            after = last;
        }
        assert_eq!(cells.responses(), 840);
        assert!(cells.len() < 840, "responses share cells: {}", cells.len());

        // Random views: up to three filters on the questions that split the
        // figures (an option nobody chose among them), weighted or not.
        let choices: Vec<(String, Vec<String>)> = splits(&def)
            .iter()
            .map(|s| (s.id.as_str().to_owned(), s.options.iter().map(|(o, _)| o.as_str().to_owned()).collect()))
            .collect();
        let view = (
            proptest::collection::vec((0..choices.len(), 0usize..16), 0..=3),
            any::<bool>(),
        );
        let mut config = Config::with_cases(64);
        config.failure_persistence = None;
        let mut runner = TestRunner::new(config);
        runner
            .run(&view, |(picks, weighted)| {
                let mut filters: Vec<Filter> = Vec::new();
                for (q, o) in picks {
                    let (question, options) = &choices[q];
                    if filters.iter().any(|f| f.question.as_str() == question) {
                        continue;
                    }
                    filters.push(Filter {
                        question: QuestionId::parse(question).expect("id"),
                        option: OptionId::parse(&options[o % options.len()]).expect("id"),
                    });
                }
                let from_cells = cells.count(&filters, weighted).expect("the splits key the cells");
                let stored = app
                    .with_conn(|c| db::results::load_view(c, survey, &filters, weighted))
                    .expect("the GROUP BY");
                prop_assert!(stored.completed > 0 || !filters.is_empty(), "the data is there");
                same(&from_cells, &stored).map_err(|e| TestCaseError::fail(format!("{filters:?} weighted {weighted}: {e}")))?;
                // Responses per version, for the page's notes on what
                // earlier versions lacked.
                let versions: Vec<(i64, u64)> = app
                    .with_conn(|c| db::surveys::count_per_version(c, survey, &filters))
                    .expect("the GROUP BY per version")
                    .into_iter()
                    .map(|(id, _, n)| (id.0, n))
                    .collect();
                let summed: Vec<(i64, u64)> = cells.per_version(&filters).expect("keyed").into_iter().collect();
                prop_assert_eq!(summed, versions, "{:?}", filters);
                Ok(())
            })
            .expect("cells agree with the GROUP BY");
    }
}
