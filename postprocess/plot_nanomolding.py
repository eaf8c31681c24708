#!/usr/bin/python3
"""Plots of nanomolding results in the style of the published figures.

  plot_nanomolding.py length  OUT/time_series.csv D_NM   -> L vs t
  plot_nanomolding.py sweep   OUT/sweep.csv              -> log-log L vs d with
                                                            both asymptotes
  plot_nanomolding.py map     OUT/mechanism_map.csv      -> d_c vs T
  plot_nanomolding.py wire    A/wire_composition.csv:LABEL B/...:LABEL
                                                         -> Ni/(Ni+Pd) along wires
  plot_nanomolding.py crystallization A/wire_crystallization.csv:LABEL ...
                              [--out FILE.png] [--threshold 0.5]
                                                         -> Ni/(Ni+Pd) and the
                          crystallized fraction X along wires (cross-section
                          means), crystalline stretches shaded
Each writes beside its (first) input CSV unless --out FILE.png is given;
postprocess/plot.py OUT draws all of a run's figures at once.
Also imported by benchmarks/nanomolding/study.py.
"""
import csv
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

KB = 1.380649e-23
EV = 1.602176634e-19


def read(path):
    with open(path) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def read_prm_entries(path):
    """The `set` entries of a parameter file as {"Sub/Sub/Key": value}."""
    values, section = {}, []
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line.startswith("subsection"):
                section.append(line.split(None, 1)[1])
            elif line == "end":
                section.pop()
            elif line.startswith("set"):
                key, value = line[3:].split("=", 1)
                values["/".join(section + [key.strip()])] = value.strip()
    return values


def read_material(path):
    """The entries of a molding material file that the filling laws need."""
    values = read_prm_entries(path)
    pairs = lambda s: {k.split(":")[0].strip(): float(k.split(":")[1]) for k in s.split(",")}  # noqa: E731
    x = pairs(values["Composition"])
    total = sum(x.values())
    D0 = pairs(values["Interface diffusion/Prefactors"])
    return {"omega": float(values["Atomic volume"]) * 1e-30,
            "delta": float(values["Interface diffusion/Wall layer thickness"]) * 1e-9,
            "Q": float(values["Interface diffusion/Activation energy"]) * EV,
            "D0": sum(x[k] / total * D0.get(k, 0) for k in x),
            "eta_inf": float(values["Viscosity/Eta infinity"]),
            "D_vft": float(values["Viscosity/VFT strength D"]),
            "T0": float(values["Viscosity/VFT temperature"]),
            "T_kink": kink_temperature(values),
            "Q_eta": float(values.get("Viscosity/Arrhenius activation energy", 0)) * EV}


def kink_temperature(values, Tg=None):
    """T_kink (K) of a Viscosity subsection ({"Viscosity/...": text}) where
    the equilibrium relaxation time tau_g eta_VFT(T)/eta_VFT(Tg) reaches
    the experiment time; 0 without a relaxation time (no kink)."""
    tau_g = float(values["Viscosity/Relaxation time at Tg"])
    if tau_g <= 0:
        return 0.0
    if Tg is None:
        Tg = float(values.get("Glass transition temperature")
                    or values["Viscosity/Glass transition temperature"])
    B = float(values["Viscosity/VFT strength D"]) * float(values["Viscosity/VFT temperature"])
    T0 = float(values["Viscosity/VFT temperature"])
    t_exp = float(values["Viscosity/Experiment time"])
    return T0 + 1 / (1 / (Tg - T0) + math.log(t_exp / tau_g) / B)


def viscosity(m, T):
    vft = lambda t: m["eta_inf"] * math.exp(m["D_vft"] * m["T0"] / (t - m["T0"]))  # noqa: E731
    if m["T_kink"] <= 0 or T >= m["T_kink"]:
        return vft(T)
    return vft(m["T_kink"]) * math.exp(m["Q_eta"] / KB * (1 / T - 1 / m["T_kink"]))


def crossover(m, T, factor=128):
    D = m["D0"] * math.exp(-m["Q"] / (KB * T))
    return (factor * m["delta"] * D * m["omega"] * viscosity(m, T) / (KB * T)) ** (1 / 3)


def plot_length_vs_time(path, d_nm, pore_labels=None):
    """L(t) and its analytic law; for an array every pore (pore_labels:
    {i: legend label}, default 'pore i')."""
    rows = read(path)
    t = [r["time_s"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 4))
    # one pore ("length_nm") or every pore of an array ("pore<i>_length_nm")
    prefixes = [k[:-len("length_nm")] for k in rows[0] if k.endswith("length_nm")
                and not k.endswith(("viscous_length_nm", "diffusive_length_nm"))]
    for n, prefix in enumerate(prefixes):
        name = "simulated L(t)"
        if prefix:
            i = int(prefix[len("pore"):-1])
            name = (pore_labels or {}).get(i, f"pore {i}")
        line, = ax.loglog(t, [r[prefix + "length_nm"] for r in rows], "o-", ms=3, label=name)
        ax.loglog(t, [r[prefix + "length_law_nm"] for r in rows], "--", lw=1, color=line.get_color(),
                  label="analytic law" if n == 0 else None)
    ax.set_xlabel("t (s)")
    ax.set_ylabel("L (nm)")
    ax.set_title(f"d = {d_nm:g} nm" if prefixes == [""] else "pore array")
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(os.path.dirname(path), "L_vs_t.png")
    fig.savefig(png, dpi=150)
    return png


