"""`scenariohub demo_logins`: where the site is and how to log in to it (printed by `make run`)."""

import unicodedata

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from scenariohub.accounts.models import User
from scenariohub.scenarios import demo


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Print the site's URL and the demo logins (username, role, organisation, password)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="the address the site is served at"
        )

    def handle(self, *args, url: str, **options):
        self.stdout.write(f"ScenarioHub 场景通: {url}")
        logins = demo.demo_logins()
        if not logins:
            self.stdout.write("No demo logins: run `scenariohub seed_demo` to create them.")
            return
        # Every demo user shares one hash; check it once, so a changed password is shown as such.
        hashes = dict(
            User.objects.filter(username__in=[x.username for x in logins]).values_list("username", "password")
        )
        demo_hash = next((h for h in set(hashes.values()) if check_password(demo.DEMO_PASSWORD, h)), None)
        rows = [("username", "role", "organisation", "password")]
        for login in logins:
            role = "office (admin site)" if login.is_superuser else login.role
            password = demo.DEMO_PASSWORD if hashes.get(login.username) == demo_hash else "(changed)"
            rows.append((login.username, role, login.organisation, password))
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(
            f"Every other demo organisation has a login too (provider02, supplier02, department02, …), "
            f"same password. Admin site: {url.rstrip('/')}/admin/"
        )
        self.stdout.write(
            "office and admin also need two-factor authentication: at their first login the site shows a QR "
            "code; scan it with an authenticator app (Microsoft/Google Authenticator, FreeOTP), enter its "
            "6-digit code and keep the recovery codes it shows. "
            "链长办 office 与管理后台 admin 首次登录时需用手机身份验证器扫码绑定双因素认证。"
        )
