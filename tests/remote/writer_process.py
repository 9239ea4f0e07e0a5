"""A separate process that publishes records through the write API of its own node on a remote store
(tests/remote/test_cross_process.py starts two at once). Usage:
python -m tests.remote.writer_process QUERY_URL UPDATE_URL DATA_DIR PREFIX COUNT START_AT"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(query_url: str, update_url: str, data_dir: str, prefix: str, count: str, start_at: str) -> int:
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app
    from tests.conftest import API_TOKEN, BASE_URL
    from tests.publish.sample_records import renamed, turtle

    ctx = open_node(Settings(base_url=BASE_URL, data_dir=Path(data_dir), api_token=API_TOKEN, store="sparql",
                             store_query_url=query_url, store_update_url=update_url,
                             load_bundled_catalogue=False))
    client = create_app(context=ctx).test_client()
    bodies = [turtle(renamed("snds", f"{prefix}{n}")) for n in range(int(count))]
    time.sleep(max(0.0, float(start_at) - time.time()))  # both processes start writing at the same moment
    for n, body in enumerate(bodies):
        answer = client.put(f"/datasets/{prefix}{n}", data=body, headers={
            "Content-Type": "text/turtle", "Authorization": f"Bearer {API_TOKEN}"})
        if answer.status_code != 201:
            print(answer.status_code, answer.get_data(as_text=True), file=sys.stderr)
            return 1
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
