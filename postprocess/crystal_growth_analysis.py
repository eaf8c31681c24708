#!/usr/bin/python3
"""Compare a crystallization-field run with Kolmogorov-Johnson-Mehl-Avrami.

Reads <dir>/time_series.csv and <dir>/nuclei.csv of `Model = crystallization
field` and prints, for isothermal runs with constant rates:
  - t_half of the crystal fraction (integral of eta) and, where the run wrote
    it, of the sharp crystal volume vol(eta > 1/2);
  - the number of nuclei drawn (placed + phantoms) against I V t;
  - t_half (X = 0.5) of the run, of Avrami's extended-volume formula applied
    to the nuclei the run actually drew (ideal growth R = U age, and the
    phase-field growth law of a single crystal, which starts at the nucleus
    radius and is slowed by curvature), and of the analytic JMAK law
    X = 1 - exp(-c I U^(d-1) t^(d+1)), c = pi/3 (2D) or pi/3 (3D).
Usage: crystal_growth_analysis.py DIR --rate I --growth U --size Lx Ly [Lz]
       [--width l --ratio r --nucleus R0] [--plot out.png]
(I in 1/(m^d s), U in m/s, lengths in nm as in the .prm.)
"""
import argparse
import csv
import math
import os


def read_table(path):
    with open(path) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def crossing(ts, xs, level=0.5):
    """First time the series reaches `level` (linear interpolation)."""
    for (t0, x0), (t1, x1) in zip(zip(ts, xs), zip(ts[1:], xs[1:])):
        if x0 < level <= x1:
            return t0 + (level - x0) / (x1 - x0) * (t1 - t0)
    return float("nan")


def jmak_half_time(rate, growth, dim):
    """X = 1 - exp(-(pi/3) I U^(d-1) t^(d+1)) at X = 1/2 (I, U in nm units)."""
    return (3 * math.log(2) / (math.pi * rate * growth ** (dim - 1))) ** (1 / (dim + 1))


def phase_field_radius(age, growth, critical, nucleus):
    """Radius of one phase-field crystal: dR/dt = U (1 - a / R), R(0) = R0."""
    if age <= 0:
        return 0.0
    radius, t, steps = nucleus, 0.0, 400
    h = age / steps
    for _ in range(steps):  # RK4
        f = lambda r: growth * (1 - critical / r)
        k1 = f(radius); k2 = f(radius + 0.5 * h * k1)
        k3 = f(radius + 0.5 * h * k2); k4 = f(radius + h * k3)
        radius += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return radius


def crystal_size(radius, dim, width=0.0):
    """Area (2D) or volume (3D) of a crystal with a logistic edge of width l."""
    if dim == 2:
        return math.pi * radius ** 2 + math.pi ** 3 / 3 * width ** 2
    return 4 / 3 * math.pi * radius ** 3 + 4 / 3 * math.pi ** 3 * width ** 2 * radius


def avrami_fraction(t, births, volume, dim, size_of_age):
    """Avrami: X = 1 - exp(-sum of the sizes of all nuclei, phantoms too / V)."""
    extended = sum(size_of_age(t - b) for b in births if b < t)
    return 1 - math.exp(-extended / volume)


def analyse(directory, rate, growth, size, width=None, ratio=None, nucleus=None):
    rows = read_table(os.path.join(directory, "time_series.csv"))
    nuclei = read_table(os.path.join(directory, "nuclei.csv"))
    dim = len(size)
    volume = math.prod(size)
    rate_nm = rate * 1e-9 ** dim    # per nm^d and s
    growth_nm = growth * 1e9        # nm/s
    times = [r["time_s"] for r in rows]
    fraction = [r["crystal_fraction"] for r in rows]
    births = [n["birth_time_s"] for n in nuclei]
    result = {"dim": dim, "times": times, "fraction": fraction,
              "drawn": len(births), "expected_drawn": rate_nm * volume * times[-1],
              "t_half": crossing(times, fraction),
              "t_half_jmak": jmak_half_time(rate_nm, growth_nm, dim)}
    if "sharp_crystal_fraction" in rows[0]:
        # vol(eta > 1/2) / V: no diffuse-edge excess of curved crystals
        result["sharp"] = [r["sharp_crystal_fraction"] for r in rows]
        result["t_half_sharp"] = crossing(times, result["sharp"])
    ideal = [avrami_fraction(t, births, volume, dim,
                             lambda age: crystal_size(growth_nm * age, dim)) for t in times]
    result["ideal_avrami"] = ideal
    result["t_half_events"] = crossing(times, ideal)
    if width is not None:
        critical = (dim - 1) * width / ratio
        ages = {}
        def size_of_age(age):
            key = round(age, 9)
            if key not in ages:
                ages[key] = crystal_size(phase_field_radius(age, growth_nm, critical, nucleus),
                                         dim, width)
            return ages[key]
        pf = [avrami_fraction(t, births, volume, dim, size_of_age) for t in times]
        result["pf_avrami"] = pf
        result["t_half_events_pf"] = crossing(times, pf)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory")
    p.add_argument("--rate", type=float, required=True)
    p.add_argument("--growth", type=float, required=True)
    p.add_argument("--size", type=float, nargs="+", required=True)
    p.add_argument("--width", type=float)
    p.add_argument("--ratio", type=float)
    p.add_argument("--nucleus", type=float)
    p.add_argument("--plot")
    a = p.parse_args()
    r = analyse(a.directory, a.rate, a.growth, a.size, a.width, a.ratio, a.nucleus)
    print(f"nuclei drawn {r['drawn']} (placed + phantoms), expected I V t = {r['expected_drawn']:.1f}")
    if "t_half_sharp" in r:
        print(f"t_half of vol(eta > 1/2): {r['t_half_sharp']:.4g} s")
    print(f"t_half: run {r['t_half']:.4g} s, Avrami on the drawn nuclei {r['t_half_events']:.4g} s"
          + (f" (phase-field growth law {r['t_half_events_pf']:.4g} s)" if "pf_avrami" in r else "")
          + f", analytic JMAK {r['t_half_jmak']:.4g} s")
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 3.6))
        ax.plot(r["times"], r["fraction"], label="vitrum crystallization field")
        ax.plot(r["times"], r["ideal_avrami"], "--", label="Avrami, drawn nuclei")
        t = r["times"]
        d = r["dim"]
        k = math.log(2) / r["t_half_jmak"] ** (d + 1)
        ax.plot(t, [1 - math.exp(-k * x ** (d + 1)) for x in t], ":", label="JMAK analytic")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("crystallized fraction X")
        ax.legend()
        fig.tight_layout()
        fig.savefig(a.plot, dpi=150)
        print(f"plot: {a.plot}")


if __name__ == "__main__":
    main()
