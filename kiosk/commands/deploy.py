"""Installer and technician commands: ``selftest``, ``config check|template|install``, ``supervise``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_selftest(subparsers)
    _register_config(subparsers)
    _register_supervise(subparsers)


def _register_selftest(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "selftest",
        help="check config, pack, avatar, models, camera, microphone, speakers; exit 1 on a failure",
        description="Check every part of this kiosk and print a report a technician can read out. "
                    "Exit code 0: all checks passed (warnings allowed); 1: at least one failed.",
    )
    p.add_argument("--config", type=Path, default=None,
                   help="site config (default: $KIOSK_CONFIG, then /etc/kiosk/site.toml or "
                        "%%ProgramData%%\\Kiosk\\site.toml)")
    p.add_argument("--only", action="append", default=None, metavar="CHECK",
                   help="run only this check (repeatable)")
    p.add_argument("--skip", action="append", default=None, metavar="CHECK", help="skip this check (repeatable)")
    p.add_argument("--quick", action="store_true", help="do not load speech models; record 0.3 s only")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds allowed for each check (default 60)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    p.set_defaults(func=_selftest)


def _selftest(args: argparse.Namespace) -> int:
    from kiosk.deploy import selftest

    if args.list:
        print("\n".join(selftest.check_names()))
        return 0
    unknown = [n for n in (args.only or []) + (args.skip or []) if n not in selftest.check_names()]
    if unknown:
        print(f"kiosk selftest: unknown check(s) {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    out = sys.stdout  # a check left hanging may still hold a redirected sys.stdout
    config = args.config or selftest.default_config_path()
    report = selftest.run_selftest(config, only=args.only, skip=args.skip, quick=args.quick, timeout_s=args.timeout)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), file=out, flush=True)
    else:
        print(report.format(), file=out, flush=True)
    return report.exit_code


def _register_config(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("config", help="check, write or install the site config (site.toml)",
                              description="The site configuration: one TOML file per kiosk.")
    sub = p.add_subparsers(dest="config_command", metavar="ACTION")
    sub.required = True
    check = sub.add_parser("check", help="validate a site config; problems as file:line: key: message",
                           description="Validate a site config: known keys, types, and that the "
                                       "folders and files it names exist. Exit 1 on a problem.")
    check.add_argument("file", type=Path)
    check.set_defaults(func=_config_check)
    template = sub.add_parser("template", help="print a commented site.toml to start from",
                              description="Print a commented site.toml with every key and its default.")
    template.add_argument("-o", "--output", type=Path, default=None, help="write to this file instead")
    template.set_defaults(func=_config_template)
    install = sub.add_parser("install", help="check a config and put it in place (the old one stays on error)",
                             description="Check a site config and copy it over the installed one "
                                         "atomically; a config with problems is never installed.")
    install.add_argument("file", type=Path)
    install.add_argument("--to", type=Path, default=None,
                         help="target (default /etc/kiosk/site.toml, %%ProgramData%%\\Kiosk\\site.toml on Windows)")
    install.set_defaults(func=_config_install)


def _config_check(args: argparse.Namespace) -> int:
    from kiosk.deploy.sitecheck import check_config_file

    cfg, problems, warnings = check_config_file(args.file)
    for line in problems:
        print(line, file=sys.stderr)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    assert cfg is not None
    print(f"{args.file}: OK (venue {cfg.venue_path()}, languages {','.join(cfg.site.languages)})")
    return 0


def _config_template(args: argparse.Namespace) -> int:
    from kiosk.deploy.sitecheck import template_text

    text = template_text()
    if args.output:
        if args.output.exists():
            print(f"kiosk config template: {args.output} exists; not overwritten", file=sys.stderr)
            return 1
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _config_install(args: argparse.Namespace) -> int:
    from kiosk.deploy.sitecheck import default_install_target, install_config

    target = args.to or default_install_target()
    problems = install_config(args.file, target)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"not installed: {target} is unchanged", file=sys.stderr)
        return 1
    print(f"installed {args.file} as {target}; restart the kiosk (systemctl restart kiosk)")
    return 0


def _register_supervise(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "supervise",
        help="keep a command running; restart it when it exits or its heartbeat stops (no-systemd sites)",
        description="Start COMMAND (default: this kiosk's `run`) with a heartbeat file and restart it "
                    "when it exits or stops beating (frozen GUI). For Windows and other sites without "
                    "systemd. Example: kiosk supervise -- kiosk run",
    )
    p.add_argument("--heartbeat-file", type=Path, default=None,
                   help="heartbeat file (default: <data dir>/heartbeat)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds without a heartbeat before a restart")
    p.add_argument("--start-grace", type=float, default=120.0, help="seconds allowed for the first heartbeat")
    p.add_argument("--restart-delay", type=float, default=2.0)
    p.add_argument("--max-restarts", type=int, default=None, help="give up after this many (default: never)")
    p.add_argument("command", nargs=argparse.REMAINDER, help="the command to keep running (after --)")
    p.set_defaults(func=_supervise)


def _supervise(args: argparse.Namespace) -> int:
    from kiosk import paths
    from kiosk.deploy.supervisor import SuperviseOptions, supervise

    command = list(args.command or [])
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        frozen = getattr(sys, "frozen", False)
        command = [sys.executable, "run"] if frozen else [sys.executable, "-m", "kiosk", "run"]
    opts = SuperviseOptions(
        command=command,
        heartbeat_file=args.heartbeat_file or paths.data_dir() / "heartbeat",
        timeout_s=args.timeout,
        start_grace_s=args.start_grace,
        restart_delay_s=args.restart_delay,
        max_restarts=args.max_restarts,
    )
    return supervise(opts)
