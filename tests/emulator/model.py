"""The base of every emulated system's model: its state and the rules it enforces, without HTTP.

A model holds the system's state (a JSON-able dict, saved by the host after each write), its configuration from
the topology and the tenant-variant switches of its host (variants.py), and decides what a write does and which
writes it refuses. Routes (services/<system>/routes.py) parse a request, call the model and shape its answer;
a refusal reaches them as Refused, which they render in their system's error format.
"""

import threading


class Refused(Exception):
    """A rule of the emulated system refused an operation.

    status is the HTTP status the real system answers such a refusal with; code, message and target are what it
    reports (the routes put them into the system's error body).
    """

    def __init__(self, status, message, code=None, target=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.target = target


class Model:
    """State, configuration and tenant-variant switches of one emulated host. Subclasses add the rules.

    switches: a callable returning the host's active switches ({} outside an emulator); save: a callable that
    keeps the state (the host's state file). The lock serialises requests and calls from other hosts.
    """

    def __init__(self, config=None, switches=None, save=None):
        self.config = dict(config or {})
        self.switches = switches or dict
        self.keep = save or (lambda state: None)
        self.lock = threading.RLock()
        self.state = self.initial_state()

    def initial_state(self):
        return {}

    def restored(self):
        """Called after the state was loaded from an earlier run."""

    def save(self):
        self.keep(self.state)

    def reset(self):
        self.state = self.initial_state()
        self.save()

    def switch(self, name, default=None):
        """The value of a tenant-variant switch of this host, or default when off."""
        return self.switches().get(name, default)

    def inject(self, action, params):
        """Service-specific fault actions; True when handled. Here: expire_tokens, for a model whose state holds
        the tokens it issued (every one becomes invalid)."""
        if action != 'expire_tokens' or 'tokens' not in self.state:
            return False
        self.state['tokens'] = {}
        self.save()
        return True
