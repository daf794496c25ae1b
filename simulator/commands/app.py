"""Open the what-if studio in the browser (Streamlit).

Starts `streamlit run app.py -- FILE` with this Python and prints the address. Without
FILE the bundled scenarios/ecommerce_q4.yaml opens; FILE may name a bundled scenario.
The file is checked first, so a bad scenario fails here with its located errors (exit 2),
not in the browser.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

from simulator.io.bundled import SCENARIO_HELP, bundle_root, scenario_arg
from simulator.io.errors import UsageError
from simulator.model.load import load_scenario

ORDER = 8
REPO = bundle_root()  # the clone's root, or the installed wheel's simulator/_bundle
DEFAULT_SCENARIO = REPO / "scenarios" / "ecommerce_q4.yaml"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        type=scenario_arg,
        help=f"{SCENARIO_HELP}; default ecommerce_q4",
    )
    p.add_argument("--port", type=int, help="port to serve on (default: first free from 8501)")
    p.add_argument("--address", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser (server only)")


def studio_script() -> Path:
    """The studio's ``app.py``: the clone's, or the copy the wheel ships (``io/bundled.py``)."""
    script = REPO / "app.py"
    if not script.is_file():
        raise UsageError(f"{script}: the studio's app.py is missing; reinstall adsim-budget")
    return script


def free_port(address: str, start: int = 8501, tries: int = 50) -> int:
    """The first port from ``start`` that nothing listens on."""
    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if s.connect_ex((address if address != "0.0.0.0" else "127.0.0.1", port)) != 0:
                return port
    raise UsageError(f"no free port in {start}..{start + tries - 1}; pass --port")


def has_display() -> bool:
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def command(script: Path, file: Path, address: str, port: int, headless: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true" if headless else "false",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",  # no traceback on the page, wherever it runs from
        "false",
        "--",
        str(file),
    ]


def run(args: argparse.Namespace) -> int:
    file = Path(args.file or DEFAULT_SCENARIO).resolve()
    load_scenario(file)  # located errors (exit 2) before a server starts
    script = studio_script()
    port = args.port or free_port(args.address)
    headless = args.no_browser or not has_display()
    print(f"adsim studio: http://{args.address}:{port}  (Ctrl+C to stop)", flush=True)
    cmd = command(script, file, args.address, port, headless)
    return subprocess.call(cmd, cwd=script.parent)
