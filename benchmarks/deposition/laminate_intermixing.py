#!/usr/bin/python3
"""Intermixing of the sputtered Cr-Co-Ni / Ti-Zr-Nb-Hf laminate during
deposition (seeds symbiotic_laminate): run
parameter_files/deposition/laminate_sputtered.prm (18 nm of Cr36 Co33 Ni31 at
3 nm/min, then 12 nm of Ti-Zr-Nb-Hf at 5 nm/min, 1D, 300 K) and compare the
Cr, Co and Ni (at.%) the model leaves in the glass layer with the measured
as-deposited 3.0 / 2.5 / 7.5 at.%. No parameter is adjusted.

  laminate_intermixing.py [--vitrum PATH] [--tolerances 1e-3,1e-2] [--out DIR]
                          [--cases floor0.5,floor1,equal-gamma]

Cases (one run each):
  floor0.5     the .prm as shipped: Deposition/Minimum fraction = 0.5 at.%
  floor1       Minimum fraction = 1 at.% (the floor's effect)
  equal-gamma  Minimum fraction = 0.5 and all surface energies equal (a copy
               of the material file with every element at Cr's value): no
               surface segregation, only the mixing in the mobile layer
               (fails at the glass arrival, t = 360 s: kept as a record)
  equal-gamma-floor1  the same at Minimum fraction = 1 (runs; compare with
               floor1)
The floor puts f/(100 + 3 f) * 100 at.% of each of Cr, Co, Ni into the glass
flux (0.4926 at.% for f = 0.5); the prediction is the excess over it.

The glass layer is taken three ways (all reported):
  Ti+Zr+Nb+Hf > 50 at.%   the nodes where the glass formers dominate (the
                          primary definition: composition-based, as a layer
                          average of a measurement would be, and independent
                          of where the model puts the nominal interface)
  top 12 nm               z > 18 nm (the glass stretch of the schedule)
  top 12 nm - surface     18 nm < z <= 30 nm - delta_s (without the mobile
                          surface layer at the end of deposition)
Each tolerance in --tolerances is tried in turn (Time stepping/Error
tolerance) until one run finishes; a failed run is reported with vitrum's
last log lines and the state of its last written profile.

Writes OUT/laminate_intermixing.csv and .md (default
benchmarks/deposition/results/); the runs go to --runs (default
output/laminate_intermixing).
"""
import argparse
import csv
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "common"))
import prm_text  # noqa: E402

PRM = os.path.join(SOURCE, "parameter_files/deposition/laminate_sputtered.prm")
CASES = {   # name: (Minimum fraction at.%, equal surface energies)
    "floor0.5": (0.5, False),
    "floor1": (1.0, False),
    "equal-gamma": (0.5, True),
    "equal-gamma-floor1": (1.0, True),
}
CASE_LABEL = {"floor0.5": "floor 0.5 at.%", "floor1": "floor 1 at.%",
              "equal-gamma": "floor 0.5 at.%, all gamma_i equal (no segregation)",
              "equal-gamma-floor1": "floor 1 at.%, all gamma_i equal (no segregation)"}
MEASURED = {"Cr": 3.0, "Co": 2.5, "Ni": 7.5}      # at.%, seeds symbiotic_laminate
GLASS_FORMERS = ("Ti", "Zr", "Nb", "Hf")
CRYSTAL_NM, GLASS_NM = 18.0, 12.0


def read_profile(path):
    with open(path) as f:
        comment = f.readline().strip()
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    return comment, rows


def node_weights(z):
    """Trapezoid weights of the nodes (lumped mass of the linear elements)."""
    w = []
    for i in range(len(z)):
        left = z[i] - z[i - 1] if i > 0 else 0.0
        right = z[i + 1] - z[i] if i + 1 < len(z) else 0.0
        w.append(0.5 * (left + right))
    return w


def means(rows, pick):
    z = [r["z_nm"] for r in rows]
    w = node_weights(z)
    chosen = [(wi, r) for wi, r in zip(w, rows) if pick(r)]
    total = sum(wi for wi, _ in chosen)
    if total <= 0:
        return None, 0.0
    return ({e: sum(wi * r[e + "_at%"] for wi, r in chosen) / total for e in MEASURED},
            total)


def glass_floor(floor):
    """at.% of each of Cr, Co, Ni in the glass flux for Minimum fraction floor."""
    return 100 * floor / (100 + len(MEASURED) * floor)


