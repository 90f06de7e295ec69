"""Recalculate an XLSX workbook's formulas without a spreadsheet program.

A small evaluator for the formula forms studio_kit writes (budget exports):
numbers, cell references (``A1``, ``$B$2``, ``Detail!H7``, ``'Top sheet'!E9``),
ranges inside ``SUM``, ``ROUND``, ``MIN``, ``MAX``, ``+ - * /`` and
parentheses. It exists so tests and the dashboard can prove that a workbook
still adds up after a producer edits a rate — LibreOffice is not available
to recalculate. Arithmetic is Decimal, ROUND is half away from zero like
Excel's. Anything else raises :class:`FormulaError` naming the cell.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from studio_kit.exceptions import StudioError


class FormulaError(StudioError):
    """A workbook formula uses a form this evaluator does not know, or is circular."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>(?:(?:'(?P<qs>[^']+)'|(?P<s>[A-Za-z_][A-Za-z0-9_]*))!)?
              \$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))?)
     |(?P<func>[A-Z]+)\(
     |(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
     |(?P<op>[-+*/(),])
    )""",
    re.VERBOSE,
)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _round(x: Decimal, n: Decimal = Decimal(0)) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP)


def _flat(args: tuple) -> list[Decimal]:
    out: list[Decimal] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


_FUNCS = {
    "ROUND": _round,
    "SUM": lambda *a: sum(_flat(a), Decimal(0)),
    "MIN": lambda *a: min(_flat(a)),
    "MAX": lambda *a: max(_flat(a)),
}


class Workbook:
    """Cells of an .xlsx (formulas kept) with overridable inputs and recursive evaluation."""

    def __init__(self, path: str | Path):
        import openpyxl

        wb = openpyxl.load_workbook(str(path), data_only=False)
        self.cells: dict[tuple[str, str], Any] = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        self.cells[(ws.title, c.coordinate)] = c.value
        self._memo: dict[tuple[str, str], Any] = {}
        self._stack: set[tuple[str, str]] = set()

    def set(self, sheet: str, coord: str, value: Any) -> None:
        """Change an input cell (a rate, a global) as a producer would; clears cached results."""
        self.cells[(sheet, coord.replace("$", ""))] = value
        self._memo.clear()

    def formula(self, sheet: str, coord: str) -> str | None:
        v = self.cells.get((sheet, coord))
        return v if isinstance(v, str) and v.startswith("=") else None

    def value(self, sheet: str, coord: str) -> Any:
        """The evaluated value of a cell (Decimal for numbers, text as is, 0 for empty)."""
        key = (sheet, coord.replace("$", ""))
        if key in self._memo:
            return self._memo[key]
        raw = self.cells.get(key)
        if isinstance(raw, str) and raw.startswith("="):
            if key in self._stack:
                raise FormulaError(f"Circular reference at {sheet}!{coord}")
            self._stack.add(key)
            try:
                result = self._eval(raw[1:], sheet, key)
            finally:
                self._stack.discard(key)
        elif raw is None:
            result = Decimal(0)
        elif isinstance(raw, bool):
            result = raw
        elif isinstance(raw, (int, float)):
            result = Decimal(str(raw))
        else:
            result = raw
        self._memo[key] = result
        return result

    def _eval(self, formula: str, sheet: str, key: tuple[str, str]) -> Decimal:
        pos, code, env = 0, [], {"_f": _FUNCS}
        refs: list[Any] = []
        while pos < len(formula):
            m = _TOKEN.match(formula, pos)
            if not m or m.end() == pos:
                raise FormulaError(f"{key[0]}!{key[1]}: cannot read formula ={formula} at {formula[pos:]!r}")
            pos = m.end()
            if m.group("ref"):
                target = m.group("qs") or m.group("s") or sheet
                if m.group("c2"):
                    c1, c2 = _col_index(m.group("c1")), _col_index(m.group("c2"))
                    r1, r2 = int(m.group("r1")), int(m.group("r2"))
                    refs.append([self._num(target, f"{_letters(c)}{r}") for c in range(c1, c2 + 1)
                                 for r in range(r1, r2 + 1)])
                else:
                    refs.append(self._num(target, f"{m.group('c1')}{m.group('r1')}"))
                code.append(f"_r[{len(refs) - 1}]")
            elif m.group("func"):
                name = m.group("func")
                if name not in _FUNCS:
                    raise FormulaError(f"{key[0]}!{key[1]}: function {name} is not supported")
                code.append(f"_f[{name!r}](")
            elif m.group("num"):
                code.append(f"_D({m.group('num')!r})")
            else:
                code.append(m.group("op"))
        env.update({"_r": refs, "_D": Decimal})
        try:
            return eval("".join(code), {"__builtins__": {}}, env)  # noqa: S307 - tokens are whitelisted above
        except (SyntaxError, TypeError, ArithmeticError) as exc:
            raise FormulaError(f"{key[0]}!{key[1]}: ={formula} failed: {exc}") from None

    def _num(self, sheet: str, coord: str) -> Decimal:
        v = self.value(sheet, coord)
        if isinstance(v, Decimal):
            return v
        if v in ("", None):
            return Decimal(0)
        raise FormulaError(f"{sheet}!{coord} holds text {v!r} where a number is needed")
