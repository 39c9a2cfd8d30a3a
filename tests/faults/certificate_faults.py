"""make faults, certificate part: SIGKILL at seeded random points of a switch from basic to certificate
authentication and of a certificate rotation, each followed by a re-run that must converge, on its own emulator
speaking mutual TLS (tenant s4_t1, Neo).

Converged means: the re-run ends rc=0, verify.yml proves the chain with the certificate, the communication user's
inbound user is x509, it holds exactly the certificate in use, and integrate.yml then changes nothing and writes
nothing. The outputs join the suite's texts, and the private keys of the landscape (the emulated IPS's) join the
secret scan.
"""

import base64
import os

import requests

from harness import Suite

TENANT = 's4_t1'
USER = 'IDM_IPS_PROXY_A'


class CertificateFaults:
    def __init__(self, workdir, table, rng, quick):
        self.suite = Suite(os.path.join(workdir, 'certificate'), tenants=1, mtls=True)
        self.table = table
        self.rng = rng
        self.quick = quick
        self.cases = 0
        self.keys = []  # the private key of every certificate the emulated IPS generated, for the secret scan

    def stop(self):
        self.suite.stop()

    def download(self, path):
        """The manual step, stood in for by the emulator: IPS Certificate tab, Generate, Download."""
        emulator = self.suite.emulator
        demo = emulator.demo
        token = base64.b64encode(('%s:%s' % (demo['ips_admin_user'], demo['ips_admin_password'])).encode()).decode()
        response = requests.post(emulator.url('ips') + '/emulator-ui/ips/certificate', verify=emulator.ca_path,
                                 headers={'Authorization': 'Basic ' + token}, timeout=30)
        response.raise_for_status()
        with open(path, 'w') as handle:
            handle.write(response.text)
        return path

    def new_case(self, name):
        if self.cases:
            self.keys += self.secrets()  # before the reset drops the last case's IPS key
        self.cases += 1
        self.suite.emulator.reset()
        case = '%s-%d' % (name, self.cases)
        folder = os.path.join(self.suite.workdir, 'cases', case)
        os.makedirs(folder, exist_ok=True)
        return case, folder

    def extra(self, case, certificate_file=None):
        out = dict(self.suite.dirs(case))
        if certificate_file:
            out.update(sapcloud_ips_s4_authentication='certificate', sapcloud_ips_certificate_file=certificate_file)
        return out

    def run(self, label, playbook, extra):
        return self.suite.playbook(label, playbook, extra_vars=extra, limit=TENANT)

    def held(self):
        state = self.suite.emulator.state(TENANT)
        user = next((u for u in state['users'].values() if u['Name'] == USER), None)
        entries = [e for e in state['certificates'].values() if user and e['UserID'] == user['ID']]
        methods = sorted(i['AuthenticationMethod'] for i in state['inbound_users'].values()
                         if user and i['CommunicationUserID'] == user['ID'])
        return sorted(e['Subject'] for e in entries), methods

    def converged(self, extra, subject_part):
        """Problems after a finishing run: verify, the S/4 side, and a no-op integrate.yml."""
        problems = []
        if self.run('verify after kill', 'verify.yml', extra).rc != 0:
            problems.append('verify.yml failed')
        subjects, methods = self.held()
        if methods != ['x509']:
            problems.append('inbound user methods %s' % methods)
        if len(subjects) != 1 or subject_part not in subjects[0]:
            problems.append('certificates held %s' % subjects)
        self.suite.emulator.reset_stats()
        again = self.run('no-op after kill', 'integrate.yml', extra)
        changed = [r for r in again.results if r['changed']]
        if again.rc != 0 or changed or self.suite.state_writes():
            problems.append('integrate.yml afterwards: rc=%d, %d changed, %d writes'
                            % (again.rc, len(changed), self.suite.state_writes()))
        return problems

    def kill_point(self, writes):
        return self.rng.randint(0, max(writes - 1, 0)), round(self.rng.uniform(0, 0.5), 2)

    def switch_kills(self, kills):
        for _index in range(kills):
            case, folder = self.new_case('kill-switch')
            if self.run('switch setup', 'integrate.yml', self.extra(case)).rc != 0:
                self.table.add('certificate', 'switch setup', 1, 'integrate.yml (basic) failed', ok=False)
                continue
            certificate = self.download(os.path.join(folder, 'ips-certificate.pem'))
            at = self.kill_point(4)  # the switch writes: certificate, inbound user, destination, and reads between
            self.suite.emulator.reset_stats()
            proc, files = self.suite.start('killed switch', 'integrate.yml', self.extra(case, certificate),
                                           limit=TENANT)
            rc, _output = self.suite.finish(proc, files, kill_at=at)
            finish = self.run('switch re-run', 'integrate.yml', self.extra(case, certificate))
            problems = ['re-run rc=%d' % finish.rc] if finish.rc else []
            problems += self.converged(self.extra(case, certificate), 'Identity Provisioning ips 1')
            self.table.add('certificate', 'SIGKILL basic->certificate switch after write %d +%.2f s' % at, 5,
                           '%s; re-run converged, chain verified with the certificate' % (
                               'killed' if rc < 0 else 'had ended rc=%d' % rc) if not problems
                           else '; '.join(problems), ok=not problems)

    def rotate_kills(self, kills):
        for index in range(kills):
            case, folder = self.new_case('kill-rotate')
            first = self.download(os.path.join(folder, 'ips-certificate-1.pem'))
            if self.run('rotate setup', 'integrate.yml', self.extra(case, first)).rc != 0:
                self.table.add('certificate', 'rotate setup', 1, 'integrate.yml (certificate) failed', ok=False)
                continue
            second = self.download_keeping(os.path.join(folder, 'ips-certificate-2.pem'))
            at = self.kill_point(2)  # the rotation writes: the new certificate, the old one's removal
            proc, files = self.suite.start('killed rotate', 'rotate.yml', self.extra(case, second), limit=TENANT)
            rc, _output = self.suite.finish(proc, files, kill_at=at)
            finish = self.run('rotate re-run', 'rotate.yml', self.extra(case, second))
            problems = ['re-run rc=%d' % finish.rc] if finish.rc else []
            problems += self.converged(self.extra(case, second), 'Identity Provisioning ips 2')
            self.table.add('certificate', 'SIGKILL rotate.yml (certificate) after write %d +%.2f s' % at, 5,
                           '%s; re-run converged on the new certificate, the old one removed' % (
                               'killed' if rc < 0 else 'had ended rc=%d' % rc) if not problems
                           else '; '.join(problems), ok=not problems)

    def download_keeping(self, path):
        """download(), keeping the key it replaces for the scan."""
        self.keys += self.secrets()
        return self.download(path)

    def secrets(self):
        """The private key of the emulated IPS (its certificate's key) as scan entries: the PEM body lines."""
        state = self.suite.emulator.state('ips')
        key = (state.get('certificate') or {}).get('key', '')
        return [line for line in key.splitlines() if line and not line.startswith('-----')]


def certificate_section(workdir, table, rng, quick):
    """Run the certificate kills; returns (runs, texts, secrets) for the suite's totals and scans."""
    faults = CertificateFaults(workdir, table, rng, quick)
    try:
        kills = 1 if quick else 3
        faults.switch_kills(kills)
        faults.rotate_kills(kills)
        faults.keys += faults.secrets()
    finally:
        faults.stop()
    return faults.suite.runs, faults.suite.texts, sorted(set(faults.keys))
