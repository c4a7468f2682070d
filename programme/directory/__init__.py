"""The trainer directory for programme staff: search, each trainer's page, suspend/reinstate.

A reader across apps (records of every kind, CPD, the audit log), so it sits in the top layer.
"""
