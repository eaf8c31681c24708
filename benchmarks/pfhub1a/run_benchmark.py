#!/usr/bin/python3
"""Run PFHub benchmark 1a with vitrum and report how it compares.

The benchmark is only useful if every run is reported the same way: wall
time (total and to t = 1e4, the point PRISMS-PF publishes), steps, DoFs,
memory, F at the output times, when the run reaches equilibrium, and the
deviation from published free energies. This script runs the solver on a
copy of the parameter file (so the output directory and end time can be
changed without editing the original), then writes report.txt and
free_energy.png into the output directory.

--study runs a two-by-two refinement study to t = 1e4: the file's mesh
levels and one level more, each with the file's error tolerance and with
a quarter of it, and shows how far F moves with the mesh at each tolerance
and with the tolerance on each mesh (flagged above 0.5 %). --case NAME
(repeatable) runs only some of the four cases, so that they can be spread
over several processes or machines; --no-run then analyses them together.
--no-run only analyses existing output, and copes with the partial
time_series.csv of a run still in progress.

--compare-solvers runs the file twice, back to back, with Solver/Linear
solver = direct and = iterative (everything else as in the file), and
prints a table of wall times (to t = 1e4 and to the end), steps, peak
memory and F at t = 100, 1000, 1e4 and the end for both, with their
relative difference.
"""
import argparse
import bisect
import csv
import math
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REFERENCE = os.path.join(HERE, "reference_F.csv")
PLOTTER = os.path.join(REPO, "postprocess", "plot_time_series.py")
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(PLOTTER))
from plot_time_series import read_time_series  # noqa: E402
from plot_nanomolding import read_prm_entries  # noqa: E402

REPORT_TIMES = [1, 10, 100, 1e3, 1e4, 1e5, 1e6]
PUBLISHED = [("PRISMS-PF", 708, 1e4, 2), ("MOOSE (best)", 1244, 1e6, 8),
             ("FEniCS", 388, 1.16e6, 24)]
STUDY_TIMES = [100, 1e3, 1e4]


# ---------------------------------------------------------------- running
def run_solver(vitrum, nproc, prm, output, end_time, extra=""):
    """Write <output>/<name>.prm (prm + overrides at the end), run it, return wall s."""
    os.makedirs(output, exist_ok=True)
    with open(prm) as f:
        text = f.read()
    if not text.endswith("\n"):
        text += "\n"
    # deal.II's ParameterHandler lets a later `set` override an earlier one.
    text += ("\n# ---- overrides appended by run_benchmark.py ----\n" + extra +
             f"subsection Output\n  set Directory = {output}\nend\n"
             f"subsection Time stepping\n  set End time = {end_time:g}\nend\n")
    copy = os.path.join(output, os.path.basename(prm))
    with open(copy, "w") as f:
        f.write(text)
    cmd = ["mpirun", "--allow-run-as-root", "-np", str(nproc)]
    if nproc > (os.cpu_count() or 1):
        cmd.append("--oversubscribe")
    cmd += [vitrum, copy]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    print("+", " ".join(cmd), flush=True)
    start = time.monotonic()
    with open(os.path.join(output, "log.txt"), "w") as log, \
            subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=env, cwd=REPO, text=True, bufsize=1) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
        rc = proc.wait()
    wall = time.monotonic() - start
    if rc != 0:
        sys.exit(f"error: solver exited with code {rc} (see {output}/log.txt)")
    return wall


# ---------------------------------------------------------------- analysis
def value_at(d, target, column="free_energy_nondim"):
    """(value, exact) at time target; exact row if within 1e-9*target, else
    interpolated linearly in log t (linear in t next to t = 0); None outside."""
    t, y = d["time_nondim"], d[column]
    for k in range(len(t)):
        if abs(t[k] - target) <= 1e-9 * target:
            return y[k], True
    j = bisect.bisect_left(list(t), target)
    if j == 0 or j >= len(t):
        return None
    t0, t1 = t[j - 1], t[j]
    s = (math.log(target / t0) / math.log(t1 / t0) if t0 > 0
         else (target - t0) / (t1 - t0))
    return y[j - 1] + s * (y[j] - y[j - 1]), False


