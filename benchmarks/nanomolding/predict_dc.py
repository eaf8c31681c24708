#!/usr/bin/python3
"""Predicted crossover diameters d_c with uncertainty bands.

  predict_dc.py [--samples 20000] [--simulated DIR] [--out results]

For Ni45Pd35P16B4 at the seven molding conditions of seeds_reference.yaml
and for Zr46Cu46Al8 and Pd43Ni10Cu27P20 at theirs: the analytic crossover
d_c^3 = 128 delta D_I Omega eta/(k_B T) with the viscosity law of the
material files (VFT above the kink, glass-state Arrhenius below it, kink
where the relaxation time reaches the molding time t of each run).

Bands: Monte Carlo over the ranges of the inputs that are not data (each
uniform, or log-uniform for factors; table RANGES below, the same ranges as
the material files' comments). For the Ni glass each sample refits the
interface-diffusion prefactor to the calibration point (d_c = 60 nm at
297 C), since only that point fixes it; for the other two D_I comes from
the literature transfer and is sampled. Printed and written: nominal (the
material files), median and the 5-95 % range.

--simulated DIR: a `study.py map --conditions seeds` output folder of the
Ni glass (DIR/mechanism_map.csv, DIR/T*/sweep.csv) and optionally
Zr46Cu46Al8/ and Pd43Ni10Cu27P20/ sweep folders inside it: their simulated
d_c and L(d) points are added to the table and the plots.
"""
import argparse
import csv
import math
import os
import random
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE, "postprocess"))
import dc_model as m  # noqa: E402
import plot_nanomolding  # noqa: E402

MATERIALS = os.path.join(SOURCE, "parameter_files/materials")
G_EFF = 1e12 / 36000.0     # Pa: eta/tau at the seeds' kink of the Ni glass
GLASS_RATIO = 2.1 / 5.6    # glass/equilibrium activation energy, Zr65Cu17.5Ni10Al7.5

# (T_C, p_GPa, t_s), seeds_reference.yaml
CONDITIONS = {
    "Ni45Pd35P16B4": [(327, 1.0, 300), (317, 1.0, 300), (307, 2.0, 900), (297, 1.25, 36000),
                      (287, 2.0, 36000), (277, 2.0, 36000), (267, 2.0, 36000)],
    "Zr46Cu46Al8": [(420, 1.25, 900)],
    "Pd43Ni10Cu27P20": [(290, 2.0, 3600)],
}

# Nominal values (as in the material files) and ranges of what is not data.
# kind: "u" uniform in [lo, hi], "log" log-uniform in [lo, hi], "fix" no range.
RANGES = {
    "Ni45Pd35P16B4": {
        "Tg": ("fix", 590.15), "omega": ("fix", 14.71e-30), "tau_g": ("fix", 76.0),
        "eta_inf": ("log", 1e-5, 1e-6, 1e-4), "D": ("u", 14.0, 10.0, 20.0),
        "glass_ratio": ("u", GLASS_RATIO, 0.25, 0.5), "Q_I": ("u", 1.58, 1.48, 1.68),
    },
    "Zr46Cu46Al8": {
        "Tg": ("fix", 713.15), "omega": ("fix", 17.47e-30),
        "tau_g": ("log", 76.0, 30.0, 200.0), "eta_inf": ("log", 1e-5, 1e-6, 1e-4),
        "D": ("u", 21.6, 16.0, 26.0), "anchor": ("log", 1.0, 0.3, 3.0),
        "Q_g": ("u", 2.1, 1.7, 2.6), "Q_I": ("u", 1.91, 1.2, 2.3),
        "D_ref": ("log", 1.083e-17, 1.083e-18, 1.083e-16), "T_ref": ("fix", 713.15 - 20),
    },
    "Pd43Ni10Cu27P20": {
        "Tg": ("fix", 583.15), "omega": ("fix", 16.05e-30),
        "tau_g": ("log", 76.0, 30.0, 200.0), "eta_inf": ("log", 1e-5, 1e-6, 1e-4),
        "D": ("u", 12.0, 9.0, 16.0), "anchor": ("log", 1.0, 0.3, 3.0),
        "glass_ratio": ("u", GLASS_RATIO, 0.25, 0.5), "Q_I": ("u", 0.93, 0.75, 1.58),
        "D_ref": ("log", 5.9e-18, 5.9e-19, 5.9e-18), "T_ref": ("fix", 583.15 - 57),
    },
}
NI_CAL = (297 + m.C, 60e-9, 36000.0)  # calibration point: T, d_c, t_exp
NI_KINK = (287 + m.C, 1e12)           # seeds' kink point on the VFT branch
DELTA = 1e-9


