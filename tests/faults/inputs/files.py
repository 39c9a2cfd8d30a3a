"""Issue 17: hand-off files that are not the collection's own: a foreign file, a symbolic link to another file, a
file in place of a report. Each must fail before any write, in check mode too, and leave the file as it was."""

import os

S4 = 'sapcloud.identity.'
IPS, IDM, REPORT = S4 + 'ips_proxy_system', S4 + 'idm_repository', S4 + 'report_file'
FOREIGN = 'id;owner\n1;somebody else\n'
IDM_FILE = {'name': 'IT_BAD_FILE', 'transport': 'file', 'scim_protocol': 'https', 'scim_host': 'h.example.com',
            'scim_port': 443, 'scim_path': '/scim', 'auth_type': 'oauth', 'oauth_url': 'https://t.example.com',
            'auth_user': 'u', 'include_secrets': False}
IPS_FILE = {'name': 'IT BAD FILE', 'transport': 'file', 'destination_name': 'D'}


def unchanged(path, text):
    def check():
        if os.path.islink(path) or not os.path.isfile(path):
            return '%s is no longer the file it was' % path
        with open(path) as handle:
            return None if handle.read() == text else '%s was changed' % path
    return check


def cases(tmp):
    out = []
    folder = os.path.join(tmp, 'hand-off')
    os.makedirs(folder, exist_ok=True)
    precious = os.path.join(folder, 'precious.txt')
    with open(precious, 'w') as handle:
        handle.write(FOREIGN)
    for short, target, args in (('ips', IPS, IPS_FILE), ('idm', IDM, IDM_FILE)):
        for state in ('present', 'absent'):
            for check in (False, True):
                label = '%s file %s over a foreign file%s' % (short, state, ' (check mode)' if check else '')
                path = os.path.join(folder, '%s-%s-%s.txt' % (short, state, check))
                with open(path, 'w') as handle:
                    handle.write(FOREIGN)
                case_args = dict(args, dest=path, state=state)
                if check:
                    case_args['_check_mode'] = True
                out.append((label, 'module', target, case_args, ['dest', 'force'], {'check': unchanged(path, FOREIGN)}))
        link = os.path.join(folder, '%s-link' % short)
        os.symlink(precious, link)
        out.append(('%s file through a symbolic link' % short, 'module', target, dict(args, dest=link),
                    ['dest', 'symbolic link'], {'check': unchanged(precious, FOREIGN)}))
    link = os.path.join(folder, 'report-link.md')
    os.symlink(precious, link)
    out.append(('report_file through a symbolic link', 'module', REPORT, {'path': link, 'content': 'x'},
                ['path', 'symbolic link'], {'check': unchanged(precious, FOREIGN)}))
    return out
