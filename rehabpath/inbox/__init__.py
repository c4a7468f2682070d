"""The notification list (the in-app side of the delivery ledger) and each person's choices
of which notifications they are e-mailed: views, selectors and services in one small package.

Every entry is a `rehabpath.models.Delivery` row with `recipient=<the user>, in_app=True`; its
title is the row's own e-mail subject, rendered from the context stored on the row.
"""
