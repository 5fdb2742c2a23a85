"""Load benchmark (issue 14 §7), outside the default test run:

    python tests/benchmarks/bench_load.py [--sessions 20] [--lines 1000000] [--rounds 3]
                                          [--postgres]

Writes a synthetic firm of `--lines` timesheet lines (tests/benchmarks/bench_kpi.py) into a
SQLite store (or a throwaway PostgreSQL cluster), adds one account per role, starts
`streamlit run app.py` on 127.0.0.1, then drives `--sessions` simultaneous sessions as a browser
does: a websocket on /_stcore/stream speaking Streamlit's protocol (BackMsg/ForwardMsg), each
signing in with its own account and opening its role's dashboards with its own period and
pôle, `--rounds` times. Measured in one run:
- the baseline: one session alone, its pages after the server's caches are warm;
- under load: each page's time from request to the end of its script, p50 and p95, the first
  round (caches filling) apart from the next ones; the server's resident memory, peak included.
Every answer is checked: its period and pôle are the session's own, a project manager sees
only their pôle's people, no role but the direction receives a cost column or card. A session
that sees another's filters or data stops the benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from model import roles  # noqa: E402
from model.accounts import add_user  # noqa: E402
from model.db import get_engine  # noqa: E402
from model.settings import paris_now  # noqa: E402
from model.texts import LABELS  # noqa: E402
from tests.benchmarks.bench_kpi import generate, write  # noqa: E402

PASSWORD = "une phrase de passe longue"
TEAMS = ("Pôle 0", "Pôle 1", "Pôle 2")
# (account, role, pôle of a project manager): sessions take them in turn.
ACCOUNTS = (
    ("Direction", "direction", None),
    ("Comptable", "comptable", None),
    ("Chef 0", "chef_de_projet", "Pôle 0"),
    ("Chef 1", "chef_de_projet", "Pôle 1"),
    ("Chef 2", "chef_de_projet", "Pôle 2"),
    ("Lecture", "lecture", None),
)
PRESETS = ("last_12_months", "quarter", "last_month", "this_month")
COST_LABELS = {LABELS[key][0] for key in ("overtime_cost", "forecast_overrun_cost")}
FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


class Leak(AssertionError):
    """A session saw another's filters or data, or a figure its role may not."""


@dataclass
class Answer:
    seconds: float
    elements: list

    def texts(self, kind: str) -> list[str]:
        return [getattr(e, kind).body for e in self.elements if e.WhichOneof("type") == kind]

    def widget(self, kind: str, label: str):
        for element in self.elements:
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return getattr(element, kind)
        raise Leak(f"no {kind} « {label} » on the page")

    def frames(self) -> list[pl.DataFrame]:
        return [
            pl.read_ipc_stream(io.BytesIO(e.dataframe.arrow_data.data))
            for e in self.elements
            if e.WhichOneof("type") == "dataframe" and e.dataframe.arrow_data.data
        ]


@dataclass
class Session:
    number: int
    account: str
    role: str
    team: str | None
    preset: str
    times: list[tuple[int, str, float]] = field(default_factory=list)  # round, page, seconds

    @property
    def query(self) -> str:
        """The session's address, as the sidebar writes it (the widgets' French labels)."""
        query = {"periode": LABELS[self.preset][0]}
        # Direction and readers pick a pôle in the sidebar (a project manager's is fixed).
        if self.role in ("direction", "lecture"):
            query["pole"] = TEAMS[self.number % 3]
        return urlencode(query)

    @property
    def pages(self) -> list[str]:
        return [p for p in roles.pages(self.role) if p in roles.DASHBOARDS]


async def run_script(ws, *, page: str = "", query: str = "", widgets=()) -> Answer:
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    message.rerun_script.widget_states.widgets.extend(widgets)
    started = time.perf_counter()
    await ws.send(message.SerializeToString())
    elements = []
    while True:
        answer = ForwardMsg()
        answer.ParseFromString(await ws.recv())
        kind = answer.WhichOneof("type")
        if kind == "delta" and answer.delta.WhichOneof("type") == "new_element":
            elements.append(answer.delta.new_element)
        elif kind == "script_finished" and answer.script_finished != FINISHED_EARLY:
            return Answer(time.perf_counter() - started, elements)
        elif kind == "script_finished":
            elements = []  # the page reran itself (its frame's routing): the next run counts


async def drive(url: str, session: Session, rounds: int) -> None:
    async with websockets.connect(
        f"ws://{url}/_stcore/stream", subprotocols=["streamlit"], max_size=None
    ) as ws:
        # As a browser opened on the session's address: its query from the first run on.
        form = await run_script(ws, query=session.query)
        await run_script(ws, query=session.query, widgets=[
            WidgetState(id=form.widget("text_input", "Nom du compte").id,
                        string_value=session.account),
            WidgetState(id=form.widget("text_input", "Mot de passe").id, string_value=PASSWORD),
            WidgetState(id=form.widget("button", "Se connecter").id, trigger_value=True),
        ])  # fmt: skip
        for round_number in range(rounds):
            for page in session.pages:
                answer = await run_script(ws, page=page, query=session.query)
                check(session, page, answer)
                session.times.append((round_number, page, answer.seconds))


