"""One check's result, and the pass/fail list people read."""

from __future__ import annotations

from dataclasses import asdict, dataclass

PASS, WARN, FAIL = "pass", "warn", "fail"
MARK = {PASS: "PASS", WARN: "WARN", FAIL: "FAIL"}


@dataclass(frozen=True)
class Check:
    """What was checked, how it went, what was seen, and (unless it passed) what to do about it."""

    role: str
    name: str
    status: str
    detail: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def passed(role: str, name: str, detail: str) -> Check:
    return Check(role, name, PASS, detail)


def failed(role: str, name: str, detail: str, fix: str) -> Check:
    return Check(role, name, FAIL, detail, fix)


def warned(role: str, name: str, detail: str, fix: str) -> Check:
    return Check(role, name, WARN, detail, fix)


def render(checks: list[Check]) -> str:
    """The list as text: one line per check, the fix indented under each that did not pass."""
    lines = []
    for c in checks:
        lines.append(f"[{MARK[c.status]}] {c.role:<10} {c.name}: {c.detail}")
        if c.fix and c.status != PASS:
            lines.append(f"       fix: {c.fix}")
    bad = sum(c.failed for c in checks)
    warn = sum(c.status == WARN for c in checks)
    lines.append(f"{len(checks) - bad - warn} checks passed, {bad} failed, {warn} warnings")
    return "\n".join(lines)
