"""Run Model = deposition (1D) for the PLD Zr-Cu-O films with a modified copy
of the material file, and read the layering it reports.

Shared by calibrate_pld.py and predict_pld.py. One vitrum process at a time,
serial (1 rank), `nice -n 5`, working directory = the repository root (the
relative material path resolves there). benchmarks/common/vitrum_run.py runs
under mpirun and reads only time_series.csv; here we need the summary on
stdout, layers.csv and profile.csv, a time limit and a cache, so the runner is
our own; the material file is edited with benchmarks/common/prm_text.py
(comments and layout kept).

Every run is cached in <work>/<key>/result.json (key = all inputs), so that a
script interrupted or re-run does not repeat finished runs.
"""
import csv
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "common"))
import prm_text  # noqa: E402

MATERIAL = os.path.join(ROOT, "parameter_files", "materials", "ZrCuO-glass.prm")
VITRUM = os.environ.get("VITRUM", os.path.join(ROOT, "build", "vitrum"))
DZ = 0.1  # nm, Deposition/Layer thickness (NUMERICAL)

# Solver settings of every run (see doc/deposition_pld.md, "Numerics"):
# Error tolerance 1e-2 as in the brief; Newton tolerance 1e-3 (a change of
# 1e-3 in a mole fraction) instead of the default 1e-6: with 1e-6 or 1e-4 the
# Zr-Cu-O runs stall at dt ~ 1e-6 s once O-depleted nodes reach x_O <= 0
# (limit_update then scales the node's update to zero).
# Direct solver = MUMPS (called directly): on the 3 nm start of the film
# 3.4 s against 14 s through PETSc.
SOLVER = dict(tolerance=1e-2, newton=1e-3, order=2, direct="MUMPS")


def material_text(delta_s=None, D_s=None, energy=None):
    """The material file with Surface/Layer thickness (nm), Diffusivity
    (m^2/s) and Energy (string 'Cu: a, O: b, Zr: c') replaced if given."""
    with open(MATERIAL) as f:
        text = f.read()
    if delta_s is not None:
        text = prm_text.set_value(text, ("Surface",), "Layer thickness", "%g" % delta_s)
    if D_s is not None:
        text = prm_text.set_value(text, ("Surface",), "Diffusivity", "%g" % D_s)
    if energy is not None:
        text = prm_text.set_value(text, ("Surface",), "Energy", energy)
    return text


def case_prm(material_file, thickness_nm, rate, x_O, out_dir, solver):
    x_metal = (100.0 - x_O) / 2
    end = thickness_nm / rate
    return f"""set Model = deposition
set Dimension = 1
subsection Deposition
  set Material file   = {material_file}
  set Layers          = {thickness_nm:g} nm at {rate:g} nm/s with Cu: {x_metal:g}, Zr: {x_metal:g}, O: {x_O:g}
  set Layer thickness = {DZ:g} nm
end
subsection Temperature
  set Schedule = 300 K
end
subsection Mesh
  set Coarse cells = {int(round(thickness_nm / DZ))}
  set Maximum refinement level = 0
end
subsection Time stepping
  set End time          = {end:.6g}
  set Initial time step = 1e-4
  set Error tolerance   = {solver['tolerance']:g}
  set Order             = {solver['order']}
end
subsection Solver
  set Newton tolerance = {solver['newton']:g}
  set Direct solver    = {solver['direct']}
end
subsection Output
  set Directory    = {out_dir}
  set Output times = {", ".join("%.6g" % (k * 10 / rate) for k in range(1, int(thickness_nm // 10) + 1))}
  set Progress every = 200
end
"""


SUMMARY = re.compile(r"Layering \(([-0-9.e+]+)-([-0-9.e+]+) nm\): period ([-0-9.e+]+) nm, "
                     r"contrast ([-0-9.e+]+) at\.% (\w+)")


