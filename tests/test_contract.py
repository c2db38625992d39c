"""Tests that keep the docs and the code honest: SCHEMA.md, flags, problem codes, layers."""

from __future__ import annotations

import ast
import enum
import importlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao import models
from jixiao.compiled import compiled_sources
from jixiao.flags import FLAGS
from jixiao.problems import PROBLEM_CODES
from tests.conftest import ROOT

SCHEMA_MD = ROOT / "docs" / "SCHEMA.md"
SHARED_SCHEMA_MD = ROOT.parent / "shared" / "docs" / "SCHEMA.md"
MODELS = ["SourceResult", "Source", "Form", "Budget", "Task", "Contacts", "Indicator", "Problem"]
ADDED_MODELS = ["UnreadText"]  # models of fields added to the contract (docs/output.md)
OUTPUT_MD = ROOT / "docs" / "output.md"  # the fields added to the contract
FLAGS_MD = ROOT / "docs" / "flags.md"  # every flag and problem code


def _schema_blocks(path: Path = SCHEMA_MD) -> dict[str, list[str]]:
    """Field names per model from SCHEMA.md's text block ("name, content    str" -> 2)."""
    text = path.read_text("utf-8")
    block = text.split("```text", 1)[1].split("```", 1)[0]
    fields: dict[str, list[str]] = {}
    current = None
    for line in block.splitlines():
        if re.match(r"^[A-Z]\w+", line):
            current = line.split()[0]
            fields[current] = []
        elif current and re.match(r"^  [a-z]", line):
            names = re.split(r"\s{2,}", line.strip())[0]
            fields[current] += [n.split()[0] for n in names.split(",")]
    return fields


@pytest.mark.parametrize("model", MODELS)
def test_models_have_the_schema_fields_in_order(model: str) -> None:
    """Every documented field, in order; fields added since are listed in docs/output.md."""
    documented = _schema_blocks()[model]
    actual = list(getattr(models, model).model_fields)
    assert actual[: len(documented)] == documented
    added = OUTPUT_MD.read_text("utf-8")
    for extra in actual[len(documented) :]:
        assert f"`{model}.{extra}`" in added, f"{model}.{extra} is not documented in {OUTPUT_MD}"


@pytest.mark.parametrize("model", MODELS + ADDED_MODELS)
def test_every_field_has_a_description(model: str) -> None:
    for name, info in getattr(models, model).model_fields.items():
        assert info.description, f"{model}.{name} has no description"


def test_repository_schema_only_adds_to_shared() -> None:
    """SCHEMA.md: "Add fields freely; never rename or drop one" -- the repository copy may
    add fields to the shared contract, but keeps every shared field, in order."""
    if not SHARED_SCHEMA_MD.exists():
        pytest.skip("shared/ is not beside the checkout")
    ours = _schema_blocks()
    for model, fields in _schema_blocks(SHARED_SCHEMA_MD).items():
        kept = [name for name in ours[model] if name in fields]
        assert kept == fields, model


def test_schema_flags_are_defined() -> None:
    text = SCHEMA_MD.read_text("utf-8").split("## Flags", 1)[1].split("## Parquet", 1)[0]
    documented = set(re.findall(r"`([a-z0-9_]+)`", text))
    assert documented <= set(FLAGS)


def test_docs_document_every_problem_code_and_flag() -> None:
    text = FLAGS_MD.read_text("utf-8")
    for code in PROBLEM_CODES:
        assert f"| `{code}` |" in text, code
    for flag in FLAGS:
        assert f"| `{flag}` |" in text, flag


def test_documented_confidence_factors_are_the_code_s() -> None:
    """The factor column of the flags table, as jixiao.flags applies it."""
    rows = re.findall(r"^\| `([a-z0-9_]+)` \|.*\| ([0-9.]+) \|$", FLAGS_MD.read_text("utf-8"), re.M)
    assert len(rows) == len(FLAGS)
    for flag, factor in rows:
        assert FLAGS[flag].factor == float(factor), flag


def test_problem_codes_used_in_package_are_registered() -> None:
    used = set()
    for path in (ROOT / "jixiao").rglob("*.py"):
        used |= set(
            re.findall(
                r'(?:SourceError|Problem)\(\s*(?:code=)?"([a-z_]+)"', path.read_text("utf-8")
            )
        )
    assert used and used <= set(PROBLEM_CODES)


def test_readme_commands_are_makefile_targets() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    readme = (ROOT / "README.md").read_text("utf-8")
    for target in ("demo", "test", "lint", "bench"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


# extract <- parsers <- normalizers <- output: a stage never imports a later one
LAYERS = ["extract", "parsers", "normalizers", "output"]


@pytest.mark.parametrize("stage", LAYERS)
def test_stages_import_only_earlier_stages(stage: str) -> None:
    later = {f"jixiao.{s}" for s in LAYERS[LAYERS.index(stage) + 1 :]} | {
        "jixiao.pipeline",
        "jixiao.cli",
    }
    for path in (ROOT / "jixiao" / stage).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not any(node.module.startswith(m) for m in later), (
                    f"{path.name} imports {node.module}"
                )


def test_modules_stay_small() -> None:
    for path in (ROOT / "jixiao").rglob("*.py"):
        assert len(path.read_text("utf-8").splitlines()) <= 600, path


def _unmarked_module_names(path: Path) -> list[str]:
    """Module-level names of a source that are neither `Final` nor a `TypeAlias`."""
    found = []
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Assign):
            found += [ast.unparse(target) for target in node.targets]
        elif isinstance(node, ast.AnnAssign):
            kind = ast.unparse(node.annotation).split("[")[0]
            if kind not in ("Final", "TypeAlias"):
                found.append(ast.unparse(node.target))
    return found


