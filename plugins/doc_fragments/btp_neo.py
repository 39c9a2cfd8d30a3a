# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection options for SAP BTP, Neo environment."""

    DOCUMENTATION = r'''
options:
  landscape_host:
    description:
      - The Neo region host, for example C(hana.ondemand.com) (neo-eu1), C(eu2.hana.ondemand.com) or
        C(us1.hana.ondemand.com).
      - Every Neo base URL not given explicitly is derived from it (I(api_url), I(configapi_url), I(oauth_url)).
      - If not set, the value of the E(SAP_NEO_LANDSCAPE_HOST) environment variable is used.
    type: str
  subaccount:
    description:
      - Technical name of the Neo subaccount the request is about. For the IPS proxy scenario this is the
        consumer subaccount that is subscribed to C(<provider>/ipsproxy).
      - If not set, the value of the E(SAP_NEO_SUBACCOUNT) environment variable is used.
    type: str
    aliases: [consumer_subaccount]
  api_url:
    description:
      - Base URL of the Neo platform API host, which issues platform API tokens and serves the Authorization
        Management API.
      - Default C(https://api.<landscape_host>).
      - If not set, the value of the E(SAP_NEO_API_URL) environment variable is used.
    type: str
  configapi_url:
    description:
      - Base URL of the Neo configuration service, which holds destinations (used by M(sapcloud.identity.scp_destination)
        and M(sapcloud.identity.scp_destination_info)).
      - Default C(https://configapi.<landscape_host>).
      - If not set, the value of the E(SAP_NEO_CONFIGAPI_URL) environment variable is used.
    type: str
  oauth_url:
    description:
      - Base URL of the OAuth service of the consumer subaccount, which issues tokens to registered OAuth clients
        (used by M(sapcloud.identity.scp_oauth_client)).
      - Default C(https://oauthasservices-<subaccount>.<landscape_host>).
      - If not set, the value of the E(SAP_NEO_OAUTH_URL) environment variable is used.
    type: str
  platform_client_id:
    description:
      - Client ID of a Neo platform API client (cockpit, subaccount, Security > OAuth > Platform API > Create API
        Client). Its scopes must cover what the module does, for example Authorization Management
        (C(manageAuthorizationSettings), C(readAuthorizationSettings)) and the destination scopes.
      - If not set, the value of the E(SAP_NEO_PLATFORM_CLIENT_ID) environment variable is used.
    type: str
  platform_client_secret:
    description:
      - Secret of the platform API client (shown once when the client is created).
      - If not set, the value of the E(SAP_NEO_PLATFORM_CLIENT_SECRET) environment variable is used.
    type: str
notes:
  - Platform API tokens are requested at C(<api_url>/oauth2/apitoken/v1?grant_type=client_credentials) with the
    client in a Basic Authorization header (the only form Neo accepts). They live 1500 seconds and are reused
    across tasks, modules and parallel forks (see the token cache note).
  - >-
    Token cache: a token is kept in a file named by a SHA-256 of token URL, client ID and secret, mode 0600 in a
    0700 directory (E(SAPCLOUD_TOKEN_CACHE_DIR), else C($XDG_CACHE_HOME/sapcloud.identity/tokens), else
    C(~/.cache/sapcloud.identity/tokens)) on the host that runs the module. An exclusive lock per credential makes
    parallel forks wait for one token request instead of each making their own. A token is used until shortly
    before it expires; a token without a positive C(expires_in) is never written to the cache. When a server
    answers 401 to a cached token, the token is dropped, one new token is requested and the call is repeated once.
'''
