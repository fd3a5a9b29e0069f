//! Themes officers code free-text answers with: a name per theme, unique
//! (ignoring case and spacing) among one question's themes.

/// A theme's name: 1 to 60 characters, no control characters, spacing
/// folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeName(String);

/// The longest theme name.
pub const MAX_THEME_NAME: usize = 60;

impl ThemeName {
    /// Reads a typed name, saying what to fix.
    pub fn parse(typed: &str) -> Result<ThemeName, String> {
        let folded = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err("Enter a name for the theme".to_owned());
        }
        if folded.chars().count() > MAX_THEME_NAME {
            return Err(format!(
                "The theme's name must be {MAX_THEME_NAME} characters or fewer"
            ));
        }
        if folded.chars().any(char::is_control) {
            return Err("The theme's name cannot hold control characters".to_owned());
        }
        Ok(ThemeName(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What two names must not share: the name in lower case.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A stored theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub id: i64,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_folded_and_keyed_without_case() {
        let name = ThemeName::parse("  Parking   on  pavements ").expect("valid");
        assert_eq!(name.as_str(), "Parking on pavements");
        assert_eq!(
            name.key(),
            ThemeName::parse("PARKING ON PAVEMENTS")
                .expect("valid")
                .key()
        );
    }

    #[test]
    fn an_empty_long_or_control_name_is_refused() {
        assert_eq!(
            ThemeName::parse(" \t "),
            Err("Enter a name for the theme".to_owned())
        );
        assert!(ThemeName::parse(&"x".repeat(61)).is_err());
        assert!(ThemeName::parse(&"x".repeat(60)).is_ok());
        assert!(ThemeName::parse("a\u{7}b").is_err());
    }
}
