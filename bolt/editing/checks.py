"""The checks of `bolt content validate`, each a function from the content tree to findings."""
from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import (
    Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple,
)

from bolt.articles.model import MARKDOWN, StoredArticle
from bolt.articles.sections import html_sections, markdown_sections
from bolt.editing import facts as fact_rules
from bolt.editing.findings import Finding
from bolt.editing.tree import (
    FAQ_INTENT, FAQ_RESPONSE_PREFIX, Answer, ContentTree, Example, plain_text,
)
from bolt.core.hub_intents import HUB_INTENTS
from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.phonebook import PhoneBook
from bolt.core.text import match_key

MIN_TRAINING_EXAMPLES = 12
MIN_HOLDOUT_EXAMPLES = 5
MAX_ANSWER_CHARS = 1200
# Two examples whose character trigrams overlap this much say the same thing.
NEAR_DUPLICATE_SIMILARITY = 0.85
# A held-out question this close to a training example (difflib ratio) measures memory, not
# understanding; texts that close always share far more trigrams than the candidate bound.
NEAR_COPY_RATIO = 0.9
NEAR_COPY_CANDIDATE = 0.4
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|lorem ipsum|XXX)\b|\?\?\?", re.IGNORECASE)
TEMPLATE_FIELD = re.compile(r"\{(\w+)\}")
# Rasa's own intents and actions, which rules may name without defining them.
RASA_INTENTS = {"restart", "back", "out_of_scope", "session_start", "nlu_fallback"}
RASA_ACTIONS = {
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_unlikely_intent",
    "action_back", "action_extract_slots",
}


@dataclass(frozen=True)
class Project:
    """What the checks read besides the tree."""

    tree: ContentTree
    phonebook: Optional[PhoneBook]
    phonebook_path: Path
    # The help center's imported articles, every language version (bolt/articles/store.py).
    articles: Sequence[StoredArticle] = ()


Check = Callable[[Project], Iterable[Finding]]


def is_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.search(text))


@lru_cache(maxsize=None)
def normalise(text: str) -> str:
    """What makes two examples "the same": their words (bolt/core/text.py); case, punctuation
    and spacing do not count."""
    return match_key(plain_text(text))


def _real(examples: Iterable[Example]) -> List[Example]:
    return [e for e in examples if not is_placeholder(e.text)]


def _topic_file(tree: ContentTree, folder: str, language: str, name: str) -> Path:
    return tree.home / "data" / folder / language / f"{name}.yml"


def _stem(intent: str) -> str:
    return intent.split("/", 1)[-1]


def check_schema(project: Project) -> Iterable[Finding]:
    return list(project.tree.problems)


def check_examples_in_every_language(project: Project) -> Iterable[Finding]:
    tree = project.tree
    by_intent: Dict[str, Dict[str, List[Example]]] = defaultdict(lambda: defaultdict(list))
    for example in tree.examples:
        by_intent[example.intent][example.language].append(example)
    for intent, languages in sorted(by_intent.items()):
        anywhere = next(e for es in languages.values() for e in es)
        for language in SUPPORTED_LANGUAGES:
            examples = languages.get(language, [])
            distinct = {normalise(e.text) for e in _real(examples)}
            if not examples:
                yield Finding(anywhere.path, anywhere.line, "coverage",
                              f"`{intent}` has no examples in {language}: add them to "
                              f"data/nlu/{language}/{_stem(intent)}.yml")
            elif len(distinct) < MIN_TRAINING_EXAMPLES:
                yield Finding(examples[0].path, examples[0].line, "coverage",
                              f"`{intent}` has {len(distinct)} different examples in "
                              f"{language}; it needs at least {MIN_TRAINING_EXAMPLES}")


