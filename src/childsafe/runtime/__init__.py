"""The composition root: builds, from the app's settings in app.state (`settings.py`), what
serves requests: the message screener in a thread or in child processes spread over shards,
with case intake deferred to a worker thread on PostgreSQL (`messages.py`), the media screener
(`media.py`), and the app's lifespan that starts and drains them (`lifespan.py`). API routes
and `childsafe serve` ask it for what they need; they build nothing themselves."""
