"""Every setting, read from ``EMPORIX_*`` environment variables (pydantic-settings).

``Settings`` says which API to talk to and how hard (it needs credentials);
``LocalSettings`` says where this machine keeps its files (it needs none).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, HttpUrl, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

TENANT_PATTERN = r"^[a-z][a-z0-9]+$"


class Settings(BaseSettings):
    """Where the API is and how hard to drive it.

    The secret is a ``SecretStr`` so that it never appears in a repr, a log line or
    an exception message.
    """

    model_config = SettingsConfigDict(env_prefix="EMPORIX_", extra="ignore", frozen=True)

    api_url: HttpUrl = HttpUrl("https://api.emporix.io")
    tenant: str = Field(pattern=TENANT_PATTERN, min_length=3, max_length=16)
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    site: str = "main"

    page_size: int = Field(default=1000, ge=1, le=10_000)
    concurrency: int = Field(default=16, ge=1, le=64)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    read_timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=20)
    backoff_base_s: float = Field(default=0.25, ge=0)
    backoff_max_s: float = Field(default=20.0, ge=0)
    # How long the dashboard's sessions share a loaded table (a new session starts from
    # it without loading); 0: every session loads its own. Reload always loads anew.
    shared_table_s: float = Field(default=600.0, ge=0)

    @property
    def base_url(self) -> str:
        return str(self.api_url).rstrip("/")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Build from a mapping such as the ``[emporix]`` section of Streamlit secrets.

        Keys may be given with or without the ``EMPORIX_`` prefix and in any case;
        environment variables fill whatever the mapping leaves out.
        """
        cleaned = {}
        for key, value in values.items():
            name = key.lower().removeprefix("emporix_")
            if name in cls.model_fields:
                cleaned[name] = value
        return cls(**cleaned)


class LocalSettings(BaseSettings):
    """Where the push journal, the user's saved reports and views, and the embedded
    sandbox keep their files.

    An empty variable counts as unset, so the default applies.
    """

    model_config = SettingsConfigDict(
        env_prefix="EMPORIX_", extra="ignore", frozen=True, env_ignore_empty=True
    )

    data_dir: Path = Path(".emporix-data")
    journal_db: Path = Field(default_factory=lambda values: values["data_dir"] / "journal.db")
    reports_dir: Path = Field(default_factory=lambda values: values["data_dir"] / "reports")
    views_file: Path = Field(default_factory=lambda values: values["data_dir"] / "views.json")
    sandbox_db: Path = Path(".sandbox/demo.db")


class _ConfiguredClientId(BaseSettings):
    """Only whether ``EMPORIX_CLIENT_ID`` is set: credentials are configured."""

    model_config = SettingsConfigDict(env_prefix="EMPORIX_", extra="ignore", frozen=True)

    client_id: str = ""


def has_credentials(values: Mapping[str, Any] | None = None) -> bool:
    """True if a client id is configured in ``values`` or the environment."""
    keys = {key.lower().removeprefix("emporix_") for key in (values or {})}
    return "client_id" in keys or bool(_ConfiguredClientId().client_id)


class SettingsError(ValueError):
    """Settings are missing or invalid; the message names the variables, never their values."""


def load_settings(values: Mapping[str, Any] | None = None) -> Settings:
    """Settings from ``values`` (e.g. Streamlit secrets) and ``EMPORIX_*`` variables."""
    try:
        return Settings.from_mapping(values or {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            name = "EMPORIX_" + "_".join(str(part) for part in error["loc"]).upper()
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("invalid Emporix settings: " + "; ".join(problems)) from None
