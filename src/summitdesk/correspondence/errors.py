"""The correspondence's refusals, in a leaf module: services, sending and the tasks between
them all raise or catch them."""


class CircularError(Exception):
    """An action on a circular refused, with a message for the person who asked."""
