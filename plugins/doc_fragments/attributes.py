# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Module attributes: check and diff mode (DOCUMENTATION for modules that change things, INFO for those that
    only read) and the action group of each system (the groups of meta/runtime.yml).

    The group variants are GROUP_S4 and so on, not S4: ansible-core resolves sapcloud.identity.attributes.s4 to the
    fragment sapcloud.identity.s4 when a fragment of that name exists.
    """

    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Can run in check mode and report what would change without changing it.
    support: full
  diff_mode:
    description: Returns the before and after states, with secrets masked.
    support: full
'''

    INFO = r'''
attributes:
  check_mode:
    description: Reads only, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: N/A
'''

    GROUP_S4 = r'''
attributes:
  action_group:
    description: Use C(group/sapcloud.identity.s4) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sapcloud.identity.s4
'''

    GROUP_BTP = r'''
attributes:
  action_group:
    description: Use C(group/sapcloud.identity.btp) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sapcloud.identity.btp
'''

    GROUP_IPS = r'''
attributes:
  action_group:
    description: Use C(group/sapcloud.identity.ips) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sapcloud.identity.ips
'''

    GROUP_IDM = r'''
attributes:
  action_group:
    description: Use C(group/sapcloud.identity.idm) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sapcloud.identity.idm
'''
