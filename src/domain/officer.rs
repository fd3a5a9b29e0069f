//! Officers: accounts, email addresses, roles and passwords, each valid by
//! construction.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate, RustCrypto, with
//! its default OWASP parameters: 19 MiB, 2 passes) and a random salt per
//! hash; the PHC string stores the parameters with the hash.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use validator::ValidateEmail;

use super::ids::OfficerId;

/// What an officer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages officers and surveys, and everything an analyst does.
    Admin,
    /// Views results and exports them.
    Analyst,
    /// Builds, previews and publishes surveys, and everything an analyst
    /// does; manages no officers.
    Editor,
}

impl Role {
    pub fn parse(value: &str) -> Result<Role, String> {
        match value {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            "editor" => Ok(Role::Editor),
            other => Err(format!(
                "role must be admin, editor or analyst (got {other:?})"
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Editor => "editor",
        }
    }
}

/// A well-formed email address, lower-cased so sign-in ignores case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Email, String> {
        let value = value.trim().to_lowercase();
        if value.validate_email() {
            Ok(Email(value))
        } else {
            Err("Enter an email address in the correct format, like name@example.gov.uk".to_owned())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shortest password accepted: long passphrases beat complexity rules (NCSC).
pub const MIN_PASSWORD_LENGTH: usize = 12;
/// Longest password accepted, which bounds the hashing work per attempt.
pub const MAX_PASSWORD_LENGTH: usize = 128;

/// A new password that meets the length rules. Never printed.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

impl NewPassword {
    pub fn parse(value: &str) -> Result<NewPassword, String> {
        let length = value.chars().count();
        if length < MIN_PASSWORD_LENGTH {
            return Err(format!(
                "Password must be at least {MIN_PASSWORD_LENGTH} characters; a few unrelated words make a good one"
            ));
        }
        if length > MAX_PASSWORD_LENGTH {
            return Err(format!(
                "Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
            ));
        }
        Ok(NewPassword(value.to_owned()))
    }

    /// The Argon2id hash to store (a PHC string with salt and parameters).
    pub fn hash(&self) -> Result<String, String> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| format!("password hashing failed: {e}"))
    }
}

/// Whether `candidate` matches a stored hash. A malformed hash never matches.
pub fn verify_password(stored_hash: &str, candidate: &str) -> bool {
    if candidate.chars().count() > MAX_PASSWORD_LENGTH {
        return false;
    }
    PasswordHash::new(stored_hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok()
    })
}

/// An officer's account. The password hash is not part of it: only
/// sign-in reads that (`db::officers::find_credentials`).
#[derive(Debug, Clone)]
pub struct Officer {
    pub id: OfficerId,
    pub email: String,
    pub role: Role,
    pub created_at: chrono::NaiveDateTime,
    pub disabled: bool,
}

impl Officer {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the officer builds surveys: an administrator or an editor.
    pub fn can_build(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Editor)
    }
}

/// A hash of a random password, verified against when the email is unknown
/// so that a wrong email takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        NewPassword(super::token::random_hex(32))
            .hash()
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            Email::parse(" Officer@Dartford.GOV.uk ").map(|e| e.as_str().to_owned()),
            Ok("officer@dartford.gov.uk".to_owned())
        );
        assert!(Email::parse("not an email").is_err());
        assert!(Email::parse("").is_err());
    }

    #[test]
    fn passwords_must_be_long_enough_and_not_absurd() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("correct horse battery").is_ok());
        assert!(!format!("{:?}", NewPassword::parse("correct horse battery")).contains("horse"));
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = NewPassword::parse("correct horse battery")
            .expect("valid")
            .hash()
            .expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterx"));
        assert!(!verify_password("not a hash", "correct horse battery"));
        assert!(!verify_password(decoy_hash(), "correct horse battery"));
    }

    #[test]
    fn roles_parse() {
        assert_eq!(Role::parse("admin"), Ok(Role::Admin));
        assert_eq!(Role::parse("analyst").map(Role::as_str), Ok("analyst"));
        assert!(Role::parse("root").is_err());
    }
}
