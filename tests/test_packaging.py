"""Packaging: every imported distribution is declared, the build backend understands the metadata, environment.yml
pins what pyproject.toml allows, and the version string has one source."""

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import initstab

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
SCANNED = ["src", "workflow", "tests", "benchmarks"]
# The checkout's own modules: the library and every script or helper module that a test or script puts on sys.path.
LOCAL = {"initstab"} | {
    name for directory in SCANNED for path in (REPO / directory).rglob("*.py") for name in (path.stem, path.parent.name)
}


def requirements(specs: list[str]) -> dict[str, Requirement]:
    """Requirements by canonical distribution name."""
    parsed = [Requirement(spec) for spec in specs]
    return {canonicalize_name(requirement.name): requirement for requirement in parsed}


def third_party_imports(*directories: str) -> dict[str, set[str]]:
    """Top-level modules imported anywhere (also inside functions) by the .py files under ``directories``, that are
    neither the standard library nor the checkout's own, with the files importing each."""
    found: dict[str, set[str]] = {}
    for directory in directories:
        for path in sorted((REPO / directory).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.partition(".")[0]
                    if top not in sys.stdlib_module_names and top not in LOCAL:
                        found.setdefault(top, set()).add(path.relative_to(REPO).as_posix())
    return found


def undeclared(modules: dict[str, set[str]], declared: set[str]) -> list[str]:
    """The modules whose distribution (as installed here) is not among ``declared`` canonical names."""
    providers = metadata.packages_distributions()
    problems = []
    for module, files in sorted(modules.items()):
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        if not distributions:
            problems.append(f"{module} (imported by {sorted(files)}): no installed distribution provides it")
        elif not distributions & declared:
            problems.append(f"{module} from {sorted(distributions)} (imported by {sorted(files)})")
    return problems


def test_runtime_imports_are_declared():
    modules = third_party_imports("src", "workflow/scripts")
    assert {"tensorflow", "numpy", "pandas"} <= modules.keys()  # the scan sees the imports at all
    problems = undeclared(modules, set(requirements(PROJECT["dependencies"])))
    assert not problems, "imported but not in [project].dependencies:\n" + "\n".join(problems)


def test_test_imports_are_declared():
    """tests/ (and benchmarks/, which the tests import) may use the runtime dependencies and the `test` extra."""
    modules = third_party_imports("tests", "benchmarks")
    assert "pytest" in modules
    declared = set(requirements(PROJECT["dependencies"])) | set(requirements(PROJECT["optional-dependencies"]["test"]))
    problems = undeclared(modules, declared)
    assert not problems, "imported but in neither [project].dependencies nor the test extra:\n" + "\n".join(problems)


def test_build_backend_understands_the_license():
    """`license = "MIT"` (an SPDX expression, PEP 639) is an error in setuptools < 77, which wants a table."""
    if not isinstance(PROJECT.get("license"), str):
        pytest.skip("license is not an SPDX string")
    setuptools = requirements(PYPROJECT["build-system"]["requires"])["setuptools"]
    floors = [Version(s.version) for s in setuptools.specifier if s.operator in (">=", ">", "==", "~=", "===")]
    assert floors and max(floors) >= Version("77"), f"build-system requires {setuptools}: needs setuptools>=77"
    # PEP 639: an SPDX license excludes license classifiers (setuptools >= 77 refuses the pair)
    assert not [c for c in PROJECT.get("classifiers", []) if c.startswith("License ::")]


def environment_pins() -> dict[str, Requirement]:
    """environment.yml's conda and pip entries as requirements, by canonical name."""
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    entries = []
    for entry in environment["dependencies"]:
        entries.extend(entry["pip"] if isinstance(entry, dict) else [entry])
    try:
        return requirements(entries)
    except InvalidRequirement as error:
        pytest.fail(f"environment.yml: write every entry as NAME==VERSION ({error})", pytrace=False)


def pinned_version(requirement: Requirement) -> Version:
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in specifiers[0].version, (
        f"environment.yml: {requirement} is not pinned with =="
    )
    return Version(specifiers[0].version)


def test_environment_pins_every_dependency_within_its_bounds():
    pins = environment_pins()
    for name, requirement in requirements(PROJECT["dependencies"]).items():
        assert name in pins, f"environment.yml lacks {requirement} (pin it with ==)"
        version = pinned_version(pins[name])
        assert requirement.specifier.contains(version, prereleases=True), (
            f"environment.yml pins {pins[name]}, outside pyproject.toml's {requirement}"
        )
        assert requirement.extras <= pins[name].extras, f"environment.yml: {pins[name]} lacks {requirement}'s extras"
    python = pinned_version(pins["python"])
    assert python.release[:2] == (3, 11)
    assert python in Requirement(f"python{PROJECT['requires-python']}").specifier


def test_version_has_one_source():
    assert "version" not in PROJECT, "pyproject.toml: take the version from initstab.__version__ (dynamic)"
    assert "version" in PROJECT.get("dynamic", [])
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "initstab.__version__"}
    assert str(Version(initstab.__version__)) == initstab.__version__, "use the normalized PEP 440 form"


def test_installed_version_is_the_library_version():
    try:
        installed = metadata.version("initstab")
    except metadata.PackageNotFoundError:
        pytest.skip("initstab is not installed (imported from src/ on PYTHONPATH)")
    assert installed == initstab.__version__, "reinstall: `.venv/bin/pip install -q -e '.[test]'`"


def test_citation_version_is_the_library_version():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert isinstance(citation["version"], str), "CITATION.cff: quote the version (YAML reads 1.10 as 1.1)"
    assert citation["version"] == initstab.__version__, "CITATION.cff's version differs from initstab.__version__"
