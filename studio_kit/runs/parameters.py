"""Validate and convert run parameters against a template's declared parameters."""
from __future__ import annotations

import ast
import json
from typing import Any

from studio_kit.exceptions import ParameterError
from studio_kit.runs.templates import Template, TemplateParameter

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def convert_value(param: TemplateParameter, value: Any) -> Any:
    """Convert a CLI string (or a Python value) to the parameter's declared type."""
    type_name = param.type_name.split("[")[0].strip().lower()
    if type_name.startswith("optional") or type_name in {"none", ""}:
        type_name = param.type_name.lower().removeprefix("optional[").rstrip("]") or "str"
    if not isinstance(value, str):
        return _check_python_value(param, type_name, value)
    text = value.strip()
    try:
        if type_name == "int":
            return int(text)
        if type_name == "float":
            return float(text)
        if type_name == "bool":
            low = text.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(text)
        if type_name in {"list", "dict", "tuple"}:
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                parsed = ast.literal_eval(text)
            expected = {"list": list, "dict": dict, "tuple": (list, tuple)}[type_name]
            if not isinstance(parsed, expected):
                raise ValueError(text)
            return parsed
    except (ValueError, SyntaxError):
        raise ParameterError(
            f"Parameter '{param.name}' expects {param.type_name}, got {value!r}.",
            hint=f"Pass a {param.type_name} value, e.g. -p {param.name} {param.default}",
        ) from None
    return value


def _check_python_value(param: TemplateParameter, type_name: str, value: Any) -> Any:
    expected = {"int": int, "float": (int, float), "bool": bool, "str": str, "list": list, "dict": dict}.get(type_name)
    if expected and not isinstance(value, expected) or (type_name == "int" and isinstance(value, bool)):
        raise ParameterError(f"Parameter '{param.name}' expects {param.type_name}, got {type(value).__name__} {value!r}.",
                             hint=f"Pass a {param.type_name} value.")
    return float(value) if type_name == "float" else value


def validate_parameters(template: Template, given: dict[str, Any]) -> dict[str, Any]:
    """Reject unknown names (listing the known ones), convert types, name missing required ones."""
    known = {p.name: p for p in template.parameters}
    unknown = [n for n in given if n not in known]
    if unknown:
        raise ParameterError(
            f"Template '{template.name}' has no parameter {', '.join(repr(u) for u in unknown)}. "
            f"Known parameters: {', '.join(known) or 'none'}.",
            hint=f"Run `studio templates {template.name}` to see each parameter's type and help.",
        )
    converted = {name: convert_value(known[name], value) for name, value in given.items()}
    missing = [p.name for p in template.parameters if p.required and p.name not in converted]
    if missing:
        raise ParameterError(f"Template '{template.name}' needs parameter(s) {', '.join(missing)}.",
                             hint="Pass them with -p NAME VALUE.")
    return converted