def nominal(alloy):
    return {k: v[1] for k, v in RANGES[alloy].items()}


def sample(alloy, rng):
    out = {}
    for k, v in RANGES[alloy].items():
        if v[0] == "fix":
            out[k] = v[1]
        elif v[0] == "u":
            out[k] = rng.uniform(v[2], v[3])
        else:
            out[k] = math.exp(rng.uniform(math.log(v[2]), math.log(v[3])))
    return out


def viscosity(alloy, q, t_exp):
    if alloy == "Ni45Pd35P16B4":
        T0 = m.T0_through(q["eta_inf"], q["D"], *NI_KINK)
    else:
        T0 = m.T0_through(q["eta_inf"], q["D"], q["Tg"], q["anchor"] * G_EFF * q["tau_g"])
    if "glass_ratio" in q:
        return m.Viscosity(q["eta_inf"], q["D"], T0, q["Tg"], q["tau_g"], t_exp, ratio=q["glass_ratio"])
    return m.Viscosity(q["eta_inf"], q["D"], T0, q["Tg"], q["tau_g"], t_exp, Q_g=q["Q_g"] * m.EV)


def deltaD_function(alloy, q):
    """delta D_I(T) (m^3/s) of one parameter sample."""
    QI = q["Q_I"] * m.EV
    if alloy == "Ni45Pd35P16B4":
        T_cal, dc_cal, t_cal = NI_CAL
        ref = m.deltaD_for(dc_cal, q["omega"], viscosity(alloy, q, t_cal)(T_cal), T_cal)
        T_ref = T_cal
    else:
        ref, T_ref = DELTA * q["D_ref"], q["T_ref"]
    return lambda T: ref * math.exp(-QI / m.KB * (1 / T - 1 / T_ref))


def crossover(alloy, q, T, t_exp):
    eta = viscosity(alloy, q, t_exp)
    return m.crossover(deltaD_function(alloy, q)(T), q["omega"], eta(T), T)


def percentile(values, f):
    v = sorted(values)
    i = f * (len(v) - 1)
    lo = int(math.floor(i))
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)


