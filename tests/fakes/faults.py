"""Seeded failure injection for the fake upstreams: each call fails with a given probability,
its kind drawn from a mix, the same sequence for the same seed."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Faults:
    rate: float  # share of calls that fail
    mix: tuple[str, ...]  # the failures, drawn uniformly
    seed: int = 0
    hang: float = 2.0  # how long a hanging call holds the connection before giving up
    drawn: Counter[str] = field(default_factory=Counter)
    times: list[tuple[float, str]] = field(default_factory=list)  # (time.monotonic(), kind)
    _rng: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self) -> str:
        with self._lock:
            failed = self._rng.random() < self.rate
            behaviour = self._rng.choice(self.mix) if failed else "ok"
            self.drawn[behaviour] += 1
            self.times.append((time.monotonic(), behaviour))
        return behaviour

    @property
    def injected(self) -> int:
        return sum(n for kind, n in self.drawn.items() if kind != "ok")

    def stall(self) -> None:
        time.sleep(self.hang)
