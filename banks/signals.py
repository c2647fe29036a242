"""What the banks app tells the apps above it (matching, leads), which it cannot import.

Sent by ``banks.services`` inside the transaction of the change.

- ``product_changed(product_id)``: a product entered or left matching, or changed while live.
- ``officer_removed(officer)``: an officer was deactivated; their work goes back to the institution.
"""

from django.dispatch import Signal

product_changed = Signal()
officer_removed = Signal()
