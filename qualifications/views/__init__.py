"""Views of the qualifications app, one module per area (cpd, records, ...)."""
