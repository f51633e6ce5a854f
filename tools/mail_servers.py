"""Real mail servers on loopback for the tests: Debian's Postfix (SMTP) and
Dovecot (IMAP, LMTP), each started directly (no systemd) from a
configuration of its own under a directory of the clone (.run/mail/), so
that the machine's own mail set-up, if any, is left alone.

- Postfix listens on 127.0.0.1 only and accepts mail for the given domains
  only; it hands every message to Dovecot over LMTP. Mail for any other
  domain is refused or bounced (``default_transport = error``): nothing
  leaves the machine.
- Every address of those domains has a mailbox on Dovecot (static user
  database, one password for all), read over IMAP on 127.0.0.1.
- Addresses given as Odoo's (the catchall, the bounce address, the aliases
  such as complaints@) are rewritten by Postfix to one mailbox, the one
  Odoo's incoming mail server fetches: the layout of README's production
  section.

Used by tests/test_mail_roundtrip.py; by hand:

    python tools/mail_servers.py start .run/mail   # prints the ports
    python tools/mail_servers.py stop .run/mail
"""

import argparse
import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"
PACKAGES = "postfix dovecot-imapd dovecot-lmtpd"
PASSWORD = "mailbox"
MAIL_USER = "nobody"  # owner of the mailboxes (Dovecot never writes mail as root)

MASTER_CF = """\
# service type private unpriv chroot wakeup maxproc command
{smtp}  inet  n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
lmtp      unix  - - n - - lmtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/postfix/spool
data_directory = {root}/postfix/data
maillog_file = {root}/postfix/mail.log
maillog_file_prefixes = {root}
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.{domain}
mydomain = {domain}
myorigin = $myhostname
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
alias_maps =
alias_database =
biff = no
smtputf8_enable = no
append_dot_mydomain = no
smtpd_banner = $myhostname ESMTP
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
message_size_limit = 20480000
# Every address of these domains has a mailbox on Dovecot.
virtual_mailbox_domains = {domains}
virtual_mailbox_maps = static:mailbox
virtual_alias_maps = {aliases}
virtual_transport = lmtp:inet:127.0.0.1:{lmtp}
# Nothing leaves the machine: any other destination is an error.
default_transport = error:5.7.1 this server delivers to its own domains only
relay_transport = error:5.7.1 this server delivers to its own domains only
local_transport = error:5.7.1 this server delivers to its own domains only
"""

DOVECOT_CONF = """\
base_dir = {root}/dovecot/run
instance_name = {instance}
state_dir = {root}/dovecot/state
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root}/dovecot/dovecot.log
info_log_path = {root}/dovecot/dovecot.log
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/dovecot/mail/%d/%n allow_all_users=yes
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
"""


class MailServerError(RuntimeError):
    pass


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port, what, log, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    text = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    raise MailServerError(f"{what} does not answer on 127.0.0.1:{port}. Its log ({log}):\n{text}")


def _run(cmd, log):
    """Run a server's command, its output appended to ``log``: a daemon
    keeps its inherited descriptors, so they are never pipes."""
    with open(log, "a") as out:
        returncode = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    if returncode:
        text = Path(log).read_text(errors="replace")[-3000:]
        raise MailServerError(f"`{' '.join(cmd)}` failed (exit status {returncode}):\n{text}")


def check_installed():
    """Fail with the reason when the servers cannot run here."""
    missing = [path for path in (POSTFIX, DOVECOT) if not os.path.exists(path)]
    if missing:
        raise MailServerError(
            f"{', '.join(missing)} missing: `make test` installs them "
            f"(tools/provision.sh test, as root: apt-get install {PACKAGES})"
        )
    if not os.path.exists("/usr/lib/dovecot/lmtp"):
        raise MailServerError(f"Dovecot's LMTP server is missing: apt-get install {PACKAGES}")
    if os.geteuid() != 0:
        raise MailServerError(
            "Postfix and Dovecot start as root and drop their privileges; run the test as root"
        )


