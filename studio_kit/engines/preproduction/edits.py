"""Manual breakdown edits: moved to :mod:`studio_kit.domain.breakdown_edits`.

The edit log is a domain model (the board, the store and the API read it); this
path re-exports it for one release.
"""
from studio_kit.domain.breakdown_edits import Edit, EditLog, SceneRef, _recount_cast  # noqa: F401 - old path
from studio_kit.exceptions import EditError  # noqa: F401 - old path
