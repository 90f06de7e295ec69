"""Budget arithmetic: rate-card data, globals, detail lines, fringes, top sheet.

The rules a producer expects from a budgeting program:

* a detail line is ``ROUND(amount × units × rate × multiplier, 2)``;
* a fringe is ``ROUND(percent/100 × MIN(wage per person, cutoff) × amount, 2)``
  per fringe code on labour lines (the cutoff is a wage base per person);
* an account total is its lines' subtotals plus their fringes;
* contingency is ``ROUND(percent/100 × (BTL + post), 2)`` by default;
* the grand total is every account plus contingency.

Money is Decimal, rounded half away from zero to cents exactly like the
spreadsheet's ROUND, so the XLSX, CSV and PDF exports agree to the cent.
The package data (``studio_kit/data/budget/*.yaml``) is loaded once and can be
overridden per project by a YAML file deep-merged over it.
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from studio_kit.domain.budget import (
    CENT,
    AccountTotal,
    Budget,
    DetailLine,
    Global,
    LineTotal,
    TopSheet,
    TopSheetGroup,
)
from studio_kit.exceptions import BudgetError
from studio_kit.store.files import read_yaml_mapping

DATA_FILES = ("chart_of_accounts", "fringes", "rate_cards", "usage_rates", "presets")
ZERO = Decimal("0")


def money(value: Decimal | int | float | str) -> Decimal:
    """Round to cents, half away from zero (the spreadsheet ROUND)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: Any, what: str) -> Decimal:
    """A YAML/CLI number as Decimal (via str, so 0.1 stays 0.1); BudgetError names ``what``."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise BudgetError(f"{what}: expected a number, got {value!r}", hint="Write a plain number, e.g. 1500 or 7.65.")
    try:
        out = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise BudgetError(f"{what}: expected a number, got {value!r}", hint="Write a plain number, e.g. 1500 or 7.65.") from None
    if not out.is_finite():
        raise BudgetError(f"{what}: {value!r} is not a finite number")
    return out


# -- data: package YAML + project override -------------------------------------

def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Recursively merge ``over`` onto ``base`` (dicts merge, everything else replaces)."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@lru_cache(maxsize=1)
def _package_data() -> dict[str, Any]:
    root = resources.files("studio_kit") / "data" / "budget"
    data: dict[str, Any] = {}
    for name in DATA_FILES:
        data = deep_merge(data, yaml.safe_load((root / f"{name}.yaml").read_text(encoding="utf-8")) or {})
    return data


def load_budget_data(override: str | Path | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The package chart, fringes, rate cards, usage rates and presets, merged into one dict.

    ``override`` is a project YAML file (or an already-loaded dict) with any of
    the same top-level keys (``accounts``, ``fringes``, ``crew_week``,
    ``gpu_hour_rate``, ``presets`` ...); it is deep-merged over the package data.
    """
    data = copy.deepcopy(_package_data())
    if override is None:
        return data
    if isinstance(override, Mapping):
        return deep_merge(data, override)

    loaded = read_yaml_mapping(override, "Budget override file", BudgetError,
                               hint="Pass a YAML file of the rates to change, with keys such as `fringes:` or "
                               "`crew_week:` (every key is `name: value`).")
    return deep_merge(data, loaded)


def preset_names(data: Mapping[str, Any] | None = None) -> list[str]:
    data = data or _package_data()
    return list(data.get("presets", {}))


def resolve_preset(name: str, data: Mapping[str, Any] | None = None) -> str:
    """Full preset name for ``name`` or a short alias ("indie-medium"); BudgetError lists the known ones."""
    data = data or _package_data()
    presets = data.get("presets", {})
    key = (name or "").strip().lower()
    key = data.get("aliases", {}).get(key, key)
    if key not in presets:
        known = ", ".join(list(presets) + list(data.get("aliases", {})))
        raise BudgetError(f"Unknown budget preset {name!r}", hint=f"Use one of: {known}.")
    return key


# -- formulas of globals ---------------------------------------------------------

_FUNCS: dict[str, Callable[..., Decimal]] = {
    "ROUND": lambda x, n=ZERO: x.quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP),
    "MIN": min,
    "MAX": max,
}


