"""Bulk import of trainers and their qualifications from a CSV file (programme staff).

Two steps, one rule: `trainers_import_preview` parses and checks a file without writing
anything and lists every problem, row by row; `trainers_import_apply` checks the same text
again against the database as it is *now* and, only if every row is valid, creates everything
in one transaction. The text a preview accepted is kept on the server between the two steps
(see programme.imports.views); nothing the browser sends back is trusted as row data.

Decisions:
- Imported qualifications are created *pending verification*: a spreadsheet is a claim, not
  evidence. Staff still verify each record (normally after the trainer uploads the
  certificate) through the usual queue.
- A new trainer gets an account with no usable password and a verified primary e-mail
  address. They claim it with "Forgot your password?": the reset link goes to that address,
  which is the proof of ownership that e-mail confirmation would otherwise give.
- A row matches an existing account only by that account's *verified primary* address (case
  ignored). An address an account holds unverified, or as a further address, is a row error:
  anyone can add someone else's address to their own account, and must not receive that
  person's qualifications. The confirm step checks (and locks) the addresses again.
- An existing account is used only when it already holds a trainer profile; an account of
  another kind (mentor, clinic admin, staff without a profile) is an error, never silently
  turned into a trainer.
"""

from programme.imports.reading import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    ImportIssue,
    ImportPreview,
    ImportResult,
    ImportRow,
)
from programme.imports.services import (
    example_rows,
    template_csv,
    trainers_import_apply,
    trainers_import_preview,
)

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportIssue",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "example_rows",
    "template_csv",
    "trainers_import_apply",
    "trainers_import_preview",
]
