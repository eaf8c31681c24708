#!/usr/bin/python3
"""Fit the assessed laminate description to the 623 K / 1 h anneal.

Data (the only numbers used; shared data seeds_reference.yaml): after 1 h
at 623 K the glass holds Ni 37 +- 3 and Co 18 +- 3 at.% and the crystal is
17.0 +- 0.5 nm (18 nm as deposited); read here as layer means.

Fitted, because no measurement fixes them:
  * the crystal/glass interface mobility prefactor m0 (no measured value,
    sources 5.4), which sets how far the interface moves;
  * the glass tracer D0 of Ni and Co (one number for both, at the file's
    Q = 210 kJ/mol), inside the sources' range 1.25e-4 .. 8.3e-3 m^2/s
    (D(623 K) 3e-22 .. 2e-20 m^2/s, sources 5.3): at its central value the
    glass Ni ends 6 at.% above the datum, Co 4 at.% below.
Everything else stays at the material file's sourced or estimated value.

Method: the 1D bilayer of predict.py (same mesh) on a grid over both
parameters (log-spaced, the D0 grid spanning the sources' range), a cubic
spline of each predicted number over the grid, then
  * the best fit: least chi^2 = sum ((model - datum) / tolerance)^2;
  * the band of each parameter from the data's tolerance: its range over
    the region where all three numbers are within their +- (the band the
    ensemble of predict.py samples), and the linearized 1-sigma with the
    +- taken as standard deviations, (J^T W J)^-1 at the best fit.
The best fit is then run and printed.

  fit_assessed.py                  grid, fit, bands (about 5 min on 2 cores)
  fit_assessed.py --write          also write the fitted values and bands into
                                   the material file and uncertain_inputs_assessed.csv
"""
import argparse
import math
import os
import sys

import numpy as np
from scipy.interpolate import RectBivariateSpline

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import predict  # noqa: E402

DATA = {"glass_Ni": (37.0, 3.0), "glass_Co": (18.0, 3.0), "crystal_nm": (17.0, 0.5)}
# name in uncertain_inputs_assessed.csv, section, entries, grid (low, high, points)
PARAMETERS = [
    ("glass D0 Ni+Co", ("Glass", "Diffusion"), ("Ni", "Co"), (5e-4, 8.3e-3, 7)),
    ("interface mobility m0", ("Interface",), ("Mobility prefactor",), (2e-4, 3e-3, 7)),
]
# Where a refit (predict.py --refit) may move them: the sources' range of
# the glass D0 (section 5.3); m0 has none.
BOUNDS = {"glass D0 Ni+Co": (1.25e-4, 8.3e-3), "interface mobility m0": (1e-6, 1e-1)}
CSV = os.path.join(HERE, "uncertain_inputs_assessed.csv")
MATERIAL = os.path.join(predict.MATERIALS, predict.DESCRIPTIONS["assessed"]["thermo"])


def with_parameters(texts, values):
    out = dict(texts)
    for (_, path, entries, _), v in zip(PARAMETERS, values):
        for entry in entries:
            out["thermo"] = predict.prm_text.set_field(out["thermo"], path, entry, 0, v)
    return out