def check_answers_in_every_language(project: Project) -> Iterable[Finding]:
    tree = project.tree
    answered: Dict[Tuple[str, str], Answer] = {}
    for answer in tree.answers:
        answered.setdefault((answer.name, answer.language), answer)
    titled = {(a.path.stem, a.language) for a in tree.answers if a.kind == "title"}
    for key in sorted(tree.faq_keys()):
        name = FAQ_RESPONSE_PREFIX + key
        for language in SUPPORTED_LANGUAGES:
            answer = answered.get((name, language))
            if answer is None:
                yield Finding(_topic_file(tree, "responses", language, key), 1, "coverage",
                              f"the topic `{key}` has no answer `{name}` in {language}")
            elif (answer.path.stem, language) not in titled:
                yield Finding(answer.path, 1, "coverage",
                              f"`{key}` needs a `title:` in {language} (its name on the "
                              "\"did you mean\" buttons)")
    names = {(a.name, a.kind) for a in tree.answers if a.kind != "title"}
    for name, kind in sorted(names):
        if name.startswith(FAQ_RESPONSE_PREFIX):
            continue
        present = {a.language: a for a in tree.answers if a.name == name}
        anywhere = next(iter(present.values()))
        for language in SUPPORTED_LANGUAGES:
            if language not in present:
                yield Finding(anywhere.path, anywhere.line, "coverage",
                              f"the {kind} `{name}` has no {language} version: add it to "
                              f"data/responses/{language}/{anywhere.path.name}")


def check_message_fields_agree(project: Project) -> Iterable[Finding]:
    """A template's {placeholders} are filled in by code: every language must keep them."""
    by_name: Dict[str, List[Answer]] = defaultdict(list)
    for answer in project.tree.answers:
        if answer.kind == "message":
            by_name[answer.name].append(answer)
    for name, versions in sorted(by_name.items()):
        fields = {a.language: set(TEMPLATE_FIELD.findall(a.text)) for a in versions}
        english = fields.get("en") or set().union(*fields.values())
        for answer in versions:
            if fields[answer.language] != english:
                yield Finding(answer.path, answer.line, "placeholders",
                              f"the message `{name}` in {answer.language} has the placeholders "
                              f"{_braced(fields[answer.language])}, but {_braced(english)} in "
                              "the other languages: keep every {placeholder} as it is")


def _braced(fields: Set[str]) -> str:
    return ", ".join("{" + f + "}" for f in sorted(fields)) or "none"


def check_placeholders_left(project: Project) -> Iterable[Finding]:
    tree = project.tree
    for example in tree.examples + tree.holdout:
        if is_placeholder(example.text):
            yield Finding(example.path, example.line, "todo",
                          f"`{example.intent}` still has a TODO example: replace it with a "
                          "real question")
    for answer in tree.answers:
        for line, text in answer.lines():
            if is_placeholder(text):
                what = "title" if answer.kind == "title" else f"`{answer.name}`"
                yield Finding(answer.path, line, "todo",
                              f"the {what} is still a TODO: write it in {answer.language}")
                break


def check_answer_length(project: Project) -> Iterable[Finding]:
    for answer in project.tree.answers:
        if answer.kind == "response" and len(answer.text) >= MAX_ANSWER_CHARS:
            yield Finding(answer.path, answer.line, "length",
                          f"`{answer.name}` has {len(answer.text)} characters: keep answers "
                          f"under {MAX_ANSWER_CHARS} for the sidebar")


@lru_cache(maxsize=None)
def _trigrams(text: str) -> FrozenSet[str]:
    padded = f" {text} "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


