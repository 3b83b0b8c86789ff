"""Read the files of a corpus from its .tar.xz (or any tar) or from an extracted folder."""

from __future__ import annotations

import fnmatch
import tarfile
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.errors import CorpusError


def iter_members(source: Path, pattern: str) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every file under `source` whose path matches `pattern`.

    Paths are POSIX, relative to the archive root or the folder, without a leading "./";
    they come in sorted order so that loaders are deterministic.
    """
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            name = path.relative_to(source).as_posix()
            if fnmatch.fnmatch(name, pattern):
                yield name, path.read_bytes()
        return
    if not source.is_file():
        raise CorpusError(str(source), "no such file or folder")
    found: list[tuple[str, bytes]] = []
    try:
        # One sequential pass: seeking back in a compressed tar would re-read it from the start.
        with tarfile.open(source) as archive:
            for member in archive:
                name = member.name.removeprefix("./")
                if member.isfile() and fnmatch.fnmatch(name, pattern):
                    handle = archive.extractfile(member)
                    if handle is not None:
                        found.append((name, handle.read()))
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise CorpusError(str(source), f"not a readable tar archive or folder ({exc})") from exc
    yield from sorted(found)


def decode(source: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
