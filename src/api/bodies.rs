//! Request bodies the generator cannot express (see build.rs `with_replacement`).

use super::types::ThreepidInput;
use serde::Serialize;

/// Body of `PUT /_synapse/admin/v2/users/{user_id}`.
///
/// Synapse gives "absent", `null` and `[]` different meanings here, which generated
/// types (`Option` skipped when `None`, `Vec` skipped when empty) cannot send:
/// `user_type: Some(None)` sends `null` (reset to a regular user) and
/// `threepids: Some(vec![])` sends `[]` (remove all third-party IDs).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UserUpsert {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logout_devices: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displayname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threepids: Option<Vec<ThreepidInput>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_type: Option<Option<String>>,
}

/// Body of `PUT /_synapse/admin/v1/registration_tokens/{token}`.
///
/// Only the fields present are changed, and an explicit `null` means "unlimited uses" or
/// "never expires", which generated types (`Option` skipped when `None`) cannot send:
/// `Some(None)` sends `null`, `None` leaves the field out (unchanged).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RegistrationTokenUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses_allowed: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<Option<i64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_update_sends_null_for_unlimited_and_omits_unchanged_fields() {
        let unlimited = RegistrationTokenUpdate { uses_allowed: Some(None), ..Default::default() };
        assert_eq!(serde_json::to_string(&unlimited).unwrap(), r#"{"uses_allowed":null}"#);
        let both = RegistrationTokenUpdate { uses_allowed: Some(Some(3)), expiry_time: Some(None) };
        assert_eq!(
            serde_json::to_string(&both).unwrap(),
            r#"{"uses_allowed":3,"expiry_time":null}"#
        );
        assert_eq!(serde_json::to_string(&RegistrationTokenUpdate::default()).unwrap(), "{}");
    }

    #[test]
    fn null_user_type_and_empty_threepids_are_sent() {
        let body =
            UserUpsert { user_type: Some(None), threepids: Some(vec![]), ..Default::default() };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"threepids":[],"user_type":null}"#);
    }

    #[test]
    fn absent_fields_are_omitted() {
        let body = UserUpsert { displayname: Some("Alice".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"displayname":"Alice"}"#);
        assert_eq!(serde_json::to_string(&UserUpsert::default()).unwrap(), "{}");
    }
}
