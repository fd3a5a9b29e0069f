//! The submission path without HTTP or storage: a raw form body is read as
//! the server reads it, then offered as an answer to every question of the
//! 2019 survey in turn (as the handler does for the question in the URL),
//! recorded in a draft, and turned into a submission; the same body is also
//! read as a results query string and as ids and a draft token. Nothing may
//! panic, and what is accepted must hold only valid values.
#![no_main]

use std::sync::LazyLock;

use civic_survey::domain::{
    Answer, DraftAnswers, DraftToken, OptionId, QuestionId, ResultsQuery, Submission,
    SurveyDefinition,
};
use civic_survey::web::form::{answer_error, entered, parse_urlencoded};
use libfuzzer_sys::fuzz_target;

static SURVEY: LazyLock<SurveyDefinition> = LazyLock::new(|| {
    SurveyDefinition::from_toml(
        "csp-2019.toml",
        include_str!("../../assets/surveys/csp-2019.toml"),
    )
    .expect("the shipped survey loads")
});

fuzz_target!(|body: &[u8]| {
    let def = &*SURVEY;
    let Ok(form) = parse_urlencoded(body) else {
        return;
    };
    let mut draft = DraftAnswers::default();
    for question in def.questions() {
        match Answer::parse(question, &entered(question, &form)) {
            Ok(answer) => {
                // An accepted answer names only the question's own options.
                for chosen in answer.chosen() {
                    assert!(question.option(chosen.as_str()).is_some());
                }
                draft.record(def, question.id(), answer);
            }
            Err(refused) => {
                // A refusal is a 4xx at a field of the page.
                let (status, error) = answer_error(&refused);
                assert!(status.is_client_error());
                assert!(!error.field.is_empty() && !error.message.is_empty());
            }
        }
    }
    if let Ok(submission) = Submission::from_draft(def, &draft) {
        for row in submission.rows() {
            let question = def.question(row.question.as_str()).expect("a known question");
            assert!(question.option(row.option.as_str()).is_some());
        }
    }
    let _ = ResultsQuery::parse(def, form.fields());
    for (name, value) in form.fields() {
        let _ = QuestionId::parse(name);
        let _ = OptionId::parse(value);
        let _ = DraftToken::parse(value);
    }
});
