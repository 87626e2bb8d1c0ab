"""Output and input: formula cells neutralised in the CSV, strict headers on HTML, every integer range-checked."""

from __future__ import annotations

import base64
import csv
import hashlib
import io

import pytest

from dispatcher.api import create_app
from dispatcher.integrity.html import CSS
from dispatcher.integrity.report import csv_cell
from dispatcher.settings import Settings

HUGE = 10**30


def test_formula_cells_are_neutralised():
    for text in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("A001") == "A001" and csv_cell(-3) == -3 and csv_cell(2.5) == 2.5 and csv_cell(None) is None


def test_the_day_report_csv_has_no_live_formula(live):
    boss = live.client(live.device("admin", "boss"))
    boss.put("/admin/categories/C", json={"code": "C", "name_zh": "=cmd|' /C calc'!A0", "name_en": "@SUM(1)"})
    live.officer("1001", name='+HYPERLINK("http://evil")')
    live.login(8, "1001").post("/counters/8/next").raise_for_status()
    day = live.svc.hall.day.day
    text = boss.get(f"/reports/{day}.csv").text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1)" in cells and '\'+HYPERLINK("http://evil")' in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
    assert not [c for c in cells if c.startswith("-") and not _number(c)]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_html_has_a_strict_policy_and_every_reply_nosniff(live):
    supervisor = live.client(live.device("supervisor", "sup-1"))
    r = supervisor.get(f"/reports/{live.svc.hall.day.day}.html")
    policy = r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "script-src" not in policy
    digest = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy  # the report's own inline style, and nothing else
    assert f"<style>{CSS}</style>" in r.text
    for path in ("/health", "/snapshot", "/no-such-page"):
        assert supervisor.get(path).headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("PUT", "/admin/categories/E", {"code": "E", "name_zh": "查验", "name_en": "Inspection", "priority": HUGE}),
        ("PUT", "/admin/categories/E", {"code": "E", "name_zh": "查验", "name_en": "x", "priority": -1}),
        ("PUT", "/admin/categories/E", {"code": "E", "name_zh": "查验", "name_en": "x", "target_wait_min": HUGE}),
        ("PUT", "/admin/counters/8", {"number": 8, "categories": ["C"], "led_address": HUGE}),
        ("PUT", "/admin/counters/8", {"number": 8, "categories": ["C"], "keypad_address": 300}),
        ("PUT", "/admin/counters/8", {"number": 8, "categories": ["C"], "evaluator_address": 0}),
        ("PUT", "/admin/counters/8", {"number": HUGE, "categories": ["C"]}),
        ("POST", "/admin/devices", {"name": "pc-x", "role": "counter", "counter": HUGE}),
        ("POST", "/counters/1/rate", {"ticket_id": HUGE, "rating": "satisfied"}),
        ("GET", f"/tickets/{HUGE}", None),
        ("GET", f"/events?since={HUGE}", None),
        ("GET", "/events?limit=100000000", None),
    ],
)
def test_out_of_range_integers_are_422(live, method, path, body):
    admin = live.client(live.device("admin", "boss"))
    r = admin.request(method, path, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"


def test_every_integer_in_a_request_body_has_bounds(tmp_path):
    schema = create_app(Settings(data_dir=tmp_path, zeroconf=False)).openapi()
    components = schema["components"]["schemas"]
    bodies = set()
    for item in schema["paths"].values():
        for op in item.values():
            content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = content.get("schema", {}).get("$ref") or next(
                (s["$ref"] for s in content.get("schema", {}).get("anyOf", []) if "$ref" in s), None
            )
            if ref:
                bodies.add(ref.rsplit("/", 1)[-1])
            for param in op.get("parameters", []):
                if _is_int(param.get("schema", {})):
                    assert _bounded(param["schema"]), (param["name"], param["schema"])
    unbounded, seen = [], set()
    todo = list(bodies)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for field, prop in components[name].get("properties", {}).items():
            for option in [prop, *prop.get("anyOf", [])]:
                if "$ref" in option:
                    todo.append(option["$ref"].rsplit("/", 1)[-1])
                if _is_int(option) and not _bounded(option):
                    unbounded.append(f"{name}.{field}")
    assert bodies and not unbounded, unbounded


def _is_int(s: dict) -> bool:
    return s.get("type") == "integer" or any(o.get("type") == "integer" for o in s.get("anyOf", []))


def _bounded(s: dict) -> bool:
    options = [s, *s.get("anyOf", [])]
    ints = [o for o in options if o.get("type") == "integer"]
    return all({"minimum", "maximum"} <= set(o) for o in ints)
