"""The moderator console and the child-friendly report page: server-rendered HTML (Jinja2),
plain forms with CSRF tokens, mounted in the same FastAPI app as the API."""
