#!/usr/bin/env python3
"""Throwaway real-Synapse homeservers for synadm's integration tests.

Standard library only: this script runs with the system python3 and builds the
virtualenv that holds Synapse itself.

Subcommands (all human messages go to stderr; `start`, `status` and `seed`
print one JSON document on stdout):

  install                         create/reuse <repo>/target/synapse-venv (the pinned
                                  Synapse; another release named in
                                  SYNADM_TEST_SYNAPSE_VERSION goes to
                                  <repo>/target/synapse-venv-<version>)
  start --data-dir DIR [--db sqlite|postgres] [--owner-pid PID] [--seed]
  stop --data-dir DIR             stop Synapse (and PostgreSQL) by recorded PID
  status --data-dir DIR           exit 0 and print server.json if running
  seed --data-dir DIR             seed a running server with test data
  sql --data-dir DIR STATEMENT    run one SQL statement, print its rows as JSON
  watch --data-dir DIR --owner-pid PID
                                  (internal) stop the server once PID is gone

Exit codes: 0 ok, 1 failure, 2 usage error, 3 a system prerequisite is missing.
"""

import argparse
import binascii
import concurrent.futures
import fcntl
import hashlib
import hmac
import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

SCRIPT = os.path.abspath(__file__)
# The Synapse release the project is pinned to: written once, in this file beside us.
with open(os.path.join(os.path.dirname(SCRIPT), "synapse-version"), encoding="utf-8") as _f:
    PINNED_VERSION = _f.read().strip()
# Another release to test against (drift of fields and routes), installed beside the pin.
OTHER_VERSION = os.environ.get("SYNADM_TEST_SYNAPSE_VERSION", "").strip()
SYNAPSE_VERSION = OTHER_VERSION or PINNED_VERSION
REQUIREMENTS = ["matrix-synapse==" + SYNAPSE_VERSION, "psycopg2-binary==2.9.13"]


def _release(version):
    return tuple(int(p) for p in version.split(".") if p.isdigit())


# Older releases declare open-ended dependencies that their newest versions broke: with
# prometheus-client 0.22 and later, Synapse 1.120 fails to import ("Cannot create a
# consistent method resolution order ... Generic, Collector").
if _release(SYNAPSE_VERSION) < _release(PINNED_VERSION):
    REQUIREMENTS.append("prometheus-client<0.22")
SERVER_NAME = "test.local"
ADMIN_LOCALPART = "admin"
ADMIN_PASSWORD = "adminpass"
PG_ROLE = "synapse"
PG_DATABASE = "synapse"

REPO = os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT)))
TARGET = os.path.join(REPO, "target")
VENV = os.path.join(TARGET, "synapse-venv" if SYNAPSE_VERSION == PINNED_VERSION
                    else "synapse-venv-" + SYNAPSE_VERSION)
VENV_PYTHON = os.path.join(VENV, "bin", "python")
VENV_MARKER = os.path.join(VENV, ".synadm-ok")
INSTALL_LOCK = VENV + ".lock"
INSTALL_LOG = VENV + "-install.log"

# Files of a data dir.
DIR_MARKER = ".synadm-harness"
CONFIG_NAME = "homeserver.yaml"
LOG_CONFIG_NAME = "log.config.yaml"
LOG_NAME = "homeserver.log"
STDIO_LOG_NAME = "synapse.stdio.log"
PID_NAME = "synapse.pid"
SERVER_JSON = "server.json"
SEED_JSON = "seed.json"
SYNADM_YAML = "synadm.yaml"
PG_JSON = "pg.json"
WATCHDOG_PID = "watchdog.pid"
WATCHDOG_LOG = "watchdog.log"

EXIT_FAIL = 1
EXIT_PREREQ = 3

# The --owner-pid of `start`: start-up is abandoned as soon as that process is gone.
OWNER_PID = None


class HarnessError(Exception):
    """A failure with a one-line reason (and optional detail lines)."""

    def __init__(self, message, detail=None, code=EXIT_FAIL):
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.code = code


def log(msg):
    print("harness: " + msg, file=sys.stderr, flush=True)


def tail(path, lines=40):
    try:
        with open(path, "rb") as f:
            data = f.read()[-64 * 1024:]
    except OSError:
        return None
    text = data.decode("utf-8", "replace").splitlines()[-lines:]
    return "\n".join(text) if text else None


def write_file(path, text, mode=0o644):
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------
# A tiny YAML emitter (block style; every string double-quoted, JSON-style).
# --------------------------------------------------------------------------

def _yaml_scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    raise TypeError("cannot emit %r as YAML" % (v,))


def _yaml_key(k):
    if k and all(c.isalnum() or c in "_.-" for c in k) and not k[0] in "-.":
        return k
    return json.dumps(k)


def to_yaml(value, indent=0):
    pad = "  " * indent
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict) and v:
                out.append("%s%s:" % (pad, _yaml_key(k)))
                out.append(to_yaml(v, indent + 1))
            elif isinstance(v, list) and v:
                out.append("%s%s:" % (pad, _yaml_key(k)))
                out.append(to_yaml(v, indent + 1))
            elif isinstance(v, dict):
                out.append("%s%s: {}" % (pad, _yaml_key(k)))
            elif isinstance(v, list):
                out.append("%s%s: []" % (pad, _yaml_key(k)))
            else:
                out.append("%s%s: %s" % (pad, _yaml_key(k), _yaml_scalar(v)))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                body = to_yaml(item, indent + 1).split("\n")
                first = body[0][len(pad) + 2:]
                out.append("%s- %s" % (pad, first))
                out.extend(body[1:])
            elif isinstance(item, dict):
                out.append("%s- {}" % pad)
            elif isinstance(item, list):
                out.append("%s- []" % pad)
            else:
                out.append("%s- %s" % (pad, _yaml_scalar(item)))
    else:
        out.append(pad + _yaml_scalar(value))
    return "\n".join(out)


# --------------------------------------------------------------------------
# Processes: liveness and verified signalling (never by name).
# --------------------------------------------------------------------------