def fmt_value(v):
    return "n/a" if v is None else ("" if v[1] else "~") + f"{v[0]:.4f}"


def equilibrium_time(d):
    """Smallest t_k with F_k - F_end <= 1e-6 |F_end|, or None if not reached."""
    F, t = d["free_energy_nondim"], d["time_nondim"]
    tol = 1e-6 * abs(F[-1])
    k = next(i for i in range(len(F)) if F[i] - F[-1] <= tol)
    if k == len(F) - 1 and t[-1] < 1e6:
        return None
    return t[k]


def read_reference():
    refs = {}
    with open(REFERENCE, newline="") as f:
        for row in csv.DictReader(f):
            refs.setdefault(float(row["time_nondim"]), []).append(
                (row["label"], float(row["free_energy_nondim"])))
    return refs


def parse_log(output):
    """Peak memory and solver-reported wall time from log.txt, if present."""
    info = {"memory": "n/a", "solver_wall": None}
    path = os.path.join(output, "log.txt")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r"[Pp]eak memory:?\s*([0-9.]+ [kMG]B(?: \(sum over ranks\))?)", line)
                if m:
                    info["memory"] = m.group(1).strip()
                m = re.search(r"wall time\s+([0-9.eE+-]+)\s*s", line)
                if m:
                    info["solver_wall"] = float(m.group(1))
    return info


def report(output, end_time, total_wall=None, nproc=None):
    d = read_time_series(os.path.join(output, "time_series.csv"))
    if len(d["time_nondim"]) == 0:
        sys.exit(f"error: no data in {output}/time_series.csv")
    log = parse_log(output)
    t, wall = d["time_nondim"], d["wall_time_s"]
    L = [f"PFHub benchmark 1a -- {output}", ""]
    L.append("Wall time, total:        " + (f"{total_wall:.1f} s (measured by run_benchmark.py)"
                                            if total_wall is not None else "n/a (not run here)"))
    if log["solver_wall"] is not None:
        L.append(f"Wall time, solver log:   {log['solver_wall']:.1f} s")
    done = t[-1] >= end_time * (1 - 1e-9)
    L.append(f"Run status:              {'complete' if done else 'INCOMPLETE'}: "
             f"t = {t[-1]:g} of end time {end_time:g}")
    L.append(f"Wall time, last row:     {wall[-1]:.1f} s at t = {t[-1]:g}")
    to_1e4 = wall_time_to(d, 1e4)
    L.append("Wall time to t = 1e4:    " + (f"{to_1e4:.1f} s" if to_1e4 is not None else "not reached"))
    L.append(f"Steps:                   {int(d['step'][-1])} "
             f"(rejected {int(d['rejected_steps'][-1])}) to t = {t[-1]:g}")
    L.append(f"Final DoFs / cells:      {int(d['dofs'][-1])} / {int(d['cells'][-1])}")
    L.append(f"Peak memory:             {log['memory']}")
    L.append(f"Max rel. mass change:    {largest_mass_change(d):.2e}")
    teq = equilibrium_time(d)
    L.append("Equilibrium reached at:  " + ("not reached" if teq is None else
                                            f"t = {teq:g} (F within 1e-6 of final F)"))
    L += ["", "Free energy (~ = interpolated in log t):"]
    for target in REPORT_TIMES:
        L.append(f"  t = {target:<8g} F = {fmt_value(value_at(d, target))}")
    L += ["", "Comparison with reference_F.csv (rel. diff = (F_vitrum - F_ref) / F_ref):"]
    for target, entries in sorted(read_reference().items()):
        v = value_at(d, target)
        if v is None:
            continue
        for label, Fref in entries:
            L.append(f"  t = {target:<6g} vitrum {fmt_value(v):>10}  {label:<40} "
                     f"{Fref:9.3f}  {100 * (v[0] - Fref) / Fref:+7.2f} %")
    L += ["", "Published wall times (PFHub 1a):"]
    for name, w, tend, cores in PUBLISHED:
        L.append(f"  {name:<14} {w:6g} s to t = {tend:g} on {cores} cores")
    if to_1e4 is not None:
        L.append(f"  vitrum         {to_1e4:6.1f} s to t = 1e4"
                 + (f" on {nproc} MPI ranks" if nproc else ""))
    text = "\n".join(L) + "\n"
    print(text)
    with open(os.path.join(output, "report.txt"), "w") as f:
        f.write(text)
    subprocess.run([sys.executable, PLOTTER, output, "--reference", REFERENCE,
                    "-o", os.path.join(output, "free_energy.png")], check=True)


