"""The one settings object. `DATABASE_URL` is the only database setting."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'pilotage.db'}"
PARIS = ZoneInfo("Europe/Paris")


class SettingsError(ValueError):
    """An environment setting cannot be used; the message says which and why, in French."""


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise SettingsError(
            f"La variable d'environnement {name} vaut « {raw} » : un nombre entier positif est "
            f"attendu (par défaut {default})."
        )
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    # Files larger than this are refused before being read (bytes).
    max_file_bytes: int = field(
        default_factory=lambda: _whole_number("PILOTAGE_MAX_FILE_MB", 50) * 1024 * 1024
    )
    # A workbook is refused when it unpacks beyond this many megabytes, or (past 50 MB) to more
    # than this many times its size: real exports unpack to 10-20 times, bombs to hundreds.
    max_unpacked_mb: int = field(
        default_factory=lambda: _whole_number("PILOTAGE_MAX_UNPACKED_MB", 1000)
    )
    max_unpack_ratio: int = field(
        default_factory=lambda: _whole_number("PILOTAGE_MAX_UNPACK_RATIO", 50)
    )
    # Work dates, invoice dates and payment dates further in the future than this are refused.
    future_tolerance_days: int = field(
        default_factory=lambda: _whole_number("PILOTAGE_FUTURE_DAYS", 31)
    )
    # Work, invoice and payment dates before 1 January of this year are refused (typing errors).
    earliest_year: int = field(
        default_factory=lambda: _whole_number("PILOTAGE_EARLIEST_YEAR", 2000)
    )
    # Client payment terms given to invoices that come without a due date (FEC).
    payment_terms_days: int = field(
        default_factory=lambda: _whole_number("PILOTAGE_TERMS_DAYS", 30)
    )
    # A sign-in in the app lasts this many hours, then the password is asked again.
    session_hours: int = field(default_factory=lambda: _whole_number("PILOTAGE_SESSION_HOURS", 8))
    # Recorded as the author of imports made from the command line (in the app: who signed in).
    user: str = field(default_factory=lambda: os.environ.get("PILOTAGE_USER") or _os_user())
    # Where the firm reaches the app: the digest's links start with it.
    public_url: str = field(
        default_factory=lambda: os.environ.get("PILOTAGE_URL") or "http://127.0.0.1:8501"
    )
    # The signed-in person's role (model/roles.py); None: the operator (command line, or a
    # local app before its first account), who may do everything.
    role: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", database_url_from(self.database_url))

    @property
    def earliest_date(self) -> date:
        """1 January of `earliest_year`: work, invoice and payment dates before it are refused."""
        return date(max(self.earliest_year, 1), 1, 1)


def database_url_from(raw: str) -> str:
    """A database URL, or a plain path taken as a SQLite file (`--db data/firm.db`)."""
    raw = raw.strip()
    if "://" not in raw:
        if not raw:
            raise SettingsError("La base de données n'est pas nommée : une URL ou un fichier.")
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    scheme = raw.split("://", 1)[0].split("+", 1)[0].lower()
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise SettingsError(
            f"La base « {raw.split('://', 1)[0]}://… » n'est pas prise en charge : "
            "sqlite:///chemin/vers/fichier.db ou postgresql://utilisateur@hôte/base est attendu."
        )
    return raw


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def get_settings() -> Settings:
    return Settings()


def paris_now() -> datetime:
    """Local wall-clock time in Europe/Paris, naive, as the store keeps it (KPI.md §0)."""
    return datetime.now(PARIS).replace(tzinfo=None)
