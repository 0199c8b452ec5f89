"""Packaging: metadata and dependencies are in setup.cfg.

The package list is computed here because setup.cfg cannot combine `find:`
with the extra package that maps the top-level migrations/ folder to
saleor_returns.migrations.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["saleor_returns", "saleor_returns.*"], exclude=["*.__pycache__"])
    + ["saleor_returns.migrations"],
    package_dir={"saleor_returns.migrations": "migrations"},
)
