"""The audit log: what lands in the file, its permissions, and reading it back."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.audit_log import (
    COPY_CREATED,
    EPHEMERAL_CONTAINER_ADDED,
    REDACTED,
    AuditEntry,
    AuditLog,
    redact,
)
from tui.paths import ensure_private_dir

PATCH = {
    "method": "PATCH",
    "path": "/api/v1/namespaces/shop/pods/web-1/ephemeralcontainers",
    "content_type": "application/strategic-merge-patch+json",
    "body": {"spec": {"ephemeralContainers": [{
        "name": "debugger-x7k2p", "image": "busybox", "targetContainerName": "app",
        "args": ["sh", "-c", "curl -H 'Authorization: Bearer eyJhbGci.abc' http://api --token=s3cr3t"],
        "env": [
            {"name": "DB_PASSWORD", "value": "hunter2"},
            {"name": "GITHUB_TOKEN", "value": "ghp_abc"},
            {"name": "aws_secret_access_key", "value": "wJalr"},
            {"name": "LOG_LEVEL", "value": "debug"},
            {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "api-secret", "key": "token"}}},
        ],
    }]}},
}


def record(log: AuditLog, **overrides: object) -> AuditEntry:
    fields: dict[str, object] = {"context": "prod", "namespace": "shop", "pod": "web-1", "action": EPHEMERAL_CONTAINER_ADDED,
                                     "request": PATCH, "result": {"status": 200, "message": "OK",
                                                            "created": ["debugger-x7k2p"]}, "ok": True}
    fields.update(overrides)
    return log.record(**fields)  # type: ignore[arg-type]


def test_entry_is_one_json_line_with_every_field(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    entry = record(log, time=datetime(2025, 5, 1, 12, 0, 0, 123456, tzinfo=UTC))
    [line] = log.path.read_text().splitlines()
    data = json.loads(line)
    assert data["time"] == "2025-05-01T12:00:00.123Z"
    assert (data["context"], data["namespace"], data["pod"]) == ("prod", "shop", "web-1")
    assert data["action"] == "ephemeral-container-added"
    assert data["request"]["method"] == "PATCH"
    assert data["request"]["path"].endswith("/pods/web-1/ephemeralcontainers")
    assert data["request"]["body"]["spec"]["ephemeralContainers"][0]["targetContainerName"] == "app"
    assert data["result"] == {"status": 200, "message": "OK", "created": ["debugger-x7k2p"]}
    assert data["ok"] is True
    assert entry.to_json() == data
    assert entry.timestamp == datetime(2025, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)


def test_time_defaults_to_now_in_utc(tmp_path: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    entry = record(AuditLog(tmp_path / "a.jsonl"))
    assert entry.time.endswith("Z")
    assert before <= entry.timestamp <= datetime.now(UTC)


def test_directory_0700_and_file_0600(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "state" / "ephemera" / "audit.jsonl")
    record(log)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_a_too_open_existing_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o644)
    record(AuditLog(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_default_path_is_in_the_xdg_state_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log = AuditLog()
    record(log)
    assert log.path == tmp_path / "state" / "ephemera" / "audit.jsonl"
    assert len(log.read()) == 1


def test_secrets_are_redacted_in_the_file(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record(log)
    text = log.path.read_text()
    for secret in ("hunter2", "ghp_abc", "wJalr", "eyJhbGci", "s3cr3t"):
        assert secret not in text
    [entry] = log.read()
    container = entry.request["body"]["spec"]["ephemeralContainers"][0]
    env = {item["name"]: item for item in container["env"]}
    assert env["DB_PASSWORD"]["value"] == REDACTED
    assert env["GITHUB_TOKEN"]["value"] == REDACTED
    assert env["aws_secret_access_key"]["value"] == REDACTED
    assert env["LOG_LEVEL"]["value"] == "debug"  # not a secret
    assert env["API_TOKEN"]["valueFrom"] == {"secretKeyRef": {"name": "api-secret", "key": "token"}}
    assert container["args"][2] == f"curl -H 'Authorization: Bearer {REDACTED}' http://api --token={REDACTED}"
    assert PATCH["body"]["spec"]["ephemeralContainers"][0]["env"][0]["value"] == "hunter2"  # input untouched


def test_redact_flag_followed_by_value_and_secret_map_keys() -> None:
    assert redact(["app", "--password", "pw", "--verbose", "x"]) == ["app", "--password", REDACTED, "--verbose", "x"]
    assert redact({"headers": {"Authorization": "Bearer x"}, "automountServiceAccountToken": True}) == {
        "headers": {"Authorization": REDACTED}, "automountServiceAccountToken": True}


def test_read_newest_last_with_limit(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for number in range(5):
        record(log, pod=f"web-{number}")
    assert [entry.pod for entry in log.read()] == [f"web-{n}" for n in range(5)]
    assert [entry.pod for entry in log.read(limit=2)] == ["web-3", "web-4"]


def test_corrupt_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record(log, pod="first")
    with log.path.open("a") as handle:
        handle.write("this is not json\n")
        handle.write('{"time": "2025-01-01T00:00:00Z"}\n')  # JSON, but not an entry
        handle.write("\n")
    record(log, pod="second")
    with log.path.open("ab") as handle:
        handle.write(b'{"time": "2025-01-01T00:00:00Z", "context": "c", "nam')  # a write cut short
    entries = log.read()
    assert [entry.pod for entry in entries] == ["first", "second"]
    assert log.skipped_lines == 3


def test_missing_log_reads_empty(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "none.jsonl")
    assert log.read() == []
    assert not log.path.exists()  # reading never creates it


def test_failed_change_and_text_result(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    entry = record(log, action=COPY_CREATED, ok=False, result="403: pods is forbidden")
    [read] = log.read()
    assert read == entry
    assert read.ok is False
    assert "FAILED  copy-created  prod shop/web-1  403: pods is forbidden" in read.summary()
    ok = record(log)
    assert ok.summary().endswith("ok  ephemeral-container-added  prod shop/web-1  200 OK debugger-x7k2p")


def _append_many(path: str, worker: int) -> None:
    log = AuditLog(path)
    for number in range(50):
        record(log, pod=f"w{worker}-{number}", request={**PATCH, "padding": "x" * 4000})


def test_concurrent_processes_never_interleave_lines(tmp_path: Path) -> None:
    path = str(tmp_path / "audit.jsonl")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(path, worker)) for worker in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    log = AuditLog(path)
    entries = log.read()
    assert log.skipped_lines == 0
    assert len(entries) == 200
    assert {entry.pod for entry in entries} == {f"w{w}-{n}" for w in range(4) for n in range(50)}


# --- what is redacted (one function, `redact`, applied by `record` to the request and the result) --


def env_value(name: str, value: str) -> object:
    [item] = redact([{"name": name, "value": value}])
    return item["value"]


@pytest.mark.parametrize("name", ["PRIVATE_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GITHUB_PAT",
                                  "MYSQL_PWD", "DB_PASS", "API_KEY", "apiKey", "SSH_KEYS", "SESSION_ID",
                                  "COOKIE", "SENTRY_DSN", "BASIC_AUTH", "GOOGLE_APPLICATION_CREDENTIALS_JSON",
                                  "oauthToken", "PASSPHRASE"])
def test_secret_env_names_are_redacted(name: str) -> None:
    assert env_value(name, "s3cr3t-value") == REDACTED


@pytest.mark.parametrize("name", ["KEYBOARD", "PATH", "PWD", "AUTHOR", "LOG_LEVEL", "KEY_FILE", "TOKEN_PATH",
                                  "secretName", "PASSENGER_COUNT"])
def test_ordinary_env_names_are_kept(name: str) -> None:
    assert env_value(name, "plain") == "plain"


def test_url_userinfo_keeps_the_user_and_hides_the_password() -> None:
    assert env_value("DATABASE_URL", "postgres://app:hunter2@db:5432/shop") == \
        f"postgres://app:{REDACTED}@db:5432/shop"
    assert redact("git clone https://x-access-token:ghp_abc@github.com/o/r") == \
        f"git clone https://x-access-token:{REDACTED}@github.com/o/r"
    assert redact("wget https://h/x?access_token=tok1&page=2") == f"wget https://h/x?access_token={REDACTED}&page=2"


def test_authorization_headers_and_bearer_tokens_in_strings() -> None:
    assert redact("curl -H 'Authorization: Basic dXNlcjpwYXNz' http://api") == \
        f"curl -H 'Authorization: Basic {REDACTED}' http://api"
    assert redact("curl -H 'authorization: token ghp_123' x") == f"curl -H 'authorization: token {REDACTED}' x"
    assert redact("got Bearer abc.def-ghi back") == f"got Bearer {REDACTED} back"
    assert redact("curl -H 'X-Api-Key: k123' -H 'Cookie: sid=1; t=2' x") == \
        f"curl -H 'X-Api-Key: {REDACTED}' -H 'Cookie: {REDACTED}' x"
    assert redact(["curl", "-H", "Authorization: Bearer eyJabc", "http://api"]) == \
        ["curl", "-H", f"Authorization: Bearer {REDACTED}", "http://api"]


def test_user_password_flags_in_command_arrays() -> None:
    assert redact(["curl", "-u", "admin:pa55", "--user=admin:pa55", "-uadmin:pa55", "https://x"]) == \
        ["curl", "-u", f"admin:{REDACTED}", f"--user=admin:{REDACTED}", f"-uadmin:{REDACTED}", "https://x"]
    assert redact(["curl", "-u", "admin", "https://x"]) == ["curl", "-u", "admin", "https://x"]  # no password
    assert redact(["app", "--password=pw", "--password", "pw", "--db-token", "t", "--verbose"]) == \
        ["app", f"--password={REDACTED}", "--password", REDACTED, "--db-token", REDACTED, "--verbose"]


def test_mysql_p_is_a_password_elsewhere_p_is_kept() -> None:
    assert redact(["mysql", "-u", "root", "-pS3cret", "shop"]) == ["mysql", "-u", "root", f"-p{REDACTED}", "shop"]
    assert redact(["/usr/bin/mysqldump", "-p", "S3cret"]) == ["/usr/bin/mysqldump", "-p", REDACTED]
    assert redact(["mkdir", "-p", "/tmp/x"]) == ["mkdir", "-p", "/tmp/x"]
    assert redact(["ps", "-p", "1"]) == ["ps", "-p", "1"]
    assert redact(["sh", "-c", "mysql -uroot -pS3cret shop && mkdir -p /tmp/x"]) == \
        ["sh", "-c", f"mysql -uroot -p{REDACTED} shop && mkdir -p /tmp/x"]


def test_shell_scripts_assignments_and_json_bodies() -> None:
    script = ("export AWS_SECRET_ACCESS_KEY=wJalr GITHUB_PAT=ghp_x PWD=/app LOG_LEVEL=debug; "
              "curl --user admin:pa55 -d '{\"password\":\"pw1\",\"user\":\"me\"}' https://u:p@h")
    assert redact(["sh", "-c", script])[2] == (
        f"export AWS_SECRET_ACCESS_KEY={REDACTED} GITHUB_PAT={REDACTED} PWD=/app LOG_LEVEL=debug; "
        f"curl --user admin:{REDACTED} -d '{{\"password\":\"{REDACTED}\",\"user\":\"me\"}}' https://u:{REDACTED}@h")


def test_text_results_and_messages_are_redacted_in_the_file(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record(log, ok=False, result="talking to https://admin:hunter2@api failed: Invalid header value b'Bearer sekret-TOKEN-123'")
    record(log, result={"status": 201, "message": "created with Authorization: Bearer sekret-TOKEN-123"})
    record(log, request={"method": "POST", "path": "/api/v1/namespaces/shop/pods", "body": {"spec": {
        "containers": [{"name": "c", "command": ["curl", "-u", "me:hunter2"],
                        "env": [{"name": "PRIVATE_KEY", "value": "-----BEGIN hunter2"}]}]}}})
    text = log.path.read_text()
    assert "hunter2" not in text and "sekret-TOKEN-123" not in text
    failed, created, posted = log.read()
    assert failed.result == f"talking to https://admin:{REDACTED}@api failed: Invalid header value b'Bearer {REDACTED}'"
    assert created.result == {"status": 201, "message": f"created with Authorization: Bearer {REDACTED}"}
    container = posted.request["body"]["spec"]["containers"][0]
    assert container["command"] == ["curl", "-u", f"me:{REDACTED}"]
    assert container["env"] == [{"name": "PRIVATE_KEY", "value": REDACTED}]
    assert container["name"] == "c"


# --- never through a symlink, never into someone else's directory ------------------------------


def test_the_log_is_never_written_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone's file\n")
    target.chmod(0o644)
    (tmp_path / "state").mkdir(mode=0o700)
    link = tmp_path / "state" / "audit.jsonl"
    link.symlink_to(target)
    with pytest.raises(OSError) as refused:
        record(AuditLog(link))
    assert "symbolic link" in str(refused.value)
    assert target.read_text() == "someone's file\n"  # neither appended to...
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # ...nor chmodded through the link


def test_the_log_directory_may_not_be_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o755)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "ephemera").symlink_to(real)
    with pytest.raises(OSError) as refused:
        record(AuditLog(tmp_path / "state" / "ephemera" / "audit.jsonl"))
    assert "is a symbolic link" in str(refused.value) and "state/ephemera" in str(refused.value)
    assert list(real.iterdir()) == [] and stat.S_IMODE(real.stat().st_mode) == 0o755


def _someone_elses_directory(tmp_path: Path) -> Path:
    if os.geteuid() == 0:
        directory = tmp_path / "theirs"
        directory.mkdir(mode=0o777)
        directory.chmod(0o777)
        os.chown(directory, 4242, 4242)
        return directory
    return Path("/")  # root's, when the tests do not run as root


def test_someone_elses_directory_is_refused(tmp_path: Path) -> None:
    theirs = _someone_elses_directory(tmp_path)
    with pytest.raises(PermissionError) as refused:
        ensure_private_dir(theirs)
    assert "belongs to another user" in str(refused.value)
    if theirs != Path("/"):
        with pytest.raises(PermissionError):
            record(AuditLog(theirs / "audit.jsonl"))
        assert list(theirs.iterdir()) == []
    assert ensure_private_dir(theirs, own_only=False) == theirs  # a destination the user chose


def test_a_fifo_in_place_of_the_log_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "audit.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        record(AuditLog(fifo))


# --- more password flags, URL passwords with an @, names ------------------------------------------


def test_password_short_flags_of_known_programs() -> None:
    assert redact(["docker", "login", "-u", "me", "-p", "dpw", "reg.example"]) == \
        ["docker", "login", "-u", "me", "-p", REDACTED, "reg.example"]
    assert redact(["sudo", "podman", "login", "-pdpw"]) == ["sudo", "podman", "login", f"-p{REDACTED}"]
    assert redact(["sshpass", "-p", "sshpw", "ssh", "-p", "22", "host"]) == \
        ["sshpass", "-p", REDACTED, "ssh", "-p", "22", "host"]  # ssh's -p is a port
    assert redact(["redis-cli", "-h", "cache", "-a", "rpw", "ping"]) == \
        ["redis-cli", "-h", "cache", "-a", REDACTED, "ping"]
    assert redact(["kubectl", "exec", "db", "--", "redis-cli", "-a", "rpw"]) == \
        ["kubectl", "exec", "db", "--", "redis-cli", "-a", REDACTED]
    assert redact(["sh", "-c", "docker login -p dpw r && sshpass -p sshpw ssh -p 22 h; redis-cli -a rpw ping"]) == \
        ["sh", "-c", f"docker login -p {REDACTED} r && sshpass -p {REDACTED} ssh -p 22 h; "
                     f"redis-cli -a {REDACTED} ping"]


@pytest.mark.parametrize("command", [
    ["ls", "-a"], ["ps", "-p", "1"], ["docker", "run", "-p", "8080:80", "nginx"], ["mkdir", "-p", "/x"],
    ["sh", "-c", "ls -a; ps -p 1; docker run -p 80:80 x; mkdir -p /x; git log -p"], ["tar", "-cpf", "x"],
])
def test_common_a_and_p_flags_are_kept(command: list[str]) -> None:
    assert redact(command) == command


def test_url_password_with_an_unencoded_at_or_slash() -> None:
    assert env_value("DATABASE_URL", "postgres://u:p@ss/w0rd@db:5432/shop") == f"postgres://u:{REDACTED}@db:5432/shop"
    assert redact("psql postgres://app:s3@cr3t@db/x") == f"psql postgres://app:{REDACTED}@db/x"
    # a port and a path before an @ (an image digest) is not a password
    assert redact("skopeo copy docker://registry:5000/img@sha256:abc dir:/x") == \
        "skopeo copy docker://registry:5000/img@sha256:abc dir:/x"


@pytest.mark.parametrize("name", ["SSH_PRIVATE", "GPG_PRIVATE", "STRIPE_SK", "stripeSk"])
def test_more_secret_names(name: str) -> None:
    assert env_value(name, "s3cr3t-value") == REDACTED


@pytest.mark.parametrize("name", ["PRIVATE_REGISTRY", "PRIVATE", "TASK", "DISK", "MASK"])
def test_names_near_the_new_ones_are_kept(name: str) -> None:
    assert env_value(name, "plain") == "plain"


# --- a URL user that is a token, secret literals, htpasswd, openssl, sshpass -pSECRET -------------

GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5" * 4  # ghp_ and 40 characters


@pytest.mark.parametrize("text, expected", [
    (f"git clone https://{GITHUB_TOKEN}@github.com/o/r", f"git clone https://{REDACTED}@github.com/o/r"),
    ("curl https://0123456789abcdefABCDEF0123@api.example/x", f"curl https://{REDACTED}@api.example/x"),
    ("pip install git+https://glpat-xyz@gitlab.example/g/p", f"pip install git+https://{REDACTED}@gitlab.example/g/p"),
])
def test_a_url_user_that_looks_like_a_token_is_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(["sh", "-c", text]) == ["sh", "-c", expected]


@pytest.mark.parametrize("text", [
    "git clone git@github.com:o/r.git", "git clone ssh://git@github.com/o/r", "git clone https://alice@bitbucket.org/a/b",
    "mail -s hi bob.smith@example.com", "skopeo copy docker://registry:5000/img@sha256:abc dir:/x",
])
def test_user_names_and_mail_addresses_are_kept(text: str) -> None:
    assert redact(text) == text


def test_secret_literals_and_secret_named_nested_values() -> None:
    assert redact("kubectl create secret generic db --from-literal=username=admin --from-literal password=s3") == (
        f"kubectl create secret generic db --from-literal=username={REDACTED} --from-literal password={REDACTED}")
    assert redact(["kubectl", "create", "secret", "generic", "db", "--from-literal=user=admin",
                   "--from-literal", "token=t0k"]) == [
        "kubectl", "create", "secret", "generic", "db", f"--from-literal=user={REDACTED}",
        "--from-literal", f"token={REDACTED}"]
    # outside `create secret`: secret names only
    assert redact("kubectl create configmap c --from-literal=password=s3 --from-literal=mode=fast") == (
        f"kubectl create configmap c --from-literal=password={REDACTED} --from-literal=mode=fast")
    assert redact(["helm", "install", "x", "--set=db.password=s3", "--set=replicas=2"]) == [
        "helm", "install", "x", f"--set=db.password={REDACTED}", "--set=replicas=2"]


def test_htpasswd_batch_password() -> None:
    assert redact("htpasswd -b /etc/nginx/.htpasswd admin s3 && nginx -s reload") == (
        f"htpasswd -b /etc/nginx/.htpasswd admin {REDACTED} && nginx -s reload")
    assert redact("htpasswd -nbB admin s3") == f"htpasswd -nbB admin {REDACTED}"
    assert redact("htpasswd -bC 12 f admin s3") == f"htpasswd -bC 12 f admin {REDACTED}"
    assert redact(["htpasswd", "-cb", "f", "admin", "s3"]) == ["htpasswd", "-cb", "f", "admin", REDACTED]
    assert redact("htpasswd -c f admin") == "htpasswd -c f admin"  # asks for it: nothing on the line


def test_openssl_pass_phrases() -> None:
    assert redact("openssl enc -aes-256-cbc -k s3 -in x -out y") == f"openssl enc -aes-256-cbc -k {REDACTED} -in x -out y"
    assert redact("openssl pkcs12 -export -passout pass:s3 -passin env:PW") == (
        f"openssl pkcs12 -export -passout pass:{REDACTED} -passin env:PW")
    assert redact(["openssl", "rsa", "-passin", "pass:s3", "-passout", "file:/p", "-k", "kk"]) == [
        "openssl", "rsa", "-passin", f"pass:{REDACTED}", "-passout", "file:/p", "-k", REDACTED]
    assert redact(["openssl", "rsa", "-pass", "pass:s3"])[3] in (REDACTED, f"pass:{REDACTED}")


def test_sshpass_glued_password_is_the_password_not_a_flag_name() -> None:
    assert redact("sshpass -psecret ssh host") == f"sshpass -p{REDACTED} ssh host"
    assert redact(["sshpass", "-psecret", "ssh", "host"]) == ["sshpass", f"-p{REDACTED}", "ssh", "host"]
