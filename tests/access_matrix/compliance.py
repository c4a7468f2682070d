"""The staff compliance dashboard, its recomputation and its CSV tables: programme staff only."""

from tests.access_matrix import STAFF_ONLY, AccessCase

CASES = [
    AccessCase("programme:compliance", STAFF_ONLY),
    # Staff are sent back to the dashboard with a message (302).
    AccessCase("programme:compliance_recompute", {**STAFF_ONLY, "staff": 302}, method="post"),
    AccessCase("programme:compliance_csv", STAFF_ONLY, kwargs=lambda users: {"table": "waiting"}),
]
