"""Publishing when it cannot publish: clear errors, nothing changed. The swap itself, on real
Rasa servers (one, and two that take the model together or not at all), is in
test_end_to_end.py and test_gate.py."""
import pytest

from bolt.editing.publish import PublishError, publish
from support.ports import free_port


def test_a_missing_model_is_refused(tmp_path):
    with pytest.raises(PublishError, match="run `bolt content train` first"):
        publish(["http://127.0.0.1:1"], tmp_path / "bolt-x.tar.gz", "token")


def test_a_server_that_is_not_running_is_named(tmp_path):
    model = tmp_path / "bolt-x.tar.gz"
    model.write_bytes(b"model")
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(PublishError, match=f"does not answer at {url}.*bolt run"):
        publish([url], model, "token")


def test_no_server_is_an_error(tmp_path):
    model = tmp_path / "bolt-x.tar.gz"
    model.write_bytes(b"model")
    with pytest.raises(PublishError, match="BOLT_RASA_URLS is empty"):
        publish([], model, "token")
