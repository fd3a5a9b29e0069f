//! Synthetic responses to the 2019 survey that reproduce every count the 2019
//! strategy published (`assets/seed/consultation-2019.json`), deterministic
//! for a given seed. The tests submit them through HTTP; the `seed` command
//! stores them through the same storage path as real submissions.
//!
//! What 2019 did not publish is filled in plausibly: follow-up options beyond
//! the top three are chosen by fewer people than the third, so the published
//! top three stay the top three.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use crate::domain::{OptionId, Question, QuestionId, SurveyDefinition};

/// The published 2019 figures, as shipped with the program.
pub const FIXTURE_2019: &str = include_str!("../assets/seed/consultation-2019.json");

/// The question ids of the shipped `csp-2019` survey that the figures belong to.
pub const BOROUGH: &str = "borough";
pub const MOST_IMPORTANT: &str = "most-important";
pub const DEMOGRAPHICS: [&str; 3] = ["age", "ethnicity", "gender"];

/// 2019 printed "Not provided" for what our form calls "Prefer not to say".
const NOT_PROVIDED: &str = "Not provided";
const PREFER_NOT_TO_SAY: &str = "Prefer not to say";

/// The published figures this module reproduces.
#[derive(Debug, Clone, Deserialize)]
pub struct Fixture {
    pub respondents: Respondents,
    pub most_important_issue: MostImportant,
    pub top_three_within_category: BTreeMap<String, serde_json::Value>,
    pub demographics: Demographics,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Respondents {
    pub total: u32,
    pub borough: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MostImportant {
    pub answered: u32,
    pub counts: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Demographics {
    pub answered: u32,
    pub age: Counts,
    pub ethnicity: Counts,
    pub gender: Counts,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Counts {
    pub counts: BTreeMap<String, u32>,
}

/// One category's follow-up figures: how many answered it, and the top three
/// with their counts (a count 2019 left out is worked out from its percentage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopThree {
    pub category: String,
    pub answered: u32,
    pub top: Vec<(String, u32)>,
}

impl Fixture {
    /// The fixture shipped with the program.
    pub fn shipped() -> Result<Self, String> {
        serde_json::from_str(FIXTURE_2019).map_err(|e| format!("consultation-2019.json: {e}"))
    }

    /// The published follow-up figures per category, top count first.
    pub fn top_three(&self) -> Result<Vec<TopThree>, String> {
        let mut all = Vec::new();
        for (category, value) in &self.top_three_within_category {
            let Some(object) = value.as_object() else {
                continue; // the "question" and "note" strings
            };
            let answered = object
                .get("answered")
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| format!("{category}: no answered count"))?;
            let top = object
                .get("top")
                .and_then(serde_json::Value::as_object)
                .ok_or_else(|| format!("{category}: no top three"))?;
            let percent = object.get("published_percent").and_then(|v| v.as_object());
            let mut counts = Vec::new();
            for (label, count) in top {
                let count = match count.as_u64() {
                    Some(c) => c,
                    None => {
                        let p = percent
                            .and_then(|p| p.get(label))
                            .and_then(serde_json::Value::as_f64)
                            .ok_or_else(|| format!("{category}/{label}: no count or percentage"))?;
                        (p * answered as f64 / 100.0).round() as u64
                    }
                };
                counts.push((label.clone(), count as u32));
            }
            counts.sort_by_key(|c| std::cmp::Reverse(c.1));
            all.push(TopThree {
                category: category.clone(),
                answered: answered as u32,
                top: counts,
            });
        }
        Ok(all)
    }
}

/// One synthetic resident's answers: the options chosen on each question
/// they answered, in survey order. Questions absent were skipped.
pub type PlannedResponse = Vec<(QuestionId, Vec<OptionId>)>;

fn question<'d>(def: &'d SurveyDefinition, id: &str) -> Result<&'d Question, String> {
    def.question(id)
        .ok_or_else(|| format!("survey {} has no question {id:?}", def.slug()))
}

fn option_by_label(question: &Question, label: &str) -> Result<OptionId, String> {
    let wanted = if label == NOT_PROVIDED {
        PREFER_NOT_TO_SAY
    } else {
        label
    };
    question
        .options()
        .iter()
        .find(|o| o.label() == wanted)
        .map(|o| o.id().clone())
        .ok_or_else(|| {
            format!(
                "question {} has no option labelled {wanted:?}",
                question.id()
            )
        })
}

