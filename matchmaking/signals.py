"""What matching tells the apps above it.

Scoring sits below leads: leads read the stored matches and explanations, and allocate leads from
the matches the engine keeps. The engine cannot import leads, so it announces each write with
``matches_written`` and the leads app (its receiver is connected in ``LeadsConfig.ready``)
allocates inside the same transaction.

Arguments sent:
- ``need_ids``: the needs whose matches were just written (locked by the sender);
- ``kept_by_need``: need id → its kept matches, best first; ``None`` means "read the stored
  matches";
- ``complete``: whether ``kept_by_need`` holds every match of each need (``False`` when only one
  product was rescored, so a missing institution is no reason to close its lead).

Receivers return the number of leads they created.
"""

from django.dispatch import Signal

matches_written = Signal()
