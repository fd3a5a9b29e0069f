//! Domain types: survey definitions, ids, answers, drafts, officers and
//! tokens. Each type holds only valid values; nothing here does I/O beyond
//! reading a definition file, and nothing here knows about HTTP or storage.

pub mod answers;
pub mod audit;
pub mod control;
pub mod definition;
pub mod draft;
pub mod filters;
pub mod ids;
pub mod officer;
pub mod retention;
pub mod themes;
pub mod token;

pub use answers::{
    Answer, AnswerError, DraftAnswers, Entered, ResponseRow, Submission, TextAnswer, Unanswered,
};
pub use control::{Control, ControlRecord};
pub use definition::{
    AnswerOption, Availability, DefinitionErrors, NextWave, Place, Problem, Question, QuestionKind,
    SurveyDefinition, SurveySettings,
};
pub use filters::{Filter, ResultsQuery};
pub use ids::{DraftId, OfficerId, OptionId, QuestionId, ResponseId, Slug, SurveyId, VersionId};
pub use token::{ApiToken, CsrfSecret, DraftToken, SetupToken};
