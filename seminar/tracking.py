"""Campaign parameters on a seminar's landing URL (utm_*, ref).

They live with the programme because the seminar page is where visitors land and the Register link
must carry them on; the registration stores one column per parameter (see
registrations.models.TRACKING_FIELDS).
"""

from django.http import QueryDict

TRACKING_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref")
# The registration's columns are this long; longer values are cut rather than refused.
TRACKING_VALUE_LENGTH = 100


def tracking_params(query: QueryDict) -> dict[str, str]:
    """The utm_*/ref values of a landing URL, trimmed to what the registration can store."""
    return {
        name: query[name][:TRACKING_VALUE_LENGTH] for name in TRACKING_PARAMETERS if query.get(name)
    }
