"""Examples that cannot rot: every command and code block of the README and docs/ is run.

Each page's fenced blocks run in order in one scratch folder beside `samples/`, `tests/` and
`examples/` (links to the checkout), shared by the pages so that a re-run of the same
command is incremental:

- `sh` blocks: each command; `jixiao ...` through `jixiao.cli.main` (a status above 1 fails:
  a renamed option is a usage error, 2), `python SCRIPT` as a process; the test suite,
  benchmarks and make targets are checked, not run (the file or target exists, and every
  `--option` given appears in it), and so are the extras of `pip install`;
- `console` blocks: the same for each `$ ` line, and what it printed must match the lines
  after it (`...` matches anything, durations are ignored, runs of spaces are one);
- `python` blocks: `exec`, one namespace per page.

`<!-- not run: why -->` on the line before a block keeps it from running (its `jixiao`
commands are still parsed); `<!-- file: NAME -->` writes the block into the scratch folder.
`jixiao` commands quoted in the prose must name real commands and options, and the examples
in the docstrings of the public API are run too.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import re
import shlex
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomllib

import jixiao
from jixiao.cli import _build_parser, main
from tests.conftest import ROOT

MAX_NOT_RUN = 3  # blocks that cannot run here (installs, a dask cluster, valgrind): keep it small
LANGUAGES = {"sh", "console", "python", "toml", "text", "json"}
LINKED = ("samples", "tests", "examples")
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.M | re.S,
)
MARKER = re.compile(r"<!--\s*(not run|file):\s*(.*?)\s*-->\s*$")
DURATION = re.compile(r"\b\d+(?:\.\d+)? s\b")


@dataclass(frozen=True)
class Block:
    where: str  # page:line
    lang: str
    body: str
    marker: str = ""  # "not run" or "file"
    argument: str = ""  # the reason, or the file name


def _pages() -> list[Path]:
    """README.md, then docs/ in the order of mkdocs.yml's nav."""
    nav = re.findall(r":\s+(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text("utf-8"), re.M)
    return [ROOT / "README.md", *(ROOT / "docs" / page for page in nav)]


def blocks(text: str, where: str) -> Iterator[Block]:
    """The fenced blocks of a Markdown text (or a docstring), with their marker comments."""
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
        marker = MARKER.search(before)
        yield Block(
            f"{where}:{line}",
            match["lang"],
            textwrap.dedent(match["body"]),
            marker[1] if marker else "",
            marker[2] if marker else "",
        )


def _prose(text: str) -> str:
    return FENCE.sub("", text)


def _commands(text: str) -> Iterator[list[str]]:
    """Commands of a shell text: continuation lines joined, comments dropped, `&&` split."""
    for line in text.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            yield words[:cut]
            words = words[cut + 1 :]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _program(words: list[str]) -> str:
    return words[0].removeprefix(".venv/bin/")


def _jixiao(args: list[str]) -> str:
    """Run `jixiao ARGS` in this process; its output, or a failure on a status above 1."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            status = main(args)
        except SystemExit as exit_:  # argparse: -h (0) or a usage error (2)
            status = exit_.code if isinstance(exit_.code, int) else 2
    assert status <= 1, f"jixiao {shlex.join(args)} exited with {status}"
    return out.getvalue()


def _check_options(script: Path, args: list[str]) -> None:
    assert script.is_file(), f"no such file: {script}"
    text = script.read_text("utf-8")
    for option in (a.split("=")[0] for a in args if a.startswith("--")):
        assert option in text, f"{script.name} takes no {option}"


def _python(args: list[str]) -> str:
    """A script of the checkout as a process; the test suite and benchmarks are checked."""
    if args[:2] == ["-m", "pytest"]:
        for name in (a for a in args[2:] if not a.startswith("-")):
            assert (ROOT / name.split("::")[0]).exists(), f"no such test: {name}"
        return ""
    if args[0].startswith("bench/"):
        _check_options(ROOT / args[0], args[1:])
        return ""
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    assert done.returncode == 0, f"python {shlex.join(args)}: {done.stderr}"
    return done.stdout


def _make(args: list[str]) -> str:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in (a for a in args if "=" not in a):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"no make target {target}"
    return ""


def _pip(args: list[str]) -> str:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    known = set(extras["optional-dependencies"])
    for spec in (a for a in args if "[" in a):
        wanted = set(spec.split("[", 1)[1].rstrip("]").split(","))
        assert wanted <= known, f"no such extra: {wanted - known}"
    return ""


RUNNERS = {"jixiao": lambda words: _jixiao(words[1:]), "python": lambda words: _python(words[1:])}
CHECKERS = {"make": lambda words: _make(words[1:]), "pip": lambda words: _pip(words[2:])}


def run_command(words: list[str], where: str) -> str:
    """Run (or check) one documented command; what it printed."""
    program = _program(words)
    handler = RUNNERS.get(program) or CHECKERS.get(program)
    assert handler, f"{where}: `{program}` is not run here; mark the block <!-- not run: why -->"
    return handler(words)


def _normalized(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", DURATION.sub("_ s", line)).strip() for line in text.splitlines()]


def output_matches(expected: str, actual: str) -> bool:
    """`actual` as `expected` shows it: `...` matches anything; durations and runs of spaces
    do not count; trailing blank lines neither."""
    pattern = "\n".join(
        ".*".join(re.escape(part) for part in line.split("...")) for line in _normalized(expected)
    )
    return re.fullmatch(pattern, "\n".join(_normalized(actual)).strip("\n"), re.S) is not None


def _console(block: Block) -> None:
    sessions = re.split(r"^\$ ", block.body, flags=re.M)[1:]
    for session in sessions:
        command, _, expected = session.partition("\n")
        while command.endswith("\\"):
            more, _, expected = expected.partition("\n")
            command = command[:-1] + " " + more
        printed = "".join(run_command(w, block.where) for w in _commands(command))
        assert output_matches(expected.strip("\n"), printed.strip("\n")), (
            f"{block.where}: $ {command}\nexpected:\n{expected}\nprinted:\n{printed}"
        )


def run_block(block: Block, namespace: dict[str, object]) -> None:
    if block.marker == "file":
        Path(block.argument).write_text(block.body, "utf-8")
    elif block.marker == "not run":
        parse_only(block)
    elif block.lang == "sh":
        for words in _commands(block.body):
            run_command(words, block.where)
    elif block.lang == "console":
        _console(block)
    elif block.lang == "python":
        exec(compile(block.body, block.where, "exec"), namespace)


def parse_only(block: Block) -> None:
    """The `jixiao` commands of a block that is not run must still parse."""
    text = re.sub(r"^\$ ", "", block.body, flags=re.M) if block.lang == "console" else block.body
    for words in _commands(text) if block.lang in ("sh", "console") else ():
        if _program(words) == "jixiao":
            try:
                _build_parser().parse_args(words[1:])
            except SystemExit as exit_:
                assert not exit_.code, f"{block.where}: {shlex.join(words)} does not parse"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder the examples run in, beside links to samples/, tests/ and examples/."""
    from jixiao.batch.task import configure_vocabulary

    folder = tmp_path_factory.mktemp("docs")
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    yield folder
    configure_vocabulary(())  # examples with --vocab leave this process as they found it


def _page_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", _pages(), ids=_page_id)
def test_the_examples_of_a_page_run(
    page: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(scratch)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page.read_text("utf-8"), _page_id(page)):
        assert block.lang in LANGUAGES, f"{block.where}: a block needs one of {LANGUAGES}"
        run_block(block, namespace)


def test_the_docstring_examples_of_the_public_api_run(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(scratch)
    found = 0
    for name in jixiao.__all__:
        doc = inspect.getdoc(getattr(jixiao, name)) or ""
        for block in blocks(doc, f"jixiao.{name}"):
            run_block(block, {"__name__": "__docs__"})
            found += 1
    assert found >= 3


def test_commands_quoted_in_the_prose_exist() -> None:
    commands = _subcommands()
    for page in _pages():
        for span in re.findall(r"`(jixiao [^`]+)`", _prose(page.read_text("utf-8"))):
            words = span.split()
            assert words[1] in commands, f"{page.name}: `{span}`: no command {words[1]}"
            known = commands[words[1]]._option_string_actions
            for option in (w.split("=")[0] for w in words[2:] if w.startswith("-")):
                assert option in known, f"{page.name}: `{span}`: no option {option}"


def test_few_blocks_are_not_run() -> None:
    not_run = [
        block.where
        for page in _pages()
        for block in blocks(page.read_text("utf-8"), _page_id(page))
        if block.marker == "not run"
    ]
    assert len(not_run) <= MAX_NOT_RUN, not_run


def test_every_page_is_in_the_site() -> None:
    pages = {page.relative_to(ROOT / "docs") for page in _pages()[1:]}
    assert pages == {page.relative_to(ROOT / "docs") for page in (ROOT / "docs").rglob("*.md")}


def test_the_readme_is_short_and_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_bytes()
    assert len(readme) <= 8192
    first_screen = readme.decode("utf-8").splitlines()[:24]
    assert any(line.startswith("make demo") for line in first_screen)
    assert any(line.startswith("make test") for line in first_screen)


def test_output_matching() -> None:
    assert output_matches("a ... b\n3 rows", "a xyz b\n3  rows\n")
    assert output_matches("done in 0.60 s", "done in 12.01 s")
    assert not output_matches("a b", "a c")


def test_the_site_builds_offline(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    if not mkdocs.exists():
        pytest.skip("the docs extra is not installed")
    subprocess.run(
        [str(mkdocs), "build", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        check=True,
    )
    for html in (tmp_path / "site").rglob("*.html"):
        text = html.read_text("utf-8")
        assert not re.search(r"""(?:src|href)=["']https?://(?!www\.mkdocs\.org)""", text), html
