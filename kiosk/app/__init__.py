"""The kiosk application (`kiosk run`): one full-screen Qt window bringing the pipeline together.

Import :func:`kiosk.app.launcher.build_kiosk` to get a ready window without starting the event loop
(tests, screenshots, benchmarks), or :func:`kiosk.app.launcher.run` for the real thing.
"""

from kiosk.app import qtfix as _qtfix  # noqa: E402,F401 - must run before any painting
