#!/usr/bin/env python3
"""Check a running demo as a new user would: the login page answers, a demo user signs in, the inbox lists tasks.

Usage: demo_check.py BASE_URL [--user inspector1] [--password demo] [--wait 300]
Standard library only (it runs before or beside the project's virtualenv). Exit 0 when all is well.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TASK_LINK = re.compile(r'href="/tasks/[0-9a-f-]+"')


def wait_for_login(opener: urllib.request.OpenerDirector, base: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            with opener.open(f"{base}/login", timeout=10) as response:
                if response.status == 200:
                    return response.read().decode("utf-8")
                last = f"status {response.status}"
        except (urllib.error.URLError, OSError) as error:
            last = str(error)
        time.sleep(1)
    raise SystemExit(f"demo_check: GET /login did not answer 200 within {seconds:g} s ({last})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--user", default="inspector1")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--wait", type=float, default=300.0)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = wait_for_login(opener, base, args.wait)
    token = CSRF.search(page)
    if token is None:
        raise SystemExit("demo_check: the login page has no CSRF token")
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "username": args.user, "password": args.password})
    with opener.open(f"{base}/login", data=form.encode(), timeout=30) as response:
        landed = response.geturl()
        body = response.read().decode("utf-8")
    if "/login" in urllib.parse.urlparse(landed).path:
        raise SystemExit(f"demo_check: signing in as {args.user} failed (still on {landed})")
    with opener.open(f"{base}/tasks", timeout=30) as response:
        body = response.read().decode("utf-8")
    tasks = len(set(TASK_LINK.findall(body)))
    if tasks == 0:
        raise SystemExit(f"demo_check: {args.user}'s inbox at /tasks shows no task")
    print(f"demo_check: /login 200, signed in as {args.user}, inbox shows {tasks} task(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
