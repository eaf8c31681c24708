#!/usr/bin/python3
"""Nanomolding studies in one command each (they run vitrum, write CSV, plot).

  study.py single --T 297 --p 1.25 --t 36000 --d 60       L(t) of one pore
  study.py single --d 20 --kinetics parameter_files/materials/Ni45Pd35P16B4-kinetics.prm
                                                           ... and where its wire
                                                           crystallizes
  study.py sweep  --T 297 --p 1.25 --t 36000              L(d), crossover d_c
  study.py map    --T 267,277,287,297,307,317,327          d_c(T) map
  study.py map    --conditions seeds                       d_c(T) at the published
                                                           (T, p, t) of each run

Temperatures in C, pressures in GPa, times in s, diameters in nm. Each run is
`vitrum` on a parameter file written into the output directory (--out), so
every number can be reproduced by hand. The simulated crossover d_c is where
the viscous and the interface-diffusion volumes that filled the pore are
equal (interpolated in log d between the two diameters around it); each
mechanism's own length is L sqrt(share), since both add to d(L^2)/dt.
"""
import argparse
import csv
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "postprocess"))
import plot_nanomolding  # noqa: E402

# (T_C, p_GPa, t_s) of the Ni-BMG runs, seeds_reference.yaml molding_conditions_Ni_BMG
SEEDS_CONDITIONS = [(327, 1.0, 300), (317, 1.0, 300), (307, 2.0, 900), (297, 1.25, 36000),
                    (287, 2.0, 36000), (277, 2.0, 36000), (267, 2.0, 36000)]
DIAMETERS = [10, 14, 20, 28, 40, 56, 80, 113, 160, 226, 320]