def overlapping(queries: Sequence[str], corpus: Sequence[str],
                threshold: float) -> List[Tuple[int, int]]:
    """(query index, corpus index) of texts whose character trigrams overlap at least
    `threshold` (Jaccard), in order: sparse products count the shared trigrams of every pair.

    Two sets of a and b trigrams reach `threshold` only if b lies between threshold * a and
    a / threshold, so queries of about one size are multiplied with that band of the corpus
    alone, the corpus sorted by size: common trigrams such as " th" would otherwise pair nearly every text
    with every other, the most of the checks' time."""
    import numpy
    from scipy import sparse

    if not 0 < threshold <= 1:
        raise ValueError(f"a Jaccard threshold is in (0, 1], got {threshold}")

    grams_left = [_trigrams(text) for text in queries]
    grams_right = [_trigrams(text) for text in corpus]
    vocabulary: Dict[str, int] = {}
    for gram_set in grams_left + grams_right:
        for gram in gram_set:
            vocabulary.setdefault(gram, len(vocabulary))

    def matrix(grams: List[FrozenSet[str]]) -> "sparse.csr_matrix":
        rows = [row for row, gram_set in enumerate(grams) for _ in gram_set]
        columns = [vocabulary[gram] for gram_set in grams for gram in gram_set]
        return sparse.csr_matrix((numpy.ones(len(rows), dtype=numpy.int32), (rows, columns)),
                                 shape=(len(grams), len(vocabulary)))

    left, right = matrix(grams_left), matrix(grams_right)
    sizes_left, sizes_right = numpy.diff(left.indptr), numpy.diff(right.indptr)
    by_size_left = numpy.argsort(sizes_left, kind="stable")
    by_size_right = numpy.argsort(sizes_right, kind="stable")
    left, right = left[by_size_left], right[by_size_right]
    sorted_left, sorted_right = sizes_left[by_size_left], sizes_right[by_size_right]
    pairs: List[Tuple[int, int]] = []
    first = 0
    while first < len(sorted_left):
        # Queries of sizes within a fifth of each other share one band and one product.
        last = int(numpy.searchsorted(sorted_left, sorted_left[first] * 1.2, side="right"))
        smallest, largest = int(sorted_left[first]), int(sorted_left[last - 1])
        # Rounded outwards: a band too narrow would miss pairs.
        low = int(numpy.searchsorted(sorted_right, threshold * smallest - 1e-9, side="left"))
        high = int(numpy.searchsorted(sorted_right, largest / threshold + 1e-9, side="right"))
        if largest > 0 and low < high:
            shared = left[first:last] @ right[low:high].T
            rows = numpy.repeat(numpy.arange(first, last), numpy.diff(shared.indptr))
            columns = shared.indices + low
            union = sorted_left[rows] + sorted_right[columns] - shared.data
            keep = shared.data >= threshold * union
            pairs.extend(zip(by_size_left[rows[keep]].tolist(),
                             by_size_right[columns[keep]].tolist()))
        first = last
    return sorted(pairs)


def similar_pairs(texts: Sequence[str], threshold: float) -> List[Tuple[int, int]]:
    """Index pairs (i < j) of texts whose trigram sets overlap at least `threshold`."""
    return [(i, j) for i, j in overlapping(texts, texts, threshold) if i < j]


def near_copies(held_out: Sequence[str], trained: Sequence[str]) -> List[Tuple[int, int]]:
    """(held-out, training) index pairs that differ by a few characters at most."""
    found = []
    for i, j in overlapping(held_out, trained, NEAR_COPY_CANDIDATE):
        if SequenceMatcher(None, held_out[i], trained[j], autojunk=False).ratio() \
                >= NEAR_COPY_RATIO:
            found.append((i, j))
    return found


def check_confusable_examples(project: Project) -> Iterable[Finding]:
    by_language: Dict[str, List[Example]] = defaultdict(list)
    for example in _real(project.tree.examples):
        by_language[example.language].append(example)
    for examples in by_language.values():
        texts = [normalise(e.text) for e in examples]
        for first, second in similar_pairs(texts, NEAR_DUPLICATE_SIMILARITY):
            a, b = examples[first], examples[second]
            if a.intent == b.intent:
                continue
            how = "the same example" if texts[first] == texts[second] else "nearly the same"
            for here, there in ((a, b), (b, a)):  # either one may be the one to change
                yield Finding(here.path, here.line, "duplicate",
                              f"\"{here.text}\" under `{here.intent}` is {how} as "
                              f"\"{there.text}\" under `{there.intent}` "
                              f"({there.path.parent.name}/{there.path.name}:{there.line}): the "
                              "model cannot tell them apart; reword or remove one")


def check_holdout(project: Project) -> Iterable[Finding]:
    tree = project.tree
    counts: Dict[Tuple[str, str], int] = defaultdict(int)
    for example in _real(tree.holdout):
        counts[(example.language, example.intent)] += 1
    for kept_apart, what in ((tree.holdout, "held-out question"),
                             (tree.calibration, "calibration example")):
        yield from _copies_of_training(tree, list(_real(kept_apart)), what)
    if not tree.holdout:
        return
    for intent in sorted(tree.intents()):
        for language in SUPPORTED_LANGUAGES:
            have = counts[(language, intent)]
            if have < MIN_HOLDOUT_EXAMPLES:
                path = tree.home / "tests" / "data" / "holdout" / f"{language}.yml"
                yield Finding(path, 1, "holdout",
                              f"`{intent}` has {have} held-out questions in {language}; it "
                              f"needs at least {MIN_HOLDOUT_EXAMPLES}")


