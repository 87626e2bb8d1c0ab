"""Integrity: the audit chain, proofs of the draws, risk warnings and the supervisor's report.

Verification reads the store or a day bundle; the rules read a plain list of events, so they run on
a live hall's log and on days generated with the domain core alike.
"""

from .chain_check import verify_chain
from .html import render_html
from .proof import verify_draws
from .records import DayLog, Record, closed_days, load_day, load_records
from .replay import Replay, replay
from .report import HallInfo, build_report, day_report, hall_info, load_thresholds, report_csv
from .rules import RiskWarning, Thresholds, run_rules
from .verdict import Problem, Verdict
from .verify import verify_day, verify_store

__all__ = [
    "DayLog",
    "HallInfo",
    "Problem",
    "Record",
    "Replay",
    "RiskWarning",
    "Thresholds",
    "Verdict",
    "build_report",
    "closed_days",
    "day_report",
    "hall_info",
    "load_day",
    "load_records",
    "load_thresholds",
    "render_html",
    "replay",
    "report_csv",
    "run_rules",
    "verify_chain",
    "verify_day",
    "verify_draws",
    "verify_store",
]
