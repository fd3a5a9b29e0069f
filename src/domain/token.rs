//! Draft tokens: the opaque value in a resident's cookie that finds their
//! answers in progress. Only a hash of the token is stored, so a copy of the
//! database cannot be used to take over someone's draft.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// A well-formed draft token (64 lower-case hex digits).
#[derive(Clone, PartialEq, Eq)]
pub struct DraftToken(String);

impl DraftToken {
    /// A new random token from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        DraftToken(hex::encode(bytes))
    }

    /// Accepts a cookie value that has the shape of a token; says nothing
    /// about whether such a draft exists.
    pub fn parse(value: &str) -> Option<Self> {
        let well_formed = value.len() == TOKEN_BYTES * 2
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| DraftToken(value.to_owned()))
    }

    /// The value for the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database stores and looks up.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for DraftToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DraftToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let a = DraftToken::generate();
        let b = DraftToken::generate();
        assert_ne!(a, b);
        assert_eq!(DraftToken::parse(a.expose()), Some(a.clone()));
        assert_ne!(a.hash(), a.expose());
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "abc", &"g".repeat(64), &"A".repeat(64), &"a".repeat(65)] {
            assert!(DraftToken::parse(bad).is_none(), "{bad}");
        }
    }
}
