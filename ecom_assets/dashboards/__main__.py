"""``python -m ecom_assets.dashboards [--port N] [--host H]``: start the Streamlit app."""

import argparse
import os
import sys
from pathlib import Path

from ecom_assets import settings

APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int, host: str) -> list[str]:
    """The ``streamlit run`` command line for the app (headless, no usage statistics)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--client.toolbarMode", "viewer", "--global.developmentMode", "false",
    ]  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default loopback: pages show customers)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    snapshot = Path(settings.serving_path())
    if not snapshot.exists():
        hint = "run the demo, or `dagster job execute -m ecom_assets.definitions -j publish_snapshot`"
        print(f"No snapshot at {snapshot} yet: {hint}.", file=sys.stderr)
    print(f"Dashboards on http://{args.host}:{args.port} reading {snapshot.resolve()}", flush=True)
    command = streamlit_command(args.port, args.host)
    os.execv(command[0], command)  # this process becomes Streamlit: signals reach the server itself


if __name__ == "__main__":
    main()
