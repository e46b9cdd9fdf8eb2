"""New answers put into a model archive: every copy of the answers replaced, nothing else.
(On a real Rasa model, and answered by a running server, in test_end_to_end.py.)"""
import io
import json
import tarfile

import pytest
import yaml

from bolt.editing.answer_patch import PatchError, patch_answers

OLD = {"utter_faq/a": [{"text": "old a", "condition": [{"type": "slot", "name": "language",
                                                        "value": "en"}]}],
       "utter_greet": [{"text": "hi"}]}
NEW = {"utter_faq/a": [{"text": "new a", "condition": [{"type": "slot", "name": "language",
                                                        "value": "en"}]}],
       "utter_greet": [{"text": "hello"}]}


def archive(path, files):
    with tarfile.open(path, "w:gz") as out:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            out.addfile(info, io.BytesIO(content))


def read(path):
    with tarfile.open(path, "r:gz") as source:
        return {m.name: source.extractfile(m).read() for m in source if m.isfile()}


def model_files():
    return {
        "metadata.json": json.dumps({"domain": {"intents": ["greet"], "responses": OLD},
                                     "model_id": "m1"}).encode(),
        "components/domain_provider/domain.yml": yaml.safe_dump(
            {"intents": ["greet"], "responses": OLD}).encode(),
        "components/train_ResponseSelector5/ResponseSelector.responses.json":
            json.dumps({"utter_faq/a": OLD["utter_faq/a"]}).encode(),
        "components/train_DIETClassifier4/DIETClassifier.tf_model.index": b"\x00weights",
    }


def test_every_copy_of_the_answers_is_replaced_and_the_rest_kept(tmp_path):
    archive(tmp_path / "base.tar.gz", model_files())
    patch_answers(tmp_path / "base.tar.gz", tmp_path / "new.tar.gz", NEW)
    files = read(tmp_path / "new.tar.gz")
    metadata = json.loads(files["metadata.json"])
    assert metadata["domain"]["responses"] == NEW and metadata["model_id"] != "m1"
    assert yaml.safe_load(files["components/domain_provider/domain.yml"])["responses"] == NEW
    assert json.loads(files["components/train_ResponseSelector5/ResponseSelector.responses.json"]
                      ) == {"utter_faq/a": NEW["utter_faq/a"]}
    assert files["components/train_DIETClassifier4/DIETClassifier.tf_model.index"] == \
        b"\x00weights"
    assert read(tmp_path / "base.tar.gz") == model_files()


def test_an_answer_the_content_lost_is_refused_and_nothing_written(tmp_path):
    archive(tmp_path / "base.tar.gz", model_files())
    with pytest.raises(PatchError, match="answers the content lacks: utter_greet"):
        patch_answers(tmp_path / "base.tar.gz", tmp_path / "new.tar.gz",
                      {"utter_faq/a": NEW["utter_faq/a"]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.tar.gz"]


def test_an_archive_that_is_no_rasa_model_is_refused(tmp_path):
    archive(tmp_path / "base.tar.gz", {"readme.txt": b"hello"})
    with pytest.raises(PatchError, match="not a Rasa 3 model"):
        patch_answers(tmp_path / "base.tar.gz", tmp_path / "new.tar.gz", NEW)
    assert not (tmp_path / "new.tar.gz").exists()
