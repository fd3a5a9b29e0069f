//! The survey-definition loader on arbitrary text: it either gives a
//! definition or names what is wrong, never panics.
#![no_main]

use civic_survey::domain::SurveyDefinition;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(def) = SurveyDefinition::from_toml("fuzz.toml", text)
    {
        // A definition that loads is self-consistent: every follow-up names
        // an earlier question and one of its options.
        for question in def.questions() {
            if let Some(condition) = question.show_if() {
                let parent = def
                    .question(condition.question.as_str())
                    .expect("show_if names a question");
                assert!(parent.option(condition.option.as_str()).is_some());
            }
        }
    }
});
