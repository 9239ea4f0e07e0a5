"""The search for the change log's last entry (node.store.changelog.last_entry_from), used by the
embedded and the remote store alike: right for every end, in O(log n) lookups."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from node.store.changelog import last_entry_from


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_the_last_entry_is_found_in_logarithmic_lookups(low, extra):
    last, asked = low + extra, []

    def exists(number: int) -> bool:
        asked.append(number)
        return number <= last

    assert last_entry_from(low, exists) == last
    assert len(asked) <= 2 * math.log2(extra + 2) + 2
