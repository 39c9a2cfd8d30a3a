# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection options for the SAP BTP, Cloud Foundry Destination service."""

    DOCUMENTATION = r'''
options:
  service_key:
    description:
      - A service key (or binding credentials) of a Destination service instance, as a dict or as JSON text, for
        example the output of C(cf service-key <instance> <key>).
      - It must hold C(url) (the XSUAA base URL), C(clientid), C(clientsecret) and C(uri) (the Destination service
        base URL). The UAA fields may also be nested under C(uaa), and the whole key under C(credentials).
      - The subaccount, and for instance-level destinations the service instance, is the one the key belongs to.
      - Only the client secret form is supported, not the X.509 (mTLS) credential type.
      - If not set, the value of the E(SAP_CF_DESTINATION_SERVICE_KEY) environment variable (JSON text) is used.
    type: raw
notes:
  - >-
    Tokens are requested at C(<url>/oauth/token) with the client credentials grant (client in a Basic
    Authorization header) and reused across tasks, modules and parallel forks through the token cache: a file
    named by a SHA-256 of token URL, client ID and secret, mode 0600 in a 0700 directory (E(SAPCLOUD_TOKEN_CACHE_DIR),
    else C($XDG_CACHE_HOME/sapcloud.identity/tokens), else C(~/.cache/sapcloud.identity/tokens)), written under an
    exclusive lock so parallel forks make one token request. A token without a positive C(expires_in) is not
    cached; a 401 on a cached token drops it, fetches one new token and repeats the call once.
'''
