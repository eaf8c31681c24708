#!/usr/bin/python3
"""Every plot entry point on the outputs of every shipped example.

Runs short versions of every parameter file under parameter_files/ (and the
nanomolding studies of benchmarks/nanomolding/study.py on a few diameters),
then `postprocess/plot.py OUTPUT --check` on each output folder. Fails on an
exception in any plot, on a figure with an empty panel that carries no
explanation (postprocess/figure_guard.py), and on a folder for which no
figure was written. A self-test first makes sure the guard itself fails on a
blank panel and passes on an explained one.

  plot_checks.py --vitrum build/vitrum --source . [--keep DIR]
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

# (parameter file, overrides that make it short). Runs that read another
# run's profiles (composition history) follow the run they read.
SHORT_SCHEDULE = "subsection Temperature\n set Schedule = 623 K; hold 20 s\nend\n"
SHORT_SCANS = ("subsection Crystallization\n set TTT temperatures = 550, 1000, 6\n"
               " set CHT heating rates = 0.01, 1000, 3\nend\n")
SHIPPED = [
    ("parameter_files/default.prm",
     SHORT_SCHEDULE + "subsection Time stepping\n set End time = 20\nend\n"
     "subsection Mesh\n set Coarse cells = 6, 60\nend\n"
     "subsection Output\n set Output times = 10\nend\n"),
    ("parameter_files/partitioning/laminate_1d.prm",
     "subsection Time stepping\n set End time = 60\nend\n"),
    ("parameter_files/partitioning/laminate_assessed_1d.prm",
     "subsection Time stepping\n set End time = 20\nend\n"),
    ("parameter_files/partitioning/laminate_3d.prm",
     "subsection Mesh\n set Domain size = 2, 2, 120\n set Coarse cells = 1, 1, 120\nend\n"
     "subsection Time stepping\n set Maximum number of steps = 3\nend\n"),
    ("parameter_files/benchmarks/pfhub1a_short.prm",
     "subsection Time stepping\n set End time = 1\nend\n"),
    ("parameter_files/crystallization/NiPdPB-ttt.prm", SHORT_SCANS),
    ("parameter_files/crystallization/PdNiCuP-ttt.prm", SHORT_SCANS),
    ("parameter_files/crystallization/TiZrNbHf-glass.prm", SHORT_SCANS),
    ("parameter_files/crystallization/TiZrNbHf-laminate-anneal.prm", SHORT_SCANS),
    ("parameter_files/crystallization/TiZrNbHf-laminate-stability.prm",
     SHORT_SCHEDULE + SHORT_SCANS
     + "subsection Crystallization\n set Composition history = {default}\nend\n"),
    ("parameter_files/crystallization/laminate_field.prm",
     SHORT_SCHEDULE + "subsection Time stepping\n set End time = 20\nend\n"
     "subsection Mesh\n set Coarse cells = 30, 15\nend\n"
     "subsection Crystallization field\n set Composition history = {default}\nend\n"),
    ("parameter_files/nanomolding/ni_bmg_pore_60nm.prm",
     "subsection Time stepping\n set Maximum number of steps = 6\nend\n"),
    ("parameter_files/nanomolding/ni_bmg_wire_20nm_crystallization.prm",
     "subsection Time stepping\n set Maximum number of steps = 6\nend\n"),
    ("parameter_files/nanomolding/pore_array_3d.prm",
     "subsection Nanomolding\n set Linear tolerance = 1e-4\nend\n"),
    ("parameter_files/nanomolding/pore_array_filling.prm",
     "subsection Nanomolding\n set Mesh file = meshes/pore_array_3d.msh\n"
     " set Linear tolerance = 1e-4\nend\n"
     "subsection Time stepping\n set Maximum number of steps = 2\nend\n"),
    ("parameter_files/nanomolding/stokes_mms.prm",
     "subsection Nanomolding\n set Finest level = 3\nend\n"),
    ("parameter_files/deposition/zrcuo_pld_vacuum.prm",
     "subsection Time stepping\n set End time = 2\nend\n"
     "subsection Output\n set Output times = 1\nend\n"),
    ("parameter_files/deposition/zrcuo_pld_10Pa.prm",
     "subsection Time stepping\n set End time = 2\nend\n"
     "subsection Output\n set Output times = 1\nend\n"),
    ("parameter_files/deposition/zrcuo_pld_2d.prm",
     "subsection Time stepping\n set Maximum number of steps = 3\nend\n"
     "subsection Output\n set Output times = \nend\n"),
    ("parameter_files/deposition/laminate_sputtered.prm",
     "subsection Time stepping\n set End time = 60\nend\n"
     "subsection Output\n set Output times = 30\nend\n"),
]


def mpirun(n):
    cmd = ["mpirun", "-np", str(n), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def environment():
    return dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def run_example(args, tmp, relative, overrides, outputs):
    name = os.path.splitext(os.path.basename(relative))[0]
    out = os.path.join(tmp, name)
    text = open(os.path.join(args.source, relative)).read()
    extra = overrides.format(default=outputs.get("default", ""))
    prm = os.path.join(tmp, name + ".prm")
    with open(prm, "w") as f:
        f.write(text + "\n" + extra + f"\nsubsection Output\n set Directory = {out}\nend\n")
    result = subprocess.run(mpirun(2) + [args.vitrum, prm], cwd=args.source,
                            capture_output=True, text=True, env=environment())
    if result.returncode != 0:
        sys.exit(f"FAILED: {relative} (short) exited {result.returncode}\n"
                 f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    outputs[name] = out
    return out


def run_studies(args, tmp):
    """The nanomolding studies' folders (sweep and map on a few diameters)."""
    study = os.path.join(args.source, "benchmarks/nanomolding/study.py")
    folders = []
    for kind, options in (("sweep", ["--T", "297", "--p", "1.25", "--t", "36000"]),
                          ("map", ["--T", "287,307"])):
        out = os.path.join(tmp, "study_" + kind)
        result = subprocess.run([sys.executable, study, kind, *options, "--diameters", "20,60,160",
                                 "--vitrum", args.vitrum, "--out", out],
                                cwd=args.source, capture_output=True, text=True, env=environment())
        if result.returncode != 0:
            sys.exit(f"FAILED: study.py {kind}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        folders.append(out)
    return folders


def plot(args, folder):
    """plot.py --check on one folder: (its report, the failure or None)."""
    result = subprocess.run([sys.executable, os.path.join(args.source, "postprocess/plot.py"),
                             folder, "--check"], capture_output=True, text=True)
    report = f"--- plot.py {os.path.basename(folder)}\n{result.stdout.strip()}"
    if result.returncode != 0:
        return report, f"{os.path.basename(folder)}: {result.stderr.strip()[-1500:]}"
    if ".png" not in result.stdout:
        return report, f"{os.path.basename(folder)}: no figure written"
    return report, None


def self_test():
    """The guard must stop a blank unexplained panel and pass an explained one."""
    sys.path.insert(0, os.path.join(ARGS.source, "postprocess"))
    import figure_guard
    import matplotlib.pyplot as plt
    figure_guard.install()
    with tempfile.TemporaryDirectory() as tmp:
        fig, (a, b) = plt.subplots(1, 2)
        a.plot([1, 2], [3, float("nan")])
        b.plot([], [])
        try:
            fig.savefig(os.path.join(tmp, "blank.png"))
            sys.exit("FAILED: the figure guard let a blank panel through")
        except figure_guard.BlankPanelError as e:
            print("guard self-test: blank panel refused:", e)
        b.text(0.5, 0.5, "no data: reason", transform=b.transAxes)
        fig.savefig(os.path.join(tmp, "explained.png"))
        nan_only = plt.figure().add_subplot()
        nan_only.plot([float("nan")], [float("nan")])
        assert figure_guard.blank_panels(nan_only.figure), "a NaN-only line counted as data"


def main():
    self_test()
    tmp = ARGS.keep or tempfile.mkdtemp(prefix="vitrum-plots-")
    os.makedirs(tmp, exist_ok=True)
    outputs = {}
    folders = [run_example(ARGS, tmp, rel, ov, outputs) for rel, ov in SHIPPED]
    folders += run_studies(ARGS, tmp)
    # Each plot.py is one process on one core: two at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda d: plot(ARGS, d), folders))
    for report, _ in results:
        print(report)
    failures = [failure for _, failure in results if failure]
    if not ARGS.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        sys.exit("FAILED:\n" + "\n".join(failures))
    print(f"plot.py drew every output of {len(folders)} shipped examples and studies")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vitrum", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--keep", help="run in this folder and keep it")
    ARGS = parser.parse_args()
    main()
