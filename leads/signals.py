"""What the leads app tells the apps above it (the office's console), which it cannot import.

- ``agreement_changed(agreement, before)``: an agreement was signed (``before`` is None), voided
  or corrected (``before`` is an unsaved copy of the agreement as it was). Sent inside the
  transaction of the change, so a receiver's writes (the office's pre-aggregated totals) commit
  or roll back with it.
"""

from django.dispatch import Signal

agreement_changed = Signal()
