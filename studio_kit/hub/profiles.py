"""Kernel profiles (CPU small / CPU large / GPU x1) as data, for the spawner form and the Helm values."""
from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from studio_kit.exceptions import ConfigError
from studio_kit.store.files import read_yaml_mapping
from studio_kit.templating import render_html

PROFILES_FILE = Path(str(files("studio_kit") / "data" / "hub" / "profiles.yaml"))


@dataclass(frozen=True)
class KernelProfile:
    slug: str
    display_name: str
    cpus: float
    memory: str
    gpus: int = 0
    default: bool = False

    @property
    def usage_unit(self) -> str:
        """What one second of this server costs in: GPU-seconds for GPU profiles, else CPU-seconds."""
        return "gpu-second" if self.gpus else "cpu-second"

    def units(self, seconds: float) -> float:
        """Metered units for ``seconds`` of uptime (GPUs or cores x seconds)."""
        return (self.gpus or self.cpus) * seconds


def load_profiles(path: str | Path | None = None) -> list[KernelProfile]:
    """The profile list (shipped YAML, or ``path``); exactly one default."""
    hint = "Each profile needs slug, display_name, cpus, memory and optionally gpus, default (see the shipped profiles.yaml)."
    data = read_yaml_mapping(path or PROFILES_FILE, what="Kernel profiles file", error=ConfigError, hint=hint)
    try:
        profiles = [KernelProfile(**p) for p in data.get("profiles") or []]
    except TypeError as exc:
        raise ConfigError(f"Kernel profiles file {path or PROFILES_FILE}: {exc}.", hint=hint) from None
    if not profiles:
        raise ConfigError("No kernel profiles are defined.", hint=hint)
    if sum(p.default for p in profiles) != 1:
        raise ConfigError("Exactly one kernel profile must be the default.", hint=hint)
    if len({p.slug for p in profiles}) != len(profiles):
        raise ConfigError("Kernel profile slugs must be unique.", hint=hint)
    return profiles


def find_profile(slug: str | None, profiles: list[KernelProfile] | None = None) -> KernelProfile:
    profiles = profiles or load_profiles()
    if not slug:
        return next(p for p in profiles if p.default)
    for p in profiles:
        if p.slug == slug:
            return p
    raise ConfigError(f"Unknown kernel profile {slug!r}.", hint="Choose one of: " + ", ".join(p.slug for p in profiles))


def options_form(profiles: list[KernelProfile]) -> str:
    """The spawn page's profile chooser (radio buttons, the default checked)."""
    return render_html("hub/profile_options.html.j2", profiles=profiles)


def kubespawner_profile_list(profiles: list[KernelProfile]) -> list[dict[str, Any]]:
    """The same profiles as zero-to-jupyterhub's ``singleuser.profileList``."""
    out = []
    for p in profiles:
        override: dict[str, Any] = {"cpu_limit": p.cpus, "mem_limit": p.memory,
                                    "environment": {"STUDIO_PROFILE": p.slug}}
        if p.gpus:
            override["extra_resource_limits"] = {"nvidia.com/gpu": str(p.gpus)}
            override["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
        entry: dict[str, Any] = {"display_name": p.display_name, "slug": p.slug, "kubespawner_override": override}
        if p.default:
            entry["default"] = True
        out.append(entry)
    return out
