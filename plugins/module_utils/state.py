# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state versus current state: what changes, the diff, check mode and write-only secrets.

Modules describe an object as a flat dict of server field names. Fields set to None in the desired state are
"don't care". Write-only fields (passwords) cannot be read back, so they never count as a difference; they are
sent on create, and on update only with update_password=always.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.module_utils.base import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.transport import MASK, dumps


def same(desired, current):
    """Equality by meaning: dicts by content, lists of dicts regardless of order, numbers and numeric strings alike."""
    if isinstance(desired, dict) and isinstance(current, dict):
        return all(same(v, current.get(k)) for k, v in desired.items() if v is not None)
    if isinstance(desired, list) and isinstance(current, list):
        return sorted(dumps(v) for v in desired) == sorted(dumps(v) for v in current)
    if isinstance(desired, bool) or isinstance(current, bool):
        return desired is current
    if isinstance(desired, (int, float)) and isinstance(current, str) or \
            isinstance(current, (int, float)) and isinstance(desired, str):
        return str(desired) == str(current)
    return desired == current


def changes(desired, current, write_only=()):
    """The fields of desired that differ from current, ignoring None and write-only fields."""
    current = current or {}
    return dict((k, v) for k, v in desired.items()
                if v is not None and k not in write_only and not same(v, current.get(k)))


def masked(obj, secret_fields):
    """A copy of obj with every secret field (at any depth) shown as a mask."""
    if isinstance(obj, list):
        return [masked(v, secret_fields) for v in obj]
    if not isinstance(obj, dict):
        return obj
    return dict((k, MASK if k in secret_fields and v not in (None, '') else masked(v, secret_fields))
                for k, v in obj.items())


def without(obj, fields):
    """A copy of obj without the given fields (at any depth): what may be returned to the user."""
    if isinstance(obj, list):
        return [without(v, fields) for v in obj]
    if not isinstance(obj, dict):
        return obj
    return dict((k, without(v, fields)) for k, v in obj.items() if k not in fields)


class Ensure:
    """Collects the outcome of one module run: changed, diff, and whether writes may be made."""

    def __init__(self, module, secret_fields=()):
        self.module = module
        self.check_mode = module.check_mode
        self.secret_fields = set(secret_fields)
        self.changed = False
        self.before = None
        self.after = None
        self.actions = []

    def record(self, action, before, after):
        """Note a change (create/update/delete/...). Returns True when the write should really be made."""
        self.changed = True
        self.actions.append(action)
        if self.before is None:
            self.before = before
        self.after = after
        return not self.check_mode

    def missing(self, message):
        """A referenced object (a user, a system) is missing; message names the parameter. A real run fails. Check
        mode only warns and goes on, because an earlier task of the same run creates the object when the run is real
        and check mode created nothing."""
        if not self.check_mode:
            raise ValidationError(message)
        self.module.warn('%s yet; check mode goes on as if an earlier task of this run had created it, a real run '
                         'fails unless one does' % message)

    def present(self, current, desired, create, update, write_only=(), update_password='on_create'):
        """Create or update one object. create(desired) returns the new object; update(current, delta) returns
        the updated object or None (then current+delta is assumed). Returns the object as it now is."""
        if current is None:
            if self.record('create', {}, desired):
                return create(desired)
            return dict(desired)
        delta = changes(desired, current, write_only)
        secrets = dict((k, desired[k]) for k in write_only if desired.get(k) is not None)
        if update_password == 'always' and secrets:
            delta.update(secrets)
        if not delta:
            return current
        after = dict(current)
        after.update(delta)
        if self.record('update', current, after):
            return update(current, delta) or after
        return after

    def absent(self, current, delete):
        if current is None:
            return False
        if self.record('delete', current, {}):
            delete(current)
        return True

    def diff(self):
        if not self.changed:
            return {'before': {}, 'after': {}}
        return {'before': masked(self.before or {}, self.secret_fields),
                'after': masked(self.after or {}, self.secret_fields)}

    def result(self, **values):
        """The module's return dict: changed, diff, plus values with secret fields removed."""
        out = dict(changed=self.changed, diff=self.diff(), actions=self.actions)
        out.update(without(values, self.secret_fields))
        return out
