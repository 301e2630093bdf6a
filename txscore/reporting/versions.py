"""Version folders: how :func:`txscore.reporting.publish.publish` shows a whole report at once.

A report folder is a symbolic link to a version folder inside the *versions folder* beside
it (``reports/sample -> .sample.txscore/<version>``), marked as txscore's by
:data:`MARKER`. A :class:`Version` is one run's new folder: locked while the run lives,
switched in by one atomic rename of a new link over the old one (or, the first time, by
exchanging a real folder holding only a txscore report for the link), and it cleans what
killed runs left. Folders shared with other files, Windows and file systems without links
get the files moved in one by one (:meth:`Version.publish` says which happened). See
:mod:`txscore.reporting.publish` for the guarantees.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from txscore.errors import OutputError, Problem

__all__ = ["MARKER", "PUBLISH_STEPS", "Version", "foreign_entries", "foreign_versions",
           "holds_cwd", "is_version_link", "step", "step_hook", "target_of",
           "versions_folder"]

#: the file that marks a versions folder as txscore's (nothing else in the folder is kept)
MARKER = "txscore-versions.txt"
_MARKER_TEXT = ("txscore keeps the versions of a report here; the report folder beside this "
                "one is a link to the current version. Removed entries are txscore's own.\n")
#: the files a folder shared with other files received last (their stale charts go)
_MANIFEST = "published.txt"
#: the steps of a publish, in order, each announced to :data:`step_hook` before it happens:
#: "clean" (each leftover removed), "written" (every file of the new version complete),
#: "migrate" (a real folder about to be exchanged for the link), "migrated", "switch" (the
#: link about to be replaced), "switched", "move" (each file moved into a shared folder)
PUBLISH_STEPS = ("clean", "written", "migrate", "migrated", "switch", "switched", "move")
#: None, or a callable given the name of each step of a publish before it happens (see
#: :data:`PUBLISH_STEPS`): tests set it to pause or kill a run at an exact point.
step_hook: Callable[[str], None] | None = None

_OLD_STAGING = re.compile(r"^\.txscore-\w+\.tmp$")  # the staging folders of older txscore
_TEMP_FILE = re.compile(r"^\..+\.(xlsx|pptx|png)\.\w+\.tmp$")  # atomic_write's temporary files
_CREATOR = re.compile(rb"<dc:creator[^>]*>txscore</dc:creator>")
#: what a ledger dataset's wave folders hold: its parts, and atomic_write's temporary files
_DATASET_PART = re.compile(r"^\.?part-\d{5}\.parquet(\.\w+\.tmp)?$")
_DATASET = " exclusions"  # the ledger dataset's folder: <workbook stem> exclusions


def step(name: str) -> None:
    """Announce a step of the publish to :data:`step_hook` (nothing when it is None)."""
    hook = step_hook
    if hook is not None:
        hook(name)


def versions_folder(out: str | Path) -> Path:
    """The folder holding the versions of the report published as ``out``.

    >>> versions_folder("reports/sample").name
    '.sample.txscore'
    """
    target = target_of(out)
    return target.parent / f".{target.name}.txscore"


# ---------------------------------------------------------------------- what is txscore's
def _chart_name() -> re.Pattern[str]:
    from txscore.reporting.xlsx import CHART_PREFIXES

    prefixes = sorted({p for group in CHART_PREFIXES.values() for p in group}, key=len)
    return re.compile(rf"^({'|'.join(map(re.escape, prefixes[::-1]))})(_[\w-]+)?\.png$")


def _made_by_txscore(path: str) -> bool:
    """A workbook whose document properties name txscore as its creator."""
    try:
        with zipfile.ZipFile(path) as book:
            info = book.getinfo("docProps/core.xml")
            return info.file_size < 65536 and bool(_CREATOR.search(book.read(info)))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError):
        return False


def _ledger_dataset(path: str) -> bool:
    """A folder ``<stem> exclusions`` beside a txscore workbook ``<stem>.xlsx`` holding only
    a ledger dataset: ``wave=<value>`` folders of ``part-00000.parquet`` files."""
    if not path.endswith(_DATASET) or not _made_by_txscore(path[:-len(_DATASET)] + ".xlsx"):
        return False
    try:
        with os.scandir(path) as waves:
            for wave in waves:
                if wave.is_symlink() or not wave.is_dir() or not wave.name.startswith("wave="):
                    return False
                with os.scandir(wave.path) as parts:
                    if not all(p.is_file(follow_symlinks=False) and _DATASET_PART.match(p.name)
                               for p in parts):
                        return False
    except OSError:
        return False
    return True


def foreign_entries(folder: Path) -> list[str]:
    """The names in ``folder`` that txscore did not write: anything but a txscore
    workbook, the ledger csv and dataset beside it (``<workbook stem> exclusions.csv``, and
    the folder ``<workbook stem> exclusions`` holding only ``wave=<value>/part-*.parquet``),
    chart PNGs, and the staging folders and temporary files of older versions.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> for name in ("trend_tx.png", "notes.txt", "book.xlsx"):
    ...     _ = (folder / name).write_bytes(b"x")
    >>> foreign_entries(folder)  # book.xlsx is not a workbook written by txscore
    ['book.xlsx', 'notes.txt']
    """
    charts, foreign = _chart_name(), []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if entry.is_symlink():
            ours = False
        elif entry.is_dir():
            ours = bool(_OLD_STAGING.match(name)) or _ledger_dataset(entry.path)
        elif not entry.is_file():
            ours = False
        else:
            ours = bool(_TEMP_FILE.match(name) or charts.match(name)
                        or (name.endswith((".xlsx", ".pptx"))
                            and _made_by_txscore(entry.path))
                        or (name.endswith(" exclusions.csv") and _made_by_txscore(
                            str(Path(entry.path).with_name(
                                name[:-len(" exclusions.csv")] + ".xlsx")))))
        if not ours:
            foreign.append(name + ("/" if entry.is_dir() and not entry.is_symlink() else ""))
    return sorted(foreign)


def foreign_versions(store: Path) -> bool:
    """Whether ``store`` is named like a versions folder but is not txscore's: it holds
    files and no :data:`MARKER` (then nothing in it is ever removed).

    >>> foreign_versions(Path("reports/.no-such-report.txscore"))
    False
    """
    return store.is_dir() and not (store / MARKER).exists() and any(store.iterdir())


def target_of(out: str | Path) -> Path:
    """The absolute output path, through any link that is not txscore's own.

    >>> target_of("reports/sample") == Path("reports/sample").absolute()
    True
    """
    path = Path(os.path.abspath(out))
    for _ in range(40):
        if not path.is_symlink() or is_version_link(path):
            break
        path = Path(os.path.abspath(path.parent / os.readlink(path)))
    return path


def is_version_link(path: Path) -> bool:
    """Whether ``path`` is a report folder's link to one of its versions.

    >>> is_version_link(Path("surveys/sample"))
    False
    """
    try:
        dest = os.readlink(path)
    except OSError:
        return False
    return re.fullmatch(rf"\.{re.escape(path.name)}\.txscore/[\w-]+", dest) is not None


def holds_cwd(folder: Path) -> bool:
    """Whether ``folder`` is a real folder that is, or holds, the current folder (it cannot
    be exchanged for a link: the shell in it would be left in a removed folder).

    >>> holds_cwd(Path.cwd()), holds_cwd(Path.cwd() / "no-such-folder")
    (True, False)
    """
    try:
        cwd = Path.cwd()
    except OSError:
        return False
    return folder.is_dir() and not folder.is_symlink() and (
        cwd == folder or folder in cwd.parents)


def _current(target: Path) -> str | None:
    """The version the report folder links to, or None."""
    return os.readlink(target).split("/", 1)[1] if is_version_link(target) else None


# ---------------------------------------------------------------------- locks
def _lock(fd: int, *, wait: bool) -> bool:
    """Lock an open file (released when it is closed, or when the process dies)."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _held(lock: Path) -> bool:
    """Whether a run holds this version's lock (a run that died holds nothing)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        return not _lock(fd, wait=False)
    finally:
        os.close(fd)


@contextmanager
def _store_lock(store: Path) -> Iterator[None]:
    """Hold the versions folder's lock (its marker file), creating both when missing."""
    while True:
        store.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(store / MARKER, os.O_RDWR | os.O_CREAT, 0o666)
        except FileNotFoundError:  # removed meanwhile by a run that found it empty
            continue
        _lock(fd, wait=True)
        try:
            same = os.fstat(fd).st_ino == os.stat(store / MARKER).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        if os.fstat(fd).st_size == 0:
            os.write(fd, _MARKER_TEXT.encode())
        yield
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()


