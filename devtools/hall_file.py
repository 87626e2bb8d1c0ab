"""hall.toml files for tests."""

from __future__ import annotations

from pathlib import Path


def write_hall(path: Path, *, hall_id: str = "t", counters: int = 4, lost_after_s: int = 300) -> Path:
    """A hall file: categories A/B/C, counters serving all, k=3."""
    lines = [f'hall_id = "{hall_id}"', 'name = "测试大厅"', "k = 3", f"counter_lost_after_s = {lost_after_s}", ""]
    for code, zh, en in [("A", "进口", "Import"), ("B", "出口", "Export"), ("C", "其他", "Other")]:
        lines += ["[[categories]]", f'code = "{code}"', f'name_zh = "{zh}"', f'name_en = "{en}"', ""]
    for n in range(1, counters + 1):
        lines += ["[[counters]]", f"number = {n}", 'categories = ["A", "B", "C"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