def evaluate(vitrum, texts, points, workers):
    jobs = [((("grid%d" % i), 623.0, "1h"), with_parameters(texts, p), 623.0, "1h", False)
            for i, p in enumerate(points)]
    results = predict.run_many(vitrum, jobs, workers)
    return [results[(("grid%d" % i), 623.0, "1h")] for i in range(len(points))]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vitrum", default=os.path.join(predict.SOURCE, "build", "vitrum"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    predict.FILES.clear()
    predict.FILES.update(predict.DESCRIPTIONS["assessed"])
    texts = predict.material_texts()
    axes = [np.geomspace(lo, hi, n) for _, _, _, (lo, hi, n) in PARAMETERS]
    points = [(a, b) for a in axes[0] for b in axes[1]]
    print("%d grid runs of the 623 K / 1 h bilayer" % len(points), flush=True)
    results = evaluate(args.vitrum, texts, points, args.workers)
    if any(r is None for r in results):
        sys.exit("a grid run failed")
    logs = [np.log10(a) for a in axes]
    splines = {}
    for q in DATA:
        grid = np.array([r[q] for r in results]).reshape(len(axes[0]), len(axes[1]))
        splines[q] = RectBivariateSpline(logs[0], logs[1], grid)
        print("\n%s on the grid (rows: %s, columns: %s)" % (q, PARAMETERS[0][0], PARAMETERS[1][0]))
        print("          " + " ".join("%8.2e" % b for b in axes[1]))
        for a, row in zip(axes[0], grid):
            print("%8.2e  " % a + " ".join("%8.2f" % v for v in row))

    fine = [np.linspace(l[0], l[-1], 301) for l in logs]
    A, B = np.meshgrid(fine[0], fine[1], indexing="ij")
    model = {q: s.ev(A.ravel(), B.ravel()).reshape(A.shape) for q, s in splines.items()}
    chi2 = sum(((model[q] - d) / e) ** 2 for q, (d, e) in DATA.items())
    i, j = np.unravel_index(np.argmin(chi2), chi2.shape)
    best = (10 ** fine[0][i], 10 ** fine[1][j])
    inside = np.all([np.abs(model[q] - d) <= e for q, (d, e) in DATA.items()], axis=0)
    print("\nbest fit: %s = %.3g, %s = %.3g (chi^2 %.2f for 3 data, 2 parameters)"
          % (PARAMETERS[0][0], best[0], PARAMETERS[1][0], best[1], chi2[i, j]))
    for q, (d, e) in DATA.items():
        print("  %-11s %6.2f  (datum %g +- %g)" % (q, model[q][i, j], d, e))
    bands = []
    for k, (name, _, _, _) in enumerate(PARAMETERS):
        values = (A if k == 0 else B)[inside]
        if values.size == 0:
            sys.exit("no point of the grid meets all three data within their tolerance")
        lo, hi = 10 ** values.min(), 10 ** values.max()
        edge = " (the grid's edge)" if (values.min() <= fine[k][0] + 1e-12
                                      or values.max() >= fine[k][-1] - 1e-12) else ""
        bands.append((lo, hi))
        print("band of %s where all three data hold: %.3g .. %.3g%s" % (name, lo, hi, edge))
    # Linearized: d(model)/d(log10 p) at the best fit, data +- as sigma.
    h = 1e-3
    J = np.array([[(splines[q].ev(fine[0][i] + h * (k == 0), fine[1][j] + h * (k == 1))
                    - splines[q].ev(fine[0][i] - h * (k == 0), fine[1][j] - h * (k == 1)))
                   / (2 * h) / e for k in range(2)] for q, (d, e) in DATA.items()])
    cov = np.linalg.inv(J.T @ J)
    for k, (name, _, _, _) in enumerate(PARAMETERS):
        s = math.sqrt(cov[k, k])
        print("linearized 1-sigma of %s: x/ %.2f (%.3g .. %.3g)"
              % (name, 10 ** s, best[k] / 10 ** s, best[k] * 10 ** s))
    print("correlation of the two: %.2f" % (cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1])))

    best = tuple(float("%.3g" % b) for b in best)
    check = evaluate(args.vitrum, texts, [best], 1)[0]
    print("\nrun at the best fit: glass Ni %.2f, Co %.2f at.%%, crystal %.2f nm; crystal Ti %.2f, "
          "Zr %.2f, Nb %.2f, Hf %.2f at.%%" % tuple(check[q] for q in (
              "glass_Ni", "glass_Co", "crystal_nm", "crystal_Ti", "crystal_Zr", "crystal_Nb",
              "crystal_Hf")))
    if args.write:
        write(best, bands, texts)


def write(best, bands, texts):
    text = with_parameters(texts, best)["thermo"]
    with open(MATERIAL, "w") as f:
        f.write(text)
    with open(CSV) as f:
        lines = f.read().splitlines()
    for (name, _, _, _), value, (lo, hi) in zip(PARAMETERS, best, bands):
        for n, line in enumerate(lines):
            if line.startswith(name + ","):
                fields = line.split(",")
                fields[6:9] = ["%.3g" % lo, "%.3g" % value, "%.3g" % hi]
                lines[n] = ",".join(fields)
    with open(CSV, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s and %s" % (os.path.relpath(MATERIAL), os.path.relpath(CSV)))


if __name__ == "__main__":
    main()