class Version:
    """One run's new version folder (``path``) of the report folder ``target``, locked
    while the run lives: ``clean()``, write the files into ``path``, ``publish(files)``,
    and ``close()`` in any case (it removes the version unless it is shown).

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "report"
    >>> version = Version(target)
    >>> _ = (version.path / "a.txt").write_text("a")
    >>> version.publish({"a": version.path / "a.txt"}); version.close()
    >>> target.is_symlink(), (target / "a.txt").read_text(), version.state()
    (True, 'a', 'new')
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.store = target.parent / f".{target.name}.txscore"
        self.name = (f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-"
                     f"{secrets.token_hex(3)}")
        self.path = self.store / self.name
        self.fd: int | None = None
        self.shared: bool | None = None  # published as a link (False) or file by file
        self.moved, self.done = 0, False  # files moved into a shared folder; all done
        with _store_lock(self.store):
            self.fd = os.open(self.store / f"{self.name}.lock",
                              os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            _lock(self.fd, wait=False)
            self.path.mkdir()

    def clean(self) -> None:
        """Remove what is neither this run's, nor shown, nor another live run's."""
        keep = {MARKER, _MANIFEST}
        with _store_lock(self.store):
            self._restore()
            for entry in sorted(os.listdir(self.store)):
                base = entry.split(".", 1)[0]
                if entry in keep or base == self.name or entry == _current(self.target) \
                        or _held(self.store / f"{base}.lock"):
                    continue
                step("clean")
                _remove(self.store / entry)

    def _restore(self) -> None:
        """Put back a folder moved aside by a run killed between two renames."""
        if os.path.lexists(self.target):
            return
        aside = sorted(p for p in self.store.glob("*.old") if p.is_dir()
                       and not _held(self.store / f"{p.name.split('.', 1)[0]}.lock"))
        if aside:
            os.rename(aside[-1], self.target)

    def shown(self) -> bool:
        """Whether the report folder links to this version now."""
        return _current(self.target) == self.name

    def publish(self, files: dict[str, Path]) -> None:
        """Switch the report folder to this version at once, or, in a folder shared with
        other files or without links, move ``files`` in one by one."""
        if _links_work(self) and (not os.path.lexists(self.target)
                                  or is_version_link(self.target)
                                  or not (foreign_entries(self.target)
                                          or holds_cwd(self.target))):
            self.shared = False
            _switch(self)
        else:
            self.shared = True
            _move_in(self, files)

    def state(self) -> str:
        """What the report folder holds now: "new" (this version, complete), "old" (as it
        was) or "mixed" (some files moved into a shared folder, not all)."""
        if not self.shared:
            return "new" if self.shown() else "old"
        return "new" if self.done else "mixed" if self.moved else "old"

    def close(self) -> None:
        """Unlock; remove this version unless it is shown, and an empty versions folder."""
        if self.fd is None:
            return
        with _store_lock(self.store):
            if not self.shown():
                _remove(self.path)
                _remove(self.store / f"{self.name}.link")
            _remove(self.store / f"{self.name}.lock")
            os.close(self.fd)
            self.fd = None
            if os.listdir(self.store) == [MARKER] and _current(self.target) is None:
                (self.store / MARKER).unlink()
                with suppress(OSError):
                    self.store.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if hasattr(libc, "renameat2"):  # Linux
            done = libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2)
        elif hasattr(libc, "renamex_np"):  # macOS
            done = libc.renamex_np(os.fsencode(a), os.fsencode(b), 2)
        else:
            return False
    except (ImportError, OSError, TypeError):
        return False
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _links_work(version: Version) -> bool:
    """Make the new link beside the version; False where links cannot be made."""
    if os.name == "nt":
        return False
    try:
        os.symlink(f"{version.store.name}/{version.name}", version.store / f"{version.name}.link")
    except (OSError, NotImplementedError):
        return False
    return True


def _switch(version: Version) -> None:
    """Make the report folder the link to ``version``, in one atomic step."""
    target, link = version.target, version.store / f"{version.name}.link"
    for _ in range(5):  # another run may change the folder meanwhile: look again
        if not os.path.lexists(target) or is_version_link(target):
            step("switch")
            try:
                os.replace(link, target)
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                continue
            step("switched")
            return
        if not target.is_dir() or target.is_symlink() or foreign_entries(target):
            break
        aside = version.store / f"{version.name}.old"
        step("migrate")
        if _exchange(link, target):  # the old folder is now where the new link was
            step("migrated")
            with suppress(OSError):
                os.rename(link, aside)
            step("switched")
            return
        os.rename(target, aside)  # no exchange here: two renames
        step("migrated")
        try:
            os.replace(link, target)
        except OSError:
            os.rename(aside, target)
            raise
        step("switched")
        return
    raise OutputError(f"Cannot write the report to {target}", [Problem(
        "the output folder changed while the report was written: it now holds files that "
        "are not a txscore report; nothing was published.", str(target),
        "choose a folder of its own with --out and run the report again.")])


def _move_in(version: Version, files: dict[str, Path]) -> None:
    """Move the files into a folder shared with other files, one by one; remove the files
    the previous report put there that this one does not have."""
    target, manifest = version.target, version.store / _MANIFEST
    target.mkdir(parents=True, exist_ok=True)
    before = set(manifest.read_text("utf-8").splitlines()) if manifest.is_file() else set()
    names, foreign = {p.name for p in files.values()}, set(foreign_entries(target))
    # files it may replace: its own (the manifest; a txscore workbook; before any manifest,
    # the files of an older txscore's report)
    ours = {p.name for p in target.iterdir()} - foreign
    mine = (before | {n for n in ours if n.endswith((".xlsx", ".pptx", _DATASET))}
            if manifest.is_file() else ours)
    if taken := sorted(n for n in names if os.path.lexists(target / n) and n not in mine):
        raise OutputError(f"Cannot write the report to {target}", [Problem(
            f"the report would replace {', '.join(taken)}, which txscore did not write; "
            "nothing was published.", str(target / taken[0]),
            "choose a folder of its own for the report, or rename the study.")])
    if not foreign:  # a folder of its own: every older txscore file goes
        before |= {p.name for p in target.iterdir()
                   if p.is_file() or (p.name.endswith(_DATASET) and _ledger_dataset(str(p)))}
    manifest.write_text("\n".join(sorted(before | names)), "utf-8")
    for path in files.values():
        step("move")
        _move_one(version, path, target / path.name)
        version.moved += 1
    for name in sorted(before - names):
        if (target / name).is_file() and not (target / name).is_symlink():
            (target / name).unlink()
        elif name.endswith(_DATASET) and _ledger_dataset(str(target / name)):
            _remove(target / name)
    for old in target.iterdir():  # the staging folders older txscore versions left here
        if _OLD_STAGING.match(old.name) and old.is_dir() and not old.is_symlink():
            _remove(old)
    manifest.write_text("\n".join(sorted(names)), "utf-8")
    version.done = True


def _move_one(version: Version, path: Path, dest: Path) -> None:
    """Move a file, or the ledger dataset's folder, into a shared folder: a folder already
    there (the previous report's dataset) is exchanged for the new one at once where the
    system can, else moved aside first; then removed."""
    if not path.is_dir() or path.is_symlink() or not dest.is_dir() or dest.is_symlink():
        os.replace(path, dest)
        return
    if not _exchange(path, dest):  # the old one now where the new one was
        aside = version.store / f"{version.name}.aside"
        os.rename(dest, aside)
        os.rename(path, dest)
        path = aside
    _remove(path)
