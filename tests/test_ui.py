"""pantau.ui.figure: a chart is built once for the same inputs and shared by reruns, and built anew
as soon as any input differs, a frame compared row by row."""

from __future__ import annotations

import os

import plotly.graph_objects as go
import polars as pl
import pytest

from pantau import ui

built: list[int] = []


def bars(frame: pl.DataFrame, title: str = "") -> go.Figure:
    built.append(frame.height)
    return go.Figure(go.Bar(x=frame["kode"].to_list(), y=frame["nilai"].to_list()), layout=dict(title=title))


def lines(frame: pl.DataFrame, title: str = "") -> go.Figure:
    built.append(frame.height)
    return go.Figure(go.Scatter(x=frame["kode"].to_list(), y=frame["nilai"].to_list()), layout=dict(title=title))


@pytest.fixture(autouse=True)
def empty_cache():
    ui._figure.clear()
    built.clear()
    yield
    ui._figure.clear()


def frame(rows: int = 3, last: int | None = None) -> pl.DataFrame:
    values = list(range(rows))
    if last is not None:
        values[-1] = last
    return pl.DataFrame({"kode": [f"33.{i:04d}" for i in range(rows)], "nilai": values})


def test_the_same_rows_give_the_same_figure_built_once() -> None:
    first = ui.figure(bars, frame(), title="Cakupan")
    again = ui.figure(bars, frame(), title="Cakupan")  # a new frame with the same rows, as a rerun's query gives
    assert again is first
    assert built == [3]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((frame(last=99),), {"title": "Cakupan"}),  # one value differs
        ((frame(rows=4),), {"title": "Cakupan"}),  # one row more
        ((frame().cast({"nilai": pl.Float64}),), {"title": "Cakupan"}),  # the same numbers as another type
        ((frame(),), {"title": "Peringkat"}),  # another argument
    ],
)
def test_any_different_input_builds_anew(args, kwargs) -> None:
    first = ui.figure(bars, frame(), title="Cakupan")
    other = ui.figure(bars, *args, **kwargs)
    assert other is not first
    assert len(built) == 2


def test_a_large_frame_is_compared_on_every_row(monkeypatch) -> None:
    """Streamlit's own hash samples frames of 50,000 rows or more; one changed row must still count."""
    monkeypatch.setattr(ui, "FIGURE_ROWS", 100_000)
    first = ui.figure(bars, frame(rows=60_000))
    assert ui.figure(bars, frame(rows=60_000)) is first
    assert ui.figure(bars, frame(rows=60_000, last=-1)) is not first
    assert built == [60_000, 60_000]


def test_a_figure_of_many_rows_is_built_every_time_and_not_kept() -> None:
    rows = ui.FIGURE_ROWS + 1
    assert ui.figure(bars, frame(rows=rows)) is not ui.figure(bars, frame(rows=rows))
    assert built == [rows, rows]


def test_two_builders_never_share_a_figure() -> None:
    assert ui.figure(bars, frame()) is not ui.figure(lines, frame())
    assert ui.figure(lines, frame()).data[0].type == "scatter"


def test_a_page_function_is_kept_across_runs_and_drawn_anew_once_edited(tmp_path) -> None:
    """A page's own builder is a new function object on every run: the same file shares its figure,
    an edited file (Streamlit runs the new code) does not."""
    page = tmp_path / "contoh.py"

    def page_function(title: str, edited_ns: int):
        page.write_text(f"def drawn(frame):\n    return go.Figure(layout=dict(title={title!r}))\n", encoding="utf-8")
        os.utime(page, ns=(edited_ns, edited_ns))
        namespace: dict = {}
        exec(compile(page.read_text(encoding="utf-8"), str(page), "exec"), {"go": go}, namespace)
        return namespace["drawn"]

    first = ui.figure(page_function("Cakupan", 10**18), frame())
    assert ui.figure(page_function("Cakupan", 10**18), frame()) is first
    assert ui.figure(page_function("Peringkat", 2 * 10**18), frame()).layout.title.text == "Peringkat"
