"""Typed settings for studio_kit (pydantic-settings).

Every knob is declared here once, with a description; ``studio config`` lists
them with their value and where the value came from (default, environment or
``STUDIO_HOME/studio.env``). Environment variables use the ``STUDIO_`` prefix.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from studio_kit.exceptions import StudioError

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
    image_backend: str = Field("auto", description="Backend for images (auto, blender3d, previz, diffusers). 'auto' is "
                                                   "the 3D previz (blender3d) when bpy is installed, else the 2D previz.")
    text_model_path: Path | None = Field(None, description="Local folder of a causal LM for the transformers text backend.")
    openai_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible chat server (Ollama, vLLM, llama.cpp).")
    openai_model: str = Field("local", description="Model name sent to the OpenAI-compatible server.")
    openai_api_key: str | None = Field(None, description="API key for the OpenAI-compatible server, if it needs one.")
    image_model_path: Path | None = Field(None, description="Local folder of a diffusers pipeline (SD 1.5, SDXL, SD3, Flux).")
    video_backend: str = Field("previz", description="Backend for moving shots (previz camera moves, diffusers).")
    video_model_path: Path | None = Field(None, description="Local folder of a diffusers video pipeline (LTX-Video, Wan, AnimateDiff).")
    ip_adapter_path: Path | None = Field(None, description="Local folder with IP-Adapter weights for reference-image conditioning.")
    controlnet_path: Path | None = Field(None, description="Local ControlNetModel folder (depth, or openpose when its name says pose) fed by the 3D previz passes.")
    image_encoder_path: Path | None = Field(None, description="Local CLIP vision model folder used for character consistency scores.")
    device: str = Field("auto", description="Torch device for model backends: auto, cpu or cuda.")
    templates_dir: Path | None = Field(None, description="Folder of papermill templates. Default: the templates shipped with studio_kit.")
    dashboards_dir: Path | None = Field(None, description="Folder of Panel dashboards. Default: the dashboards shipped with studio_kit.")
    kernel_name: str = Field("python3", description="Jupyter kernel used by papermill for template runs.")
    run_heartbeat_s: float = Field(15.0, gt=0, le=3600, description="Seconds between a running run's heartbeats; "
                                   "a run silent for four beats whose owner is gone is marked interrupted.")
    sweep_after_s: float = Field(3600.0, ge=60, description="Age in seconds after which temp files of killed "
                                 "writes and files without a row are swept when the store opens.")

    @model_validator(mode="after")
    def _derive(self) -> StudioSettings:
        self.home = Path(self.home).expanduser()
        if self.asset_root is None:
            self.asset_root = self.home / "assets"
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'studio.db').resolve()}"

    @property
    def resolved_templates_dir(self) -> Path:
        return self.templates_dir or package_dir("templates")

    @property
    def resolved_dashboards_dir(self) -> Path:
        return self.dashboards_dir or package_dir("dashboards")

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


def package_dir(name: str) -> Path:
    """A folder shipped inside the installed package (``templates``, ``dashboards``).

    In a checkout these are links to the top-level ``templates/`` and ``dashboards/``;
    a wheel carries them as package data, so an install without the checkout finds them too."""
    return Path(str(files("studio_kit") / name))


def sample_path(name: str) -> Path:
    """A sample a user can open, shipped with the package under ``studio_kit/data/samples``
    (``the_last_reel.fountain``, ``harbour_lights.fountain``, ``Cyber_Bob_ep00001.fountain``)."""
    path = package_dir("data") / "samples" / name
    if not path.is_file():
        shipped = sorted(p.name for p in path.parent.iterdir()) if path.parent.is_dir() else []
        raise StudioError(f"no sample named {name!r} ships with studio_kit",
                          hint=f"pick one of: {', '.join(shipped) or '(none: the package data is missing; reinstall)'}")
    return path


@lru_cache(maxsize=1)
def get_settings() -> StudioSettings:
    """Settings from the environment, cached; call ``reset_settings()`` after changing env vars."""
    return StudioSettings()


def reset_settings() -> None:
    get_settings.cache_clear()
