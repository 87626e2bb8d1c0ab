"""`fairq doctor`: checks what this machine needs for its role and says how to fix each failure.

App-side checks (kiosk, counter, display) import only protocol, hardware and qtclient; the dispatcher's
checks (doctor.dispatcher_checks) are imported only for the dispatcher role.
"""

from .report import FAIL, PASS, WARN, Check, render

__all__ = ["FAIL", "PASS", "WARN", "Check", "render"]
