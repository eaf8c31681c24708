"""Read the CSV tables a vitrum crystallization run writes (shared by the
plot_crystallization, plot_ttt and plot_dsc scripts)."""
import csv
import os

import numpy as np


def read_table(directory, name):
    """{column: float array} of <directory>/<name>; 'inf'/'nan' allowed."""
    with open(os.path.join(directory, name), newline="") as f:
        reader = csv.DictReader(f)
        rows = [row for row in reader]
    if not rows:
        return {k: np.array([]) for k in (reader.fieldnames or [])}
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}
