"""Stand-ins the unit tests share."""


class FakeModule:
    """What the engine (state.Ensure) uses of an AnsibleModule: check_mode and warn()."""

    def __init__(self, check_mode):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)
