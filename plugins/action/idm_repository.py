# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of idm_repository: the collection's one action plugin class (plugin_utils/in_worker_action.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.plugin_utils.in_worker_action import InWorkerAction


class ActionModule(InWorkerAction):
    pass
