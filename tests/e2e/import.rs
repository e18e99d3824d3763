//! `user import` against the real server: every column read back, the dry run, a second run
//! that changes nothing, bad rows refused before anything is sent, generated passwords, and
//! updates.

use crate::common::enc;
use crate::support::{Cli, login, server, unique_localpart, user_state};
use serde_json::Value;

/// A CSV file in the test's home.
fn write(cli: &Cli, name: &str, text: &str) -> String {
    let path = cli.home().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// The `a` and `b` fields of each object of `list`, sorted.
fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut pairs: Vec<(String, String)> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| (text(&item[a]), text(&item[b])))
        .collect();
    pairs.sort();
    pairs
}

/// Each row's user and outcome, sorted.
fn outcomes(run: &crate::support::Run) -> Vec<(String, String)> {
    pairs(&run.json(), "user_id", "outcome")
}

fn exists(user_id: &str) -> bool {
    let target = format!("/_synapse/admin/v2/users/{}", enc(user_id));
    server().admin_request("GET", &target, None).0 == 200
}

fn full_id(localpart: &str) -> String {
    format!("@{localpart}:test.local")
}

#[test]
fn an_import_sets_every_column_and_a_second_run_changes_nothing() {
    let cli = Cli::admin();
    let (a, b) = (unique_localpart("imp-a"), unique_localpart("imp-b"));
    let text = format!(
        "id,displayname,password,admin,is_guest,deactivated,avatar_url,user_type,threepids,locked\n\
         {a},\"Anna, Importer\",pw-{a},true,false,,mxc://test.local/avatar1,bot,\"email:{a}@example.org;msisdn:4912345\",true\n\
         @{b}:test.local,Bert,pw-{b},false,,false,,,,\n"
    );
    let file = write(&cli, "users.csv", &text);

    // The dry run reads but changes nothing.
    let dry = cli.run(&["-o", "json", "user", "import", &file, "--dry-run"]).ok();
    assert_eq!(
        outcomes(&dry),
        [(full_id(&a), "would be created".into()), (full_id(&b), "would be created".into())]
    );
    dry.stderr_has("2 users in the file: 1 admin(s), 0 guest(s), 0 without a password.");
    dry.stderr_has("2 would be created (1 of them admins), 0 updated, 0 skipped.");
    assert!(!exists(&full_id(&a)), "the dry run created nobody");

    let run = cli.run(&["--batch", "-o", "json", "user", "import", &file]).ok();
    assert_eq!(outcomes(&run), [(full_id(&a), "created".into()), (full_id(&b), "created".into())]);
    let anna = user_state(&full_id(&a));
    assert_eq!(anna["displayname"], "Anna, Importer");
    assert_eq!(anna["admin"], true);
    assert_eq!(anna["is_guest"], false);
    assert_eq!(anna["deactivated"], false);
    assert_eq!(anna["avatar_url"], "mxc://test.local/avatar1");
    assert_eq!(anna["user_type"], "bot");
    assert_eq!(anna["locked"], true);
    let threepids = pairs(&anna["threepids"], "medium", "address");
    assert_eq!(
        threepids,
        [
            ("email".to_string(), format!("{a}@example.org")),
            ("msisdn".to_string(), "4912345".to_string())
        ]
    );
    let bert = user_state(&full_id(&b));
    assert_eq!(bert["displayname"], "Bert");
    assert_eq!(bert["admin"], false);
    assert_eq!(bert["user_type"], Value::Null);
    assert!(login(&b, &format!("pw-{b}"), None).is_ok(), "the file's password works");

    // The same file again: nothing to do.
    let again = cli.run(&["--batch", "-o", "json", "user", "import", &file]).ok();
    assert_eq!(
        outcomes(&again),
        [(full_id(&a), "skipped".into()), (full_id(&b), "skipped".into())]
    );
    let updated = cli
        .run(&["--batch", "-o", "json", "user", "import", &file, "--on-existing", "update"])
        .ok();
    assert_eq!(
        outcomes(&updated),
        [(full_id(&a), "skipped".into()), (full_id(&b), "skipped".into())],
        "nothing differs, so nothing is updated"
    );
    // --on-existing stop refuses the whole file.
    cli.run(&["--batch", "user", "import", &file, "--on-existing", "stop"])
        .fails(6, "2 users exist already (--on-existing stop); nothing was changed");
}

