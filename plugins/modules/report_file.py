#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: report_file
short_description: Write a run's report to a file, creating its directory
version_added: 0.2.0
author: sapcloud.identity contributors (@sapcloud)
description:
  - Writes O(content) to O(path) whole and atomically (a temporary file in the same directory, then a rename),
    creating missing parent directories, and leaves the file alone when it already holds exactly that content with
    that mode.
  - The shipped playbooks write their Markdown summaries with it (role P(sapcloud.identity.summary#role)). On the
    controller it runs in the task's worker like the collection's other modules, where M(ansible.builtin.file) plus
    M(ansible.builtin.template) would start two module processes for every run.
  - A report describes a run; it is no managed object of the landscape. Check mode writes it too when the task sets
    C(check_mode=false), as the summary role does.
attributes:
  check_mode:
    description: Reports whether the file would change and writes nothing.
    support: full
  diff_mode:
    description: A report is no managed object; no diff is returned.
    support: none
options:
  path:
    description: The file to write. Missing parent directories are created with O(directory_mode).
    type: path
    required: true
  content:
    description: The text to write (UTF-8).
    type: str
    required: true
  mode:
    description:
      - Permissions of the file, in octal (V(0644), V(644) or V(0o644)). The setuid, setgid and sticky bits are
        refused, and so is write access for others unless O(world_writable=true).
    type: str
    default: '0644'
  directory_mode:
    description: Permissions of parent directories this module creates, in octal, limited as O(mode) is.
    type: str
    default: '0755'
  world_writable:
    description: Allow a O(mode) or O(directory_mode) that lets every user write.
    type: bool
    default: false
  force:
    description:
      - Replace O(path) even when it is a symbolic link (the link itself is replaced, never the file it points to),
        not a regular file, or owned by another user. Without it such a path fails before any write.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Write the run's summary
  sapcloud.identity.report_file:
    path: output/integrate.md
    content: "{{ lookup('ansible.builtin.template', 'summary.md.j2') }}"
'''

RETURN = r'''
path:
  description: The absolute path of the file.
  returned: success
  type: str
  sample: /home/admin/output/integrate.md
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import (
    file_mode, foreign, parse_mode, read_text, write_text)
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import string_problem


def write_report(module):
    params = module.params
    path = os.path.abspath(params['path'])
    mode = parse_mode(params['mode'], 'mode', params['world_writable'])
    directory_mode = parse_mode(params['directory_mode'], 'directory_mode', params['world_writable'])
    problem = foreign(path)
    if problem and not params['force']:
        raise ValidationError('path: %s %s; refusing to replace it (set force: true to do so)' % (path, problem))
    if not problem and read_text(path, 'path', follow=False) == params['content'] and file_mode(path) == mode:
        return dict(changed=False, path=path)
    if not module.check_mode:
        directory = os.path.dirname(path)
        try:
            os.makedirs(directory, mode=directory_mode, exist_ok=True)
        except OSError as exc:
            raise ValidationError('path: cannot create directory %s: %s' % (directory, exc.strerror or exc))
        write_text(path, params['content'], mode, 'path')
    return dict(changed=True, path=path)


def main():
    spec = dict(path=dict(type='path', required=True), content=dict(type='str', required=True),
                mode=dict(type='str', default='0644'), directory_mode=dict(type='str', default='0755'),
                world_writable=dict(type='bool', default=False), force=dict(type='bool', default=False))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    problem = string_problem(spec)
    if problem:
        module.fail_json(msg=problem)
    try:
        module.exit_json(**write_report(module))
    except ValidationError as exc:
        module.fail_json(msg=str(exc))


if __name__ == '__main__':
    main()
