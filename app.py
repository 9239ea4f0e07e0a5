"""WSGI entry point, for running the node under any WSGI server:

    waitress-serve --port 8080 app:app        # or: gunicorn -w 1 --threads 8 app:app

Settings come from EHDS_NODE_* variables and EHDS_NODE_CONFIG, as for `ehds-node serve`. One worker
process only: the embedded store admits one writing process (threads are fine).
"""

from node.web.app import create_app

app = create_app()
