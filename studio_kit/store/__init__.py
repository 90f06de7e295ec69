"""The project store: organizations, projects, versioned assets, runs, audit and usage.

    from studio_kit.store import open_store
    store = open_store()                                  # settings decide where; migrates on first use
    ctx = store.project("acme", "my-film", user="ana")    # creates the org/project if missing
    a = ctx.put_asset(b"...", kind="script", name="draft.fountain")
    ctx.read_bytes(a.id); ctx.asset_path(a.id); ctx.versions("script", "draft.fountain")

Every read and write of a context is scoped to its organization (and project):
another org's ids behave like ids that do not exist (TenantAccessError).
"""
from studio_kit.store.context import OrgContext, ProjectContext
from studio_kit.store.kinds import AssetKind
from studio_kit.store.models import AssetRecord, AuditRecord, OrgRecord, ProjectRecord, RunRecord, UsageRecord
from studio_kit.store.store import Store, dispose_engines, open_store

__all__ = ["open_store", "Store", "AssetKind", "ProjectContext", "OrgContext", "AssetRecord", "RunRecord",
           "AuditRecord", "UsageRecord", "ProjectRecord", "OrgRecord", "dispose_engines"]
