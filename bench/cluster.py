"""The benchmark's PostgreSQL server: the tests' throwaway cluster (tests/postgres.py), or one
whose folder is kept (--keep DIR: DIR/pg), made on the first run and started again on the next."""

import shutil
import socket
from pathlib import Path

from tests.postgres import FAST_AND_FORGETFUL, Cluster


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class KeptCluster(Cluster):
    """A cluster in a folder of the caller's that outlives the run: its server is stopped, its
    data kept, and the next run starts it again (on a port of its own)."""

    def __init__(self, port: int, folder: Path):
        super().__init__(port)
        shutil.rmtree(self.folder)  # Cluster's temporary folder: this one's is given
        self.folder, self.data = folder, folder / "data"

    def start(self) -> "KeptCluster":
        """Start the kept cluster's server, or make the cluster (a folder without one anew)."""
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            return super().start()
        self.stop()  # a server that a killed run left running
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "start",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  f"{FAST_AND_FORGETFUL}")  # as Cluster.start starts it
        return self

    def stop(self) -> None:
        """Stop the server cleanly; its folder stays."""
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)


def database(cluster: Cluster, name: str, built: Path) -> str:
    """The URL of the cluster's database `name`: the one kept if it was built whole (`built`
    exists), else made anew (empty)."""
    if built.exists():
        return cluster.url(name)
    cluster.drop_database(name)
    return cluster.create_database(name)
