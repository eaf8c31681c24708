#!/usr/bin/python3
"""Layer period and contrast of a growing glass film vs deposition rate,
surface diffusivity D_s and (for an O-bearing glass) the O fraction of the
flux: one command that runs vitrum (Model = deposition, 1D) for each point.

  study.py --material tests/regression/deposition/binary-AB.prm \\
           --rates 0.6,1.2,1.9 --diffusivities 4e-19,6.45e-19,1.3e-18 --out OUT
  study.py --material parameter_files/materials/ZrCuO-glass.prm \\
           --rates 0.6,1.2 --diffusivities 1e-19,1e-18 --oxygen 1,2,4,8 --out OUT
  study.py --quick --out OUT          a few short binary runs (< 60 s), a test

One-at-a-time sweeps around a base point (--base-rate, the material file's
D_s, --base-oxygen): the rate sweep keeps D_s, the D_s sweep keeps the rate,
the O sweep keeps both. Rates in nm/s, D_s in m^2/s, O in at.%, lengths in
nm. For every point the output folder holds material.prm (a copy of the
material file with Surface/Diffusivity changed, its comments kept), run.prm
and vitrum's outputs, so each number can be reproduced by hand.

Writes OUT/study.csv (one row per run: the layering of the last row of its
layers.csv, of the element with the largest contrast), OUT/theory.csv (the
linear-theory period of benchmarks/deposition/linear_theory.py along each
sweep, binary materials only, where its Hopf mode is the most unstable one)
and OUT/study.png; postprocess/plot.py OUT redraws the figure.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "postprocess"))
sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "common"))
sys.path.insert(0, HERE)
import plot_deposition  # noqa: E402
import plot_nanomolding  # noqa: E402
import prm_text  # noqa: E402

# A run with a strongest-element contrast below this has no layering worth
# the name (analyse_layers reports a spectral peak even for round-off).
LAYERED_AT_PERCENT = 1.0


def material_entries(path):
    return plot_nanomolding.read_prm_entries(path)


def flux_composition(elements, oxygen, base):
    """'El: at.%, ...' of the flux: `base` ({el: share}) scaled to 100 - O."""
    shares = {e: base.get(e, 0.0) for e in elements if e != "O"}
    total = sum(shares.values())
    rest = 100.0 - (oxygen if "O" in elements else 0.0)
    parts = {e: rest * v / total for e, v in shares.items()}
    if "O" in elements:
        parts["O"] = oxygen
    return ", ".join(f"{e}: {parts[e]:.6g}" for e in elements if parts.get(e, 0) > 0 or e == "O")


def run_point(args, name, rate, Ds, oxygen):
    """Run one point (cached: an existing finished folder is read again)."""
    directory = os.path.join(args.out, name)
    os.makedirs(directory, exist_ok=True)
    with open(args.material) as f:
        text = f.read()
    text = prm_text.set_value(text, ("Surface",), "Diffusivity", "%.6g" % Ds)
    material = os.path.join(directory, "material.prm")
    with open(material, "w") as f:
        f.write(text)
    layers = int(round(args.thickness / args.layer))
    thickness = layers * args.layer
    composition = flux_composition(args.elements, oxygen, args.base_composition)
    end = thickness / rate
    prm = os.path.join(directory, "run.prm")
    with open(prm, "w") as f:
        f.write(f"""# benchmarks/deposition/study.py point '{name}': rate {rate:g} nm/s,
# D_s {Ds:g} m^2/s, flux {composition}
set Model     = deposition
set Dimension = 1
subsection Deposition
  set Material file   = {material}
  set Layers          = {thickness:g} nm at {rate:.6g} nm/s with {composition}
  set Layer thickness = {args.layer:g} nm
end
subsection Temperature
  set Schedule = {args.temperature:g} K
end
subsection Mesh
  set Coarse cells = {layers}
  set Maximum refinement level = 0
end
subsection Time stepping
  set End time          = {end:.10g}
  set Initial time step = 1e-3
  set Error tolerance   = {args.tolerance:g}
end
subsection Output
  set Directory      = {directory}
  set Output times   = {end / 2:.10g}
  set Progress every = 0
