"""The readers across apps: the top layer of RehabPath's application code.

Everything here may import every app below it (trainers, qualifications, mentorship and the
core); nothing below imports this package (see the import-linter contracts in pyproject.toml).
Each concept is a sub-package with the usual module names inside: `imports/` (the bulk import),
`directory/` (staff's trainer directory), and next `pathway/`, `eligibility/`, `api/`,
`certificates/`.
"""
