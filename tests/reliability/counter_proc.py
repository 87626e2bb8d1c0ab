"""A stand-in counter client process: holds the event stream (pinging), presses Next, prints the ticket, waits.

Run as `python -m tests.reliability.counter_proc API_URL WS_URL TOKEN COUNTER`; the test kills it with -9.
"""

from __future__ import annotations

import json
import sys
import time

import httpx
from websockets.sync.client import connect


def main(api: str, ws_url: str, token: str, counter: int) -> None:
    with connect(f"{ws_url}", additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10) as ws:
        r = httpx.post(f"{api}/counters/{counter}/next", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        r.raise_for_status()
        print(json.dumps(r.json()["ticket"]), flush=True)
        while True:
            ws.send(json.dumps({"type": "ping"}))
            time.sleep(0.3)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
