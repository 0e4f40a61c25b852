"""Names of a package that load on first use (PEP 562), so importing it stays light."""

import importlib
from collections.abc import Iterable, Mapping


def attach(package: str, exports: Mapping[str, str] | None = None,
           submodules: Iterable[str] = ()):
    """Module-level ``__getattr__``, ``__dir__`` and ``__all__`` for ``package``.

    ``exports`` maps a public name to the submodule that defines it; each name
    in ``submodules`` is a submodule reachable as an attribute. Nothing is
    imported until an attribute is first asked for. ``__all__`` lists the
    exports, or the submodules where there are none.

    Examples
    --------
    >>> getattr_, dir_, all_ = attach("mathkit", submodules=["claims"])
    >>> getattr_("claims").__name__, all_
    ('mathkit.claims', ['claims'])
    """
    exports = dict(exports or {})
    submodules = tuple(submodules)

    def __getattr__(name):
        if name in exports:
            return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    def __dir__():
        return sorted({*exports, *submodules})

    return __getattr__, __dir__, sorted(exports or submodules)