end
""")
    start = time.time()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = ["nice", "-n", str(args.nice), args.vitrum, prm]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=SOURCE)
    wall = time.time() - start
    with open(os.path.join(directory, "vitrum.log"), "w") as f:
        f.write(result.stdout + result.stderr)
    row = {"sweep": "", "name": name, "rate_nm_per_s": rate, "D_s_m2_per_s": Ds,
           "O_at%": oxygen if "O" in args.elements else float("nan"),
           "delta_s_nm": args.delta_s, "thickness_nm": thickness, "layer_nm": args.layer,
           "element": "", "period_nm": float("nan"), "contrast_at%": float("nan"),
           "layered": 0, "wall_time_s": round(wall, 2), "status": "ok"}
    if result.returncode != 0:
        row["status"] = "failed: " + (result.stderr.strip().splitlines() or ["?"])[-1][:150]
        print(f"  {name}: vitrum failed ({row['status']})", flush=True)
        return row
    with open(os.path.join(directory, "layers.csv")) as f:
        last = list(csv.DictReader(f))[-1]
    best = max(args.elements, key=lambda e: float(last[f"contrast_{e}_at%"]))
    row.update(element=best, period_nm=float(last[f"period_{best}_nm"]),
               **{"contrast_at%": float(last[f"contrast_{best}_at%"])})
    row["layered"] = int(row["contrast_at%"] > LAYERED_AT_PERCENT)
    print(f"  {name}: v = {rate:g} nm/s, D_s = {Ds:g} m^2/s"
          + (f", O = {oxygen:g} at.%" if "O" in args.elements else "")
          + f": period {row['period_nm']:.3f} nm, contrast {row['contrast_at%']:.1f} at.% "
          f"{best} ({wall:.0f} s)", flush=True)
    return row


def theory_parameters(args):
    """linear_theory's parameter dict for a symmetric regular-solution binary
    (no Redlich-Kister overrides), or None when the theory does not apply."""
    m = material_entries(args.material)
    if len(args.elements) != 2:
        return None
    a, b = args.elements
    key = next((k for k in (f"Mixing enthalpy/{a}-{b}", f"Mixing enthalpy/{b}-{a}") if k in m), None)
    if key is None or any(k.startswith("Glass/Interaction/") for k in m):
        return None
    return dict(L0=4e3 * float(m[key]), T=args.temperature, Vm=float(m["Molar volume"]) * 1e-6,
                kappa=float(m["Gradient energy"]), Ds=args.base_Ds,
                delta_s=args.delta_s * 1e-9, v=args.base_rate * 1e-9,
                x0=args.base_composition[a] / sum(args.base_composition.values()))


def theory_rows(args, rows):
    """The linear-theory period along the rate and the D_s sweeps, where the
    most unstable mode is the oscillatory (Hopf) one."""
    p0 = theory_parameters(args)
    if p0 is None:
        return []
    import linear_theory
    out = []
    for sweep, key, unit in (("rate", "v", 1e-9), ("D_s", "Ds", 1.0)):
        xs = [r["rate_nm_per_s" if sweep == "rate" else "D_s_m2_per_s"] for r in rows
              if r["sweep"] == sweep]
        if len(xs) < 1:
            continue
        lo, hi = min(xs) / 1.5, max(xs) * 1.5
        n = 25
        for i in range(n):
            x = lo * (hi / lo) ** (i / (n - 1))
            p = dict(p0, **{key: x * unit})
            r = linear_theory.predict_period(p)
            # doc/deposition.md: the Hopf period matches the prototype within
            # 10 % for 0.2 <= P <= 0.8; below P ~ 0.2 the Hopf frequency goes to
            # 0 (lambda diverges) and the period is set nonlinearly.
            applies = r["regime"].startswith("oscillatory (Hopf)") and r["P"] >= 0.2
            out.append({"sweep": sweep, "value": x, "P": r["P"], "Delta": r["Delta"],
                        "period_theory_nm": r["period"] * 1e9 if applies else float("nan"),
                        "regime": r["regime"]})
    return out


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def number_list(text):
    return [float(x) for x in text.split(",") if x.strip()] if text else []


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--material",
                        default=os.path.join(SOURCE, "tests/regression/deposition/binary-AB.prm"))
    parser.add_argument("--rates", default="0.6,1.2,1.9", help="nm/s, comma separated")
    parser.add_argument("--diffusivities", default="",
                        help="D_s in m^2/s, comma separated (default: x0.6, x1, x2 the file's)")
    parser.add_argument("--oxygen", default="", help="O at.%% of the flux, comma separated "
                        "(materials with O only)")
    parser.add_argument("--base-rate", type=float, default=1.2, help="nm/s")
    parser.add_argument("--base-oxygen", type=float, default=2.0, help="at.%% (materials with O)")
    parser.add_argument("--composition", default="",
                        help="shares of the flux's non-O elements, 'El: n, ...' "
                        "(default: equal)")
    parser.add_argument("--thickness", type=float, default=60, help="film, nm")
    parser.add_argument("--layer", type=float, default=0.2, help="Layer thickness, nm")
    parser.add_argument("--temperature", type=float, default=300, help="K")
    parser.add_argument("--tolerance", type=float, default=1e-3, help="Error tolerance")
    parser.add_argument("--vitrum", default=os.environ.get(
        "VITRUM", os.path.join(SOURCE, "build/vitrum")))
    parser.add_argument("--nice", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="binary, 24 nm, rates 1.2,1.9, D_s x1,x2: a test (< 60 s)")
    parser.add_argument("--replot", action="store_true",
                        help="no runs: redo theory.csv and study.png from OUT/study.csv")
    parser.add_argument("--out", default="deposition_study")
    args = parser.parse_args()

    if args.quick:
        args.thickness, args.rates = 24, "1.2,1.9"
    args.material = os.path.abspath(args.material) if os.path.exists(args.material) \
        else os.path.join(SOURCE, args.material)
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    m = material_entries(args.material)
    args.elements = [e.strip() for e in m["Elements"].split(",")]
    args.base_Ds = float(m["Surface/Diffusivity"])
    args.delta_s = float(m["Surface/Layer thickness"])
    if args.composition:
        args.base_composition = {k.split(":")[0].strip(): float(k.split(":")[1])
                                 for k in args.composition.split(",")}
    else:
        args.base_composition = {e: 1.0 for e in args.elements if e != "O"}
    if "O" not in args.elements and args.oxygen:
        sys.exit(f"--oxygen: {args.material} has no O")
    rates = number_list(args.rates)
    Ds_list = number_list(args.diffusivities) or [round(args.base_Ds * f, 21) for f in
                                                  ((1, 2) if args.quick else (0.6, 1, 2))]
    oxygen = number_list(args.oxygen)
    base_O = args.base_oxygen if "O" in args.elements else 0.0

    if args.replot:
        rows = plot_deposition.read_rows(os.path.join(args.out, "study.csv"))
        theory = theory_rows(args, rows)
        if theory:
            write_csv(os.path.join(args.out, "theory.csv"), theory)
        print(plot_deposition.plot_study(args.out))
        return
    points = {}   # (rate, Ds, O) -> row; a point on several sweeps runs once
    plan = [("rate", (r, args.base_Ds, base_O)) for r in rates]
    plan += [("D_s", (args.base_rate, d, base_O)) for d in Ds_list]
    plan += [("O", (args.base_rate, args.base_Ds, o)) for o in oxygen]
    rows = []
    print(f"{len(set(p for _, p in plan))} runs of {args.material} into {args.out}", flush=True)
    for sweep, (rate, Ds, O) in plan:
        if (rate, Ds, O) not in points:
            name = f"v{rate:g}_Ds{Ds:g}" + (f"_O{O:g}" if "O" in args.elements else "")
            points[(rate, Ds, O)] = run_point(args, name, rate, Ds, O)
        rows.append(dict(points[(rate, Ds, O)], sweep=sweep))
    write_csv(os.path.join(args.out, "study.csv"), rows)
    theory = theory_rows(args, rows)
    if theory:
        write_csv(os.path.join(args.out, "theory.csv"), theory)
    png = plot_deposition.plot_study(args.out)
    print(f"{args.out}/study.csv" + (f", {args.out}/theory.csv" if theory else "") + f", {png}")


if __name__ == "__main__":
    main()
