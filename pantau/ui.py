"""Streamlit frame shared by every page: login and scope, data access with caching, URL state, region picker."""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from PIL import Image, ImageDraw

from pantau import akses, audit, fmt, queries, regions
from pantau.akses import Akses, RolesError
from pantau.config import load_settings
from pantau.ingest import IngestError
from pantau.queries import Database, QueryError
from pantau.store import Store, StoreError

if TYPE_CHECKING:  # pantau.geo imports shapely, which only the map needs
    from pantau import geo

SOURCE = "Sumber: laporan Disdukcapil kabupaten/kota"
ALL_LABEL = "Semua"


class AccessError(PermissionError):
    """The user may not see what was asked for; the message says so in Bahasa Indonesia."""


@dataclass(frozen=True)
class Context:
    """What the frame decided for this rerun: the region, the as-of date and the data version."""

    wilayah: str
    nama_wilayah: str
    tanggal: date | None
    tanggal_terbaru: date | None
    version: str
    demo: bool
    pengguna: Akses = akses.LOKAL

    @property
    def tingkat(self) -> str:
        return regions.level_of(self.wilayah)

    @property
    def has_data(self) -> bool:
        return self.tanggal_terbaru is not None

    def params(self, **extra: object) -> dict[str, object]:
        """Query parameters for this view (tanggal always explicit, so caches key on it)."""
        return {"wilayah": self.wilayah, "tanggal": self.tanggal, **extra}


