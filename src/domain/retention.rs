//! How long a survey's answers are kept: a period for free text (text
//! answers and "please specify" details) and one for the responses
//! themselves, each counted in whole months from the day the survey closed.
//!
//! Deleting free text empties the text but keeps the answer (the question
//! was answered, "Other" was chosen), so every count, percentage and base
//! stays as it was; deleting responses removes them whole.

use chrono::{DateTime, Months, Utc};

/// A survey's retention periods, in months after closing. None: kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    free_text_months: Option<u32>,
    responses_months: Option<u32>,
}

/// The longest period that can be set: 100 years.
pub const MAX_MONTHS: u32 = 1200;

/// The form's field names.
pub mod fields {
    pub const FREE_TEXT: &str = "free-text-months";
    pub const RESPONSES: &str = "responses-months";
}

/// Why a retention period cannot be used: the field, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionError {
    pub field: &'static str,
    pub message: String,
}

impl Retention {
    /// Periods as stored (already checked when they were set).
    pub fn from_stored(free_text_months: Option<i32>, responses_months: Option<i32>) -> Self {
        let months = |m: Option<i32>| m.and_then(|m| u32::try_from(m).ok());
        Retention {
            free_text_months: months(free_text_months),
            responses_months: months(responses_months),
        }
    }

