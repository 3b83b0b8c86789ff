"""`childsafe --help` lists every command without importing its module; the help it shows
is the one the module registers."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

from childsafe.cli.main import COMMANDS


def test_each_listed_help_is_the_modules_own() -> None:
    for name, (module, summary) in COMMANDS.items():
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        importlib.import_module(f"childsafe.cli.{module}").register(subparsers)
        (action,) = subparsers._choices_actions
        assert (action.dest, action.help) == (name, summary)


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys; from childsafe.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('childsafe.') and "
        "m != 'childsafe.cli.main' and m != 'childsafe.cli'), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"
    for name in COMMANDS:
        assert name in done.stdout
