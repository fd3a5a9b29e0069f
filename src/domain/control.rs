//! An administrator's decision to open or close a survey now, overriding
//! the `opens` / `closes` dates of its definition. No decision means the
//! dates rule.

use chrono::{DateTime, Utc};

use super::{Availability, SurveyDefinition};

/// What an administrator decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Open now, whatever the dates say (opened early, or kept open longer).
    Open,
    /// Closed now, whatever the dates say.
    Closed,
}

impl Control {
    /// Reads a posted or stored value: `open`, `closed`, or `dates` (no
    /// decision: follow the definition's dates).
    pub fn parse(value: &str) -> Result<Option<Control>, String> {
        match value {
            "open" => Ok(Some(Control::Open)),
            "closed" => Ok(Some(Control::Closed)),
            "dates" => Ok(None),
            other => Err(format!(
                "{other:?} is not a survey state: choose open, closed or dates"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Control::Open => "open",
            Control::Closed => "closed",
        }
    }
}

/// A decision, who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRecord {
    pub control: Control,
    /// The administrator's email address.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Whether `survey` accepts answers at `now`, given an administrator's
/// decision if there is one.
pub fn availability(
    survey: &SurveyDefinition,
    decision: Option<&ControlRecord>,
    now: DateTime<Utc>,
) -> Availability {
    match decision.map(|d| (d.control, d.at)) {
        Some((Control::Open, _)) => Availability::Open,
        Some((Control::Closed, at)) => Availability::Closed(at.min(now)),
        None => survey.availability(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> SurveyDefinition {
        SurveyDefinition::from_toml("t.toml", include_str!("../../assets/surveys/csp-2019.toml"))
            .expect("the shipped survey")
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    #[test]
    fn without_a_decision_the_dates_rule() {
        let def = survey();
        let now = at("2026-11-26T12:00:00Z");
        assert_eq!(availability(&def, None, now), def.availability(now));
    }

    #[test]
    fn closed_by_an_administrator_is_closed_from_that_moment() {
        let def = survey();
        let record = ControlRecord {
            control: Control::Closed,
            by: "admin@council.gov.uk".into(),
            at: at("2026-11-26T10:00:00Z"),
        };
        assert_eq!(
            availability(&def, Some(&record), at("2026-11-26T12:00:00Z")),
            Availability::Closed(at("2026-11-26T10:00:00Z"))
        );
    }

    #[test]
    fn opened_by_an_administrator_is_open_outside_the_dates() {
        let def = SurveyDefinition::from_toml(
            "t.toml",
            &include_str!("../../assets/surveys/csp-2019.toml").replacen(
                "slug =",
                "closes = \"2020-01-01T00:00:00Z\"\nslug =",
                1,
            ),
        )
        .expect("a survey with a closing date");
        let now = at("2026-11-26T12:00:00Z");
        assert!(matches!(def.availability(now), Availability::Closed(_)));
        let record = ControlRecord {
            control: Control::Open,
            by: "admin@council.gov.uk".into(),
            at: now,
        };
        assert_eq!(availability(&def, Some(&record), now), Availability::Open);
    }

    #[test]
    fn states_read_back_as_written() {
        for control in [Control::Open, Control::Closed] {
            assert_eq!(Control::parse(control.as_str()), Ok(Some(control)));
        }
        assert_eq!(Control::parse("dates"), Ok(None));
        assert!(Control::parse("OPEN").is_err());
        assert!(Control::parse("").is_err());
    }
}
