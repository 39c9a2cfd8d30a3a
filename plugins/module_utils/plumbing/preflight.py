# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The table the *_preflight modules build: one row a fact (fact, expected, found, verdict, set)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

VERDICTS = ('confirmed', 'different', 'unknown')


def preflight_argument_spec():
    return dict(setting_names=dict(type='dict', default={}))


class Facts:
    """Rows of facts; names maps a module option to what the user sets (for example a playbook variable)."""

    def __init__(self, names):
        self.rows = []
        self.names = names or {}

    def name(self, key):
        return self.names.get(key) or key

    def add(self, fact, expected, found, verdict, to_set=''):
        if verdict not in VERDICTS:
            raise ValueError("verdict must be one of %s, got %r" % (", ".join(VERDICTS), verdict))
        self.rows.append(dict(fact=fact, expected=expected, found=found, verdict=verdict,
                              set='' if verdict == 'confirmed' else to_set))

    def skipped(self, facts, why):
        for fact, expected in facts:
            self.add(fact, expected, 'not checked: %s' % why, 'unknown', 'run preflight again after fixing the above')
