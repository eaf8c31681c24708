#!/usr/bin/python3
"""Regression checks of Model = deposition, run by ctest.

Each check runs vitrum on the check case of doc/deposition.md (a binary
glass with a miscibility gap, tests/regression/deposition/) or a variant of
it and tests a property of the model: the period of the layers against the
linear stability analysis of the growing film, exact bookkeeping of what was
deposited, no layering without a cause, independence of the number of MPI
ranks, exact restarts, clear errors. Usage:
    deposition_checks.py CHECK --vitrum build/vitrum --source <repo>
"""
import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

from vitrum_checks import mpirun

ARGS = None
CHECKS = {}


def check(function):
    CHECKS[function.__name__.replace("check_", "deposition-").replace("_", "-")] = function
    return function


def run(n_ranks, *args, expect_success=True):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    cmd = (mpirun(n_ranks) if n_ranks > 1 else []) + [ARGS.vitrum, *args]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ARGS.source)
    if expect_success and result.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)} exited {result.returncode}\n"
                 f"{result.stdout}\n{result.stderr}")
    return result


def material(tmp, name="binary-AB.prm", **replace):
    """A copy of the check case's material file with entries replaced:
    material(tmp, **{"A-B": "-3"}) sets 'set A-B = -3'."""
    with open(os.path.join(ARGS.source, "tests/regression/deposition", name)) as f:
        text = f.read()
    for entry, value in replace.items():
        text, count = re.subn(rf"(set {re.escape(entry)}\s*=)[^#\n]*", rf"\g<1> {value} ", text)
        assert count == 1, entry
    path = os.path.join(tmp, "material-" + "-".join(sorted(replace)).replace(" ", "") + ".prm")
    with open(path, "w") as f:
        f.write(text)
    return path


def film_case(tmp, name, thickness=20.0, layer=0.1, rate=1.2, material_file=None,
              dim=1, width=4.0, lateral_cells=16, extra=""):
    """A parameter file of the check case: `thickness` nm at `rate` nm/s."""
    layers = round(thickness / layer)
    out = os.path.join(tmp, name)
    mesh = (f"  set Coarse cells = {layers}\n" if dim == 1 else
            f"  set Domain size = {width}, {thickness}\n"
            f"  set Coarse cells = {lateral_cells}, {layers}\n")
    text = f"""set Model = deposition
set Dimension = {dim}
subsection Deposition
  set Material file   = {material_file or 'tests/regression/deposition/binary-AB.prm'}
  set Layers          = {thickness} nm at {rate} nm/s with A: 50, B: 50
  set Layer thickness = {layer} nm
end
subsection Temperature
  set Schedule = 300 K
end
subsection Mesh
{mesh}  set Maximum refinement level = 0
end
subsection Time stepping
  set End time          = {thickness / rate!r}
  set Initial time step = 1e-3
  set Error tolerance   = 1e-3
end
subsection Output
  set Directory    = {out}
  set Output times = {thickness / rate / 2!r}
end
{extra}
"""
    path = os.path.join(tmp, name + ".prm")
    with open(path, "w") as f:
        f.write(text)
    return path, out


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def last_layers(out):
    return rows(os.path.join(out, "layers.csv"))[-1]


def largest_mass_error(out):
    return max(float(r["mass_balance_error_fraction"])
               for r in rows(os.path.join(out, "time_series.csv")))


def predicted_period_nm(material_file, rate):
    """The linear stability analysis (benchmarks/deposition/linear_theory.py)
    for the numbers of the material file: nothing copied by hand."""
    sys.path.insert(0, os.path.join(ARGS.source, "benchmarks", "deposition"))
    import linear_theory
    with open(material_file) as f:
        text = f.read()

    def number(entry):
        return float(re.search(rf"set {re.escape(entry)}\s*=\s*([-+0-9.eE]+)", text).group(1))
    energies = dict(re.findall(r"(\w+):\s*([-+0-9.eE]+)", re.search(r"set Energy\s*=([^#\n]*)", text).group(1)))
    p = dict(L0=4e3 * number("A-B"), T=300.0, Vm=number("Molar volume") * 1e-6,
             kappa=number("Gradient energy"), x0=0.5, Ds=number("Diffusivity"),
             delta_s=number("Layer thickness") * 1e-9, v=rate * 1e-9,
             dgamma=float(energies["A"]) - float(energies["B"]))
    result = linear_theory.predict_period(p)
    print(f"linear theory: P = {result['P']:.3f}, Delta = {result['Delta']:.2f}, "
          f"period {result['period'] * 1e9:.4f} nm ({result['regime']})")
    assert "linear period applies" in result["regime"], result["regime"]
    return result["period"] * 1e9


