"""Page lengths in eighths, written the way producers write them ("1 4/8", never 1.5).

One page is 8 eighths (about an inch of printed script, roughly 1/8 of a minute of screen time).
"""
from __future__ import annotations

from studio_kit.exceptions import ScriptError


def format_eighths(eighths: int) -> str:
    """12 -> "1 4/8", 8 -> "1", 3 -> "3/8", 0 -> "0" (the trade never reduces 4/8 to 1/2)."""
    whole, rest = divmod(int(eighths), 8)
    if whole and rest:
        return f"{whole} {rest}/8"
    if rest:
        return f"{rest}/8"
    return str(whole)


def parse_eighths(text: str | int | float, *, allow_decimal: bool = False) -> int:
    """Inverse of :func:`format_eighths`: "1 4/8" -> 12, "3/8" -> 3, "2" -> 16.

    A decimal page count ("5.5", 5.5) is refused unless ``allow_decimal`` (for limits a
    producer types, such as pages per day), where it is rounded to the nearest eighth.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if allow_decimal or float(text).is_integer():
            return int(round(float(text) * 8))
        raise _bad(text)
    total = 0
    parts = str(text).strip().split()
    if not parts:
        raise _bad(text)
    try:
        for part in parts:
            if "/" in part:
                num, den = part.split("/", 1)
                if int(den) != 8 or int(num) < 0:
                    raise ValueError(part)
                total += int(num)
            elif allow_decimal:
                total += int(round(float(part) * 8))
            else:
                total += int(part) * 8
    except ValueError:
        raise _bad(text) from None
    return total


def _bad(text: object) -> ScriptError:
    return ScriptError(f"{text!r} is not a page length in eighths.",
                       hint='Write it like "1 4/8", "3/8" or "2" (decimals such as 1.5 are not used for scene lengths).')
