"""Typed settings, read from the environment once."""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _var_dir() -> Path:
    path = Path(os.environ.get("REGULARS_VAR_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_file(var_dir: Path, name: str) -> str:
    """A secret kept under var/, generated on first run, never committed."""
    path = var_dir / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    secret_key: str
    timezone: str
    public_base_url: str
    sqlite_synchronous: str
    pg_pool_size: int  # PostgreSQL connections per process (asyncpg's default, 10, unless set)
    secure_cookies: bool
    session_idle_minutes: int
    argon2_cheap: bool
    trusted_proxies: tuple[str, ...]
    run_jobs_in_server: bool
    log_level: str
    metrics_token: str
    retention_months: int
    erasure_deadline_days: int

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        assert not self.is_postgres
        return Path(self.database_url.removeprefix("sqlite:///"))


@functools.cache
def get_settings() -> Settings:
    var_dir = _var_dir()
    default_db = f"sqlite:///{var_dir / 'regulars.sqlite3'}"
    public_base_url = os.environ.get("REGULARS_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    return Settings(
        var_dir=var_dir,
        database_url=os.environ.get("REGULARS_DATABASE_URL", default_db),
        secret_key=os.environ.get("REGULARS_SECRET_KEY") or _secret_file(var_dir, "secret_key"),
        timezone=os.environ.get("REGULARS_TIMEZONE", "Asia/Shanghai"),
        public_base_url=public_base_url.rstrip("/"),
        sqlite_synchronous=os.environ.get("REGULARS_SQLITE_SYNCHRONOUS", "FULL").upper(),
        pg_pool_size=int(os.environ.get("REGULARS_PG_POOL_SIZE", "10")),
        secure_cookies=_bool("REGULARS_SECURE_COOKIES", public_base_url.startswith("https://")),
        session_idle_minutes=int(os.environ.get("REGULARS_SESSION_IDLE_MINUTES", "480")),
        argon2_cheap=_bool("REGULARS_ARGON2_CHEAP", False),
        trusted_proxies=tuple(
            p.strip() for p in os.environ.get("REGULARS_TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        run_jobs_in_server=_bool("REGULARS_RUN_JOBS_IN_SERVER", True),
        log_level=os.environ.get("REGULARS_LOG_LEVEL", "INFO"),
        metrics_token=os.environ.get("REGULARS_METRICS_TOKEN", ""),
        retention_months=int(os.environ.get("REGULARS_RETENTION_MONTHS", "36")),
        erasure_deadline_days=int(os.environ.get("REGULARS_ERASURE_DEADLINE_DAYS", "15")),
    )
