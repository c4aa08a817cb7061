from django.core.management.base import BaseCommand

from demo.accounts import DEMO_TOTP_SECRET, current_demo_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo staff logins (demo databases only)."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo authenticator code: {current_demo_totp_code()} (secret {DEMO_TOTP_SECRET})")
