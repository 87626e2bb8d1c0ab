"""What a verification found: the first problems, located, and whether the day stands."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing that does not check out, and where: `event 123`, `draw 17`, `day`."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class Verdict:
    """The outcome of verifying a day (or the whole log): problems in log order, the first one first."""

    chain: list[Problem] = field(default_factory=list)
    draws: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: int = 0
    draws_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.chain and not self.draws

    @property
    def first(self) -> Problem | None:
        return (self.chain or self.draws or [None])[0]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "records": self.records,
            "draws_checked": self.draws_checked,
            "chain": [str(p) for p in self.chain],
            "draws": [str(p) for p in self.draws],
            "notes": self.notes,
        }
