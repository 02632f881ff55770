"""Pantau e-KTP dashboard: the frame. Page config, data check, shared filters, navigation."""

import pandas  # noqa: F401
import streamlit as st

from pantau import presentasi, ui

# pandas is imported above, before any page runs: Plotly looks it up in sys.modules without importing it,
# so a session thread drawing a chart while another thread is still importing pandas would get the
# half-initialised module ("partially initialized module 'pandas' has no attribute 'Series'", seen
# under load in bench/load.py). The import statement waits for a concurrent import to finish.

st.set_page_config(
    page_title="Pantau e-KTP", page_icon=ui.favicon(), layout="wide", initial_sidebar_state="auto"
)

PAGES = [
    st.Page("pages/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", url_path="ringkasan", default=True),
    st.Page("pages/tren.py", title="Tren cakupan", icon=":material/trending_up:", url_path="tren"),
    st.Page("pages/cetak.py", title="Produksi cetak", icon=":material/print:", url_path="cetak"),
    st.Page("pages/peringkat.py", title="Peringkat wilayah", icon=":material/leaderboard:", url_path="peringkat"),
    st.Page(
        "pages/hitung-mundur.py",
        title="Hitung mundur pemilu",
        icon=":material/hourglass_top:",
        url_path="hitung-mundur",
    ),
    st.Page("pages/analisis.py", title="Analisis wilayah", icon=":material/table_view:", url_path="analisis"),
    st.Page("pages/sasaran.py", title="Sasaran jemput bola", icon=":material/directions_walk:", url_path="sasaran"),
    st.Page("pages/status-data.py", title="Status data", icon=":material/fact_check:", url_path="status-data"),
]

pengguna = ui.gate()  # with login on, the login screen and nothing else for anyone not registered
presenting = presentasi.active()
page = st.navigation(PAGES, position="hidden" if presenting else "sidebar")
if presenting:  # full-screen slides instead of the page, on any page's URL
    try:
        ui.ensure_data()
        presentasi.show(pengguna)
    except Exception as exc:  # the frame must never show a traceback to a room of officials
        ui.show_error(exc)
    st.stop()
try:
    ui.ensure_data()
    st.session_state["konteks"] = ui.frame(pengguna)
except Exception as exc:  # the frame must never show a traceback to a room of officials
    ui.show_error(exc)
    st.stop()
try:
    page.run()
except Exception as exc:  # a damaged file or a stopped query on one page: a message, never a traceback
    ui.show_error(exc)
finally:
    # a page that Streamlit runs without this frame (see ui.context) must not find an old context
    st.session_state.pop("konteks", None)
