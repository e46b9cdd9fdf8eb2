"""`bolt content validate`: every check on the whole content, in seconds, without Rasa."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence

from bolt.articles.model import StoredArticle
from bolt.editing.checks import CHECKS, Project, check_article_facts
from bolt.editing.findings import Finding, sorted_findings
from bolt.editing.tree import ContentPaths, read_tree
from bolt.core.phonebook import PhoneBook, PhoneBookError, load_phonebook

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

PHONE_TABLE = "phone_numbers.yml"


def load_project(paths: ContentPaths, articles: Sequence[StoredArticle] = ()) -> Project:
    tree = read_tree(paths)
    phonebook_path = paths.data_dir / PHONE_TABLE
    phonebook: Optional[PhoneBook] = None
    if phonebook_path.is_file():
        try:
            phonebook = load_phonebook(phonebook_path)
        except PhoneBookError as error:
            tree.problem(phonebook_path, 1, str(error).split(": ", 1)[-1])
    return Project(tree=tree, phonebook=phonebook, phonebook_path=phonebook_path,
                   articles=articles)


def validate(home: Path) -> List[Finding]:
    """All findings for the project at `home`, sorted by file and line; empty when clean."""
    project = load_project(ContentPaths.of_project(home))
    return sorted_findings(finding for check in CHECKS for finding in check(project))


def validate_articles(home: Path, article_store: "Engine") -> List[Finding]:
    """What differs between the language versions of the help center's imported articles.

    Editors correct these in the help center, not in Bolt's content, so they are reported
    beside the content's findings and never stop a training."""
    from bolt.articles.store import load_articles  # SQLAlchemy: only when there are articles

    with article_store.connect() as connection:
        articles = load_articles(connection)
    project = load_project(ContentPaths.of_project(home), articles)
    return sorted_findings(check_article_facts(project))
