//! CSRF tokens for forms: an HMAC of the form's scope (a draft, an officer
//! session, or a public start form) under the service's secret key. A token
//! proves the form was served by us for that scope; checking is constant-time.
//! The token travels in the form field [`crate::fields::CSRF`].

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Signs and checks CSRF tokens with the service's secret key.
#[derive(Clone)]
pub struct CsrfKey(Vec<u8>);

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey([redacted])")
    }
}

impl CsrfKey {
    pub fn new(secret: &[u8]) -> Self {
        CsrfKey(secret.to_vec())
    }

    fn mac(&self, scope: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"csrf\0");
        mac.update(scope.as_bytes());
        mac
    }

    /// The token for forms in `scope`.
    pub fn token(&self, scope: &str) -> String {
        hex::encode(self.mac(scope).finalize().into_bytes())
    }

    /// Whether `given` is the token for `scope`.
    pub fn verify(&self, scope: &str, given: Option<&str>) -> bool {
        let Some(bytes) = given.and_then(|g| hex::decode(g).ok()) else {
            return false;
        };
        self.mac(scope).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_in_its_scope_and_under_its_key() {
        let key = CsrfKey::new(b"one secret key of reasonable length");
        let token = key.token("draft:abc");
        assert!(key.verify("draft:abc", Some(&token)));
        assert!(!key.verify("draft:abd", Some(&token)));
        assert!(!key.verify("draft:abc", None));
        assert!(!key.verify("draft:abc", Some("not hex")));
        assert!(!key.verify("draft:abc", Some(&token[..10])));
        let other = CsrfKey::new(b"another secret key of some length");
        assert!(!other.verify("draft:abc", Some(&token)));
    }
}
