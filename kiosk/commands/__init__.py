"""`kiosk` subcommands: each module here has ``register(subparsers)``."""
