"""Typst documents from templates the program did not ship (a meeting's own badge design).

Such a template is compiled in a child process of its own, in a fresh temporary root that
holds only the template, its JSON data and the files passed with it, so that it can read
nothing else (Typst refuses paths outside its root); with a hard time limit, after which
the child is killed, so that a template looping for ever holds no worker; and with a
memory limit. Typst packages are refused: the compiler's package folders are empty, and
its downloads go to a proxy that does not exist.

The cost is a child's start (a Python, Typst and its fonts), so the
templates of the program itself stay with lib.documents, one compiler per process.

The child is this module run as a program: `python -I -c ... <work folder>`.
"""

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import typst

from summitdesk.lib.documents import DATA_FILE, FILES_FOLDER, DocumentError, font_paths

#: The template's name inside its root.
MAIN = "main.typ"
#: Bytes of address space the child may use; far above what a badge run needs.
MEMORY_LIMIT = 3 << 30
#: Exit status of a child whose template did not compile (its report is on stdout).
EXIT_TYPST = 3
#: Where the child's downloads would go: nothing listens on port 9 (discard).
NO_PROXY_HERE = "http://127.0.0.1:9"
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# A string starting with "@" after `import` or `include` names a Typst package.
_PACKAGE = re.compile(r"\b(?:import|include)\s*\(?\s*\"@")


class PackageRefused(DocumentError):
    """The template imports a Typst package."""


class TimedOut(DocumentError):
    """The template took longer than it may; its compiler was killed."""


def imports_package(source: str) -> bool:
    """Whether `source` names a Typst package in an import or include (`"@preview/..."`).

    A package named some other way (a computed string) is stopped by the compiler itself,
    which finds no package and cannot download one.
    """
    return bool(_PACKAGE.search(source))


def render_isolated(
    source: str,
    jobs: Sequence[Mapping[str, Any] | list[Any]],
    *,
    support: Mapping[str, str] | None = None,
    files: Mapping[str, bytes] | None = None,
    output: Literal["pdf", "png"] = "pdf",
    ppi: float | None = None,
    timeout: float,
) -> list[list[bytes]]:
    """Compile `source` once for each data value in `jobs`, in a child process.

    `support` are Typst sources of the program written beside the template (the main
    file among them, named MAIN; without it the template is the main file); `files` are
    binary files read as `/files/<name>`. Returns each job's pages (one PDF, or one PNG
    a page). Raises DocumentError with Typst's message, or saying that the template took
    longer than `timeout` seconds (all jobs together) or stopped its compiler.
    """
    if imports_package(source):
        raise PackageRefused(_package_message())
    with tempfile.TemporaryDirectory(prefix="summitdesk-isolated-") as folder:
        work = Path(folder)
        root = work / "root"
        (root / FILES_FOLDER).mkdir(parents=True)
        for name, text in (support or {}).items():
            (root / name).write_text(text, encoding="utf-8")
        template_name = "badge.typ" if support and MAIN in support else MAIN
        (root / template_name).write_text(source, encoding="utf-8")
        for name, content in (files or {}).items():
            if not _FILE_NAME.fullmatch(name):
                raise ValueError(f"File name not allowed in a document: {name!r}")
            (root / FILES_FOLDER / name).write_bytes(content)
        (work / "jobs").mkdir()
        for index, data in enumerate(jobs):
            (work / "jobs" / f"{index}.json").write_text(
                json.dumps(data, ensure_ascii=False, allow_nan=False), encoding="utf-8"
            )
        (work / "out").mkdir()
        (work / "packages").mkdir()
        request = {"output": output, "ppi": ppi, "jobs": len(jobs), "fonts": _fonts()}
        (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
        result = _run_child(work, timeout)
        if result.returncode == EXIT_TYPST:
            report = json.loads(result.stdout)
            message = str(report["message"])
            if message.startswith("failed to download package"):
                raise PackageRefused(_package_message(), diagnostic=report["diagnostic"])
            raise DocumentError(
                message, diagnostic=str(report["diagnostic"]), hints=list(report["hints"])
            )
        if result.returncode != 0:
            raise DocumentError(
                f"The template stopped the Typst compiler (exit status {result.returncode})."
            )
        pages = sorted(
            (work / "out").iterdir(),
            key=lambda path: tuple(int(part) for part in path.stem.split("-")),
        )
        found: list[list[bytes]] = [[] for _ in jobs]
        for path in pages:
            found[int(path.stem.split("-")[0])].append(path.read_bytes())
        return found


def _package_message() -> str:
    # Not translated: lib knows no languages; the caller shows it beside its own words.
    return "Templates may not import Typst packages (@preview/... or @local/...)."


def _fonts() -> list[str]:
    return [str(path) for path in font_paths()]


def _run_child(work: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
    source_folder = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {source_folder!r}); "
        "from summitdesk.lib.isolated_documents import child; child(sys.argv[1])"
    )
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "XDG_CACHE_HOME": str(work / "packages"),
        "XDG_DATA_HOME": str(work / "packages"),
        "HTTP_PROXY": NO_PROXY_HERE,
        "HTTPS_PROXY": NO_PROXY_HERE,
        "ALL_PROXY": NO_PROXY_HERE,
        "http_proxy": NO_PROXY_HERE,
        "https_proxy": NO_PROXY_HERE,
        "all_proxy": NO_PROXY_HERE,
        "RAYON_NUM_THREADS": "1",
    }
    try:
        return subprocess.run(  # noqa: S603 (our own interpreter and code; no shell)
            [sys.executable, "-I", "-c", code, str(work)],
            env=environment,
            # Typst names files relative to it in its reports: "badge.typ:12:3".
            cwd=work / "root",
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child already.
        raise TimedOut(f"The template took longer than {timeout:g} seconds to compile.") from None


def child(folder: str) -> None:
    """The child's program: compile each job, write the pages, exit EXIT_TYPST with
    Typst's report on stdout when the template does not compile."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    work = Path(folder)
    root = work / "root"
    request = json.loads((work / "request.json").read_text(encoding="utf-8"))
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=request["fonts"]
    )
    compiler = typst.Compiler(
        root / MAIN,
        root=root,
        font_paths=fonts,
        ignore_system_fonts=True,
        package_path=work / "packages",
        package_cache_path=work / "packages",
    )
    for index in range(request["jobs"]):
        shutil.copyfile(work / "jobs" / f"{index}.json", root / DATA_FILE)
        try:
            result = compiler.compile(format=request["output"], ppi=request["ppi"])
        except typst.TypstError as error:
            report = {
                "message": error.message,
                "diagnostic": error.diagnostic,
                "hints": list(error.hints),
            }
            sys.stdout.write(json.dumps(report))
            sys.stdout.flush()
            os._exit(EXIT_TYPST)
        pages = result if isinstance(result, list) else [result]
        for number, page in enumerate(pages):
            assert isinstance(page, bytes)
            (work / "out" / f"{index}-{number}.{request['output']}").write_bytes(page)