@check
def check_period(tmp):
    """60 nm of the check case at 1.2 nm/s: the layers' period within 5 % of
    the linear stability analysis of the growing film (P = 0.5, Delta = 7.9:
    the regime where it applies), nearly pure layers, and every element's
    amount in the film equal to what arrived to 1e-10 at every step."""
    prm, out = film_case(tmp, "period", thickness=60.0)
    print(run(1, prm).stdout.split("Finished")[-1][:600])
    layering = last_layers(out)
    period = float(layering["period_A_nm"])
    predicted = predicted_period_nm(os.path.join(ARGS.source, "tests/regression/deposition/binary-AB.prm"), 1.2)
    print(f"simulated period {period:.4f} nm, predicted {predicted:.4f} nm: "
          f"{100 * (period / predicted - 1):+.2f} %; contrast {float(layering['contrast_A_at%']):.1f} at.%")
    assert abs(period / predicted - 1) < 0.05
    assert float(layering["contrast_A_at%"]) > 50
    error = largest_mass_error(out)
    print(f"largest mass balance error {error:.2e}")
    assert error < 1e-10


@check
def check_controls(tmp):
    """No layering without a cause: (a) a convex free energy (dH_mix = -3
    kJ/mol) with the surface preference: the film below the surface layer
    keeps the deposited composition (to 0.05 at.%); (b) the miscibility gap
    without a surface preference and without noise: the film stays uniform
    (contrast below 1e-6 at.%)."""
    convex = material(tmp, **{"A-B": "-3"})
    prm, out = film_case(tmp, "convex", material_file=convex)
    run(1, prm)
    profile = rows(os.path.join(out, "profile.csv"))
    frozen = [float(r["A_at%"]) - 50 for r in profile if float(r["z_nm"]) <= 20 - 2 * 3]
    surface = float(profile[-1]["A_at%"])
    upper = max(abs(d) for d, r in zip(frozen, profile) if float(r["z_nm"]) >= 8)
    print(f"convex: surface {surface:.2f} at.% A; the frozen film approaches 50 at.% "
          f"from {frozen[0]:+.3f} at.% without a sign change, within {upper:.1e} above 8 nm")
    assert surface > 50.5, "the surface preference should enrich A at the surface"
    # The start depletes A to build the surface excess; then the film takes
    # the deposited composition: one-signed, decaying, no layers.
    assert all(d < 0 for d in frozen), "the deviation changes sign: layers"
    # (Ripples of the time integration, below 1e-3 at.%, are allowed.)
    assert all(abs(b) <= abs(a) + 1e-3 for a, b in zip(frozen, frozen[1:])), "not monotonic"
    assert upper < 0.02
    flat = material(tmp, Energy="A: 1.0, B: 1.0")
    prm, out = film_case(tmp, "no-preference", material_file=flat)
    run(1, prm)
    values = [float(r["A_at%"]) for r in rows(os.path.join(out, "profile.csv"))]
    spread = max(values) - min(values)
    print(f"miscibility gap, no surface preference: profile spread {spread:.2e} at.%")
    assert spread < 1e-6


@check
def check_ranks(tmp):
    """1 and 2 MPI ranks deposit the same film: 1D (a shared mesh) and 2D
    with composition noise (p4est, the layers cross the partition), every
    column of time_series.csv and the final profiles to 1e-8."""
    for dim, extra in ((1, ""), (2, "subsection Deposition\n  set Composition noise = 1\nend\n")):
        results = []
        for n in (1, 2):
            prm, out = film_case(tmp, f"d{dim}-n{n}", thickness=8.0 if dim == 2 else 12.0,
                                 layer=0.25 if dim == 2 else 0.1, dim=dim, extra=extra)
            run(n, prm)
            results.append(out)
        worst = 0.0
        for name in ("time_series.csv", "profile.csv"):
            a, b = (rows(os.path.join(o, name)) for o in results)
            assert len(a) == len(b), f"{name}: {len(a)} vs {len(b)} rows"
            for x, y in zip(a, b):
                for key in x:
                    if key in ("wall_time_s", "linear_iterations", "factorizations"):
                        continue
                    if key == "mass_balance_error_fraction":  # round-off itself
                        assert abs(float(x[key]) - float(y[key])) < 1e-12
                        continue
                    u, v = float(x[key]), float(y[key])
                    worst = max(worst, abs(u - v) / max(abs(u), abs(v), 1e-300) if u != v else 0)
        print(f"{dim}D: largest relative difference 1 vs 2 ranks {worst:.2e}; "
              f"mass balance {largest_mass_error(results[1]):.1e}")
        assert worst < 1e-8
        assert largest_mass_error(results[1]) < 1e-10


