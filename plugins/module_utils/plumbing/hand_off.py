# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of the IPS/IDM hand-off modules, which have two transports (clients/handoff.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run


def run_hand_off(argument_spec, desired, apply_api, apply_file):
    """main() of a module with the two transports: desired(params) validates the input before any request, then
    apply_api or apply_file(module, desired) makes it so."""
    module = new_module(argument_spec, supports_check_mode=True)

    def body(module):
        apply = apply_api if module.params['transport'] == 'api' else apply_file
        return apply(module, desired(module.params))

    run(module, body)
