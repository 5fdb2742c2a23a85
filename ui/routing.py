"""The app's pages and the guard that hands a page to the app's frame (`ui.shell`) when
Streamlit runs it alone. Pages are given by absolute path, so the frame runs the same from
`app.py` and from a test's entry script elsewhere."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from model import roles
from ui.loaders import acting
from ui.texts import t

PAGES = Path(__file__).resolve().parents[1] / "pages"
ROUTED = "_routed_by_app"  # set by the frame just before it runs a page, taken by the page


def page_file(name: str) -> Path:
    """A page's script, for st.page_link and st.switch_page."""
    return PAGES / f"{name}.py"


SECTIONS = {
    "section_steering": (
        ("home", "home"), ("overview", "dashboard"), ("charge", "groups"),
        ("projects", "timelapse"), ("support", "support_agent"),
        ("receivables", "receipt_long"), ("cash", "account_balance"),
        ("diagnostic", "troubleshoot"),
    ),
    "section_data": (
        ("imports", "upload_file"), ("parameters", "tune"), ("workspaces", "folder_open"),
    ),
}  # fmt: skip


def navigation() -> dict[str, list]:
    """The sections and the pages of the signed-in role (model/roles.py): a page the role may
    not open is not in the navigation, so its address leads nowhere either."""
    allowed = roles.pages(acting().role)

    def page(name: str, icon: str) -> st.Page:
        return st.Page(page_file(name), title=t(name), icon=f":material/{icon}:",
                       default=name == "home")  # fmt: skip

    sections = {
        t(section): [page(name, icon) for name, icon in pages if name in allowed]
        for section, pages in SECTIONS.items()
    }
    return {title: group for title, group in sections.items() if group}


def routed_by_app() -> None:
    """Make sure this frame (sections, sidebar, page config) drives the page's run.

    With a `pages/` folder beside app.py, Streamlit starts a fresh server process in its
    legacy multipage mode, which runs a deep-linked page alone: no sidebar, no sections. A page
    that finds no mark of the frame declares the app's navigation (`st.navigation`, which ends
    that mode for the process) and reruns, so the same page comes back inside the frame. Each
    page calls this first.
    """
    if not st.session_state.pop(ROUTED, False):
        st.navigation(navigation(), position="hidden")
        st.rerun()