def _copies_of_training(tree: ContentTree, kept_apart: List[Example],
                        what: str) -> Iterable[Finding]:
    """Examples kept apart from training that are copies, or near copies, of a training example
    in any language: one model learns all six, and code, noise, names and English typed in any
    sidebar read the same in every language's file."""
    held, trained = kept_apart, list(tree.examples)
    held_texts = [normalise(e.text) for e in held]
    trained_texts = [normalise(e.text) for e in trained]
    closest: Dict[int, int] = {}
    for i, j in near_copies(held_texts, trained_texts):
        if i not in closest or trained_texts[j] == held_texts[i]:
            closest[i] = j  # one finding per question: the exact copy if there is one
    for i, j in sorted(closest.items()):
        how = "also a training example" if held_texts[i] == trained_texts[j] else \
            "a near copy of the training example"
        yield Finding(held[i].path, held[i].line, "holdout",
                      f"the {what} \"{held[i].text}\" is {how} "
                      f"\"{trained[j].text}\" ({trained[j].path.parent.name}/"
                      f"{trained[j].path.name}:{trained[j].line}): examples kept apart "
                      "must be new to the model; rephrase one of them")


def check_references(project: Project) -> Iterable[Finding]:
    tree, domain = project.tree, project.tree.domain
    if domain is None:
        return
    intents = tree.intents()
    faq_keys = tree.faq_keys()
    known_intents = domain.intents | RASA_INTENTS | {i.split("/")[0] for i in intents} | intents
    responses = {a.name for a in tree.answers if a.kind == "response"} | domain.responses
    known_actions = domain.actions | RASA_ACTIONS | responses | domain.forms
    if faq_keys:
        known_actions.add(FAQ_RESPONSE_PREFIX.rstrip("/"))
    for step in tree.steps:
        known = known_intents if step.kind == "intent" else known_actions
        if step.name not in known:
            yield Finding(step.path, step.line, "references",
                          f"{step.kind} `{step.name}` does not exist (any more): rename it to an "
                          "existing one or remove the step")
    for intent in sorted(domain.intents - intents - HUB_INTENTS):
        yield Finding(domain.path, domain.intent_lines.get(intent, 1), "references",
                      f"intent `{intent}` is in the domain but has no training examples")
    reported: Set[Tuple[str, str]] = set()
    for example in tree.examples:
        base = example.intent.split("/")[0]
        if base not in domain.intents and base != FAQ_INTENT and \
                (example.intent, example.language) not in reported:
            reported.add((example.intent, example.language))
            yield Finding(example.path, example.line, "references",
                          f"intent `{example.intent}` is not in bot/domain.yml: add it there "
                          f"or use `faq/<key>` for an FAQ topic")


# The agent console's own words (its labels and headings) tell users no fact; "1日ごとに"
# ("per day") would read as a duration only in Japanese.
CONSOLE_CATALOGUE = "console.yml"


def check_facts_agree(project: Project) -> Iterable[Finding]:
    """Phone numbers, hours and priorities in an answer, or in a text the hub or the sidebar
    shows users, are the same in every language."""
    known_codes, countries = _calling_codes(project.phonebook)
    by_answer: Dict[str, Dict[str, List[fact_rules.Fact]]] = defaultdict(dict)
    located: Dict[Tuple[str, str], Answer] = {}
    for answer in project.tree.answers:
        if answer.kind == "title" or answer.path.name == CONSOLE_CATALOGUE:
            continue
        facts = fact_rules.facts_of_text(answer.lines(), known_codes)
        by_answer[answer.name].setdefault(answer.language, []).extend(facts)
        located.setdefault((answer.name, answer.language), answer)
    for name, facts_by_language in sorted(by_answer.items()):
        for found in fact_rules.disagreements(facts_by_language):
            answer = located[(name, found.language)]
            versions = "; ".join(
                f"{', '.join(languages)}: "
                f"{fact_rules.describe_version(version, found.shown, found.kind)}"
                for version, languages in found.others.items())
            yield Finding(answer.path, fact_rules.first_line(found.facts, answer.line), "facts",
                          f"`{name}`: the {_fact_title(found.kind, found.subject, countries)} "
                          f"differs between languages ({versions}); make every language say "
                          "the same")


