"""What a firm runs on its server (issue 14 §5), checked as far as this machine allows: the
systemd units pass `systemd-analyze verify` and, run as written, start two app processes on
one PostgreSQL base with sign-in on; the compose file and the Dockerfile hold together; a
backup restores to the same figures; an app reached through a reverse proxy with no account
serves nothing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from model.accounts import add_user
from model.db import get_engine, init_db
from model.settings import paris_now
from tests.support import import_bytes, snapshot
from tests.test_browser import (
    PASSWORD,
    _free_port,
    _wait_healthy,
    chromium_tab,
    sign_in,
)

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/pilotage"
LINES = b"Date;Collaborateur;Projet;Heures\n03/06/2024;Alice;Refonte;7\n"  # tests.support.NOW


def unit(name: str) -> dict[str, dict[str, str]]:
    """A systemd unit's sections and keys (each key once in ours)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        assert key not in current, (name, key)
        current[key] = value
    return sections


def here(command: str, port: int | None = None) -> list[str]:
    """A unit's command as this checkout runs it: its Python, its folder, a free port."""
    words = shlex.split(command.replace("%i", str(port or "")))
    words[0] = sys.executable if words[0].endswith("/.venv/bin/python") else words[0]
    return words


def test_the_units_pass_systemd_verification(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing: .ci/run installs Debian's systemd")
        pytest.skip("systemd-analyze is not installed")
    for name, as_name in (("pilotage@.service", "pilotage@8501.service"),
                          ("pilotage-migrate.service", "pilotage-migrate.service")):  # fmt: skip
        written = (DEPLOY / name).read_text()
        local = written.replace(f"{INSTALLED}/.venv/bin/python", sys.executable)
        local = local.replace(INSTALLED, str(ROOT))
        local = local.replace("EnvironmentFile=/etc/pilotage/", f"EnvironmentFile=-{tmp_path}/")
        (tmp_path / as_name).write_text(local)
    checked = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / "pilotage@8501.service"),
         str(tmp_path / "pilotage-migrate.service")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr


def test_the_units_say_what_the_readme_says():
    app = unit("pilotage@.service")
    service = app["Service"]
    command = here(service["ExecStart"], 8501)
    assert command[1:5] == ["-m", "streamlit", "run", "app.py"]
    assert command[5:7] == ["--server.address", "127.0.0.1"]  # behind the proxy only
    assert service["WorkingDirectory"] == INSTALLED and service["User"] == "pilotage"
    assert "pilotage-migrate.service" in app["Unit"]["Requires"]
    migrate = unit("pilotage-migrate.service")["Service"]
    assert here(migrate["ExecStart"])[1:] == ["-m", "model", "init"]
    assert migrate["Type"] == "oneshot"
    documented = set(re.findall(r"^([A-Z_]+)=", (DEPLOY / "pilotage.env.example").read_text(),
                                re.M))  # fmt: skip
    readme = (ROOT / "README.md").read_text()
    assert {"DATABASE_URL", "PILOTAGE_URL", "PILOTAGE_SMTP_HOST"} <= documented
    assert all(name in readme for name in documented)
    upstreams = re.findall(r"server 127\.0\.0\.1:(\d+);", (DEPLOY / "nginx.conf").read_text())
    assert (
        upstreams == ["8501", "8502", "8503"] and "ip_hash;" in (DEPLOY / "nginx.conf").read_text()
    )


def test_compose_and_dockerfile_hold_together():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    app, db = compose["services"]["app"], compose["services"]["db"]
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://pilotage:")
    assert app["environment"]["DATABASE_URL"].endswith("@db:5432/pilotage")
    assert app["ports"] == ["127.0.0.1:8501:8501"]  # published on the host's loopback only
    steps = [line.split(None, 1) for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line and not line.startswith((" ", "#"))]  # fmt: skip
    assert steps[0] == ["FROM", "python:3.11-slim"]
    for instruction, argument in steps:
        if instruction == "COPY":
            source = argument.split()[0]
            assert (ROOT / source).exists(), source
    cmd = dict(steps)["CMD"]
    assert "python -m model init && exec python -m streamlit run app.py" in cmd
    assert dict(steps)["USER"] == "pilotage" and dict(steps)["EXPOSE"] == "8501"


@pytest.fixture
def shared_base(fresh_postgres_url: str) -> Iterator[str]:
    """A PostgreSQL base migrated by the migration unit's command, with a direction account."""
    migrate = here(unit("pilotage-migrate.service")["Service"]["ExecStart"])
    env = {**os.environ, "DATABASE_URL": fresh_postgres_url}
    done = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    engine = get_engine(fresh_postgres_url)
    add_user(engine, "Claire Dubois", "direction", PASSWORD, now=paris_now(), by="installation")
    engine.dispose()
    yield fresh_postgres_url
    get_engine.cache_clear()


