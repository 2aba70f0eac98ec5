"""Options and helpers shared by several subcommands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.config import ConfigError, SiteConfig, load_config


def add_venue_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--venue", metavar="DIR", type=Path, default=None,
                        help="venue pack folder (default: the site config's, else the museum pack)")
    parser.add_argument("--config", metavar="FILE", type=Path, default=None, help="site config TOML file")


def load_site(args: argparse.Namespace) -> SiteConfig:
    try:
        return load_config(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"kiosk: config error:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def venue_path(args: argparse.Namespace, config: SiteConfig) -> Path:
    return args.venue if getattr(args, "venue", None) else config.venue_path()
