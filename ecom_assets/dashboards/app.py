"""The dashboards app (started by ``python -m ecom_assets.dashboards``): one page per dashboard.

Every page opens the published snapshot read-only, offers the date-range filter and marks the
provisional days; nothing here can write to the warehouse or the snapshot.
"""

from types import ModuleType

import streamlit as st

from ecom_assets.dashboards.boards import BOARDS, url_path
from ecom_assets.dashboards.common import choose_days, snapshot


def page(board: ModuleType) -> st.Page:
    def render() -> None:
        st.title(board.TITLE)
        with snapshot() as snap:
            days = choose_days(snap)
            if days is None:
                st.info("No day is published yet: load a day, then publish the snapshot.")
                return
            days.mark()
            board.render(snap, days)

    render.__name__ = board.SLUG
    return st.Page(
        render, title=board.TITLE, url_path=url_path(board), icon=board.ICON, default=not url_path(board)
    )


st.set_page_config(page_title="ecom_assets dashboards", layout="wide")
st.navigation([page(b) for b in BOARDS]).run()
