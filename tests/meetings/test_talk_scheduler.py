"""Item 6 of issue 10: the 1:1 talk scheduler. Properties over arbitrary candidates (nobody
double-booked, capacities kept, every slot inside the window and of the asked length) and worked
examples of its greedy order."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.talks import Candidate, schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 12, 17, 14, 0, tzinfo=SHANGHAI)

candidate = st.builds(
    Candidate,
    institution_id=st.integers(1, 6),
    enterprise_id=st.integers(1, 12),
    score=st.decimals(min_value=0, max_value=100, places=2),
    need_id=st.none(),
    preferred=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    candidates=st.lists(candidate, max_size=60),
    slot_minutes=st.integers(10, 15),
    window_minutes=st.integers(0, 240),
    institution_capacity=st.integers(1, 8),
    enterprise_capacity=st.integers(1, 4),
    overrides=st.dictionaries(
        st.tuples(st.sampled_from(["institution", "enterprise"]), st.integers(1, 12)),
        st.integers(0, 3),
        max_size=4,
    ),
)
def test_nobody_is_double_booked_and_capacities_hold(
    candidates, slot_minutes, window_minutes, institution_capacity, enterprise_capacity, overrides
):
    end = START + dt.timedelta(minutes=window_minutes)
    slots = schedule(
        candidates,
        starts_at=START,
        ends_at=end,
        slot_minutes=slot_minutes,
        institution_capacity=institution_capacity,
        enterprise_capacity=enterprise_capacity,
        capacities=overrides,
    )
    by_party = defaultdict(list)
    for slot in slots:
        assert slot.starts_at >= START and slot.ends_at <= end
        assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=slot_minutes)
        by_party["institution", slot.candidate.institution_id].append(slot)
        by_party["enterprise", slot.candidate.enterprise_id].append(slot)
    for party, theirs in by_party.items():
        default = institution_capacity if party[0] == "institution" else enterprise_capacity
        assert len(theirs) <= overrides.get(party, default)
        theirs.sort(key=lambda s: s.starts_at)
        for earlier, later in pairwise(theirs):
            assert earlier.ends_at <= later.starts_at, f"{party} double-booked"
    pairs = Counter((s.candidate.institution_id, s.candidate.enterprise_id) for s in slots)
    assert all(count == 1 for count in pairs.values())
    assert set(pairs) <= {(c.institution_id, c.enterprise_id) for c in candidates}


def _c(institution, enterprise, score, preferred=False):
    return Candidate(institution, enterprise, Decimal(score), preferred=preferred)


def _plan(candidates, **kwargs):
    options = {
        "starts_at": START,
        "ends_at": START + dt.timedelta(minutes=45),
        "slot_minutes": 15,
        "institution_capacity": 3,
        "enterprise_capacity": 3,
        **kwargs,
    }
    return [
        (s.candidate.institution_id, s.candidate.enterprise_id, s.starts_at.strftime("%H:%M"))
        for s in schedule(candidates, **options)
    ]


def test_the_best_score_gets_the_first_slot_and_the_next_pair_waits_its_turn():
    # Bank 1 is wanted by enterprises 1 (90) and 2 (80); enterprise 1 also fits bank 2 (70).
    plan = _plan([_c(2, 1, "70"), _c(1, 2, "80"), _c(1, 1, "90")])
    assert plan == [(1, 1, "14:00"), (1, 2, "14:15"), (2, 1, "14:15")]


def test_a_pair_the_institution_asked_for_comes_before_higher_scores():
    plan = _plan([_c(1, 1, "95"), _c(1, 2, "60", preferred=True)], institution_capacity=1)
    assert plan == [(1, 2, "14:00")]


def test_a_full_institution_takes_no_more_talks():
    plan = _plan([_c(1, 1, "90"), _c(1, 2, "80"), _c(1, 3, "70")], institution_capacity=2)
    assert plan == [(1, 1, "14:00"), (1, 2, "14:15")]


def test_talks_stop_at_the_end_of_the_window():
    # 40 minutes hold two whole 15-minute slots; the third pair of bank 1 does not fit.
    plan = _plan(
        [_c(1, 1, "90"), _c(1, 2, "80"), _c(1, 3, "70")],
        ends_at=START + dt.timedelta(minutes=40),
    )
    assert plan == [(1, 1, "14:00"), (1, 2, "14:15")]


def test_one_enterprise_capacity_override_limits_only_that_enterprise():
    plan = _plan(
        [_c(1, 1, "90"), _c(2, 1, "80"), _c(1, 2, "70"), _c(2, 2, "60")],
        capacities={("enterprise", 1): 1},
    )
    assert plan == [(1, 1, "14:00"), (1, 2, "14:15"), (2, 2, "14:00")]
