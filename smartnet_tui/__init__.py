"""smartnet: keep Cisco SMARTnet support contracts under control from a terminal."""

__version__ = "0.1.0"
