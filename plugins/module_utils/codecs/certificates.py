# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""X.509 certificates and keys given as options: read, checked before any request, described without secrets.

Every check fails with ValidationError naming the option, so bad input never reaches a server. Parsing uses
`cryptography`, which ansible-core already depends on. A description (subject, issuer, validity, SHA-256
fingerprint) is what results and diffs show; a key or passphrase never leaves this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import contextlib
import datetime
import os
import re
import shutil
import stat
import tempfile

from ansible.module_utils.common.warnings import warn

from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - ansible-core depends on it
    HAS_CRYPTOGRAPHY = False

CERT_BLOCK = re.compile(r'-----BEGIN CERTIFICATE-----\s*[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----')
KEY_MARKER = re.compile(r'-----BEGIN (?:[A-Z]+ )?(?:ENCRYPTED )?PRIVATE KEY-----')


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def not_before(certificate):
    value = getattr(certificate, 'not_valid_before_utc', None)  # cryptography >= 42
    return value or certificate.not_valid_before.replace(tzinfo=datetime.timezone.utc)


def not_after(certificate):
    value = getattr(certificate, 'not_valid_after_utc', None)
    return value or certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def _read_text(path, parameter):
    if not path or not os.path.isfile(path):
        raise ValidationError('%s must be a readable file, got %r' % (parameter, path))
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise ValidationError('%s: %s cannot be read (%s)' % (parameter, path, exc.strerror or exc))
    try:
        return data.decode('ascii')
    except UnicodeDecodeError:
        raise ValidationError('%s: %s is not a PEM file (binary content; convert DER with openssl x509 -inform der)'
                              % (parameter, path))


def certificates_in(text, parameter, origin):
    """Every certificate of a PEM text; ValidationError naming parameter when there is none."""
    if not HAS_CRYPTOGRAPHY:
        raise ValidationError('%s needs the Python library cryptography' % parameter)
    blocks = CERT_BLOCK.findall(text)
    if not blocks:
        if KEY_MARKER.search(text):
            raise ValidationError('%s: %s holds a private key, not a certificate; give the certificate here and '
                                  'the key in its own option' % (parameter, origin))
        raise ValidationError('%s: %s is not a PEM certificate (no BEGIN CERTIFICATE block)' % (parameter, origin))
    out = []
    for block in blocks:
        try:
            out.append(x509.load_pem_x509_certificate(block.encode('ascii')))
        except ValueError as exc:
            raise ValidationError('%s: %s holds a damaged certificate (%s)' % (parameter, origin, exc))
    return out


def check_validity(certificate, parameter, origin):
    now = _now()
    if not_after(certificate) < now:
        raise ValidationError('%s: the certificate in %s (subject %s) expired on %s'
                              % (parameter, origin, certificate.subject.rfc4514_string(),
                                 not_after(certificate).strftime('%Y-%m-%d %H:%M UTC')))
    if not_before(certificate) > now:
        raise ValidationError('%s: the certificate in %s (subject %s) is not valid before %s'
                              % (parameter, origin, certificate.subject.rfc4514_string(),
                                 not_before(certificate).strftime('%Y-%m-%d %H:%M UTC')))


def load_certificate(path, parameter, single=True):
    """The certificate in a PEM file, checked (one certificate when single, valid now); with single=False the
    first of a chain (leaf first)."""
    text = _read_text(path, parameter)
    found = certificates_in(text, parameter, path)
    if single and len(found) > 1:
        raise ValidationError('%s: %s holds %d certificates (a chain); give exactly one certificate here'
                              % (parameter, path, len(found)))
    check_validity(found[0], parameter, path)
    return found[0]


