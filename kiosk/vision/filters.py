"""One Euro filter (Casiez, Roussel, Vogel 2012): low lag when moving, low jitter when still."""
from __future__ import annotations

import math


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Smooths one scalar signal sampled at irregular, real timestamps (seconds).

    ``min_cutoff`` (Hz) sets the smoothing of a still signal; ``beta`` how fast the cutoff rises
    with speed; ``d_cutoff`` (Hz) smooths the speed estimate itself.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0:
            raise ValueError("cutoff frequencies must be positive")
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self._x: float | None = None
        self._dx = 0.0
        self._t: float | None = None

    @property
    def value(self) -> float | None:
        return self._x

    def reset(self) -> None:
        self._x = None
        self._dx = 0.0
        self._t = None

    def __call__(self, x: float, t: float) -> float:
        if self._x is None or self._t is None:
            self._x, self._t = float(x), t
            return self._x
        dt = t - self._t
        if dt <= 0:  # same or older timestamp: keep the last estimate
            return self._x
        dx = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x


class OneEuroVector:
    """A One Euro filter per named component, sharing parameters."""

    def __init__(self, names: tuple[str, ...], min_cutoff: float = 1.0, beta: float = 0.0,
                 d_cutoff: float = 1.0) -> None:
        self._filters = {n: OneEuroFilter(min_cutoff, beta, d_cutoff) for n in names}

    def __call__(self, values: dict[str, float], t: float) -> dict[str, float]:
        return {n: self._filters[n](v, t) if n in self._filters else v for n, v in values.items()}

    def reset(self) -> None:
        for f in self._filters.values():
            f.reset()
