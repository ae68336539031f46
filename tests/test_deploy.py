"""The shipped deployment (issue #26): deploy/nginx.conf passes `nginx -t`, the systemd
units start commands that exist with the shipped gunicorn configuration, and the example
environment names only settings the app has."""

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from intranet.config import DEFAULTS

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UNITS = ["intranet-web.service", "intranet-worker.service", "intranet-receiver.service"]


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (make nginx)")
def test_the_nginx_example_passes_nginx_t(tmp_path):
    """The site, with a throwaway certificate where Let's Encrypt's would be."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=intranet.obec.cz", "-keyout", tmp_path / "privkey.pem",
                    "-out", tmp_path / "fullchain.pem"], check=True, capture_output=True)
    site = (DEPLOY / "nginx.conf").read_text().replace(
        "/etc/letsencrypt/live/intranet.obec.cz", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n")
    done = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "nginx.conf"),
                           "-p", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def exec_start(unit: str) -> list[str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / unit)
    assert parser["Service"]["EnvironmentFile"] == "/etc/intranet/intranet.env"
    return shlex.split(parser["Service"]["ExecStart"])


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_starts_a_command_that_exists(unit, database_url, tmp_path):
    """The unit's command, from this checkout's venv: --help for the app's commands,
    gunicorn's own check of the shipped configuration and app for the web."""
    program, *arguments = exec_start(unit)
    program = str(Path(sys.executable).parent / Path(program).name)
    arguments = ["--check-config", *arguments] if program.endswith("gunicorn") else [
        *arguments, "--help"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTRANET_")}
    done = subprocess.run([program, *arguments], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "DATABASE_URL": database_url,
                               "INTRANET_SECRET_KEY": "klic",
                               "INTRANET_ATTACHMENT_DIR": str(tmp_path)}, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_environment_names_only_settings_the_app_has():
    names = [line.split("=", 1)[0] for line in (DEPLOY / "intranet.env").read_text().splitlines()
             if line and not line.startswith("#")]
    known = {*DEFAULTS, *Flask.default_config}
    unknown = [name for name in names if name.startswith("INTRANET_")
               and name.removeprefix("INTRANET_") not in known]
    assert unknown == []
    assert {"DATABASE_URL", "INTRANET_SECRET_KEY", "INTRANET_ATTACHMENT_DIR"} <= set(names)


def test_gunicorn_stops_when_a_host_cannot_serve(tmp_path):
    """A refused start ends gunicorn itself (exit 3 is its boot error), with the reason in
    its log: no half-started server whose workers fail again and again."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTRANET_")}
    done = subprocess.run(  # one worker: two failing at once make gunicorn's halt raise
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
         "--no-control-socket", "--workers", "1", "wsgi:app"], cwd=ROOT,
        capture_output=True, text=True, timeout=120, env={**env, "DATABASE_URL": "postgresql://u@127.0.0.1:1/intranet",
                          "INTRANET_SECRET_KEY": "klic", "WEB_BIND": "127.0.0.1:0"})
    assert done.returncode != 0
    log = done.stdout + done.stderr
    assert "Databáze: " in log and "neodpovídá" in log and "Traceback" not in log
