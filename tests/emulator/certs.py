"""Test certificates, made at test time and never committed: a client CA, the client certificates it issues, and
the broken files the bad-input tests need (expired, not yet valid, a chain, a key that does not match...).

The emulator trusts the client CA for mutual TLS (tls.py); tests and `make demo-certificate` issue their client
certificates from it with issue() and write them with write_pem_files(). Keys are EC P-256: small and quick.
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def name(common_name, organization=None):
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


class Authority:
    """A certificate authority: its certificate and its key (in memory; written only where a test asks)."""

    def __init__(self, common_name='sapcloud.identity test client CA', key=None, certificate=None):
        self.key = key or new_key()
        self.certificate = certificate or build(name(common_name, 'sapcloud.identity tests'), None, self.key.public_key(),
                                                self.key, is_ca=True, days=30)

    def issue(self, common_name, key=None, not_before=None, days=365, organization='sapcloud.identity tests'):
        """(certificate, key) of a client certificate for common_name, signed by this CA."""
        key = key or new_key()
        certificate = build(name(common_name, organization), self.certificate.subject, key.public_key(), self.key,
                            is_ca=False, days=days, not_before=not_before)
        return certificate, key

    def save(self, directory):
        """Write the CA's certificate and key (mode 0600) into directory; returns their paths."""
        cert_path = os.path.join(directory, 'client-ca.pem')
        key_path = os.path.join(directory, 'client-ca-key.pem')
        write(cert_path, pem(self.certificate))
        write(key_path, key_pem(self.key))
        return cert_path, key_path

    @classmethod
    def load(cls, directory):
        with open(os.path.join(directory, 'client-ca.pem'), 'rb') as handle:
            certificate = x509.load_pem_x509_certificate(handle.read())
        with open(os.path.join(directory, 'client-ca-key.pem'), 'rb') as handle:
            key = serialization.load_pem_private_key(handle.read(), None)
        return cls(key=key, certificate=certificate)


def build(subject, issuer, public_key, signing_key, is_ca, days, not_before=None):
    start = not_before or datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer or subject).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    if not is_ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key, passphrase=None):
    encryption = (serialization.BestAvailableEncryption(passphrase.encode('utf-8')) if passphrase
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def write(path, data, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'wb') as handle:
        handle.write(data)
    os.chmod(path, mode)
    return path


def write_pem_files(directory, stem, certificate, key, passphrase=None):
    """stem.pem (certificate) and stem-key.pem (key, 0600, encrypted when passphrase is given); returns both paths."""
    os.makedirs(directory, exist_ok=True)
    return (write(os.path.join(directory, stem + '.pem'), pem(certificate), 0o644),
            write(os.path.join(directory, stem + '-key.pem'), key_pem(key, passphrase)))
