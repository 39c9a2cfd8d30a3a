# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options and return value of the *_preflight modules (module_utils/plumbing/preflight.py)."""

    DOCUMENTATION = r'''
options:
  setting_names:
    description:
      - What the user sets for a module option, used in the verdicts, for example C(api_password) to
        C(sapcloud_s4_api_password (SAP_S4_API_PASSWORD)). Options not listed are named as themselves.
    type: dict
    default: {}
'''