def key_file_mode_problem(path, parameter):
    """None, or why the key file's permissions are unsafe: readable by others is refused (a message), readable by
    the group is only warned about (a message starting with 'warning:')."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & stat.S_IROTH:
        return ('%s: %s is readable by every user of this machine (mode %04o); make it private with chmod 600'
                % (parameter, path, mode))
    if mode & stat.S_IRGRP:
        return ('warning: %s: %s is readable by its group (mode %04o); chmod 600 keeps it private'
                % (parameter, path, mode))
    return None


def load_key(path, parameter, passphrase=None, passphrase_parameter='passphrase'):
    """(private key, warnings) of a PEM key file; its permissions, its PEM and its passphrase checked."""
    text = _read_text(path, parameter)
    if not KEY_MARKER.search(text):
        if CERT_BLOCK.search(text):
            raise ValidationError('%s: %s holds a certificate, not a private key' % (parameter, path))
        raise ValidationError('%s: %s is not a PEM private key (no BEGIN PRIVATE KEY block)' % (parameter, path))
    problem = key_file_mode_problem(path, parameter)
    if problem and not problem.startswith('warning:'):
        raise ValidationError(problem)
    warnings = [problem[len('warning: '):]] if problem else []
    encrypted = 'ENCRYPTED' in text
    if encrypted and not passphrase:
        raise ValidationError('%s: %s is encrypted; give its passphrase in %s'
                              % (parameter, path, passphrase_parameter))
    try:
        key = serialization.load_pem_private_key(text.encode('ascii'), passphrase.encode('utf-8')
                                                 if encrypted else None)
    except (ValueError, TypeError):
        if encrypted:
            raise ValidationError('%s: wrong passphrase for %s (%s)' % (passphrase_parameter, path, parameter))
        raise ValidationError('%s: %s holds a damaged private key' % (parameter, path))
    return key, warnings


def check_pair(certificate, key, cert_parameter, key_parameter):
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    mine = key.public_key().public_bytes(serialization.Encoding.DER, spki)
    theirs = certificate.public_key().public_bytes(serialization.Encoding.DER, spki)
    if mine != theirs:
        raise ValidationError('%s and %s do not belong together: the key is not the one of the certificate (subject %s)'
                              % (key_parameter, cert_parameter, certificate.subject.rfc4514_string()))


def client_certificate(params, names):
    """(certificate file, key file, passphrase) for HttpClient(client_cert=...), or None when the certificate option
    is not set; checked first (a warning for a group-readable key goes to the module's warnings). names = (cert
    option, key option, passphrase option). The certificate file may carry its chain after the leaf."""
    cert_name, key_name, passphrase_name = names
    if not params.get(cert_name):
        if params.get(key_name):
            raise ValidationError('%s is given without %s (the client certificate it belongs to)'
                                  % (key_name, cert_name))
        return None
    if not params.get(key_name):
        raise ValidationError('%s is given, so %s (its private key file) is required too' % (cert_name, key_name))
    certificate = load_certificate(params[cert_name], cert_name, single=False)
    key, warnings = load_key(params[key_name], key_name, params.get(passphrase_name), passphrase_name)
    check_pair(certificate, key, cert_name, key_name)
    for message in warnings:
        warn(message)
    return params[cert_name], params[key_name], params.get(passphrase_name)


def check_pem_pair(cert_text, key_text, cert_name, key_name):
    """A certificate and key given as PEM text (an X.509 service key), checked like files: PEM, valid now, matching."""
    found = certificates_in(cert_text or '', cert_name, 'the value')
    check_validity(found[0], cert_name, 'the value')
    if not KEY_MARKER.search(key_text or ''):
        raise ValidationError('%s is not a PEM private key' % key_name)
    try:
        key = serialization.load_pem_private_key(key_text.encode('ascii'), None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ValidationError('%s holds a damaged or encrypted private key' % key_name)
    check_pair(found[0], key, cert_name, key_name)


@contextlib.contextmanager
def pem_files(cert_text, key_text):
    """(cert file, key file, None) for HttpClient while the block runs: a private folder (0700, files 0600) that is
    removed afterwards. The TLS context loads both at once, so the key is on disk only for that moment."""
    folder = tempfile.mkdtemp(prefix='sapcloud-x509-')
    try:
        paths = []
        for name, text in (('cert.pem', cert_text), ('key.pem', key_text)):
            path = os.path.join(folder, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, 'w') as handle:
                handle.write(text)
            paths.append(path)
        yield paths[0], paths[1], None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fingerprint(certificate):
    return certificate.fingerprint(hashes.SHA256()).hex(':').upper()


def describe(certificate):
    """What may be shown of a certificate: no key material, ever."""
    return {'subject': certificate.subject.rfc4514_string(), 'issuer': certificate.issuer.rfc4514_string(),
            'not_before': not_before(certificate).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'not_after': not_after(certificate).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'fingerprint_sha256': fingerprint(certificate)}


def der_base64(certificate):
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode('ascii')


def pem_text(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')


def _split_rdns(text):
    """'CN=a, O=b\\, c' -> ['CN=a', 'O=b\\, c']: commas not escaped separate the attributes."""
    parts, current, escaped = [], '', False
    for char in text or '':
        if escaped:
            current += char
            escaped = False
        elif char == '\\':
            current += char
            escaped = True
        elif char in ',;':
            parts.append(current)
            current = ''
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def name_key(text):
    """A distinguished name compared by meaning: attributes in any order, spacing and type case ignored (how SAP
    writes Subject and Issuer, order and separators, is unconfirmed)."""
    out = []
    for part in _split_rdns(text):
        attribute, _sep, value = part.partition('=')
        out.append('%s=%s' % (attribute.strip().upper(), value.strip()))
    return tuple(sorted(out))
