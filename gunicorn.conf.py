"""gunicorn settings for production (`gunicorn evalsys.wsgi`, see README "Production").

Every value can be overridden by the environment (GUNICORN_* below) or on the command line.
Workers are synchronous processes: the app's pages are short database reads and writes; long
work (batch exports) runs in `manage.py db_worker` processes, never in a web worker.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# (2 × cores) + 1, the usual rule for synchronous workers waiting on the database
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # an upload preview of 10,000 rows fits well inside
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycle workers: bounded memory
max_requests_jitter = 200
preload_app = True  # import Django once; workers fork from it (less memory, faster start)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# the request id (evalsys.lib.requestid) is in the app's own log lines; the access log adds timing
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
