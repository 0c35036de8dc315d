"""Typst documents fed with JSON: letters, badges, lists.

A template is a `.typ` file that reads everything it prints from one JSON value, written
for each render to `/data.json` in the template's private root (see below):

    #let data = json("/data.json")

A template that reads `sys.inputs` (the older convention, `json(bytes(sys.inputs.data))`)
gets the same JSON there too. The file is faster: Typst keeps the work of one compilation
for the next only where its inputs did not change, and `sys.inputs` belong to Typst's
standard library, so data passed there changes the library itself and voids all of it;
a file changes only what reads it, and a letter's long body is the same for every
organisation.

Values are never spliced into markup. A string taken from the JSON and placed as
`#value` is text, whatever it contains (`#panic()`, `*`, `$`, `<script>`), so an
organisation's name cannot change the document. Images travel in the data as well (an
SVG as a string, shown with `image(bytes(data.qr_svg), format: "svg")`); binary files,
such as photos, are passed in `files` and read by the template as `/files/<name>`.

A template lives in a folder of its own, with what it imports or shows (a logo, say):
the folder is copied to a private temporary root for the compiler, refreshed when a file
in it changes, so that `files` can be written beside it for one render (and removed after
it) without writing into the source tree, which may be read-only once installed.

Speed: a `typst.Compiler` keeps its memoised work between compilations, and one shared
`typst.Fonts` keeps the font book and the fonts it has loaded, so each template gets one
compiler per process, made on first use and reused. Building a compiler from font paths
instead rescans and reloads the fonts (the large CJK collection above all) on every
document. Compiling releases the GIL, so each compiler has its own lock: threads
rendering different templates run in parallel, the same template in turn.

Fonts come from PyPI packages, not from the system, so a document looks the same on a
laptop, in CI and in production, and Arabic, Chinese and Cyrillic render on a fresh
machine: Typst's embedded Libertinus Serif (Latin with accents, Greek, Cyrillic),
Noto Sans Arabic (`fontpkg-noto-sans-arabic`) and Noto Sans CJK
(`noto-cjk-sans-otc`, families "Noto Sans CJK SC", "TC", "JP", "KR", "HK").

Typst packages (`@preview/...`) are downloaded on first use, which cannot work offline:
templates use none. QR codes are made in Python (zxing-cpp).
"""

import json
import logging
import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any, Literal

import typst

logger = logging.getLogger(__name__)

#: A fallback list that covers every script the secretariat writes to: Latin with
#: accents and Cyrillic (Libertinus Serif, embedded in Typst), Arabic, then Chinese.
FONT_FALLBACK = ("Libertinus Serif", "Noto Sans Arabic", "Noto Sans CJK SC")

#: Folder, inside a template's private root, where `files` are written for one render.
FILES_FOLDER = "files"
#: File, inside a template's private root, that holds the JSON data of one render.
DATA_FILE = "data.json"

