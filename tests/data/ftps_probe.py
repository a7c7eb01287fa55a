#!/usr/bin/env python3
"""What a plain FTP client and explicit-FTPS clients can do against one server.

Usage: ftps_probe.py PORT USER PASSWORD CAFILE
Prints one JSON object; each value is "ok", a 3-digit FTP reply code, or an error word
("timeout", "tls", "closed", ...). Every socket has a 5 s timeout, so nothing hangs.
"""

import ftplib
import json
import socket
import ssl
import sys

PORT, USER, PASSWORD, CAFILE = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
TIMEOUT = 5


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """FTP_TLS that resumes the control connection's TLS session on data connections,
    as curl, lftp and rustls clients do (proftpd requires it by default)."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(
                conn, server_hostname=self.host, session=self.sock.session
            )
        return conn, size


def outcome(error):
    if isinstance(error, ftplib.Error) and str(error)[:3].isdigit():
        return str(error)[:3]
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(error, ssl.SSLError):
        return "tls"
    if isinstance(error, EOFError):
        return "closed"
    return type(error).__name__


def step(results, key, action):
    """Runs action; records "ok" or the failure; returns whether it worked."""
    try:
        action()
        results[key] = "ok"
        return True
    except Exception as error:  # every failure is a result here
        results[key] = outcome(error)
        return False


def context():
    ctx = ssl.create_default_context(cafile=CAFILE)
    return ctx


def plain(results):
    ftp = ftplib.FTP(timeout=TIMEOUT)
    ftp.connect("127.0.0.1", PORT)
    if step(results, "plain_login", lambda: ftp.login(USER, PASSWORD)):
        step(results, "plain_list", lambda: ftp.nlst())
    ftp.close()


def secure(results, prefix, cls, protect):
    ftp = cls(context=context(), timeout=TIMEOUT)
    ftp.connect("127.0.0.1", PORT)
    # "localhost" is in the certificate's names; the connection goes to 127.0.0.1.
    ftp.host = "localhost"
    if not step(results, prefix + "_login", lambda: ftp.login(USER, PASSWORD)):
        ftp.close()
        return
    if protect:
        ok = step(results, prefix + "_prot", ftp.prot_p)
    else:
        ok = step(results, prefix + "_prot", ftp.prot_c)
    if ok:
        step(results, prefix + "_list", lambda: ftp.nlst())
    ftp.close()


def clear_after_login(results):
    """AUTH TLS, login, then CCC (clear the control channel) and a command in the clear."""
    ftp = ReusingFTP_TLS(context=context(), timeout=TIMEOUT)
    ftp.connect("127.0.0.1", PORT)
    ftp.host = "localhost"
    if step(results, "ccc_login", lambda: ftp.login(USER, PASSWORD)):
        if step(results, "ccc", ftp.ccc):
            step(results, "ccc_pwd", ftp.pwd)
    ftp.close()


def main():
    results = {}
    for name, probe in [
        ("plain", plain),
        ("protc", lambda r: secure(r, "protc", ReusingFTP_TLS, False)),
        ("protp", lambda r: secure(r, "protp", ReusingFTP_TLS, True)),
        ("noreuse", lambda r: secure(r, "noreuse", ftplib.FTP_TLS, True)),
        ("ccc", clear_after_login),
    ]:
        try:
            probe(results)
        except Exception as error:
            results[name + "_connect"] = outcome(error)
    print(json.dumps(results, sort_keys=True))


main()
