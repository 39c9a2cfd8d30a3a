# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state versus current state: what changes, the diff, check mode and write-only secrets.

Modules describe an object as a dict of server field names and hand it to Ensure, which decides the writes, makes
them (or, in check mode, only reports them) and builds the result and the masked diff. Three shapes:
- Ensure.present: an entity updated field by field (PATCH), optionally with child collections by key (Children)
  and fields written by their own request (`separate`);
- Ensure.replace: a whole document that the server (or a file) takes as a whole;
- Ensure.absent: delete what exists.
Fields set to None in the desired state are "don't care". Write-only fields (passwords) cannot be read back, so they
never count as a difference; they are sent on create, and on update only with update_password=always.
A write that fails after others were applied leaves a PartialChange: the failure reports changed=true and the
actions applied before it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.module_utils.errors import PartialChange, ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError, MASK, dumps


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


def settled(item):
    """item without its None ("don't care") fields: what is sent on create."""
    return dict((k, v) for k, v in item.items() if v is not None)


class Children:
    """A child collection under `field` of a parent entity, its items identified by `key` (add, update, remove, purge).

    Separate writes (add(parent, item) -> created item, update(child, delta), remove(child)) follow the parent's
    create or update; actions are named add_<action>, update_<action>, remove_<action>. With inline=True the server
    takes listed items inside the parent's own create and update body and merges them by key; nothing is removed.
    A desired list of None leaves the collection as it is.
    """

    def __init__(self, field, key, action=None, add=None, update=None, remove=None, purge=False, write_only=(),
                 placeholder=None, inline=False):
        self.field = field
        self.key = key
        self.action = action
        self.write_only = tuple(write_only)
        self.add = add
        self.update = update
        self.remove = remove
        self.placeholder = placeholder or {}
        self.purge = purge
        self.inline = inline

    def plan(self, current, desired, update_password):
        """(add, [(child, delta)], remove) for the current and desired item lists."""
        if desired is None:
            return [], [], []
        by_key = dict((c.get(self.key), c) for c in current or [])
        wanted = set(d[self.key] for d in desired)
        add = [settled(d) for d in desired if d[self.key] not in by_key]
        update = []
        for item in desired:
            child = by_key.get(item[self.key])
            if child is None:
                continue
            delta = changes(item, child, self.write_only)
            if update_password == 'always':
                delta.update((k, item[k]) for k in self.write_only if item.get(k) is not None)
            if delta:
                update.append((child, item if self.inline else delta))
        remove = [c for c in current or [] if c.get(self.key) not in wanted] if self.purge and not self.inline else []
        return add, update, remove

    def merged(self, current, plan, added=None):
        """The collection after the plan: kept items with their changes, then the added ones."""
        add, update, remove = plan
        deltas = dict((id(child), delta) for child, delta in update)
        kept = [dict(c, **deltas.get(id(c), {})) for c in current or [] if not any(c is r for r in remove)]
        return kept + (added if added is not None else [dict(item, **self.placeholder) for item in add])


