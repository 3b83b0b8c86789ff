"""All tables, one module per area. Importing this package registers them on Base.metadata.

To add an area: write `tables/<area>.py` and import it here.
"""

from childsafe.store.tables import cases, events, hashbanks, service, spaces  # noqa: F401