def proc_stat(pid):
    """(state, starttime) from /proc/PID/stat, or None if there is no such process."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces.
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], rest[19]


def alive(pid):
    """True if PID exists and is not a zombie (reaping it if it is our child)."""
    if pid is None or pid <= 0:
        return False
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    except OSError:
        pass
    st = proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]


def is_our_synapse(pid, config_path):
    args = cmdline(pid)
    if not args or "synapse.app.homeserver" not in args:
        return False
    for i, a in enumerate(args):
        if a in ("-c", "--config-path") and i + 1 < len(args) and args[i + 1] == config_path:
            return True
        if a.startswith("--config-path=") and a.split("=", 1)[1] == config_path:
            return True
    return False


def is_our_postmaster(pid, pgdata):
    args = cmdline(pid)
    if not args or not os.path.basename(args[0]).startswith("postgres"):
        return False
    for i, a in enumerate(args):
        if a == "-D" and i + 1 < len(args) and os.path.abspath(args[i + 1]) == pgdata:
            return True
    return False


def is_our_watchdog(pid, data_dir):
    args = cmdline(pid)
    return bool(args) and SCRIPT in args and "watch" in args and data_dir in args


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def terminate(pid, what, timeout=10.0):
    """SIGTERM, wait up to `timeout` s, then SIGKILL. PID must be verified by the caller."""
    t0 = time.monotonic()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if wait_gone(pid, timeout):
        log("%s (pid %d) stopped in %.1f s" % (what, pid, time.monotonic() - t0))
        return
    log("%s (pid %d) ignored SIGTERM for %.0f s; sending SIGKILL" % (what, pid, timeout))
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    wait_gone(pid, 5.0)


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------
# install
# --------------------------------------------------------------------------

def marker_text():
    # Deliberately independent of the python3 running this script: the venv keeps using the
    # interpreter it was made from, and venv_ready() checks that this one still exists.
    return "\n".join(["synadm-test-venv 1"] + REQUIREMENTS) + "\n"


def venv_ready():
    try:
        with open(VENV_MARKER, encoding="utf-8") as f:
            if f.read() != marker_text():
                return False
    except OSError:
        return False
    return os.path.exists(VENV_PYTHON) and os.path.exists(os.path.realpath(VENV_PYTHON))


def cmd_install(_args):
    if sys.version_info < (3, 10):
        raise HarnessError(
            "Synapse %s needs Python >= 3.10, but %s is %d.%d"
            % (SYNAPSE_VERSION, sys.executable, sys.version_info[0], sys.version_info[1]),
            code=EXIT_PREREQ,
        )
    os.makedirs(TARGET, exist_ok=True)
    with open(INSTALL_LOCK, "a+") as lockf:
        t_lock = time.monotonic()
        try:
            fcntl.flock(lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("another process is installing the Synapse venv; waiting for it")
            fcntl.flock(lockf, fcntl.LOCK_EX)
            log("waited %.1f s for the other install" % (time.monotonic() - t_lock))
        if venv_ready():
            log("venv %s is ready (matrix-synapse %s)" % (VENV, SYNAPSE_VERSION))
        else:
            build_venv()
    print(json.dumps({"venv": VENV, "python": VENV_PYTHON, "synapse_version": SYNAPSE_VERSION}))
    return 0


def build_venv():
    t0 = time.monotonic()
    import importlib.util
    if importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None:
        raise HarnessError(
            "python3 has no working venv/ensurepip module; install it with: "
            "apt-get install python3-venv",
            code=EXIT_PREREQ,
        )
    if os.path.lexists(VENV):
        log("removing incomplete or outdated venv %s" % VENV)
        shutil.rmtree(VENV, ignore_errors=True)
        if os.path.lexists(VENV):
            raise HarnessError("cannot remove old venv %s" % VENV)
    log("creating venv %s" % VENV)
    r = subprocess.run([sys.executable, "-m", "venv", VENV], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        out = r.stdout.decode("utf-8", "replace")
        shutil.rmtree(VENV, ignore_errors=True)
        if "ensurepip" in out or "venv" in out:
            raise HarnessError(
                "`%s -m venv` failed; install the venv module with: apt-get install python3-venv"
                % sys.executable, detail=out.strip(), code=EXIT_PREREQ)
        raise HarnessError("`%s -m venv` failed" % sys.executable, detail=out.strip())
    t_venv = time.monotonic() - t0
    r = subprocess.run([VENV_PYTHON, "-m", "pip", "--version"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        raise HarnessError(
            "the new venv has no pip; install it with: apt-get install python3-venv python3-pip",
            detail=r.stdout.decode("utf-8", "replace").strip(), code=EXIT_PREREQ)
    log("installing %s from PyPI (30-60 s on a fresh machine; log: %s)"
        % (" ".join(REQUIREMENTS), INSTALL_LOG))
    t1 = time.monotonic()
    with open(INSTALL_LOG, "wb") as out:
        r = subprocess.run(
            [VENV_PYTHON, "-m", "pip", "install", "--no-input", "--disable-pip-version-check",
             "--no-cache-dir"] + REQUIREMENTS,
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise HarnessError("pip install of %s failed (exit %d); see %s"
                           % (" ".join(REQUIREMENTS), r.returncode, INSTALL_LOG),
                           detail=tail(INSTALL_LOG, 25))
    t_pip = time.monotonic() - t1
    r = subprocess.run(
        # The package metadata, not synapse.__version__: inside a git checkout (like this
        # repo) the latter grows a "(b=main,<commit>)" suffix.
        [VENV_PYTHON, "-c", "import importlib.metadata as m, synapse, psycopg2; "
                            "print(m.version('matrix-synapse'))"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    got = r.stdout.decode("utf-8", "replace").strip()
    if r.returncode != 0 or got != SYNAPSE_VERSION:
        raise HarnessError("the installed venv does not import synapse %s" % SYNAPSE_VERSION,
                           detail=got)
    write_file(VENV_MARKER, marker_text())
    log("venv ready in %.1f s (venv %.1f s, pip %.1f s)" % (time.monotonic() - t0, t_venv, t_pip))


# --------------------------------------------------------------------------
# Configuration files
# --------------------------------------------------------------------------

def relaxed(per_second=1000, burst_count=10000):
    return {"per_second": per_second, "burst_count": burst_count}


def synapse_config(data_dir, port, secret, db_section):
    rc = relaxed()
    cfg = {
        "server_name": SERVER_NAME,
        "public_baseurl": "http://127.0.0.1:%d/" % port,
        "pid_file": os.path.join(data_dir, "homeserver.pid"),
        "report_stats": False,
        "listeners": [{
            "port": port,
            "bind_addresses": ["127.0.0.1"],
            "type": "http",
            "tls": False,
            "x_forwarded": False,
            "resources": [{"names": ["client", "keys"], "compress": False}],
        }],
        "database": db_section,
        "log_config": os.path.join(data_dir, LOG_CONFIG_NAME),
        "media_store_path": os.path.join(data_dir, "media_store"),
        "signing_key_path": os.path.join(data_dir, SERVER_NAME + ".signing.key"),
        "registration_shared_secret": secret,
        "macaroon_secret_key": secrets.token_hex(32),
        "form_secret": secrets.token_hex(32),
        "enable_registration": False,
        "bcrypt_rounds": 4,
        # Run background schema updates at once: some operations (re-activating a user
        # creates a profile row) fail with 500 until their unique index exists.
        "background_updates": {"sleep_enabled": False},
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "allow_public_rooms_over_federation": False,
        # The default lets only admins publish rooms to the directory; seeded users publish.
        "room_list_publication_rules": [{"action": "allow"}],
        "url_preview_enabled": False,
        "enable_metrics": False,
        "presence": {"enabled": False},
        # Features that add reply fields the spec declares, so the contract tests see them:
        # MSC3866 (account approval; `approved` in user replies; approval is not required)
        # and MSC3814 (dehydrated devices; `dehydrated` in a user's device list).
        "experimental_features": {
            "msc3866": {"enabled": True, "require_approval_for_new_accounts": False},
            "msc3814_enabled": True,
            # Releases before MSC2697 was dropped turn it on by default and refuse it beside
            # MSC3814 (1.120: "MSC2697 and MSC3814 should not both be enabled").
            "msc2697_enabled": False,
        },
        "server_notices": {
            "system_mxid_localpart": "notices",
            "system_mxid_display_name": "Server Notices",
            "room_name": "Server Notices",
        },
        "rc_message": rc,
        "rc_registration": rc,
        "rc_registration_token_validity": rc,
        # Failed logins stay strict (5, then one per 100 s for that account), so that the
        # contract tests can see a 429 with `retry_after_ms`; Retry-After is then longer than
        # synadm's longest automatic wait, so the client reports the 429 instead of waiting.
        "rc_login": {"address": rc, "account": rc,
                     "failed_attempts": relaxed(per_second=0.01, burst_count=5)},
        "rc_admin_redaction": rc,
        "rc_joins": {"local": rc, "remote": rc},
        "rc_joins_per_room": rc,
        "rc_3pid_validation": rc,
        "rc_invites": {"per_room": rc, "per_user": rc, "per_issuer": rc},
        "rc_third_party_invite": rc,
        "rc_media_create": rc,
        "rc_room_creation": rc,
        "rc_reports": rc,
        "rc_user_directory": rc,
        "rc_profile": rc,
        "rc_delayed_event_mgmt": rc,
        "rc_presence": {"per_user": rc},
    }
    return "# Written by tests/synapse/harness.py: a loopback-only throwaway test server.\n" \
        + to_yaml(cfg) + "\n"


def log_config(data_dir):
    level = os.environ.get("SYNAPSE_LOG_LEVEL", "WARNING").upper()
    cfg = {
        "version": 1,
        "formatters": {"precise": {
            "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"}},
        "handlers": {"file": {
            "class": "logging.FileHandler",
            "formatter": "precise",
            "filename": os.path.join(data_dir, LOG_NAME),
            "encoding": "utf8",
        }},
        "loggers": {"synapse.storage.SQL": {"level": "WARNING"}},
        "root": {"level": level, "handlers": ["file"]},
        "disable_existing_loggers": False,
    }
    return to_yaml(cfg) + "\n"


def synadm_config(base_url, token):
    cfg = {
        "user": "@%s:%s" % (ADMIN_LOCALPART, SERVER_NAME),
        "token": token,
        "base_url": base_url,
        "admin_path": "/_synapse/admin",
        "matrix_path": "/_matrix",
        "timeout": 30,
        "format": "json",
        "server_discovery": "well-known",
        "homeserver": SERVER_NAME,
        "ssl_verify": False,
        "protocol": "http",
    }
    return to_yaml(cfg) + "\n"


# --------------------------------------------------------------------------
# Ports and readiness
# --------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def listening_inodes(port):
    """Inodes of sockets listening on 127.0.0.1:port (None if /proc/net/tcp is unreadable)."""
    want = "0100007F:%04X" % port
    inodes = set()
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                parts = line.split()
                if len(parts) > 9 and parts[1] == want and parts[3] == "0A":
                    inodes.add(parts[9])
    except OSError:
        return None
    return inodes


def pid_owns_listener(pid, port):
    inodes = listening_inodes(port)
    if inodes is None:
        return True  # cannot tell; /health from a PID we know is alive has to do
    if not inodes:
        return False
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return False
    for fd in fds:
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            return True
    return False


def health_ok(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        resp = conn.getresponse()
        resp.read()
        return resp.status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


# --------------------------------------------------------------------------
# HTTP client for registration and seeding
# --------------------------------------------------------------------------

class Api:
    def __init__(self, base_url, token=None):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, token=None, raw=None, content_type=None,
             expect=(200,)):
        url = self.base_url + path
        headers = {}
        tok = token if token is not None else self.token
        if tok:
            headers["Authorization"] = "Bearer " + tok
        data = None
        if raw is not None:
            data = raw
            headers["Content-Type"] = content_type or "application/octet-stream"
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, payload = e.code, e.read()
        except (urllib.error.URLError, OSError) as e:
            raise HarnessError("%s %s failed: %s" % (method, path, e))
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload.decode("utf-8", "replace")
        if status not in expect:
            raise HarnessError("%s %s answered HTTP %d: %s"
                               % (method, path, status, str(parsed)[:400]))
        return parsed


def q(s):
    return urllib.parse.quote(s, safe="")


def register_admin(base_url, secret):
    api = Api(base_url)
    nonce = api.call("GET", "/_synapse/admin/v1/register")["nonce"]
    mac = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha1)
    mac.update(nonce.encode("utf-8") + b"\x00" + ADMIN_LOCALPART.encode("utf-8") + b"\x00"
               + ADMIN_PASSWORD.encode("utf-8") + b"\x00" + b"admin")
    resp = api.call("POST", "/_synapse/admin/v1/register", body={
        "nonce": nonce,
        "username": ADMIN_LOCALPART,
        "displayname": "Test Admin",
        "password": ADMIN_PASSWORD,
        "admin": True,
        "mac": mac.hexdigest(),
    })
    return resp["user_id"], resp["access_token"]


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

def find_pg_bin():
    import glob

    def version_key(path):
        v = os.path.basename(os.path.dirname(path))
        try:
            return tuple(int(x) for x in v.split("."))
        except ValueError:
            return (0,)

    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)
    for d in dirs:
        if all(os.access(os.path.join(d, b), os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return d
    found = [shutil.which(b) for b in ("initdb", "pg_ctl", "postgres")]
    if all(found) and len({os.path.dirname(p) for p in found}) == 1:
        return os.path.dirname(found[0])
    raise HarnessError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin "
        "or PATH; install them with: apt-get install -y postgresql-15",
        code=EXIT_PREREQ)


def pg_user():
    """(name, uid, gid) the PostgreSQL server runs as (it refuses to run as root)."""
    if os.geteuid() != 0:
        pw = pwd.getpwuid(os.geteuid())
        return pw.pw_name, pw.pw_uid, pw.pw_gid
    name = os.environ.get("SYNADM_PG_USER", "nobody")
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        raise HarnessError("running as root, PostgreSQL must run as an unprivileged user, but user "
                           "%r does not exist (set SYNADM_PG_USER to another one)" % name,
                           code=EXIT_PREREQ)
    if pw.pw_uid == 0:
        raise HarnessError("SYNADM_PG_USER=%s is root; PostgreSQL refuses to run as root" % name)
    return pw.pw_name, pw.pw_uid, pw.pw_gid


def check_traversable(path, uid, gid, user):
    p = os.path.abspath(path)
    while True:
        st = os.stat(p)
        ok = (st.st_mode & stat.S_IXOTH) or (st.st_uid == uid and st.st_mode & stat.S_IXUSR) \
            or (st.st_gid == gid and st.st_mode & stat.S_IXGRP)
        if not ok:
            raise HarnessError("PostgreSQL runs as user %s, which cannot enter %s (mode %o); "
                               "use a data dir below a world-traversable path"
                               % (user, p, stat.S_IMODE(st.st_mode)))
        parent = os.path.dirname(p)
        if parent == p:
            return
        p = parent


def run_as(user_info, argv, **kw):
    name, uid, gid = user_info
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    if os.geteuid() == 0 and uid != 0:
        kw.update(user=uid, group=gid, extra_groups=[])
        env["HOME"] = "/"
        env["USER"] = env["LOGNAME"] = name
    else:
        env["HOME"] = os.environ.get("HOME", "/")
    return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, **kw)


def start_postgres(data_dir):
    t0 = time.monotonic()
    bindir = find_pg_bin()
    user = pg_user()
    name, uid, gid = user
    check_traversable(data_dir, uid, gid, name)
    pgdata = os.path.join(data_dir, "pg")
    sockdir = os.path.join(data_dir, "pgsock")
    pglog = os.path.join(data_dir, "pg.log")
    tmp_sockdir = False
    if len(sockdir) + len("/.s.PGSQL.5432") > 100:
        import tempfile
        sockdir = tempfile.mkdtemp(prefix="synadm-pg-", dir="/tmp")
        tmp_sockdir = True
        log("data dir path too long for a Unix socket; PostgreSQL socket in %s" % sockdir)
    for d, mode in ((pgdata, 0o700), (sockdir, 0o755)):
        os.makedirs(d, exist_ok=True)
        os.chmod(d, mode)
        os.chown(d, uid, gid)
    with open(pglog, "a"):
        pass
    os.chown(pglog, uid, gid)
    info = {"bindir": bindir, "user": name, "uid": uid, "gid": gid, "pgdata": pgdata,
            "socket_dir": sockdir, "tmp_socket_dir": tmp_sockdir, "log": pglog}
    write_file(os.path.join(data_dir, PG_JSON), json.dumps(info, indent=2) + "\n")

    r = run_as(user, [os.path.join(bindir, "initdb"), "-D", pgdata, "-U", PG_ROLE,
                      "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
    if r.returncode != 0:
        raise HarnessError("initdb failed (exit %d) running as user %s" % (r.returncode, name),
                           detail=r.stdout.decode("utf-8", "replace").strip()[-3000:])
    with open(os.path.join(pgdata, "postgresql.conf"), "a") as f:
        f.write("\n# synadm test harness\n"
                "listen_addresses = ''\n"
                "unix_socket_directories = '%s'\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "max_connections = 30\n"
                "shared_buffers = 32MB\n" % sockdir.replace("'", "''"))
    r = run_as(user, [os.path.join(bindir, "pg_ctl"), "-D", pgdata, "-l", pglog, "-w", "-t", "60",
                      "start"], start_new_session=True)
    if r.returncode != 0:
        raise HarnessError("pg_ctl start failed (exit %d)" % r.returncode,
                           detail=(r.stdout.decode("utf-8", "replace").strip() + "\n"
                                   + (tail(pglog, 20) or "")).strip())
    createdb = os.path.join(bindir, "createdb")
    r = run_as(user, [createdb, "-h", sockdir, "-U", PG_ROLE, "--encoding=UTF8", "--locale=C",
                      "--template=template0", PG_DATABASE])
    if r.returncode != 0:
        raise HarnessError("createdb failed (exit %d)" % r.returncode,
                           detail=r.stdout.decode("utf-8", "replace").strip())
    log("postgresql ready in %.1f s (runs as user %s, socket %s)"
        % (time.monotonic() - t0, name, sockdir))
    return {"name": "psycopg2", "args": {"user": PG_ROLE, "database": PG_DATABASE,
                                         "host": sockdir, "cp_min": 1, "cp_max": 5}}


def postmaster_pid(pgdata):
    return read_pid(os.path.join(pgdata, "postmaster.pid"))


def stop_postgres(data_dir):
    path = os.path.join(data_dir, PG_JSON)
    if not os.path.exists(path):
        return
    try:
        info = read_json(path)
    except (OSError, ValueError):
        log("cannot read %s; not stopping PostgreSQL" % path)
        return
    pgdata = info["pgdata"]
    pid = postmaster_pid(pgdata)
    if pid is not None and alive(pid) and is_our_postmaster(pid, pgdata):
        t0 = time.monotonic()
        user = (info["user"], info["uid"], info["gid"])
        r = run_as(user, [os.path.join(info["bindir"], "pg_ctl"), "-D", pgdata, "-m", "fast",
                          "-w", "-t", "20", "stop"])
        if r.returncode != 0 and alive(pid) and is_our_postmaster(pid, pgdata):
            log("pg_ctl stop failed: %s; signalling postmaster %d"
                % (r.stdout.decode("utf-8", "replace").strip(), pid))
            try:
                os.kill(pid, signal.SIGINT)  # fast shutdown
            except ProcessLookupError:
                pass
            if not wait_gone(pid, 10):
                os.kill(pid, signal.SIGKILL)
                wait_gone(pid, 5)
        wait_gone(pid, 5)
        log("postgresql (pid %d) stopped in %.1f s" % (pid, time.monotonic() - t0))
    elif pid is not None and alive(pid):
        log("postmaster.pid names pid %d, which is not this data dir's PostgreSQL; "
            "not signalling it" % pid)
    if info.get("tmp_socket_dir"):
        try:
            os.rmdir(info["socket_dir"])
        except OSError:
            pass


# --------------------------------------------------------------------------
# start / stop / status / watch
# --------------------------------------------------------------------------

def synapse_running(data_dir):
    """The PID of this data dir's running Synapse, or None."""
    pid = read_pid(os.path.join(data_dir, PID_NAME))
    if pid is not None and alive(pid) and is_our_synapse(pid, os.path.join(data_dir, CONFIG_NAME)):
        return pid
    return None


