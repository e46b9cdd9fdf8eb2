from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import MultilingualTokenizer, tokenize_text


def words(text):
    return [token.text for token in tokenize_text(text)]


def test_japanese_is_segmented_into_words():
    assert words("ドイツのサポート電話番号を教えて") == [
        "ドイツ", "の", "サポート", "電話", "番号", "を", "教え", "て"
    ]


def test_japanese_tokens_carry_dictionary_forms():
    tokens = tokenize_text("使えますか")
    assert tokens[0].text == "使え" and tokens[0].lemma == "使える"


def test_mixed_script_keeps_offsets_exact():
    text = "Zoomのプレミアプラン(Premier+)について"
    for token in tokenize_text(text):
        assert text[token.start : token.end] == token.text
    assert "Zoom" in words(text) and "Premier+" in words(text)


def test_latin_and_cyrillic_split_on_words_and_keep_plan_names():
    assert words("Was kostet Premier+? P1, 24x7!") == ["Was", "kostet", "Premier+", "P1", "24x7"]
    assert words("номер поддержки в Германии") == ["номер", "поддержки", "в", "Германии"]
    assert words("l'assistenza è 24x7") == ["l'assistenza", "è", "24x7"]


def test_component_never_returns_no_tokens():
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    message = Message.build(text="!!!")
    assert len(tokenizer.tokenize(message, "text")) == 1
