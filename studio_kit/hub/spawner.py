"""The studio's JupyterHub spawners: a kernel profile chosen at spawn, the user's studio identity in
every kernel, and the shared project store.

``StudioLocalProcessSpawner`` runs each server as the hub user's Unix account (one machine, real
users); ``StudioSimpleSpawner`` runs them all as the hub's own account with homes under a folder
(a try-out or a test — no isolation between users). Both add only what ``StudioSpawnerMixin``
defines: ``options_form``, ``options_from_form``, ``get_env`` and a GPU check in ``start``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner
from traitlets import Unicode, default
from traitlets.config import Configurable

from studio_kit.hub.identity import StudioIdentity, identity_for
from studio_kit.hub.profiles import KernelProfile, find_profile, load_profiles, options_form
from studio_kit.runs.batch import local_gpus

if TYPE_CHECKING:
    # the mixin only ever sits in front of a JupyterHub Spawner: type it as one, so ``super().get_env()``,
    # ``self.user`` and ``self.user_options`` resolve (at run time it stays a plain Configurable)
    from jupyterhub.spawner import Spawner as _SpawnerBase
else:
    _SpawnerBase = Configurable


class StudioSpawnerMixin(_SpawnerBase):
    """Profile form + studio environment; mixed into a JupyterHub spawner class."""

    profiles_file = Unicode("", config=True,
                            help="YAML file of kernel profiles (default: the profiles shipped with studio_kit).")
    studio_database_url = Unicode("", config=True,
                                  help="STUDIO_DATABASE_URL every kernel uses: the studio's shared project store.")
    studio_home = Unicode("", config=True, help="STUDIO_HOME for kernels (shared asset root); empty keeps the user's own.")
    default_org = Unicode("default", config=True, help="Organization of hub users who are in no `org:<slug>` group.")

    def _profiles(self) -> list[KernelProfile]:
        return load_profiles(self.profiles_file or None)

    def _options_form(self, spawner: Any = None) -> str:
        return options_form(self._profiles())

    def options_from_form(self, formdata: dict[str, list[str]]) -> dict[str, Any]:
        slug = (formdata.get("profile") or [""])[0]
        return {"profile": find_profile(slug, self._profiles()).slug}

    @property
    def profile(self) -> KernelProfile:
        return find_profile((self.user_options or {}).get("profile"), self._profiles())

    def studio_identity(self) -> StudioIdentity:
        groups = [g.name for g in self.user.groups]
        return identity_for(self.user.name, groups, self.default_org or None)

    def get_env(self) -> dict[str, str]:
        env = super().get_env()
        profile = self.profile
        env.update(self.studio_identity().env())
        env["STUDIO_PROFILE"] = profile.slug
        env["STUDIO_PROJECT"] = env.get("STUDIO_PROJECT", "workbench")
        if self.studio_database_url:
            env["STUDIO_DATABASE_URL"] = self.studio_database_url
        if self.studio_home:
            env["STUDIO_HOME"] = self.studio_home
        if not profile.gpus:
            env["CUDA_VISIBLE_DEVICES"] = ""          # CPU profiles never grab a GPU by accident
        return env

    def _apply_profile(self, spawner: Any, user_options: dict[str, Any]) -> None:
        """Validate the chosen profile (an unknown one is a 400 for the user) and set its limits."""
        profile = find_profile((user_options or {}).get("profile"), self._profiles())
        spawner.cpu_limit, spawner.mem_limit = float(profile.cpus), profile.memory

    async def start(self) -> Any:
        profile = self.profile
        if profile.gpus:
            have = local_gpus()
            if have < profile.gpus:
                raise RuntimeError(f"Profile {profile.slug!r} needs {profile.gpus} GPU(s); this machine has {have}. "
                                   "Choose a CPU profile, or run the hub on a GPU node.")
        return await super().start()


class StudioLocalProcessSpawner(StudioSpawnerMixin, LocalProcessSpawner):
    """Servers as the users' own Unix accounts on this machine."""

    @default("options_form")
    def _default_options_form(self):
        return self._options_form

    @default("apply_user_options")
    def _default_apply_user_options(self):
        return self._apply_profile


class StudioSimpleSpawner(StudioSpawnerMixin, SimpleLocalProcessSpawner):
    """Servers as the hub's account, homes under ``home_dir_template`` (try-out and tests only)."""

    @default("options_form")
    def _default_options_form(self):
        return self._options_form

    @default("apply_user_options")
    def _default_apply_user_options(self):
        return self._apply_profile
