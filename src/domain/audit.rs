//! The audit log: what officers did with the service and its data, who,
//! when and to which survey. It holds no resident data: an entry names
//! officers, surveys and what was done, never an answer.

use chrono::{NaiveDate, NaiveDateTime};

/// What an audit entry records. The stored names are stable: entries from
/// before a new action keep reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    /// The first administrator created with the one-time setup link.
    Setup,
    OfficerAdded,
    TokenIssued,
    Export,
    Create,
    Edit,
    Discard,
    Publish,
    /// A survey opened, closed, or put back on its dates.
    State,
    PublicResults,
    Weights,
    /// A survey's retention periods set or changed.
    Retention,
    /// Free-text themes added, or answers coded with them.
    Themes,
    Purge,
}

impl AuditAction {
    /// Every action, in the order the filter lists them.
    pub const ALL: [AuditAction; 17] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::Setup,
        AuditAction::OfficerAdded,
        AuditAction::TokenIssued,
        AuditAction::Export,
        AuditAction::Create,
        AuditAction::Edit,
        AuditAction::Discard,
        AuditAction::Publish,
        AuditAction::State,
        AuditAction::PublicResults,
        AuditAction::Weights,
        AuditAction::Retention,
        AuditAction::Themes,
        AuditAction::Purge,
    ];

    /// The name stored, and used in filter addresses and the CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign-in",
            AuditAction::SignInFailed => "sign-in failed",
            AuditAction::SignOut => "sign-out",
            AuditAction::Setup => "setup",
            AuditAction::OfficerAdded => "officer",
            AuditAction::TokenIssued => "token",
            AuditAction::Export => "export",
            AuditAction::Create => "create",
            AuditAction::Edit => "edit",
            AuditAction::Discard => "discard",
            AuditAction::Publish => "publish",
            AuditAction::State => "state",
            AuditAction::PublicResults => "public results",
            AuditAction::Weights => "weights",
            AuditAction::Retention => "retention",
            AuditAction::Themes => "themes",
            AuditAction::Purge => "purge",
        }
    }

    /// What an officer reads in the filter.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignIn => "Signed in",
            AuditAction::SignInFailed => "Failed sign-in",
            AuditAction::SignOut => "Signed out",
            AuditAction::Setup => "First administrator created",
            AuditAction::OfficerAdded => "Officer added",
            AuditAction::TokenIssued => "API token issued",
            AuditAction::Export => "Export",
            AuditAction::Create => "Survey created",
            AuditAction::Edit => "Survey edited",
            AuditAction::Discard => "Draft discarded",
            AuditAction::Publish => "Survey published",
            AuditAction::State => "Survey opened or closed",
            AuditAction::PublicResults => "Public results",
            AuditAction::Weights => "Weighting",
            AuditAction::Retention => "Retention period set",
            AuditAction::Themes => "Free-text themes",
            AuditAction::Purge => "Retention purge",
        }
    }

    /// The action with this stored name.
    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: NaiveDateTime,
    /// None: no signed-in officer (the command line, the retention job, a
    /// failed sign-in to an address with no account).
    pub officer: Option<super::OfficerId>,
    pub action: AuditAction,
    pub survey_slug: Option<String>,
    pub detail: String,
}

/// One entry as the audit page and its CSV show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    /// The officer's email address; none for the command line and the like.
    pub officer_email: Option<String>,
    /// The stored action name (an older build's name reads as it is).
    pub action: String,
    pub survey_slug: Option<String>,
    pub detail: String,
}

/// The detail of an export entry: its kind, then the filters of the view
/// exported, if any.
pub fn export_detail(kind: &str, filters: &str) -> String {
    if filters.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} ({filters})")
    }
}

/// Which entries to show: every filter that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// An officer's email address, exactly.
    pub officer: Option<String>,
    pub survey: Option<String>,
    /// From the start of this day (UTC).
    pub from: Option<NaiveDate>,
    /// To the end of this day (UTC).
    pub to: Option<NaiveDate>,
}

