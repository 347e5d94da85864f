import os

# Read by faelles.config.settings: synchronous tasks, fast password hashing.
os.environ.setdefault("FAELLES_TESTING", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + live_server
