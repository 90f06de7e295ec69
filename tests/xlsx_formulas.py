"""Recalculate an exported workbook with a maintained spreadsheet engine (``formulas``).

The budget writes live formulas; these helpers prove the workbook still adds up after a
producer edits a cell, the way Excel or LibreOffice would recalculate it. studio_kit itself
ships no formula evaluator: the budget has one calculator (``engines/preproduction/budget``).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl


class Workbook:
    """An XLSX file compiled by ``formulas``: read any cell's value, set inputs, recalculate."""

    def __init__(self, path: str | Path):
        import formulas

        self.path = Path(path)
        self.model = formulas.ExcelModel().loads(str(self.path)).finish()
        self.inputs: dict[str, Any] = {}
        self._solution: Any = None
        book = openpyxl.load_workbook(self.path)
        self.cells = {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows()
                      for c in row if c.value is not None}

    def _key(self, sheet: str, coord: str) -> str:
        return f"'[{self.path.name}]{sheet.upper()}'!{coord.upper()}"

    def set(self, sheet: str, coord: str, value: Any) -> None:
        """Type a new value into a cell (an input); the next read recalculates."""
        self.inputs[self._key(sheet, coord)] = value
        self._solution = None

    def value(self, sheet: str, coord: str) -> Decimal:
        """The cell's value after recalculation, to the cent (budgets are money)."""
        if self._solution is None:
            self._solution = self.model.calculate(inputs=dict(self.inputs))
        key = self._key(sheet, coord)
        if key in self._solution:
            raw = self._solution[key].value[0, 0]
        else:  # a constant no formula reads
            raw = self.inputs.get(key, self.cells[(sheet, coord)])
        return Decimal(str(float(raw))).quantize(Decimal("0.01"))