def prepare_data_dir(data_dir):
    os.makedirs(data_dir, exist_ok=True)
    entries = os.listdir(data_dir)
    if entries and DIR_MARKER not in entries:
        raise HarnessError("data dir %s is not empty and was not made by this harness; "
                           "refusing to use it" % data_dir)
    pid = synapse_running(data_dir)
    if pid:
        raise HarnessError("a Synapse (pid %d) is already running in %s; stop it first "
                           "(harness.py stop --data-dir %s)" % (pid, data_dir, data_dir))
    pgdata = os.path.join(data_dir, "pg")
    pmpid = postmaster_pid(pgdata)
    if pmpid and alive(pmpid) and is_our_postmaster(pmpid, pgdata):
        stop_postgres(data_dir)
    stop_watchdog(data_dir)
    # Start from scratch: remove what an earlier run of this harness left here.
    for name in entries:
        p = os.path.join(data_dir, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)
    os.chmod(data_dir, 0o755)
    write_file(os.path.join(data_dir, DIR_MARKER), "made by tests/synapse/harness.py\n")


def spawn_synapse(data_dir, config_path):
    stdio = open(os.path.join(data_dir, STDIO_LOG_NAME), "ab")
    try:
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env.pop("PYTHONHOME", None)
        # Synapse appends git details of the repository around its install dir to its version
        # ("1.163.2 (b=main,0927521)"): the venv sits inside this project's git work tree.
        env["GIT_CEILING_DIRECTORIES"] = VENV
        proc = subprocess.Popen(
            [VENV_PYTHON, "-m", "synapse.app.homeserver", "-c", config_path],
            cwd=data_dir, stdin=subprocess.DEVNULL, stdout=stdio, stderr=stdio,
            start_new_session=True, env=env)
    finally:
        stdio.close()
    write_file(os.path.join(data_dir, PID_NAME), "%d\n" % proc.pid)
    return proc


