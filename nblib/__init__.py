"""nblib: the numerical engine and the figure helpers of *How Neural Networks Are Trained*.

Each module holds one idea; import the one a chapter needs, e.g. ``from nblib import losses``.
"""

from nblib.counting import count_params

__all__ = ["count_params"]
__version__ = "0.1.0"
