"""Taking secrets out of text before it is shown or written: error messages, the audit log.

Pure functions, no I/O. Two strengths:

* `redact_credentials(text)`: what may never appear in an error message or on screen: bearer and
  basic credentials (`Bearer x`, `Basic x`, `Authorization: ...`, `Cookie: ...`), the password of a
  URL's userinfo (`https://user:pw@host` -> `https://user:<redacted>@host`), a userinfo without a
  password that looks like a token (`https://ghp_...@github.com`: a known prefix, or 20+ characters
  with a digit; `ssh://git@host`, `https://alice@host` are kept), secret-named query
  parameters (`?access_token=x`), JSON Web Tokens (`eyJ...`) and the header dump of a failed
  WebSocket handshake.
* `redact_text(text)`: that, plus the shell-ish forms found in commands and scripts: `NAME=value`
  and `--name=value` / `--name value` for secret names (`is_secret_name`), `Name: value` headers
  with a secret name (`X-Api-Key: x`), `-u user:pass` / `--user user:pass`, and the short
  password flags of the programs known to take one: `-pSECRET` / `-p SECRET` of the MySQL clients
  and `sshpass`, `redis-cli -a`, `docker|podman|helm|... login -p`, `openssl -k` and its
  `-pass/-passin/-passout pass:SECRET` (elsewhere `-p` is a port, a PID or "parents" and `-a`
  "all": they are kept); `htpasswd -b`'s password argument; a flag's value that is a secret
  `NAME=value` (`--from-literal=password=x`, `--set=db.password=x`), and every `--from-literal`
  value of `kubectl create secret`.

`is_secret_name(name)` decides for env names, map keys and flags: PASSWORD/PASSWD/PASS/PWD
(`MYSQL_PWD`, but not `PWD` itself), TOKEN, SECRET, CREDENTIAL(S)/CREDS, AUTH/AUTHORIZATION, PAT
(`GITHUB_PAT`), COOKIE, DSN, WEBHOOK (a webhook URL is its own credential: `SLACK_WEBHOOK`), JWT,
SK (`STRIPE_SK`), PRIVATE as the last word (`SSH_PRIVATE`, not `PRIVATE_REGISTRY`),
SESSION ids, and KEY after another word (`API_KEY`, `PRIVATE_KEY`,
`AWS_ACCESS_KEY_ID`, `apiKey`), not a lone `key` (`secretKeyRef.key` names a key, it holds none)
nor words that merely contain the letters (`KEYBOARD`, `PATH`, `AUTHOR`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

__all__ = ["REDACTED", "is_secret_name", "redact_args", "redact_credentials", "redact_text"]

REDACTED = "<redacted>"

# --- names ---------------------------------------------------------------------------------------

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9]|\b|[^A-Za-z])|[A-Z]?[a-z0-9]+|[A-Z]+")
# words that make a name secret wherever they stand (also glued: DBPASSWORD, APITOKEN)
_SECRET_SUBSTRINGS = ("PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "SECRET", "CREDENTIAL", "AUTHORIZATION",
                      "APIKEY", "PRIVATEKEY", "ACCESSKEY", "COOKIE", "SESSIONID", "SESSID")
# whole words (components of the name) that make it secret
_SECRET_WORDS = frozenset({"PASS", "PWD", "CREDS", "AUTH", "PAT", "DSN", "BEARER", "APIKEY", "WEBHOOK", "JWT",
                           "SK"})  # SK: a secret key (STRIPE_SK)
# last words that make a name secret after another word (SSH_PRIVATE; not PRIVATE_REGISTRY)
_SECRET_LAST_WORDS = frozenset({"PRIVATE"})
_KEY_WORDS = frozenset({"KEY", "KEYS"})
_NOT_SECRET_NAMES = frozenset({"PWD", "OLDPWD"})  # the shell's working directories
# a name ending in one of these names or locates a secret without holding it (secretName, TOKEN_FILE)
_REFERENCE_WORDS = frozenset({"NAME", "NAMES", "REF", "PATH", "FILE", "DIR", "NAMESPACE"})


def _words(name: str) -> list[str]:
    words: list[str] = []
    for part in _WORD_SPLIT.split(name):
        words.extend(w.upper() for w in _CAMEL.findall(part))
    return words


def is_secret_name(name: str) -> bool:
    """True for names of values that hold secrets (env names, map keys, flag names without dashes)."""
    bare = name.strip().lstrip("-")
    if not bare or bare.upper() in _NOT_SECRET_NAMES:
        return False
    words = _words(bare)
    if words and words[-1] in _REFERENCE_WORDS:
        return False
    glued = "".join(words)
    if any(word in glued for word in _SECRET_SUBSTRINGS):
        return True
    if any(word in _SECRET_WORDS for word in words):
        return True
    if any(word in _KEY_WORDS for word in words[1:]):  # API_KEY, PRIVATE_KEY, ACCESS_KEY_ID; not `key`
        return True
    if len(words) > 1 and words[-1] in _SECRET_LAST_WORDS:
        return True
    return any(a == "SESSION" and b in {"ID", "KEY"} for a, b in itertools.pairwise(words))


# --- credentials (error messages and everything else) --------------------------------------------

_VALUE = r"[^\s'\"\\,;)\]}>]+"
# `Authorization: Bearer x`, `Proxy-Authorization: Basic x`, `authorization=x`: the scheme is kept
_AUTH_HEADER = re.compile(r"(\b(?:Proxy-)?Authorization['\"]?\s*[:=]\s*['\"]?)(?:([A-Za-z][A-Za-z0-9\-]*)\s+)?"
                          rf"({_VALUE})", re.IGNORECASE)
_COOKIE_HEADER = re.compile(r"(\b(?:Set-)?Cookie['\"]?\s*:\s*['\"]?)([^'\"\r\n]+)", re.IGNORECASE)
_NOT_A_TOKEN = frozenset({"token", "tokens", "auth", "authentication", "credentials", "scheme", "realm"})
_BEARER = re.compile(rf"(\b(?:Bearer|Basic)\s+)({_VALUE})", re.IGNORECASE)
# scheme://user:password@host -> scheme://user:<redacted>@host
_URL_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@'\"]*:)([^/\s@'\"]+)(@)")
# the same up to the last @ of the word: a password with an unencoded @ or / (postgres://u:p@ss/w0rd@h)
_URL_USERINFO_TO_LAST_AT = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@'\"]*:)([^\s'\"]+)(@)")
_PORT_AND_PATH = re.compile(r"\d{1,5}(?:/|$)")  # host:5000/image@sha256:...: a port, not a password
# scheme://TOKEN@host (no colon: `git clone https://ghp_...@github.com/o/r`): the userinfo when it
# looks like a credential (a known token prefix, or 20+ characters with a digit); a user name
# (`ssh://git@host`, `https://alice@host`) is kept, and `git@github.com:o/r` or a mail address has
# no scheme://
_URL_USER_ONLY = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://)([^/\s:@'\"]+)(@)")
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-", "xoxb-",
                   "xoxp-", "xoxa-", "xoxs-", "npm_", "hf_", "sk-", "sk_live_", "rk_live_", "AKIA", "ASIA",
                   "dop_v1_", "pypi-", "ATBB", "shpat_", "sq0atp-")
_QUERY_PARAM = re.compile(r"([?&;])([A-Za-z0-9_.\-]+)=([^&#\s'\"]*)")
# a JSON Web Token wherever it stands (header.payload.signature, base64url): a bearer credential
_JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*")
# websocket-client: "Handshake status 401 Unauthorized -+-+- {response headers} -+-+- b'body'"
_HANDSHAKE_HEADERS = re.compile(r"-\+-\+-.*?-\+-\+-", re.DOTALL)


def _url_userinfo_to_last_at(match: re.Match[str]) -> str:
    if _PORT_AND_PATH.match(match.group(2)) or match.group(2) == REDACTED:
        return match.group(0)
    return match.group(1) + REDACTED + match.group(3)


def _looks_like_token(text: str) -> bool:
    """A known token prefix, or 20+ characters with a digit and a letter (not a user name)."""
    if text.startswith(_TOKEN_PREFIXES):
        return True
    return len(text) >= 20 and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _url_user_only(match: re.Match[str]) -> str:
    if match.group(2) == REDACTED or not _looks_like_token(match.group(2)):
        return match.group(0)
    return match.group(1) + REDACTED + match.group(3)


def _bearer(match: re.Match[str]) -> str:
    if match.group(2).lower() in _NOT_A_TOKEN or match.group(2).startswith("<redacted"):
        return match.group(0)
    return match.group(1) + REDACTED


def _auth_header(match: re.Match[str]) -> str:
    scheme = match.group(2)
    return match.group(1) + (f"{scheme} " if scheme else "") + REDACTED


def _query_param(match: re.Match[str]) -> str:
    if not match.group(3) or not is_secret_name(match.group(2)):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}={REDACTED}"


def redact_credentials(text: str) -> str:
    """`text` without bearer/basic credentials, Authorization/Cookie header values, URL passwords,
    secret query parameters or a WebSocket handshake's header dump (for every error shown)."""
    if not text:
        return text
    text = _HANDSHAKE_HEADERS.sub("-+-+- <headers> -+-+-", text)
    text = _AUTH_HEADER.sub(_auth_header, text)
    text = _COOKIE_HEADER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(_bearer, text)
    text = _URL_USERINFO_TO_LAST_AT.sub(_url_userinfo_to_last_at, text)
    text = _URL_USERINFO.sub(rf"\g<1>{REDACTED}\g<3>", text)
    text = _URL_USER_ONLY.sub(_url_user_only, text)
    text = _JWT.sub(REDACTED, text)
    return _QUERY_PARAM.sub(_query_param, text)


