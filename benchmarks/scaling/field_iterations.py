#!/usr/bin/python3
"""Linear iterations per Newton update of the crystallization field's step
(Allen-Cahn) with the default solver (Jacobi-preconditioned GMRES to 1e-6)
and with Solver/Linear solver = iterative (GMRES with one BoomerAMG V-cycle,
to the Linear tolerance), under mesh refinement at a fixed time step.

Case: tests/regression/crystallization_field/single_crystal.prm (one crystal,
curvature-free growth, Q1, 100 x 100 nm, l = 1 nm, dt = 0.2 s from the
Courant number) on a uniform mesh (the refinement level of the 25 x 25 coarse
mesh as both minimum and maximum, no adaptation), to t = --end (the nucleus
is placed at t = 4 s; earlier steps have nothing to solve and are left out).
Usage:
  benchmarks/scaling/field_iterations.py --vitrum build/vitrum
      [--levels 2 3 4] [--ranks 2] [--end 6] [--tolerances 1e-10 1e-6]
Prints one row per level and rank count: DoFs, mean and largest iterations per
solve and seconds per step (steps with a crystal) for Jacobi and for AMG at
each tolerance, and the largest relative difference in the crystal fraction
from the Jacobi run.
"""
import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
BASE = "tests/regression/crystallization_field/single_crystal.prm"
sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "common"))
from vitrum_run import run_with_overrides  # noqa: E402


def run_case(args, level, ranks, solver, tolerance, directory):
    overrides = f"""
subsection Mesh
  set Minimum refinement level = {level}
  set Maximum refinement level = {level}
  set Adapt every = 0
end
subsection Time stepping
  set End time = {args.end}
end
subsection Solver
  set Linear solver = {solver}
  set Linear tolerance = {tolerance}
end
subsection Output
  set Directory = {directory}/out
  set Progress every = 0
end
"""
    rows, error = run_with_overrides(args.vitrum, os.path.join(SOURCE, BASE), overrides,
                                     directory, ranks)
    if error:
        sys.exit(error)
    return rows


def summary(rows):
    solved = [(r0, r1) for r0, r1 in zip(rows, rows[1:]) if r1["linear_iterations_per_solve"] > 0]
    counts = [r1["linear_iterations_per_solve"] for _, r1 in solved]
    seconds = sum(r1["wall_time_s"] - r0["wall_time_s"] for r0, r1 in solved) / len(solved)
    newton = (solved[-1][1]["newton_iterations"] - solved[0][0]["newton_iterations"]) / len(solved)
    return {"dofs": int(rows[-1]["dofs"]), "mean": sum(counts) / len(counts), "max": max(counts),
            "seconds": seconds, "newton": newton, "X": [r["crystal_fraction"] for r in rows],
            "steps": len(solved)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build", "vitrum"))
    parser.add_argument("--levels", nargs="+", type=int, default=[2, 3, 4])
    parser.add_argument("--ranks", nargs="+", type=int, default=[2])
    parser.add_argument("--end", type=float, default=6)
    parser.add_argument("--tolerances", nargs="+", type=float, default=[1e-10, 1e-6])
    args = parser.parse_args()
    print("lvl     h     DoFs np steps Newton | Jacobi it/solve (max) s/step | "
          + " | ".join(f"AMG {t:g} it/solve (max) s/step dX/X" for t in args.tolerances))
    for level in args.levels:
        for ranks in args.ranks:
            with tempfile.TemporaryDirectory(prefix="solv_field_") as tmp:
                runs = []
                for solver, tolerance in [("direct", 1e-10)] + [("iterative", t)
                                                                for t in args.tolerances]:
                    d = os.path.join(tmp, f"{solver}-{tolerance:g}")
                    os.makedirs(d)
                    runs.append(summary(run_case(args, level, ranks, solver, tolerance, d)))
            jacobi = runs[0]
            line = (f"{level:3d} {4 / 2**level:5.3f} {jacobi['dofs']:8d} {ranks:2d} "
                    f"{jacobi['steps']:5d} {jacobi['newton']:6.2f} | {jacobi['mean']:8.1f} "
                    f"({jacobi['max']:4.1f}) {jacobi['seconds']:7.3f}")
            for amg in runs[1:]:
                dX = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(amg["X"], jacobi["X"]))
                line += (f" | {amg['mean']:8.1f} ({amg['max']:4.1f}) {amg['seconds']:7.3f} "
                         f"{dX:7.1e}")
            print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
