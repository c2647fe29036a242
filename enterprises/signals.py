"""What the enterprises app tells the apps above it (matching, leads), which it cannot import.

Sent by ``enterprises.services`` inside the transaction of the change, so a receiver's writes
commit or roll back with it; receivers that start background work queue it on commit.

- ``need_changed(need_id)``: what matching reads of a need changed (it entered or left the open
  statuses, was edited, its enterprise was verified, an institution's access was withdrawn).
- ``need_status_changed(need, from_status, to_status, actor)``: after every status move.
- ``need_access_revoked(need, institution, actor)``: the enterprise took one institution's access
  to the need away.
"""

from django.dispatch import Signal

need_changed = Signal()
need_status_changed = Signal()
need_access_revoked = Signal()
