import pytest

from bolt.core.languages import SUPPORTED_LANGUAGES, language_of_locale


@pytest.mark.parametrize(
    "locale, language",
    [("de", "de"), ("de-AT", "de"), ("ja_JP", "ja"), ("RU", "ru"), ("in-ID", "id"),
     ("it-IT", "it"), ("en-GB", "en"), ("pt-BR", None), ("", None), (None, None), (42, None)],
)
def test_locale_maps_to_a_supported_language(locale, language):
    assert language_of_locale(locale) == language


def test_six_languages():
    assert set(SUPPORTED_LANGUAGES) == {"en", "ja", "ru", "id", "it", "de"}