# --- commands and scripts (the audit log) --------------------------------------------------------

_QUOTED_OR_BARE = r"(?:'[^']*'|\"[^\"]*\"|[^\s'\";&|]+)"
# NAME=value, --name=value, export NAME=value (a word start before the name)
_ASSIGNMENT = re.compile(rf"((?<![^\s'\"(])-{{0,2}}([A-Za-z_][A-Za-z0-9_.\-]*)=)({_QUOTED_OR_BARE})")
# --password value / -token value (the value must not look like another flag)
_FLAG_VALUE = re.compile(rf"((?<![^\s'\"])--?([A-Za-z][A-Za-z0-9_.\-]*)\s+)(?!-)({_QUOTED_OR_BARE})")
# "password": "value" (JSON in a script or a -d body)
_JSON_MEMBER = re.compile(r'("([A-Za-z0-9_.\-]+)"\s*:\s*")((?:[^"\\]|\\.)*)(")')
# X-Api-Key: value, password: value (header or YAML-ish), up to the end of the quote or line
_NAMED_HEADER = re.compile(r"((?<![A-Za-z0-9_\-])([A-Za-z][A-Za-z0-9_\-]*)\s*:[ \t]*)([^\s'\"][^'\"\r\n]*)")
# -u user:pass, --user user:pass, --user=user:pass, -uuser:pass (curl, wget, httpie...)
_USER_PASS = re.compile(r"((?<![^\s'\"])(?:-u\s*|--user[\s=]+|--proxy-user[\s=]+)['\"]?[^\s:'\"]*:)([^\s'\"]+)")
_MYSQL_TOOLS = r"(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mariadb|mariadb-dump)"
_MYSQL_COMMAND = re.compile(rf"\b{_MYSQL_TOOLS}\b[^;&|\n]*")
_MYSQL_PASSWORD = re.compile(rf"((?<![^\s'\"])-p)(\s*)({_QUOTED_OR_BARE})")
_MYSQL_PROGRAMS = frozenset(re.findall(r"[a-z\-]+", _MYSQL_TOOLS.replace("?:", "")))
# Other programs whose short flag is a password (elsewhere -p is a port or a PID, -a "all"):
# sshpass -p, redis-cli -a, and `login -p` of the registry clients (docker run -p is a port).
_SHORT_PASSWORD_FLAGS = {"sshpass": "-p", "redis-cli": "-a", "keydb-cli": "-a", "valkey-cli": "-a",
                         "openssl": "-k"}  # openssl enc -k PASSWORD
