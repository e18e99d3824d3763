//! `user import` on the wire: how it learns which users exist (one listing of a small
//! server's users, else a read per row), what a dry run and `--on-existing stop` send (no
//! change), and generated passwords (the one sent is the one written down).

use crate::common::words;
use crate::support::{Env, admin_user, list_entry, sorted};
use httpmock::Method::{GET, PUT};
use httpmock::Mock;
use serde_json::{Value, json};

const USERS: &str = "/_synapse/admin/v2/users";
const EVERYONE: [(&str, &str); 3] =
    [("deactivated", "true"), ("locked", "true"), ("guests", "true")];

/// The first question of an import: how many users the server has (all of them).
fn user_count(env: &Env, total: i64) -> Mock<'_> {
    let query = [&EVERYONE[..], &[("limit", "1")]].concat();
    env.reply_to_query(
        GET,
        USERS,
        &query,
        200,
        json!({"users": [list_entry("@a:example.org")], "total": total, "next_token": "1"}),
    )
}

/// One page of the server's users, from `from`: `names`, of `total`, then `next`.
fn list_page<'a>(
    env: &'a Env,
    from: &str,
    names: &[&str],
    total: usize,
    next: Option<&str>,
) -> Mock<'a> {
    let query = [&EVERYONE[..], &[("from", from), ("limit", "1000")]].concat();
    let users: Vec<Value> = names.iter().map(|n| list_entry(n)).collect();
    env.reply_to_query(
        GET,
        USERS,
        &query,
        200,
        json!({"users": users, "total": total, "next_token": next}),
    )
}

/// A small server's whole user list, in one page: `names`.
fn listed<'a>(env: &'a Env, names: &[&str]) -> (Mock<'a>, Mock<'a>) {
    let count = user_count(env, names.len() as i64);
    (count, list_page(env, "0", names, names.len(), None))
}

/// The account path of `@{localpart}:example.org`.
fn account(localpart: &str) -> String {
    format!("{USERS}/@{localpart}:example.org")
}

/// Answers the read of `localpart`'s account: named `displayname`, or missing (404).
fn read_user<'a>(env: &'a Env, localpart: &str, displayname: Option<&str>) -> Mock<'a> {
    match displayname {
        Some(name) => {
            let mut user = admin_user(&format!("@{localpart}:example.org"));
            user["displayname"] = json!(name);
            env.reply(GET, &account(localpart), 200, user)
        }
        None => env.reply_error(GET, &account(localpart), 404, "M_NOT_FOUND", "User not found"),
    }
}

/// Answers exactly the PUT of `body` to `localpart`'s account with `status` (201: created,
/// 200: changed) and the account, named as the body says.
fn put_user<'a>(env: &'a Env, localpart: &str, body: Value, status: u16) -> Mock<'a> {
    let mut user = admin_user(&format!("@{localpart}:example.org"));
    user["displayname"] = body["displayname"].clone();
    env.reply_to_body(PUT, &account(localpart), body, status, user)
}

/// Answers any PUT (a change) with HTTP 500: for runs that must change nothing, checked with
/// `assert_calls(0)`.
fn any_put(env: &Env) -> Mock<'_> {
    env.mock(|when, then| {
        when.method(PUT);
        then.status(500);
    })
}

/// `@old:example.org`, displayname "Old", readable.
fn old_user(env: &Env) -> Mock<'_> {
    read_user(env, "old", Some("Old"))
}

/// `--on-existing stop` reads each user once to plan; when none exists the import goes on
/// without reading them again.
#[test]
fn import_stop_reads_each_user_once_and_creates_them() {
    let env = Env::with_config("homeserver: example.org\n");
    // 11 users on the server, one row: more than 10 a row, so each row's user is read.
    let count = user_count(&env, 11);
    let read = read_user(&env, "new1", None);
    let create = put_user(&env, "new1", json!({"displayname": "New One"}), 201);
    let run = env
        .run_with_input(
            &["--batch", "user", "import", "-", "--on-existing", "stop"],
            "id,displayname\nnew1,New One\n",
        )
        .ok();
    assert_eq!(run.json(), json!([{"user_id": "@new1:example.org", "outcome": "created"}]));
    assert!(!run.stderr.contains("Ignoring"), "{run:#?}");
    read.assert_calls(1);
    create.assert_calls(1);
    count.assert_calls(1);
}

