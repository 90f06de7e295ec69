"""The REST API over the engines' services (FastAPI): ``create_app(store)`` builds it.

Imported only by `studio api`, tests and deployments (FastAPI is an optional extra).
"""
from __future__ import annotations

from studio_kit.api.app import create_app as _create


def create_app(store=None):
    return _create(store)
