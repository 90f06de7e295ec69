"""Platform services every front end calls, so one rule holds everywhere.

* ``permissions`` — project roles and permissions as data (permissions.yaml, org overrides, gates);
* ``members`` — invitations (token, expiry), accept, change role, remove, the last owner stays;
* ``reviews`` — draft → in review → changes requested → approved → locked for any asset kind, gates;
* ``notify`` — the in-app inbox and signed, retried, logged outgoing webhooks;
* ``milestones`` — the production calendar, shoot milestones from the schedule, slippage, .ics/.csv;
* ``audit`` — verify / export / anchor the per-organization hash-chained audit log;
* ``usage`` — metering totals from the usage events.
"""

# milestones listen to review transitions (reviews.on_change): importing them here means any use of the
# platform, reviews included, has the listener in place
from studio_kit.platform import milestones as _milestones  # noqa: E402, F401
