"""The image default is 'auto': the 3D previz (blender3d) when bpy is installed, else the 2D previz."""
from __future__ import annotations

import pytest

from studio_kit.backends.base import Availability
from studio_kit.config import StudioSettings as Settings
from studio_kit.exceptions import BackendError
from studio_kit.registry import get_backend_class, load_backend, resolve_name


def test_auto_is_the_3d_previz_when_bpy_is_installed_else_the_2d_one(monkeypatch):
    monkeypatch.delenv("STUDIO_IMAGE_BACKEND", raising=False)
    settings = Settings()
    assert settings.image_backend == "auto"
    cls = get_backend_class("image", "blender3d")
    if cls.availability(settings).ok:
        assert resolve_name("image", "auto", settings) == "blender3d"
    monkeypatch.setattr(cls, "availability", classmethod(lambda c, s=None: Availability(False, "bpy missing")))
    assert resolve_name("image", "auto", settings) == "previz"
    assert load_backend("image", settings=settings).name == "previz"
    assert resolve_name("image", "diffusers", settings) == "diffusers"   # an explicit name is kept


def test_auto_is_refused_where_it_means_nothing():
    with pytest.raises(BackendError, match="'auto' is not a choice for voice"):
        resolve_name("voice", "auto")