def run(args, case, tolerance):
    floor, equal_gamma = CASES[case]
    directory = os.path.join(args.runs, case, f"tol{tolerance:g}")
    os.makedirs(directory, exist_ok=True)
    with open(PRM) as f:
        text = f.read()
    text = prm_text.set_value(text, ("Time stepping",), "Error tolerance", "%g" % tolerance)
    text = prm_text.set_value(text, ("Deposition",), "Minimum fraction", "%g" % floor)
    if equal_gamma:
        material = prm_text.get(text, ("Deposition",), "Material file")
        with open(os.path.join(SOURCE, material)) as f:
            mat = f.read()
        pairs = [p.split(":") for p in prm_text.get(mat, ("Surface",), "Energy").split(",")]
        gamma = {e.strip(): v.strip() for e, v in pairs}
        mat = prm_text.set_value(mat, ("Surface",), "Energy",
                                 ", ".join(f"{e}: {gamma['Cr']}" for e in gamma))
        copy = os.path.join(directory, "material_equal_gamma.prm")
        with open(copy, "w") as f:
            f.write(mat)
        text = prm_text.set_value(text, ("Deposition",), "Material file",
                                  os.path.relpath(copy, SOURCE))
    text = prm_text.set_value(text, ("Output",), "Directory", directory)
    text = text.replace("set Output times = 360 ", "set Output every = 50\n  set Output times = 360 ")
    prm = os.path.join(directory, "run.prm")
    with open(prm, "w") as f:
        f.write(text)
    start = time.time()
    try:
        result = subprocess.run(["nice", "-n", "5", args.vitrum, prm], capture_output=True,
                                text=True, cwd=SOURCE, timeout=args.timeout,
                                env=dict(os.environ, OMP_NUM_THREADS="1"))
        log, code = result.stdout + result.stderr, result.returncode
    except subprocess.TimeoutExpired as e:
        log = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        log += f"\nlaminate_intermixing.py: stopped after --timeout {args.timeout} s\n"
        code = -1
    wall = time.time() - start
    with open(os.path.join(directory, "vitrum.log"), "w") as f:
        f.write(log)
    return directory, code, log, wall


