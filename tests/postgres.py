"""A throwaway PostgreSQL cluster in a temporary folder, for the tests and the benchmarks.

Debian's server binaries (`apt-get install postgresql`, which `make test` does) live under
/usr/lib/postgresql/<version>/bin. initdb refuses to run as root: as root, the cluster is
made and run as the `postgres` user that the package creates. Durability is switched off
(fsync, synchronous_commit, full_page_writes): the cluster lives for one run.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

SERVER_BINARIES = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"
FAST_AND_FORGETFUL = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                      "-c max_connections=200 -c shared_buffers=128MB")


def server_binaries() -> Path | None:
    """The folder of the newest PostgreSQL server's binaries on this machine, if any."""
    found = sorted(Path("/").glob(SERVER_BINARIES.lstrip("/")),
                   key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    return next((path for path in reversed(found) if (path / "initdb").exists()), None)


class Cluster:
    """A PostgreSQL server on a free loopback port, its data in a temporary folder."""

    def __init__(self, port: int):
        self.binaries = server_binaries()
        if self.binaries is None:
            raise RuntimeError("PostgreSQL's server binaries are missing: "
                               "apt-get install postgresql")
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="intranet-pg-"))
        self.data = self.folder / "data"

    def start(self) -> "Cluster":
        """Make the cluster and start its server; wait until it answers."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, SUPERUSER)
        self._run("initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "start",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  f"{FAST_AND_FORGETFUL}")
        return self

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def server_pid(self) -> int:
        """The server's main process (its first line of postmaster.pid)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str) -> None:
        """Run statements outside a transaction (CREATE DATABASE needs that)."""
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
        engine.dispose()

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template`, if given); its URL."""
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, program: str, *args, check: bool = True) -> None:
        command = [str(self.binaries / program), *map(str, args)]
        if os.geteuid() == 0:
            command = ["setpriv", f"--reuid={pwd.getpwnam(SUPERUSER).pw_uid}",
                       f"--regid={pwd.getpwnam(SUPERUSER).pw_gid}", "--init-groups", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if check and done.returncode != 0:
            log = self.folder / "server.log"
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}"
                               + (log.read_text()[-2000:] if log.exists() else ""))
