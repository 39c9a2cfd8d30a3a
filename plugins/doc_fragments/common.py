# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options every module of the collection has (common_argument_spec in module_utils/options.py)."""

    DOCUMENTATION = r'''
options:
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Switch it off only for a test system; prefer O(ca_path) for a private certificate authority.
      - If not set, the value of the environment variable E(SAPCLOUD_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - File with the PEM certificate(s) of the certificate authority to trust instead of the system's default
        bundle.
      - If not set, the value of the environment variable E(SAPCLOUD_CA_PATH) is used.
    type: path
  timeout:
    description:
      - Deadline in seconds for each HTTP request, including its retries, back-off and C(Retry-After) waits. A retry
        that would end after the deadline is not started, so a server that accepts and never answers holds a task for
        about this long, not once per attempt. Connecting has its own limit of at most 10 seconds within it.
      - A create that failed without a clear answer is confirmed by a read before it is repeated; that read is a
        request of its own with its own deadline.
      - Must be greater than 0.
      - If not set, the value of the environment variable E(SAPCLOUD_TIMEOUT) is used.
    type: int
    default: 30
requirements:
  - python >= 3.8
  - requests
'''
