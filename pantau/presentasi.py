"""Presentation mode (`?presentasi=1`): the slides of pantau.slides full screen, one at a time.

No sidebar, header or toolbar; type sized for a projector at 1920x1080 seen from 5 m. A slide
changes by the buttons or the keys a presentation clicker sends (Right/Left, PageDown/PageUp,
Space; Esc leaves), `&slide=N` in the URL, and `&otomatis=SECONDS` advances by itself (looping).
"""

from __future__ import annotations

import html
import time
from datetime import date

import streamlit as st

from pantau import fmt, slides, ui

FLAG = "presentasi"
SLIDE = "slide"
AUTO = "otomatis"
AUTO_MIN, AUTO_MAX = 5, 3600
FIGURE_HEIGHT = 680  # below a two-line headline at 1920x1080; less for each further line
HEADLINE_LINE_CHARS, HEADLINE_LINE_PX = 68, 60
TABLE_HEAD_PX, TABLE_ROW_PX = 50, 62
RANKING_LEGEND = "Arsir: cakupan 100% atau lebih."
RANKING_LEGEND_TARGET = "Oranye: di bawah target; arsir: cakupan 100% atau lebih."
TABLE_FIRST = {"perubahan"}  # slides whose table says more than their figure
FIGURE_CONFIG = {"displayModeBar": False, "responsive": True}

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], #MainMenu, footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1rem 2.5rem 0.5rem 2.5rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { background: #ffffff; }
.st-key-pres_kunci_lain { display: none !important; }
.pres-bar { display: flex; justify-content: space-between; align-items: center; font-size: 24px; color: #444; }
.pres-demo { background: #E69F00; color: #000; font-weight: 800; padding: 2px 14px; border-radius: 6px;
             margin-right: 16px; }
.pres-counter { font-weight: 700; color: #0072B2; font-size: 28px; }
.pres-title { font-size: 40px; font-weight: 700; color: #0072B2; margin: 6px 0 4px 0; line-height: 1.15; }
.pres-headline { font-size: 50px; font-weight: 800; color: #111; line-height: 1.18; margin: 0 0 4px 0; }
.pres-numbers { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 24px; margin-bottom: 18px; }
.pres-number { border-left: 8px solid #0072B2; padding: 4px 0 4px 14px; }
.pres-number .label { font-size: 24px; color: #444; line-height: 1.2; }
.pres-number .value { font-size: 52px; font-weight: 800; color: #111; line-height: 1.1; }
.pres-bullets { font-size: 28px; line-height: 1.3; color: #222; margin: 0; padding-left: 1.1em; }
.pres-bullets li { margin-bottom: 10px; }
.pres-table { border-collapse: collapse; font-size: 28px; width: 100%; }
.pres-table th { text-align: left; border-bottom: 3px solid #333; padding: 6px 12px; font-size: 24px; color: #333; }
.pres-table td { border-bottom: 1px solid #ccc; padding: 8px 12px; }
.pres-table td.num, .pres-table th.num { text-align: right; }
.pres-foot { font-size: 22px; color: #555; }
.pres-note { font-size: 26px; color: #222; line-height: 1.3; }
.pres-hint { font-size: 18px; color: #777; text-align: right; }
</style>
"""


def active() -> bool:
    """Whether this view is in presentation mode (`?presentasi=1`)."""
    return ui.url_get(FLAG) == "1"


def _slide_number(count: int) -> int:
    """The 1-based slide of the URL, clamped to the deck; 1 for anything that is not a whole number."""
    raw = ui.url_get(SLIDE).strip()
    number = int(raw) if raw.isdigit() and len(raw) < 6 else 1
    return min(max(number, 1), max(count, 1))


def auto_seconds() -> int | None:
    """Seconds per slide for auto-advance (`otomatis`), clamped to 5..3600; None when absent or not a number."""
    raw = ui.url_get(AUTO).strip()
    if not raw.isdigit() or len(raw) > 6 or int(raw) == 0:
        return None
    return min(max(int(raw), AUTO_MIN), AUTO_MAX)


def banding(tanggal: date | None) -> date | None:
    """The comparison date of the URL when it is before `tanggal`, else None (a week earlier)."""
    chosen = ui.url_date("banding")
    return chosen if chosen and tanggal and chosen < tanggal else None


@st.cache_resource(ttl=600, max_entries=16, show_spinner=False)
def _deck(wilayah: str, tanggal: date, banding: date | None, version: str) -> list[slides.Slide]:
    # cache_resource, not cache_data: figures are costly to pickle on every key press; slides are frozen
    return slides.build_slides(ui.database(), wilayah, tanggal, banding)


def link(wilayah: str, tanggal: date | None = None, tanggal_terbaru: date | None = None) -> str:
    """A relative URL that opens the presentation of a region (and date, unless it is the latest)."""
    parts = [f"{FLAG}=1"]
    if wilayah:
        parts.append(f"wilayah={wilayah}")
    if tanggal and tanggal != tanggal_terbaru:
        parts.append(f"tanggal={tanggal.isoformat()}")
    return "?" + "&".join(parts)


def start_button(ctx: ui.Context) -> None:
    """The 'Presentasi' button (and a link for another tab or screen) for the current region and date."""

    def start() -> None:
        st.query_params[FLAG] = "1"
        st.query_params.pop(SLIDE, None)

    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    row.button(
        "Presentasi",
        icon=":material/co_present:",
        on_click=start,
        key="mulai_presentasi",
        help="Tampilan layar penuh untuk proyektor: satu pesan per slide, tombol panah untuk berpindah.",
    )
    row.caption(
        f"[Buka presentasi di tab baru]({link(ctx.wilayah, ctx.tanggal, ctx.tanggal_terbaru)}) untuk layar proyektor.",
        width="content",
    )


def _numbers_html(numbers: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<div class='pres-number'><div class='label'>{html.escape(label)}</div>"
        f"<div class='value'>{html.escape(value)}</div></div>"
        for label, value in numbers
    )
    return f"<div class='pres-numbers'>{cells}</div>" if numbers else ""


def _bullets_html(bullets: list[str]) -> str:
    items = "".join(f"<li>{html.escape(b)}</li>" for b in bullets)
    return f"<ul class='pres-bullets'>{items}</ul>" if bullets else ""


def _table_html(slide: slides.Slide, height: int) -> str:
    table = slide.table.head(max((height - TABLE_HEAD_PX) // TABLE_ROW_PX, 3))  # as many rows as the screen holds
    numeric = [c for c in table.columns if c not in ("Wilayah",)]
    head = "".join(f"<th class='{'num' if c in numeric else ''}'>{html.escape(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'num' if c in numeric else ''}'>{html.escape(str(v))}</td>"
            for c, v in zip(table.columns, row)
        )
        + "</tr>"
        for row in table.iter_rows()
    )
    return f"<table class='pres-table'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _chart(fig, key: str, height: int, legend: bool = True) -> None:
    st.plotly_chart(slides.for_projector(fig, height=height, legend=legend), config=FIGURE_CONFIG, theme=None, key=key)


def figure_height(slide: slides.Slide) -> int:
    """Pixels left for the figure at 1920x1080 below the slide's headline (estimated in lines)."""
    lines = -(-len(slide.headline) // HEADLINE_LINE_CHARS)
    return FIGURE_HEIGHT - HEADLINE_LINE_PX * max(lines - 2, 0)


def _body(slide: slides.Slide, number: int) -> None:
    side = _numbers_html(slide.numbers) + _bullets_html(slide.bullets)
    key = f"pres_{number}_{slide.key}"
    height = figure_height(slide)
    if slide.figure_columns:
        height -= 70
        for i, (column, fig) in enumerate(zip(st.columns(len(slide.figure_columns)), slide.figure_columns)):
            with column:
                _chart(fig, f"{key}_{i}", height, legend=False)  # the legend goes in the line below
        has_target = slide.figure_data is not None and slide.figure_data.target is not None
        note = " ".join([RANKING_LEGEND_TARGET if has_target else RANKING_LEGEND, *slide.bullets])
        st.html(f"<div class='pres-note'>{html.escape(note)}</div>")
        return
    main = None
    if slide.table is not None and (slide.key in TABLE_FIRST or slide.figure is None):
        main = "table"
    elif slide.figure is not None:
        main = "figure"
    if main is None:
        st.html(f"<div style='max-width:1500px'>{side}</div>")
        return
    left, right = st.columns([3, 2], gap="large") if side else (st.container(), None)
    with left:
        if main == "table":
            st.html(_table_html(slide, height))
        else:
            _chart(slide.figure, key, height)
    if right is not None:
        right.html(side)


def _go(number: int) -> None:
    st.query_params[SLIDE] = str(number)


def _leave(wilayah: str) -> None:
    for name in (FLAG, SLIDE, AUTO):
        if name in st.query_params:
            del st.query_params[name]
    st.session_state["wilayah"] = wilayah
    st.session_state.pop("pres_tampil", None)


def show() -> None:
    """The presentation view; the caller has checked `active()` and skips the normal page."""
    st.html(CSS)
    ctx = ui.url_context()
    if not ctx.has_data:
        ui.no_data("Belum ada data untuk dipresentasikan.")
        return
    with st.spinner(f"Menyiapkan slide {ctx.nama_wilayah or 'Indonesia'}..."):
        deck = _deck(ctx.wilayah, ctx.tanggal, banding(ctx.tanggal), ctx.version)
    seconds = auto_seconds()

    @st.fragment(run_every=seconds)
    def view() -> None:
        if not active():  # left by the button's callback: redraw the whole app as the normal page
            st.rerun()
        count = len(deck)
        number = _slide_number(count)
        shown = st.session_state.get("pres_tampil")
        now = time.monotonic()
        if seconds and shown and shown[0] == number and now - shown[1] >= seconds * 0.8:
            number = number % count + 1  # auto-advance, back to the first after the last
            _go(number)
        if not shown or shown[0] != number or seconds and now - shown[1] >= seconds * 0.8:
            st.session_state["pres_tampil"] = (number, now)
        slide = deck[number - 1]
        badge = "<span class='pres-demo'>DATA DEMO</span>" if ctx.demo else ""
        st.html(
            f"<div class='pres-bar'><div>{badge}{html.escape(ui.breadcrumb_text(ctx.wilayah))} · data per "
            f"{fmt.tanggal(ctx.tanggal)}</div><div class='pres-counter' data-testid='pres-counter'>"
            f"{number} / {count}</div></div>"
            f"<div class='pres-title' data-testid='pres-title' data-key='{slide.key}'>{html.escape(slide.title)}</div>"
            f"<div class='pres-headline'>{html.escape(slide.headline)}</div>"
        )
        _body(slide, number)
        foot, nav = st.columns([3, 2], vertical_alignment="center")
        auto = f" · berganti otomatis tiap {seconds} detik" if seconds else ""
        foot.html(
            f"<div class='pres-foot' data-testid='pres-source'>{html.escape(slide.footnote)}{auto}</div>"
            "<div class='pres-hint' style='text-align:left'>Panah kanan, Spasi atau PageDown: berikutnya · "
            "panah kiri atau PageUp: sebelumnya · Esc: keluar · F11: layar penuh</div>"
        )
        with nav:
            buttons = st.columns(3)
            buttons[0].button(
                "Sebelumnya",
                icon=":material/arrow_back:",
                key="pres_sebelumnya",
                shortcut="Left",
                disabled=number == 1,
                on_click=_go,
                args=(number - 1,),
                width="stretch",
            )
            buttons[1].button(
                "Berikutnya",
                icon=":material/arrow_forward:",
                key="pres_berikutnya",
                shortcut="Right",
                type="primary",
                disabled=number == count,
                on_click=_go,
                args=(number + 1,),
                width="stretch",
            )
            buttons[2].button(
                "Keluar",
                icon=":material/close:",
                key="pres_keluar",
                shortcut="Esc",
                on_click=_leave,
                args=(ctx.wilayah,),
                width="stretch",
            )
        with st.container(key="pres_kunci_lain"):  # what clickers send besides the arrows; hidden
            st.button(
                "berikutnya", key="pres_pagedown", shortcut="PageDown", on_click=_go, args=(min(number + 1, count),)
            )
            st.button("berikutnya", key="pres_spasi", shortcut="Space", on_click=_go, args=(min(number + 1, count),))
            st.button("sebelumnya", key="pres_pageup", shortcut="PageUp", on_click=_go, args=(max(number - 1, 1),))

    view()
