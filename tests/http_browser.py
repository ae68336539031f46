"""A member's browser over HTTP for tests and benchmarks that talk to a real server
(gunicorn): cookies kept, redirects not followed, forms' CSRF tokens read from the pages.
Without pytest, so that the benchmarks can use it too."""

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class _NoRedirect(HTTPRedirectHandler):
    """Let the test see a 302 (the answer to a form that worked) instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def page_text(body: str) -> str:
    """The words of a page's main part (an error page says what went wrong there)."""
    main = body.split("<main", 1)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", main.split(">", 1)[-1]).split())[:300]


class Unexpected(Exception):
    def __init__(self, step: str, status: int, body: str):
        super().__init__(f"{step}: HTTP {status}: {page_text(body)!r}")
        self.step, self.status = step, status


class Browser:
    """One member's cookies over urllib: a new connection per request, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect())
        self.statuses = Counter()
        self.latencies = []
        self.form_token = ""

    def send(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(Request(self.base + path, data=body), timeout=120) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            with error:
                return error.code, error.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self.send(path)

    def step(self, name: str, path: str, data: dict | None = None, expect: int = 200) -> str:
        status, body = self.send(path, data)
        self.statuses[f"{name} {status}"] += 1
        if status != expect:
            raise Unexpected(name, status, body)
        return body

    def token(self, name: str, path: str) -> str:
        match = TOKEN_RE.search(self.step(name, path))
        if match is None:
            raise Unexpected(name, 200, "no CSRF token on the page")
        return match.group(1) or match.group(2)

    def log_in(self, email: str, password: str) -> None:
        token = self.token("GET /login", "/login")
        self.step("POST /login", "/login",
                  {"csrf_token": token, "email": email, "password": password}, expect=302)


def wait_until_healthy(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log_path.read_text()}")
        try:
            if Browser(base).get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer /healthz:\n{log_path.read_text()}")


# --- a real server for the browser --------------------------------------------------------

ROOT = Path(__file__).parent.parent


def host_env(database_url: str, folder: Path, **more: str) -> dict:
    """The environment of a host of the installation: the database, the secret key and the
    attachments' storage (in `folder`), nothing of the caller's INTRANET_ settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTRANET_")}
    return {**env, "DATABASE_URL": database_url, "INTRANET_SECRET_KEY": "klic-vsech-serveru",
            "INTRANET_ATTACHMENT_DIR": str(folder / "attachments"), "WEB_ACCESS_LOG": "",
            "PYTHONPATH": str(ROOT), **more}


def start_gunicorn(env: dict, folder: Path, app: str = "wsgi:app"
                   ) -> tuple[subprocess.Popen, str]:
    """gunicorn with the shipped configuration (gunicorn.conf.py) on a free port, answering
    /healthz: the process (the caller ends it) and its address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = folder / f"gunicorn-{port}.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
         "--no-control-socket", app], cwd=ROOT, stdout=log.open("w"),
        stderr=subprocess.STDOUT, env={**env, "WEB_BIND": f"127.0.0.1:{port}"})
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, server, log)
    return server, base
