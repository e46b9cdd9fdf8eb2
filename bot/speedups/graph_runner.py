"""Rasa's model graph run in order, in this thread, without dask's scheduler.

Rasa 3.6 runs its graph (the NLU pipeline of every message, the policies of every prediction:
three runs a message) through `dask.get`, whose local scheduler orders, queues and tracks the
dozen tasks anew on each run and works out the minimal graph for the targets each time: about a
tenth of Rasa's CPU per message under load, for a graph that is a short chain (py-spy,
docs/performance.md). `run` evaluates the same tasks Rasa hands to dask (each node called with the
outputs of the nodes it needs, each node at most once, the inputs as Rasa adds them) depth
first in the order of each node's needs, and returns what dask returns. The minimal graph of
each set of targets is worked out once per runner.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

# dask: `evaluate` stands in for its `get`, and its tests compare the two.
TESTED_ON = {"rasa": "3.6.21", "dask": "2022.10.2"}

_ORIGINAL: Callable[..., Dict[Text, Any]] = DaskGraphRunner.run


def evaluate(graph: Dict[Text, Any], targets: List[Text]) -> List[Any]:
    """`dask.get(graph, targets)` for a graph of `(callable, *keys)` tasks and literal values."""
    results: Dict[Text, Any] = {}

    def value(key: Any) -> Any:
        if not isinstance(key, str) or key not in graph:
            return key  # not a key: dask passes it as it is
        if key not in results:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                results[key] = task[0](*(value(argument) for argument in task[1:]))
            else:
                results[key] = task
        return results[key]

    return [value(target) for target in targets]


def run(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
        targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    schemas: Dict[Tuple[Text, ...], Any] = self.__dict__.setdefault("_bolt_minimal_schemas", {})
    key = tuple(run_targets)
    if key not in schemas:
        schemas[key] = self._graph_schema.minimal_graph_schema(run_targets)
    run_graph = self._build_dask_graph(schemas[key])
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(evaluate(run_graph, run_targets))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error


def install() -> None:
    DaskGraphRunner.run = run  # type: ignore[assignment]


def uninstall() -> None:
    DaskGraphRunner.run = _ORIGINAL  # type: ignore[assignment]