def study_cases(prm):
    """The four cases of the study as {name: overrides}: mesh levels as in
    the file ("mesh") or one more ("fine_mesh"), error tolerance as in the
    file or four times tighter ("_tight_time")."""
    entries = read_prm_entries(prm)
    low = int(entries.get("Mesh/Minimum refinement level", 0))
    high = int(entries.get("Mesh/Maximum refinement level", 2))
    tolerance = float(entries.get("Time stepping/Error tolerance", 1e-3))
    cases = {}
    for mesh, shift in (("mesh", 0), ("fine_mesh", 1)):
        for suffix, factor in (("", 1), ("_tight_time", 0.25)):
            cases[mesh + suffix] = (
                f"subsection Mesh\n  set Minimum refinement level = {low + shift}\n"
                f"  set Maximum refinement level = {high + shift}\nend\n"
                f"subsection Time stepping\n  set Error tolerance = {tolerance * factor:g}\nend\n")
    return cases


def analyse_study(output, prm):
    """F at STUDY_TIMES for the four cases; how far F moves with the mesh
    (at each tolerance) and with the tolerance (on each mesh); PNG overlay."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    data = {}
    for case in study_cases(prm):
        path = os.path.join(output, case, "time_series.csv")
        if os.path.exists(path):
            data[case] = read_time_series(path)
    header = f"{'':<34}" + "".join(f"{'t = ' + format(t, 'g'):>16}" for t in STUDY_TIMES)
    L = ["Refinement study: F (~ = interpolated)", "", header]
    for case, d in data.items():
        L.append(f"{case:<34}" + "".join(f"{fmt_value(value_at(d, t)):>16}" for t in STUDY_TIMES))
    L += ["", "Relative change of F (! = above 0.5 %)", "", header]
    pairs = [("mesh", "fine_mesh", "one more mesh level"),
             ("mesh_tight_time", "fine_mesh_tight_time", "one more mesh level, tol / 4"),
             ("mesh", "mesh_tight_time", "tolerance / 4"),
             ("fine_mesh", "fine_mesh_tight_time", "tolerance / 4, fine mesh")]
    for coarse, fine, label in pairs:
        if coarse not in data or fine not in data:
            continue
        row = f"{label:<34}"
        for t in STUDY_TIMES:
            a, b = value_at(data[coarse], t), value_at(data[fine], t)
            cell = "-"
            if a is not None and b is not None:
                diff = 100 * (b[0] - a[0]) / a[0]
                cell = f"{diff:+.2f} %{'!' if abs(diff) > 0.5 else ' '}"
            row += f"{cell:>16}"
        L.append(row)
    text = "\n".join(L) + "\n"
    print(text)
    with open(os.path.join(output, "refinement_study.txt"), "w") as f:
        f.write(text)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for case, d in data.items():
        pos = d["time_nondim"] > 0
        ax.semilogx(d["time_nondim"][pos], d["free_energy_nondim"][pos], label=case)
    ax.set_xlabel("time")
    ax.set_ylabel("free energy F")
    ax.set_title("PFHub 1a refinement study")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    png = os.path.join(output, "refinement_study.png")
    fig.savefig(png, dpi=120)
    plt.close(fig)
    print(png)


SOLVER_CASES = {
    "direct": "subsection Solver\n  set Linear solver = direct\nend\n",
    "iterative": "subsection Solver\n  set Linear solver = iterative\nend\n",
}
COMPARE_TIMES = [100, 1e3, 1e4, 1e6]


def largest_mass_change(d):
    """Largest |mass / initial mass - 1| over the rows."""
    mass0 = d["mass_nondim"][0]
    return max(abs(m - mass0) for m in d["mass_nondim"]) / abs(mass0)


def wall_time_to(d, target):
    """Wall time of the first row at or after target, or None."""
    for t, w in zip(d["time_nondim"], d["wall_time_s"]):
        if t >= target * (1 - 1e-12):
            return w
    return None


def analyse_solver_comparison(output, end_time):
    """Side-by-side table of the direct and the iterative run."""
    data, logs = {}, {}
    for case in SOLVER_CASES:
        path = os.path.join(output, case, "time_series.csv")
        if os.path.exists(path):
            data[case] = read_time_series(path)
            logs[case] = parse_log(os.path.join(output, case))
    L = ["Direct against iterative linear solver (same file, back to back)", ""]
    rows = [("wall time to t = 1e4 (s)", lambda d, g: wall_time_to(d, 1e4))]
    if end_time != 1e4:
        rows.append((f"wall time to t = {end_time:g} (s)", lambda d, g: wall_time_to(d, end_time)))
    rows += [("steps (rejected)", lambda d, g: f"{int(d['step'][-1])} ({int(d['rejected_steps'][-1])})"),
             ("peak memory (all ranks)", lambda d, g: g["memory"].split(" (")[0]),
             ("largest rel. mass change", lambda d, g: "%.1e" % largest_mass_change(d))]
    rows += [(f"F at t = {t:g}", lambda d, g, t=t: value_at(d, t)) for t in COMPARE_TIMES]
    L.append(f"{'':<28}" + "".join(f"{c:>18}" for c in data) + f"{'difference':>14}")
    for label, get in rows:
        values = [get(d, logs[c]) for c, d in data.items()]
        cells = [fmt_value(v) if isinstance(v, tuple) else
                 ("-" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v)))
                 for v in values]
        diff = ""
        if len(values) == 2 and all(isinstance(v, tuple) for v in values):
            diff = f"{100 * (values[1][0] - values[0][0]) / values[0][0]:+.4f} %"
        elif len(values) == 2 and all(isinstance(v, float) for v in values):
            diff = f"x {values[0] / values[1]:.2f}"
        L.append(f"{label:<28}" + "".join(f"{c:>18}" for c in cells) + f"{diff:>14}")
    text = "\n".join(L) + "\n"
    print(text)
    with open(os.path.join(output, "solver_comparison.txt"), "w") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vitrum", default=os.path.join(REPO, "build", "vitrum"))
    p.add_argument("--np", type=int, default=2, help="MPI ranks (default 2)")
    p.add_argument("--prm", default=os.path.join(REPO, "parameter_files", "benchmarks", "pfhub1a.prm"))
    p.add_argument("--end-time", type=float, default=1e6)
    p.add_argument("--output", default=os.path.join(REPO, "output", "pfhub1a_benchmark"))
    p.add_argument("--no-run", action="store_true", help="only analyse an existing output directory")
    p.add_argument("--study", action="store_true",
                   help="two-by-two refinement study (mesh levels, error tolerance) to "
                        "t = min(1e4, --end-time)")
    p.add_argument("--case", action="append", metavar="NAME",
                   help="with --study: run only this case (mesh, mesh_tight_time, fine_mesh, "
                        "fine_mesh_tight_time); repeatable")
    p.add_argument("--compare-solvers", action="store_true",
                   help="run the file with the direct and with the iterative linear solver, "
                        "back to back, and compare wall times and F")
    a = p.parse_args()
    output = os.path.abspath(a.output)
    vitrum, prm = os.path.abspath(a.vitrum), os.path.abspath(a.prm)
    if a.study:
        cases = study_cases(prm)
        unknown = set(a.case or []) - set(cases)
        if unknown:
            sys.exit(f"error: --case {', '.join(sorted(unknown))}: allowed are {', '.join(cases)}")
        for case, extra in cases.items():
            if not a.no_run and (not a.case or case in a.case):
                run_solver(vitrum, a.np, prm, os.path.join(output, case),
                           min(1e4, a.end_time), extra)
        analyse_study(output, prm)
    elif a.compare_solvers:
        for case, extra in SOLVER_CASES.items():
            if not a.no_run:
                run_solver(vitrum, a.np, prm, os.path.join(output, case), a.end_time, extra)
        analyse_solver_comparison(output, a.end_time)
    else:
        wall = None if a.no_run else run_solver(vitrum, a.np, prm, output, a.end_time)
        report(output, a.end_time, wall, None if a.no_run else a.np)


if __name__ == "__main__":
    main()
