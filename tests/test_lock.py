"""The Python lock files match pyproject.toml: every dependency pinned to one version with hashes.

`make lock` writes requirements/main.txt (the app) and requirements/dev.txt (the app, tests and
tools) with pip-compile; `make venv` installs exactly requirements/dev.txt (hash-checked) and then
the project itself without dependencies. A dependency added to pyproject.toml without `make lock`
fails here, naming it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)(?P<spec>[^\s\\#]*)(?P<rest>(?:[^\n]*\\\n)*[^\n]*)", re.M)


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (specifier as written, hashes) for every requirement in requirements/<name>.txt."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    entries = {}
    for match in ENTRY.finditer(text):
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", match.group("rest"))
        entries[canonicalize_name(match.group("name"))] = (match.group("spec"), hashes)
    return entries


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    main = [Requirement(text) for text in project["dependencies"]]
    dev = [Requirement(text) for text in project["optional-dependencies"]["dev"]]
    return main, dev


@pytest.mark.parametrize(("lock", "groups"), [("main.txt", ("main",)), ("dev.txt", ("main", "dev"))])
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, groups: tuple[str, ...]) -> None:
    main, dev = declared()
    wanted = {"main": main, "dev": dev}
    entries = locked(lock)
    problems = []
    for group in groups:
        for requirement in wanted[group]:
            name = canonicalize_name(requirement.name)
            if name not in entries:
                problems.append(f"{requirement.name} is not in requirements/{lock} (run make lock)")
                continue
            version = entries[name][0].removeprefix("==")
            if not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{requirement.name}=={version} does not satisfy {requirement} (run make lock)")
    assert problems == []


@pytest.mark.parametrize("lock", ["main.txt", "dev.txt"])
def test_every_locked_package_has_one_version_and_hashes(lock: str) -> None:
    entries = locked(lock)
    assert len(entries) > 20
    loose = [name for name, (spec, hashes) in entries.items() if not spec.startswith("==") or not hashes]
    assert loose == []


def test_the_two_locks_agree_on_shared_packages() -> None:
    main, dev = locked("main.txt"), locked("dev.txt")
    assert {name: main[name][0] for name in main} == {name: dev[name][0] for name in main}


def test_make_venv_installs_the_lock_then_the_project_without_dependencies() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert '--require-hashes -r "$(LOCK_DEV)"' in makefile
    assert "--no-deps -e ." in makefile
    assert "-e '.[dev]'" not in makefile
