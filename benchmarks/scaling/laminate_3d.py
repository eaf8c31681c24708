#!/usr/bin/python3
"""Size scaling of the 3D 7-element laminate (Model = partitioning): runs
parameter_files/partitioning/laminate_3d.prm (four bilayers of CrCoNi /
TiZrNbHf glass, 120 nm, periodic) on uniform meshes of growing size and
prints, per run, the DoFs, seconds per step, DoF-steps per second, peak
memory per DoF and the Krylov iterations per linear solve.

The lateral edge L and the mesh size h set the size: (L/h)^2 (120/h) nodes,
13 unknowns per node (6 fractions, 6 potentials, the phase field). A size
is written L:h (nm), e.g. 4:1 (39 000 DoFs), 4:0.5 (254 000), 9:0.5
(1 131 000). The steps are the run's first steps from the as-deposited state
(adaptive BDF2 from dt = 1e-3 s); the first step (set-up and the step-size
judgement) is left out of the time per step.

Usage:
  benchmarks/scaling/laminate_3d.py [--vitrum build/vitrum] [--sizes 4:1 4:0.5]
      [--ranks 1 2] [--steps 20] [--max-dt S] [--solver iterative|direct] [--keep DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import csv

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
BASE = os.path.join(SOURCE, "parameter_files", "partitioning", "laminate_3d.prm")
HEIGHT = 120.0  # nm, four bilayers of 18 + 12 nm


def overrides(lateral, h, steps, solver, directory, max_dt=None):
    """The base file's mesh, steps, solver and output replaced: uniform mesh
    of cell size h (coarse cells of 2h refined once, so that p4est gets a
    small coarse mesh)."""
    coarse = [round(lateral / (2 * h)), round(lateral / (2 * h)), round(HEIGHT / (2 * h))]
    return f"""
subsection Mesh
  set Domain size  = {lateral}, {lateral}, {HEIGHT}
  set Coarse cells = {coarse[0]}, {coarse[1]}, {coarse[2]}
  set Minimum refinement level = 1
  set Maximum refinement level = 1
  set Adapt every = 0
end
subsection Time stepping
  set Maximum number of steps = {steps}
{f'  set Maximum time step = {max_dt}' if max_dt else ''}
end
subsection Solver
  set Linear solver = {solver}
end
subsection Output
  set Directory = {directory}/out
  set Output times =
  set Progress every = 5
end
subsection Checkpointing
  set Every = 0
end
"""


def run(args, lateral, h, ranks, directory):
    prm = os.path.join(directory, "case.prm")
    with open(BASE) as f, open(prm, "w") as out:
        out.write(f.read() + overrides(lateral, h, args.steps, args.solver, directory,
                                             args.max_dt))
    cmd = ["mpirun", "-np", str(ranks)]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(cmd + [args.vitrum, prm], capture_output=True, text=True, env=env,
                            cwd=SOURCE)
    with open(os.path.join(directory, "log.txt"), "w") as log:
        log.write(result.stdout + result.stderr)
    if result.returncode != 0:
        return None, (result.stdout + result.stderr).strip().splitlines()[-1:]
    with open(os.path.join(directory, "out", "time_series.csv")) as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    memory = re.search(r"peak memory ([0-9.]+) MB", result.stdout)
    sections = {name: (int(calls), float(seconds)) for name, calls, seconds in
                re.findall(r"\| (assembly|linear solve) +\| +(\d+) \| +([0-9.]+)s", result.stdout)}
    return (rows, float(memory.group(1)) if memory else float("nan"), sections), None


def summary(rows, memory_mb, sections):
    steps = rows[2:]  # after the first step
    seconds = (steps[-1]["wall_time_s"] - rows[1]["wall_time_s"]) / len(steps)
    solves = [r for r in rows[1:] if r["newton_iterations"] > 0]
    dofs = int(rows[-1]["dofs"])
    return {"dofs": dofs, "steps": len(rows) - 1, "seconds": seconds,
            "rate": dofs / seconds, "bytes": memory_mb * 1e6 / dofs,
            "iterations": sum(r["linear_iterations"] for r in solves) / len(solves),
            "newton": sum(r["newton_iterations"] for r in solves) / len(solves),
            "t": rows[-1]["time_s"],
            "assembly_calls": sections.get("assembly", (0, 0))[0],
            "assembly_s": sections.get("assembly", (0, 0))[1],
            "solves": sections.get("linear solve", (0, 0))[0],
            "solve_s": sections.get("linear solve", (0, 0))[1],
            "linear_iterations": sum(r["linear_iterations"] * r["newton_iterations"]
                                     for r in rows[1:]),
            "memory_mb": memory_mb}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build", "vitrum"))
    parser.add_argument("--sizes", nargs="+", default=["4:1", "4:0.5"],
                        help="lateral edge : mesh size, in nm")
    parser.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--solver", default="iterative", choices=["iterative", "direct"])
    parser.add_argument("--max-dt", type=float,
                        help="cap the time step (s): the steps stay in the cheap, short range")
    parser.add_argument("--keep", help="keep the runs in this folder")
    parser.add_argument("--csv", help="also write the figures (and the timer's assembly and "
                        "linear-solve totals, for scaling_model.py) to this CSV file")
    args = parser.parse_args()
    table = []

    print(f"{'size':>8s} {'np':>2s} {'DoFs':>9s} {'steps':>5s} {'t (s)':>8s} {'s/step':>8s} "
          f"{'DoF-steps/s':>11s} {'B/DoF':>7s} {'Newton':>6s} {'it/solve':>8s}", flush=True)
    for size in args.sizes:
        lateral, h = (float(v) for v in size.split(":"))
        for ranks in args.ranks:
            root = args.keep or tempfile.mkdtemp(prefix="laminate3d_")
            directory = os.path.join(root, f"{size.replace(':', '_')}_np{ranks}")
            os.makedirs(directory, exist_ok=True)
            result, error = run(args, lateral, h, ranks, directory)
            if result is None:
                print(f"{size:>8s} {ranks:2d} failed: {error[0][:80] if error else ''}", flush=True)
                continue
            s = summary(*result)
            table.append(dict(size=size, ranks=ranks, **s))
            print(f"{size:>8s} {ranks:2d} {s['dofs']:9d} {s['steps']:5d} {s['t']:8.3g} "
                  f"{s['seconds']:8.2f} {s['rate']:11.3g} {s['bytes']:7.0f} {s['newton']:6.1f} "
                  f"{s['iterations']:8.1f}", flush=True)
    if args.csv and table:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(table[0]))
            writer.writeheader()
            writer.writerows(table)


if __name__ == "__main__":
    sys.exit(main())
