//! Identifiers: the ones that appear in URLs, form fields and stored answers
//! ([`Slug`], [`QuestionId`], [`OptionId`]), and the numbers storage gives
//! its records ([`SurveyId`], [`VersionId`], [`DraftId`], [`ResponseId`],
//! [`OfficerId`]).
//!
//! The first three share one shape: 1 to 64 characters of lower-case ASCII letters,
//! digits and hyphens, starting with a letter or digit. That keeps them safe
//! in a URL path, an HTML id and a CSV header without escaping.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest id accepted.
pub const MAX_ID_LENGTH: usize = 64;

fn check(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if value.len() > MAX_ID_LENGTH {
        return Err(format!("must be at most {MAX_ID_LENGTH} characters"));
    }
    let valid_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !value.chars().all(valid_char) || value.starts_with('-') {
        return Err(
            "must use only lower-case letters, digits and hyphens, and not start with a hyphen"
                .to_owned(),
        );
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts a well-formed id, or says what is wrong with it.
            pub fn parse(value: &str) -> Result<Self, String> {
                check(value).map(|()| Self(value.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                check(&value).map(|()| Self(value))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

id_type!(
    /// A survey's public name in URLs, such as `csp-2019`.
    Slug
);
id_type!(
    /// A question's stable id within its survey.
    QuestionId
);
id_type!(
    /// An answer option's stable id within its question.
    OptionId
);

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);
    };
}

record_id!(
    /// A stored survey: one per slug, across all its versions.
    SurveyId
);
record_id!(
    /// One frozen version of a survey's definition.
    VersionId
);
record_id!(
    /// A resident's draft: their answers in progress.
    DraftId
);
record_id!(
    /// A complete response.
    ResponseId
);
record_id!(
    /// An officer's account.
    OfficerId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_ids_are_accepted() {
        for ok in ["a", "csp-2019", "65-plus", "x1"] {
            assert!(QuestionId::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        let too_long = "a".repeat(MAX_ID_LENGTH + 1);
        for bad in ["", "-a", "A", "a b", "a_b", "é", "a/b", too_long.as_str()] {
            assert!(OptionId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ids_deserialise_only_when_valid() {
        assert!(serde_json::from_str::<Slug>("\"ok-1\"").is_ok());
        assert!(serde_json::from_str::<Slug>("\"Not OK\"").is_err());
    }
}
