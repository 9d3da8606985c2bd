"""``barcode_cloud`` under the import name ``aspose_barcode_cloud``, for running code written for Aspose's SDK
against ours unchanged (tests/sdk/test_aspose_peers.py puts this folder first on PYTHONPATH).

Every ``aspose_barcode_cloud.X`` is the module ``barcode_cloud.X`` itself, not a second copy: classes stay the same
objects whichever name imported them. A module path ours lacks fails to import, as it would after editing the
imports by hand."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

import barcode_cloud

_PREFIX = "aspose_barcode_cloud."


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_PREFIX):
            return None
        ours = "barcode_cloud." + fullname[len(_PREFIX) :]
        if importlib.util.find_spec(ours) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module("barcode_cloud." + spec.name[len(_PREFIX) :])

    def exec_module(self, module: ModuleType) -> None:
        """The module was run when ``barcode_cloud`` imported it."""


sys.meta_path.insert(0, _Alias())
sys.modules[__name__] = barcode_cloud
