#!/usr/bin/python3
"""Calibration of interface diffusion for Ni45Pd35P16B4 (nanomolding model).

Uses only the data marked for calibration in seeds_reference.yaml:
  d_c = 60 nm at 297 C (p = 1.25 GPa, t = 36 000 s), the viscosity kink
  (287 C, eta = 1e12 Pa s) and Q_I = 1.58 eV (bulk 2 Q_I below the kink),
plus the VFT parameters of the material file (literature ESTIMATE).
The crossover of the exact Poiseuille integration, d_c^3 = 128 delta D_I
Omega eta / (k_B T), gives delta D_I(297 C); with the wall layer delta of
the material file and Q_I this fixes the composition-weighted prefactor
D_I0 = sum_k x_k D_I0,k; the element ratios are ESTIMATEs of the file.

Prints the prefactors to write into the material file, then the predicted
d_c at the other molding temperatures (no further tuning).
"""
import math
import sys

kB = 1.380649e-23
eV = 1.602176634e-19

# --- as in parameter_files/materials/Ni45Pd35P16B4.prm -------------------
x = {"Ni": 0.45, "Pd": 0.35, "P": 0.16, "B": 0.04}
omega = 14.71e-30                     # m^3 (DERIVED, see the material file)
eta_inf, D_vft = 1e-5, 14.0           # ESTIMATE (see the material file)
T_kink, eta_kink = 287 + 273.15, 1e12  # calibration data
T0 = math.log(eta_kink / eta_inf) * T_kink / (D_vft + math.log(eta_kink / eta_inf))
Q_I = 1.58 * eV                        # calibration data
Q_eta = 2 * Q_I                        # bulk = 2 Q_I below the kink
delta = 1e-9                           # ESTIMATE wall layer, m
ratio = {"Ni": 1.0, "Pd": 0.1, "P": 1.0, "B": 1.0}  # ESTIMATE D_k / D_Ni
factor = 128.0                         # exact Poiseuille crossover


def eta(T):
    if T >= T_kink:
        return eta_inf * math.exp(D_vft * T0 / (T - T0))
    return eta_kink * math.exp(Q_eta / kB * (1 / T - 1 / T_kink))


def main():
    T_cal, dc_cal = 297 + 273.15, 60e-9
    deltaD_cal = dc_cal ** 3 * kB * T_cal / (factor * omega * eta(T_cal))
    D_mean0 = deltaD_cal / delta * math.exp(Q_I / (kB * T_cal))
    norm = sum(x[k] * ratio[k] for k in x)
    print(f"VFT temperature T0 = {T0:.2f} K (from the kink and D* = {D_vft})")
    print(f"eta(297 C) = {eta(T_cal):.4e} Pa s")
    print(f"delta D_I(297 C) = {deltaD_cal:.4e} m^3/s")
    print(f"mean D_I0 = {D_mean0:.4e} m^2/s (delta = {delta * 1e9:g} nm)")
    print("Prefactors = " + ", ".join(f"{k}: {ratio[k] * D_mean0 / norm:.4e}" for k in x))
    print("\nT_C   eta_Pa_s     d_c_128_nm  d_c_256_nm")
    for T_C in (327, 317, 307, 297, 287, 277, 267):
        T = T_C + 273.15
        dD = delta * D_mean0 * math.exp(-Q_I / (kB * T))
        d128 = (128 * dD * omega * eta(T) / (kB * T)) ** (1 / 3)
        print(f"{T_C:4d}  {eta(T):.4e}  {d128 * 1e9:9.2f}  {d128 * 2 ** (1 / 3) * 1e9:9.2f}")


if __name__ == "__main__":
    sys.exit(main())
