"""The demo API server's aiohttp application (`app.build_app`): middlewares (faults, auth, Status
errors, legacy mode) and the handlers, each a named function reading `ServerState` from the app."""