/// On a server with at most 10 users a row, the import lists them all once, reads only the
/// rows' users that are among them, and creates the others without reading them first. A
/// user created by someone else meanwhile (the PUT answers 200, not 201) is a failure.
#[test]
fn import_lists_a_small_servers_users_instead_of_reading_each_row() {
    let env = Env::with_config("homeserver: example.org\n");
    let count = user_count(&env, 3);
    let first = list_page(&env, "0", &["@old:example.org", "@x:example.org"], 3, Some("2"));
    let second = list_page(&env, "2", &["@y:example.org"], 3, None);
    let read_old = old_user(&env);
    let not_read = [read_user(&env, "new1", None), read_user(&env, "new2", None)];
    let created =
        |name: &str, status: u16| put_user(&env, name, json!({"displayname": name}), status);
    let (new1, new2) = (created("new1", 201), created("new2", 200));
    let run = env.run_with_input(
        &["--batch", "-o", "json", "user", "import", "-"],
        "id,displayname,nickname\nold,Old,o\nnew1,new1,\nnew2,new2,\n",
    );
    assert_eq!(run.code, 1, "{run:#?}");
    run.stderr_has("Ignoring the columns nickname (not among id, displayname, ");
    assert_eq!(
        sorted(&run, "user_id"),
        [
            json!({"user_id": "@new1:example.org", "outcome": "created"}),
            json!({"user_id": "@new2:example.org", "outcome": "failed", "error":
                "M_USER_IN_USE: created by someone else during the import; the file's values \
                 were written over it (HTTP 200)"}),
            json!({"user_id": "@old:example.org", "outcome": "skipped"}),
        ]
    );
    for m in [&count, &first, &second, &read_old, &new1, &new2] {
        m.assert_calls(1);
    }
    for m in &not_read {
        m.assert_calls(0);
    }
}

/// A dry run reads what it needs and changes nothing: with `--on-existing update` it names
/// the fields an update would change; with only new users it still stops at the plan. Its
/// `--generate-passwords` file is not created.
#[test]
fn a_dry_run_sends_no_change_and_writes_no_password_file() {
    let env = Env::new();
    let (count, page) = listed(&env, &["@old:example.org"]);
    let read_old = old_user(&env);
    let any_put = any_put(&env);
    let passwords = env.home.path().join("passwords.csv");
    let dry = |csv: &str, extra: &[&str]| {
        let args = [
            &["--batch", "-o", "json", "user", "import", "-", "--dry-run"][..],
            &["--generate-passwords", passwords.to_str().unwrap()],
            extra,
        ]
        .concat();
        env.run_with_input(&args, csv).ok()
    };
    let run = dry(
        "id,displayname,admin\nold,Old Renamed,\nnew1,New,true\n",
        &["--on-existing", "update"],
    );
    assert_eq!(
        sorted(&run, "user_id"),
        [
            json!({"user_id": "@new1:example.org", "outcome": "would be created"}),
            json!({"user_id": "@old:example.org", "outcome": "would be updated",
                   "changed": ["displayname"]}),
        ]
    );
    run.stderr_has("1 would be created (1 of them admins), 1 updated, 0 skipped.");
    run.stderr_has("Dry run: nothing was changed.");
    let run = dry("id,displayname\nnew1,New\nold,Old Renamed\n", &[]);
    assert_eq!(
        run.json(),
        json!([{"user_id": "@new1:example.org", "outcome": "would be created"},
               {"user_id": "@old:example.org", "outcome": "would be skipped"}])
    );
    run.stderr_has("1 would be created (0 of them admins), 0 updated, 1 skipped.");
    any_put.assert_calls(0);
    read_old.assert_calls(2);
    count.assert_calls(2);
    page.assert_calls(2);
    assert!(!passwords.exists(), "a dry run writes no password file");
}

/// `--on-existing stop` with a user in the way changes nothing and names the user.
#[test]
fn on_existing_stop_changes_nothing_when_a_user_exists() {
    let env = Env::new();
    let (_count, _page) = listed(&env, &["@old:example.org"]);
    let read_old = old_user(&env);
    let any_put = any_put(&env);
    let run = env
        .run_with_input(
            &words("--batch user import - --on-existing stop"),
            "id,displayname\nnew1,New\nold,Old\n",
        )
        .fails(
            6,
            "error: aborted: 1 user exists already (--on-existing stop); nothing was changed\n",
        );
    run.stderr_has("Existing: @old:example.org\n");
    read_old.assert_calls(1);
    any_put.assert_calls(0);
}

