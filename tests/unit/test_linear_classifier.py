"""The linear classifier: the model on its own, and as a Rasa component trained, stored, loaded."""
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_classifier import LinearIntentClassifier, LinearModel, split_ranking
from bot.nlu.tokenizer import MultilingualTokenizer

EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hallo", "こんにちは", "привет"],
    "faq/web_ticket": ["how do I open a ticket", "submit a web ticket", "ticket form",
                       "Webticket einreichen", "チケットを送りたい", "создать тикет"],
    "faq/billing": ["question about my invoice", "billing support", "I was charged twice",
                    "Rechnung falsch", "請求について", "вопрос по оплате"],
}


def test_the_retrieval_keys_are_summed_into_one_intent_and_conditioned_on_it():
    ranking = [("faq/billing", 0.5), ("greet", 0.3), ("faq/web_ticket", 0.2)]
    intents, keys = split_ranking(ranking, "faq")
    assert intents == [("faq", pytest.approx(0.7)), ("greet", 0.3)]
    assert keys == [("faq/billing", pytest.approx(5 / 7)), ("faq/web_ticket", pytest.approx(2 / 7))]


def test_a_ranking_without_retrieval_keys_is_left_alone():
    assert split_ranking([("greet", 0.6), ("thank", 0.4)], "faq") == (
        [("greet", 0.6), ("thank", 0.4)], [])


def test_the_model_learns_each_label_and_ranks_every_label_by_probability():
    texts = [t for ts in EXAMPLES.values() for t in ts]
    labels = [label for label, ts in EXAMPLES.items() for _ in ts]
    config = {**LinearIntentClassifier.get_default_config()}
    model = LinearModel(config).fit(texts, texts, labels)
    ranked = model.predict(["how can I submit a ticket", "hello!"], ["how can I submit a ticket", "hello!"])
    assert ranked[0][0][0] == "faq/web_ticket" and ranked[1][0][0] == "greet"
    assert sorted(label for label, _ in ranked[0]) == sorted(EXAMPLES)
    assert sum(p for _, p in ranked[0]) == pytest.approx(1.0)
    assert [p for _, p in ranked[0]] == sorted((p for _, p in ranked[0]), reverse=True)


def training_data():
    messages = []
    for label, texts in EXAMPLES.items():
        intent, _, key = label.partition("/")
        for text in texts:
            data = {"text": text, "intent": intent}
            if key:
                data["intent_response_key"] = label
            messages.append(Message(data=data))
    return TrainingData(messages)


def tokenized(messages):
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    for message in messages:
        tokenizer.process([message])
    return messages


def test_trained_stored_and_loaded_it_answers_as_rasa_expects(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    context = ExecutionContext(GraphSchema({}), "test")
    data = training_data()
    tokenized(data.training_examples)
    trained = LinearIntentClassifier.create({}, storage, resource, context)
    trained.train(data)
    loaded = LinearIntentClassifier.load(
        {**LinearIntentClassifier.get_default_config()}, storage, resource, context)

    faq, greeting = tokenized([Message(data={"text": "where is the ticket form"}),
                               Message(data={"text": "hi, good morning"})])
    loaded.process([faq, greeting])

    assert faq.get("intent")["name"] == "faq"
    assert [r["name"] for r in faq.get("intent_ranking")].count("faq") == 1
    selected = faq.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/web_ticket"
    assert selected["utter_action"] == "utter_faq/web_ticket"
    assert 0.5 < selected["confidence"] <= 1.0
    assert faq.get("response_selector")["all_retrieval_intents"] == ["faq"]
    assert greeting.get("intent")["name"] == "greet"
    assert "intent" in faq.as_dict(only_output_properties=True)


def test_it_is_stored_as_a_pickled_model_and_calibration_and_loads_from_that(tmp_path):
    import pickle

    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    data = training_data()
    tokenized(data.training_examples)
    LinearIntentClassifier.create({}, storage, Resource("linear"), context).train(data)
    with storage.read_from(Resource("linear")) as directory:
        model, calibration = pickle.loads((directory / "linear_classifier.pkl").read_bytes())
    assert calibration is None and sorted(model.classifier.classes_) == sorted(EXAMPLES)

    # The file as a model trained earlier has it: the tuple pickled on its own.
    with storage.write_to(Resource("earlier")) as directory:
        (directory / "linear_classifier.pkl").write_bytes(pickle.dumps((model, calibration)))
    loaded = LinearIntentClassifier.load({}, storage, Resource("earlier"), context)
    greeting = tokenized([Message(data={"text": "hi, good morning"})])[0]
    loaded.process([greeting])
    assert loaded.calibration is None and greeting.get("intent")["name"] == "greet"


def test_training_on_a_single_label_is_refused(tmp_path):
    component = LinearIntentClassifier.create(
        {}, LocalModelStorage(tmp_path), Resource("linear"),
        ExecutionContext(GraphSchema({}), "test"))
    data = TrainingData([Message(data={"text": t, "intent": "greet"}) for t in EXAMPLES["greet"]])
    tokenized(data.training_examples)
    with pytest.raises(ValueError, match="at least two intents"):
        component.train(data)


def test_the_fast_tfidf_gives_sklearns_numbers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.nlu.linear_classifier import tfidf

    corpus = ["how do I reach support", "wie erreiche ich den Support", "サポート に 電話",
              "reach reach reach support plans", "Premier+ support plan"]
    asked = ["support support plan", "wie erreiche ich", "ничего общего", ""]
    for vectorizer in (
            TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2),
                            sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)):
        vectorizer.fit(corpus)
        for _ in range(2):  # the second time from the remembered idf vector
            fast = tfidf(vectorizer, asked)
            assert fast.shape == (len(asked), len(vectorizer.vocabulary_))
            assert abs(fast - vectorizer.transform(asked)).max() < 1e-12


