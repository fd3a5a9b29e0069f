//! Secrets the service hands out, one type per meaning, all made by one
//! generator ([`random_hex`]): a resident's [`DraftToken`], the first-admin
//! [`SetupToken`], an officer's [`ApiToken`], and the [`CsrfSecret`] that
//! scopes a session's form tokens. Of the tokens that unlock something (a
//! draft, the setup link, the API) only a hash ([`sha256_hex`]) is stored, so
//! a copy of the database cannot be used to take over a draft or an account;
//! the CSRF secret lives in the officer's session state, which is keyed by
//! the hash of its session key. How long a draft stays usable is
//! [`crate::domain::draft::DraftLifetime`].

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// `bytes` random bytes from the operating system's generator, as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// The SHA-256 digest of `text`, as lower-case hex: how tokens, session keys
/// and frozen definitions are stored and compared.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn is_well_formed(value: &str) -> bool {
    value.len() == TOKEN_BYTES * 2
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

macro_rules! token_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// A new random token.
            pub fn generate() -> Self {
                $name(random_hex(TOKEN_BYTES))
            }

            /// Accepts a value that has the shape of a token (64 lower-case
            /// hex digits); says nothing about whether it was issued.
            pub fn parse(value: &str) -> Option<Self> {
                is_well_formed(value).then(|| $name(value.to_owned()))
            }

            /// The value handed out (in a cookie, a link, a header).
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// What the database stores and looks up.
            pub fn hash(&self) -> String {
                sha256_hex(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

token_type!(
    /// The opaque value in a resident's `civic_draft` cookie that finds their
    /// answers in progress.
    DraftToken
);
token_type!(
    /// The one-time token in the link that creates the first administrator.
    SetupToken
);
token_type!(
    /// A token a script sends as `Authorization: Bearer` to read results as
    /// an officer.
    ApiToken
);
token_type!(
    /// The per-session secret that an officer's CSRF tokens are signed for,
    /// renewed at every sign-in.
    CsrfSecret
);

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
        let setup = SetupToken::generate();
        assert!(!format!("{setup:?}").contains(setup.expose()));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "abc", &"g".repeat(64), &"A".repeat(64), &"a".repeat(65)] {
            assert!(DraftToken::parse(bad).is_none(), "{bad}");
            assert!(ApiToken::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_hash_is_sha256_in_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
