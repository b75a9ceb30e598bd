"""One exception type for every input a user can get wrong."""


class MTM4FError(Exception):
    """Bad input or missing data; the message says what to do."""


class DataError(MTM4FError):
    """A data directory, file or checksum problem."""
