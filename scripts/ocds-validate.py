#!/usr/bin/env python3
"""Validates OCDS package files against the OCDS 1.1 JSON Schemas in data/ocds.

usage: ocds-validate.py SCHEMA_DIR release-package.json record-package.json

The package schemas refer to the release schema by its canonical URL; the
reference is served from the local copy, so nothing is fetched. The record
package schema refers to a record schema (record-schema.json) that is not in
the copied schema set; in its place each record is checked by a local schema
that requires `ocid` and `releases` (as the OCDS record schema does) and
validates every embedded release and the compiled release against the
release schema. Exits 1 with every error's JSON path when a file does not
validate.
"""
import json
import sys

import jsonschema


def main():
    schema_dir, release_pkg, record_pkg = sys.argv[1:4]
    schemas = {}
    for name in ("release-schema.json", "release-package-schema.json", "record-package-schema.json"):
        with open(f"{schema_dir}/{name}", encoding="utf-8") as f:
            schemas[name] = json.load(f)
    store = {s["id"]: s for s in schemas.values()}
    release_id = schemas["release-schema.json"]["id"]
    record_ref = schemas["record-package-schema.json"]["properties"]["records"]["items"]["$ref"]
    store[record_ref] = {
        "id": record_ref,
        "type": "object",
        "required": ["ocid", "releases"],
        "properties": {
            "ocid": {"type": "string"},
            "releases": {"type": "array", "minItems": 1, "items": {"$ref": release_id}},
            "compiledRelease": {"$ref": release_id},
        },
    }
    failed = 0
    for path, schema_name in ((release_pkg, "release-package-schema.json"), (record_pkg, "record-package-schema.json")):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        schema = schemas[schema_name]
        resolver = jsonschema.RefResolver(base_uri=schema["id"], referrer=schema, store=store)
        validator = jsonschema.Draft4Validator(schema, resolver=resolver)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        for e in errors:
            print(f"{path}: {'/'.join(str(p) for p in e.absolute_path)}: {e.message}", file=sys.stderr)
        failed += len(errors)
        if not errors:
            print(f"{path}: valid against {schema_name}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