_LOGIN_PROGRAMS = frozenset({"docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras", "crane",
                             "regctl", "finch"})
_SHORT_PASSWORD_COMMAND = re.compile(r"(?<![\w\-/.])(sshpass|redis-cli|keydb-cli|valkey-cli|openssl)\b[^;&|\n]*")
# --from-literal=password=x, --set=db.password=x: a flag's value that is itself a secret NAME=value
_NESTED_ASSIGNMENT = re.compile(rf"((?<![^\s'\"(])--?[A-Za-z][A-Za-z0-9_.\-]*=['\"]?([A-Za-z_][A-Za-z0-9_.\-]*)=)"
                                rf"({_QUOTED_OR_BARE})")
# `kubectl create secret ...`: every --from-literal value is a secret, whatever its key
_CREATE_SECRET_COMMAND = re.compile(r"\bcreate\s+secret\b[^;&|\n]*")
_FROM_LITERAL = re.compile(rf"((?<![^\s'\"])--from-literal[=\s]+['\"]?[^=\s'\"]+=)({_QUOTED_OR_BARE})")
# openssl's pass phrase arguments: -pass / -passin / -passout pass:SECRET (env:VAR, file:PATH kept)
_OPENSSL_PASS_ARG = re.compile(rf"((?<![^\s'\"])-pass(?:in|out)?[\s=]+['\"]?pass:)({_QUOTED_OR_BARE})")
_OPENSSL_PASS_FLAGS = frozenset({"-pass", "-passin", "-passout"})
# htpasswd -b [-c...] FILE USER PASSWORD, htpasswd -nb USER PASSWORD: the password is a positional
_HTPASSWD_COMMAND = re.compile(r"(?<![\w\-/.])htpasswd\b[^;&|\n]*")
_HTPASSWD_VALUE_FLAGS = ("C", "r")  # -C cost, -r rounds: the next word is theirs
_LOGIN_COMMAND = re.compile(rf"(?<![\w\-/.])(?:{'|'.join(sorted(_LOGIN_PROGRAMS))})\b[^;&|\n]*?\blogin\b[^;&|\n]*")