def failure_detail(data_dir):
    parts = []
    for name in (LOG_NAME, STDIO_LOG_NAME):
        t = tail(os.path.join(data_dir, name), 30)
        if t:
            parts.append("--- tail of %s ---\n%s" % (os.path.join(data_dir, name), t))
    return "\n".join(parts) if parts else "(no Synapse log output)"


def spawn_watchdog(data_dir, owner_pid):
    out = open(os.path.join(data_dir, WATCHDOG_LOG), "ab")
    try:
        proc = subprocess.Popen(
            [sys.executable, SCRIPT, "watch", "--data-dir", data_dir, "--owner-pid",
             str(owner_pid)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
            cwd="/")
    finally:
        out.close()
    write_file(os.path.join(data_dir, WATCHDOG_PID), "%d\n" % proc.pid)


def check_owner():
    if OWNER_PID is not None and not alive(OWNER_PID):
        raise HarnessError("owner pid %d exited during start-up; abandoning the start" % OWNER_PID)


def start_synapse(data_dir, db_section, secret):
    config_path = os.path.join(data_dir, CONFIG_NAME)
    attempts = 3
    for attempt in range(1, attempts + 1):
        port = free_port()
        write_file(config_path, synapse_config(data_dir, port, secret, db_section), 0o600)
        if not port_is_free(port):
            log("port %d was taken before the spawn; picking another" % port)
            continue
        check_owner()
        t0 = time.monotonic()
        proc = spawn_synapse(data_dir, config_path)
        deadline = t0 + 90
        why = None
        while True:
            if proc.poll() is not None:
                why = "Synapse (pid %d) exited with code %s during start-up" % (proc.pid,
                                                                               proc.returncode)
                break
            if health_ok(port):
                if proc.poll() is None and pid_owns_listener(proc.pid, port):
                    log("synapse ready in %.1f s (pid %d, port %d)"
                        % (time.monotonic() - t0, proc.pid, port))
                    return proc, port
                why = "port %d answered /health, but not from Synapse pid %d" % (port, proc.pid)
                if proc.poll() is None:
                    terminate(proc.pid, "synapse")
                break
            if OWNER_PID is not None and not alive(OWNER_PID):
                terminate(proc.pid, "synapse")
                check_owner()
            if time.monotonic() > deadline:
                terminate(proc.pid, "synapse")
                raise HarnessError("Synapse (pid %d) did not answer /health on port %d within "
                                   "90 s" % (proc.pid, port), detail=failure_detail(data_dir))
            time.sleep(0.05)
        if attempt < attempts:
            log("%s; retrying with a new port (attempt %d of %d)" % (why, attempt + 1, attempts))
        else:
            raise HarnessError("%s; gave up after %d attempts" % (why, attempts),
                               detail=failure_detail(data_dir))
    raise HarnessError("could not find a free port on 127.0.0.1")


def cmd_start(args):
    data_dir = os.path.abspath(args.data_dir)
    if not venv_ready():
        raise HarnessError("the Synapse venv %s is missing or incomplete; run: python3 %s install"
                           % (VENV, os.path.relpath(SCRIPT)), code=EXIT_PREREQ)
    if args.owner_pid is not None and not alive(args.owner_pid):
        raise HarnessError("--owner-pid %d is not a running process" % args.owner_pid)
    global OWNER_PID
    OWNER_PID = args.owner_pid

    def terminated(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through the cleanup below

    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGHUP, terminated)
    # Prerequisites first, so a missing PostgreSQL is reported before anything is touched.
    if args.db == "postgres":
        find_pg_bin()
        pg_user()
    t_start = time.monotonic()
    prepare_data_dir(data_dir)
    write_file(os.path.join(data_dir, LOG_CONFIG_NAME), log_config(data_dir))
    secret = secrets.token_hex(32)
    watchdog = False
    try:
        if args.db == "postgres":
            if args.owner_pid is not None:
                # Started before PostgreSQL, so a dying owner stops it even mid-start.
                spawn_watchdog(data_dir, args.owner_pid)
                watchdog = True
            db_section = start_postgres(data_dir)
        else:
            db_section = {"name": "sqlite3",
                          "args": {"database": os.path.join(data_dir, "homeserver.db")}}
        if args.owner_pid is not None and not watchdog:
            spawn_watchdog(data_dir, args.owner_pid)
            watchdog = True
        proc, port = start_synapse(data_dir, db_section, secret)
        base_url = "http://127.0.0.1:%d" % port
        t0 = time.monotonic()
        admin_user, token = register_admin(base_url, secret)
        log("admin %s registered in %.2f s" % (admin_user, time.monotonic() - t0))
        write_file(os.path.join(data_dir, SYNADM_YAML), synadm_config(base_url, token), 0o600)
        info = {
            "base_url": base_url,
            "port": port,
            "pid": proc.pid,
            "server_name": SERVER_NAME,
            "admin_user": admin_user,
            "admin_token": token,
            "data_dir": data_dir,
            "db": args.db,
            "synadm_config": os.path.join(data_dir, SYNADM_YAML),
            "seed": None,
        }
        write_file(os.path.join(data_dir, SERVER_JSON), json.dumps(info, indent=2) + "\n", 0o600)
        if args.seed:
            info["seed"] = seed(data_dir, base_url, token)
            write_file(os.path.join(data_dir, SERVER_JSON), json.dumps(info, indent=2) + "\n",
                       0o600)
        check_owner()
    except BaseException:
        log("start failed; stopping what was started in %s" % data_dir)
        try:
            stop(data_dir, quiet=True)
            stop_watchdog(data_dir)
        except Exception as e:  # keep the original error
            log("cleanup failed: %s" % e)
        raise
    log("start took %.1f s in total (%s)" % (time.monotonic() - t_start, args.db))
    print(json.dumps(info))
    return 0


def stop(data_dir, quiet=False):
    config_path = os.path.join(data_dir, CONFIG_NAME)
    pid_path = os.path.join(data_dir, PID_NAME)
    pid = read_pid(pid_path)
    if pid is None:
        if not quiet:
            log("no Synapse recorded in %s" % data_dir)
    elif not alive(pid):
        if not quiet:
            log("Synapse (pid %d) is not running" % pid)
    elif not is_our_synapse(pid, config_path):
        log("pid %d is alive but is not Synapse with config %s (cmdline %r); not signalling it"
            % (pid, config_path, (cmdline(pid) or [])[:3]))
    else:
        terminate(pid, "synapse")
    if pid is not None and not (alive(pid) and is_our_synapse(pid, config_path)):
        try:
            os.unlink(pid_path)
        except FileNotFoundError:
            pass
    stop_postgres(data_dir)


def stop_watchdog(data_dir):
    pid = read_pid(os.path.join(data_dir, WATCHDOG_PID))
    if pid and pid != os.getpid() and alive(pid) and is_our_watchdog(pid, data_dir):
        terminate(pid, "watchdog", timeout=2.0)


def cmd_stop(args):
    data_dir = os.path.abspath(args.data_dir)
    if not os.path.isdir(data_dir):
        log("no data dir %s; nothing to stop" % data_dir)
        return 0
    stop(data_dir)
    stop_watchdog(data_dir)
    pid = synapse_running(data_dir)
    if pid:
        raise HarnessError("Synapse (pid %d) is still running" % pid)
    return 0


def cmd_status(args):
    data_dir = os.path.abspath(args.data_dir)
    pid = synapse_running(data_dir) if os.path.isdir(data_dir) else None
    if not pid:
        log("no Synapse running in %s" % data_dir)
        return 1
    try:
        info = read_json(os.path.join(data_dir, SERVER_JSON))
    except (OSError, ValueError):
        log("Synapse (pid %d) is running in %s but is not ready yet" % (pid, data_dir))
        return 1
    if not health_ok(info["port"]):
        log("Synapse (pid %d) is running but %s/health does not answer" % (pid, info["base_url"]))
        return 1
    print(json.dumps(info))
    return 0


def cmd_sql(args):
    """Runs one SQL statement on DIR's database and prints its rows as a JSON list of lists
    (every value as text, NULL as null). For test data the APIs cannot make, such as a
    device last seen days ago; the tests that use it keep to their own users."""
    data_dir = os.path.abspath(args.data_dir)
    info = read_json(os.path.join(data_dir, SERVER_JSON))
    if info.get("db") == "postgres":
        pg = read_json(os.path.join(data_dir, PG_JSON))
        r = run_as((pg["user"], pg["uid"], pg["gid"]),
                   [os.path.join(pg["bindir"], "psql"), "-h", pg["socket_dir"], "-U", PG_ROLE,
                    "-d", PG_DATABASE, "-X", "-q", "-A", "-t", "-F", "\x1f", "-P", "null=\x1e",
                    "-v", "ON_ERROR_STOP=1", "-c", args.statement])
        text = r.stdout.decode("utf-8", "replace")
        if r.returncode != 0:
            raise HarnessError("psql failed (exit %d)" % r.returncode, detail=text.strip())
        # (Not splitlines(), which also breaks lines at the \x1e that marks NULL.)
        rows = [[None if v == "\x1e" else v for v in line.split("\x1f")]
                for line in text.split("\n") if line]
    else:
        import sqlite3
        conn = sqlite3.connect(os.path.join(data_dir, "homeserver.db"), timeout=30)
        try:
            with conn:
                cur = conn.execute(args.statement)
                rows = [[None if v is None else str(v) for v in row] for row in cur.fetchall()]
        except sqlite3.Error as e:
            raise HarnessError("sqlite: %s" % e)
        finally:
            conn.close()
    print(json.dumps(rows))
    return 0


def cmd_watch(args):
    data_dir = os.path.abspath(args.data_dir)
    owner = args.owner_pid
    st = proc_stat(owner)
    if st is None:
        owner_start = None
    else:
        owner_start = st[1]
    pgdata = os.path.join(data_dir, "pg")
    grace_until = time.monotonic() + 120  # start-up: nothing may be running yet
    while True:
        st = proc_stat(owner)
        if st is None or st[0] in ("Z", "X") or st[1] != owner_start:
            log("owner pid %d is gone; stopping the server in %s" % (owner, data_dir))
            stop(data_dir, quiet=True)
            return 0
        running = synapse_running(data_dir)
        pm = postmaster_pid(pgdata)
        if not running and not (pm and alive(pm)) and time.monotonic() > grace_until:
            return 0  # stopped by someone else; nothing left to watch
        if not os.path.isdir(data_dir):
            return 0
        if running:
            grace_until = 0
        time.sleep(0.2)


# --------------------------------------------------------------------------
# seed
# --------------------------------------------------------------------------

def tiny_png():
    """A valid 1x1 RGB PNG (one teal pixel), built here byte by byte."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", binascii.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + bytes([0x00, 0x80, 0x80]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SEED_USERS = [
    ("alice", "Alice Liddell"),
    ("bob", "Bob Builder"),
    ("carol", "Carol Danvers"),
    ("dave", "Dave Lister"),
    ("eve", "Eve Polastri"),
]

GENERAL_MESSAGES = [
    ("alice", "Welcome to General, everyone!"),
    ("bob", "Hi Alice, thanks for setting this up."),
    ("carol", "Hello from Carol."),
    ("alice", "Please keep project chatter in the project rooms."),
    ("bob", "Will do. Is the build server back up?"),
    ("alice", "Yes, since this morning."),
    ("carol", "Great, my pipeline is green again."),
    ("bob", "Lunch at noon?"),
    ("carol", "Count me in."),
    ("alice", "Same here. See you all at noon."),
]

PROJECT_X_MESSAGES = [
    ("bob", "Project X kick-off: the first milestone is due Friday."),
    ("carol", "I'll take the storage layer."),
    ("bob", "Thanks. I'll share the notes file in a minute."),
]

# The History room: messages before and after a pause whose middle is `cutoff_ts`, for purges.
HISTORY_BEFORE = [
    ("alice", "History 1: the old plan."),
    ("bob", "History 2: agreed, the old plan."),
    ("alice", "History 3: budget draft attached."),
    ("bob", "History 4: last word before the cut-off."),
]
HISTORY_AFTER = [
    ("alice", "History 5: first word after the cut-off."),
    ("bob", "History 6: the new plan."),
    ("alice", "History 7: budget approved."),
    ("bob", "History 8: see you Monday."),
]
# Half the pause around `cutoff_ts`: every message before it was received at least this many
# milliseconds earlier, every message after it at least this many later.
HISTORY_GAP_MS = 30


def seed(data_dir, base_url, admin_token):
    t0 = time.monotonic()
    api = Api(base_url, admin_token)
    txn = [0]

    def mxid(local):
        return "@%s:%s" % (local, SERVER_NAME)

    def send(room_id, token, content):
        txn[0] += 1
        r = api.call("PUT", "/_matrix/client/v3/rooms/%s/send/m.room.message/seed%d"
                     % (q(room_id), txn[0]), body=content, token=token)
        return r["event_id"]

    def text(room_id, token, body):
        return send(room_id, token, {"msgtype": "m.text", "body": body})

    users = {}
    for local, name in SEED_USERS:
        password = "password-" + local
        api.call("PUT", "/_synapse/admin/v2/users/" + q(mxid(local)), body={
            "password": password,
            "displayname": name,
            "threepids": [{"medium": "email", "address": "%s@example.org" % local}],
            "admin": False,
        }, expect=(200, 201))
        users[local] = {"user_id": mxid(local), "password": password, "displayname": name,
                        "email": "%s@example.org" % local, "token": None, "devices": [],
                        "deactivated": False}

    def login(local, device_id, device_name):
        r = api.call("POST", "/_matrix/client/v3/login", token="", body={
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": local},
            "password": users[local]["password"],
            "device_id": device_id,
            "initial_device_display_name": device_name,
        })
        users[local]["devices"].append(r["device_id"])
        if users[local]["token"] is None:
            users[local]["token"] = r["access_token"]
        return r["access_token"]

    login("alice", "ALICEPHONE", "Alice's phone")
    login("alice", "ALICELAPTOP", "Alice's laptop")
    login("bob", "BOBDESKTOP", "Bob's desktop")
    login("carol", "CAROLWEB", "Carol's browser")
    # dave gets an admin-issued token, which creates no device.
    users["dave"]["token"] = api.call(
        "POST", "/_synapse/admin/v1/users/%s/login" % q(mxid("dave")), body={})["access_token"]

    tok = {k: v["token"] for k, v in users.items()}

    general = api.call("POST", "/_matrix/client/v3/createRoom", token=tok["alice"], body={
        "name": "General",
        "topic": "Company-wide chatter",
        "preset": "public_chat",
        "visibility": "public",
        "room_alias_name": "general",
    })["room_id"]
    alias = "#general:" + SERVER_NAME
    for who in ("bob", "carol"):
        api.call("POST", "/_matrix/client/v3/join/" + q(alias), token=tok[who], body={})

    project_x = api.call("POST", "/_matrix/client/v3/createRoom", token=tok["bob"], body={
        "name": "Project X",
        "topic": "Secret project",
        "preset": "private_chat",
        "visibility": "private",
        "invite": [mxid("carol")],
    })["room_id"]
    api.call("POST", "/_matrix/client/v3/join/" + q(project_x), token=tok["carol"], body={})

    abandoned = api.call("POST", "/_matrix/client/v3/createRoom", token=tok["dave"], body={
        "name": "Abandoned",
        "preset": "private_chat",
        "visibility": "private",
    })["room_id"]
    api.call("POST", "/_matrix/client/v3/rooms/%s/leave" % q(abandoned), token=tok["dave"],
             body={})

    # Explicit room versions: 12 (creators have implicit power, MSC4289; also Synapse 1.163's
    # default) with an additional creator, and 10 (power only through the users map); and the
    # History room. Set up in the background while the messages below are sent.
    def room_with_bob(creator, body):
        room = api.call("POST", "/_matrix/client/v3/createRoom", token=tok[creator],
                        body=dict(body, preset="private_chat", invite=[mxid("bob")]))["room_id"]
        api.call("POST", "/_matrix/client/v3/join/" + q(room), token=tok["bob"], body={})
        return room

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=3)
    def v12_room():
        try:
            return room_with_bob("carol", {
                "name": "Version 12",
                "room_version": "12",
                "creation_content": {"additional_creators": [mxid("dave")]},
                "power_level_content_override": {"users": {mxid("bob"): 50}},
            })
        except HarnessError as e:
            # Older releases (SYNADM_TEST_SYNAPSE_VERSION) know no room version 12:
            # their seed has no such room, and the tests that need it say so.
            if "M_UNSUPPORTED_ROOM_VERSION" not in str(e):
                raise
            log("this Synapse has no room version 12; the seed has no v12 room")
            return None

    v12_setup = pool.submit(v12_room)
    v10_setup = pool.submit(room_with_bob, "carol", {
        "name": "Version 10",
        "room_version": "10",
        "power_level_content_override": {"users": {mxid("carol"): 100, mxid("bob"): 50}},
    })
    history_setup = pool.submit(room_with_bob, "alice", {"name": "History"})

    events = {}
    for i, (who, body) in enumerate(GENERAL_MESSAGES):
        ev = text(general, tok[who], body)
        if i == 0:
            events["general_first"] = ev
        events["general_last"] = ev
    for i, (who, body) in enumerate(PROJECT_X_MESSAGES):
        ev = text(project_x, tok[who], body)
        if i == 0:
            events["project_x_first"] = ev

    png = tiny_png()
    alice_png = api.call("POST", "/_matrix/media/v3/upload?filename=pixel.png",
                         token=tok["alice"], raw=png, content_type="image/png")["content_uri"]
    events["general_image"] = send(general, tok["alice"], {
        "msgtype": "m.image", "body": "pixel.png", "url": alice_png,
        "info": {"mimetype": "image/png", "size": len(png), "w": 1, "h": 1},
    })
    notes = b"Project X notes\n- milestone 1: Friday\n- owner: bob\n"
    bob_txt = api.call("POST", "/_matrix/media/v3/upload?filename=notes.txt",
                       token=tok["bob"], raw=notes, content_type="text/plain")["content_uri"]
    events["project_x_file"] = send(project_x, tok["bob"], {
        "msgtype": "m.file", "body": "notes.txt", "url": bob_txt,
        "info": {"mimetype": "text/plain", "size": len(notes)},
    })

    pool.shutdown(wait=True)
    v12, v10, history = v12_setup.result(), v10_setup.result(), history_setup.result()
    # Nothing else is sent while the History messages go out: a purge up to `cutoff_ts` cuts
    # exactly between `before` and `after` only if no event of another room comes in between.
    before = [text(history, tok[who], body) for who, body in HISTORY_BEFORE]
    time.sleep(HISTORY_GAP_MS / 1000)
    cutoff_ts = int(time.time() * 1000)
    time.sleep(HISTORY_GAP_MS / 1000)
    after = [text(history, tok[who], body) for who, body in HISTORY_AFTER]

    def origin_ts(event_id):
        return api.call("GET", "/_matrix/client/v3/rooms/%s/event/%s" % (q(history), q(event_id)),
                        token=tok["alice"])["origin_server_ts"]

    history_info = {
        "room": history,
        "before": before,
        "after": after,
        "cutoff_ts": cutoff_ts,
        "last_before_ts": origin_ts(before[-1]),
        "first_after_ts": origin_ts(after[0]),
    }

    api.call("POST", "/_synapse/admin/v1/registration_tokens/new",
             body={"token": "seedtoken", "uses_allowed": 5})

    api.call("POST", "/_synapse/admin/v1/deactivate/" + q(mxid("eve")), body={"erase": False})
    users["eve"]["deactivated"] = True

    result = {
        "users": users,
        "rooms": {"general": general, "project_x": project_x, "abandoned": abandoned,
                  "v12": v12, "v10": v10, "history": history},
        "history": history_info,
        "aliases": {"general": alias},
        "media": {"alice_png": alice_png, "bob_txt": bob_txt},
        "events": events,
        "registration_token": "seedtoken",
    }
    write_file(os.path.join(data_dir, SEED_JSON), json.dumps(result, indent=2) + "\n", 0o600)
    messages = (len(GENERAL_MESSAGES) + len(PROJECT_X_MESSAGES) + 2 + len(HISTORY_BEFORE)
                + len(HISTORY_AFTER))
    log("seeded in %.1f s (5 users, 6 rooms, %d messages, 2 uploads, 1 registration token)"
        % (time.monotonic() - t0, messages))
    return result


def cmd_seed(args):
    data_dir = os.path.abspath(args.data_dir)
    if not synapse_running(data_dir):
        raise HarnessError("no Synapse running in %s; start one first" % data_dir)
    info = read_json(os.path.join(data_dir, SERVER_JSON))
    result = seed(data_dir, info["base_url"], info["admin_token"])
    info["seed"] = result
    write_file(os.path.join(data_dir, SERVER_JSON), json.dumps(info, indent=2) + "\n", 0o600)
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description="Throwaway real Synapse servers for synadm's tests.")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("install", help="create/reuse the Synapse virtualenv")
    s = sub.add_parser("start", help="start a fresh Synapse in DIR and print its JSON")
    s.add_argument("--data-dir", required=True)
    s.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    s.add_argument("--owner-pid", type=int, help="stop the server once this process is gone")
    s.add_argument("--seed", action="store_true", help="seed users, rooms, media, a token")
    for name, helptext in (("stop", "stop the Synapse (and PostgreSQL) of DIR"),
                           ("status", "print DIR's server JSON if it is running"),
                           ("seed", "seed DIR's running server")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--data-dir", required=True)
    s = sub.add_parser("sql", help="run one SQL statement on DIR's database, print its rows")
    s.add_argument("--data-dir", required=True)
    s.add_argument("statement")
    s = sub.add_parser("watch", help=argparse.SUPPRESS)
    s.add_argument("--data-dir", required=True)
    s.add_argument("--owner-pid", type=int, required=True)
    args = p.parse_args(argv)
    handler = {"install": cmd_install, "start": cmd_start, "stop": cmd_stop,
               "status": cmd_status, "seed": cmd_seed, "sql": cmd_sql,
               "watch": cmd_watch}[args.cmd]
    try:
        return handler(args)
    except HarnessError as e:
        log("error: " + e.message)
        if e.detail:
            print(e.detail, file=sys.stderr, flush=True)
        return e.code
    except KeyboardInterrupt:
        log("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
