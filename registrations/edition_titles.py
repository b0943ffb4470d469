"""The year in an edition's title and web address: moved on in a copy, left out of a series'
name. A year is four digits standing on their own ("2025 Seminar", "2025年研討會",
"seminar-2025"), never part of a longer number."""

import re

from django.conf import settings


def _year_pattern(year: int) -> re.Pattern:
    return re.compile(rf"(?<!\d){year}(?!\d)")


def year_replaced(text: str, *, old: int, new: int) -> str:
    """`text` with the year `old` moved on to `new` wherever it stands on its own."""
    return _year_pattern(old).sub(str(new), text)


def year_removed(text: str, *, year: int) -> str:
    """`text` without the year, for a name every edition shares: "2025 Guangdong/Hong Kong
    Seminar" gives "Guangdong/Hong Kong Seminar", "2025年粵港研討會" gives "粵港研討會"."""
    pattern = re.compile(rf"(?<!\d){year}(?!\d)\s*年?")
    return re.sub(r"\s{2,}", " ", pattern.sub("", text)).strip(" -–—:：,，")


def titles_by_language(instance, field: str) -> dict[str, str]:
    """Every language column of a translated field, read from the row itself (the attribute
    gives the active language's): {"title_en": ..., "title_zh_hant": ..., ...}."""
    row = vars(instance)
    columns = [f"{field}_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]
    return {column: row.get(column) or "" for column in columns}
