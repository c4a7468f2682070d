"""Clinics: staff create them and invite their admins; trainers share their record with them."""