    /// Reads the two periods as typed (blank: keep), checking each is a
    /// whole number of months, at least as long as the fieldwork (from
    /// `opens` to `closes` of `fieldwork`, where it is known), and that
    /// free text is not kept longer than the responses it belongs to.
    pub fn parse(
        free_text: &str,
        responses: &str,
        fieldwork: Option<(DateTime<Utc>, DateTime<Utc>)>,
    ) -> Result<Retention, Vec<RetentionError>> {
        let mut errors = Vec::new();
        let mut read = |field: &'static str, what: &str, typed: &str| -> Option<u32> {
            let typed = typed.trim();
            if typed.is_empty() {
                return None;
            }
            let fail = |errors: &mut Vec<RetentionError>, message: String| {
                errors.push(RetentionError { field, message });
                None
            };
            let Ok(months) = typed.parse::<i64>() else {
                return fail(
                    &mut errors,
                    format!(
                        "Enter how many months to keep {what} as a whole number, such as 12, or leave it blank to keep them"
                    ),
                );
            };
            if months < 0 {
                return fail(
                    &mut errors,
                    format!("The period for {what} cannot be negative"),
                );
            }
            let Some(months) = u32::try_from(months).ok().filter(|m| *m <= MAX_MONTHS) else {
                return fail(
                    &mut errors,
                    format!("The period for {what} must be {MAX_MONTHS} months or fewer"),
                );
            };
            if let Some((opens, closes)) = fieldwork
                && let Some(kept_until) = closes.checked_add_months(Months::new(months))
                && kept_until - closes < closes - opens
            {
                let days = (closes - opens).num_days();
                return fail(
                    &mut errors,
                    format!(
                        "The period for {what} is shorter than the fieldwork ({days} days): keep them at least as long as the survey was open"
                    ),
                );
            }
            Some(months)
        };
        let free_text_months = read(fields::FREE_TEXT, "free text", free_text);
        let responses_months = read(fields::RESPONSES, "responses", responses);
        if let (Some(text), Some(all)) = (free_text_months, responses_months)
            && text > all
        {
            errors.push(RetentionError {
                field: fields::FREE_TEXT,
                message: "Free text cannot be kept longer than the responses it is part of"
                    .to_owned(),
            });
        }
        if errors.is_empty() {
            Ok(Retention {
                free_text_months,
                responses_months,
            })
        } else {
            Err(errors)
        }
    }

    pub fn free_text_months(self) -> Option<u32> {
        self.free_text_months
    }

    pub fn responses_months(self) -> Option<u32> {
        self.responses_months
    }

    /// When free text is due for deletion, for a survey that closed at `closed`.
    pub fn free_text_due(self, closed: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let own = self
            .free_text_months
            .and_then(|m| closed.checked_add_months(Months::new(m)));
        // Deleting the responses deletes their free text with them.
        match (own, self.responses_due(closed)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// When the responses are due for deletion, for a survey that closed at `closed`.
    pub fn responses_due(self, closed: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.responses_months
            .and_then(|m| closed.checked_add_months(Months::new(m)))
    }

    /// Where the free text of a survey that closed at `closed` (none:
    /// still open) stands at `now`.
    pub fn free_text_fate(self, closed: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Fate {
        let set = self.free_text_months.is_some() || self.responses_months.is_some();
        Fate::of(set, closed, now, |c| self.free_text_due(c))
    }

    /// Where the responses of a survey that closed at `closed` stand at `now`.
    pub fn responses_fate(self, closed: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Fate {
        Fate::of(self.responses_months.is_some(), closed, now, |c| {
            self.responses_due(c)
        })
    }

    /// What is due at `now` for a survey that closed at `closed` (none: still open).
    pub fn due_at(self, closed: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Due {
        Due {
            free_text: matches!(self.free_text_fate(closed, now), Fate::DueSince(_)),
            responses: matches!(self.responses_fate(closed, now), Fate::DueSince(_)),
        }
    }

    /// The periods in words, for the privacy notice and the admin page.
    pub fn describe(self) -> (String, String) {
        let months = |m: u32| {
            if m == 1 {
                "1 month".to_owned()
            } else {
                format!("{m} months")
            }
        };
        let free_text = match (self.free_text_months, self.responses_months) {
            (Some(m), _) => format!("deleted {} after the survey closes", months(m)),
            (None, Some(m)) => format!(
                "deleted with the responses, {} after the survey closes",
                months(m)
            ),
            (None, None) => "kept with the responses".to_owned(),
        };
        let responses = match self.responses_months {
            Some(m) => format!("deleted {} after the survey closes", months(m)),
            None => "kept, anonymous, to compare with later surveys".to_owned(),
        };
        (free_text, responses)
    }
}

/// Where one kind of a survey's data stands: what the admin page and
/// `purge --dry-run` each put in their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// No period deletes it.
    Kept,
    /// A period is set, and starts when the survey closes.
    WhileOpen,
    /// Due since this moment: the next purge deletes it.
    DueSince(DateTime<Utc>),
    /// To be deleted at this moment.
    DueOn(DateTime<Utc>),
}

impl Fate {
    fn of(
        set: bool,
        closed: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        due: impl Fn(DateTime<Utc>) -> Option<DateTime<Utc>>,
    ) -> Fate {
        match (set, closed.map(due)) {
            (false, _) | (true, Some(None)) => Fate::Kept,
            (true, None) => Fate::WhileOpen,
            (true, Some(Some(d))) if d <= now => Fate::DueSince(d),
            (true, Some(Some(d))) => Fate::DueOn(d),
        }
    }
}

/// What a purge deletes now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Due {
    pub free_text: bool,
    pub responses: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    #[test]
    fn blank_periods_keep_everything() {
        let kept = Retention::parse(" ", "", None).expect("blank is allowed");
        assert_eq!(kept, Retention::default());
        assert_eq!(
            kept.due_at(Some(at("2000-01-01T00:00:00Z")), at("2100-01-01T00:00:00Z")),
            Due::default()
        );
    }

    #[test]
    fn periods_count_whole_months_from_closing() {
        let r = Retention::parse("12", "24", None).expect("valid");
        let closed = at("2019-08-31T00:00:00Z");
        assert_eq!(r.free_text_due(closed), Some(at("2020-08-31T00:00:00Z")));
        assert_eq!(r.responses_due(closed), Some(at("2021-08-31T00:00:00Z")));
        let before = at("2020-08-30T23:59:59Z");
        assert_eq!(r.due_at(Some(closed), before), Due::default());
        let after = at("2020-08-31T00:00:00Z");
        assert_eq!(
            r.due_at(Some(closed), after),
            Due {
                free_text: true,
                responses: false
            }
        );
        assert_eq!(
            r.due_at(None, after),
            Due::default(),
            "an open survey keeps all"
        );
    }

    #[test]
    fn each_kind_of_data_is_kept_waiting_for_closing_due_on_a_day_or_due_since() {
        let r = Retention::parse("", "6", None).expect("valid");
        let closed = at("2026-01-01T00:00:00Z");
        let (before, after) = (at("2026-06-30T00:00:00Z"), at("2026-07-01T00:00:00Z"));
        assert_eq!(
            Retention::default().free_text_fate(Some(closed), after),
            Fate::Kept
        );
        assert_eq!(r.responses_fate(None, after), Fate::WhileOpen);
        assert_eq!(r.responses_fate(Some(closed), before), Fate::DueOn(after));
        assert_eq!(
            r.free_text_fate(Some(closed), after),
            Fate::DueSince(after),
            "with the responses"
        );
    }

    #[test]
    fn deleting_responses_deletes_their_free_text_even_with_no_period_of_its_own() {
        let r = Retention::parse("", "6", None).expect("valid");
        let closed = at("2026-01-01T00:00:00Z");
        assert_eq!(r.free_text_due(closed), r.responses_due(closed));
    }

    #[test]
    fn negative_or_shorter_than_the_fieldwork_is_refused_with_why() {
        let fieldwork = Some((at("2026-01-01T00:00:00Z"), at("2026-04-01T00:00:00Z")));
        let errors = Retention::parse("-1", "2", fieldwork).expect_err("refused");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, fields::FREE_TEXT);
        assert!(
            errors[0].message.contains("cannot be negative"),
            "{errors:?}"
        );
        assert_eq!(errors[1].field, fields::RESPONSES);
        assert!(
            errors[1]
                .message
                .contains("shorter than the fieldwork (90 days)"),
            "{errors:?}"
        );
        assert!(
            Retention::parse("3", "", fieldwork).is_ok(),
            "three months covers 90 days"
        );
        for typed in ["twelve", "1.5", "1e3", "1201"] {
            assert!(Retention::parse(typed, "", None).is_err(), "{typed}");
        }
    }

    #[test]
    fn free_text_is_never_kept_longer_than_its_responses() {
        let errors = Retention::parse("24", "12", None).expect_err("refused");
        assert!(errors[0].message.contains("longer than the responses"));
    }
}
