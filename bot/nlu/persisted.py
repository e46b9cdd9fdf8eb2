"""Rasa components whose trained state is one file in their resource of the model.

Rasa's graph creates a component before training, has it write what it learnt into its resource,
and loads it from that resource when a model is served. For Bolt's components that state is one
file; `PersistedComponent` does that plumbing once. A component names its file and the file's
format as class attributes, ends `train` with `save_state(state)`, and takes the state back in
`load_state(state)` when the model is loaded:

    class TopicButtonHandler(PersistedComponent):
        state_file = "faq_keys.json"
        state_format = JSON

The formats are JSON (lists, dicts, strings, numbers: tuples come back as lists) and pickle (any
Python object, for fitted models).
"""
from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, Optional, Text, Type, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


@dataclass(frozen=True)
class StateFormat:
    """How a state is written to its file and read back."""

    write: Callable[[Path, Any], None]
    read: Callable[[Path], Any]


def _write_json(path: Path, state: Any) -> None:
    path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_pickle(path: Path, state: Any) -> None:
    with open(path, "wb") as handle:
        pickle.dump(state, handle)


def _read_pickle(path: Path) -> Any:
    with open(path, "rb") as handle:
        return pickle.load(handle)


JSON = StateFormat(write=_write_json, read=_read_json)
PICKLE = StateFormat(write=_write_pickle, read=_read_pickle)

Component = TypeVar("Component", bound="PersistedComponent")
# The code a trained state depends on: Bolt's NLU components and the text analysis they use.
TRAINING_CODE = (Path(__file__).resolve().parent,
                 Path(__file__).resolve().parents[2] / "bolt" / "core" / "text.py")


def code_fingerprint() -> Text:
    """A hash of TRAINING_CODE's Python sources."""
    digest = hashlib.sha256()
    for root in TRAINING_CODE:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class PersistedComponent(GraphComponent):
    """A component whose trained state is one file, `state_file` in `state_format`, in its resource.

    Its config is the component's defaults updated with the config it is given, also when it is
    created or loaded outside Rasa's graph (which merges them itself).
    """

    state_file: ClassVar[Text]
    state_format: ClassVar[StateFormat]

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(cls: Type[Component], config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> Component:
        """The component untrained, as Rasa's graph creates it before training."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls: Type[Component], config: Dict[Text, Any], model_storage: ModelStorage,
             resource: Resource, execution_context: ExecutionContext, **kwargs: Any
             ) -> Component:
        """The component with the state its training saved in `resource`."""
        component = cls(config, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            component.load_state(cls.state_format.read(directory / cls.state_file))
        return component

    def save_state(self, state: Any) -> Resource:
        """Writes what training learnt into the resource; `train` returns what this returns."""
        with self._model_storage.write_to(self._resource) as directory:
            self.state_format.write(directory / self.state_file, state)
        return self._resource

    def load_state(self, state: Any) -> None:
        """Takes back the state `save_state` wrote, as its format reads it."""
        raise NotImplementedError

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Rasa's training cache knows the data and the config, not the code: without the code's
        hash, a changed component (or a rule it calls, such as the abstention's) would be
        restored from a training by the code before."""
        return code_fingerprint()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
