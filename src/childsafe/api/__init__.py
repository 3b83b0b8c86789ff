"""HTTP API (FastAPI): one router module per resource, pydantic schemas beside each router."""
