//! Shared-secret registration's proof: the MAC Synapse checks before it creates a user
//! without an access token (the way to make the first admin of a new server).

use ring::hmac;

/// HMAC-SHA1, keyed with the server's `registration_shared_secret`, over
/// `nonce NUL username NUL password NUL ("admin" | "notadmin")`, then `NUL user_type` when a
/// user type is given; as lowercase hex, as `POST /_synapse/admin/v1/register` takes it.
pub fn registration_mac(
    secret: &[u8],
    nonce: &str,
    username: &str,
    password: &str,
    admin: bool,
    user_type: Option<&str>,
) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mut ctx = hmac::Context::with_key(&key);
    let role = if admin { "admin" } else { "notadmin" };
    for (i, part) in [nonce, username, password, role].into_iter().enumerate() {
        if i > 0 {
            ctx.update(b"\0");
        }
        ctx.update(part.as_bytes());
    }
    if let Some(user_type) = user_type {
        ctx.update(b"\0");
        ctx.update(user_type.as_bytes());
    }
    ctx.sign().as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors from Python's `hmac.new(secret, msg, hashlib.sha1).hexdigest()`, the way
    /// Synapse's own `register_new_matrix_user` computes them.
    #[test]
    fn the_mac_matches_synapses_reference_computation() {
        assert_eq!(
            registration_mac(b"s3cret", "abcd", "alice", "pw", true, None),
            "f668c373fd5a47b376c021f2e46fb887a81ff287"
        );
        assert_eq!(
            registration_mac(b"s3cret", "abcd", "bob", "pw", false, Some("bot")),
            "2e56585e3ffacbdd86b0b46aacfa64271f8822b6"
        );
    }
}
