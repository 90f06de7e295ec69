"""Moved to :mod:`studio_kit.domain.cast` (the cast list is script analysis that the character and
pre-production engines both read; keeping it here made the two engines import each other).

This path re-exports it for one release; new code imports ``studio_kit.domain.cast``.
"""
from studio_kit.domain.cast import *  # noqa: F403 - re-exported for one release
from studio_kit.domain.cast import _animal_word, _holds  # noqa: F401 - used by old callers