class Ensure:
    """Collects the outcome of one module run: changed, diff, actions, and whether writes may be made."""

    def __init__(self, module, secret_fields=()):
        self.module = module
        self.check_mode = module.check_mode
        self.secret_fields = set(secret_fields)
        self.changed = False
        self.before = None
        self.after = None
        self.actions = []
        self.applied = []

    def record(self, action, before, after):
        """Note a change (create/update/delete/...). Returns True when the write should really be made."""
        self.changed = True
        self.actions.append(action)
        if self.before is None:
            self.before = before
        self.after = after
        return not self.check_mode

    def write(self, action, before, after, call, *args):
        """Record a change and make its write (not in check mode): call(*args)'s result, or None in check mode.
        A failure leaves the module with the actions applied before it (PartialChange)."""
        if not self.record(action, before, after):
            return None
        try:
            result = call(*args)
        except (ApiError, ValidationError, EnvironmentError) as exc:
            if self.applied:
                raise PartialChange(exc, self.partial())
            raise
        self.applied.append(action)
        return result

    def partial(self):
        """What a failure half-way reports: the actions applied before it, and the diff of the whole change."""
        return dict(changed=True, actions=list(self.applied), diff=self.diff())

    def missing(self, message):
        """A referenced object (a user, a system) is missing; message names the parameter. A real run fails. Check
        mode only warns and goes on, because an earlier task of the same run creates the object when the run is real
        and check mode created nothing."""
        if not self.check_mode:
            raise ValidationError(message)
        self.module.warn('%s yet; check mode goes on as if an earlier task of this run had created it, a real run '
                         'fails unless one does' % message)

    def has_written(self):
        """Whether a write of this run was made (its ETags moved: read the object again before the next one)."""
        return bool(self.applied)

    def has_planned(self, action):
        """Whether this run made (or, in check mode, would make) a write of this action."""
        return action in self.actions

    def outcome(self, current):
        """The object as this run leaves it: the last write's after-state, or current when nothing changed."""
        return self.after if self.changed else current

    def present(self, current, desired, create, update, write_only=(), update_password='on_create', children=(),
                separate=None, placeholder=None, confirm=None):
        """Create or update one entity and its child collections; returns the entity as it now is.

        create(body) returns the new entity (body: desired without None fields, inline children included);
        update(current, delta) returns the updated entity or None (then current+delta is assumed). children: Children
        of desired's list fields. separate: {field: (action, write(current, value))}, fields of an existing entity
        written by a request of their own after the update (on create they go in the body). placeholder: fields
        the check-mode result of a create shows (the server would assign them). confirm: current came from an
        earlier task's read (without ETags, maybe stale); confirm(current) reads it again, and is called only when
        a write looks needed, so a no-op costs no request and every write is decided on a fresh read."""
        children = list(children)
        separate = separate or {}
        if confirm is not None and current is not None and self._would_write(
                current, desired, write_only, update_password, children, separate):
            current = confirm(current)
        nested = set(c.field for c in children)
        before = current or {}
        plans = dict((c.field, c.plan(before.get(c.field), desired.get(c.field), update_password)) for c in children)

        root = dict((k, v) for k, v in desired.items() if k not in nested)
        if current is None:
            body = settled(root)
            body.update((c.field, plans[c.field][0]) for c in children if c.inline and desired.get(c.field) is not None)
            after = dict(body)
            after.update((c.field, c.merged([], plans[c.field])) for c in children if not c.inline)
            created = self.write('create', {}, after, create, body)
            obj = created if created is not None else dict(body, **(placeholder or {}))
        else:
            delta = changes(dict((k, v) for k, v in root.items() if k not in separate), current, write_only)
            if update_password == 'always':
                delta.update((k, root[k]) for k in write_only if root.get(k) is not None)
            delta.update((c.field, [d for _child, d in plans[c.field][1]] + plans[c.field][0])
                         for c in children if c.inline and any(plans[c.field][:2]))
            later = dict((k, root[k]) for k in separate if changes({k: root.get(k)}, current))
            after = dict(current, **delta)
            after.update(later)
            after.update((c.field, c.merged(current.get(c.field), plans[c.field])) for c in children)
            obj = dict(current, **delta) if delta or later or children else current
            if delta:
                obj = self.write('update', current, after, update, current, delta) or obj
            for field, value in later.items():
                action, call = separate[field]
                self.write(action, current, after, call, current, value)
                obj[field] = value
            for c in children:
                if c.inline:
                    obj[c.field] = after[c.field]
        for c in children:
            if not c.inline:
                obj[c.field] = self._children(c, obj, before, plans[c.field], after)
        return obj

    @staticmethod
    def _would_write(current, desired, write_only, update_password, children, separate):
        """Whether present() would write anything for current (an existing entity)."""
        nested = set(c.field for c in children)
        root = dict((k, v) for k, v in desired.items() if k not in nested)
        if changes(dict((k, v) for k, v in root.items() if k not in separate), current, write_only):
            return True
        if update_password == 'always' and any(root.get(k) is not None for k in write_only):
            return True
        if any(changes({k: root.get(k)}, current) for k in separate):
            return True
        return any(any(c.plan(current.get(c.field), desired.get(c.field), update_password)) for c in children)

    def _children(self, children, parent, before, plan, after):
        """Make the separate writes of one child collection (removals first, so a replaced item frees its place)."""
        add, update, remove = plan
        for child in remove:
            self.write('remove_' + children.action, before, after, children.remove, child)
        for child, delta in update:
            self.write('update_' + children.action, before, after, children.update, child, delta)
        added = []
        for item in add:
            created = self.write('add_' + children.action, before, after, children.add, parent, item)
            added.append(created if created is not None else dict(item, **children.placeholder))
        return children.merged(before.get(children.field), (add, update, remove), added)

    def replace(self, current, target, write, write_only=(), update_password='on_create', create=None, view=None):
        """Make a whole document (the server or a file takes it as a whole) equal to target.

        view(document) is what is compared and shown in the diff (the document itself without one). Every key of
        either side's view is compared, so a key missing from target is a removal. Write-only keys (the server does
        not show them) count only with update_password=always. write(target) (create(target) for a new document,
        when given) makes the write and may return the document as the server holds it. Returns (the document as
        it now is, the changed keys sorted)."""
        view = view or (lambda document: document)
        after = view(target)
        if current is None:
            return self.write('create', {}, after, create or write, target) or target, sorted(after)
        before = view(current)
        keys = set(before) | set(after)
        changed = set(k for k in keys if k not in write_only and after.get(k) != before.get(k))
        if update_password == 'always':
            changed.update(k for k in write_only if k in after)
        if not changed:
            return current, []
        return self.write('update', before, after, write, target) or target, sorted(changed)

    def absent(self, current, delete):
        if current is None:
            return False
        self.write('delete', current, {}, delete, current)
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
