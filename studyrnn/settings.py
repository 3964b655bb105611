"""Where things live: the progress database, the learner, the deck folders.

Resolved once from the command line and the environment, then passed to whatever needs it
(the app factory, the commands). Nothing here touches the disk except ``ensure_data_dir``.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "studyrnn"
ENV_DB = "STUDYRNN_DB"
ENV_DECKS = "STUDYRNN_DECKS"
ENV_DATA_DIR = "STUDYRNN_DATA_DIR"  # overrides the platform data dir (tests, portable installs)
ENV_TZ = (
    "STUDYRNN_TZ"  # the learner's time zone (IANA name) for the study day; default: the machine's
)


def data_dir() -> Path:
    """The per-user data directory (platformdirs), unless ``STUDYRNN_DATA_DIR`` overrides it."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


ZONE_CHOICES_FILE = (
    "timezone.json"  # learner -> the zone chosen in Settings (absent: the machine's)
)


def chosen_timezone(learner: str) -> str:
    """The time zone ``learner`` chose in Settings, or "" (follow this machine's zone). The store
    keeps the zone in use; this keeps whether it was chosen, so a start does not move it back."""
    import json

    try:
        data = json.loads((data_dir() / ZONE_CHOICES_FILE).read_text(encoding="utf-8"))
        name = data.get(learner, "") if isinstance(data, dict) else ""
    except (OSError, ValueError):
        return ""
    return name if isinstance(name, str) else ""


def choose_timezone(learner: str, name: str) -> None:
    """Keep ``learner``'s chosen zone for the next start ("" : follow this machine's again)."""
    import json

    from studyrnn.files import write_output

    path = data_dir() / ZONE_CHOICES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    if name:
        data[learner] = name
    else:
        data.pop(learner, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_output(path, json.dumps(data, indent=1, sort_keys=True) + "\n", force=True)


def default_db_url() -> str:
    """``STUDYRNN_DB`` if set, else an SQLite file in the user data directory."""
    return os.environ.get(ENV_DB) or f"sqlite:///{data_dir() / 'progress.sqlite3'}"


def default_learner() -> str:
    """The OS user name; a class database tells learners apart by it."""
    try:
        return getpass.getuser() or "learner"
    except Exception:  # no passwd entry (containers): still a usable name
        return "learner"


def bundled_content_dir() -> Path:
    """The bundled ``content/`` folder, for an installed wheel and a source checkout alike."""
    here = Path(__file__).resolve().parent
    installed = here / "_content"
    if installed.is_dir():
        return installed
    return here.parent / "content"


def bundled_decks_dir() -> Path:
    return bundled_content_dir() / "decks"


def user_decks_dir() -> Path:
    return data_dir() / "decks"


@dataclass(frozen=True)
class Settings:
    """Everything the app and the commands need to know about the outside world."""

    db_url: str
    learner: str
    deck_dirs: tuple[Path, ...] = field(default_factory=tuple)
    # the IANA zone of the learner's study day ("" = this machine's zone); the rollover hour and
    # the learn-ahead limit are the learner's settings in the store (defaults 4 a.m., 20 minutes)
    timezone: str = ""

    @property
    def store_url(self) -> str | None:
        """What to hand ``open_store``: None for the default location (whose folder studyrnn
        creates on first use), else the URL the user named (whose folder must exist)."""
        return None if self.db_url == default_db_url() else self.db_url

    @classmethod
    def resolve(
        cls,
        db: str | None = None,
        learner: str | None = None,
        decks: list[str] | None = None,
    ) -> Settings:
        """Command-line values first, then the environment, then the platform defaults.

        Deck folders: the bundled decks, the user's ``decks/`` folder, then ``STUDYRNN_DECKS``
        (os.pathsep-separated) and every ``--decks DIR``, in that order.
        """
        dirs: list[Path] = [bundled_decks_dir(), user_decks_dir()]
        env_decks = os.environ.get(ENV_DECKS)
        if env_decks:
            dirs += [Path(p).expanduser() for p in env_decks.split(os.pathsep) if p]
        dirs += [Path(p).expanduser() for p in (decks or [])]
        unique = tuple(dict.fromkeys(dirs))
        return cls(
            db_url=db if db is not None else default_db_url(),
            learner=learner or default_learner(),
            deck_dirs=unique,
            timezone=os.environ.get(ENV_TZ, ""),
        )
