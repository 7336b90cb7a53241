"""PostgreSQL helpers for tests: throwaway databases on the shared server, and private servers.

- ``temp_database()`` creates ``tp_test_<random>`` on the server at ``TOOLPROXY_TEST_PG_ADMIN``
  (default ``postgresql://postgres@127.0.0.1:5432/postgres``, trust auth) and drops it afterwards.
- ``LocalPostgres`` runs a private server (``initdb`` + ``pg_ctl``) in a temporary directory on a
  free port, as the ``postgres`` user when the tests run as root, so a test can stop and restart it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get("TOOLPROXY_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BIN = Path(os.environ.get("TOOLPROXY_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def create_database(prefix: str = "tp_test", admin_url: str = ADMIN_URL) -> str:
    """Create a fresh database; return its ``postgresql://`` URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _with_database(admin_url, name)


def drop_database(url: str, admin_url: str = ADMIN_URL) -> None:
    name = url.rpartition("/")[2]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def temp_database(prefix: str = "tp_test", admin_url: str = ADMIN_URL) -> Iterator[str]:
    url = create_database(prefix, admin_url)
    try:
        yield url
    finally:
        drop_database(url, admin_url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalPostgres:
    """A private PostgreSQL server the test controls (start, stop mid-load, restart)."""

    def __init__(self, user: str = "postgres") -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="tp-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._as_user = ["runuser", "-u", user, "--"]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> LocalPostgres:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        return self

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
            "-c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=20"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        result = subprocess.run(
            [*self._as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"], capture_output=True
        )
        return result.returncode == 0

    def cleanup(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
