"""Every tenant table of the store in one place: the lists the scoped session filters by organization and project.

Each model module lists its own tables (``models``: the core, ``ops_models``: studio ops, ``platform_models``: the
platform); this module, above all three, joins them, so no model module has to import another one back.
"""
from __future__ import annotations

from sqlmodel import SQLModel

from studio_kit.store.models import CORE_ORG_TABLES, CORE_PROJECT_TABLES
from studio_kit.store.ops_models import OPS_ORG_TABLES, OPS_PROJECT_TABLES
from studio_kit.store.platform_models import PLATFORM_ORG_TABLES, PLATFORM_PROJECT_TABLES

#: tables filtered by ``org_id`` in every scoped session (Organization by its id)
ORG_TABLES: tuple[type[SQLModel], ...] = CORE_ORG_TABLES + OPS_ORG_TABLES + PLATFORM_ORG_TABLES
#: tables additionally filtered by ``project_id`` in a project-scoped session
PROJECT_TABLES: tuple[type[SQLModel], ...] = CORE_PROJECT_TABLES + OPS_PROJECT_TABLES + PLATFORM_PROJECT_TABLES
