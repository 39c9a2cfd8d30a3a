# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The two transports of the IPS/IDM hand-off modules and their state (hand_off_argument_spec in
    module_utils/clients/handoff.py); each module documents O(dest), the file it writes, and O(update_password)."""

    DOCUMENTATION = r'''
options:
  transport:
    description:
      - V(file) writes O(dest), which an admin imports by hand; RV(next_step) says where and how.
      - V(api) calls the collection's own REST contract at the system's admin URL (C(ips_admin_url) or
        C(idm_admin_url)). No SAP system offers it.
    type: str
    choices: [api, file]
    default: file
  force:
    description:
      - An existing O(dest) is replaced (or removed with O(state=absent)) only when it is this module's own document
        as it writes it, a regular file (a symbolic link is never followed) and owned by the user the task runs as.
        Anything else fails before any write, in check mode too.
      - V(true) replaces or removes it anyway; a symbolic link itself is replaced, never the file it points to.
    type: bool
    default: false
  state:
    description:
      - V(present) defines the object. V(absent) deletes it (O(transport=api)) or removes O(dest) (O(transport=file));
        with the file transport the admin then deletes the object in the console by hand (RV(next_step)).
    type: str
    choices: [present, absent]
    default: present
'''
