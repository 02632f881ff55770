"""Settings from the environment, in one typed object that fails fast."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is present but unusable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    max_upload_mb: int = 50
    demo_provinces: tuple[str, ...] | None = None
    roles_file_override: Path | None = None

    @property
    def geo_dir(self) -> Path:
        return self.data_dir / "geo"

    @property
    def roles_file(self) -> Path:
        """Who may see what when login is on: PANTAU_ROLES_FILE, or peran.toml in the data directory."""
        return self.roles_file_override or self.data_dir / "peran.toml"


def load_settings(data_dir: str | os.PathLike | None = None) -> Settings:
    """Settings from arguments, then the environment.

    `PANTAU_DATA_DIR` (default data/), `PANTAU_MAX_UPLOAD_MB` (default 50), `PANTAU_DEMO_PROVINSI`
    (comma-separated province codes: limits the first-run demo, e.g. for quick trials and tests) and
    `PANTAU_ROLES_FILE` (the roles file used when login is on; default <data_dir>/peran.toml).
    """
    raw = data_dir or os.environ.get("PANTAU_DATA_DIR") or REPO_ROOT / "data"
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"PANTAU_DATA_DIR menunjuk ke {path}, yang bukan direktori.")
    raw_mb = os.environ.get("PANTAU_MAX_UPLOAD_MB", "50")
    try:
        max_mb = int(raw_mb)
    except ValueError:
        raise ConfigError(f"PANTAU_MAX_UPLOAD_MB harus bilangan bulat, bukan {raw_mb!r}.") from None
    if max_mb <= 0:
        raise ConfigError(f"PANTAU_MAX_UPLOAD_MB harus lebih dari 0, bukan {max_mb}.")
    raw_provinces = os.environ.get("PANTAU_DEMO_PROVINSI", "").strip()
    provinces = tuple(p.strip() for p in raw_provinces.split(",") if p.strip()) or None
    raw_roles = os.environ.get("PANTAU_ROLES_FILE", "").strip()
    roles = Path(raw_roles).expanduser().resolve() if raw_roles else None
    return Settings(data_dir=path, max_upload_mb=max_mb, demo_provinces=provinces, roles_file_override=roles)