def analyse_layers(values, spacing):
    """Python twin of models::analyse_layers (film_growth.cc): detrend,
    Hann window, 8x zero padding, parabolic peak; contrast = mean above the
    median minus mean below. Returns (period_nm or nan, contrast)."""
    y = np.asarray(values, float)
    N = len(y)
    if N < 8:
        return float("nan"), 0.0
    i = np.arange(N)
    slope, shift = np.polyfit(i, y, 1)
    d = y - (shift + slope * i)
    w = 0.5 - 0.5 * np.cos(2 * np.pi * i / (N - 1))
    M = 8 * N
    mag = np.abs(np.fft.rfft(w * d, M))
    k_min = 16
    k = k_min + int(np.argmax(mag[k_min:M // 2]))
    if k == k_min:
        return float("nan"), 0.0
    a, b, c = mag[k - 1], mag[k], mag[k + 1]
    den = a - 2 * b + c
    off = 0.5 * (a - c) / den if den != 0 else 0
    med = np.sort(d)[N // 2]
    contrast = d[d > med].mean() - d[d <= med].mean()
    return M * spacing / (k + off), contrast


def read_profile(path):
    with open(path) as f:
        rows = [r for r in csv.reader(l for l in f if not l.startswith("#"))]
    head = rows[0]
    data = np.array([[float(v) for v in r] for r in rows[1:]])
    return head, data


def smoothed_contrast(result, element="Cu", fwhm_nm=1.0):
    """Contrast (at.%) of the profile seen through a Gaussian probe of
    fwhm_nm (what a STEM-EDX line scan of ~1 nm resolution reports), same
    window and measure as analyse_layers. nan if the run has no profile."""
    prof = result.get("profile", os.path.join(result.get("folder", ""), "out", "profile.csv"))
    if "window_bottom_nm" not in result or not os.path.exists(prof):
        return float("nan")
    head, data = read_profile(prof)
    z, x = data[:, 0], data[:, head.index(f"{element}_at%")]
    sigma = fwhm_nm / 2.3548 / DZ
    k = np.arange(-int(4 * sigma) - 1, int(4 * sigma) + 2)
    g = np.exp(-0.5 * (k / sigma) ** 2)
    xs = np.convolve(x, g / g.sum(), mode="same")
    sel = (z >= result["window_bottom_nm"] - 1e-9) & (z < result["window_top_nm"] - 1e-9)
    return analyse_layers(xs[sel], DZ)[1]


def run(delta_s, D_s=None, energy=None, thickness_nm=60, rate=1.20, x_O=2.0,
        solver=None, work=None, timeout=1800, label=""):
    """One vitrum run; returns a dict with period_nm, contrast_at%, element,
    window, the two half-window periods, wall_s, status."""
    solver = dict(SOLVER, **(solver or {}))
    thickness_nm, rate, x_O = float(thickness_nm), float(rate), float(x_O)
    delta_s = float(delta_s)
    work = work or os.path.join(ROOT, "output", "pld_runs")
    inputs = dict(delta_s=delta_s, D_s=D_s, energy=energy, thickness_nm=thickness_nm,
                  rate=rate, x_O=x_O, solver=solver)
    key = hashlib.sha1(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:10]
    folder = os.path.join(work, key)
    cache = os.path.join(folder, "result.json")
    if os.path.exists(cache):
        with open(cache) as f:
            result = json.load(f)
        result["folder"] = folder
        return result
    os.makedirs(folder, exist_ok=True)
    mat = os.path.join(folder, "material.prm")
    with open(mat, "w") as f:
        f.write(material_text(delta_s, D_s, energy))
    out = os.path.join(folder, "out")
    prm = os.path.join(folder, "case.prm")
    with open(prm, "w") as f:
        f.write(case_prm(mat, thickness_nm, rate, x_O, out, solver))
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    start = time.time()
    status = "ok"
    with open(os.path.join(folder, "log.txt"), "w") as log:
        try:
            p = subprocess.run(["nice", "-n", "5", VITRUM, prm], cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT, env=env, timeout=timeout)
            if p.returncode != 0:
                status = "failed (rc %d)" % p.returncode
        except subprocess.TimeoutExpired:
            status = "timeout %d s" % timeout
    wall = time.time() - start
    result = dict(inputs, key=key, label=label, status=status, wall_s=round(wall, 1), folder=folder)
    with open(os.path.join(folder, "log.txt")) as f:
        m = SUMMARY.search(f.read())
    profile = os.path.join(out, "profile.csv")
    if status == "ok" and m:
        result.update(window_bottom_nm=float(m.group(1)), window_top_nm=float(m.group(2)),
                      period_nm=float(m.group(3)), contrast=float(m.group(4)), element=m.group(5),
                      film_analysed_nm=thickness_nm)
    elif os.path.exists(os.path.join(out, "layers.csv")):
        # A run that stopped early: the last film (>= 20 nm) written every
        # 10 nm, analysed as the model does (layers.csv) and its profile.
        rows = [r for r in csv.DictReader(open(os.path.join(out, "layers.csv")))
                if float(r["film_thickness_nm"]) >= 20]
        if rows:
            last = rows[-1]
            n = len(list(csv.DictReader(open(os.path.join(out, "layers.csv"))))) - 1
            profile = os.path.join(out, "profiles", "profile_%05d.csv" % n)
            cols = {k: float(v) for k, v in last.items()}
            els = [k[len("contrast_"):-len("_at%")] for k in cols if k.startswith("contrast_")]
            best = max(els, key=lambda e: cols[f"contrast_{e}_at%"])
            if math.isfinite(cols[f"period_{best}_nm"]):
                result.update(window_bottom_nm=cols["window_bottom_nm"], window_top_nm=cols["window_top_nm"],
                              period_nm=cols[f"period_{best}_nm"], contrast=cols[f"contrast_{best}_at%"],
                              element=best, film_analysed_nm=cols["film_thickness_nm"])
    if "period_nm" in result:
        result["profile"] = profile
        head, data = read_profile(profile)
        z = data[:, 0]
        sel = (z >= result["window_bottom_nm"] - 1e-9) & (z < result["window_top_nm"] - 1e-9)
        for k, name in enumerate(head[1:], start=1):
            el = name.split("_")[0]
            per, con = analyse_layers(data[sel, k], DZ)
            result[f"period_{el}_nm"] = per
            result[f"contrast_{el}_at%"] = con
        # stationarity: the period of the lower and of the upper half window
        el = result["element"]
        col = head.index(f"{el}_at%")
        zs, xs = z[sel], data[sel, col]
        half = len(zs) // 2
        result["period_lower_half_nm"] = analyse_layers(xs[:half], DZ)[0]
        result["period_upper_half_nm"] = analyse_layers(xs[half:], DZ)[0]
    elif status == "ok":
        result["status"] = "no layering"
    with open(cache, "w") as f:
        json.dump(result, f, indent=1)
    return result
