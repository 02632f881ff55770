"""Pantau e-KTP dashboard: the frame. Page config, data check, shared filters, navigation."""

import streamlit as st

from pantau import ui

st.set_page_config(page_title="Pantau e-KTP", page_icon="🪪", layout="wide", initial_sidebar_state="expanded")

PAGES = [
    st.Page("pages/ringkasan.py", title="Ringkasan", icon="📊", url_path="ringkasan", default=True),
    st.Page("pages/tren.py", title="Tren cakupan", icon="📈", url_path="tren"),
    st.Page("pages/cetak.py", title="Produksi cetak", icon="🖨️", url_path="cetak"),
    st.Page("pages/peringkat.py", title="Peringkat wilayah", icon="🏆", url_path="peringkat"),
    st.Page("pages/hitung_mundur.py", title="Hitung mundur pemilu", icon="⏳", url_path="hitung-mundur"),
    st.Page("pages/analisis.py", title="Analisis wilayah", icon="🔎", url_path="analisis"),
    st.Page("pages/status_data.py", title="Status data", icon="🗂️", url_path="status-data"),
]

page = st.navigation(PAGES)
try:
    ui.ensure_data()
    st.session_state["konteks"] = ui.frame()
except Exception as exc:  # the frame must never show a traceback to a room of officials
    ui.show_error(exc)
    st.stop()
page.run()
