"""One exception type for every input a user can get wrong."""


class MTM4FError(Exception):
    """Bad input or missing data; the message says what to do."""


class DataError(MTM4FError):
    """A data directory, file or checksum problem."""


def check_choice(what: str, value, options):
    """``value`` when it is one of ``options``; else the one message for every such choice: 'Unknown <what> ...; use one of [...]'."""
    if value not in options:
        raise MTM4FError(f"Unknown {what} {value!r}; use one of {list(options)}.")
    return value
