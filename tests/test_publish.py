"""The all-or-nothing publish: a report folder shows exactly the old report or exactly the
new one, whatever the moment of an error, a Ctrl-C or a kill.

The interrupt tests run ``txscore report`` in processes of their own and signal them
(SIGINT, as Ctrl-C at a terminal does, to the whole process group; SIGKILL likewise) after
a spread of delays and at every step of the publish, announced by the public
:data:`txscore.reporting.versions.step_hook`. Most runs are forked from this (already
warm) process, which calls the command line's ``main``; a few are whole ``python -m
txscore.cli`` processes. After each run the folder must hold the same bytes as before, or
exactly the new report (same bytes as an uninterrupted run on the same data), and a later
run must leave nothing of the killed ones.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, NON_CUSTOMER_ITEMS, make_study

import txscore.reporting.versions as versions
from txscore.cli import main
from txscore.errors import OutputError
from txscore.reporting.publish import PublishInterrupted, check_output, publish
from txscore.reporting.versions import MARKER, versions_folder

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning"),
              pytest.mark.filterwarnings("ignore::RuntimeWarning")]
needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                                reason="the interrupt runs are forked (Linux)")


# ---------------------------------------------------------------------- helpers
def files_of(folder: Path) -> dict[str, bytes] | None:
    """Every file under ``folder`` (through its link) by relative path, hidden ones too;
    None when there is no folder."""
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def writer(generation: int, names: list[str]):
    """A ``write`` for publish: one file per name, each saying its generation."""
    def write(folder: Path) -> dict[str, Path]:
        paths = {}
        for name in names:
            paths[name] = folder / f"{name}.png"
            paths[name].write_text(f"{name} of generation {generation}")
        return paths
    return write


def txscore_workbook(path: Path) -> None:
    """A minimal xlsx whose document properties name txscore as its creator."""
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("docProps/core.xml", '<cp:coreProperties><dc:creator xmlns:dc="x">'
                      "txscore</dc:creator></cp:coreProperties>")


def no_study() -> SimpleNamespace:
    return SimpleNamespace(sources=[], spec_path=None)


@pytest.fixture(autouse=True)
def no_hook():
    yield
    versions.step_hook = None


# ---------------------------------------------------------------------- in this process
def test_a_report_folder_is_a_link_to_a_version_holding_only_its_report(tmp_path):
    out = tmp_path / "reports" / "sample"
    paths = publish(out, writer(1, ["tx_by_brand_2026-q1", "trend_tx"]))
    assert paths == {k: out / f"{k}.png" for k in ("tx_by_brand_2026-q1", "trend_tx")}
    assert out.is_symlink() and os.readlink(out).startswith(".sample.txscore/")
    store = versions_folder(out)
    assert store == tmp_path / "reports" / ".sample.txscore"
    first = os.readlink(out).split("/")[1]
    assert sorted(os.listdir(store)) == sorted([first, MARKER])
    # the waves are renamed: the old wave's chart disappears with the old version
    publish(out, writer(2, ["tx_by_brand_2026-q2", "trend_tx"]))
    assert files_of(out) == {"trend_tx.png": b"trend_tx of generation 2",
                             "tx_by_brand_2026-q2.png": b"tx_by_brand_2026-q2 of generation 2"}
    second = os.readlink(out).split("/")[1]
    assert sorted(os.listdir(store)) == sorted([first, second, MARKER])  # the one replaced
    publish(out, writer(3, ["trend_tx"]))
    third = os.readlink(out).split("/")[1]
    assert sorted(os.listdir(store)) == sorted([second, third, MARKER])  # first removed
    assert files_of(out) == {"trend_tx.png": b"trend_tx of generation 3"}


@pytest.mark.parametrize("step", ["clean", "written", "switch", "switched"])
def test_ctrl_c_at_each_step_leaves_the_old_or_the_new_report_and_says_which(tmp_path, step):
    out = tmp_path / "out"
    publish(out, writer(1, ["a", "b"]))
    publish(out, writer(2, ["a", "b"]))  # generation 1 is now a version to clean
    old = files_of(out)

    def hook(at: str) -> None:
        if at == step:
            raise KeyboardInterrupt

    versions.step_hook = hook
    with pytest.raises(PublishInterrupted) as caught:
        publish(out, writer(3, ["a", "c"]))
    versions.step_hook = None
    new = {"a.png": b"a of generation 3", "c.png": b"c of generation 3"}
    assert caught.value.state == ("new" if step == "switched" else "old")
    assert files_of(out) == (new if step == "switched" else old)
    assert str(caught.value) == (
        f"interrupted after the new report was published: {out} holds the new report, "
        "complete." if step == "switched" else
        f"interrupted: the new report was not published; {out} is as it was (any previous "
        "report is unchanged).")
    assert isinstance(caught.value, KeyboardInterrupt)
    # only shown or replaced versions are left, and the next run keeps two at most
    publish(out, writer(4, ["a"]))
    assert len(os.listdir(versions_folder(out))) <= 3


def test_a_failed_write_publishes_nothing_and_says_so(tmp_path):
    out = tmp_path / "out"
    publish(out, writer(1, ["a"]))

    def full_disk(folder: Path) -> dict[str, Path]:
        (folder / "a.png").write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="Cannot write the report") as caught:
        publish(out, full_disk)
    assert "No space left on device; nothing was published: the folder is as it was." in str(
        caught.value.problems[0])
    assert files_of(out) == {"a.png": b"a of generation 1"}
    assert len(os.listdir(versions_folder(out))) == 2  # the failed version is gone


@pytest.mark.parametrize("step", [None, "migrate", "migrated"])
def test_first_run_on_a_real_folder_with_an_old_report_switches_it_at_once(tmp_path, step):
    out = tmp_path / "sample"
    out.mkdir()
    txscore_workbook(out / "Sample TX Study.xlsx")
    (out / "cx_vs_bx_2026-q1.png").write_bytes(b"old chart")
    (out / ".txscore-k2j4h5g6.tmp").mkdir()  # staging folder of an older txscore, killed
    (out / ".txscore-k2j4h5g6.tmp" / "reliability.png").write_bytes(b"half")
    (out / ".trend_tx.png.x8y7z6.tmp").write_bytes(b"half")  # temporary file, killed
    old = files_of(out)
    check_output(out, no_study())  # a txscore report: fine

    def hook(at: str) -> None:
        if at == step:
            raise KeyboardInterrupt

    versions.step_hook = hook
    new = {"cx_vs_bx_2026-q2.png": b"cx_vs_bx_2026-q2 of generation 2"}
    if step is None:
        publish(out, writer(2, ["cx_vs_bx_2026-q2"]))
    else:
        with pytest.raises(PublishInterrupted) as caught:
            publish(out, writer(2, ["cx_vs_bx_2026-q2"]))
        assert caught.value.state == ("new" if step == "migrated" else "old")
    versions.step_hook = None
    assert files_of(out) == (old if step == "migrate" else new)
    assert out.is_symlink() == (step != "migrate")
    publish(out, writer(3, ["trend_tx"]))
    publish(out, writer(4, ["trend_tx"]))  # the old folder is gone by now
    store = versions_folder(out)
    assert not [n for n in os.listdir(store) if n.endswith((".old", ".link", ".lock"))]
    assert len(os.listdir(store)) == 3


def test_a_folder_holding_other_files_is_refused_and_left_untouched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "photos").mkdir()
    (out / "holiday.png").write_bytes(b"not a chart")
    (out / "budget.xlsx").write_bytes(b"not txscore's")
    before = files_of(out)
    with pytest.raises(OutputError, match="Cannot write to") as caught:
        check_output(out, no_study(), out_option="--out")
    text = str(caught.value.problems[0])
    assert "budget.xlsx, holiday.png, notes.txt, photos/" in text
    assert "needs a folder of its own" in text and "--out" in text
    assert files_of(out) == before and not versions_folder(out).exists()


def test_a_folder_shared_with_the_inputs_gets_the_files_one_by_one(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    spec = make_study(data, pd.DataFrame({"eff_1": [4, 5]}))
    study = SimpleNamespace(sources=[SimpleNamespace(path=data / "customers.csv")],
                            spec_path=spec)
    with pytest.raises(OutputError, match="holds the study's input files"):
        check_output(data, study)
    check_output(data, study, allow_input_folder=True)
    (data / "trend_sales.png").write_bytes(b"the user's own chart")
    inputs = {n: b for n, b in files_of(data).items()}
    (data / ".txscore-q1w2e3r4.tmp").mkdir()  # left by an older txscore, killed
    (data / ".txscore-q1w2e3r4.tmp" / "trend_tx.png").write_bytes(b"half")
    publish(data, writer(1, ["trend_tx", "cx_vs_bx_w1"]))
    publish(data, writer(2, ["trend_tx", "cx_vs_bx_w2"]))
    assert not data.is_symlink()
    assert files_of(data) == {**inputs, "trend_tx.png": b"trend_tx of generation 2",
                              "cx_vs_bx_w2.png": b"cx_vs_bx_w2 of generation 2"}

    moves = []

    def hook(at: str) -> None:
        if at == "move":
            moves.append(at)
            if len(moves) == 2:  # the first file is in, the second not yet
                raise KeyboardInterrupt

    versions.step_hook = hook
    with pytest.raises(PublishInterrupted) as caught:
        publish(data, writer(3, ["trend_tx", "cx_vs_bx_w3"]))
    assert caught.value.state == "mixed" and "Run the report again" in str(caught.value)
    assert (data / "trend_tx.png").read_text() == "trend_tx of generation 3"
    assert (data / "cx_vs_bx_w2.png").is_file() and not (data / "cx_vs_bx_w3.png").exists()
    versions.step_hook = None
    publish(data, writer(4, ["trend_tx"]))  # every chart of the runs before goes
    assert files_of(data) == {**inputs, "trend_tx.png": b"trend_tx of generation 4"}


def test_a_file_txscore_did_not_write_is_never_replaced(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("mine")
    (shared / "customers.xlsx").write_bytes(b"an input")
    study = SimpleNamespace(sources=[], spec_path=None, name="customers")
    with pytest.raises(OutputError) as caught:
        check_output(shared, study, allow_input_folder=True)
    assert str(caught.value.problems[0]).startswith(
        f"{shared / 'customers.xlsx'}: the report's workbook would replace this file")
    publish(shared, writer(1, ["trend_tx"]))  # a chart it did write may be replaced
    (shared / "trend_cx.png").write_bytes(b"the user's own")
    with pytest.raises(OutputError, match="would replace trend_cx.png, which txscore did not"):
        publish(shared, writer(2, ["trend_tx", "trend_cx"]))
    assert (shared / "trend_cx.png").read_bytes() == b"the user's own"
    assert (shared / "trend_tx.png").read_text() == "trend_tx of generation 1"


def test_a_read_only_folder_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Cannot write to") as caught:
            check_output(out, no_study(), out_option="--out")
        assert str(caught.value.problems[0]).startswith(f"{out}: the folder is read-only")
        assert "chmod u+w" in str(caught.value.problems[0])
        with pytest.raises(OutputError, match="read-only"):
            check_output(out / "sub" / "report", no_study())
    finally:
        out.chmod(0o755)
    assert list(out.iterdir()) == [] and not versions_folder(out).exists()


def test_the_current_folder_is_never_exchanged_for_a_link(tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(OutputError, match="is the current folder"):
        check_output(".", no_study(), out_option="--out")
    publish(".", writer(1, ["trend_tx"]))  # called directly: the files are moved in
    assert not here.is_symlink() and Path.cwd() == here
    assert files_of(here) == {"trend_tx.png": b"trend_tx of generation 1"}


def test_leftovers_of_killed_runs_go_and_nothing_else(tmp_path):
    import fcntl

    out = tmp_path / "out"
    publish(out, writer(1, ["a"]))
    store = versions_folder(out)
    shown = os.readlink(out).split("/")[1]
    for name in ("20200101-000000-1-aaaaaa", "20200101-000000-2-bbbbbb.old"):
        (store / name).mkdir()
        (store / name / "a.png").write_text("left by a killed run")
    (store / "20200101-000000-1-aaaaaa.lock").touch()
    (store / "20200101-000000-3-cccccc.link").symlink_to("nowhere")
    # a run still writing holds its lock: its version stays
    (store / "20200101-000000-4-dddddd").mkdir()
    held = os.open(store / "20200101-000000-4-dddddd.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        publish(out, writer(2, ["a"]))
    finally:
        os.close(held)
    now = os.readlink(out).split("/")[1]
    assert sorted(os.listdir(store)) == sorted(
        [MARKER, shown, now, "20200101-000000-4-dddddd", "20200101-000000-4-dddddd.lock"])
    publish(out, writer(3, ["a"]))  # that run is gone now: its version goes too
    assert sorted(os.listdir(store)) == sorted([MARKER, now, os.readlink(out).split("/")[1]])


def test_a_folder_named_like_a_versions_folder_but_not_txscores_is_never_emptied(tmp_path):
    store = tmp_path / ".out.txscore"
    store.mkdir()
    (store / "precious.txt").write_text("mine")
    with pytest.raises(OutputError, match="not txscore's"):
        check_output(tmp_path / "out", no_study())
    with pytest.raises(OutputError, match="not txscore's"):
        publish(tmp_path / "out", writer(1, ["a"]))
    assert sorted(os.listdir(store)) == ["precious.txt"]
    assert (store / "precious.txt").read_text() == "mine"
    assert not (tmp_path / "out").exists()


def test_the_versions_folder_is_refused_as_an_output(tmp_path):
    out = tmp_path / "out"
    publish(out, writer(1, ["a"]))
    for inside in (versions_folder(out), Path(os.path.realpath(out))):
        with pytest.raises(OutputError, match="where txscore keeps the versions") as caught:
            check_output(inside, no_study(), out_option="--out")
        assert f"--out {out}" in str(caught.value.problems[0])


def test_concurrent_runs_each_publish_a_complete_report(tmp_path):
    out = tmp_path / "out"
    names = ["a", "b", "c"]
    errors: list[BaseException] = []

    def run(first: int) -> None:
        try:
            for generation in range(first, first + 3):
                publish(out, writer(generation, names))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(10 * i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    shown = files_of(out)
    generation = shown["a.png"].split()[-1]
    assert shown == {f"{n}.png": f"{n} of generation {generation.decode()}".encode()
                     for n in names}
    publish(out, writer(99, names))
    assert len(os.listdir(versions_folder(out))) == 3  # marker, shown, replaced


# ---------------------------------------------------------------------- interrupted processes
def _frames(variant: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two small data sets whose reports differ in every file (another wave, too)."""
    rng = np.random.default_rng(1 if variant == "old" else 2)
    cust = pd.DataFrame({c: rng.integers(1, 6, 24) for c in CUSTOMER_ITEMS})
    cust["brand"] = np.repeat(["Acme", "Beta"], 12)
    non = pd.DataFrame({c: rng.integers(1, 6, 16) for c in NON_CUSTOMER_ITEMS})
    non["brand"] = np.repeat(["Acme", "Beta"], 8)
    wave = "2026 Q1" if variant == "old" else "2026 Q2"
    return cust.assign(wave=wave), non.assign(wave=wave)


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> SimpleNamespace:
    """A tiny study and the two reports runs are checked against: the old one (workbook
    and 7 charts, the data before) and the new one (``--no-charts``, the data now: runs
    are fast, and a mix of the two shows as stray charts or a missing one)."""
    root = tmp_path_factory.mktemp("study")
    spec = make_study(root, *_frames("old"))
    assert main(["report", str(spec), "--out", str(root / "old"), "-q"]) == 0
    make_study(root, *_frames("new"))
    argv = ["report", str(spec), "-q", "--no-charts"]
    assert main([*argv, "--out", str(root / "new")]) == 0
    old, new = files_of(root / "old"), files_of(root / "new")
    assert sum(n.endswith(".png") for n in old) == 7 and list(new) == ["Tiny study.xlsx"]
    assert old["Tiny study.xlsx"] != new["Tiny study.xlsx"]
    return SimpleNamespace(argv=argv, old=old, new=new)


