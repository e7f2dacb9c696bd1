"""A throw-away PostgreSQL server for tests and benchmarks (Debian's ``postgresql`` package).

``with postgres_server() as pg:`` runs ``initdb`` into a fresh temp folder, starts the server on a
free loopback port (its unix socket in the same folder), creates a database and a password user,
and stops the server and removes the folder on exit. ``pg.env`` holds the ``DAGSTER_PG_*``
variables that ``deploy/postgres/dagster.yaml`` reads.

PostgreSQL refuses to run as root. Run as root (CI, containers), the server runs as the
``postgres`` user (``nobody`` if there is none) and its folder is created in the system temp dir,
whose ancestors that user can traverse (pytest's own temp root is private to root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD, DATABASE = "dagster", "dagster-test-password", "dagster"


@dataclass(frozen=True)
class PostgresServer:
    """Where a running server listens and how to log in."""

    host: str
    port: int
    user: str
    password: str
    db_name: str
    socket_dir: Path
    data_dir: Path

    @property
    def env(self) -> dict[str, str]:
        """The environment variables the repo's PostgreSQL instance profile reads."""
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_USER": self.user,
            "DAGSTER_PG_PASSWORD": self.password,
            "DAGSTER_PG_DB": self.db_name,
        }

    @property
    def url(self) -> str:
        """A SQLAlchemy/psycopg2 URL for the database, over TCP with the password."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.db_name}"


def postgres_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: ``$ECOM_PG_BIN``, else the newest
    ``/usr/lib/postgresql/<version>/bin``, else wherever ``initdb`` is on ``PATH``."""
    if os.environ.get("ECOM_PG_BIN"):
        return Path(os.environ["ECOM_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise FileNotFoundError(
        "PostgreSQL server binaries not found: install Debian's `postgresql` package "
        "(`apt-get install postgresql`) or set ECOM_PG_BIN to the folder holding initdb and pg_ctl"
    )


def _server_user() -> pwd.struct_passwd | None:
    """The user the server runs as when we are root (``None``: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, but there is no `postgres` or `nobody` user to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], user: pwd.struct_passwd | None, what: str) -> None:
    ids = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **ids)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({' '.join(cmd)}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


@contextmanager
def postgres_server(durable: bool = True, base: Path | None = None) -> Iterator[PostgresServer]:
    """Start a fresh PostgreSQL server; stop it and delete its files on exit.

    ``durable=False`` turns off fsync (tests: faster, nothing to keep). ``base`` is the folder
    to create the server's temp folder in (default: the system temp dir).
    """
    bin_dir, user = postgres_bin_dir(), _server_user()
    root = Path(tempfile.mkdtemp(prefix="ecom-pg-", dir=base))
    data, log, pwfile = root / "data", root / "server.log", root / "pwfile"
    pwfile.write_text(PASSWORD + "\n")
    if user:
        os.chown(root, user.pw_uid, user.pw_gid)
        os.chown(pwfile, user.pw_uid, user.pw_gid)
    started = False
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}"]
        initdb += ["--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions"]
        _run(initdb, user, "initdb")
        options = f"-c listen_addresses=127.0.0.1 -k {root}" + ("" if durable else " -c fsync=off")
        ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
        for _ in range(3):  # another process may take the free port before the server does
            port = _free_port()
            start = [*ctl, "start", "-w", "-t", "60", "-l", str(log), "-o", f"-p {port} {options}"]
            try:
                _run(start, user, "pg_ctl start")
                started = True
                break
            except RuntimeError as exc:
                failure = exc
        if not started:
            tail = log.read_text()[-3000:] if log.exists() else "(no log written)"
            raise RuntimeError(f"PostgreSQL did not start: {failure}\nserver log {log}:\n{tail}")
        createdb = [str(bin_dir / "createdb"), "-h", str(root), "-p", str(port), "-U", USER, DATABASE]
        _run(createdb, None, "createdb")  # over the unix socket (trust): no password needed
        yield PostgresServer("127.0.0.1", port, USER, PASSWORD, DATABASE, root, data)
    finally:
        try:
            if started:
                _run([*ctl, "stop", "-w", "-m", "fast"], user, "pg_ctl stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)