def _assignment(match: re.Match[str]) -> str:
    return match.group(1) + REDACTED if is_secret_name(match.group(2)) else match.group(0)


def _flag_value(match: re.Match[str]) -> str:
    return match.group(1) + REDACTED if is_secret_name(match.group(2)) else match.group(0)


def _json_member(match: re.Match[str]) -> str:
    if not match.group(3) or not is_secret_name(match.group(2)):
        return match.group(0)
    return match.group(1) + REDACTED + match.group(4)


def _named_header(match: re.Match[str]) -> str:
    if not is_secret_name(match.group(2)) or REDACTED in match.group(3):
        return match.group(0)
    return match.group(1) + REDACTED


def _mysql(match: re.Match[str]) -> str:
    return _MYSQL_PASSWORD.sub(rf"\g<1>\g<2>{REDACTED}", match.group(0))


def _short_flag_password(flag: str, command: str) -> str:
    """The first `flag VALUE` / `flagVALUE` in one command's text, the value redacted (not a
    following flag; the first only: `sshpass -p pw ssh -p 22 host`'s second is ssh's port)."""
    pattern = re.compile(rf"((?<![^\s'\"]){re.escape(flag)})(\s*)(?!-)({_QUOTED_OR_BARE})")
    return pattern.sub(rf"\g<1>\g<2>{REDACTED}", command, count=1)


def _short_password(match: re.Match[str]) -> str:
    return _short_flag_password(_SHORT_PASSWORD_FLAGS[match.group(1)], match.group(0))


def _login(match: re.Match[str]) -> str:
    return _short_flag_password("-p", match.group(0))


def _nested_assignment(match: re.Match[str]) -> str:
    if not is_secret_name(match.group(2)) or match.group(3).startswith(REDACTED):
        return match.group(0)
    return match.group(1) + REDACTED


def _create_secret(match: re.Match[str]) -> str:
    return _FROM_LITERAL.sub(rf"\g<1>{REDACTED}", match.group(0))


def _htpasswd_password_index(words: Sequence[str]) -> int | None:
    """The index in `words` (htpasswd's arguments, after the program) of the password given on
    the command line (`-b`), or None."""
    batch = no_file = False
    positionals: list[int] = []
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word.startswith("-") and len(word) > 1 and not positionals:
            letters = word[1:]
            batch = batch or "b" in letters
            no_file = no_file or "n" in letters
            skip = letters[-1] in _HTPASSWD_VALUE_FLAGS
            continue
        positionals.append(index)
    wanted = 1 if no_file else 2
    return positionals[wanted] if batch and len(positionals) > wanted else None


def _htpasswd(match: re.Match[str]) -> str:
    command = match.group(0)
    words = list(re.finditer(_QUOTED_OR_BARE, command))
    index = _htpasswd_password_index([w.group() for w in words[1:]])
    if index is None:
        return command
    word = words[index + 1]
    return command[:word.start()] + REDACTED + command[word.end():]


def redact_text(text: str) -> str:
    """`redact_credentials` plus the secret forms of commands and scripts (see the module doc)."""
    if not text:
        return text
    text = redact_credentials(text)
    # the password flags of known programs first: `sshpass -psecret ssh` is -p and its value,
    # not a flag named "psecret" followed by its value
    text = _SHORT_PASSWORD_COMMAND.sub(_short_password, text)
    text = _LOGIN_COMMAND.sub(_login, text)
    text = _MYSQL_COMMAND.sub(_mysql, text)
    text = _HTPASSWD_COMMAND.sub(_htpasswd, text)
    text = _CREATE_SECRET_COMMAND.sub(_create_secret, text)
    text = _OPENSSL_PASS_ARG.sub(rf"\g<1>{REDACTED}", text)
    text = _NESTED_ASSIGNMENT.sub(_nested_assignment, text)
    text = _ASSIGNMENT.sub(_assignment, text)
    text = _JSON_MEMBER.sub(_json_member, text)
    text = _FLAG_VALUE.sub(_flag_value, text)
    text = _USER_PASS.sub(rf"\g<1>{REDACTED}", text)
    return _NAMED_HEADER.sub(_named_header, text)


