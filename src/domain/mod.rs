//! Domain types: survey definitions, ids, answers and draft tokens. Each type
//! holds only valid values; nothing here does I/O beyond reading a file.

pub mod answers;
pub mod control;
pub mod definition;
pub mod filters;
pub mod ids;
pub mod officer;
pub mod token;

pub use answers::{Answer, DraftAnswers, Entered, FieldError, Submission, Unanswered};
pub use control::{Control, ControlRecord};
pub use definition::{
    AnswerOption, Availability, DefinitionErrors, Question, QuestionKind, SurveyDefinition,
};
pub use filters::{Filter, ResultsQuery};
pub use ids::{OptionId, QuestionId, Slug};
pub use token::DraftToken;
