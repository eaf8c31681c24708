"""A guard against figures that come out blank without a word.

install() wraps matplotlib's Figure.savefig: before a figure is written,
every visible axes must show data (a line, marker, bar, image or filled area
with at least one finite value) or carry a text in the panel that says why
it is empty. A figure that breaks this raises BlankPanelError naming the
file and the panel, so a test can fail on it; the figure is not written.

  import figure_guard; figure_guard.install()
"""
import math

import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

import numpy as np  # noqa: E402


class BlankPanelError(RuntimeError):
    pass


def _finite(values):
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.size > 0 and bool(np.isfinite(a).any())


def panel_has_data(ax):
    """Whether the axes draws anything with at least one finite number."""
    for line in ax.lines:
        if _finite(line.get_xdata()) and _finite(line.get_ydata()):
            x = np.asarray(line.get_xdata(), dtype=float)
            y = np.asarray(line.get_ydata(), dtype=float)
            n = min(len(x), len(y))
            if n and np.any(np.isfinite(x[:n]) & np.isfinite(y[:n])):
                return True
    for collection in ax.collections:
        offsets = collection.get_offsets()
        if len(offsets) and _finite(offsets):
            return True
        if any(len(p.vertices) for p in collection.get_paths()):
            return True
    for patch in ax.patches:
        if patch.get_visible() and not _zero_size(patch):
            return True
    return bool(ax.images)


def _zero_size(patch):
    try:
        w, h = patch.get_width(), patch.get_height()
        return not (math.isfinite(w) and math.isfinite(h)) or (w == 0 and h == 0)
    except AttributeError:
        return False


def panel_explains(ax):
    """Whether the axes carries a visible, non-empty text (the reason)."""
    return any(t.get_visible() and t.get_text().strip() for t in ax.texts)


def blank_panels(fig):
    """Titles (or positions) of the visible axes with neither data nor a reason."""
    blank = []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible() or _is_colorbar(ax):
            continue
        if not panel_has_data(ax) and not panel_explains(ax):
            blank.append(ax.get_title() or ax.get_ylabel() or f"panel {i + 1}")
    return blank


def _is_colorbar(ax):
    return getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>"


_original_savefig = Figure.savefig
checked = []


def _guarded_savefig(self, fname, *args, **kwargs):
    blank = blank_panels(self)
    if blank:
        raise BlankPanelError(f"{fname}: empty panel(s) with no explanation: {', '.join(map(str, blank))}")
    checked.append(str(fname))
    return _original_savefig(self, fname, *args, **kwargs)


def install():
    Figure.savefig = _guarded_savefig