_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class DocumentError(Exception):
    """A template failed to compile; `diagnostic` holds Typst's report with the source line.

    Raised for errors in a template (a typo, a missing key in the data it reads), never
    for what the data says: data is not evaluated.
    """

    def __init__(self, message: str, *, diagnostic: str = "", hints: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.diagnostic = diagnostic
        self.hints = list(hints or [])


def font_paths() -> list[Path]:
    """Folders of the fonts that the PyPI packages ship, in the order Typst should scan them.

    Folders, not files: Typst's font searcher takes folders and finds every face in them,
    including the five regional faces of the CJK collection (`.ttc`). The packages are
    found through importlib.resources: they are data only, without type information.
    """
    return [
        Path(str(package_files("fontpkg_noto_sans_arabic"))) / "files",
        Path(str(package_files("noto_cjk_sans_otc"))),
    ]


@dataclass
class _Template:
    """One template's compiler in this process, with its lock and its private root.

    The root is a temporary copy of the template's folder, so that `files` for one render
    can be written beside it (`/files/<name>`) without touching the source tree, which may
    be read-only once installed. The copy is refreshed when a source file changes, so
    editing a template shows on the next render without a restart.
    """

    source: Path
    root: Path
    compiler: typst.Compiler
    signature: tuple[tuple[str, int, int], ...]
    # Whether a source file of the folder mentions `sys.inputs`, which then carry the data.
    reads_inputs: bool = False
    # Whether the compiler holds data in its `sys.inputs` (to clear once no longer read).
    inputs_set: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_fonts: typst.Fonts | None = None
_fonts_pid = 0
_templates: dict[tuple[int, Path], _Template] = {}
_registry_lock = threading.Lock()


def _shared_fonts() -> typst.Fonts:
    """The process's one font set; remade after a fork so that no state crosses processes.

    Called with _registry_lock held, so two threads never build it twice.
    """
    global _fonts, _fonts_pid
    if _fonts is None or _fonts_pid != os.getpid():
        _fonts = typst.Fonts(
            include_system_fonts=False,
            include_embedded_fonts=True,
            font_paths=[str(path) for path in font_paths()],
        )
        _fonts_pid = os.getpid()
    return _fonts


def _folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What a copy of `folder` depends on: each file's relative path, size and mtime.

    Taken before every render, so that an edited template shows at once: os.scandir
    rather than Path.rglob, which costs three times as much for the same stat calls.
    """
    entries = []
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(folder / relative if relative else folder) as found:
            for entry in found:
                if entry.name == "__pycache__":
                    continue
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir():
                    pending.append(name)
                elif entry.is_file():
                    stat = entry.stat()
                    entries.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def _copy_folder(source: Path, root: Path) -> bool:
    """Copy the template's folder to its root; returns whether a source reads sys.inputs."""
    # A template's own `files` folder would be removed after each render, and its own
    # data file replaced by each render's: neither is copied.
    ignore = shutil.ignore_patterns("__pycache__", "*.py", "*.pyc", FILES_FOLDER, DATA_FILE)
    shutil.copytree(source, root, dirs_exist_ok=True, ignore=ignore)
    return any(
        "sys.inputs" in path.read_text(encoding="utf-8", errors="replace")
        for path in root.rglob("*.typ")
    )


def _remove_root(root: Path, pid: int) -> None:
    # A forked child inherits the finaliser but not the ownership of the folder.
    if os.getpid() == pid:
        shutil.rmtree(root, ignore_errors=True)


def _template(template: Path) -> _Template:
    source = template.resolve()
    key = (os.getpid(), source)
    entry = _templates.get(key)
    if entry is not None:
        return entry
    with _registry_lock:
        entry = _templates.get(key)
        if entry is None:
            if not source.is_file():
                raise DocumentError(f"Template not found: {source}")
            root = Path(tempfile.mkdtemp(prefix="summitdesk-typst-")).resolve()
            signature = _folder_signature(source.parent)
            reads_inputs = _copy_folder(source.parent, root)
            compiler = typst.Compiler(
                root / source.name,
                root=root,
                font_paths=_shared_fonts(),
                ignore_system_fonts=True,
            )
            entry = _Template(
                source=source,
                root=root,
                compiler=compiler,
                signature=signature,
                reads_inputs=reads_inputs,
            )
            weakref.finalize(entry, _remove_root, root, os.getpid())
            _templates[key] = entry
    return entry


def compiler_for(template: Path) -> typst.Compiler:
    """The compiler this process uses for `template` (made on first use, then reused)."""
    return _template(template).compiler


def _data_json(data: Mapping[str, Any] | list[Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _compile(
    template: Path,
    data: Mapping[str, Any] | list[Any],
    *,
    files: Mapping[str, bytes] | None,
    output: Literal["pdf", "png"],
    ppi: float | None = None,
) -> list[bytes]:
    payload = _data_json(data)
    for name in files or {}:
        if not _FILE_NAME.fullmatch(name):
            raise ValueError(f"File name not allowed in a document: {name!r}")
    entry = _template(template)
    with entry.lock:
        signature = _folder_signature(entry.source.parent)
        # Also when the copy is gone: a long-running worker's /tmp may be cleaned under it.
        if signature != entry.signature or not (entry.root / entry.source.name).is_file():
            entry.reads_inputs = _copy_folder(entry.source.parent, entry.root)
            entry.signature = signature
        folder = entry.root / FILES_FOLDER
        if files:
            folder.mkdir(exist_ok=True)
            for name, content in files.items():
                (folder / name).write_bytes(content)
        data_file = entry.root / DATA_FILE
        # Under the lock, so one render never reads another's data. Typst reads the file
        # again for every compilation, and keeps earlier work only for unchanged content.
        data_file.write_text(payload, encoding="utf-8")
        inputs: dict[str, str] | None = None
        if entry.reads_inputs:
            inputs = {"data": payload}
        elif entry.inputs_set:
            inputs = {}  # edited to read the file: no earlier document's data stays there
        if inputs is not None:
            entry.inputs_set = bool(inputs)
        try:
            if inputs is None:
                # Unchanged sys.inputs (empty): setting them, even to the same empty
                # dictionary, rebuilds Typst's library and voids the memoised work.
                result, warnings = entry.compiler.compile_with_warnings(format=output, ppi=ppi)
            else:
                result, warnings = entry.compiler.compile_with_warnings(
                    format=output, ppi=ppi, sys_inputs=inputs
                )
        except typst.TypstError as error:
            raise DocumentError(
                f"{entry.source.name}: {error.message}",
                diagnostic=error.diagnostic,
                hints=list(error.hints),
            ) from error
        except RuntimeError as error:  # raised by the binding itself, outside Typst
            raise DocumentError(f"{entry.source.name}: {error}") from error
        finally:
            # The data (a letter's reply link among it) stays on disk no longer than needed;
            # emptied rather than removed, since creating a file costs much more than
            # rewriting one.
            data_file.write_bytes(b"")
            if files:
                shutil.rmtree(folder, ignore_errors=True)
    for warning in warnings:
        # An unknown font family is only a warning to Typst, and tofu on the page: say so.
        logger.warning("Typst warning in %s: %s", entry.source.name, warning.message)
    if isinstance(result, bytes):
        return [result]
    if result is None:  # only when an output path is given, which we never do
        raise DocumentError(f"{entry.source.name}: Typst returned no output")
    return list(result)


def render_pdf(
    template: Path,
    data: Mapping[str, Any] | list[Any],
    *,
    files: Mapping[str, bytes] | None = None,
) -> bytes:
    """Compile `template` with `data` (JSON-serialisable) into one PDF.

    `files` are binary files the template reads as `/files/<name>` (a photo for a badge);
    names are plain file names. Raises DocumentError when the template does not compile.
    """
    return _compile(template, data, files=files, output="pdf")[0]


def render_png(
    template: Path,
    data: Mapping[str, Any] | list[Any],
    *,
    files: Mapping[str, bytes] | None = None,
    ppi: float = 144.0,
) -> list[bytes]:
    """Compile `template` with `data` into one PNG image per page: previews, and the tests
    that must look at the ink (Arabic, whose extracted text is unreliable; QR codes)."""
    return _compile(template, data, files=files, output="png", ppi=ppi)