/// A new user without a password gets a generated one: the password sent is the one written,
/// with its user ID, to the new file (mode 0600). Not written down: a user with a password in
/// the file, one skipped (it exists), one whose creation failed. The note counts what was
/// written, also when a row failed.
#[test]
fn generated_passwords_are_the_ones_sent_and_only_those() {
    let env = Env::new();
    let (_count, _page) = listed(&env, &["@old:example.org"]);
    let _read_old = old_user(&env);
    let failing = env.mock(|when, then| {
        when.method(PUT).path(account("new3"));
        then.status(500)
            .json_body(json!({"errcode": "M_UNKNOWN", "error": "Internal server error"}));
    });
    let mut created = admin_user("@new1:example.org");
    created["displayname"] = json!("New");
    let (put, sent) = env.recording(PUT, &account("new1"), 201, created);
    let put_given =
        put_user(&env, "new2", json!({"displayname": "Given", "password": "chosen-pw"}), 201);
    let file = env.home.path().join("passwords.csv");
    let retry = env.home.path().join("retry.csv");
    let run = env.run_with_input(
        &[
            "--batch",
            "user",
            "import",
            "-",
            "--generate-passwords",
            file.to_str().unwrap(),
            "--failed-to",
            retry.to_str().unwrap(),
        ],
        "id,displayname,password\nnew1,New,\nnew2,Given,chosen-pw\nold,Old,\nnew3,Three,\n",
    );
    assert_eq!(run.code, 1, "{run:#?}");
    run.stderr_has("3 done, 1 failed.");
    run.stderr_has(&format!(
        "1 generated password is in {} (readable by you only).",
        file.display()
    ));
    failing.assert_calls(1);
    // The failed row under the file's own header, for a re-run.
    assert_eq!(std::fs::read_to_string(&retry).unwrap(), "id,displayname,password\nnew3,Three,\n");
    put.assert_calls(1);
    put_given.assert_calls(1);
    let password = sent.one().body["password"].as_str().unwrap().to_string();
    assert_eq!(password.len(), 24, "{password}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("id,password\n@new1:example.org,{password}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(!run.stdout.contains(&password) && !run.stderr.contains(&password));
}

/// Without `--batch` the import asks first, naming the count and the admins; "no" sends
/// nothing but the reads.
#[test]
fn without_batch_the_import_asks_first() {
    let env = Env::new();
    let (_count, _page) = listed(&env, &[]);
    let any_put = any_put(&env);
    let file = env.home.path().join("users.csv");
    std::fs::write(&file, "id,displayname,admin\nnew1,New,true\nnew2,Two,\n").unwrap();
    let run = env.run_with_input(&["user", "import", file.to_str().unwrap()], "n\n");
    assert_eq!(run.code, 6, "{run:#?}");
    run.stderr_has("Import 2 users, 1 of them admins?");
    any_put.assert_calls(0);
}

/// `--on-existing update` sends only what differs (never the password), skips a user who
/// is as the file says, and creates the missing.
#[test]
fn on_existing_update_sends_only_what_differs() {
    let env = Env::new();
    let (_count, _page) = listed(&env, &["@old:example.org", "@same:example.org"]);
    let _read_old = old_user(&env);
    let _read_same = read_user(&env, "same", Some("Same"));
    let update = put_user(&env, "old", json!({"displayname": "Old Renamed", "admin": true}), 200);
    let create = put_user(&env, "new1", json!({"displayname": "New", "password": "pw"}), 201);
    // Every row has a password: none is generated, and nothing is said of the file.
    let unused = env.home.path().join("passwords.csv");
    let run = env
        .run_with_input(
            &[
                &words("--batch -o json user import - --on-existing update")[..],
                &["--generate-passwords", unused.to_str().unwrap()],
            ]
            .concat(),
            "id,displayname,password,admin\nold,Old Renamed,pw,true\nsame,Same,pw,\nnew1,New,pw,\n",
        )
        .ok();
    assert_eq!(
        sorted(&run, "user_id"),
        [
            json!({"user_id": "@new1:example.org", "outcome": "created"}),
            json!({"user_id": "@old:example.org", "outcome": "updated",
                   "changed": ["displayname", "admin"]}),
            json!({"user_id": "@same:example.org", "outcome": "skipped"}),
        ]
    );
    update.assert_calls(1);
    create.assert_calls(1);
    assert!(!run.stderr.contains("readable by you only"), "{run:#?}");
}