/// The query-string names of the filter's fields.
pub mod keys {
    pub const ACTION: &str = "action";
    pub const OFFICER: &str = "officer";
    pub const SURVEY: &str = "survey";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const PAGE: &str = "page";
}

impl AuditFilter {
    /// Reads the filter from query pairs; empty values mean "any". Says
    /// what to fix when a value cannot be used.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let mut filter = AuditFilter::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if value.chars().count() > 200 || value.chars().any(char::is_control) {
                return Err(format!(
                    "The filter \u{201c}{key}\u{201d} must be 200 characters or fewer, without control characters"
                ));
            }
            match key {
                keys::ACTION => {
                    filter.action = Some(AuditAction::parse(value).ok_or_else(|| {
                        format!("There is no action \u{201c}{value}\u{201d} to filter by")
                    })?);
                }
                keys::OFFICER => filter.officer = Some(value.to_owned()),
                keys::SURVEY => filter.survey = Some(value.to_owned()),
                keys::FROM => filter.from = Some(date(value, "from")?),
                keys::TO => filter.to = Some(date(value, "to")?),
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && from > to
        {
            return Err(
                "The \u{201c}from\u{201d} date must be on or before the \u{201c}to\u{201d} date"
                    .to_owned(),
            );
        }
        Ok(filter)
    }

    /// The filter as a query string (without `?`), for links and the CSV.
    pub fn query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if let Some(a) = self.action {
            out.append_pair(keys::ACTION, a.as_str());
        }
        if let Some(o) = &self.officer {
            out.append_pair(keys::OFFICER, o);
        }
        if let Some(s) = &self.survey {
            out.append_pair(keys::SURVEY, s);
        }
        if let Some(d) = self.from {
            out.append_pair(keys::FROM, &d.to_string());
        }
        if let Some(d) = self.to {
            out.append_pair(keys::TO, &d.to_string());
        }
        out.finish()
    }

    /// The first moment after the `to` day, if one is set.
    pub fn before(&self) -> Option<NaiveDateTime> {
        self.to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    }

    /// The start of the `from` day, if one is set.
    pub fn since(&self) -> Option<NaiveDateTime> {
        self.from.and_then(|d| d.and_hms_opt(0, 0, 0))
    }
}

fn date(value: &str, name: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        format!("The \u{201c}{name}\u{201d} date must be a real date, such as 2026-12-04")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_stored_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("nonsense"), None);
    }

    #[test]
    fn a_filter_reads_its_fields_and_writes_them_back() {
        let filter = AuditFilter::parse([
            ("action", "sign-in failed"),
            ("officer", "a@example.gov.uk"),
            ("survey", ""),
            ("from", "2026-12-01"),
            ("to", "2026-12-04"),
            ("page", "2"),
        ])
        .expect("a good filter");
        assert_eq!(filter.action, Some(AuditAction::SignInFailed));
        assert_eq!(filter.survey, None, "empty means any");
        assert_eq!(
            filter.query_string(),
            "action=sign-in+failed&officer=a%40example.gov.uk&from=2026-12-01&to=2026-12-04"
        );
        assert_eq!(
            filter.before(),
            NaiveDate::from_ymd_opt(2026, 12, 5).and_then(|d| d.and_hms_opt(0, 0, 0)),
            "the to day is included whole"
        );
    }

    #[test]
    fn a_filter_that_cannot_be_used_says_why() {
        assert!(
            AuditFilter::parse([("action", "delete")])
                .expect_err("refused")
                .contains("no action")
        );
        assert!(
            AuditFilter::parse([("from", "2026-13-01")])
                .expect_err("refused")
                .contains("real date")
        );
        assert!(
            AuditFilter::parse([("from", "2026-12-04"), ("to", "2026-12-01")])
                .expect_err("refused")
                .contains("on or before")
        );
        assert!(AuditFilter::parse([("officer", "a\u{0}b")]).is_err());
    }

    #[test]
    fn an_export_names_its_filters_only_when_there_are_some() {
        assert_eq!(export_detail("summary.csv", ""), "summary.csv");
        assert_eq!(
            export_detail("summary.csv", "f-borough=dartford"),
            "summary.csv (f-borough=dartford)"
        );
    }
}
