"""bot/speedups/graph_runner.py evaluates Rasa's graphs as dask does: the same results, each node once."""
import dask
import pytest
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

from bot.speedups import graph_runner


class Node:
    """A stand-in for Rasa's GraphNode: called with its needs' (name, output) pairs."""

    def __init__(self, name, calls):
        self.name, self.calls = name, calls

    def __call__(self, *needs):
        self.calls.append(self.name)
        return self.name, [self.name] + [output for _, output in needs]


def diamond(calls):
    """tokenizer <- (featurizer, extractor) <- classifier, fed by the message input."""
    return {
        "tokenizer": (Node("tokenizer", calls), "__message__"),
        "featurizer": (Node("featurizer", calls), "tokenizer"),
        "extractor": (Node("extractor", calls), "tokenizer"),
        "classifier": (Node("classifier", calls), "featurizer", "extractor"),
        "__message__": ("__message__", {"text": "hallo"}),
    }


def test_the_results_are_dasks_and_each_node_runs_once():
    for targets in (["classifier"], ["classifier", "extractor"]):
        ours_calls, dasks_calls = [], []
        ours = graph_runner.evaluate(diamond(ours_calls), targets)
        dasks = dask.get(diamond(dasks_calls), targets)
        assert ours == list(dasks)
        assert sorted(ours_calls) == sorted(dasks_calls)
        assert len(ours_calls) == len(set(ours_calls)) == 4
        assert ours_calls.index("tokenizer") < ours_calls.index("featurizer")
    ours_calls = []  # dask runs the whole graph it is given (Rasa gives it the minimal one)
    assert graph_runner.evaluate(diamond(ours_calls), ["featurizer"]) == [
        ("featurizer", ["featurizer", ["tokenizer", {"text": "hallo"}]])]
    assert ours_calls == ["tokenizer", "featurizer"]


def test_a_need_that_is_no_key_is_passed_as_it_is():
    calls = []
    graph = {"node": (Node("node", calls), "tokenizer")}
    with pytest.raises(ValueError):  # the node gets the bare name, as from dask
        graph_runner.evaluate(graph, ["node"])
    with pytest.raises(ValueError):
        dask.get(graph, ["node"])


def test_installed_it_runs_rasas_runner_and_keeps_its_errors(monkeypatch):
    graph_runner.install()
    try:
        assert DaskGraphRunner.run is graph_runner.run

        class Schema:
            target_names = ["classifier"]

            def minimal_graph_schema(self, targets):
                minimal.append(targets)
                return self

        minimal = []
        runner = DaskGraphRunner.__new__(DaskGraphRunner)
        runner._graph_schema = Schema()
        calls = []
        monkeypatch.setattr(runner, "_build_dask_graph", lambda schema: diamond(calls),
                            raising=False)
        first = runner.run()
        assert first == {"classifier": ["classifier", ["featurizer", ["tokenizer", {
            "text": "hallo"}]], ["extractor", ["tokenizer", {"text": "hallo"}]]]}
        runner.run()
        assert minimal == [["classifier"]]  # worked out once per set of targets

        def broken(*_):
            raise RuntimeError("boom")

        monkeypatch.setattr(runner, "_build_dask_graph",
                            lambda schema: {"classifier": (broken,)}, raising=False)
        with pytest.raises(GraphRunError):
            runner.run()
    finally:
        graph_runner.uninstall()
    assert DaskGraphRunner.run is graph_runner._ORIGINAL