def surface_thickness():
    """delta_s (nm) of the material file the .prm names."""
    with open(PRM) as f:
        material = prm_text.get(f.read(), ("Deposition",), "Material file")
    with open(os.path.join(SOURCE, material)) as f:
        return float(prm_text.get(f.read(), ("Surface",), "Layer thickness"))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vitrum", default=os.environ.get("VITRUM",
                                                           os.path.join(SOURCE, "build/vitrum")))
    parser.add_argument("--tolerances", default="1e-3,1e-2")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--timeout", type=float, default=900, help="s per run")
    parser.add_argument("--runs", default=os.path.join(SOURCE, "output/laminate_intermixing"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    top = CRYSTAL_NM + GLASS_NM
    delta_s = surface_thickness()
    methods = (
        ("Ti+Zr+Nb+Hf > 50 at.%", lambda r: sum(r[e + "_at%"] for e in GLASS_FORMERS) > 50),
        ("top 12 nm (z > 18 nm)", lambda r: r["z_nm"] > CRYSTAL_NM + 1e-9),
        (f"top 12 nm less surface layer (18 < z <= {top - delta_s:g} nm)",
         lambda r: CRYSTAL_NM + 1e-9 < r["z_nm"] <= top - delta_s + 1e-9),
    )

    attempts, rows = [], []
    for case in args.cases.split(","):
        floor, equal_gamma = CASES[case]
        for tol in [float(t) for t in args.tolerances.split(",")]:
            directory, code, log, wall = run(args, case, tol)
            final = os.path.join(directory, "profile.csv")
            profiles = sorted(os.listdir(os.path.join(directory, "profiles"))) \
                if os.path.isdir(os.path.join(directory, "profiles")) else []
            tail = [line for line in log.splitlines()
                    if line.strip() and not line.lstrip().startswith(("|", "+"))][-4:]
            attempts.append({"case": case, "tolerance": tol, "code": code, "wall": wall,
                             "tail": tail, "last_profile": profiles[-1] if profiles else ""})
            print(f"{case}, Error tolerance {tol:g}: exit {code}, {wall:.0f} s wall", flush=True)
            for line in tail:
                print("  " + line[:200])
            if code == 0 and os.path.exists(final):
                comment, profile = read_profile(final)
                base = glass_floor(floor)
                for method, pick in methods:
                    m, width = means(profile, pick)
                    row = {"case": case, "minimum_fraction_at%": floor,
                           "equal_surface_energies": int(equal_gamma), "method": method,
                           "tolerance": tol, "glass_width_nm": round(width, 3),
                           "wall_time_s": round(wall, 1),
                           "flux_floor_at%": round(base, 4)}
                    for e in MEASURED:
                        row[f"{e}_sim_at%"] = round(m[e], 3) if m else float("nan")
                        row[f"{e}_excess_at%"] = round(m[e] - base, 3) if m else float("nan")
                        row[f"{e}_measured_at%"] = MEASURED[e]
                    row["order_sim"] = " > ".join(sorted(MEASURED, key=lambda e: -m[e])) \
                        if m else ""
                    rows.append(row)
                break

    csv_path = os.path.join(args.out, "laminate_intermixing.csv")
    if rows:
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    md = ["# Laminate intermixing during sputtering (symbiotic_laminate)", "",
          "`benchmarks/deposition/laminate_intermixing.py` on "
          "`parameter_files/deposition/laminate_sputtered.prm` (1D, 300 K, 18 nm Cr36 Co33 Ni31 "
          "at 3 nm/min, then 12 nm of Ti-Zr-Nb-Hf at 5 nm/min, 0.25 nm layers; "
          "material `CrCoNi-TiZrNbHf.prm` with D_s = 1e-19 m^2/s and delta_s = "
          f"{delta_s:g} nm taken from `ZrCuO-glass.prm`). The fluxes carry none of the other "
          "layer's elements except the NUMERICAL floor `Deposition/Minimum fraction` (the glass "
          "flux then holds f/(100+3f) of each of Cr, Co, Ni: 0.49 at.% for f = 0.5, 0.97 at.% "
          "for f = 1); the prediction is the excess over that floor. No tuning.", "",
          "Known limitation: floors <= 0.3 at.% fail when the first glass layer arrives "
          "(t = 360 s): Newton's fraction limiter stalls on the nodes next to the sharp "
          "crystal/glass switch (dt < 1e-10 s). With all surface energies equal even 0.5 at.% "
          "fails there (the crystal's top is then not segregated and the switch is sharper); "
          "the no-segregation comparison is therefore made at a floor of 1 at.%.", "",
          "## Prediction vs measured (at.% in the glass layer; excess over the flux floor "
          "in brackets)", ""]
    if rows:
        md += ["| case | glass layer taken as | width (nm) | Cr sim (excess) | Co sim (excess) | "
               "Ni sim (excess) | order |", "|---|---|---|---|---|---|---|"]
        for r in rows:
            md.append("| %s | %s | %.2f | %.2f (%+.2f) | %.2f (%+.2f) | %.2f (%+.2f) | %s |" % (
                CASE_LABEL[r["case"]], r["method"], r["glass_width_nm"],
                r["Cr_sim_at%"], r["Cr_excess_at%"], r["Co_sim_at%"], r["Co_excess_at%"],
                r["Ni_sim_at%"], r["Ni_excess_at%"], r["order_sim"]))
        md.append("| **measured** (as deposited) | | 12 | 3.0 | 2.5 | 7.5 | Ni > Cr > Co |")
        md += ["", "Primary definition: Ti+Zr+Nb+Hf > 50 at.% (composition-based like a layer "
               "average of a measurement, independent of where the model puts the nominal "
               "interface; it takes in the two mixed nodes at z = 17.5-17.75 nm and the top "
               "surface layer). The top-12-nm averages are lower because they leave out those "
               "interface nodes. The excess over the floor hardly depends on the floor "
               "(0.5 vs 1 at.%). The glass layer itself is not uniform: it forms Nb-rich / "
               "Zr,Hf-rich sublayers with a ~2 nm period (Zr-Nb and Nb-Hf mix endothermically), "
               "and Co, Ni sit in the Zr,Hf-rich ones."]
    else:
        md.append("No run finished: no prediction (see the runs below).")
    md += ["", "## Runs", "",
           "| case | Error tolerance | exit | wall (s) | last profile written | last log line |",
           "|---|---|---|---|---|---|"]
    for a in attempts:
        md.append("| %s | %g | %d | %.0f | %s | %s |" % (
            a["case"], a["tolerance"], a["code"], a["wall"], a["last_profile"] or "-",
            a["tail"][-1].replace(SOURCE + "/", "").replace("|", "/")[:160]
            if a["tail"] else ""))
    md += ["", "Discussion: doc/deposition_study.md, section 'Laminate intermixing'."]
    with open(os.path.join(args.out, "laminate_intermixing.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print(os.path.join(args.out, "laminate_intermixing.md") + f", {csv_path}")


if __name__ == "__main__":
    main()
