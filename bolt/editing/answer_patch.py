"""A model whose answers are replaced by the current answer texts, without training.

No trained part of Bolt's model learns from answer texts (the response selector predicts the
key `utter_faq/<key>`, and the text is looked up in the domain), so when nothing but answers
changed, the new model is the old one with the new texts in its domain. Rasa keeps the answers
in three places of the archive, all replaced here: metadata.json (the domain the server
answers from), the domain provider's domain.yml and each response selector's responses.json;
the model gets a new id.
"""
from __future__ import annotations

import io
import json
import os
import tarfile
import uuid
from pathlib import Path
from typing import Any, Dict, List, Mapping

import yaml

Responses = Mapping[str, List[Dict[str, Any]]]


class PatchError(RuntimeError):
    """The model archive is not shaped as expected; it was not changed."""


def _replace(old: Dict[str, Any], new: Responses) -> Dict[str, Any]:
    missing = sorted(set(old) - set(new))
    if missing:
        raise PatchError(f"the model has answers the content lacks: {', '.join(missing[:5])}")
    return {name: new[name] for name in old}


def patch_answers(base: Path, target: Path, responses: Responses) -> None:
    """Writes `target`: `base` with every answer's variations taken from `responses`."""
    partial = target.with_name(target.name + ".partial")
    replaced = 0
    try:
        with tarfile.open(base, "r:gz") as source, \
                tarfile.open(partial, "w:gz", compresslevel=1) as out:
            for member in source:
                data = source.extractfile(member) if member.isfile() else None
                name = member.name.lstrip("/")
                if data is not None and name == "metadata.json":
                    metadata = json.load(data)
                    domain = metadata["domain"]
                    domain["responses"] = _replace(domain.get("responses") or {}, responses)
                    metadata["model_id"] = uuid.uuid4().hex  # another model: another id
                    data, replaced = _as_file(json.dumps(metadata).encode(), member), replaced + 1
                elif data is not None and name.endswith("domain_provider/domain.yml"):
                    domain = yaml.safe_load(data)
                    domain["responses"] = _replace(domain.get("responses") or {}, responses)
                    text = yaml.safe_dump(domain, allow_unicode=True, sort_keys=False)
                    data, replaced = _as_file(text.encode(), member), replaced + 1
                elif data is not None and name.endswith(".responses.json"):
                    data = _as_file(json.dumps(_replace(json.load(data), responses)).encode(),
                                    member)
                out.addfile(member, data)
        if replaced != 2:
            raise PatchError(f"{base} has no metadata.json or domain provider: not a Rasa 3 "
                             "model")
        os.replace(partial, target)
    except (OSError, tarfile.TarError, KeyError, ValueError, yaml.YAMLError) as error:
        raise PatchError(f"cannot put the new answers into {base.name}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)


def _as_file(content: bytes, member: tarfile.TarInfo) -> io.BytesIO:
    member.size = len(content)
    return io.BytesIO(content)
