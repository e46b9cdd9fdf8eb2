"""The NLU components' state: trained, stored in the model's resource, loaded back, in the file
format models trained earlier have."""
import json
import pickle
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.country import CountryEntityExtractor
from bot.nlu.persisted import JSON, PICKLE, PersistedComponent
from bot.nlu.tokenizer import MultilingualTokenizer
from bot.nlu.topic_buttons import TopicButtonHandler

TABLE = Path(__file__).resolve().parents[2] / "data" / "phone_numbers.yml"
CONTEXT = ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def stored_file(storage, resource, name):
    with storage.read_from(resource) as directory:
        return (directory / name).read_bytes()


def write_file(storage, resource, name, content: bytes):
    with storage.write_to(resource) as directory:
        (directory / name).write_bytes(content)


def parsed(component, text):
    message = Message(data={"text": text})
    MultilingualTokenizer(MultilingualTokenizer.get_default_config()).process([message])
    component.process([message])
    return message


class Remembered(PersistedComponent):
    state_file = "remembered.pkl"
    state_format = PICKLE
    state = None

    @staticmethod
    def get_default_config():
        return {"size": 3, "name": "default"}

    def train(self, training_data):
        self.state = {"size": self._config["size"], "pair": ("a", 1)}
        return self.save_state(self.state)

    def load_state(self, state):
        self.state = state


def test_a_component_loads_the_state_it_saved_with_its_defaults_under_its_config(storage):
    resource = Resource("remembered")
    trained = Remembered.create({"size": 5}, storage, resource, CONTEXT)
    assert trained.train(TrainingData()) is resource
    loaded = Remembered.load({"size": 5}, storage, resource, CONTEXT)
    assert loaded.state == {"size": 5, "pair": ("a", 1)}
    assert loaded._config == {"size": 5, "name": "default"}
    assert pickle.loads(stored_file(storage, resource, "remembered.pkl")) == loaded.state


def test_json_states_come_back_as_json_reads_them(tmp_path):
    path = tmp_path / "state.json"
    JSON.write(path, [("Deutschland", "DE"), ("ドイツ", "DE")])
    assert path.read_text(encoding="utf-8") == '[["Deutschland", "DE"], ["ドイツ", "DE"]]'
    assert JSON.read(path) == [["Deutschland", "DE"], ["ドイツ", "DE"]]


def faq_training_data():
    return TrainingData([
        Message(data={"text": text, "intent": label.partition("/")[0],
                      "intent_response_key": label if "/" in label else None})
        for text, label in [("how do I open a ticket", "faq/web_ticket"),
                            ("billing support", "faq/billing"), ("hello", "greet")]
    ])


def test_topic_buttons_keep_the_faq_keys_they_were_trained_with(storage):
    resource = Resource("buttons")
    TopicButtonHandler.create({}, storage, resource, CONTEXT).train(faq_training_data())
    assert json.loads(stored_file(storage, resource, "faq_keys.json")) == ["billing", "web_ticket"]
    loaded = TopicButtonHandler.load({}, storage, resource, CONTEXT)
    assert parsed(loaded, "/faq/billing").get("intent")["name"] == "faq"
    assert parsed(loaded, "/faq/unknown").get("intent") is None


def test_topic_buttons_load_keys_as_they_were_written_before(storage):
    resource = Resource("buttons")
    write_file(storage, resource, "faq_keys.json", json.dumps(["web_ticket"]).encode())
    loaded = TopicButtonHandler.load({}, storage, resource, CONTEXT)
    selected = parsed(loaded, "/faq/web_ticket").get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/web_ticket"


def test_the_country_extractor_keeps_the_table_it_was_trained_on(storage):
    resource = Resource("country")
    config = {"phone_table": str(TABLE)}
    CountryEntityExtractor.create(config, storage, resource, CONTEXT).train(TrainingData())
    names = json.loads(stored_file(storage, resource, "country_names.json"))
    assert ["de", "Deutschland", "DE"] in names
    loaded = CountryEntityExtractor.load(config, storage, resource, CONTEXT)
    assert [e["value"] for e in parsed(loaded, "Hotline in Deutschland").get("entities")] == ["DE"]


def test_the_country_extractor_loads_names_as_they_were_written_before(storage):
    resource = Resource("country")
    old = json.dumps([["ja", "ドイツ", "DE"], ["en", "Japan", "JP"]], ensure_ascii=False)
    write_file(storage, resource, "country_names.json", old.encode("utf-8"))
    loaded = CountryEntityExtractor.load({}, storage, resource, CONTEXT)
    entities = parsed(loaded, "ドイツのサポート電話番号").get("entities")
    assert [e["value"] for e in entities] == ["DE"]


def test_the_training_cache_key_follows_the_code(tmp_path, monkeypatch):
    from bot.nlu import persisted
    from bot.nlu.linear_classifier import LinearIntentClassifier
    from bot.nlu.tokenizer import MultilingualTokenizer

    assert LinearIntentClassifier.fingerprint_addon({}) == persisted.code_fingerprint()
    assert MultilingualTokenizer.fingerprint_addon({}) == persisted.code_fingerprint()
    (tmp_path / "rule.py").write_text("THRESHOLD = 1\n", encoding="utf-8")
    monkeypatch.setattr(persisted, "TRAINING_CODE", (tmp_path,))
    before = persisted.code_fingerprint()
    (tmp_path / "rule.py").write_text("THRESHOLD = 2\n", encoding="utf-8")
    assert persisted.code_fingerprint() != before
