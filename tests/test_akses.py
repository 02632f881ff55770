"""Roles and region scope (`pantau.akses`): pure rules, table-driven, plus the roles file format."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau import akses
from pantau.akses import LOKAL, Akses, RolesError

PROVINSI = Akses("kadis@jateng.go.id", "provinsi", "33")  # Jawa Tengah
KABKOTA = Akses("kadis@sragenkab.go.id", "kabkota", "33.14")  # Kabupaten Sragen
NASIONAL = Akses("pusat@kemendagri.go.id", "nasional")
ANALIS = Akses("analis@kemendagri.go.id", "analis")
ADMIN = Akses("admin@kemendagri.go.id", "admin")


@pytest.mark.parametrize(
    ("user", "code", "visible"),
    [
        (PROVINSI, "33", True),
        (PROVINSI, "33.14", True),
        (PROVINSI, "33.14.01.2001", True),
        (PROVINSI, "34", False),
        (PROVINSI, "34.01", False),
        (PROVINSI, "", False),  # the national total is not the province head's detail
        (PROVINSI, "3", False),
        (KABKOTA, "33.14", True),
        (KABKOTA, "33.14.10", True),
        (KABKOTA, "33.15", False),
        (KABKOTA, "33.1", False),  # a prefix of the code, not a parent
        (KABKOTA, "33", False),
        (NASIONAL, "34.01", True),
        (ANALIS, "", True),
        (ADMIN, "91.01", True),
        (LOKAL, "33.14", True),
    ],
)
def test_who_sees_which_region(user, code, visible):
    assert user.boleh_lihat(code) is visible
    assert user.batasi(code) == (code if visible else user.wilayah)


@pytest.mark.parametrize(
    ("user", "name", "codes", "tingkat", "allowed"),
    [
        (PROVINSI, "ringkasan", ["33.14"], None, True),
        (PROVINSI, "ringkasan", ["34"], None, False),
        (PROVINSI, "tren", ["33", "33.14"], None, True),
        (PROVINSI, "tren", ["33", "34"], None, False),  # one code out of scope is enough to refuse
        (PROVINSI, "peringkat", [""], "provinsi", True),  # peer provinces ranked
        (PROVINSI, "peringkat", [""], "kabkota", False),  # every regency of the country: no
        (PROVINSI, "ringkasan", [""], None, False),
        (KABKOTA, "peringkat", ["33"], "kabkota", True),  # peer regencies of its province
        (KABKOTA, "peringkat", ["33"], "kecamatan", False),  # kecamatan of other regencies: no
        (KABKOTA, "peringkat", [""], "provinsi", False),
        (KABKOTA, "kualitas", ["33"], "kabkota", False),  # the peer exception is the ranking only
        (NASIONAL, "peringkat", [""], "desa", True),
        (ADMIN, "tren", ["33", "34", ""], None, True),
    ],
)
def test_which_queries_a_user_may_run(user, name, codes, tingkat, allowed):
    assert user.boleh_kueri(name, codes, tingkat) is allowed


@pytest.mark.parametrize(
    ("user", "may_change"), [(ADMIN, True), (LOKAL, True), (ANALIS, False), (NASIONAL, False), (PROVINSI, False)]
)
def test_only_admins_change_data(user, may_change):
    assert user.boleh_ubah_data is may_change


def test_peer_ranking_scope():
    assert PROVINSI.peringkat_sejawat() == ("", "provinsi")
    assert KABKOTA.peringkat_sejawat() == ("33", "kabkota")
    assert NASIONAL.peringkat_sejawat() is None


GOOD = """
[[pengguna]]
email = "Kadis@Jateng.go.id"
peran = "provinsi"
wilayah = "33"

[[pengguna]]
email = "kadis@sragenkab.go.id"
peran = "kabkota"
wilayah = "3314"

[[pengguna]]
email = "admin@kemendagri.go.id"
peran = "admin"
"""


def test_a_roles_file_is_read_by_lower_case_email(tmp_path: Path):
    path = tmp_path / "peran.toml"
    path.write_text(GOOD, encoding="utf-8")
    users = akses.load_roles(path)
    assert users["kadis@jateng.go.id"] == PROVINSI
    assert users["kadis@sragenkab.go.id"] == KABKOTA  # digits-only code normalised
    assert akses.for_user("KADIS@jateng.go.id ", users) == PROVINSI
    assert akses.for_user("orang@lain.go.id", users) is None
    assert akses.for_user(None, users) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[pengguna]\n", "bukan TOML"),
        ('pengguna = "x"', "[[pengguna]]"),
        ('[[pengguna]]\nemail = "tanpa-at"\nperan = "admin"', "'email' wajib"),
        ('[[pengguna]]\nemail = "a@b.id"\nperan = "bupati"', "peran 'bupati' tidak dikenal"),
        ('[[pengguna]]\nemail = "a@b.id"\nperan = "provinsi"', "wajib punya 'wilayah'"),
        ('[[pengguna]]\nemail = "a@b.id"\nperan = "provinsi"\nwilayah = "33.14"', "kode provinsi, bukan 33.14"),
        ('[[pengguna]]\nemail = "a@b.id"\nperan = "kabkota"\nwilayah = "33.99"', "tidak ada dalam daftar"),
        ('[[pengguna]]\nemail = "a@b.id"\nperan = "analis"\nwilayah = "33"', "hapus 'wilayah'"),
        ('[[pengguna]]\nemail = "a@b.id"\nperan = "admin"\n[[pengguna]]\nemail = "A@b.id"\nperan = "analis"', "sudah"),
    ],
)
def test_a_wrong_roles_file_names_the_entry_and_the_fix(text, expected):
    with pytest.raises(RolesError) as caught:
        akses.parse_roles(text, "peran.toml")
    assert expected in str(caught.value) and "peran.toml" in str(caught.value)


def test_a_missing_roles_file_says_how_to_make_one(tmp_path: Path):
    with pytest.raises(RolesError, match="PANTAU_ROLES_FILE"):
        akses.load_roles(tmp_path / "peran.toml")