@check
def check_restart(tmp):
    """A run stopped after n steps and resumed from its checkpoint equals the
    uninterrupted run (2 ranks, 1D): time series and final profile to 1e-12."""
    n = 150
    prm_full, out_full = film_case(tmp, "full", thickness=12.0)
    run(2, prm_full)
    prm_split, out_split = film_case(tmp, "split", thickness=12.0,
                                     extra=f"subsection Time stepping\n  set Maximum number of steps = {n}\nend\n")
    run(2, prm_split)
    with open(prm_split) as f:
        text = f.read().replace(f"set Maximum number of steps = {n}", "set Maximum number of steps = 0")
    with open(prm_split, "w") as f:
        f.write(text)
    print(run(2, "--resume", prm_split).stdout.split("Finished")[-1][:300])
    worst = 0.0
    for name in ("time_series.csv", "profile.csv"):
        a, b = rows(os.path.join(out_full, name)), rows(os.path.join(out_split, name))
        assert len(a) == len(b), f"{name}: {len(a)} vs {len(b)} rows"
        for x, y in zip(a, b):
            for key in x:
                if key in ("wall_time_s",):
                    continue
                if key == "mass_balance_error_fraction":
                    assert abs(float(x[key]) - float(y[key])) < 1e-12
                    continue
                u, v = float(x[key]), float(y[key])
                worst = max(worst, abs(u - v) / max(abs(u), abs(v), 1e-300) if u != v else 0)
    print(f"largest relative difference, uninterrupted vs {n} + resume: {worst:.2e}")
    assert worst <= 1e-12


@check
def check_bad_input(tmp):
    """Bad deposition input ends with one message naming the entry."""
    cases = [
        ("subsection Deposition\n  set Layers = 20 nm at fast with A: 50, B: 50\nend\n",
         ["Deposition/Layers", "growth rate"]),
        ("subsection Deposition\n  set Layers = 20.05 nm at 1.2 nm/s with A: 50, B: 50\nend\n",
         ["Deposition/Layers", "whole number"]),
        ("subsection Deposition\n  set Layers = 20 nm at 1.2 nm/s with A: 50, C: 50\nend\n",
         ["Deposition/Layers", "'C'"]),
        ("subsection Deposition\n  set Material file = {no_surface}\nend\n",
         ["Surface", "deposition model needs"]),
        ("subsection Mesh\n  set Maximum refinement level = 2\nend\n",
         ["Maximum refinement level", "deposition"]),
    ]
    with open(os.path.join(ARGS.source, "tests/regression/deposition/binary-AB.prm")) as f:
        text = f.read()
    no_surface = os.path.join(tmp, "no-surface.prm")
    with open(no_surface, "w") as f:
        f.write(text[:text.index("subsection Surface")])
    for k, (extra, words) in enumerate(cases):
        prm, _ = film_case(tmp, f"bad{k}", extra=extra.replace("{no_surface}", no_surface))
        result = run(2, prm, expect_success=False)
        text = (result.stderr + result.stdout).strip()
        print(text.splitlines()[-1][:240] if text else "(no output)")
        assert result.returncode != 0
        for w in words:
            assert w in text, f"'{w}' not in: {text[:400]}"
        assert len(text.splitlines()) <= 15, text


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("check", choices=CHECKS)
    parser.add_argument("--vitrum", required=True)
    parser.add_argument("--source", required=True)
    ARGS = parser.parse_args()
    ARGS.vitrum = os.path.abspath(ARGS.vitrum)
    tmp = tempfile.mkdtemp(prefix=f"vitrum_{ARGS.check}_")
    try:
        CHECKS[ARGS.check](tmp)
    except AssertionError as e:
        sys.exit(f"FAILED: {e}")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{ARGS.check}: passed")


if __name__ == "__main__":
    main()
