"""Validate and convert run parameters against a template's declared parameters."""
from __future__ import annotations

import ast
import json
import math
from typing import Any

from studio_kit.exceptions import ParameterError
from studio_kit.runs.templates import Template, TemplateParameter

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}

#: the Python type(s) a value of each declared type name may have (an ``isinstance`` class-info)
_ClassInfo = type | tuple[type, ...]
_PARSED_TYPES: dict[str, _ClassInfo] = {"list": list, "dict": dict, "tuple": (list, tuple)}
_PYTHON_TYPES: dict[str, _ClassInfo] = {
    "int": int, "float": (int, float), "bool": bool, "str": str, "list": list, "dict": dict}


#: limits on what a parameter may hold: a title of 120 KB or a list nested 10,000 deep is a mistake
MAX_TEXT = 64 * 1024
MAX_DEPTH = 32
MAX_INT = 2**63 - 1


def _depth(text: str) -> int:
    """Deepest bracket nesting in ``text`` (ignoring brackets inside quotes is not needed: it only bounds)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]})":
            depth -= 1
    return deepest


def _refusal(param: TemplateParameter, why: str) -> ParameterError:
    return ParameterError(f"Parameter '{param.name}' {why}.",
                          hint=f"Pass a sensible {param.type_name} value, e.g. -p {param.name} {param.default}")


def _sensible(param: TemplateParameter, value: Any, depth: int = 0) -> Any:
    """Refuse values no template can mean: NaN/infinite floats, integers past 64 bits, text past
    64 KB or with NUL bytes, containers nested past 32 levels."""
    if depth > MAX_DEPTH:
        raise _refusal(param, f"is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, float) and not math.isfinite(value):
        raise _refusal(param, f"is {value}, not a finite number")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise _refusal(param, f"is {str(value)[:24]}..., past the 64-bit integer range")
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise _refusal(param, f"is {len(value)} characters long (at most {MAX_TEXT})")
    if isinstance(value, str) and "\x00" in value:
        raise _refusal(param, "contains a NUL byte")
    if isinstance(value, dict):
        for k, v in value.items():
            _sensible(param, k, depth + 1)
            _sensible(param, v, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _sensible(param, v, depth + 1)
    return value


def convert_value(param: TemplateParameter, value: Any) -> Any:
    """Convert a CLI string (or a Python value) to the parameter's declared type; refuse nonsense."""
    if isinstance(value, str):
        _sensible(param, value)  # length and NUL before any parsing
        if _depth(value) > MAX_DEPTH:  # before json/ast recurse into it
            raise _refusal(param, f"is nested more than {MAX_DEPTH} levels deep")
    return _sensible(param, _convert(param, value))


def _convert(param: TemplateParameter, value: Any) -> Any:
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
            expected = _PARSED_TYPES[type_name]
            if not isinstance(parsed, expected):
                raise ValueError(text)
            return parsed
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ParameterError(
            f"Parameter '{param.name}' expects {param.type_name}, got {value!r}.",
            hint=f"Pass a {param.type_name} value, e.g. -p {param.name} {param.default}",
        ) from None
    return value


def _check_python_value(param: TemplateParameter, type_name: str, value: Any) -> Any:
    expected = _PYTHON_TYPES.get(type_name)
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
