"""Clinic webhooks: endpoints a clinic admin registers, signed deliveries through the ledger.

- `events`: the event types, in one place.
- `urls_check`: which URLs an endpoint may have (https, public addresses), at save and send.
- `services`: endpoints' create / edit / rotate / delete, `webhook_emit` for the apps' events,
  the test event and resending a delivery.
- `channel`: the ledger's "webhook" channel (POST, signed, retried with backoff for a day).
"""
