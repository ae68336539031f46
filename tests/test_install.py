"""A fresh install: what `make run` and production install (the runtime dependencies alone,
no test extras) starts the app and its commands."""

import os
import shutil
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_runtime_dependencies_alone_start_the_app(tmp_path):
    """`pip install .` without extras, then the app's commands, as `make run` uses them: an
    import that only the test extras satisfy fails here (`make run` once stopped at
    `flask db upgrade` with "No such command 'db'")."""
    source = tmp_path / "source"  # what the package is built from, without this tree's venv
    shutil.copytree(ROOT / "intranet", source / "intranet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source)
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source],
        cwd=tmp_path)
    env = {**clean_environment(), "DATABASE_URL": f"sqlite:///{tmp_path / 'intranet.sqlite'}",
           "INTRANET_MAIL_MAILDIR": str(tmp_path / "maildir")}
    flask = [python, "-m", "flask", "--app", "wsgi"]
    routes = run([*flask, "routes"], cwd=ROOT, env=env)
    assert "/healthz" in routes and "/minutes" in routes
    for group in ("db", "mail", "demo"):
        assert "Usage:" in run([*flask, group, "--help"], cwd=ROOT, env=env)
    leaked = run([python, "-c", "import importlib.util as u; "
                  "print([m for m in ('pytest', 'playwright') if u.find_spec(m)])"], cwd=tmp_path)
    assert leaked.strip() == "[]"  # the venv really has no test tools


def clean_environment() -> dict:
    """This environment without the test run's own Python settings and INTRANET_* config."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("INTRANET_", "PYTHON", "VIRTUAL_ENV"))}


def run(command: list, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True,
                          text=True, env=env or clean_environment(), timeout=600)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout

