"""Reads YAML files and prints their documents as one JSON list of {"file", "index", "doc"}.

Used by run.sh to hand Kubernetes objects to the npm models (crd_models.mjs) without a YAML
parser on the JavaScript side.
"""

import json
import sys

import yaml


def main() -> int:
    docs = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            for index, doc in enumerate(yaml.safe_load_all(f)):
                if isinstance(doc, dict):
                    docs.append({"file": path, "index": index, "doc": doc})
    json.dump(docs, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
