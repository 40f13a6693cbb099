"""Errors raised by `labeling`.

Every user-facing error is one line: what is wrong, where, and what to do.

Exception tree::

    ValueError
    └── LabelingError                  base for bad input to labeling
        ├── LabelColumnError           the label column is missing or unusable
        │   ├── SingleClassError       fewer than two classes to tell apart
        │   ├── ContinuousLabelError   a float label with many non-integer values (regression)
        │   └── TooManyClassesError    more than MAX_CLASSES distinct labels
        ├── FeatureColumnError         a column named in ``features=`` is missing or is the label
        ├── TooFewRowsError            not enough rows for K-fold cross-validation
        ├── PredProbsError             user-supplied ``pred_probs`` is unusable (shape, values)
        └── InvalidOptionError         an unknown ``model=``, ``issue_types=`` or bad ``folds=``
    ImportError
    └── LabelsExtraMissingError        cleanlab / scikit-learn / datasets is not installed
"""

from __future__ import annotations

#: Message shown when the optional ``[labels]`` extra is not installed.
EXTRA_MESSAGE = "label-issue detection needs the [labels] extra: pip install 'datagates[labels]'"


class LabelingError(ValueError):
    """Base class for every bad-input error raised by `labeling`."""


class LabelColumnError(LabelingError):
    """The label column is missing or cannot be used for classification."""


class SingleClassError(LabelColumnError):
    """The label column has fewer than two classes (after dropping nulls and singleton classes)."""


class ContinuousLabelError(LabelColumnError):
    """The label column looks continuous: this package is for classification only."""


class TooManyClassesError(LabelColumnError):
    """The label column has more distinct values than `MAX_CLASSES`."""


class FeatureColumnError(LabelingError):
    """A column passed in ``features=`` does not exist or is the label column."""


class TooFewRowsError(LabelingError):
    """There are not enough rows per class for the requested cross-validation."""


class PredProbsError(LabelingError):
    """User-supplied ``pred_probs`` has the wrong shape or invalid values."""


class InvalidOptionError(LabelingError):
    """An option (``model=``, ``issue_types=``, ``folds=`` ...) has an unsupported value."""


class LabelsExtraMissingError(ImportError):
    """cleanlab, scikit-learn or datasets (the ``[labels]`` extra) is not installed."""

    def __init__(self, missing: str | None = None) -> None:
        super().__init__(EXTRA_MESSAGE, name=missing)