def plot_length_vs_diameter(path, dc=None, title="", out=None):
    rows = read(path)
    d = [r["d_nm"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.loglog(d, [r["L_nm"] for r in rows], "ko", label="simulated L")
    ax.loglog(d, [r["L_viscous_nm"] for r in rows], "b:", label=r"viscous, $L \propto d$")
    ax.loglog(d, [r["L_diffusive_nm"] for r in rows], "r:", label=r"interface diffusion, $L \propto d^{-1/2}$")
    if dc:
        ax.axvline(dc, color="gray", lw=1)
        ax.text(dc, ax.get_ylim()[0] * 1.5, f" $d_c$ = {dc:.0f} nm", color="gray")
    ax.set_xlabel("pore diameter d (nm)")
    ax.set_ylabel("molded length L (nm)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = out or os.path.join(os.path.dirname(path), "L_vs_d.png")
    fig.savefig(png, dpi=150)
    return png


def plot_mechanism_map(path, out=None):
    rows = read(path)
    T = [r["T_K"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.semilogy(T, [r["d_c_sim_nm"] for r in rows], "ko", label="simulated $d_c$")
    ax.semilogy(T, [r["d_c_128_nm"] for r in rows], "b-", label="$(128\\,\\delta D_I \\Omega\\eta/k_BT)^{1/3}$")
    ax.semilogy(T, [r["d_c_256_nm"] for r in rows], "b--", lw=1, label="published convention (256)")
    ax.fill_between(T, [r["d_c_128_nm"] for r in rows], 1e4, color="tab:blue", alpha=0.08)
    ax.text(min(T), max(r["d_c_128_nm"] for r in rows) * 1.5, "viscous flow", color="tab:blue")
    ax.text(max(T) - 10, min(r["d_c_128_nm"] for r in rows) * 0.6, "interface diffusion", color="tab:red",
            ha="right")
    ax.set_ylim(min(r["d_c_128_nm"] for r in rows) * 0.4, max(r["d_c_256_nm"] for r in rows) * 3)
    ax.set_xlabel("T (K)")
    ax.set_ylabel("crossover diameter $d_c$ (nm)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = out or os.path.join(os.path.dirname(path), "dc_vs_T.png")
    fig.savefig(png, dpi=150)
    return png


def plot_wires(specs, out="wire_composition.png", a="Ni", b="Pd"):
    """Share a/(a+b) from root to tip of each wire: the atom-probe view."""
    fig, ax = plt.subplots(figsize=(5, 4))
    for spec in specs:
        path, label = spec.split(":", 1) if ":" in spec else (spec, spec)
        rows = read(path)
        xa, xb = a + "_at%", b + "_at%"
        ax.plot([r["z_over_L_fraction"] for r in rows],
                [100 * r[xa] / (r[xa] + r[xb]) for r in rows], label=label)
    ax.set_xlabel("position along the wire z / L (root 0, tip 1)")
    ax.set_ylabel(f"{a} / ({a} + {b}) (%)")
    ax.set_ylim(0, 100)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    return out


def plot_wire_crystallization(specs, out="wire_crystallization.png", threshold=0.5, a="Ni", b="Pd"):
    """Composition and crystallized fraction from root to tip of each wire."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.5, 6), sharex=True)
    for n, spec in enumerate(specs):
        path, label = spec.split(":", 1) if ":" in spec else (spec, spec)
        rows = read(path)
        L = rows[-1]["z_top_nm"]
        xa, xb = a + "_at%", b + "_at%"
        z, share, X = [], [], []
        for r in rows:
            z += [r["z_bottom_nm"] / L, r["z_top_nm"] / L]
            share += [100 * r[xa] / (r[xa] + r[xb])] * 2
            X += [max(r["crystal_fraction"], 1e-12)] * 2
        colour = f"C{n}"
        top.plot(z, share, color=colour, label=f"{label} (L = {L:.0f} nm)")
        bottom.semilogy(z, X, color=colour)
        for r in rows:
            if r["crystalline"]:
                bottom.axvspan(r["z_bottom_nm"] / L, r["z_top_nm"] / L, color=colour, alpha=0.15, lw=0)
    top.set_ylabel(f"{a} / ({a} + {b}) (%)")
    top.set_ylim(0, 100)
    top.legend(fontsize=8)
    bottom.axhline(threshold, color="gray", lw=1, ls="--")
    bottom.set_ylim(1e-12, 2)
    bottom.set_ylabel("crystallized fraction X")
    bottom.set_xlabel("position along the wire z / L (root 0, tip 1)")
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    return out


def beside_first(specs, name):
    """DIR/name for the folder of the first `path[:label]` given."""
    return os.path.join(os.path.dirname(os.path.abspath(specs[0].split(":", 1)[0])), name)


if __name__ == "__main__":
    args, options = sys.argv[1:], {"--out": None, "--threshold": "0.5"}
    for key in options:
        if key in args:
            i = args.index(key)
            options[key] = args[i + 1]
            del args[i:i + 2]
    if len(args) < 2:
        sys.exit(__doc__)
    kind, path, out = args[0], args[1], options["--out"]
    if kind == "length":
        print(plot_length_vs_time(path, float(args[2])))
    elif kind == "sweep":
        print(plot_length_vs_diameter(path, out=out))
    elif kind == "wire":
        print(plot_wires(args[1:], out or beside_first(args[1:], "wire_composition.png")))
    elif kind == "crystallization":
        print(plot_wire_crystallization(args[1:], out or beside_first(args[1:], "wire_crystallization.png"),
                                        float(options["--threshold"])))
    elif kind == "map":
        print(plot_mechanism_map(path, out=out))
    else:
        sys.exit(f"unknown plot '{kind}'; use length, sweep, map, wire or crystallization\n" + __doc__)
