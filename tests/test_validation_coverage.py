"""Every public entry point of nblib has a test that drives it with bad input.

How to declare coverage: a module ``tests/test_validation_<topic>.py`` defines
a module-level set ``COVERS`` of dotted names, e.g.
``COVERS = {"nblib.optim.SGD", "nblib.optim.SGD.step"}``, naming each function,
class (its constructor) and public method that its tests call with bad values
of every argument, expecting a clear ``ValueError`` or ``TypeError``.

This test imports every such module, joins their ``COVERS`` and fails, naming
them, on the public entry points nobody covers. The entry points are listed
from the code itself: in every public module of nblib (no name part starting
with ``_``; the per-chapter package ``nblib.chapters`` excluded), each public
function and class defined there (or in one of its private submodules), and
each public method of such a class, inherited ones included (``SGD.step``).
Functions and methods without arguments are left out: there is no bad input
to give them.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path

import nblib

EXCLUDED_PACKAGES = ("nblib.chapters",)


def public_modules():
    """nblib and its public submodules, imported."""
    names = ["nblib"] + [info.name for info in pkgutil.walk_packages(nblib.__path__, "nblib.")]
    return [importlib.import_module(name) for name in names
            if not any(part.startswith("_") for part in name.split("."))
            and not name.startswith(EXCLUDED_PACKAGES)]


def _defined_in(obj, module):
    """True if ``obj`` belongs to ``module``: defined there or in a private module below it."""
    home = getattr(obj, "__module__", None) or ""
    if home == module.__name__:
        return True
    below = home[len(module.__name__) + 1:] if home.startswith(module.__name__ + ".") else ""
    return bool(below) and any(part.startswith("_") for part in below.split("."))


def _takes_arguments(function, skip_self):
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return True
    return len(parameters) > (1 if skip_self else 0)


def entry_points():
    """Dotted names of nblib's public functions, classes and public methods that take arguments."""
    names = set()
    for module in public_modules():
        for attribute, obj in vars(module).items():
            if attribute.startswith("_") or not _defined_in(obj, module):
                continue
            dotted = f"{module.__name__}.{attribute}"
            if inspect.isfunction(obj) and _takes_arguments(obj, skip_self=False):
                names.add(dotted)
            elif inspect.isclass(obj):
                if _takes_arguments(obj, skip_self=False):
                    names.add(dotted)
                for method_name in dir(obj):
                    method = inspect.getattr_static(obj, method_name)
                    public = not method_name.startswith("_") or method_name == "__call__"
                    defined_here = (getattr(method, "__module__", None) or "").startswith("nblib")
                    if (public and inspect.isfunction(method) and defined_here
                            and _takes_arguments(method, skip_self=True)):
                        names.add(f"{dotted}.{method_name}")
    return names


def declared_coverage():
    """The union of ``COVERS`` over every ``tests/test_validation_*.py`` module."""
    covers = set()
    for path in sorted(Path(__file__).parent.glob("test_validation_*.py")):
        module = importlib.import_module(path.stem)
        covers |= set(getattr(module, "COVERS", ()))
    return covers


def test_entry_points_are_found():
    names = entry_points()
    assert {"nblib.optim.SGD", "nblib.optim.SGD.step", "nblib.nn.MLP.forward", "nblib.losses.mean_squared_error",
            "nblib.search.LinearTeacher.__call__", "nblib.plots.regression.loss_contour"} <= names
    assert "nblib.optim.SGD.reset" not in names  # takes no arguments
    assert not any(name.startswith("nblib.chapters") for name in names)


def test_every_public_entry_point_is_driven_with_bad_input():
    missing = sorted(entry_points() - declared_coverage())
    assert not missing, f"{len(missing)} public entry points have no bad-input test: {missing}"
