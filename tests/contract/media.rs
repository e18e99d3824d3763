//! Operations tagged `media`.

use crate::support::*;

fn media_path(user_id: &str, query: &str) -> String {
    format!("/_synapse/admin/v1/users/{}/media{query}", enc(user_id))
}

#[test]
fn list_user_media() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract media");
    let first = upload(&token, "first.json");
    let second = upload(&token, "second.json");
    // One protected and one quarantined upload, so those columns are not at their defaults.
    let media_id = |uri: &str| uri.rsplit('/').next().unwrap_or_default().to_string();
    for target in [
        format!(
            "/_synapse/admin/v1/media/protect/{}",
            enc(&media_id(&first))
        ),
        format!(
            "/_synapse/admin/v1/media/quarantine/{}/{}",
            s.server_name,
            enc(&media_id(&second))
        ),
    ] {
        let (status, reply) = s.admin_request("POST", &target, Some(&serde_json::json!({})));
        assert_eq!(status, 200, "{target}: {reply}");
    }

    // Two uploads, one per page: next_token is an integer here.
    let page = ok(
        "list_user_media",
        admin().list_user_media().user_id(&user).limit(1).send(),
    );
    assert_eq!(page.total, 2);
    assert_eq!(page.media.len(), 1);
    assert_eq!(page.next_token, Some(1));
    let all = ok(
        "list_user_media",
        admin().list_user_media().user_id(&user).send(),
    );
    let mut ids: Vec<String> = all.media.iter().map(|m| m.media_id.clone()).collect();
    ids.sort_unstable();
    let mut want = vec![media_id(&first), media_id(&second)];
    want.sort_unstable();
    assert_eq!(ids, want);
    assert!(
        all.media
            .iter()
            .any(|m| m.quarantined_by.as_deref() == Some(s.admin_user.as_str())),
        "{all:?}"
    );
    let reply = raw(
        "list_user_media",
        "GET",
        &media_path(&user, "?limit=1"),
        None,
    );
    assert_eq!(reply["next_token"], 1);
    // The seed's image (a different media type and upload path).
    raw(
        "list_user_media",
        "GET",
        &media_path(&s.user_id("alice"), ""),
        None,
    );

    let nobody = unknown_user();
    fails(
        "list_user_media",
        admin().list_user_media().user_id(&nobody).send(),
        404,
        "M_NOT_FOUND",
    );
    raw_error(
        "list_user_media",
        Some(&s.admin_token),
        "GET",
        &media_path(REMOTE_USER, ""),
        None,
        400,
        "M_UNKNOWN",
    );
}
