"""Hash banks: named lists of known hashes (PDQ, MD5, SHA-256), their import, and matching.

- `banks`: the bank model in the database (source, date, enabled/disabled, PDQ threshold).
- `signal_types` + `hash_kinds/`: the hash kinds, one module each, registered in `HashKind`.
- `importers`: CSV and python-threatexchange's file formats.
- `pdq_index`: exact multi-index PDQ search (dihedral variants included by the caller).
- `exact_index`: MD5/SHA-256 lookup.
- `allowlist`: "never match" banks that suppress known false positives.
- `matcher`: every enabled bank plus the allow-list, cached per process.
- `hits`: what a match found (bank hits kept, suppressed, and what suppressed them).
- `feedback`: moderators confirm or reject a match.
"""
