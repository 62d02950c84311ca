"""The book's look: one palette, one set of matplotlib settings, one axis-styling function.

Chapters call :func:`use` once at the top. Plot helpers never change global
settings themselves; they style their axes with :func:`set_axes`.
"""

import matplotlib as mpl
import numpy as np

from nblib.checks import _describe, as_axes, as_flag, as_number, as_text, one_of

#: The axis scales :func:`set_axes` accepts.
SCALES = ("linear", "log", "symlog", "logit")

#: Colours used across the book, by role. Colour-blind safe: Okabe and Ito's colours and a grey
#: dark enough (4.9:1 on white) to stay apart from pink and green for deuteranopia
#: (tests/test_theme.py simulates the three dichromacies and measures CIEDE2000).
COLORS = {
    "data": "#0072B2",
    "model": "#D55E00",
    "residual": "#707070",
    "highlight": "#E69F00",
    "good": "#009E73",
    "bad": "#CC79A7",
    "neutral": "#56B4E9",
    "ink": "#222222",
}

#: One colour per line when several methods share a plot.
CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "font.size": 10,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
}


def use():
    """Apply the book's matplotlib settings. Call once at the top of a chapter."""
    mpl.rcParams.update(RC)
    mpl.rcParams["axes.prop_cycle"] = RC["axes.prop_cycle"]


def set_axes(ax, xlabel=None, ylabel=None, title=None, xlim=None, ylim=None,
             xscale=None, yscale=None, legend=False):
    """Style one axes: labels, limits, scales and an optional legend. Returns ``ax``.

    xlabel, ylabel, title: text or None (leave as is). xlim, ylim: ``(low, high)``
    or None. xscale, yscale: one of ``SCALES`` or None. legend: True to draw one.
    """
    as_axes(ax, allow_none=False)
    for name, text in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        as_text(text, name, allow_none=True)
    for name, limits in (("xlim", xlim), ("ylim", ylim)):
        _limits(limits, name)
    for name, scale in (("xscale", xscale), ("yscale", yscale)):
        if scale is not None:
            one_of(scale, name, SCALES)
    legend = as_flag(legend, "legend")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if xscale is not None:
        ax.set_xscale(xscale)
    if yscale is not None:
        ax.set_yscale(yscale)
    if xlim is not None:
        ax.set_xlim(xlim)
    if ylim is not None:
        ax.set_ylim(ylim)
    if legend:
        ax.legend()
    return ax


def _limits(limits, name):
    """Check axis limits: None or a pair of finite numbers ``(low, high)`` (None keeps one side)."""
    if limits is None:
        return
    if not isinstance(limits, (tuple, list, np.ndarray)) or len(limits) != 2:
        raise TypeError(f"{name} must be a pair (low, high) or None, got {_describe(limits)}")
    for value in limits:
        if value is not None:
            as_number(value, name)
