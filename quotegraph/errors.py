"""Coded errors: each says what went wrong, with which value, and what to do next."""


class QuotegraphError(Exception):
    """Base of every error quotegraph raises on purpose."""


class CorpusNotFound(QuotegraphError):
    """A gold or training directory is not in the PolNeAR layout."""


class BadInput(QuotegraphError):
    """An input file, line or value cannot be read as an article."""


class ModelNotFound(QuotegraphError):
    """The tagger weights or the base encoder package are missing."""


class BadSetting(QuotegraphError):
    """A configuration value is unknown or of the wrong type."""
