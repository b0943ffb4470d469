"""How many examples a property test tries: its full count under HYPOTHESIS_PROFILE=thorough, a
quarter of it (at least 10) in `make test` and CI, which must stay within minutes on two cores.

Each test states its thorough count, chosen for what one example costs; CI keeps the same
proportions. The profiles themselves are registered in tests/conftest.py.
"""

import os

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
CI_SHARE = 4
CI_MINIMUM = 10


def examples(count: int) -> int:
    if THOROUGH:
        return count
    return min(count, max(CI_MINIMUM, count // CI_SHARE))
