"""A real SMTP server for the tests (aiosmtpd) on 127.0.0.1: STARTTLS required (or implicit TLS,
or none at all), with a certificate made for it by a CA of its own (its file is what the hub is
given as BOLT_SMTP_CA_FILE), a login required, and every mail it accepted kept, parsed."""
from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Dict, List, Optional

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USERNAME = "bolt-hub"
PASSWORD = "smtp-password-for-tests"


def make_certificate(folder: Path) -> Dict[str, Path]:
    """A CA and a certificate for 127.0.0.1 and localhost signed by it, as PEM files."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bolt test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


class Inbox:
    """What the server accepted: each mail parsed, with its envelope's recipients."""

    def __init__(self) -> None:
        self.mails: List[EmailMessage] = []
        self.recipients: List[List[str]] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.original_content or envelope.content,
                                  policy=policy.default)
        with self.arrived:
            self.mails.append(mail)  # type: ignore[arg-type]
            self.recipients.append(list(envelope.rcpt_tos))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> List[EmailMessage]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.mails) >= count, timeout):
                raise AssertionError(f"{len(self.mails)} mails arrived, not {count}")
            return list(self.mails)


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                  data: Any) -> AuthResult:
    ok = (isinstance(data, LoginPassword) and data.login == USERNAME.encode()
          and data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """`start()` on a port (the same again after `stop()`: a server that went down and came
    back), with STARTTLS and a login both required."""

    def __init__(self, folder: Path, port: int, inbox: Optional[Inbox] = None,
                 security: str = "starttls") -> None:
        self.files = make_certificate(folder)
        self.port = port
        self.security = security  # starttls, tls (implicit, from the first byte) or none
        self.inbox = inbox or Inbox()
        self.controller: Optional[Controller] = None

    def start(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.files["cert"]), str(self.files["key"]))
        if self.security == "starttls":
            options: Dict[str, Any] = {"tls_context": context, "require_starttls": True,
                                       "auth_require_tls": True}
        elif self.security == "tls":
            options = {"ssl_context": context, "auth_require_tls": False}
        else:  # a server that offers no TLS at all
            options = {"auth_require_tls": False}
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, authenticator=_authenticate,
            auth_required=True, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hub_environment(self) -> Dict[str, str]:
        """What a hub is given to send through this server."""
        return {"BOLT_SMTP_HOST": "127.0.0.1", "BOLT_SMTP_PORT": str(self.port),
                "BOLT_SMTP_SECURITY": self.security, "BOLT_SMTP_USERNAME": USERNAME,
                "BOLT_SMTP_PASSWORD": PASSWORD, "BOLT_SMTP_CA_FILE": str(self.files["ca"]),
                "BOLT_SMTP_FROM": "Bolt <support@help.example.com>",
                "BOLT_MAIL_SEND_SECONDS": "0.1", "BOLT_MAIL_RETRY_SECONDS": "0.2",
                "BOLT_MAIL_RETRY_MAX_SECONDS": "0.5", "BOLT_SMTP_TIMEOUT_SECONDS": "3"}
