# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration_failure filter: what a rescue notes about the failed task, for the summary and the host's final
failure (documented in integration_failure.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.filter.in_settings import in_settings


def integration_failure(plan, failed_task=None, failed_result=None, hosts=(), hostvars=None):
    """{'task', 'message'} of the failed task. A task run once for every tenant (the shared OAuth client) fails them
    all, but Ansible names the task and its result only to the tenant it ran for (failed_task, failed_result); the
    others take both from the first of hosts whose hostvars hold them, and say so. The message names the inventory
    variables behind the module options it speaks of (the plan's setting_names)."""
    source = None
    if not failed_task:
        failed_task, failed_result = {}, {}
        for host in hosts or ():
            other = (hostvars or {}).get(host) or {}
            if other.get('ansible_failed_task'):
                source, failed_task, failed_result = host, other['ansible_failed_task'], other.get(
                    'ansible_failed_result') or {}
                break
    task = (failed_task or {}).get('name') or 'unknown task'
    if source:
        task += ' (run once for every tenant, with %s)' % source
    message = (failed_result or {}).get('msg')
    return {'task': task, 'message': in_settings('see the output above' if message is None else message,
                                                 plan.get('setting_names'))}


class FilterModule(object):
    def filters(self):
        return {'integration_failure': integration_failure}
