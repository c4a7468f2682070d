"""The clinics' JSON API at /api/v1/ (django-ninja)."""
