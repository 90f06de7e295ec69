"""Budget domain models: chart of accounts, detail lines, fringes, globals, top sheet.

Money is :class:`~decimal.Decimal` in the budget's currency, rounded to cents
where it is a result (line subtotal, fringe, account, group and grand totals).
The arithmetic lives in ``studio_kit.engines.preproduction.budget``; these
models only hold the numbers a producer types into a budgeting program:

* a :class:`DetailLine` is ``amount × units × rate × multiplier``
  ("2 grips × 4.4 weeks × $1,900 × 1"), optionally with its units fed from a
  global ("SHOOT_WEEKS") so the budget follows the schedule;
* a :class:`Fringe` is a percentage of labour lines, optionally capped at a
  wage base per person (payroll tax stops at the wage base);
* an :class:`Account` sits in one of the four :class:`TopSheetGroup` groups.
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, Field

from studio_kit.exceptions import NotFoundError

CENT = Decimal("0.01")


class TopSheetGroup(str, Enum):
    """The four blocks of a top sheet, in print order."""

    ABOVE_THE_LINE = "atl"
    BELOW_THE_LINE = "btl"
    POST = "post"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "atl": "Above the line",
            "btl": "Below the line (production)",
            "post": "Post-production",
            "other": "Other",
        }[self.value]

    @property
    def short(self) -> str:
        """Short label for one-line summaries: ATL, BTL, post, other."""
        return {"atl": "ATL", "btl": "BTL", "post": "post", "other": "other"}[self.value]


class Fringe(BaseModel):
    """A payroll fringe: ``percent`` of each labour line, capped per person at ``cutoff``.

    ``cutoff`` is the wage base in currency per person (e.g. US Social Security
    stops at the annual wage base); ``None`` means uncapped. A line with
    ``amount`` = 3 people has three wage bases. The cap is applied per line,
    so budget each person on one line (as the presets do: one crew line spans
    prep + shoot + wrap weeks, one cast line all DOOD days).
    """

    code: str
    name: str
    percent: Decimal                      # 7.65 means 7.65 %
    cutoff: Decimal | None = None         # wage base per person, currency
    note: str = ""


class Global(BaseModel):
    """A named budget variable (SHOOT_DAYS, PREP_WEEKS ...).

    ``formula`` (e.g. ``"ROUND(SHOOT_DAYS / DAYS_PER_WEEK, 1)"``) makes it
    derived from other globals; ``value`` then holds the evaluated number.
    """

    name: str
    value: Decimal
    formula: str | None = None
    description: str = ""


class DetailLine(BaseModel):
    """One line of an account: ``amount × units × rate × multiplier``.

    ``amount`` is how many (people, items), ``units`` how long or how much in
    ``unit_label`` (days, weeks, hours, minutes, allow, flat), ``rate`` the
    price per unit in currency. When ``units_formula`` names globals
    (``"PREP_WEEKS + SHOOT_WEEKS"``) the units follow them and ``units``
    holds the evaluated value.
    """

    description: str
    amount: Decimal = Decimal("1")
    units: Decimal = Decimal("1")
    unit_label: str = "allow"
    rate: Decimal = Decimal("0")
    multiplier: Decimal = Decimal("1")
    units_formula: str | None = None
    fringes: list[str] = Field(default_factory=list)   # fringe codes
    labour: bool = False                                # fringes only apply to labour
    note: str = ""                                      # where the number came from

    @property
    def wage_per_person(self) -> Decimal:
        """Gross for one person on this line (units × rate × multiplier), unrounded."""
        return self.units * self.rate * self.multiplier


class Account(BaseModel):
    """A chart-of-accounts entry ("2100 Camera") with its detail lines."""

    code: str
    name: str
    group: TopSheetGroup
    lines: list[DetailLine] = Field(default_factory=list)


class Budget(BaseModel):
    """A whole budget: accounts, fringe table, globals and contingency.

    ``contingency_percent`` applies to the groups in ``contingency_base``
    (below the line and post by default: the costs that overrun, while
    above-the-line deals are fixed when signed).
    """

    title: str = "Untitled"
    preset: str = ""
    currency: str = "USD"
    accounts: list[Account] = Field(default_factory=list)
    fringes: dict[str, Fringe] = Field(default_factory=dict)
    globals: dict[str, Global] = Field(default_factory=dict)
    contingency_percent: Decimal = Decimal("10")
    contingency_base: list[TopSheetGroup] = Field(
        default_factory=lambda: [TopSheetGroup.BELOW_THE_LINE, TopSheetGroup.POST])
    contingency_code: str = "5900"
    notes: list[str] = Field(default_factory=list)

    def account(self, code: str) -> Account:
        for acc in self.accounts:
            if acc.code == code:
                return acc
        raise NotFoundError(f"No account {code} in this budget.", hint="Use an account code from the chart of accounts.")


class LineTotal(BaseModel):
    """A computed detail line: subtotal, fringe by code, total (currency, cents)."""

    account_code: str
    description: str
    subtotal: Decimal
    fringes: dict[str, Decimal] = Field(default_factory=dict)
    fringe_total: Decimal = Decimal("0")
    total: Decimal


class AccountTotal(BaseModel):
    code: str
    name: str
    group: TopSheetGroup
    subtotal: Decimal       # before fringes
    fringe_total: Decimal
    total: Decimal


class TopSheet(BaseModel):
    """The computed budget: per line, per account, per group, contingency, grand total."""

    title: str
    preset: str
    currency: str
    lines: list[LineTotal]
    accounts: list[AccountTotal]
    groups: dict[TopSheetGroup, Decimal]      # account totals per group, contingency excluded
    contingency_percent: Decimal
    contingency: Decimal                      # counted in the "other" group share
    grand_total: Decimal

    def group_total(self, group: TopSheetGroup) -> Decimal:
        """Group total as printed on the top sheet (other includes contingency)."""
        base = self.groups.get(group, Decimal("0"))
        return base + self.contingency if group == TopSheetGroup.OTHER else base

    def shares(self) -> dict[TopSheetGroup, float]:
        """Share of the grand total per group (0–1), contingency counted in other."""
        if not self.grand_total:
            return {g: 0.0 for g in TopSheetGroup}
        return {g: float(self.group_total(g) / self.grand_total) for g in TopSheetGroup}
