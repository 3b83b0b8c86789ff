"""`childsafe hashes ...` end to end on an SQLite file: hash, import, list, match, disable."""

from __future__ import annotations

from pathlib import Path

import pytest

from childsafe.cli.main import main
from tests.helpers.images import TRANSFORMS, encode, sample


def test_hash_import_list_match_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    known = tmp_path / "known.png"
    known.write_bytes(encode(sample("chelsea")))
    rotated = tmp_path / "rotated.jpg"
    rotated.write_bytes(encode(TRANSFORMS["rotate_90"](sample("chelsea")), "JPEG"))
    other = tmp_path / "other.png"
    other.write_bytes(encode(sample("coffee")))

    assert main(["hashes", "hash", str(known)]) == 0
    listing = tmp_path / "list.txt"
    listing.write_text(capsys.readouterr().out)  # threatexchange's "<type> <hash> ..." lines

    db = ["hashes", "--database-url", url]
    assert (
        main(
            [*db, "import", str(listing), "--bank", "demo", "--source", "t", "--date", "2026-11-01"]
        )
        == 0
    )
    assert "3 hashes added" in capsys.readouterr().out
    assert main([*db, "list"]) == 0
    assert "demo\tmatch\tenabled\t31\tmd5=1, pdq=1, sha256=1\tt\t2026-11-01" in (
        capsys.readouterr().out
    )
    assert main([*db, "match", str(rotated), str(other)]) == 0
    out = capsys.readouterr().out
    assert f"{rotated}: MATCH" in out and "transform rotated_90" in out
    assert f"{other}: no match" in out
    assert main([*db, "disable", "demo"]) == 0
    assert main([*db, "match", str(rotated)]) == 0
    assert f"{rotated}: no match" in capsys.readouterr().out


def test_a_bad_list_imports_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    bad = tmp_path / "bad.csv"
    bad.write_text("signal_type,signal_str\npdq,abc\n")
    assert main(["hashes", "--database-url", url, "import", str(bad), "--bank", "x"]) == 1
    assert "line 2" in capsys.readouterr().err
    assert main(["hashes", "--database-url", url, "list"]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # the header only