def evaluate_formula(formula: str, names: Mapping[str, Decimal]) -> Decimal:
    """Evaluate a global/units formula ("ROUND(SHOOT_DAYS / DAYS_PER_WEEK, 1)") in Decimal.

    Allowed: numbers, global names, + - * /, parentheses, ROUND, MIN, MAX — the
    same forms the XLSX export writes, so both give the same number.
    """
    try:
        tree = ast.parse(str(formula).strip(), mode="eval")
    except SyntaxError:
        raise BudgetError(f"Formula {formula!r} is not valid",
                          hint="Use global names, numbers, + - * / and ROUND/MIN/MAX.") from None

    def ev(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise BudgetError(f"Formula {formula!r} uses unknown global {node.id}",
                                  hint=f"Known globals: {', '.join(sorted(names))}.")
            return names[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div) and b == 0:
                raise BudgetError(f"Formula {formula!r} divides by zero", hint="Check the globals it uses.")
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            return a * b if isinstance(node.op, ast.Mult) else a / b
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS and not node.keywords:
            return _FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise BudgetError(f"Formula {formula!r} uses an unsupported expression",
                          hint="Use global names, numbers, + - * / and ROUND/MIN/MAX.")

    return ev(tree)


def formula_names(formula: str) -> list[str]:
    """Global names a formula refers to, in order of first use."""
    out: list[str] = []
    for node in ast.walk(ast.parse(str(formula).strip(), mode="eval")):
        if isinstance(node, ast.Name) and node.id not in _FUNCS and node.id not in out:
            out.append(node.id)
    return out


def make_globals(defs: Mapping[str, Any], descriptions: Mapping[str, str] | None = None) -> dict[str, Global]:
    """Globals from ``{name: number or formula}``, formulas evaluated in dependency order."""
    descriptions = descriptions or {}
    values: dict[str, Decimal] = {}
    formulas = {k: str(v) for k, v in defs.items() if isinstance(v, str) and not _is_number(v)}
    for k, v in defs.items():
        if k not in formulas:
            values[k] = to_decimal(v, f"global {k}")
    pending = dict(formulas)
    while pending:
        ready = [k for k, f in pending.items() if all(n in values for n in formula_names(f))]
        if not ready:
            missing = {k: [n for n in formula_names(f) if n not in values] for k, f in pending.items()}
            raise BudgetError(f"Globals cannot be evaluated: {missing}",
                              hint="Define every global a formula uses, without circular references.")
        for k in ready:
            values[k] = evaluate_formula(pending.pop(k), values)
    return {k: Global(name=k, value=values[k], formula=formulas.get(k), description=descriptions.get(k, ""))
            for k in defs}


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip())
        return True
    except InvalidOperation:
        return False


def refresh(budget: Budget) -> Budget:
    """Re-evaluate derived globals and every line's ``units_formula`` (after editing a global)."""
    defs: dict[str, Any] = {g.name: (g.formula or g.value) for g in budget.globals.values()}
    budget.globals = make_globals(defs, {g.name: g.description for g in budget.globals.values()})
    values = {k: g.value for k, g in budget.globals.items()}
    for acc in budget.accounts:
        for line in acc.lines:
            if line.units_formula:
                line.units = evaluate_formula(line.units_formula, values)
    return budget


def set_global(budget: Budget, name: str, value: Decimal | int | float | str) -> Budget:
    """Set a global (e.g. SHOOT_DAYS from the schedule) and update everything that follows it."""
    if name not in budget.globals:
        raise BudgetError(f"Budget has no global {name}", hint=f"Known globals: {', '.join(budget.globals)}.")
    g = budget.globals[name]
    budget.globals[name] = Global(name=name, value=to_decimal(value, f"global {name}"), description=g.description)
    return refresh(budget)


# -- totals ------------------------------------------------------------------------

def line_subtotal(line: DetailLine) -> Decimal:
    """ROUND(amount × units × rate × multiplier, 2)."""
    return money(line.amount * line.units * line.rate * line.multiplier)


def line_fringes(line: DetailLine, budget: Budget) -> dict[str, Decimal]:
    """Fringe per code on a labour line: percent × min(wage per person, cutoff) × people, to cents."""
    if not line.labour:
        return {}
    out: dict[str, Decimal] = {}
    for code in line.fringes:
        fringe = budget.fringes.get(code)
        if fringe is None:
            raise BudgetError(f"Line {line.description!r} uses unknown fringe {code}",
                              hint=f"Known fringes: {', '.join(budget.fringes)}.")
        base = line.wage_per_person
        if fringe.cutoff is not None:
            base = min(base, fringe.cutoff)
        out[code] = money(fringe.percent / 100 * base * line.amount)
    return out


