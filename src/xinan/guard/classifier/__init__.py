"""The content engine's classifier (issue 4, detector 3): what the lexicons miss.

A linear model over character n-grams, trained by ``scripts/train_classifier.py`` on COLDataset
(Apache-2.0) and on examples written for xinan, shipped in ``data/`` and run with numpy only.
The engine calls :func:`load_default` and then ``Classifier.score`` / ``score_many``.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from xinan.guard.classifier.model import ArtefactError, Classifier, load

__all__ = ["ArtefactError", "Classifier", "default_artefact_dir", "load", "load_default"]


def default_artefact_dir() -> Path:
    """The directory of the artefact shipped inside the package."""
    return Path(str(resources.files("xinan.guard.classifier") / "data"))


@functools.cache
def load_default() -> Classifier:
    """The shipped classifier, loaded once per process."""
    return load(default_artefact_dir())
