# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The collection's own management contract for IDM (no SAP system offers it).
    DOCUMENTATION = r'''
options:
  idm_admin_url:
    description:
      - Base URL of a server that implements the collection's own REST contract for IDM repositories and their
        initial load (C(docs/ips-idm-contract.md)). SAP Identity Management 8.0 has no such API; today only the
        collection's emulator implements it.
      - Required with C(transport=api), and by M(sapcloud.identity.idm_repository_info).
      - If not set, the value of the E(SAP_IDM_ADMIN_URL) environment variable is used.
    type: str
  idm_admin_user:
    description:
      - User for Basic authentication on O(idm_admin_url).
      - If not set, the value of the E(SAP_IDM_ADMIN_USER) environment variable is used.
    type: str
  idm_admin_password:
    description:
      - Password of O(idm_admin_user).
      - If not set, the value of the E(SAP_IDM_ADMIN_PASSWORD) environment variable is used.
    type: str
'''
