#!/usr/bin/python3
"""FGMRES iterations of the Stokes solver (fem::StokesSolver: Taylor-Hood
Q2/Q1, FGMRES with the block triangular preconditioner, one AMG V-cycle on
the velocity block and the 1/eta-weighted pressure mass matrix for the Schur
complement) under uniform mesh refinement (h halved from one level to the
next) and number of ranks.

Cases (Model = nanomolding):
  mms-axi     Study = mms, Dimension 2, Geometry axisymmetric: the
              manufactured solution on the unit square refined `level` times
              (h = 2^-level), viscosity 1 (Newtonian, one linear solve);
              base parameter_files/nanomolding/stokes_mms.prm
  mms-planar  the same, planar
  mms-3d      the same on the unit cube (Dimension 3)
  pore        Study = stokes on meshes/pore_axisymmetric.msh (one 60 nm pore
              filled 4 d under its feedstock cell, (r, z)) refined `level`
              times, Ni45Pd35P16B4 at 297 C under 1.25 GPa, Newtonian viscosity
  pore-thin   the same with Shear thinning = true (Eyring viscosity; two
              Picard iterations, then Newton): one linear solve per
              nonlinear iteration
  pore-3d     Study = stokes on meshes/pore_array_3d.msh (2 x 2 pores),
              parameter_files/nanomolding/pore_array_3d.prm, Newtonian
Every case uses the same relative FGMRES residual (--tolerance).
Usage:
  benchmarks/scaling/stokes_iterations.py --vitrum build/vitrum
      [--cases mms-axi mms-planar pore pore-thin] [--levels 3 4 5 6]
      [--levels-3d 1 2 3] [--levels-pore 0 1 2 3] [--ranks 1 2]
      [--tolerance 1e-10]
Prints a markdown table, one row per case, level and rank count: DoFs, mean
and largest FGMRES iterations per linear solve, nonlinear iterations (1 for
a Newtonian case), seconds of the whole Stokes solve and seconds per linear
solve. The mms times are those of the solve (setup, assembly, solves); the
stokes ones include reading and refining the mesh.
"""
import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "common"))
from vitrum_run import run_with_overrides  # noqa: E402

MMS = "parameter_files/nanomolding/stokes_mms.prm"
PORE = "parameter_files/nanomolding/pore_array_3d.prm"
CASES = {
    # name: (base file, overrides of the global entries, of Nanomolding)
    "mms-axi": (MMS, "set Dimension = 2\n", {"Geometry": "axisymmetric"}),
    "mms-planar": (MMS, "set Dimension = 2\n", {"Geometry": "planar"}),
    "mms-3d": (MMS, "set Dimension = 3\n", {}),
    "pore": (PORE, "set Dimension = 2\n",
             {"Geometry": "axisymmetric", "Mesh file": "meshes/pore_axisymmetric.msh"}),
    "pore-thin": (PORE, "set Dimension = 2\n",
                  {"Geometry": "axisymmetric", "Mesh file": "meshes/pore_axisymmetric.msh",
                   "Shear thinning": "true", "Nonlinear solver": "Newton"}),
    "pore-3d": (PORE, "set Dimension = 3\n", {}),
}


def overrides(globals_, entries, directory):
    return (globals_ + "subsection Nanomolding\n"
            + "".join(f"  set {k} = {v}\n" for k, v in entries.items())
            + f"end\nsubsection Output\n  set Directory = {directory}/out\nend\n")


def run_mms(args, case, levels, ranks, directory):
    """One run over all levels: {level: row}."""
    base, globals_, entries = CASES[case]
    entries = dict(entries, **{"Coarsest level": min(levels), "Finest level": max(levels),
                               "Linear tolerance": args.tolerance})
    rows, error = run_with_overrides(args.vitrum, os.path.join(SOURCE, base),
                                     overrides(globals_, entries, directory), directory, ranks,
                                     table="mms_convergence.csv")
    if error:
        return None, error
    result = {}
    for r in rows:
        if int(r["level"]) in levels:
            result[int(r["level"])] = {
                "dofs": int(r["dofs"]), "mean": r["iterations"], "max": r["iterations"],
                "nonlinear": 1, "seconds": r["wall_time_s"], "per_solve": r["wall_time_s"]}
    return result, None


def run_stokes(args, case, level, ranks, directory):
    base, globals_, entries = CASES[case]
    entries = dict(entries, **{"Mesh refinements": level, "Linear tolerance": args.tolerance})
    rows, error = run_with_overrides(args.vitrum, os.path.join(SOURCE, base),
                                     overrides(globals_, entries, directory), directory, ranks,
                                     table="stokes_run.csv")
    if error:
        return None, error
    r = rows[-1]
    n = r["nonlinear_iterations"]
    return {"dofs": int(r["dofs"]), "mean": r["linear_iterations"] / n,
            "max": r["max_linear_iterations"], "nonlinear": n, "seconds": r["wall_time_s"],
            "per_solve": r["wall_time_s"] / n}, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build", "vitrum"))
    parser.add_argument("--cases", nargs="+", choices=list(CASES),
                        default=["mms-axi", "mms-planar", "pore", "pore-thin"])
    parser.add_argument("--levels", nargs="+", type=int, default=[3, 4, 5, 6],
                        help="refinements of the unit square (2D mms)")
    parser.add_argument("--levels-3d", nargs="+", type=int, default=[1, 2, 3],
                        help="refinements of the unit cube (mms-3d)")
    parser.add_argument("--levels-pore", nargs="+", type=int, default=[0, 1, 2, 3],
                        help="refinements of the Gmsh mesh (pore, pore-thin, pore-3d)")
    parser.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--tolerance", type=float, default=1e-10,
                        help="relative FGMRES residual (Nanomolding/Linear tolerance)")
    args = parser.parse_args()

    print("| case | level | h | DoFs | ranks | FGMRES it/solve | max | nonlinear it | "
          "s/Stokes solve | s/linear solve |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for case in args.cases:
        levels = (args.levels_3d if case == "mms-3d" else
                  args.levels_pore if case.startswith("pore") else args.levels)
        h = (lambda lv: f"1/{2**lv}") if case.startswith("mms") else (
            lambda lv: f"h0/{2**(lv - min(levels))}" if lv > min(levels) else "h0")
        for ranks in args.ranks:
            results = {}
            with tempfile.TemporaryDirectory(prefix="stokes_it_") as tmp:
                if case.startswith("mms"):
                    results, error = run_mms(args, case, levels, ranks, tmp)
                    if error:
                        print(f"| {case} | | | | {ranks} | failed: "
                              f"{error.strip().splitlines()[-1][:80]} |", flush=True)
                        continue
                else:
                    for level in levels:
                        d = os.path.join(tmp, str(level))
                        os.makedirs(d)
                        results[level], error = run_stokes(args, case, level, ranks, d)
                        if error:
                            print(f"| {case} | {level} | | | {ranks} | failed: "
                                  f"{error.strip().splitlines()[-1][:80]} |", flush=True)
                            results.pop(level)
                            break
            for level in sorted(results):
                r = results[level]
                print(f"| {case} | {level} | {h(level)} | {r['dofs']} | {ranks} | "
                      f"{r['mean']:.1f} | {r['max']:.0f} | {r['nonlinear']:.0f} | "
                      f"{r['seconds']:.3f} | {r['per_solve']:.3f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