def read_csv(path):
    with open(path) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def simulated(args, alloy, T_C):
    """(d_c_sim, sweep rows) from --simulated, or (nan, None)."""
    if not args.simulated:
        return float("nan"), None
    base = args.simulated if alloy == "Ni45Pd35P16B4" else os.path.join(args.simulated, alloy)
    sweep = os.path.join(base, f"T{T_C:g}", "sweep.csv")
    if not os.path.exists(sweep):
        sweep = os.path.join(base, "sweep.csv")
    rows = read_csv(sweep) if os.path.exists(sweep) else None
    dc = float("nan")
    summary = os.path.join(base, "mechanism_map.csv")
    if os.path.exists(summary):
        for r in read_csv(summary):
            if abs(r["T_K"] - (T_C + 273.15)) < 1e-6:
                dc = r["d_c_sim_nm"]
    elif rows:
        for a, b in zip(rows, rows[1:]):
            ra, rb = a["L_viscous_nm"] / a["L_diffusive_nm"], b["L_viscous_nm"] / b["L_diffusive_nm"]
            if (ra - 1) * (rb - 1) <= 0:
                s = math.log(ra) / (math.log(ra) - math.log(rb))
                dc = math.exp(math.log(a["d_nm"]) + s * (math.log(b["d_nm"]) - math.log(a["d_nm"])))
    return dc, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--simulated", default="", help="study.py output folder (see above)")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)

    rows, bands = [], {}
    for alloy, conditions in CONDITIONS.items():
        q0 = nominal(alloy)
        # the material file must hold the nominal law of this script
        mat = plot_nanomolding.read_material(os.path.join(MATERIALS, alloy + ".prm"))
        file_law = viscosity(alloy, q0, float(plot_nanomolding.read_prm_entries(
            os.path.join(MATERIALS, alloy + ".prm"))["Viscosity/Experiment time"]))
        assert abs(mat["T0"] / file_law.T0 - 1) < 1e-6, f"{alloy}: T0 {mat['T0']} vs {file_law.T0}"
        assert abs(mat["T_kink"] / file_law.T_k - 1) < 1e-6, f"{alloy}: T_kink {mat['T_kink']} vs {file_law.T_k}"
        assert abs(mat["Q_eta"] / file_law.Q_g - 1) < 2e-3, f"{alloy}: Q_g {mat['Q_eta']} vs {file_law.Q_g}"
        samples = [sample(alloy, rng) for _ in range(args.samples)]
        for T_C, p, t in conditions:
            T = T_C + m.C
            eta0 = viscosity(alloy, q0, t)
            dc0 = crossover(alloy, q0, T, t) * 1e9
            dc_file = plot_nanomolding.crossover(mat, T) * 1e9
            values = []
            for q in samples:
                try:
                    values.append(crossover(alloy, q, T, t) * 1e9)
                except (ValueError, OverflowError, ZeroDivisionError):
                    pass
            dc_sim, _ = simulated(args, alloy, T_C)
            row = {"alloy": alloy, "T_C": T_C, "p_GPa": p, "t_s": t,
                   "T_kink_C": eta0.T_k - m.C, "branch": "glass" if T < eta0.T_k else "liquid",
                   "viscosity_Pa_s": eta0(T), "d_c_nm": dc0, "d_c_material_file_nm": dc_file,
                   "d_c_median_nm": percentile(values, 0.5), "d_c_p05_nm": percentile(values, 0.05),
                   "d_c_p95_nm": percentile(values, 0.95), "d_c_256_nm": dc0 * 2 ** (1 / 3),
                   "d_c_simulated_nm": dc_sim, "samples": len(values)}
            rows.append(row)
            bands[(alloy, T_C)] = values
            print(f"{alloy:16s} {T_C:4d} C {p:4.2f} GPa {t:6.0f} s: kink {row['T_kink_C']:6.1f} C "
                  f"({row['branch']}), d_c = {dc0:6.1f} nm (file {dc_file:6.1f}), median "
                  f"{row['d_c_median_nm']:6.1f}, 5-95 % {row['d_c_p05_nm']:6.1f}-{row['d_c_p95_nm']:6.1f} nm"
                  + (f", simulated {dc_sim:6.1f}" if dc_sim == dc_sim else ""))
    with open(os.path.join(args.out, "dc_predictions.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    write_markdown(args, rows)
    plot_dc(args, rows, rng)
    plot_lengths(args)
    print(f"{args.out}/dc_predictions.csv, dc_predictions.md, dc_vs_T_bands.png, L_vs_d_predicted.png")


def write_markdown(args, rows):
    lines = ["# Predicted crossover diameters d_c", "",
             "Written by `benchmarks/nanomolding/predict_dc.py` "
             f"({args.samples} Monte Carlo samples, seed {args.seed}). d_c is the analytic long-pore "
             "crossover d_c^3 = 128 delta D_I Omega eta/(k_B T) (the published convention, 256, "
             "is 2^1/3 = 1.26 larger); the kink is where the relaxation time reaches the molding "
             "time t of the run. Band: 5-95 % of the samples over the ranges below; for "
             "Ni45Pd35P16B4 every sample refits D_I0 to d_c = 60 nm at 297 C.", "",
             "| alloy | T (C) | p (GPa) | t (s) | kink (C) | branch | eta (Pa s) | d_c (nm) | median | 5-95 % (nm) | simulated (nm) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        sim = f"{r['d_c_simulated_nm']:.1f}" if r["d_c_simulated_nm"] == r["d_c_simulated_nm"] else "-"
        lines.append(f"| {r['alloy']} | {r['T_C']} | {r['p_GPa']:g} | {r['t_s']:g} | {r['T_kink_C']:.1f} | "
                     f"{r['branch']} | {r['viscosity_Pa_s']:.3g} | {r['d_c_nm']:.1f} | {r['d_c_median_nm']:.1f} | "
                     f"{r['d_c_p05_nm']:.1f}-{r['d_c_p95_nm']:.1f} | {sim} |")
    lines += ["", "Ranges sampled (nominal first; u = uniform, log = log-uniform):", ""]
    for alloy, ranges in RANGES.items():
        items = [f"{k} {v[1]:g}" + ("" if v[0] == "fix" else f" [{v[0]} {v[2]:g}-{v[3]:g}]")
                 for k, v in ranges.items()]
        lines.append(f"- {alloy}: " + ", ".join(items))
    lines += ["", "Sources of the numbers: the material files' comments and doc/nanomolding.md.", ""]
    with open(os.path.join(args.out, "dc_predictions.md"), "w") as f:
        f.write("\n".join(lines))


def plot_dc(args, rows, rng):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [2, 1]})
    ax = axes[0]
    alloy = "Ni45Pd35P16B4"
    Ts = [255 + 0.5 * i for i in range(151)]
    q0 = nominal(alloy)
    samples = [sample(alloy, rng) for _ in range(2000)]
    lo, mid, hi, nom = [], [], [], []
    for T_C in Ts:
        T = T_C + m.C
        vals = [crossover(alloy, q, T, 36000.0) * 1e9 for q in samples]
        lo.append(percentile(vals, 0.05))
        mid.append(percentile(vals, 0.5))
        hi.append(percentile(vals, 0.95))
        nom.append(crossover(alloy, q0, T, 36000.0) * 1e9)
    ax.fill_between(Ts, lo, hi, color="C0", alpha=0.25, label="5-95 % (t_exp = 36 000 s)")
    ax.plot(Ts, nom, "C0-", label="nominal, t_exp = 36 000 s")
    for r in rows:
        if r["alloy"] != alloy:
            continue
        err = [[r["d_c_nm"] - r["d_c_p05_nm"]], [r["d_c_p95_nm"] - r["d_c_nm"]]]
        ax.errorbar([r["T_C"]], [r["d_c_nm"]], yerr=err, fmt="ko", ms=4, capsize=3)
        if r["d_c_simulated_nm"] == r["d_c_simulated_nm"]:
            ax.plot([r["T_C"]], [r["d_c_simulated_nm"]], "r^", ms=6)
    ax.plot([], [], "ko", label="seeds conditions (own p, t)")
    ax.plot([], [], "r^", label="simulated, nominal")
    ax.plot([297], [60], "g*", ms=12, label="calibration point")
    T_k = viscosity(alloy, q0, 36000.0).T_k - m.C
    ax.axvline(T_k, color="gray", ls=":", lw=1)
    ax.text(T_k + 0.5, ax.get_ylim()[1] * 0.9 if ax.get_ylim()[1] > 0 else 100, "kink", color="gray")
    ax.set_xlabel("T (C)")
    ax.set_ylabel("d_c (nm), 128 convention")
    ax.set_title("Ni45Pd35P16B4")
    ax.legend(fontsize=7)
    ax = axes[1]
    others = [r for r in rows if r["alloy"] != alloy]
    for i, r in enumerate(others):
        err = [[r["d_c_nm"] - r["d_c_p05_nm"]], [r["d_c_p95_nm"] - r["d_c_nm"]]]
        ax.errorbar([i], [r["d_c_nm"]], yerr=err, fmt="ko", ms=5, capsize=4)
        if r["d_c_simulated_nm"] == r["d_c_simulated_nm"]:
            ax.plot([i], [r["d_c_simulated_nm"]], "r^", ms=6)
    ax.set_xticks(range(len(others)))
    ax.set_xticklabels([f"{r['alloy']}\n{r['T_C']} C, {r['p_GPa']:g} GPa,\n{r['t_s']:g} s" for r in others],
                       fontsize=7)
    ax.set_yscale("log")
    ax.set_xlim(-0.6, len(others) - 0.4)
    ax.set_ylabel("d_c (nm)")
    ax.set_title("other alloys (5-95 %)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "dc_vs_T_bands.png"), dpi=130)
    plt.close(fig)


def plot_lengths(args):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [2, 1]})
    ds = [10 * 1.05 ** i for i in range(int(math.log(320 / 10) / math.log(1.05)) + 1)]
    for ax, alloys in ((axes[0], ["Ni45Pd35P16B4"]), (axes[1], ["Zr46Cu46Al8", "Pd43Ni10Cu27P20"])):
        k = 0
        for alloy in alloys:
            q0 = nominal(alloy)
            for T_C, p, t in CONDITIONS[alloy]:
                T = T_C + m.C
                eta = viscosity(alloy, q0, t)(T)
                dD = deltaD_function(alloy, q0)(T)
                L = [m.normalized_length(d * 1e-9, eta, dD, q0["omega"], T) for d in ds]
                color = f"C{k}"
                label = f"{T_C} C" if len(alloys) == 1 else f"{alloy[:2]} {T_C} C"
                ax.loglog(ds, L, "-", color=color, lw=1.2, label=label)
                _, sweep = simulated(args, alloy, T_C)
                if sweep:
                    ax.loglog([r["d_nm"] for r in sweep],
                              [r["L_nm"] * 1e-9 / math.sqrt(p * 1e9 * t) for r in sweep], "o",
                              color=color, ms=3)
                k += 1
        ax.set_xlabel("d (nm)")
        ax.set_ylabel("L / sqrt(p t)  (m / sqrt(Pa s))")
        ax.legend(fontsize=7, ncol=2)
    axes[0].set_title("Ni45Pd35P16B4: analytic (lines), simulated (points)")
    axes[1].set_title("Zr- and Pd-BMG")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "L_vs_d_predicted.png"), dpi=130)
    plt.close(fig)


if __name__ == "__main__":
    main()
