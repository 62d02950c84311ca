"""The book's look: one palette, one set of matplotlib settings, one axis-styling function.

Chapters call :func:`use` once at the top. Plot helpers never change global
settings themselves; they style their axes with :func:`set_axes`.
"""

import matplotlib as mpl

#: Colours used across the book, by role. Colour-blind safe (Okabe and Ito).
COLORS = {
    "data": "#0072B2",
    "model": "#D55E00",
    "residual": "#999999",
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
    """Style one axes: labels, limits, scales and an optional legend. Returns ``ax``."""
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