def _found_in_compiled(find: Callable[[Path], list[str]]) -> dict[str, list[str]]:
    """What `find` reports in each compiled source, by path (sources with nothing left out)."""
    return {
        str(path.relative_to(ROOT)): names for path in compiled_sources() if (names := find(path))
    }


def test_compiled_modules_keep_their_constants_final() -> None:
    """Compiled, a module-level name that is not Final is a dict lookup at every use, about
    twenty times slower than the C variable a Final name becomes."""
    assert ROOT / "jixiao" / "parsers" / "recognizer" / "decode.py" in compiled_sources()
    assert _found_in_compiled(_unmarked_module_names) == {}


def _iterated_fixed_tuples(path: Path) -> list[str]:
    """Module-level tuple constants annotated bare `Final` that a loop or comprehension of
    the module iterates."""
    tree = ast.parse(path.read_text("utf-8"))
    fixed = {
        node.target.id
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.value, ast.Tuple)
        and ast.unparse(node.annotation) == "Final"
    }
    loops = [n.iter for n in ast.walk(tree) if isinstance(n, (ast.For, ast.comprehension))]
    return sorted({it.id for it in loops if isinstance(it, ast.Name) and it.id in fixed})


def test_compiled_loops_iterate_variable_length_tuples() -> None:
    """Compiled, a bare `Final` tuple constant is stored as a C struct of its items: every
    loop over it built a new tuple object and iterated it through the generic iterator
    (`is_note`, 940 instructions a call, callgrind). `Final[tuple[str, ...]]` keeps it one
    tuple object, which a loop indexes."""
    assert _found_in_compiled(_iterated_fixed_tuples) == {}


def test_an_iterated_fixed_tuple_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from typing import Final\n"
        "A: Final = ('x', 'y')\nB: Final[tuple[str, ...]] = ('x', 'y')\nC: Final = (1, 2)\n"
        "def f(t: str) -> bool:\n"
        "    return any(w in t for w in A) or any(w in t for w in B) or 1 in C\n"
    )
    assert _iterated_fixed_tuples(source) == ["A"]


def _generated_inits(path: Path) -> list[str]:
    """Dataclasses of a source whose __init__ the dataclass decorator writes (init=False
    and a hand-written one is what a compiled module needs)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        for decorator in node.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ast.unparse(call) != "dataclass":
                continue
            keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
            if not any(k.arg == "init" and ast.unparse(k.value) == "False" for k in keywords):
                found.append(node.name)
    return found


def test_compiled_dataclasses_write_their_own_init() -> None:
    """Compiled, the __init__ a dataclass decorator generates is Python code run for every
    object (measured seven times slower than a compiled one for a five-field Cell); atoms,
    cells and cell readings are made by the thousand per text."""
    assert _found_in_compiled(_generated_inits) == {}


def test_a_generated_init_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from dataclasses import dataclass\n"
        "@dataclass(slots=True)\nclass A:\n    x: int\n"
        "@dataclass\nclass B:\n    x: int\n"
        "@dataclass(init=False)\nclass C:\n    x: int\n"
        "    def __init__(self, x: int) -> None:\n        self.x = x\n"
    )
    assert _generated_inits(source) == ["A", "B"]


def _enum_reads_in_functions(path: Path, namespace: dict[str, object]) -> list[str]:
    """Reads of an enum member (`Role.VALUE`) inside a function of a source; `namespace`:
    the module's names, to tell an enum class from any other."""
    enums = {
        name
        for name, value in namespace.items()
        if isinstance(value, type) and issubclass(value, enum.Enum)
    }
    found = []
    for function in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in enums
                and node.attr.isupper()
            ):
                found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return sorted(set(found))


def test_compiled_functions_read_enum_members_through_final_names() -> None:
    """Compiled, `Role.VALUE` is a call through the enum type's __getattr__ hook (Python
    3.11's EnumType has one): about 900 instructions a read, where a module's Final name is
    a C variable. The recognizer read members a few thousand times per text."""
    found = {}
    for path in compiled_sources():
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name)
        if reads := _enum_reads_in_functions(path, vars(module)):
            found[name] = reads
    assert found == {}


def test_an_enum_read_in_a_function_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from enum import Enum\nclass Color(Enum):\n    RED = 1\n"
        "class Plain:\n    RED = 1\n"
        "FIRST = Color.RED\n"
        "def f(c):\n    return c is Color.RED or c is Plain.RED\n"
    )
    namespace: dict[str, object] = {}
    exec(compile(source.read_text("utf-8"), str(source), "exec"), namespace)
    assert _enum_reads_in_functions(source, namespace) == ["Color.RED (line 8)"]


def test_a_plain_constant_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from typing import Final, TypeAlias\nA: Final = 1\nB = 2\nC: int = 3\n"
        "Pair: TypeAlias = tuple[int, int]\n"
    )
    assert _unmarked_module_names(source) == ["B", "C"]