def compute(budget: Budget) -> TopSheet:
    """Totals per line, account, group; contingency; grand total (all to the cent)."""
    lines: list[LineTotal] = []
    accounts: list[AccountTotal] = []
    groups = {g: ZERO for g in TopSheetGroup}
    for acc in budget.accounts:
        sub = fr = ZERO
        for line in acc.lines:
            s = line_subtotal(line)
            f = line_fringes(line, budget)
            ft = sum(f.values(), ZERO)
            lines.append(LineTotal(account_code=acc.code, description=line.description, subtotal=s,
                                   fringes=f, fringe_total=ft, total=s + ft))
            sub += s
            fr += ft
        accounts.append(AccountTotal(code=acc.code, name=acc.name, group=acc.group,
                                     subtotal=sub, fringe_total=fr, total=sub + fr))
        groups[acc.group] += sub + fr
    base = sum((groups[g] for g in budget.contingency_base), ZERO)
    contingency = money(budget.contingency_percent / 100 * base)
    grand = sum(groups.values(), ZERO) + contingency
    return TopSheet(title=budget.title, preset=budget.preset, currency=budget.currency, lines=lines,
                    accounts=accounts, groups=groups, contingency_percent=budget.contingency_percent,
                    contingency=contingency, grand_total=grand)


def format_money(value: Decimal, currency: str = "USD") -> str:
    """$1,234,567.89 (or "EUR 1,234.50" for other currencies)."""
    sign = "-" if value < 0 else ""
    body = f"{abs(money(value)):,.2f}"
    return f"{sign}${body}" if currency == "USD" else f"{sign}{currency} {body}"


def summary_line(top: TopSheet) -> str:
    """'Budget indie-feature-medium: ATL $x, BTL $y, post $z, other $w, total $T (contingency 10%)'."""
    parts = ", ".join(f"{g.short} {format_money(top.group_total(g), top.currency)}" for g in TopSheetGroup)
    pct = f"{top.contingency_percent.normalize():f}"
    return f"Budget {top.preset or top.title}: {parts}, total {format_money(top.grand_total, top.currency)} (contingency {pct}%)"


# -- table view for editors (dashboard detail table) --------------------------------

EDITABLE = ("description", "amount", "units", "unit_label", "rate", "multiplier")


def detail_rows(budget: Budget) -> list[dict[str, Any]]:
    """One dict per detail line with its computed subtotal, fringes and total (currency)."""
    top = compute(budget)
    totals = iter(top.lines)
    rows = []
    for acc in budget.accounts:
        for i, line in enumerate(acc.lines):
            t = next(totals)
            rows.append({"account": acc.code, "account_name": acc.name, "group": acc.group.value, "line": i,
                         "description": line.description, "amount": line.amount, "units": line.units,
                         "unit_label": line.unit_label, "rate": line.rate, "multiplier": line.multiplier,
                         "units_formula": line.units_formula or "", "fringes": " ".join(line.fringes),
                         "subtotal": t.subtotal, "fringe_total": t.fringe_total, "total": t.total})
    return rows


def update_line(budget: Budget, account_code: str, index: int, **changes: Any) -> Budget:
    """Edit one detail line as a producer would (rate, amount, units ...); typing units by hand
    detaches the line from its global. Unknown fields and non-numbers raise BudgetError."""
    try:
        line = budget.account(account_code).lines[index]
    except (KeyError, IndexError):
        raise BudgetError(f"Budget has no line {index} in account {account_code}",
                          hint="Pick an account code and line index from the detail table.") from None
    for field, value in changes.items():
        if field not in EDITABLE:
            raise BudgetError(f"Field {field!r} of a budget line cannot be edited", hint=f"Editable: {', '.join(EDITABLE)}.")
        if field in ("description", "unit_label"):
            setattr(line, field, str(value))
            continue
        setattr(line, field, to_decimal(value, f"{account_code} line {index} {field}"))
        if field == "units":
            line.units_formula = None
    return budget
