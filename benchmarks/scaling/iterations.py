#!/usr/bin/python3
"""Linear iterations per Newton update of the iterative solvers (Solver/Linear
solver = iterative: Cahn-Hilliard's block preconditioner, the partitioning
model's Schur split) under mesh refinement, time step and number of ranks,
with wall times against the direct solver.

Each run takes a few steps of a fixed size (minimum = maximum = initial
time step, error control off) on a uniform mesh (the refinement level of
the case's coarse mesh set as both minimum and maximum, no adaptation), so
that h and dt are exactly those of the table row. Cases:
  spinodal  tests/regression/spinodal_small.prm (Q1, 100 x 100, dt 0.05)
  pfhub1a   parameter_files/benchmarks/pfhub1a.prm (Q2, periodic 200 x 200,
            BDF3, linearly implicit, dt 1)
  laminate  tests/regression/partitioning/laminate_small.prm (7 elements,
            2D 6 x 30 nm, h 1 nm on the coarse mesh, Newton, dt 10 s). The
            as-deposited interfaces are too sharp for a long first step: the
            run starts at 1e-3 s and its steps grow (error control off) to
            the row's dt; the table counts the steps at that dt.
Usage:
  benchmarks/scaling/iterations.py --vitrum build/vitrum [--cases spinodal pfhub1a]
      [--levels 0 1 2] [--dt-factors 0.1 1 10] [--ranks 1 2] [--steps 4]
Prints one row per run: case, level, h, DoFs, dt, ranks, mean and largest
FGMRES iterations per solve, Newton iterations, seconds per step (iterative
and, with --direct, the direct solver's) and the largest relative difference
in F between the two.
"""
import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "common"))
from vitrum_run import run_with_overrides  # noqa: E402

# Cases whose steps grow to the row's dt instead of starting at it.
RAMPED = {"laminate"}

CASES = {
    # name: (file, coarse h, dt)
    "spinodal": ("tests/regression/spinodal_small.prm", 4.0, 0.05),
    "pfhub1a": ("parameter_files/benchmarks/pfhub1a.prm", 4.0, 1.0),
    "laminate": ("tests/regression/partitioning/laminate_small.prm", 1.0, 10.0),
}


def run_case(args, case, level, dt, ranks, solver, directory):
    base, _, _ = CASES[case]
    first, smallest, steps = dt, dt, args.steps
    if case in RAMPED:
        first, smallest, steps = 1e-3, 1e-6, args.steps + 40
    overrides = f"""
subsection Mesh
  set Minimum refinement level = {level}
  set Maximum refinement level = {level}
  set Adapt every = 0
  set Initial adaptation cycles = 0
end
subsection Time stepping
  set End time = 1e9
  set Initial time step = {first}
  set Minimum time step = {smallest}
  set Maximum time step = {dt}
  set Error tolerance = 1e3
  set Maximum number of steps = {steps}
end
subsection Solver
  set Linear solver = {solver}
end
subsection Output
  set Directory = {directory}/out
  set Output times =
  set Progress every = 0
end
subsection Checkpointing
  set Every = 0
end
"""
    rows, error = run_with_overrides(args.vitrum, os.path.join(SOURCE, base), overrides,
                                     directory, ranks)
    if error:
        return None, error.strip().splitlines()[-1:] or ["failed"]
    return rows, None


def summary(rows, case, dt, n_steps):
    steps = rows[1:]
    if case in RAMPED:
        steps = [r for r in steps if abs(r["dt_s"] - dt) <= 1e-9 * dt][-n_steps:]
        if not steps:
            raise RuntimeError(f"the steps did not reach dt = {dt}")
    seconds = (steps[-1]["wall_time_s"] - steps[0]["wall_time_s"]) / max(len(steps) - 1, 1)
    counts = [r["linear_iterations"] for r in steps]
    return {"dofs": int(steps[-1]["dofs"]), "mean": sum(counts) / len(counts),
            "max": max(counts), "newton": sum(r["newton_iterations"] for r in steps) / len(steps),
            "seconds": seconds, "F": [r.get("free_energy_nondim", r.get("free_energy_J_per_mol"))
                                      for r in rows]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build", "vitrum"))
    parser.add_argument("--cases", nargs="+", default=list(CASES))
    parser.add_argument("--levels", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--dt-factors", nargs="+", type=float, default=[0.1, 1, 10])
    parser.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--direct", action="store_true",
                        help="also run the direct solver (times, F difference)")
    args = parser.parse_args()

    print(f"{'case':9s} {'lvl':>3s} {'h':>5s} {'DoFs':>8s} {'dt':>7s} {'np':>2s} "
          f"{'it/solve':>8s} {'max':>4s} {'Newton':>6s} {'s/step':>7s} {'LU s/step':>9s} "
          f"{'dF/F':>8s}")
    for case in args.cases:
        _, h0, dt0 = CASES[case]
        for level in args.levels:
            for factor in args.dt_factors:
                for ranks in args.ranks:
                    dt = dt0 * factor
                    with tempfile.TemporaryDirectory(prefix="solv_it_") as tmp:
                        os.makedirs(os.path.join(tmp, "iterative"))
                        rows, error = run_case(args, case, level, dt, ranks, "iterative",
                                               os.path.join(tmp, "iterative"))
                        if rows is None:
                            print(f"{case:9s} {level:3d} {h0 / 2**level:5.2f} {'':>8s} {dt:7.3g} "
                                  f"{ranks:2d} failed: {error[0][:60]}")
                            continue
                        it = summary(rows, case, dt, args.steps)
                        direct_seconds, difference = float("nan"), float("nan")
                        if args.direct:
                            os.makedirs(os.path.join(tmp, "direct"))
                            lu_rows, _ = run_case(args, case, level, dt, ranks, "direct",
                                                  os.path.join(tmp, "direct"))
                            if lu_rows:
                                lu = summary(lu_rows, case, dt, args.steps)
                                direct_seconds = lu["seconds"]
                                difference = max(abs(a - b) / abs(b)
                                                 for a, b in zip(it["F"], lu["F"]))
                    print(f"{case:9s} {level:3d} {h0 / 2**level:5.2f} {it['dofs']:8d} {dt:7.3g} "
                          f"{ranks:2d} {it['mean']:8.1f} {it['max']:4.0f} {it['newton']:6.1f} "
                          f"{it['seconds']:7.3f} {direct_seconds:9.3f} {difference:8.1e}",
                          flush=True)


if __name__ == "__main__":
    sys.exit(main())
