"""gunicorn settings for ScenarioHub: `gunicorn -c deploy/gunicorn.conf.py scenariohub.wsgi`.

Behind nginx (deploy/nginx.conf.sample) on each app server. Every value can be overridden from the
environment (GUNICORN_*), so the same file serves a 2-core test box and a 16-core server.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Loopback by default: nginx on the same host is the only client. Several hosts: bind the private address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, several threads each: pages wait on the database, not on the CPU.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
# A request that takes longer than this is a bug or an attack; nginx's proxy_read_timeout is a little longer.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Idle keep-alive connections are kept longer than any client (nginx's upstream pool: 60 s) keeps them, so
# that a client never sends a request on a connection the server is closing (a reset, or a 502 from nginx).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Recycle workers now and then so slow leaks (caches, the AI index) cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# Not preloaded: each worker opens its own database connections and starts its own background thread.
preload_app = False

# Only nginx may say which scheme and client address a request came with (X-Forwarded-*).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# No query strings in the access log: search terms and tokens in URLs are nobody's business there.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "scenariohub"
