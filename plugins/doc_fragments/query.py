# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The JMESPath option of the info modules (query_argument_spec in module_utils/plumbing/info.py)."""

    DOCUMENTATION = r'''
options:
  query:
    description:
      - A JMESPath expression applied to the list the module returns; its result is returned as RV(query_result).
      - An invalid expression fails before any request.
      - Needs the Python library C(jmespath).
    type: str
requirements:
  - jmespath (only for O(query))
'''