def start(root, domains, odoo_mailbox=None, odoo_addresses=(), smtp=None, imap=None, lmtp=None):
    """Write the configurations under ``root`` and start both servers.
    Returns the ports and addresses as a dict (also written to
    ``root/servers.json``)."""
    check_installed()
    root = Path(root).resolve()
    stop(root)
    shutil.rmtree(root, ignore_errors=True)
    smtp, imap, lmtp = smtp or free_port(), imap or free_port(), lmtp or free_port()
    user = pwd.getpwnam(MAIL_USER)
    for sub in ("postfix/spool", "postfix/data", "dovecot/run", "dovecot/state", "dovecot/mail"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    # Postfix checks that its queue belongs to root and its data to postfix.
    shutil.chown(root / "postfix/data", "postfix")
    os.chown(root / "dovecot/mail", user.pw_uid, user.pw_gid)
    # Dovecot's mail processes reach the mailboxes as that user.
    for sub in ("", "postfix", "dovecot"):
        os.chmod(root / sub, 0o755)

    aliases = ", ".join(f"{address}={odoo_mailbox}" for address in odoo_addresses)
    (root / "postfix/main.cf").write_text(
        MAIN_CF.format(
            root=root,
            domain=domains[0],
            domains=" ".join(domains),
            aliases=f"inline:{{ {aliases} }}" if aliases else "",
            lmtp=lmtp,
        )
    )
    (root / "postfix/master.cf").write_text(MASTER_CF.format(smtp=f"127.0.0.1:{smtp}"))
    conf = root / "dovecot/dovecot.conf"
    conf.write_text(
        DOVECOT_CONF.format(
            root=root,
            instance=f"cf-{lmtp}",
            uid=user.pw_uid,
            gid=user.pw_gid,
            password=PASSWORD,
            imap=imap,
            lmtp=lmtp,
        )
    )
    _run([DOVECOT, "-c", str(conf)], root / "dovecot/dovecot.log")
    _wait_port(imap, "Dovecot (IMAP)", root / "dovecot/dovecot.log")
    _wait_port(lmtp, "Dovecot (LMTP)", root / "dovecot/dovecot.log")
    for action in ("check", "start"):
        _run([POSTFIX, "-c", str(root / "postfix"), action], root / "postfix/mail.log")
    _wait_port(smtp, "Postfix (SMTP)", root / "postfix/mail.log")
    info = {
        "root": str(root),
        "smtp_port": smtp,
        "imap_port": imap,
        "lmtp_port": lmtp,
        "password": PASSWORD,
        "domains": list(domains),
        "odoo_mailbox": odoo_mailbox,
    }
    (root / "servers.json").write_text(json.dumps(info, indent=2))
    return info


def stop(root):
    """Stop both servers of ``root`` if they run (quietly otherwise)."""
    root = Path(root).resolve()
    if (root / "postfix/main.cf").exists():
        subprocess.call(
            [POSTFIX, "-c", str(root / "postfix"), "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    conf = root / "dovecot/dovecot.conf"
    if conf.exists():
        subprocess.call(
            [DOVECOT, "-c", str(conf), "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


@contextlib.contextmanager
def running(root, domains, **kwargs):
    try:
        yield start(root, domains, **kwargs)
    finally:
        stop(root)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("root", help="directory for the configurations, queues and mailboxes")
    parser.add_argument("--domain", action="append", default=[], help="a domain served (repeat)")
    parser.add_argument("--odoo-mailbox", help="the mailbox Odoo fetches, e.g. odoo@example.test")
    parser.add_argument(
        "--odoo-address", action="append", default=[], help="an address of Odoo's (repeat)"
    )
    args = parser.parse_args(argv)
    try:
        if args.action == "stop":
            stop(args.root)
            return 0
        info = start(
            args.root,
            args.domain or ["example.test"],
            odoo_mailbox=args.odoo_mailbox,
            odoo_addresses=args.odoo_address,
        )
    except MailServerError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    sys.stdout.write(json.dumps(info, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
