"""The dashboards in a real browser: every page renders its charts, the executive tiles are right.

``python -m ecom_assets.dashboards`` is started on a free loopback port over the shared shop's
snapshot; headless Chromium (Debian's ``chromium``, driven by playwright) opens every page for
2025-01-03..2025-01-12, the last three days marked provisional. Screenshots go to the test's temp
folder. Run alone: ``-m browser``.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ecom_assets.dashboards.boards import BOARDS, executive, url_path
from ecom_assets_tests.helpers import resources_for
from ecom_assets_tests.serving import publish_everything

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# Headless Chromium as root in a container, with nothing fetched in the background.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
RANGE = "start=2025-01-03&end=2025-01-12"
PROVISIONAL = ("2025-01-10", "2025-01-11", "2025-01-12")
# Charts each page draws with the shared shop's data (every table has rows on these days).
CHARTS = {"executive": 3, "sales": 4, "marketing": 4, "funnel": 3, "products": 4, "customers": 3,
          "engagement": 3, "discounts": 3}  # fmt: skip
HEAT_MAPS = {"customers", "engagement"}  # shown as shaded tables (st.dataframe)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(shop, tmp_path_factory) -> Path:
    """The shop's warehouse with its last 3 days provisional (``is_provisional``), published."""
    folder = tmp_path_factory.mktemp("dashboards")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(shop.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as conn:  # the column exists once silver tracks restatements
        conn.execute(
            "ALTER TABLE gold.daily_business_metrics ADD COLUMN IF NOT EXISTS is_provisional BOOLEAN"
        )
        conn.execute(f"UPDATE gold.daily_business_metrics SET is_provisional = date >= '{PROVISIONAL[0]}'")
    publish_everything(
        dg.DagsterInstance.ephemeral(), resources_for(shop.raw, warehouse), folder / "serving.duckdb"
    )
    return folder / "serving.duckdb"


@pytest.fixture(scope="module")
def app(served, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "ECOM_SERVING": str(served)}
    log = tmp_path_factory.mktemp("dashboards") / "streamlit.log"
    with log.open("w") as out:
        command = [sys.executable, "-m", "ecom_assets.dashboards", "--port", str(port)]
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()  # the launcher became the Streamlit server (exec): this stops the server
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1800},
        )  # fmt: skip
        yield context
        context.close()


def open_page(browser, url: str, title: str):
    page = browser.new_page()
    page.goto(url)
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize("board", BOARDS, ids=[b.SLUG for b in BOARDS])
def test_every_page_renders_its_charts(app, browser, board, tmp_path):
    page = open_page(browser, f"{app}/{url_path(board)}?{RANGE}", board.TITLE)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
        "[data-testid=stVegaLiteChart] svg.marks').length >= n",
        arg=CHARTS[board.SLUG], timeout=60_000,
    )  # fmt: skip
    page.screenshot(path=str(tmp_path / f"{board.SLUG}.png"), full_page=True)
    assert charts.count() >= CHARTS[board.SLUG]
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).all_inner_texts()
    alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "Not published" not in alerts and "No " not in alerts, alerts
    assert f"Provisional (late data can still change them): {', '.join(PROVISIONAL)}" in alerts, alerts
    if board.SLUG in HEAT_MAPS:
        assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    page.close()


def test_executive_tiles_equal_the_snapshot(app, browser, served):
    page = open_page(browser, f"{app}/?{RANGE}", executive.TITLE)
    page.locator('[data-testid="stMetricValue"]').nth(5).wait_for(timeout=60_000)
    tiles = {}
    for tile in page.locator('[data-testid="stMetric"]').all():
        label = tile.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        tiles[label] = tile.locator('[data-testid="stMetricValue"]').inner_text().strip()
    page.close()
    with duckdb.connect(str(served), read_only=True) as conn:
        revenue, orders, sessions, new = conn.execute(
            "SELECT sum(total_revenue), sum(total_orders), sum(total_sessions), sum(new_customers) "
            "FROM gold.daily_business_metrics WHERE date BETWEEN '2025-01-03' AND '2025-01-12'"
        ).fetchone()
    assert orders > 0 and sessions > 0
    assert tiles == {
        "Revenue": f"{float(revenue):,.2f}",
        "Orders": f"{orders:,}",
        "Sessions": f"{sessions:,}",
        "Conversion rate": f"{100 * orders / sessions:.2f} %",  # orders / sessions of the whole range
        "Avg order value": f"{float(revenue) / orders:,.2f}",
        "New customers": f"{new:,}",
    }
