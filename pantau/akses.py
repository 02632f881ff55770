"""Who may see what: roles scoped by region, read from a file the operator edits. Pure functions.

The roles file (TOML; path from PANTAU_ROLES_FILE, default <data_dir>/peran.toml) lists one table per
user, keyed by the e-mail address the identity provider gives::

    [[pengguna]]
    email = "kadis@dukcapil.jatengprov.go.id"
    peran = "provinsi"          # nasional | provinsi | kabkota | analis | admin
    wilayah = "33"              # required for provinsi (a province) and kabkota (a regency/city)

Roles:

- nasional: every region, read only;        - analis: the same (a separate role for the log);
- provinsi: its province and everything below it, plus the ranking of the peer provinces;
- kabkota: its regency/city and everything below it, plus the ranking of the peer regencies of its province;
- admin: every region, and the only role that may upload, replace or undo data.

With login off (a single user on their own machine) the user is `LOKAL`, an admin.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pantau import regions

ROLES = {
    "nasional": "Pemantau nasional",
    "provinsi": "Kepala dinas provinsi",
    "kabkota": "Kepala dinas kabupaten/kota",
    "analis": "Analis",
    "admin": "Admin",
}
SCOPED_LEVEL = {"provinsi": "provinsi", "kabkota": "kabkota"}  # role -> the level its region must have
PEER_RANKING_QUERY = "peringkat"


class RolesError(ValueError):
    """The roles file is missing or wrong; the message names the file, the entry and the fix."""


@dataclass(frozen=True)
class Akses:
    """One user's rights: who, which role, and the root of the regions they may see ('' = all)."""

    pengguna: str
    peran: str
    wilayah: str = ""

    @property
    def nama_peran(self) -> str:
        return ROLES[self.peran]

    @property
    def boleh_ubah_data(self) -> bool:
        """Upload, replace and undo: admins only."""
        return self.peran == "admin"

    @property
    def terbatas(self) -> bool:
        return self.wilayah != ""

    def boleh_lihat(self, code: str) -> bool:
        """May this user see the detail of region `code`?"""
        return within(code, self.wilayah)

    def batasi(self, code: str) -> str:
        """`code` if the user may see it, else the root of their scope."""
        return code if self.boleh_lihat(code) else self.wilayah

    def peringkat_sejawat(self) -> tuple[str, str] | None:
        """(parent, level) of the peer ranking a scoped user may also see, e.g. ('', 'provinsi')."""
        if not self.terbatas:
            return None
        return regions.parent_of(self.wilayah), regions.level_of(self.wilayah)

    def boleh_kueri(self, name: str, codes: list[str], tingkat: str | None) -> bool:
        """May this user run query `name` over `codes` (the checked values of its `wilayah` parameter)?

        Every code must be in scope, except the peer ranking: the `peringkat` query over the parent
        of the user's region at the user's own level (the province head sees the provinces ranked).
        """
        if all(self.boleh_lihat(code) for code in codes):
            return True
        peers = self.peringkat_sejawat()
        return name == PEER_RANKING_QUERY and peers is not None and codes == [peers[0]] and tingkat == peers[1]


LOKAL = Akses(pengguna="lokal", peran="admin")


def within(code: str, root: str) -> bool:
    """Is region `code` the region `root` or inside it? ('' is the nation and holds everything)."""
    return root == "" or code == root or code.startswith(root + ".")


def parse_roles(text: str, source: str) -> dict[str, Akses]:
    """The users of a roles file's text, by lower-case e-mail. Raises RolesError naming the bad entry."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(f"Berkas peran {source} bukan TOML yang sah: {exc}.") from None
    entries = document.get("pengguna", [])
    if not isinstance(entries, list):
        raise RolesError(f"Berkas peran {source}: tulis setiap pengguna sebagai [[pengguna]].")
    users: dict[str, Akses] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"Berkas peran {source}, pengguna ke-{number}"
        if not isinstance(entry, dict):
            raise RolesError(f"{where}: harus berupa tabel [[pengguna]].")
        email = str(entry.get("email", "")).strip().lower()
        role = str(entry.get("peran", "")).strip().lower()
        raw_code = str(entry.get("wilayah", "") or "").strip()
        if "@" not in email:
            raise RolesError(f"{where}: 'email' wajib diisi dengan alamat e-mail, bukan {email[:60]!r}.")
        if role not in ROLES:
            raise RolesError(f"{where} ({email}): peran {role[:30]!r} tidak dikenal; pilih {', '.join(ROLES)}.")
        if email in users:
            raise RolesError(f"{where}: {email} sudah tercantum sebelumnya; satu pengguna satu peran.")
        code = _role_region(role, raw_code, f"{where} ({email})")
        users[email] = Akses(pengguna=email, peran=role, wilayah=code)
    return users


def _role_region(role: str, raw_code: str, where: str) -> str:
    level = SCOPED_LEVEL.get(role)
    if level is None:
        if raw_code:
            raise RolesError(f"{where}: peran {role} melihat seluruh Indonesia; hapus 'wilayah' ({raw_code[:20]}).")
        return ""
    try:
        code = regions.normalize_code(raw_code)
    except ValueError:
        raise RolesError(
            f"{where}: peran {role} wajib punya 'wilayah' berupa kode {level}, mis. 33 atau 33.14."
        ) from None
    if not regions.is_known(code):
        raise RolesError(f"{where}: kode wilayah {code} tidak ada dalam daftar wilayah Kemendagri.")
    if regions.level_of(code) != level:
        raise RolesError(
            f"{where}: peran {role} harus diberi kode {regions.LEVEL_LABELS[level].lower()}, bukan {code}."
        )
    return code


def load_roles(path: Path) -> dict[str, Akses]:
    """The roles file at `path`. Raises RolesError when it is missing or wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RolesError(
            f"Login aktif, tetapi berkas peran {path} tidak ada. Buat berkas itu (lihat README, bagian "
            "Akses dan audit) atau atur PANTAU_ROLES_FILE."
        ) from None
    return parse_roles(text, str(path))


def for_user(email: str | None, users: Mapping[str, Akses]) -> Akses | None:
    """The rights of a logged-in user, or None when the e-mail is not in the roles file."""
    if not email:
        return None
    return users.get(email.strip().lower())