@pytest.fixture
def browser_tab() -> Iterator[Page]:
    yield from chromium_tab(1280, 900)


def _start(command: list[str], database: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database, "PILOTAGE_USER": "systemd"}
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


@pytest.mark.postgres
def test_two_processes_as_the_unit_starts_them_share_one_base(
    shared_base: str, browser_tab: Page, tmp_path: Path
):
    """Signed in on each process; what one imports, the other shows."""
    ports = [_free_port(), _free_port()]
    start = unit("pilotage@.service")["Service"]["ExecStart"]
    processes = [_start(here(start, port), shared_base, tmp_path / f"{port}.log") for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_healthy(f"http://127.0.0.1:{port}", process, tmp_path / f"{port}.log")
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        sign_in(browser_tab, first, "Claire Dubois")
        browser_tab.get_by_role("heading", name="Bienvenue dans Pilotage").wait_for()
        assert import_bytes(get_engine(shared_base), LINES, "temps.csv").status == "imported"
        get_engine(shared_base).dispose()
        sign_in(browser_tab, second, "Claire Dubois")
        sidebar = browser_tab.locator('[data-testid="stSidebarNav"]')
        sidebar.get_by_role("link", name="Imports", exact=True).click()
        browser_tab.get_by_text("Import à annuler").wait_for()  # offered once an import exists
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


def test_a_proxied_app_with_no_account_serves_nothing(
    sqlite_url: str, browser_tab: Page, tmp_path: Path
):
    """On 127.0.0.1 behind nginx, the visitor's request carries X-Forwarded-For: the app is
    reachable from elsewhere and, with no account yet, serves nothing; opened on the machine
    itself, it offers to create the first account."""
    init_db(get_engine(sqlite_url))
    get_engine(sqlite_url).dispose()
    port = _free_port()
    start = unit("pilotage@.service")["Service"]["ExecStart"]
    process = _start(here(start, port), sqlite_url, tmp_path / "app.log")
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, tmp_path / "app.log")
        browser_tab.goto(url)
        browser_tab.get_by_role("heading", name="Bienvenue dans Pilotage").wait_for()
        browser_tab.context.set_extra_http_headers({"X-Forwarded-For": "203.0.113.7"})
        browser_tab.goto(url)
        browser_tab.get_by_text("aucun compte n'existe : rien n'est servi", exact=False).wait_for()
        assert browser_tab.get_by_role("heading", name="Bienvenue dans Pilotage").count() == 0
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.postgres
def test_a_pg_dump_restores_the_same_store(fresh_postgres_url: str, postgres_url: str,
                                           tmp_path: Path):  # fmt: skip
    """The README's backup and restore commands, on a base with data."""
    engine = get_engine(fresh_postgres_url)
    init_db(engine)
    assert import_bytes(engine, LINES, "temps.csv").status == "imported"
    before = snapshot(engine)
    engine.dispose()
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    dump = tmp_path / "pilotage.dump"
    url = fresh_postgres_url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run([binaries / "pg_dump", "--format=custom", f"--file={dump}", url], check=True)
    restored = postgres_url.rsplit("/", 1)[0] + "/restored_copy"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "restored_copy"'))
        connection.execute(text('CREATE DATABASE "restored_copy"'))
    target = restored.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run([binaries / "pg_restore", "--no-owner", f"--dbname={target}", dump], check=True)
    copy = get_engine(restored)
    try:
        assert snapshot(copy) == before
    finally:
        copy.dispose()
        get_engine.cache_clear()
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "restored_copy" WITH (FORCE)'))
        admin.dispose()


def test_a_sqlite_backup_while_the_app_runs(sqlite_url: str, tmp_path: Path):
    """The README's SQLite backup: the online backup API, safe while the app writes."""
    engine = get_engine(sqlite_url)
    init_db(engine)
    assert import_bytes(engine, LINES, "temps.csv").status == "imported"
    before = snapshot(engine)
    source = sqlite_url.removeprefix("sqlite:///")
    copy = tmp_path / "sauvegarde.db"
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"`(python -c \"import sqlite3;[^`]+)`", readme)
    assert command, "the README gives the SQLite backup command"
    line = command.group(1).replace("data/pilotage.db", source).replace("sauvegarde.db", str(copy))
    subprocess.run(shlex.split(line), cwd=ROOT, check=True)
    copied = get_engine(f"sqlite:///{copy}")
    try:
        assert snapshot(copied) == before
    finally:
        copied.dispose()
        engine.dispose()
