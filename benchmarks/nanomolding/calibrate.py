#!/usr/bin/python3
"""Calibration of Ni45Pd35P16B4 for the nanomolding model.

Uses only the data marked for calibration in seeds_reference.yaml:
  the viscosity kink (287 C, eta = 1e12 Pa s, t_exp = 36 000 s), the
  relaxation time at Tg (76 s), Q_I = 1.58 eV, and d_c = 60 nm at 297 C
  (1.25 GPa, 36 000 s),
plus the literature ESTIMATEs of the material file (VFT D* and eta_inf of
Pd-Ni-P liquids; the ratio of glass-state to equilibrium activation energy
measured on Zr65Cu17.5Ni10Al7.5, 2.1 eV / 5.6 eV).

1. VFT: T0 such that the equilibrium viscosity passes through the seeds'
   kink point (287 C, 1e12 Pa s) with D* and eta_inf.
2. Kink, derived: where tau(T) = tau_g eta_VFT(T)/eta_VFT(Tg) reaches
   t_exp = 36 000 s (compared with the seeds' 287 C).
3. Glass-state activation energy below the kink: Q_g = (2.1/5.6) x the
   equilibrium activation energy k_B T^2 D* T0/(T - T0)^2 at the kink.
4. Interface diffusion: with the exact Poiseuille crossover
   d_c^3 = 128 delta D_I Omega eta/(k_B T) at 297 C, delta D_I(297 C); with
   the wall layer delta and Q_I this fixes the composition-weighted
   prefactor sum_k x_k D_I0,k; the element ratios are ESTIMATEs.

Prints the numbers to write into the material file, then the analytic d_c
at the seven Ni-BMG molding conditions (no further tuning; bands:
predict_dc.py).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dc_model as m  # noqa: E402

# --- as in parameter_files/materials/Ni45Pd35P16B4.prm -------------------
x = {"Ni": 0.45, "Pd": 0.35, "P": 0.16, "B": 0.04}
omega = 14.71e-30                      # m^3 (DERIVED, see the material file)
eta_inf, D_vft = 1e-5, 14.0            # ESTIMATE (see the material file)
Tg = 590.15                            # K, SEEDS (317 C)
tau_g, t_exp = 76.0, 36000.0           # s, SEEDS
T_seeds_kink, eta_seeds_kink = 287 + m.C, 1e12  # SEEDS viscosity_kink
GLASS_RATIO = 2.1 / 5.6                # Zr65Cu17.5Ni10Al7.5 creep (family ratio)
Q_I = 1.58 * m.EV                      # SEEDS
delta = 1e-9                           # ESTIMATE wall layer, m
ratio = {"Ni": 1.0, "Pd": 0.1, "P": 1.0, "B": 1.0}  # ESTIMATE D_k / D_Ni
T_cal, dc_cal = 297 + m.C, 60e-9       # SEEDS calibration point
CONDITIONS = [(327, 1.0, 300), (317, 1.0, 300), (307, 2.0, 900), (297, 1.25, 36000),
              (287, 2.0, 36000), (277, 2.0, 36000), (267, 2.0, 36000)]


def law(D=D_vft, eta_infinity=eta_inf, glass_ratio=GLASS_RATIO, tau=tau_g, t=t_exp):
    T0 = m.T0_through(eta_infinity, D, T_seeds_kink, eta_seeds_kink)
    return m.Viscosity(eta_infinity, D, T0, Tg, tau, t, ratio=glass_ratio)


def fit_prefactor(eta, Q=Q_I):
    """Composition-weighted D_I0 (m^2/s) that puts d_c(297 C) at 60 nm."""
    deltaD = m.deltaD_for(dc_cal, omega, eta(T_cal), T_cal)
    return deltaD / delta * math.exp(Q / (m.KB * T_cal)), deltaD


def main():
    eta = law()
    D0, deltaD = fit_prefactor(eta)
    norm = sum(x[k] * ratio[k] for k in x)
    # the D* that puts the derived kink exactly at the seeds' 287 C
    lo, hi = 5.0, 40.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if law(D=mid).T_k > T_seeds_kink else (lo, mid)
    print(f"VFT temperature T0 = {eta.T0:.4f} K (through 287 C, 1e12 Pa s with D* = {D_vft:g}, "
          f"eta_inf = {eta_inf:g} Pa s)")
    print(f"eta_VFT(Tg) = {eta(Tg):.4e} Pa s")
    print(f"derived kink: tau = {t_exp:g} s at T_k = {eta.T_k:.2f} K = {eta.T_k - m.C:.2f} C "
          f"(seeds: 287 C), eta(T_k) = {eta(eta.T_k):.3e} Pa s; D* = {lo:.2f} would put it at 287 C")
    print(f"equilibrium activation energy at the kink {m.equilibrium_activation(D_vft, eta.T0, eta.T_k) / m.EV:.3f} eV"
          f" -> glass-state Q_g = {eta.Q_g / m.EV:.3f} eV (ratio {GLASS_RATIO:.4f})")
    print(f"eta(297 C) = {eta(T_cal):.4e} Pa s")
    print(f"delta D_I(297 C) = {deltaD:.4e} m^3/s")
    print(f"mean D_I0 = {D0:.4e} m^2/s (delta = {delta * 1e9:g} nm)")
    print("Prefactors = " + ", ".join(f"{k}: {ratio[k] * D0 / norm:.4e}" for k in x))
    print("\nT_C  p_GPa  t_s     T_k_C   eta_Pa_s    d_c_128_nm  d_c_256_nm")
    for T_C, p, t in CONDITIONS:
        T = T_C + m.C
        e = law(t=t)
        dc = m.crossover(delta * D0 * math.exp(-Q_I / (m.KB * T)), omega, e(T), T)
        print(f"{T_C:4d} {p:5.2f} {t:7.0f}  {e.T_k - m.C:6.1f}  {e(T):.4e}  {dc * 1e9:9.2f}  "
              f"{dc * 2 ** (1 / 3) * 1e9:9.2f}")


if __name__ == "__main__":
    sys.exit(main())
