"""Eligibility of a trainer for a condition area on a day, clinics' checks and rosters."""
