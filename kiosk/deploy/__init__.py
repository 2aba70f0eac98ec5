"""Site deployment: self-test, service heartbeat (watchdog), supervisor, site config checks."""
