# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.plugin_utils.doc_options import contract_admin_options


class ModuleDocFragment(object):

    # The collection's own management contract for IDM (no SAP system offers it).
    DOCUMENTATION = 'options:' + contract_admin_options(
        'idm_admin', 'SAP_IDM_ADMIN', 'IDM repositories and their initial load', 'SAP Identity Management 8.0',
        'idm_repository_info')
