# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own exceptions, shared by every layer; plumbing.module.run turns them into clean failures.
(ApiError, an answer or no answer from a server, lives with the HTTP client.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ValidationError(Exception):
    """Bad input found before any request; the message names the parameter and the rule."""


class MissingOption(ValidationError):
    """A required option is missing or empty. run() adds the environment variable the option falls back to, which
    only the module's argument spec knows."""

    def __init__(self, name, why=''):
        super(MissingOption, self).__init__('%s is required%s' % (name, ' ' + why if why else ''))
        self.name = name


class PartialChange(Exception):
    """A write failed after others were applied: the cause, and the result (changed, actions, diff) so far."""

    def __init__(self, cause, result):
        super(PartialChange, self).__init__(str(cause))
        self.cause = cause
        self.result = result
