"""gunicorn's configuration for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Two processes per core, one request at a time in each: a page that waits on the database or
on a password's argon2 hash (which runs in a thread of its own, see accounts/passwords.py)
leaves the core to the other process, and no request waits for the GIL behind another's
Python code (threads in one process did: bench/bench_load.py measured more pages per second
and shorter tails with 4 processes × 1 thread than with 2 × 4 or 4 × 2 on 2 cores). A
process accepts a connection only when it has a thread free (worker_connections), and
closes it after the answer (keepalive 0): a connection accepted by a busy process, or kept
open, waits there while another process is idle (with kept connections the pages' p99 was
1.5 s against 0.95 s). WEB_BIND, WEB_CONCURRENCY (processes), WEB_THREADS,
WEB_ACCESS_LOG ("" for none) and WEB_PROXY_IPS (the proxies whose X-Forwarded-* count)
change the defaults.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")  # the reverse proxy in front
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_connections = threads  # a busy process takes no connection more: an idle one does
timeout = 30  # a request that takes longer is stuck: its worker is restarted
graceful_timeout = 30
keepalive = 0  # see above; the reverse proxy keeps the browsers' connections
max_requests, max_requests_jitter = 5000, 500  # processes renewed now and then
forwarded_allow_ips = os.environ.get("WEB_PROXY_IPS", "127.0.0.1")
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None  # "-": standard output
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


# /metrics sums the processes' counts when PROMETHEUS_MULTIPROC_DIR names a folder for them.
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):  # counts of an earlier run
            os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