_USER_FLAGS = frozenset({"-u", "--user", "--proxy-user"})


def _program(arg: object) -> str:
    return str(arg).rsplit("/", 1)[-1] if isinstance(arg, str) else ""


def _password_flag(program: str, login: bool) -> str:
    """The short flag whose value is a password for `program` ("" for none)."""
    if program in _MYSQL_PROGRAMS:
        return "-p"
    if program in _LOGIN_PROGRAMS:
        return "-p" if login else ""
    return _SHORT_PASSWORD_FLAGS.get(program, "")


def redact_args(args: Sequence[object]) -> list[object]:
    """A command array (`["curl", "-u", "me:pw", ...]`) with its secret arguments redacted; other
    items (dicts, lists) are returned as they are for the caller to redact."""
    out: list[object] = []
    program = ""  # the last known program met (`sudo docker login -p x`, `kubectl exec ... -- redis-cli`)
    login = False  # a registry client's `login` subcommand seen since
    create_secret = False  # `create secret` seen: every --from-literal value is a secret
    previous = ""
    pending = ""  # the flag whose value comes next: "secret", "user", "password", "pass" or "literal"
    positional_passwords = _htpasswd_arg_indexes(args)
    for position, arg in enumerate(args):
        if not isinstance(arg, str):
            out.append(arg)
            pending = ""
            continue
        if position in positional_passwords or pending == "secret" or (
                pending == "password" and not arg.startswith("-")):
            out.append(REDACTED)
            pending = ""
            continue
        if pending == "user":
            user, colon, _ = arg.partition(":")
            out.append(f"{user}:{REDACTED}" if colon else arg)
            pending = ""
            continue
        if pending == "pass" and arg.startswith("pass:"):
            out.append(f"pass:{REDACTED}")
            pending = ""
            continue
        if pending == "literal" and "=" in arg:
            out.append(f"{arg.split('=', 1)[0]}={REDACTED}")
            pending = ""
            continue
        pending = ""
        name = _program(arg)
        if previous == "create" and arg == "secret":
            create_secret = True
        previous = arg
        if name in _MYSQL_PROGRAMS or name in _LOGIN_PROGRAMS or name in _SHORT_PASSWORD_FLAGS:
            program, login = name, False
        elif program == "sshpass" and not arg.startswith("-"):
            program = name  # the command sshpass runs: its -p is its own (ssh's port)
        elif program in _LOGIN_PROGRAMS and arg == "login":
            login = True
        password_flag = _password_flag(program, login)
        flag, equals, value = arg.partition("=")
        if password_flag and arg == password_flag:
            pending = "password"
        elif password_flag and arg.startswith(password_flag) and not arg.startswith("--"):
            arg = f"{password_flag}{REDACTED}"  # before the names: `-psecret` is -p and a password
        elif program == "openssl" and arg in _OPENSSL_PASS_FLAGS:
            pending = "pass"
        elif create_secret and arg == "--from-literal":
            pending = "literal"
        elif create_secret and flag == "--from-literal" and "=" in value:
            arg = f"--from-literal={value.split('=', 1)[0]}={REDACTED}"
        elif arg.startswith("-") and not equals and is_secret_name(arg):
            pending = "secret"
        elif arg in _USER_FLAGS:
            pending = "user"
        elif equals and flag in _USER_FLAGS and ":" in value:
            arg = f"{flag}={value.split(':', 1)[0]}:{REDACTED}"
        elif arg.startswith("-u") and len(arg) > 2 and ":" in arg and not arg.startswith("--"):
            arg = f"{arg.split(':', 1)[0]}:{REDACTED}"
        out.append(redact_text(arg))
    return out


def _htpasswd_arg_indexes(args: Sequence[object]) -> set[int]:
    """The indexes in a command array of the passwords `htpasswd -b` takes as arguments."""
    found: set[int] = set()
    for start, arg in enumerate(args):
        if _program(arg) != "htpasswd":
            continue
        words: list[str] = []
        for item in args[start + 1:]:
            if not isinstance(item, str):
                break
            words.append(item)
        index = _htpasswd_password_index(words)
        if index is not None:
            found.add(start + 1 + index)
    return found