def check_article_facts(project: Project) -> Iterable[Finding]:
    """Phone numbers, hours and priorities in an imported article are the same in each of its
    language versions, as in Bolt's own answers."""
    known_codes, countries = _calling_codes(project.phonebook)
    versions: Dict[Tuple[str, str], Dict[str, StoredArticle]] = defaultdict(dict)
    for article in project.articles:
        versions[(article.source, article.external_id)][article.language] = article
    for (source, external_id), by_language in sorted(versions.items()):
        if len(by_language) < 2:
            continue
        facts_by_language = {language: fact_rules.facts_of_text(_article_lines(article),
                                                                 known_codes)
                             for language, article in by_language.items()}
        for found in fact_rules.disagreements(facts_by_language):
            article = by_language[found.language]
            versions_said = "; ".join(
                f"{', '.join(languages)}: "
                f"{fact_rules.describe_version(version, found.shown, found.kind)}"
                for version, languages in found.others.items())
            yield Finding(Path("articles", source, external_id, found.language),
                          fact_rules.first_line(found.facts, 1), "facts",
                          f"article \"{article.title}\" ({article.url}): the "
                          f"{_fact_title(found.kind, found.subject, countries)} differs between "
                          f"its languages ({versions_said}); correct it in the help center and "
                          "import it again")


def _article_lines(article: StoredArticle) -> List[Tuple[int, str]]:
    """The article's text, line by line, numbered from 1 (headings included)."""
    read = markdown_sections if article.body_format == MARKDOWN else html_sections
    lines: List[str] = []
    for section in read(article.title, article.body):
        lines.append(section.heading)
        lines.extend(section.text.splitlines())
    return list(enumerate(lines, start=1))


def _fact_title(kind: str, subject: str, countries: Mapping[str, Sequence[str]]) -> str:
    if kind == fact_rules.PHONE and subject:
        country = fact_rules.country_of(subject, countries)
        return f"phone number for {country} ({subject})" if country else f"phone number {subject}"
    if kind == fact_rules.PRIORITY_TIME:
        return f"time for {subject}"
    if kind == fact_rules.PRIORITIES:
        return "list of priorities"
    return kind


def _calling_codes(phonebook: Optional[PhoneBook]) -> Tuple[List[str], Dict[str, List[str]]]:
    countries: Dict[str, List[str]] = defaultdict(list)
    if phonebook is None:
        return [], countries
    for country in phonebook.countries.values():
        for phone in country.numbers:
            if phone.number.startswith("+"):
                code = fact_rules.calling_code(phone.number)
                if country.display_name("en") not in countries[code]:
                    countries[code].append(country.display_name("en"))
    return sorted(countries), countries


def check_numbers_in_phone_table(project: Project) -> Iterable[Finding]:
    """A number in an answer must be one of data/phone_numbers.yml, the canonical table."""
    if project.phonebook is None:
        return
    table: Dict[str, str] = {}
    for country in project.phonebook.countries.values():
        for phone in country.numbers:
            table[fact_rules.digits(phone.number)] = country.display_name("en")
    known_codes, countries = _calling_codes(project.phonebook)
    table_name = project.phonebook_path.name
    for answer in project.tree.answers:
        for fact in fact_rules.facts_of_text(answer.lines(), known_codes):
            if fact.kind != fact_rules.PHONE or fact.value in table:
                continue
            country = fact_rules.country_of(fact.subject, countries)
            listed = [p.number for c in project.phonebook.countries.values()
                      if c.display_name("en") in (country or "").split(", ")
                      for p in c.numbers]
            hint = f" ({country}: {', '.join(listed)})" if listed else ""
            yield Finding(answer.path, fact.line, "facts",
                          f"{fact.shown} is not in data/{table_name}{hint}: numbers come from "
                          "that table; correct the answer or the table")


CHECKS: Tuple[Check, ...] = (
    check_schema,
    check_examples_in_every_language,
    check_answers_in_every_language,
    check_message_fields_agree,
    check_placeholders_left,
    check_answer_length,
    check_confusable_examples,
    check_holdout,
    check_references,
    check_facts_agree,
    check_numbers_in_phone_table,
)