/// A shuffled list holding each option as many times as its count, padded
/// with `None` (skipped) up to `len`.
fn shuffled_labels(
    question: &Question,
    counts: &BTreeMap<String, u32>,
    len: usize,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<Option<OptionId>>, String> {
    let mut list = Vec::with_capacity(len);
    for (label, count) in counts {
        let id = option_by_label(question, label)?;
        list.extend(std::iter::repeat_n(Some(id), *count as usize));
    }
    if list.len() > len {
        return Err(format!(
            "{}: counts add up to more than {len}",
            question.id()
        ));
    }
    list.resize(len, None);
    list.shuffle(rng);
    Ok(list)
}

/// Plans `fixture.respondents.total` responses to `def` (the shipped
/// `csp-2019`) that reproduce every published count.
pub fn plan_2019(
    def: &SurveyDefinition,
    fixture: &Fixture,
    seed: u64,
) -> Result<Vec<PlannedResponse>, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total = fixture.respondents.total as usize;
    let mut chosen: Vec<BTreeMap<QuestionId, Vec<OptionId>>> = vec![BTreeMap::new(); total];

    let borough = question(def, BOROUGH)?;
    let boroughs = shuffled_labels(borough, &fixture.respondents.borough, total, &mut rng)?;
    if boroughs.iter().any(Option::is_none) {
        return Err("the borough counts must add up to the number of respondents".to_owned());
    }
    let most = question(def, MOST_IMPORTANT)?;
    let categories = shuffled_labels(most, &fixture.most_important_issue.counts, total, &mut rng)?;
    for (i, (b, c)) in boroughs.iter().zip(&categories).enumerate() {
        if let Some(b) = b {
            chosen[i].insert(borough.id().clone(), vec![b.clone()]);
        }
        if let Some(c) = c {
            chosen[i].insert(most.id().clone(), vec![c.clone()]);
        }
    }

    for figures in fixture.top_three()? {
        let category = option_by_label(most, &figures.category)?;
        let follow_up = def
            .questions()
            .iter()
            .find(|q| {
                q.show_if()
                    .is_some_and(|c| c.question == *most.id() && c.option == category)
            })
            .ok_or_else(|| format!("no follow-up question for {}", figures.category))?;
        let mut members: Vec<usize> = (0..total)
            .filter(|&i| categories[i].as_ref() == Some(&category))
            .collect();
        members.shuffle(&mut rng);
        if (figures.answered as usize) > members.len() {
            return Err(format!(
                "{}: more answered the follow-up than chose it",
                figures.category
            ));
        }
        members.truncate(figures.answered as usize);
        let selections = plan_follow_up(follow_up, &figures, &members, &mut rng)?;
        for (i, options) in selections {
            chosen[i].insert(follow_up.id().clone(), options);
        }
    }

    let mut demographic_answerers: Vec<usize> = (0..total).collect();
    demographic_answerers.shuffle(&mut rng);
    demographic_answerers.truncate(fixture.demographics.answered as usize);
    let d = &fixture.demographics;
    for (id, counts) in DEMOGRAPHICS
        .into_iter()
        .zip([&d.age, &d.ethnicity, &d.gender])
    {
        let q = question(def, id)?;
        let counts = &counts.counts;
        let labels = shuffled_labels(q, counts, demographic_answerers.len(), &mut rng)?;
        for (&i, label) in demographic_answerers.iter().zip(labels) {
            if let Some(option) = label {
                chosen[i].insert(q.id().clone(), vec![option]);
            }
        }
    }

    Ok(chosen
        .into_iter()
        .map(|answers| {
            def.questions()
                .iter()
                .filter_map(|q| answers.get(q.id()).map(|o| (q.id().clone(), o.clone())))
                .collect()
        })
        .collect())
}