#[test]
fn update_changes_what_differs_and_leaves_the_password() {
    let cli = Cli::admin();
    let c = unique_localpart("imp-c");
    let first = write(&cli, "first.csv", &format!("id,displayname,password\n{c},Carla,pw-{c}\n"));
    cli.run(&["--batch", "user", "import", &first]).ok();
    let second = write(
        &cli,
        "second.csv",
        &format!("id,displayname,password,admin\n{c},Carla Changed,other,true\n"),
    );
    let run = cli
        .run(&["--batch", "-o", "json", "user", "import", &second, "--on-existing", "update"])
        .ok();
    assert_eq!(
        run.json(),
        serde_json::json!([{"user_id": full_id(&c), "outcome": "updated",
                            "changed": ["displayname", "admin"]}])
    );
    let carla = user_state(&full_id(&c));
    assert_eq!(
        (carla["displayname"].as_str(), carla["admin"].as_bool()),
        (Some("Carla Changed"), Some(true))
    );
    assert!(login(&c, &format!("pw-{c}"), None).is_ok(), "the old password still works");
}

#[test]
fn bad_rows_are_all_named_and_nothing_is_sent() {
    let cli = Cli::admin();
    let (ok, later) = (unique_localpart("imp-ok"), unique_localpart("imp-later"));
    let text = format!(
        "id,displayname,admin,locked,deactivated\n{ok},Fine,,,\nbad name,X,,,\n{later},Y,perhaps,true,true\n"
    );
    let file = write(&cli, "bad.csv", &text);
    let run = cli
        .run(&["--batch", "user", "import", &file])
        .fails(2, "2 rows of the file are bad (the first is row 3); nothing was sent");
    run.stderr_has("row 3: id: ");
    run.stderr_has("row 4: admin: \"perhaps\" is not true or false; deactivated and locked");
    assert!(!exists(&full_id(&ok)), "the good row was not sent either");
}

#[test]
fn generated_passwords_log_in_and_their_file_is_private() {
    let cli = Cli::admin();
    let (d, e) = (unique_localpart("imp-d"), unique_localpart("imp-e"));
    let file = write(&cli, "nopw.csv", &format!("id,displayname\n{d},Dora\n{e},Emil\n"));
    let passwords = cli.home().join("passwords.csv");
    let run = cli
        .run(&[
            "--batch",
            "user",
            "import",
            &file,
            "--generate-passwords",
            passwords.to_str().unwrap(),
        ])
        .ok();
    let text = std::fs::read_to_string(&passwords).unwrap();
    assert!(!run.stdout.contains(text.lines().nth(1).unwrap().split(',').nth(1).unwrap()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&passwords).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.remove(0), "id,password");
    assert_eq!(lines.len(), 2);
    for line in lines {
        let (id, password) = line.split_once(',').unwrap();
        let local = id.trim_start_matches('@').split(':').next().unwrap();
        assert!(login(local, password, None).is_ok(), "{id} logs in with its password");
    }
    // Never over an existing file.
    let more =
        write(&cli, "more.csv", &format!("id,displayname\n{}\n", unique_localpart("imp-f") + ",F"));
    cli.run(&[
        "--batch",
        "user",
        "import",
        &more,
        "--generate-passwords",
        passwords.to_str().unwrap(),
    ])
    .fails(7, "cannot create");
}

