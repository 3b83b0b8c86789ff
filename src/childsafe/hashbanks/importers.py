"""Read hash lists: CSV with a header, and the plain formats python-threatexchange reads.

Accepted, detected from the first line that is not blank or a `#` comment:
- CSV with a header naming a value column (`signal_str`, `hash`, `value` or `signal`) and
  optionally a type column (`signal_type`, `hash_type`, `type` or `kind`) and label columns
  (`label`, `id`, `collab`, `category`, `tags`). `threatexchange dataset -P --csv` output is
  such a CSV.
- threatexchange's local-file format (`LocalFileSignalExchangeAPI`): one `<signal_type>
  <signal>` per line, or one bare `<signal>` per line when the kind is given; anything after
  the signal on the line (as `threatexchange dataset -P` prints) is kept as the label.
- a vpdq hash file (`frame_number,quality,hash,timestamp` per line): one video, its frames.
  vPDQ rows in a CSV (`signal_type` vpdq) carry threatexchange's signal string, one video each.
A list is read whole: any invalid line rejects it, naming the lines, and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from childsafe.hashbanks.hash_kinds import vpdq
from childsafe.hashbanks.signal_types import HashKind, InvalidHash, normalise, parse_kind

VALUE_COLUMNS = ("signal_str", "hash", "value", "signal")
KIND_COLUMNS = ("signal_type", "hash_type", "type", "kind")
LABEL_COLUMNS = ("label", "id", "collab", "category", "tags")
MAX_REPORTED_ERRORS = 10


@dataclass(frozen=True, slots=True)
class ImportedHash:
    kind: HashKind
    value: str
    label: str | None = None
    frames: str | None = None  # a video's vPDQ frames (signal string); value is their SHA-256


def imported(kind: HashKind, value: str, label: str | None = None) -> ImportedHash:
    """An entry from a value as a list gives it (raises InvalidHash)."""
    normal = normalise(kind, value)
    if kind.spec.whole_video:
        return ImportedHash(kind, vpdq.entry_key(normal), label, frames=normal)
    return ImportedHash(kind, normal, label)


class HashListError(ValueError):
    """The list cannot be imported; the message names the offending lines."""


def read_hash_list(path: Path, kind: HashKind | None = None) -> list[ImportedHash]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise HashListError(f"{path}: cannot read: {error}") from error
    return parse_hash_list(text, kind, source=str(path))


def parse_hash_list(
    text: str, kind: HashKind | None = None, source: str = "<list>"
) -> list[ImportedHash]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.startswith("#")), None)
    if first is None:
        raise HashListError(f"{source}: no hashes in the list")
    header = [cell.strip().lower() for cell in next(csv.reader([first]))]
    if vpdq.looks_like_vpdq_file(first):
        rows: Iterable[tuple[int, ImportedHash | str]] = [(1, _vpdq_file(text, source))]
    elif any(column in header for column in VALUE_COLUMNS):
        rows = _csv_rows(text, kind)
    else:
        rows = _line_rows(lines, kind)
    hashes: list[ImportedHash] = []
    errors: list[str] = []
    for line_number, row in rows:
        if isinstance(row, str):
            errors.append(f"line {line_number}: {row}")
        else:
            hashes.append(row)
    if errors:
        shown = "; ".join(errors[:MAX_REPORTED_ERRORS])
        more = f" (and {len(errors) - MAX_REPORTED_ERRORS} more)" if len(errors) > 10 else ""
        raise HashListError(f"{source}: {len(errors)} invalid lines: {shown}{more}")
    if not hashes:
        raise HashListError(f"{source}: no hashes in the list")
    return hashes


def _entry(
    kind_name: str | None, default: HashKind | None, value: str, label: str | None
) -> ImportedHash | str:
    """An entry, or the reason the row is invalid."""
    try:
        if kind_name:
            kind = parse_kind(kind_name)
        elif default is not None:
            kind = default
        else:
            return "no hash type on the line and none given (use --kind)"
        return imported(kind, value, label or None)
    except InvalidHash as error:
        return str(error)


def _vpdq_file(text: str, source: str) -> ImportedHash | str:
    """A vpdq hash file is one video; its name is the label."""
    lines = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return _entry(None, HashKind.VPDQ, lines, Path(source).name)


def _csv_rows(text: str, kind: HashKind | None) -> Iterable[tuple[int, ImportedHash | str]]:
    content = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(content))
    fields = {name.strip().lower(): name for name in reader.fieldnames or []}
    value_column = next(fields[c] for c in VALUE_COLUMNS if c in fields)
    kind_column = next((fields[c] for c in KIND_COLUMNS if c in fields), None)
    label_columns = [fields[c] for c in LABEL_COLUMNS if c in fields]
    for row in reader:
        line_number = reader.line_num
        value = (row.get(value_column) or "").strip()
        if not value:
            yield line_number, f"empty {value_column!r}"
            continue
        label = " ".join(
            (row.get(c) or "").strip() for c in label_columns if (row.get(c) or "").strip()
        )
        kind_name = (row.get(kind_column) or "").strip() if kind_column else None
        yield line_number, _entry(kind_name, kind, value, label)


def _line_rows(lines: list[str], kind: HashKind | None) -> Iterable[tuple[int, ImportedHash | str]]:
    for line_number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = stripped.split(maxsplit=2)
        if kind is not None and len(parts[0]) in (32, 64) and _is_hex(parts[0]):
            yield line_number, _entry(None, kind, parts[0], " ".join(parts[1:]))
        elif len(parts) >= 2:
            yield line_number, _entry(parts[0], None, parts[1], " ".join(parts[2:]))
        else:
            yield line_number, _entry(None, kind, parts[0], None)


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True