def run_vitrum(args, directory, T, p, t, d, extra=""):
    os.makedirs(directory, exist_ok=True)
    prm = os.path.join(directory, "run.prm")
    with open(prm, "w") as f:
        f.write(f"""set Model = nanomolding
set Dimension = 2
subsection Temperature
  set Schedule = {T} C
end
subsection Time stepping
  set End time = {t}
end
subsection Nanomolding
  set Study = filling
  set Material file = {args.material}
  set Pore diameter = {d}
  set Pressure = {p} GPa
  set Capillarity = {str(args.capillarity).lower()}
  set Shear thinning = {str(args.shear_thinning).lower()}
  set Wire tubes = {args.tubes}
{extra}end
subsection Output
  set Directory = {directory}
  set Progress every = 0
end
""")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    result = subprocess.run([args.vitrum, prm], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"vitrum failed on {prm}:\n{result.stdout}\n{result.stderr}")
    with open(os.path.join(directory, "vitrum.log"), "w") as f:
        f.write(result.stdout)
    with open(os.path.join(directory, "time_series.csv")) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def sweep(args, T, p, t, out):
    rows = []
    for d in args.diameters:
        last = run_vitrum(args, os.path.join(out, f"d{d:g}"), T, p, t, d)[-1]
        L, v, s = last["length_nm"], last["viscous_length_nm"], last["diffusive_length_nm"]
        share = v / (v + s)
        rows.append({"d_nm": d, "L_nm": L, "L_viscous_nm": L * math.sqrt(share),
                     "L_diffusive_nm": L * math.sqrt(1 - share), "viscous_share_fraction": share,
                     "viscosity_Pa_s": last["viscosity_Pa_s"]})
        print(f"  T = {T} C, d = {d:6.1f} nm: L = {L:9.1f} nm, viscous share {share:.3f}",
              flush=True)
    dc = None
    for a, b in zip(rows, rows[1:]):
        ra = a["L_viscous_nm"] / a["L_diffusive_nm"]
        rb = b["L_viscous_nm"] / b["L_diffusive_nm"]
        if (ra - 1) * (rb - 1) <= 0:
            s = math.log(ra) / (math.log(ra) - math.log(rb))
            dc = math.exp(math.log(a["d_nm"]) + s * (math.log(b["d_nm"]) - math.log(a["d_nm"])))
    lmin = min(rows, key=lambda r: r["L_nm"])
    write_csv(os.path.join(out, "sweep.csv"), rows)
    return rows, dc, lmin["d_nm"]


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def analytic_dc(args, T):
    """(128 delta D_I Omega eta / k_B T)^(1/3) from the material file (nm)."""
    m = plot_nanomolding.read_material(args.material)
    return plot_nanomolding.crossover(m, T + 273.15) * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("study", choices=["single", "sweep", "map"])
    parser.add_argument("--T", default="297", help="temperature(s) in C, comma separated for map")
    parser.add_argument("--p", type=float, default=1.25, help="pressure, GPa")
    parser.add_argument("--t", type=float, default=36000, help="molding time, s")
    parser.add_argument("--d", type=float, default=60, help="pore diameter for single, nm")
    parser.add_argument("--diameters", default=",".join(map(str, DIAMETERS)))
    parser.add_argument("--conditions", choices=["given", "seeds"], default="given",
                        help="map: seeds = the published (T, p, t) of each Ni-BMG run")
    parser.add_argument("--material", default=os.path.join(SOURCE, "parameter_files/materials/Ni45Pd35P16B4.prm"))
    parser.add_argument("--capillarity", action="store_true")
    parser.add_argument("--shear-thinning", action="store_true")
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build/vitrum"))
    parser.add_argument("--tubes", type=int, default=16, help="streamtubes of the wire record (1 = plug)")
    parser.add_argument("--kinetics", default="", help="kinetics file: mark crystallization along the wire")
    parser.add_argument("--out", default="nanomolding_study")
    args = parser.parse_args()
    args.diameters = [float(x) for x in args.diameters.split(",")]
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)

    if args.study == "single":
        T = float(args.T)
        extra = ""
        if args.kinetics:
            kinetics = os.path.abspath(args.kinetics) if os.path.exists(args.kinetics) else args.kinetics
            extra = f"  subsection Crystallization\n    set Kinetics file = {kinetics}\n  end\n"
        run_vitrum(args, args.out, T, args.p, args.t, args.d, extra)
        png = plot_nanomolding.plot_length_vs_time(os.path.join(args.out, "time_series.csv"), args.d)
        print(f"L(t): {args.out}/time_series.csv, {png}; wire: {args.out}/wire_composition.csv")
        if args.kinetics:
            with open(os.path.join(args.out, "vitrum.log")) as f:
                print("".join(line for line in f if "crystalliz" in line or "amorphous" in line), end="")
            print(f"crystallization: {args.out}/wire_crystallization.csv (cross sections), "
                  "wire_crystallization_segments.csv (every slice of every streamtube)")
    elif args.study == "sweep":
        T = float(args.T)
        rows, dc, dmin = sweep(args, T, args.p, args.t, args.out)
        png = plot_nanomolding.plot_length_vs_diameter(os.path.join(args.out, "sweep.csv"), dc,
                                                       f"{T:g} C, {args.p:g} GPa, {args.t:g} s")
        print(f"simulated d_c = {dc:.2f} nm (analytic {analytic_dc(args, T):.2f} nm); "
              f"shortest wire at d = {dmin:g} nm\n{args.out}/sweep.csv, {png}")
    else:
        if args.conditions == "seeds":
            conditions = SEEDS_CONDITIONS
        else:
            conditions = [(float(T), args.p, args.t) for T in args.T.split(",")]
        rows = []
        for T, p, t in conditions:
            _, dc, dmin = sweep(args, T, p, t, os.path.join(args.out, f"T{T:g}"))
            rows.append({"T_K": T + 273.15, "p_Pa": p * 1e9, "t_s": t, "d_c_sim_nm": dc if dc else float("nan"),
                         "d_c_128_nm": analytic_dc(args, T), "d_c_256_nm": analytic_dc(args, T) * 2 ** (1 / 3),
                         "d_min_L_nm": dmin})
            print(f"T = {T} C: simulated d_c = {rows[-1]['d_c_sim_nm']:.2f} nm, analytic "
                  f"{rows[-1]['d_c_128_nm']:.2f} nm", flush=True)
        write_csv(os.path.join(args.out, "mechanism_map.csv"), rows)
        png = plot_nanomolding.plot_mechanism_map(os.path.join(args.out, "mechanism_map.csv"))
        print(f"{args.out}/mechanism_map.csv, {png}")


if __name__ == "__main__":
    main()
