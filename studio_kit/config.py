"""Typed settings for studio_kit (pydantic-settings).

Every knob is declared here once, with a description; ``studio config`` lists
them with their value and where the value came from (default, environment or
``STUDIO_HOME/studio.env``). Environment variables use the ``STUDIO_`` prefix.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "STUDIO_"


class StudioSettings(BaseSettings):
    """All studio_kit settings. Read from the environment (``STUDIO_*``)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    home: Path = Field(Path("./studio-home"), description="Folder that holds the SQLite store, assets and runs.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the project store. Default: SQLite file studio.db in STUDIO_HOME. "
        "Use postgresql+psycopg://user@host:5432/db for a shared deployment.",
    )
    asset_root: Path | None = Field(None, description="Where asset files are stored. Default: STUDIO_HOME/assets.")
    org: str = Field("default", description="Organization slug used by the CLI when none is given.")
    project: str = Field("demo", description="Project slug used by the CLI when none is given.")
    user: str = Field(default_factory=lambda: os.environ.get("USER", "studio"),
                      description="User name recorded as created_by on assets, runs and audit events.")
    text_backend: str = Field("procedural", description="Backend for text (procedural, transformers, openai).")
    image_backend: str = Field("previz", description="Backend for images (previz, diffusers).")
    text_model_path: Path | None = Field(None, description="Local folder of a causal LM for the transformers text backend.")
    openai_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible chat server (Ollama, vLLM, llama.cpp).")
    openai_model: str = Field("local", description="Model name sent to the OpenAI-compatible server.")
    openai_api_key: str | None = Field(None, description="API key for the OpenAI-compatible server, if it needs one.")
    image_model_path: Path | None = Field(None, description="Local folder of a diffusers pipeline (SD 1.5, SDXL, SD3, Flux).")
    ip_adapter_path: Path | None = Field(None, description="Local folder with IP-Adapter weights for reference-image conditioning.")
    image_encoder_path: Path | None = Field(None, description="Local CLIP vision model folder used for character consistency scores.")
    device: str = Field("auto", description="Torch device for model backends: auto, cpu or cuda.")
    templates_dir: Path | None = Field(None, description="Folder of papermill templates. Default: the repository's templates/.")
    dashboards_dir: Path | None = Field(None, description="Folder of Panel dashboards. Default: the repository's dashboards/.")
    kernel_name: str = Field("python3", description="Jupyter kernel used by papermill for template runs.")

    @model_validator(mode="after")
    def _derive(self) -> "StudioSettings":
        self.home = Path(self.home).expanduser()
        if self.asset_root is None:
            self.asset_root = self.home / "assets"
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'studio.db').resolve()}"

    @property
    def resolved_templates_dir(self) -> Path:
        return self.templates_dir or repo_root() / "templates"

    @property
    def resolved_dashboards_dir(self) -> Path:
        return self.dashboards_dir or repo_root() / "dashboards"

    def describe(self) -> list[dict[str, Any]]:
        """Every setting with value, source (default/env) and description, for ``studio config``."""
        rows = []
        for name, field in type(self).model_fields.items():
            env = ENV_PREFIX + name.upper()
            source = "env" if env in os.environ else "default"
            value = getattr(self, name)
            if name == "database_url" and value is None:
                value, source = self.resolved_database_url, "derived"
            elif name == "asset_root" and source == "default":
                source = "derived"
            if name == "openai_api_key" and value:
                value = "***"
            rows.append({"name": name, "env": env, "value": "" if value is None else str(value),
                         "source": source, "description": field.description or ""})
        return rows


def repo_root() -> Path:
    """The checkout that holds templates/ and dashboards/ (studio_kit's parent)."""
    return Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def get_settings() -> StudioSettings:
    """Settings from the environment, cached; call ``reset_settings()`` after changing env vars."""
    return StudioSettings()


def reset_settings() -> None:
    get_settings.cache_clear()
