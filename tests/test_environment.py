"""pyproject.toml, environment.yml and requirements.lock must pin the same versions.

requirements-nodeps.txt pins packages installed without their dependencies (data-only,
never imported); environment.yml lists them too, pyproject.toml and the lock must not.

The comparison lives in small functions so that a deliberately drifted copy can be fed
through them (test_drift_is_reported): a checker that cannot fail checks nothing.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

# Conda-only entries that are not project dependencies.
CONDA_ONLY = {"python", "pip"}

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(==?)\s*([^\s;,#]+)\s*$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pin(spec: str, *, conda: bool = False) -> tuple[str, str]:
    """'numpy==2.4.6' (or conda's 'numpy=2.4.6') -> ('numpy', '2.4.6'). Anything else
    (unpinned, ranges, extras, markers) is an error: every dependency is pinned exactly."""
    m = _PIN.match(spec)
    if not m or (m.group(2) == "=" and not conda):
        raise ValueError(f"not an exact pin: {spec!r}")
    return normalize(m.group(1)), m.group(3)


def pyproject_pins(text: str) -> dict[str, str]:
    project = tomllib.loads(text)["project"]
    specs = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        specs.extend(group)
    pins: dict[str, str] = {}
    for spec in specs:
        name, version = parse_pin(spec)
        if name in pins and pins[name] != version:
            raise ValueError(f"{name} pinned twice in pyproject.toml: {pins[name]} / {version}")
        pins[name] = version
    return pins


def pyproject_python(text: str) -> SpecifierSet:
    return SpecifierSet(tomllib.loads(text)["project"]["requires-python"])


def environment_pins(text: str) -> tuple[dict[str, str], str | None]:
    """Returns ({package: version}, python version) from an environment.yml text."""
    deps = yaml.safe_load(text)["dependencies"]
    pins: dict[str, str] = {}
    python = None
    for dep in deps:
        if isinstance(dep, dict):  # the `pip:` subsection
            for spec in dep.get("pip", []):
                if spec.strip().startswith("-"):  # `-e .` and other options
                    continue
                name, version = parse_pin(spec)
                pins[name] = version
            continue
        dep = str(dep)
        if normalize(dep) in CONDA_ONLY:
            continue
        name, version = parse_pin(dep, conda=True)
        if name == "python":
            python = version
        elif name not in CONDA_ONLY:
            pins[name] = version
    return pins, python


def lock_pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, version = parse_pin(line)
        pins[name] = version
    return pins


def drift(reference: dict[str, str], other: dict[str, str], other_name: str,
          *, subset: bool = False) -> list[str]:
    """Human-readable differences. With subset=True, `other` may hold extra packages
    (a lock file holds the transitive closure) but must agree on every shared one."""
    problems = []
    for name in sorted(reference.keys() - other.keys()):
        problems.append(f"{name}=={reference[name]} is in pyproject.toml but not in {other_name}")
    if not subset:
        for name in sorted(other.keys() - reference.keys()):
            problems.append(f"{name}=={other[name]} is in {other_name} but not in pyproject.toml")
    for name in sorted(reference.keys() & other.keys()):
        if reference[name] != other[name]:
            problems.append(f"{name}: pyproject.toml pins {reference[name]}, "
                            f"{other_name} pins {other[name]}")
    return problems


def _read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def nodeps_pins() -> dict[str, str]:
    return lock_pins(_read("requirements-nodeps.txt"))


def all_pins() -> dict[str, str]:
    """pyproject.toml's pins plus requirements-nodeps.txt's (what environment.yml lists)."""
    return {**pyproject_pins(_read("pyproject.toml")), **nodeps_pins()}


def test_pyproject_and_environment_agree():
    env, _ = environment_pins(_read("environment.yml"))
    assert drift(all_pins(), env, "environment.yml") == []


def test_nodeps_pins_stay_out_of_pyproject_and_lock():
    """A pin in pyproject.toml or the lock would be installed with its dependencies."""
    nodeps = nodeps_pins()
    assert nodeps, "requirements-nodeps.txt pins nothing"
    both = nodeps.keys() & (pyproject_pins(_read("pyproject.toml")).keys()
                            | lock_pins(_read("requirements.lock")).keys())
    assert both == set(), f"{sorted(both)} also pinned in pyproject.toml or requirements.lock"


def test_python_versions_agree():
    _, python = environment_pins(_read("environment.yml"))
    assert python is not None, "environment.yml must pin python"
    spec = pyproject_python(_read("pyproject.toml"))
    assert Version(python) in spec, f"python={python} does not satisfy requires-python {spec}"


def test_lock_file_agrees_with_pyproject():
    lock = lock_pins(_read("requirements.lock"))
    assert "minitf" not in lock, "requirements.lock must not pin the project itself"
    assert drift(pyproject_pins(_read("pyproject.toml")), lock, "requirements.lock",
                 subset=True) == []


def test_drift_is_reported():
    """Feed a deliberately drifted environment.yml through the same comparison."""
    text = _read("environment.yml")
    reference = all_pins()
    drifted = re.sub(r"(?m)^(\s*- numpy=)\S+", r"\g<1>1.26.4", text)   # version bump
    drifted = re.sub(r"(?m)^\s*- networkx=\S+\n", "", drifted)        # dropped package
    drifted = re.sub(r"(?m)^(\s*- pip:\n)", r"  - scipy=1.0.0\n\1", drifted)  # extra one
    drifted = drifted.replace("playwright==", "playwright==0.0.")     # pip subsection
    assert drifted != text
    baseline = set(drift(reference, environment_pins(text)[0], "environment.yml"))
    problems = [p for p in drift(reference, environment_pins(drifted)[0], "environment.yml")
                if p not in baseline]  # only what this test introduced
    joined = "\n".join(problems)
    assert f"numpy: pyproject.toml pins {reference['numpy']}, environment.yml pins 1.26.4" in joined
    assert "networkx" in joined and "not in environment.yml" in joined
    assert "scipy==1.0.0 is in environment.yml but not in pyproject.toml" in joined
    assert "playwright" in joined
    assert len(problems) == 4, problems


def test_names_are_normalized_and_loose_pins_rejected():
    assert normalize("Google_CRC32C") == "google-crc32c"
    assert drift({"google-crc32c": "1.9.0"},
                 environment_pins("dependencies:\n  - google_crc32c=1.9.0\n")[0], "env") == []
    with pytest.raises(ValueError):
        parse_pin("numpy>=2")
    with pytest.raises(ValueError):
        parse_pin("numpy=2.4.6")  # conda syntax is not valid in pyproject / pip


def test_installed_versions_match_pins():
    """The environment running the tests is the pinned one (catches a stale .venv)."""
    wrong = {}
    for name, version in all_pins().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}, f"pinned vs installed: {wrong}; run `make .venv`"
