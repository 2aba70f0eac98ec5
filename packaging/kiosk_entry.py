"""Entry point of the frozen kiosk: the same `kiosk` command as in a source checkout."""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from kiosk.cli import main

    sys.exit(main())