@functools.cache
def favicon() -> bytes:
    """The browser-tab icon, drawn here: a material icon name would be fetched from Google's font
    servers on every page load, which a ministry network (or this project's CI) may not reach."""
    size = 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((2, 10, 62, 54), radius=8, fill=(0, 114, 178, 255))  # the card, BLUE of charts
    draw.ellipse((10, 20, 26, 36), fill="white")  # the photo
    draw.rounded_rectangle((8, 36, 28, 46), radius=5, fill="white")
    for top in (20, 29, 38):  # the lines of text
        draw.rounded_rectangle((33, top, 55, top + 4), radius=2, fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """One DuckDB database object per process; every query takes its own cursor."""
    return Database(Store(load_settings().data_dir))


def _asked(db: Database, name: str, params: dict[str, object]) -> tuple[tuple, Callable[[], pl.DataFrame]]:
    """The cache key of a question (its name, plain arguments and the store's version) and how to answer it."""
    clean = tuple(sorted((k, v) for k, v in params.items() if v is not None and v != ""))
    if "wilayah" in params:
        clean = tuple(sorted(dict(clean, wilayah=params["wilayah"] or "").items()))
    return (name, clean, db.version), lambda: db.run(name, dict(clean)).rows


def query(name: str, **params: object) -> pl.DataFrame:
    """Rows of a query, kept for every session by its plain arguments and the store's version (for ten
    minutes, the 512 latest). Do not mutate. A question `prefetch` started is waited for, not asked again.

    Raises AccessError, before anything runs, for a region outside the user's scope.
    """
    check_scope(name, params)
    db = database()
    return db.results.get(*_asked(db, name, params))


def prefetch(*asked: tuple[str, dict[str, object]]) -> None:
    """Start a page's questions, (name, params) each as for `query`, side by side in the background:
    the page's `query` calls then take their results. A page asks five to seven questions; on two
    cores three at once finish in about 60% of the time one after another. A question outside the
    user's scope is not started (its `query` raises AccessError as before)."""
    db = database()
    for name, params in asked:
        try:
            check_scope(name, params)
        except (AccessError, QueryError):
            continue
        db.results.start(*_asked(db, name, params))


def query_many(*asked: tuple[str, dict[str, object]]) -> list[pl.DataFrame]:
    """The rows of several questions, (name, params) each as for `query`, in order, computed side by side."""
    prefetch(*asked[1:])  # the first is computed by this thread meanwhile
    return [query(name, **params) for name, params in asked]


def _frame_key(frame: pl.DataFrame) -> bytes:
    """Every row of a frame, its columns and their types (Streamlit's own hash samples frames of 50,000
    rows or more, so two frames differing only outside the sample would share a figure)."""
    key = hashlib.blake2b(repr(frame.schema).encode(), digest_size=16)
    key.update(repr(frame.shape).encode())
    if frame.width:
        key.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return key.digest()


def _boundaries_key(boundaries: geo.Boundaries) -> tuple:
    """The boundary file a map is drawn from, by name and modification (its GeoJSON is too big to hash)."""
    try:
        found = boundaries.path.stat()
        stamp = (found.st_mtime_ns, found.st_size)
    except OSError:
        stamp = None
    return boundaries.level, str(boundaries.path), stamp, boundaries.attribution, boundaries.unmatched


FIGURE_ROWS = 10_000  # a kept figure holds about 0.5 kB per input row (hover text): larger ones are not kept


@st.cache_resource(
    ttl=600, max_entries=32, show_spinner=False,
    hash_funcs={pl.DataFrame: _frame_key, "pantau.geo.Boundaries": _boundaries_key},
)
def _figure(name: str, args: tuple, kwargs: dict, _builder: Callable[..., go.Figure]) -> go.Figure:
    return _builder(*args, **kwargs)


def figure(builder: Callable[..., go.Figure], *args: object, **kwargs: object) -> go.Figure:
    """`builder(*args, **kwargs)`, built once for the same arguments (frames compared row by row) and
    then shared by reruns and sessions, unless its frames hold more than FIGURE_ROWS rows. Do not mutate.

    Building a Plotly figure costs tens of milliseconds (validating every property and the template),
    and a page rerun with nothing changed would otherwise rebuild all of them. The figure itself is kept
    (cache_resource): st.cache_data would unpickle a copy, which validates it all over again.
    """
    if sum(v.height for v in (*args, *kwargs.values()) if isinstance(v, pl.DataFrame)) > FIGURE_ROWS:
        return builder(*args, **kwargs)
    code = getattr(builder, "__code__", None)
    source = code.co_filename if code else ""
    try:  # a page edited while the server runs is run anew: its figures must not outlive the old code
        edited = Path(source).stat().st_mtime_ns
    except OSError:
        edited = None
    return _figure(f"{builder.__module__}.{builder.__qualname__}@{source}:{edited}", args, kwargs, builder)


def is_demo(store: Store) -> bool:
    return (store.data_dir / "DEMO").exists()


# ---- login and scope --------------------------------------------------------------------------


def login_enabled() -> bool:
    """Login is on when Streamlit's secrets (.streamlit/secrets.toml) have an [auth] section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: a single user on their own machine
        return False


@st.cache_data(max_entries=8, show_spinner=False)
def _roles(path: str, modified: float) -> dict[str, Akses]:
    return akses.load_roles(Path(path))


def roles() -> dict[str, Akses]:
    """The roles file, re-read whenever the operator saves it."""
    path = load_settings().roles_file
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        modified = -1.0
    return _roles(str(path), modified)


def identity() -> str | None:
    """The e-mail of the logged-in user (from the identity provider's token), or None.

    An e-mail the provider marks as not verified (`email_verified` false) does not count.
    """
    if not st.user.is_logged_in or st.user.get("email_verified") is False:
        return None
    email = st.user.get("email")
    return str(email) if email else None


def current_access() -> Akses | None:
    """This session's rights: LOKAL (admin) with login off; None when not logged in or not registered."""
    if not login_enabled():
        return akses.LOKAL
    return akses.for_user(identity(), roles())


def check_scope(name: str, params: dict[str, object]) -> None:
    """Raise AccessError unless the current user may run query `name` with `params`."""
    user = current_access()
    if user is None:
        raise AccessError("Silakan masuk terlebih dahulu.")
    if not user.terbatas:
        return
    codes = queries.parse_wilayah(params.get("wilayah"), allow_many=True).split(",")
    tingkat = params.get("tingkat")
    if not user.boleh_kueri(name, codes, str(tingkat) if tingkat else None):
        raise AccessError(f"Data wilayah ini di luar wilayah Anda ({regions.name_of(user.wilayah)}).")


def actor() -> str:
    """Who is changing data, for the audit log: the logged-in e-mail, or the OS user with login off."""
    return (identity() if login_enabled() else None) or audit.os_user()


def _login_screen() -> None:
    st.title("Pantau e-KTP")
    st.markdown("Dasbor ini hanya untuk pengguna terdaftar. Masuk dengan akun instansi Anda.")
    st.button("Masuk", type="primary", icon=":material/login:", on_click=st.login, key="masuk")


def _refused_screen(message: str) -> None:
    st.title("Pantau e-KTP")
    st.error(message)
    if st.user.is_logged_in:
        st.button("Keluar", icon=":material/logout:", on_click=st.logout, key="keluar")


def _only(screen, title: str) -> None:
    st.navigation([st.Page(screen, title=title, url_path="masuk", default=True)], position="hidden").run()
    st.stop()


def gate() -> Akses:
    """Who is using the dashboard. With login on, anyone else gets the login screen and nothing more."""
    if not login_enabled():
        return akses.LOKAL
    if not st.user.is_logged_in:
        _only(_login_screen, "Masuk")
    try:
        found = akses.for_user(identity(), roles())
    except RolesError as exc:
        problem = str(exc)
        _only(lambda: _refused_screen(problem), "Konfigurasi peran")
    if found is None:
        message = (
            f"Akun {identity()} belum diberi peran di Pantau e-KTP. Hubungi admin agar akun Anda ditambahkan ke "
            "berkas peran."
            if identity()
            else "Penyedia login tidak mengirim alamat e-mail yang terverifikasi untuk akun ini; akses ditolak."
        )
        _only(lambda: _refused_screen(message), "Belum terdaftar")
    return found


def _user_box(user: Akses) -> None:
    if not login_enabled():
        return
    scope = f" · {regions.name_of(user.wilayah)}" if user.terbatas else ""
    st.sidebar.caption(f"Masuk sebagai **{user.pengguna}**  \n{user.nama_peran}{scope}")
    st.sidebar.button("Keluar", icon=":material/logout:", on_click=st.logout, key="keluar")


def ensure_data() -> None:
    """Build the demo data on an empty data directory (once), saying so; never with login on."""
    store = database().store
    if store.current_version() is not None or login_enabled():
        return
    from pantau import demo

    with st.status("Direktori data kosong: membangun data demo nasional (sekitar 30 detik)...", expanded=True) as box:
        with store.lock():
            already = store.current_version() is not None
        if not already:
            demo.build(store, provinces=load_settings().demo_provinces, progress=box.write)
        box.update(label="Data demo siap.", state="complete", expanded=False)
    st.cache_data.clear()


# ---- URL state ------------------------------------------------------------------------------


def url_get(name: str) -> str:
    value = st.query_params.get(name, "")
    return value if isinstance(value, str) else ""


def url_set(name: str, value: object | None) -> None:
    """Write a value to the URL, or remove it when None/empty."""
    text = "" if value is None else (value.isoformat() if isinstance(value, date) else str(value))
    if text:
        if st.query_params.get(name) != text:
            st.query_params[name] = text
    elif name in st.query_params:
        del st.query_params[name]


def url_date(name: str) -> date | None:
    try:
        return queries.parse_date(name, url_get(name))
    except QueryError:
        return None


def _initial_region() -> str:
    try:
        return queries.parse_wilayah(url_get("wilayah"))
    except QueryError as exc:
        st.warning(f"Wilayah di tautan diabaikan: {exc}")
        return ""


def _set_region(code: str) -> None:
    st.session_state["wilayah"] = code
    for key in [k for k in st.session_state if str(k).startswith("pilih_")]:
        del st.session_state[key]


@st.cache_data(max_entries=4096, show_spinner=False)
def _children(code: str) -> list[tuple[str, str]]:
    return regions.children(code)


@st.cache_data(max_entries=1, show_spinner=False)
def _search_index() -> pl.DataFrame:
    table = regions.region_table().filter(pl.col("tingkat") != "nasional")
    return table.with_columns(kunci=pl.col("nama_wilayah").str.to_lowercase())


def search_regions(text: str, limit: int = 30) -> list[tuple[str, str]]:
    """(code, 'name · parent path') of regions whose name contains `text`, higher levels first."""
    needle = text.strip().lower()
    if len(needle) < 3:
        return []
    hits = _search_index().filter(pl.col("kunci").str.contains(needle, literal=True)).head(limit)
    return [(code, breadcrumb_text(code)) for code in hits["kode_wilayah"].to_list()]


def breadcrumb_text(code: str) -> str:
    names = [regions.name_of(c) or c for c in regions.ancestors(code)]
    return " › ".join(names)


def _region_picker(user: Akses) -> None:
    code = st.session_state["wilayah"]
    chain = regions.ancestors(code)
    fixed_depth = len(regions.ancestors(user.wilayah)) - 1  # levels down to the user's own region are fixed
    st.sidebar.markdown("**Wilayah**")
    for depth, level in enumerate(regions.LEVELS[1:], start=1):
        parent = chain[depth - 1] if depth - 1 < len(chain) else None
        if parent is None:
            break
        if depth <= fixed_depth:
            name = regions.name_of(chain[depth]) or chain[depth]
            st.sidebar.selectbox(regions.LEVEL_LABELS[level], [name], disabled=True, key=f"tetap_{level}")
            continue
        options = _children(parent)
        if not options:
            break
        labels = [ALL_LABEL] + [name for _, name in options]
        codes = [parent] + [c for c, _ in options]
        current = chain[depth] if depth < len(chain) else parent
        key = f"pilih_{level}_{parent}"
        st.sidebar.selectbox(
            regions.LEVEL_LABELS[level],
            range(len(labels)),
            index=codes.index(current) if current in codes else 0,
            format_func=labels.__getitem__,
            key=key,
            on_change=lambda key=key, codes=codes: _set_region(codes[st.session_state[key]]),
        )
        if depth >= len(chain):
            break
    found = st.sidebar.text_input("Cari wilayah menurut nama", key="cari_wilayah", placeholder="mis. Sragen")
    if found:
        hits = [(c, label) for c, label in search_regions(found) if user.boleh_lihat(c)]
        if not hits:
            st.sidebar.caption("Tidak ada wilayah yang cocok.")
        for hit_code, label in hits[:8]:
            st.sidebar.button(label, key=f"hasil_{hit_code}", on_click=_set_region, args=(hit_code,))


def frame(user: Akses = akses.LOKAL) -> Context:
    """Draw the shared sidebar (region, date), sync the URL, and return this rerun's context.

    The region, from the URL or the picker, is clamped to what `user` may see.
    """
    db = database()
    if "wilayah" not in st.session_state:
        st.session_state["wilayah"] = _initial_region()
    wanted = st.session_state["wilayah"]
    if not user.boleh_lihat(wanted):
        own = regions.name_of(user.wilayah) or user.wilayah
        st.warning(f"Anda hanya berhak melihat {own} dan wilayah di bawahnya; yang ditampilkan: {own}.")
        _set_region(user.batasi(wanted))
    _user_box(user)
    try:
        latest = db.latest_date()
    except StoreError as exc:  # a damaged file: say which, and keep the pages (and the upload form) usable
        st.error(str(exc))
        latest = None
    _region_picker(user)
    pinned = url_date("tanggal")
    earliest = latest - timedelta(days=3650) if latest else None
    chosen = None
    if latest:
        start = pinned if pinned and pinned <= latest else latest
        chosen = st.sidebar.date_input(
            "Data per tanggal",
            value=start,
            max_value=latest,
            min_value=earliest,
            format="DD/MM/YYYY",
            key="tanggal_dipilih",
            help="Tanpa tanggal, halaman selalu menampilkan data terbaru.",
        )
    code = st.session_state["wilayah"]
    url_set("wilayah", code)
    url_set("tanggal", chosen if chosen and chosen != latest else None)
    return Context(
        wilayah=code,
        nama_wilayah=regions.name_of(code) or code,
        tanggal=chosen,
        tanggal_terbaru=latest,
        version=db.version,
        demo=is_demo(db.store),
        pengguna=user,
    )


def url_context(user: Akses = akses.LOKAL) -> Context:
    """The context from the URL alone (wilayah, tanggal), without the sidebar: for presentation mode.
    The region is clamped to what `user` may see, as in the frame."""
    db = database()
    code = _initial_region()
    if not user.boleh_lihat(code):
        own = regions.name_of(user.wilayah) or user.wilayah
        st.warning(f"Anda hanya berhak melihat {own} dan wilayah di bawahnya; yang ditampilkan: {own}.")
        code = user.batasi(code)
    latest = db.latest_date()
    pinned = url_date("tanggal")
    return Context(
        wilayah=code,
        nama_wilayah=regions.name_of(code) or code,
        tanggal=pinned if pinned and latest and pinned <= latest else latest,
        tanggal_terbaru=latest,
        version=db.version,
        demo=is_demo(db.store),
        pengguna=user,
    )


def context() -> Context:
    """This rerun's context, set by dashboard.py before the page runs."""
    ctx = st.session_state.get("konteks")
    if ctx is None:
        # On a server's very first request to /<page>, Streamlit's compatibility mode for a pages/
        # folder runs the page file alone. Switch that mode off and rerun through dashboard.py,
        # which registers every page with st.navigation.
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    return ctx


def header(ctx: Context, title: str, question: str) -> None:
    """Page title, breadcrumb, freshness line and the DATA DEMO badge."""
    if ctx.demo:
        st.markdown(
            "<div style='background:#E69F00;color:#000;font-weight:700;padding:4px 12px;border-radius:4px;"
            "display:inline-block'>DATA DEMO: angka di halaman ini bukan data resmi</div>",
            unsafe_allow_html=True,
        )
    st.title(title)
    st.caption(f"{breadcrumb_text(ctx.wilayah)} · {question}")
    if ctx.has_data:
        summary = query("ringkasan", **ctx.params())
        stale = int(summary["kabkota_tertinggal"][0]) if summary.height else 0
        text = f"Data per {fmt.tanggal(ctx.tanggal)}"
        if stale:
            text += f" · {fmt.angka(stale)} kabupaten/kota belum melapor dalam 7 hari terakhir"
        st.markdown(f"**{text}**")


def metric_delta(text: str | None) -> str | None:
    """st.metric reads the arrow from a leading ASCII '-'; fmt writes a real minus sign."""
    return text.replace("\u2212", "-", 1) if text else text


def no_data(message: str = "Belum ada data untuk pilihan ini.") -> None:
    st.info(message)


def footnote(ctx: Context) -> str:
    tail = " · DATA DEMO" if ctx.demo else ""
    return f"{SOURCE} · data per {fmt.tanggal(ctx.tanggal)}{tail}"


def show_error(exc: Exception) -> None:
    """A user-facing message instead of a traceback."""
    if isinstance(exc, IngestError):
        st.error(exc.message)
    elif isinstance(exc, AccessError | RolesError):
        st.error(str(exc))
    elif isinstance(exc, QueryError | StoreError):
        st.error(str(exc))
    else:
        st.error(f"Terjadi kesalahan tak terduga ({type(exc).__name__}). Muat ulang halaman atau hubungi admin.")
