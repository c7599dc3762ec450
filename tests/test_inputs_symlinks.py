"""Symbolic links do not lead ingest out of the directory it was given.

A link in an ingested folder to /etc/passwd used to be stored and served to anyone.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from conftest import SEEDS
from sqlalchemy import select

from marsad.core import RawInput
from marsad.core.application import Marsad
from marsad.core.ingest import find_files
from marsad.core.readers import InputError

SEED = sorted(SEEDS.iterdir())[0]
SECRET = "كلمة السر للخادم\nهذا ملف خارج المجلد لا يجوز أن يقرأه أحد من القراء أبدا.\n"


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """An inbox with one article and a link to a readable text file outside it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "article.txt")
    outside = tmp_path / "private" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(SECRET, encoding="utf-8")
    (inbox / "secret.txt").symlink_to(outside)
    return inbox, outside


def listed(paths: list[Path], **options: bool) -> tuple[list[Path], list[InputError]]:
    """What find_files yields, run in a thread so that a hang fails instead of blocking."""
    items: list[Path | InputError] = []
    walker = threading.Thread(target=lambda: items.extend(find_files(paths, **options)))
    walker.start()
    walker.join(timeout=10)
    assert not walker.is_alive(), "find_files did not finish"
    files = [item for item in items if isinstance(item, Path)]
    return files, [item for item in items if isinstance(item, InputError)]


def test_a_link_out_of_the_tree_is_an_error_naming_link_and_target(
    tree: tuple[Path, Path],
) -> None:
    inbox, outside = tree
    files, errors = listed([inbox])
    assert files == [inbox / "article.txt"]
    assert len(errors) == 1
    assert errors[0].source == str(inbox / "secret.txt")
    assert str(outside) in errors[0].problem
    assert f"points outside {inbox.resolve()}; not followed" in errors[0].problem


def test_following_links_out_is_a_choice(tree: tuple[Path, Path]) -> None:
    inbox, _ = tree
    files, errors = listed([inbox], follow_symlinks=True)
    assert files == [inbox / "article.txt", inbox / "secret.txt"] and not errors


def test_links_inside_the_tree_are_fine(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "day").mkdir(parents=True)
    shutil.copy(SEED, inbox / "day" / "article.txt")
    (inbox / "latest.txt").symlink_to(inbox / "day" / "article.txt")
    (inbox / "today").symlink_to(inbox / "day")  # its file is found under day/ already
    files, errors = listed([inbox])
    assert files == [inbox / "day" / "article.txt", inbox / "latest.txt"] and not errors


def test_link_loops_end(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED, inbox / "article.txt")
    (inbox / "again").symlink_to(inbox)
    (inbox / "up").symlink_to(tmp_path)
    (inbox / "ping").symlink_to(inbox / "pong")
    (inbox / "pong").symlink_to(inbox / "ping")
    for follow in (False, True):
        files, errors = listed([inbox], follow_symlinks=follow)
        assert inbox / "article.txt" in files
        assert {inbox / "ping", inbox / "pong"} <= {Path(error.source) for error in errors}


def test_a_named_file_that_is_a_link_is_read(tree: tuple[Path, Path]) -> None:
    # The user named it: there is no tree to leave.
    inbox, _ = tree
    files, errors = listed([inbox / "secret.txt"])
    assert files == [inbox / "secret.txt"] and not errors


def test_ingest_does_not_store_what_a_link_points_to_outside(
    app: Marsad, tree: tuple[Path, Path]
) -> None:
    inbox, _ = tree
    report = app.ingest([inbox])
    assert report.stored == 1
    assert [error.source for error in report.errors] == [str(inbox / "secret.txt")]
    with app.session_factory() as session:
        sources = session.scalars(select(RawInput.source)).all()
        contents = session.scalars(select(RawInput.content)).all()
    assert sources == [str(inbox / "article.txt")]
    assert all(SECRET.encode() not in content for content in contents)
