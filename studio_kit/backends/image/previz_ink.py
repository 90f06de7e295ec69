"""Ink-and-marker drawing primitives shared by previz figures and creatures.

Colours are RGB tuples; lengths are pixels at the supersampled drawing size.
"""
from __future__ import annotations

import math
from typing import Any

INK = (38, 38, 44)
PAPER = (246, 243, 236)


def _mix(c: tuple[int, int, int], other: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(int(a + (b - a) * t) for a, b in zip(c, other))  # type: ignore[return-value]


def _shade(c: tuple[int, int, int], k: float) -> tuple[int, int, int]:
    """``c`` with each channel scaled by ``k`` (darker below 1), truncated to ints."""
    return int(c[0] * k), int(c[1] * k), int(c[2] * k)


def _ellipse_pts(cx: float, cy: float, rx: float, ry: float, n: int = 28, a0: float = 0.0,
                 a1: float = 2 * math.pi, jaw: float = 0.0) -> list[tuple[float, float]]:
    """Points of an ellipse; ``jaw`` > 0 squares off its lower half (jawline)."""
    pts = []
    for i in range(n):
        a = a0 + (a1 - a0) * i / n
        x, y = math.cos(a), math.sin(a)
        if jaw and y > 0:
            x = x * (1 - 0.25 * (1 - jaw) * y)
            y = y ** (1 + jaw * 0.8) if y > 0 else y
        pts.append((cx + rx * x, cy + ry * y))
    return pts


def _limb(path: list[tuple[float, float]], w0: float, w1: float) -> list[tuple[float, float]]:
    """A tapered outline around a polyline (arm, leg): half-width w0 at the start, w1 at the end."""
    left, right = [], []
    n = len(path)
    for i, (x, y) in enumerate(path):
        ax, ay = path[max(i - 1, 0)]
        bx, by = path[min(i + 1, n - 1)]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1.0
        w = w0 + (w1 - w0) * i / max(1, n - 1)
        nx, ny = -dy / norm * w, dx / norm * w
        left.append((x + nx, y + ny))
        right.append((x - nx, y - ny))
    return left + right[::-1]


class Pen:
    """Ink + wash on one ImageDraw: outlines drawn twice with a deterministic wobble."""

    def __init__(self, draw: Any, seed: int, weight: float, light: float = 1.0):
        self.draw = draw
        self.seed = seed
        self.w = max(1, int(round(weight)))
        self.light = light  # 1 daylight … 0.45 night: washes darken, ink stays
        self._n = 0

    def wash(self, colour: tuple[int, int, int]) -> tuple[int, int, int]:
        """A marker tint: the colour knocked back towards paper, then scaled by the scene light."""
        c = _mix(_mix(colour, (128, 128, 128), 0.18), PAPER, 0.3)
        return tuple(int(v * self.light) for v in c)  # type: ignore[return-value]

    def _offset(self) -> tuple[float, float]:
        self._n += 1
        h = (self.seed * 2654435761 + self._n * 40503) & 0xFFFF
        return ((h & 0xFF) / 255 - 0.5) * self.w * 1.4, ((h >> 8) / 255 - 0.5) * self.w * 1.4

    def shape(self, pts: list[tuple[float, float]], fill: tuple[int, int, int] | None, closed: bool = True,
              ink: tuple[int, int, int] = INK) -> None:
        if fill is not None and len(pts) > 2:
            self.draw.polygon(pts, fill=self.wash(fill))
        line = pts + [pts[0]] if closed else pts
        self.draw.line(line, fill=ink, width=self.w, joint="curve")
        dx, dy = self._offset()
        self.draw.line([(x + dx, y + dy) for x, y in line], fill=_mix(ink, PAPER, 0.55), width=max(1, self.w // 2))

    def stroke(self, pts: list[tuple[float, float]], width: float | None = None,
               ink: tuple[int, int, int] = INK) -> None:
        self.draw.line(pts, fill=ink, width=max(1, int(width or self.w)), joint="curve")