/// Chooses each follow-up answerer's options: the published top three go to
/// exactly their published number of people, spread so everyone gets at
/// least one; some people add one more concern, never enough to overtake the
/// third.
fn plan_follow_up(
    question: &Question,
    figures: &TopThree,
    members: &[usize],
    rng: &mut ChaCha8Rng,
) -> Result<Vec<(usize, Vec<OptionId>)>, String> {
    let max = question.max_selections();
    let mut picks: Vec<Vec<OptionId>> = vec![Vec::new(); members.len()];
    for (label, count) in &figures.top {
        let option = option_by_label(question, label)?;
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.shuffle(rng);
        order.sort_by_key(|&m| picks[m].len());
        let takers: Vec<usize> = order
            .into_iter()
            .filter(|&m| picks[m].len() < max)
            .take(*count as usize)
            .collect();
        if takers.len() < *count as usize {
            return Err(format!(
                "{}: {label} cannot reach {count}",
                figures.category
            ));
        }
        for m in takers {
            picks[m].push(option.clone());
        }
    }
    let third = figures.top.last().map_or(0, |(_, c)| *c);
    let top_ids: Vec<OptionId> = figures
        .top
        .iter()
        .map(|(label, _)| option_by_label(question, label))
        .collect::<Result<_, _>>()?;
    // Named concerns beyond the top three; "Other" needs typed text, so the
    // synthetic residents leave it alone.
    let extras: Vec<OptionId> = question
        .options()
        .iter()
        .filter(|o| o.specify().is_none() && !top_ids.contains(o.id()))
        .map(|o| o.id().clone())
        .collect();
    let mut extra_counts = vec![0u32; extras.len()];
    for (m, pick) in picks.iter_mut().enumerate() {
        let wants_more = pick.is_empty() || (pick.len() < max && m % 3 == 0);
        if !wants_more || extras.is_empty() {
            continue;
        }
        let k = rand::Rng::random_range(rng, 0..extras.len());
        if extra_counts[k] + 1 < third {
            extra_counts[k] += 1;
            pick.push(extras[k].clone());
        }
    }
    if picks.iter().any(Vec::is_empty) {
        return Err(format!(
            "{}: someone would answer with no concern",
            figures.category
        ));
    }
    Ok(members
        .iter()
        .zip(picks)
        .map(|(&m, mut options)| {
            options.sort_by_key(|id| question.options().iter().position(|o| o.id() == id));
            (m, options)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn csp_2019() -> SurveyDefinition {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml");
        SurveyDefinition::load_file(&path).expect("csp-2019 is valid")
    }

    fn count(plan: &[PlannedResponse], question: &str, option: &str) -> u32 {
        plan.iter()
            .filter(|r| {
                r.iter()
                    .any(|(q, o)| q.as_str() == question && o.iter().any(|o| o.as_str() == option))
            })
            .count() as u32
    }

    fn answered(plan: &[PlannedResponse], question: &str) -> u32 {
        plan.iter()
            .filter(|r| r.iter().any(|(q, _)| q.as_str() == question))
            .count() as u32
    }

    #[test]
    fn the_plan_reproduces_every_published_count() {
        let def = csp_2019();
        let fixture = Fixture::shipped().expect("fixture");
        let plan = plan_2019(&def, &fixture, 2019).expect("plan");
        assert_eq!(plan.len(), 420);
        assert_eq!(count(&plan, "borough", "gravesham"), 299);
        assert_eq!(count(&plan, "borough", "dartford"), 121);
        assert_eq!(answered(&plan, "most-important"), 407);
        for (option, n) in [
            ("asb", 163),
            ("property-crime", 94),
            ("town-centre-safety", 80),
            ("violence", 37),
            ("substance-misuse", 33),
        ] {
            assert_eq!(count(&plan, "most-important", option), n, "{option}");
        }
        for (question, n, top) in [
            (
                "asb-concerns",
                154,
                [("fly-tipping", 65), ("drugs", 62), ("noisy-rowdy", 61)],
            ),
            (
                "property-crime-concerns",
                85,
                [
                    ("residential-burglary", 81),
                    ("shed-garage", 63),
                    ("vehicle-theft", 49),
                ],
            ),
            (
                "town-centre-concerns",
                71,
                [
                    ("groups-gathering", 45),
                    ("nte-violence", 43),
                    ("public-place-violence", 27),
                ],
            ),
            (
                "violence-concerns",
                34,
                [("youth-violence", 22), ("gun-knife", 19), ("robbery", 16)],
            ),
            (
                "substance-misuse-concerns",
                29,
                [("drug-dealing", 24), ("class-a", 17), ("cannabis", 13)],
            ),
        ] {
            assert_eq!(answered(&plan, question), n, "{question}");
            for (option, c) in top {
                assert_eq!(count(&plan, question, option), c, "{question}/{option}");
            }
            let q = def.question(question).expect("question");
            let third = top[2].1;
            for o in q.options() {
                if top.iter().all(|(t, _)| o.id().as_str() != *t) {
                    assert!(
                        count(&plan, question, o.id().as_str()) < third,
                        "{question}/{}",
                        o.id()
                    );
                }
            }
            for r in &plan {
                if let Some((_, options)) = r.iter().find(|(q, _)| q.as_str() == question) {
                    assert!((1..=3).contains(&options.len()));
                }
            }
        }
        assert_eq!(answered(&plan, "age"), 342);
        assert_eq!(count(&plan, "age", "45-54"), 92);
        assert_eq!(count(&plan, "age", "prefer-not-to-say"), 7);
        assert_eq!(count(&plan, "ethnicity", "white-british"), 301);
        assert_eq!(count(&plan, "gender", "female"), 227);
        assert_eq!(count(&plan, "gender", "prefer-not-to-say"), 10);
    }

    #[test]
    fn follow_ups_only_follow_their_category() {
        let def = csp_2019();
        let plan = plan_2019(&def, &Fixture::shipped().expect("fixture"), 7).expect("plan");
        for r in &plan {
            let category = r
                .iter()
                .find(|(q, _)| q.as_str() == "most-important")
                .map(|(_, o)| o[0].clone());
            for (q, _) in r {
                if let Some(condition) = def.question(q.as_str()).and_then(|q| q.show_if()) {
                    assert_eq!(Some(&condition.option), category.as_ref());
                }
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_plan_and_another_seed_another() {
        let def = csp_2019();
        let fixture = Fixture::shipped().expect("fixture");
        let a = plan_2019(&def, &fixture, 1).expect("plan");
        assert_eq!(a, plan_2019(&def, &fixture, 1).expect("plan"));
        assert_ne!(a, plan_2019(&def, &fixture, 2).expect("plan"));
    }
}
