"""The one way studio_kit writes HTML: Jinja templates with autoescaping on.

Every HTML page and fragment (call sheets, stripboards, the Script Room's
panes, the hub's forms, ...) is a template in ``studio_kit/data/templates``
(shipped as package data) rendered by :func:`render_html`. Text from users
(titles, character names, notes) is escaped by the environment, so there is
one escaping path; pass markup that is already safe (another rendered
fragment, a fixed icon) as :class:`Markup`.
"""
from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING, Any

from markupsafe import Markup  # re-exported: safe HTML (a rendered fragment) passes through unescaped

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

TEMPLATE_FOLDER = ("data", "templates")


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment: autoescape on, undefined names are errors, block tags leave no blank lines."""
    try:
        import jinja2
    except ImportError:  # jinja2 is a core dependency; say what to install if an install lost it
        from studio_kit.exceptions import ConfigError

        raise ConfigError("HTML pages need jinja2, which is not installed",
                          hint="pip install 'jinja2>=3.1'") from None

    folder = resources.files("studio_kit").joinpath(*TEMPLATE_FOLDER)
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=_blank_none)


def _blank_none(value: Any) -> Any:
    """``{{ x }}`` prints nothing for None (a missing optional field), not the word "None"."""
    return "" if value is None else value


def render_html(name: str, /, **context: Any) -> str:
    """Render the template ``name`` (a path under studio_kit/data/templates) with ``context``."""
    return environment().get_template(name).render(**context)


def render_macro(name: str, macro: str, /, *args: Any, **kwargs: Any) -> str:
    """Call the macro ``macro`` of template ``name``: for small fragments that share one template file."""
    return str(getattr(environment().get_template(name).module, macro)(*args, **kwargs))


def compile_all() -> int:
    """Compile every template once (the environment keeps them: a server does it at start, not on its first
    visitor's clock); returns how many."""
    env = environment()
    names = env.list_templates(extensions=["j2"])
    for name in names:
        env.get_template(name)
    return len(names)


__all__ = ["Markup", "compile_all", "environment", "render_html", "render_macro"]
