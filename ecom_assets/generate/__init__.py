"""Synthetic daily drops of an online shop, following the landing contract (landing.md).

``generate(out_dir, start, days, ...)`` writes ``out_dir/<YYYY-MM-DD>/<name>_table.csv``
for every table of ``ecom_assets.schema.TABLES`` and ``_SUCCESS`` last; the CLI is
``python -m ecom_assets.generate``.
"""

from ecom_assets.generate.core import GenerateResult, generate
from ecom_assets.generate.faults import Fault

__all__ = ["Fault", "GenerateResult", "generate"]
