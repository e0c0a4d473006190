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


class BadDatabase(QuotegraphError):
    """A database URL, server or file cannot be used as the corpus store."""


class BadQuery(QuotegraphError):
    """A query names a source, database or grouping the corpus cannot answer for."""


class EngineUnavailable(QuotegraphError):
    """The batch engine cannot start: Ray is not installed, or its cluster cannot be reached."""
