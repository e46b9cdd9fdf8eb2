"""The languages Bolt speaks, and how a locale such as "de-AT" maps onto them."""
from typing import Optional, Tuple

SUPPORTED_LANGUAGES: Tuple[str, ...] = ("en", "ja", "ru", "id", "it", "de")
DEFAULT_LANGUAGE = "en"

# Old or alternative codes that browsers still send.
_ALIASES = {"in": "id", "jp": "ja"}


def language_of_locale(locale: Optional[str]) -> Optional[str]:
    """Maps a BCP 47 locale ("de-AT", "ja_JP", "pt") to a supported language, or None."""
    if not locale or not isinstance(locale, str):
        return None
    primary = locale.strip().replace("_", "-").split("-")[0].lower()
    primary = _ALIASES.get(primary, primary)
    return primary if primary in SUPPORTED_LANGUAGES else None
