"""The link's transport seam: the same REST calls answered by the in-process app, no socket at all."""

from __future__ import annotations

from fastapi.testclient import TestClient

from devtools.procs import Enrolment
from dispatcher.api.app import create_app
from dispatcher.settings import Settings
from qtclient.rest import Call, FunctionTransport

HALL = """
hall_id = "h"
name = "测试"
[[categories]]
code = "C"
name_zh = "其他"
name_en = "Other"
[[counters]]
number = 1
categories = ["C"]
"""


def test_a_link_talks_to_the_in_process_app_through_a_function_transport(qtbot, make_link, tmp_path):
    (tmp_path / "hall.toml").write_text(HALL, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "d", config=tmp_path / "hall.toml", zeroconf=False)
    enrolment = Enrolment(settings)
    try:
        kiosk = enrolment.device("kiosk", "kiosk-1")
    finally:
        enrolment.close()
    web = create_app(settings)
    with TestClient(web) as app:
        web.state.service.run(lambda hall: hall.open_day())

        def handler(call: Call) -> tuple[int, object]:
            headers = {**call.headers, **({"Authorization": f"Bearer {call.bearer}"} if call.bearer else {})}
            r = app.request(call.method, call.url.removeprefix("http://in-process"), json=call.body, headers=headers)
            return r.status_code, r.json() if r.content else None

        transport = FunctionTransport(handler)
        link = make_link("http://in-process", kiosk, transport=transport)

        def ask(send) -> object:
            got = []
            send(got.append)
            qtbot.waitUntil(lambda: bool(got), timeout=10000)
            return got[0]

        me = ask(link.device_me)
        issued = ask(lambda cb: link.issue_ticket("C", idempotency_key="k-1", callback=cb))
        refused = ask(lambda cb: link.issue_ticket("X", idempotency_key="k-2", callback=cb))
    assert me.ok and me.data["name"] == "kiosk-1"
    assert issued.ok and issued.data["label"] == "C001"
    assert refused.reached and not refused.ok and refused.status == 422 and refused.code == "unknown_category"
    assert refused.message  # the dispatcher's own words, for the screen
    assert [c.path for c in transport.calls] == ["/devices/me", "/tickets", "/tickets"]
    assert transport.calls[1].headers == {"Idempotency-Key": "k-1"} and transport.calls[1].bearer == kiosk
