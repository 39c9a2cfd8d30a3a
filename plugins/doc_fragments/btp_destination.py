# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Where destinations live (destination_scope_argument_spec in module_utils/clients/btp.py)."""

    DOCUMENTATION = r'''
options:
  platform:
    description:
      - Which BTP environment holds the destinations.
      - C(neo) needs I(subaccount), the platform API client and I(landscape_host) or the base URLs; C(cf) needs
        I(service_key).
    type: str
    required: true
    choices: [neo, cf]
  level:
    description:
      - Where the destinations live.
      - C(subaccount) on both platforms.
      - C(instance) (cf only) is the Destination service instance the I(service_key) belongs to.
      - C(application) (neo only) is an application of I(subaccount), named by I(application).
      - C(subscription) (neo only) is the subscription of I(subaccount) to I(provider_subaccount)/I(application).
    type: str
    choices: [subaccount, instance, application, subscription]
    default: subaccount
  application:
    description:
      - Neo application name for I(level=application) and I(level=subscription).
    type: str
  provider_subaccount:
    description:
      - Neo provider subaccount of the subscribed application for I(level=subscription).
    type: str
'''