def test_the_one_text_scorer_gives_sklearns_probabilities():
    import pickle

    import numpy as np

    from bot.nlu.linear_classifier import OneTextScorer

    texts = [t for ts in EXAMPLES.values() for t in ts]
    labels = [label for label, ts in EXAMPLES.items() for _ in ts]
    model = LinearModel(LinearIntentClassifier.get_default_config()).fit(texts, texts, labels)
    scorer = OneTextScorer.of(model)
    assert scorer is not None
    asked = ["how can I submit a ticket", "Rechnung", "請求について教えて", "совсем другое",
             "", "zzzz qqqq", "ticket ticket ticket billing"]
    expected = model.classifier.predict_proba(model._features(asked, asked, fit=False))
    for text, sklearns in zip(asked, expected):
        assert np.abs(scorer.probabilities(text, text) - sklearns).max() < 1e-12
    assert [r[0][0] for r in model.predict(asked[:2], asked[:2])] == [
        "faq/web_ticket", "faq/billing"]
    # Pickled (as Rasa stores it) without the scorer, and scored the same after loading.
    loaded = pickle.loads(pickle.dumps(model))
    assert "_bolt_scorer" not in loaded.__dict__
    assert loaded.predict(asked, asked) == model.predict(asked, asked)


def test_models_of_another_shape_are_scored_by_sklearn():
    from bot.nlu.linear_classifier import OneTextScorer

    two = {label: EXAMPLES[label] for label in ("greet", "faq/billing")}
    texts = [t for ts in two.values() for t in ts]
    labels = [label for label, ts in two.items() for _ in ts]
    model = LinearModel(LinearIntentClassifier.get_default_config()).fit(texts, texts, labels)
    assert OneTextScorer.of(model) is None  # binary: sklearn's own path
    ranked = model.predict(["hello", "invoice"], ["hello", "invoice"])
    assert [r[0][0] for r in ranked] == ["greet", "faq/billing"]


def test_calibration_examples_set_the_threshold_and_are_never_fitted_on(tmp_path):
    from bot.importer import CALIBRATION_LANGUAGE

    data = training_data()
    oos = ["will it rain tomorrow", "set an alarm for six", "tell me a joke", "wetter morgen",
           "明日の天気", "погода завтра"]
    messages = list(data.training_examples) + [
        Message(data={"text": t, "intent": "out_of_scope"}) for t in oos]
    # Held apart: a label the fitted model never saw, and messages of each kind.
    held = [("en", "goodbye", "bye for now"), ("en", "out_of_scope", "what's the weather in Rome"),
            ("en", "out_of_scope", "play some jazz"), ("en", "faq/billing", "refund for my invoice"),
            ("en", "product_question", "how to blur my background")]
    for language, label, text in held:
        intent, _, key = label.partition("/")
        message = Message(data={"text": text, "intent": intent})
        if key:
            message.set("intent_response_key", label)
        message.set(CALIBRATION_LANGUAGE, language)
        messages.append(message)
    data = TrainingData(messages)
    tokenized(data.training_examples)
    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    LinearIntentClassifier.create({}, storage, Resource("linear"), context).train(data)
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear"), context)

    classes = set(loaded._model.classifier.classes_)
    assert "goodbye" not in classes and "product_question" not in classes
    assert {"out_of_scope", "greet", "faq/billing"} <= classes
    assert set(loaded.calibration.curves) == {"en"}
    threshold = loaded.calibration.threshold
    weather, greeting = tokenized([Message(data={"text": "rain in Osaka tomorrow?"}),
                                   Message(data={"text": "hello there"})])
    loaded.process([weather, greeting])
    assert weather.get("abstention")["abstained"] and weather.get("intent")["name"] != "greet"
    record = greeting.get("abstention")
    assert record["threshold"] == threshold and record["label"] == "greet"
    expected = "greet" if record["confidence"] >= threshold else "nlu_fallback"
    assert greeting.get("intent")["name"] == expected and record["abstained"] == (expected != "greet")
