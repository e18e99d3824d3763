//! Flag parity with Python synadm 0.49.2: every long name and short flag it has is here too.

use crate::common::words;
use crate::support::Env;

/// (command, synadm 0.49.2's flags for it), from its reference inventory.
const FLAGS: &[(&str, &str)] = &[
    (
        "",
        "-v --verbose --batch --no-confirm --yes --non-interactive --scripting -o --output -c --config-file --version",
    ),
    (
        "config",
        "-u --user -t --token -b --base-url --protocol -p --admin-path -m --matrix-path -w --timeout -o --output -d --server-discovery -n --homeserver -i --ssl-verify",
    ),
    ("version", ""),
    (
        "user list",
        "-f --from -l --limit -g --guests -G --no-guests -d --deactivated -a --admins -A --non-admins --sort-by --reverse --exclude-user-type -L --locked -n --name -i --user-id",
    ),
    ("user search", "-f --from -l --limit"),
    ("user details", ""),
    (
        "user modify",
        "-p --password-prompt -P --password -n --display-name -t --threepid --clear-threepids -v --avatar-url -a --admin -u --no-admin --activate --deactivate --user-type --no-logout -l --lock -L --unlock",
    ),
    ("user deactivate", "-e --gdpr-erase"),
    ("user deactivate-regex", "-e --gdpr-erase -n --dry-run -p --batch-size --paginate"),
    ("user password", "-n --no-logout -p --password"),
    ("user login", "-d --expire-days --expire --expire-ts --expire-never"),
    ("user media", "-f --from -l --limit -s --sort -r --reverse --datetime --dt --timestamp --ts"),
    ("user membership", "--aliases --ids"),
    ("user whois", ""),
    ("user 3pid", "-m --medium"),
    ("user auth-provider", "-p --provider"),
    (
        "user prune-devices",
        "-l --list-only -d --min-days -s --min-surviving -i --device-id --datetime --dt --timestamp --ts",
    ),
    ("user redact", "-r --room --reason -l --limit"),
    ("user redact-status", ""),
    ("user shadow-ban", "-u --unban"),
    ("user suspend", "-U --unsuspend"),
    (
        "room list",
        "-f --from -l --limit -n --name -s --sort -r --reverse -e --empty -E --not-empty",
    ),
    ("room search", "-f --from -l --limit -s --sort -r --reverse"),
    ("room details", ""),
    ("room state", ""),
    ("room members", ""),
    ("room resolve", "-r --reverse"),
    ("room block", "-b --block -u --unblock"),
    ("room block-status", ""),
    ("room join", ""),
    ("room make-admin", "-u --user-id"),
    (
        "room power-levels",
        "-i --room-id -a --all-details -f --from -l --limit -n --name -s --sort -r --reverse",
    ),
    (
        "notice send",
        "-f --from-file -p --batch-size --paginate -r --regex -l --preview-length -s --silent",
    ),
    ("matrix login", "-p --password"),
    ("matrix raw", "-m --method -d --data -f --data-file -t --token -p --prompt"),
    ("raw", "-m --method -d --data -f --data-file"),
    ("group delete", ""),
    (
        "media list",
        "-r --room-id -u --user-id -f --from -l --limit -s --sort -R --reverse --datetime --dt --timestamp --ts --all",
    ),
    (
        "media delete",
        "-i --media-id -d --before-days -b --before -t --before-ts --size --kib --delete-profiles --all",
    ),
    ("media purge", "-d --before-days -b --before -t --before-ts"),
    ("media quarantine", "-i --media-id -r --room-id -u --user-id -U --mxc-uri -s --server-name"),
    ("media unquarantine", "-i --media-id -U --mxc-uri -s --server-name"),
    ("media protect", "-u --unprotect"),
    ("regtok list", "-v --valid -V --invalid --datetime --dt --timestamp --ts"),
    ("regtok details", "--datetime --dt --timestamp --ts"),
    ("regtok new", "-n --token -l --length -u --uses-allowed -t --expiry-ts -e --expire-at"),
    ("regtok update", "-u --uses-allowed -t --expiry-ts -e --expire-at"),
    ("regtok delete", ""),
    (
        "room delete",
        "-u --new-room-user-id -n --room-name -m --message -b --block --no-purge --force-purge --v1",
    ),
    ("room delete-status", "-r --room-id -d --delete-id"),
    ("room purge-empty", "--no-purge --force-purge --v1 --dry-run -p --batch-size --paginate"),
    ("history purge", "-i --before-event-id -d --before-days --before --before-ts --delete-local"),
];

#[test]
fn every_synadm_flag_is_in_the_help() {
    let env = Env::new();
    for (command, flags) in FLAGS {
        let mut args = words(command);
        args.push("--help");
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{command:?}: {run:#?}");
        let listed: Vec<&str> = run
            .stdout
            .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '=')
            .map(|w| w.trim_end_matches("..."))
            .collect();
        for flag in &words(flags) {
            assert!(
                listed.contains(flag),
                "`synadm {} --help` lacks {flag}:\n{}",
                command,
                run.stdout
            );
        }
    }
}

#[test]
fn every_synadm_user_command_exists() {
    let env = Env::new();
    let help = env.run(&["user", "--help"]).stdout;
    let listed = FLAGS.iter().filter(|(c, _)| c.starts_with("user ")).count();
    assert_eq!(listed, 18);
    for (command, _) in FLAGS.iter().filter(|(c, _)| c.starts_with("user ")) {
        assert!(
            help.contains(&format!("  {} ", words(command)[1])),
            "missing user {}",
            words(command)[1]
        );
    }
}

#[test]
fn every_synadm_room_command_exists() {
    let env = Env::new();
    let help = env.run(&["room", "--help"]).stdout;
    for (command, _) in FLAGS.iter().filter(|(c, _)| c.starts_with("room ")) {
        assert!(
            help.contains(&format!("  {} ", words(command)[1])),
            "missing room {}",
            words(command)[1]
        );
    }
}