def copies(files: dict[str, bytes]):
    """A ``write`` for publish that writes these files as they are."""
    def write(folder: Path) -> dict[str, Path]:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return {name: folder / name for name in files}
    return write


class Runs:
    """``txscore report`` runs of the new report into one folder, signalled at will."""

    def __init__(self, root: Path, study: SimpleNamespace) -> None:
        self.out, self.logs, self.study = root / "reports" / "tiny", root / "logs", study
        self.logs.mkdir()
        self.count = 0

    def show_old(self, *, legacy: bool = False) -> None:
        """Make the folder show the old report: published as txscore does (nothing done if
        it shows it already), or as a real folder written by an older txscore, with the
        staging folder of a run killed then."""
        if not legacy:
            if files_of(self.out) != self.study.old:
                publish(self.out, copies(self.study.old))
            return
        if self.out.is_symlink():
            self.out.unlink()
        self.out.mkdir(parents=True, exist_ok=True)
        copies(self.study.old)(self.out)
        (self.out / ".txscore-a1b2c3d4.tmp").mkdir(exist_ok=True)
        (self.out / ".txscore-a1b2c3d4.tmp" / "half.png").write_bytes(b"half")

    def forked(self, *, at: str | None = None, sig: int = signal.SIGKILL,
               after: float | None = None, out: Path | None = None) -> tuple[int, str]:
        """A run in a forked process (and process group) of its own, signalled at the step
        ``at`` of the publish or ``after`` seconds; returns (exit code, output)."""
        self.count += 1
        log = self.logs / f"{self.count}.txt"
        argv = [*self.study.argv, "--out", str(out or self.out)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with native threads
            pid = os.fork()
        if pid == 0:  # the run: it never returns into pytest
            code = 97
            try:
                os.setpgid(0, 0)
                sys.stdout = sys.stderr = open(log, "w", buffering=1)  # noqa: SIM115
                os.dup2(sys.stdout.fileno(), 1)
                os.dup2(sys.stdout.fileno(), 2)

                def hook(step: str) -> None:
                    if step == at:
                        print(f"signalled at {step}", flush=True)
                        os.killpg(0, sig)

                versions.step_hook = hook
                code = main(argv)
            except BaseException:  # noqa: BLE001 - a signal before main's own handler
                code = 98
            finally:
                sys.stdout.flush()
                os._exit(code)
        with_group(pid)
        if after is not None:
            time.sleep(after)
            kill_group(pid, sig)
        _, status = os.waitpid(pid, 0)
        wait_group(pid)
        return os.waitstatus_to_exitcode(status), log.read_text()

    def whole(self, *, sig: int | None = None, after: float = 0) -> tuple[int, str, float]:
        """A ``python -m txscore.cli`` process; returns (exit code, stderr, seconds)."""
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "txscore.cli", *self.study.argv, "--out", str(self.out)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        if sig is not None:
            time.sleep(after)
            kill_group(proc.pid, sig)
        _, err = proc.communicate(timeout=120)
        wait_group(proc.pid)
        return proc.returncode, err, time.monotonic() - started

    def trial(self, **how) -> None:
        """One signalled run: the folder holds what it held, or exactly the new report."""
        before = files_of(self.out)
        code, text = self.forked(**how)
        assert files_of(self.out) in (before, self.study.new), (how, text)
        assert "Traceback" not in text, (how, text)
        if how.get("at"):
            assert f"signalled at {how['at']}" in text, (how, text)  # the step was reached
            assert code == (130 if how["sig"] == signal.SIGINT else -signal.SIGKILL), (how, code)

    def check_leftovers(self) -> None:
        """After a whole run: the folder links to its version; the versions folder holds it,
        at most the one it replaced, and the marker; nothing hidden in the folder."""
        replaced = os.readlink(self.out).split("/")[1] if self.out.is_symlink() else None
        code, text = self.forked()
        assert code == 0, text
        assert files_of(self.out) == self.study.new
        store = versions_folder(self.out)
        kept = {MARKER, os.readlink(self.out).split("/")[1]}
        kept |= {f"{n}.old" for n in kept} | ({replaced} if replaced else set())
        assert set(os.listdir(store)) <= kept, sorted(os.listdir(store))
        assert sorted(os.listdir(self.out.parent)) == sorted([self.out.name, store.name])


def with_group(pid: int) -> None:
    try:
        os.setpgid(pid, pid)  # the child does it too: whichever comes first
    except OSError:
        pass


def kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def wait_group(pgid: int) -> None:
    """Until no process of the group is left (chart workers of a killed run)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    kill_group(pgid, signal.SIGKILL)


KILL, INT = signal.SIGKILL, signal.SIGINT


@needs_fork
def test_report_killed_or_interrupted_anywhere_leaves_the_old_or_the_new_report(tmp_path,
                                                                                study):
    runs = Runs(tmp_path, study)
    started = time.monotonic()
    code, text = runs.forked(out=tmp_path / "plain")  # a forked run writes the same bytes
    took = time.monotonic() - started
    assert code == 0 and files_of(tmp_path / "plain") == study.new, text
    # at every step of the publish; "clean" finds what the SIGKILL at "written" left
    steps = [("migrate", KILL), ("migrate", INT), ("migrated", KILL), ("migrated", INT),
             ("written", KILL), ("clean", KILL), ("written", KILL), ("clean", INT),
             ("written", INT), ("switch", KILL), ("switch", INT), ("switched", KILL),
             ("switched", INT)]
    for step, sig in steps:
        runs.show_old(legacy=step.startswith("migrate"))
        runs.trial(at=step, sig=sig)
    # after a spread of delays, from a real folder of an older txscore or a link
    for i, fraction in enumerate((0.5, 0.85, 0.95, 1.0)):
        for sig in (KILL, INT):
            runs.show_old(legacy=i % 2 == 0)
            runs.trial(after=fraction * took, sig=sig)
    runs.check_leftovers()


@needs_fork
def test_a_txscore_process_killed_near_its_end_leaves_the_old_or_the_new_report(tmp_path,
                                                                                study):
    runs = Runs(tmp_path, study)
    runs.show_old()
    code, err, took = runs.whole()
    assert code == 0 and files_of(runs.out) == study.new, err
    runs.show_old()
    code, err, _ = runs.whole(sig=INT, after=0.9 * took)  # Ctrl-C at a terminal
    assert files_of(runs.out) in (study.old, study.new), err
    if code == 130:  # the command line's handler was reached
        said = [line for line in err.splitlines() if line.startswith("interrupted")]
        state = "old" if files_of(runs.out) == study.old else "new"
        assert said[-1:] == [str(PublishInterrupted(runs.out, state))] or (
            state == "old" and said == [  # interrupted before the report was written
                "interrupted: nothing was written (any previous report is unchanged)."]), err
        assert "Traceback" not in err


@needs_fork
def test_the_interrupt_message_says_what_the_folder_holds(tmp_path, study):
    runs = Runs(tmp_path, study)
    for step, state in (("written", "old"), ("switched", "new")):
        runs.show_old()
        code, text = runs.forked(at=step, sig=INT)
        assert code == 130
        said = [line for line in text.splitlines() if line.startswith("interrupted")]
        assert said == [str(PublishInterrupted(runs.out, state))], text