def check(session: Session, page: str, answer: Answer) -> None:
    """The answer is this session's: its period, its pôle, what its role may see."""
    captions = " ".join(answer.texts("markdown"))
    if f"Connecté : {session.account}" not in captions:
        raise Leak(f"session {session.number}: signed in as someone else? {captions[:200]}")
    pole = chosen(answer.widget("selectbox", "Pôle"))
    expected = session.team or (TEAMS[session.number % 3] if "pole=" in session.query else None)
    if pole != expected:
        raise Leak(f"session {session.number} ({session.account}) on {page}: pôle {pole!r}")
    period = chosen(answer.widget("selectbox", "Période"))
    if period != LABELS[session.preset][0]:
        raise Leak(f"session {session.number} on {page}: period {period!r}, not {session.preset}")
    labels = {m.metric.label for m in answer.elements if m.WhichOneof("type") == "metric"}
    columns = {c for frame in answer.frames() for c in frame.columns}
    if session.role != "direction" and (COST_LABELS & (labels | columns)):
        raise Leak(f"session {session.number} ({session.role}) on {page}: a cost is shown")
    if session.team and page == "charge":
        people = {name for frame in answer.frames() if "Collaborateur" in frame.columns
                  for name in frame["Collaborateur"]}  # fmt: skip
        outsiders = {p for p in people if int(p.split()[-1]) % 3 != int(session.team[-1])}
        if not people or outsiders:
            raise Leak(f"session {session.number} ({session.team}) sees {sorted(outsiders)}")


def chosen(selectbox) -> str | None:
    """A selectbox's value as the server sent it: set from the URL, else its default."""
    if selectbox.HasField("raw_value"):
        return selectbox.raw_value
    return selectbox.options[selectbox.default] if selectbox.HasField("default") else None


def memory_mb(pid: int) -> tuple[float, float]:
    """The server's resident memory now and at its peak (Linux /proc)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(database: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    log = open(Path(tempfile.mkdtemp()) / "streamlit.log", "w")  # noqa: SIM115 (kept open)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            time.sleep(0.5)
        yield f"127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def prepare(database: str, lines: int) -> None:
    today = paris_now().date()
    frames = generate(lines, max(lines // 10, 1000), start=today - timedelta(days=3 * 365),
                      end=today)  # fmt: skip
    started = time.perf_counter()
    write(database, frames)
    engine = get_engine(database)
    for name, role, team in ACCOUNTS:
        add_user(engine, name, role, PASSWORD, now=paris_now(), by="bench", team=team)
    engine.dispose()
    print(f"store of {lines:,} lines written in {time.perf_counter() - started:.1f} s")


def summary(label: str, seconds: list[float]) -> str:
    return (f"{label}: p50 {percentile(seconds, 0.5):.2f} s, p95 {percentile(seconds, 0.95):.2f} "
            f"s over {len(seconds)} pages")  # fmt: skip


async def load(url: str, sessions: list[Session], rounds: int) -> None:
    await asyncio.gather(*(drive(url, session, rounds) for session in sessions))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.postgres:
            from tests.conftest import throwaway_postgres

            server = stack.enter_context(throwaway_postgres())
            database = server.rsplit("/", 1)[0] + "/postgres"
        else:
            database = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        prepare(database, args.lines)
        url, process = stack.enter_context(serving(database))
        print(f"server memory after start: {memory_mb(process.pid)[0]:.0f} MB")

        alone = Session(0, "Direction", "direction", None, "last_12_months")
        asyncio.run(load(url, [alone], 2))  # the first round fills the caches
        baseline = [s for r, _, s in alone.times if r == 1]
        print(summary("baseline, one session alone, warm", baseline))

        sessions = [
            Session(number, *ACCOUNTS[number % len(ACCOUNTS)], PRESETS[number % len(PRESETS)])
            for number in range(args.sessions)
        ]
        started = time.perf_counter()
        asyncio.run(load(url, sessions, args.rounds))
        elapsed = time.perf_counter() - started
        now_mb, peak_mb = memory_mb(process.pid)
        first = [s for session in sessions for r, _, s in session.times if r == 0]
        later = [s for session in sessions for r, _, s in session.times if r > 0]
        print(f"{args.sessions} sessions × {args.rounds} rounds in {elapsed:.1f} s, "
              f"every answer its session's own")  # fmt: skip
        print(summary("under load, first round (caches filling)", first))
        if later:
            print(summary("under load, next rounds", later))
            ratio = percentile(later, 0.5) / percentile(baseline, 0.5)
            print(f"p50 under load ÷ p50 alone: {ratio:.1f}")
        print(f"server memory: {now_mb:.0f} MB now, {peak_mb:.0f} MB at its peak")
        by_page: dict[str, list[float]] = {}
        for session in sessions:
            for round_number, page, seconds in session.times:
                if round_number > 0:
                    by_page.setdefault(page, []).append(seconds)
        for page, seconds in sorted(by_page.items()):
            print(f"  {summary(page, seconds)}")


if __name__ == "__main__":
    main()