/// Export → edit → import: `user list -o csv` writes the columns `user import` reads.
#[test]
fn a_csv_export_edited_and_imported_again_round_trips() {
    let cli = Cli::admin();
    let prefix = unique_localpart("imp-rt");
    let names: Vec<String> = (0..3).map(|i| format!("{prefix}-{i}")).collect();
    let text: String = std::iter::once("id,displayname,admin,threepids\n".to_string())
        .chain(names.iter().map(|n| format!("{n},Name {n},false,email:{n}@example.org\n")))
        .collect();
    let file = write(&cli, "seed.csv", &text);
    cli.run(&["--batch", "user", "import", &file]).ok();

    let export = cli.run(&["-o", "csv", "user", "list", "-n", &prefix, "--all"]).ok();
    let mut lines: Vec<String> = export.stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        lines[0],
        "id,displayname,password,admin,is_guest,deactivated,avatar_url,user_type,threepids,locked"
    );
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines[1..].iter().all(|l| l.ends_with(",,false,false,false,,,,false")), "{lines:?}");
    // The file as exported changes nothing.
    let exported = write(&cli, "export.csv", &export.stdout);
    let again = cli
        .run(&["--batch", "-o", "json", "user", "import", &exported, "--on-existing", "update"])
        .ok();
    assert!(outcomes(&again).iter().all(|(_, o)| o == "skipped"), "{again:#?}");
    // Edited: a new display name and an admin flag.
    lines[1] = lines[1].replacen(&format!("Name {}", names[0]), "Renamed", 1);
    lines[1] = lines[1].replacen(",false,false,false,", ",true,false,false,", 1);
    let edited = write(&cli, "edited.csv", &(lines.join("\n") + "\n"));
    let run = cli
        .run(&["--batch", "-o", "json", "user", "import", &edited, "--on-existing", "update"])
        .ok();
    let updated: Vec<(String, String)> =
        outcomes(&run).into_iter().filter(|(_, o)| o == "updated").collect();
    assert_eq!(updated, [(full_id(&names[0]), "updated".to_string())]);
    let user = user_state(&full_id(&names[0]));
    assert_eq!(
        (user["displayname"].as_str(), user["admin"].as_bool()),
        (Some("Renamed"), Some(true))
    );
    // The threepids the list does not carry are left as they were.
    assert_eq!(user["threepids"][0]["address"], format!("{}@example.org", names[0]));
}

/// A file with more than a tenth as many rows as the server has users is checked against one
/// listing of the server's users (not a read per row): the existing user is still skipped,
/// the others created, and a second run skips them all.
#[test]
fn a_file_big_for_the_server_is_checked_against_its_user_list() {
    let cli = Cli::admin();
    let all = "/_synapse/admin/v2/users?deactivated=true&locked=true&limit=1";
    let total = server().admin_ok("GET", all, None)["total"].as_u64().unwrap();
    // Other tests add users meanwhile: a margin keeps the file over a tenth.
    let new: Vec<String> =
        (0..total / 10 + 40).map(|i| unique_localpart(&format!("imp-l{i}"))).collect();
    let old = unique_localpart("imp-lold");
    let seed = write(&cli, "old.csv", &format!("id,displayname\n{old},Old\n"));
    cli.run(&["--batch", "user", "import", &seed]).ok();
    let rows: String = new.iter().map(|l| format!("{l},New {l}\n")).collect();
    let file = write(&cli, "many.csv", &format!("id,displayname\n{old},Changed\n{rows}"));
    let run = cli.run(&["--batch", "-o", "json", "user", "import", &file]).ok();
    let mut expected: Vec<(String, String)> =
        new.iter().map(|l| (full_id(l), "created".to_string())).collect();
    expected.push((full_id(&old), "skipped".to_string()));
    expected.sort();
    assert_eq!(outcomes(&run), expected);
    assert_eq!(user_state(&full_id(&old))["displayname"], "Old");
    let last = new.last().unwrap();
    assert_eq!(user_state(&full_id(last))["displayname"], format!("New {last}"));
    let again = cli.run(&["--batch", "-o", "json", "user", "import", &file]).ok();
    assert!(outcomes(&again).iter().all(|(_, o)| o == "skipped"), "{again:?}");
}
