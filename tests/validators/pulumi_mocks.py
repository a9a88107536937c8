"""Runs a generated Pulumi program under the Python SDK's mocks and checks what it registers.

usage: python pulumi_mocks.py PROGRAM_DIR [--dump FILE]

No Pulumi CLI, engine, provider or network is needed: `pulumi.runtime.set_mocks` answers every
resource registration and every invoke (such as `tailscale.get_device`, which answers with a
tailnet IPv4 and IPv6 address) in-process. The program must run without raising, and the
resources it registers must hold together:

* it registers at least one resource, and resource names are unique per type;
* when the directory has a `policy.hujson`, exactly one `tailscale:index/acl:Acl` carries it (the
  same JSON once comments and trailing commas are dropped);
* every `DeviceTags` resource sets a non-empty list of `tag:...` tags;
* every `TailnetKey` has `tag:...` tags (if any) and an expiry of 1 second to 90 days (if any),
  and every export of a key (`*_authkey`) is secret;
* at most one `DnsConfiguration`, whose nameservers are IP addresses;
* every Gandi `livedns.Record` has values, a TTL of 300 seconds to 30 days, IPv4 addresses in an A
  record, IPv6 addresses in an AAAA record and one fully qualified target in a CNAME.

Prints one summary line and exits 0, or prints the problems and exits 1. With `--dump FILE` it
also writes the registered resources (type, name, inputs) and the exports (value, secret) as JSON.
"""

from __future__ import annotations

import collections
import ipaddress
import json
import os
import re
import runpy
import sys
import traceback

import yaml

ACL = "tailscale:index/acl:Acl"
DEVICE_TAGS = "tailscale:index/deviceTags:DeviceTags"
TAILNET_KEY = "tailscale:index/tailnetKey:TailnetKey"
DNS_CONFIGURATION = "tailscale:index/dnsConfiguration:DnsConfiguration"
RECORD = "gandi:livedns/record:Record"
GET_DEVICE = "tailscale:index/getDevice:getDevice"


def hujson_to_json(text: str) -> object:
    """Parses HuJSON: JSON with comments and trailing commas."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 2
        else:
            out.append(c)
            i += 1
    return json.loads(re.sub(r",(\s*[\]}])", r"\1", "".join(out)))


def stack_config(program_dir: str, project: str) -> dict[str, str]:
    """The config of the first `Pulumi.<stack>.yaml`, keys namespaced, secure values masked."""
    config: dict[str, str] = {}
    stacks = sorted(
        f
        for f in os.listdir(program_dir)
        if f.startswith("Pulumi.") and f.endswith(".yaml") and f != "Pulumi.yaml"
    )
    if not stacks:
        return config
    with open(os.path.join(program_dir, stacks[0]), encoding="utf-8") as f:
        values = (yaml.safe_load(f) or {}).get("config") or {}
    for key, value in values.items():
        key = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and "secure" in value:
            value = "secret"
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


def is_ip(text: object, version: int | None = None) -> bool:
    """Whether a value is an IP address (of one version, when given)."""
    try:
        address = ipaddress.ip_address(str(text))
    except ValueError:
        return False
    return version is None or address.version == version


def check_resources(resources: list[tuple[str, str, dict]], problems: list[str]) -> None:
    """The checks of the tailnet's keys and DNS settings and of the zones' records."""
    for typ, name, inputs in resources:
        if typ == TAILNET_KEY:
            tags = inputs.get("tags") or []
            if not all(isinstance(t, str) and t.startswith("tag:") for t in tags):
                problems.append(f"TailnetKey {name!r} has tags {tags!r}, not `tag:...`")
            expiry = inputs.get("expiry")
            if expiry is not None and not 1 <= float(expiry) <= 90 * 86400:
                problems.append(f"TailnetKey {name!r} expires after {expiry!r} seconds")
        elif typ == DNS_CONFIGURATION:
            servers = list(inputs.get("nameservers") or [])
            for split in inputs.get("splitDns") or []:
                servers.extend(split.get("nameservers") or [])
            for server in servers:
                if not is_ip(server.get("address")):
                    problems.append(f"DnsConfiguration {name!r} has nameserver {server!r}")
        elif typ == RECORD:
            values = inputs.get("values") or []
            kind = inputs.get("type")
            if not values or not all(isinstance(v, str) and v for v in values):
                problems.append(f"Record {name!r} has values {values!r}")
            if not 300 <= float(inputs.get("ttl") or 0) <= 2592000:
                problems.append(f"Record {name!r} has a TTL of {inputs.get('ttl')!r}")
            version = {"A": 4, "AAAA": 6}.get(str(kind))
            if version and not all(is_ip(v, version) for v in values):
                problems.append(f"{kind} record {name!r} has values {values!r}")
            if kind == "CNAME" and (len(values) != 1 or not str(values[0]).endswith(".")):
                problems.append(f"CNAME record {name!r} has values {values!r}")
    configurations = [name for typ, name, _ in resources if typ == DNS_CONFIGURATION]
    if len(configurations) > 1:
        problems.append(f"{len(configurations)} DnsConfiguration resources: {configurations!r}")


def main() -> int:
    program_dir = os.path.abspath(sys.argv[1])
    dump = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--dump" else None
    with open(os.path.join(program_dir, "Pulumi.yaml"), encoding="utf-8") as f:
        project_file = yaml.safe_load(f) or {}
    project = project_file.get("name", "project")

    import pulumi
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    resources: list[tuple[str, str, dict]] = []

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            resources.append((args.typ, args.name, dict(args.inputs)))
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs):
            result = dict(args.args)
            name = str(args.args.get("name") or args.args.get("hostname") or "device")
            result.setdefault("id", f"id-{name}")
            result.setdefault("nodeId", f"node-{name}")
            if args.token == GET_DEVICE:
                n = sum(name.encode()) % 250 + 1
                result.setdefault("addresses", [f"100.64.0.{n}", f"fd7a:115c:a1e0::{n:x}"])
            return result

    pulumi.runtime.set_mocks(Mocks(), project=project, stack="test", preview=False)
    pulumi.runtime.set_all_config(stack_config(program_dir, project))

    main_path = os.path.join(program_dir, project_file.get("main") or "__main__.py")
    if os.path.isdir(main_path):
        main_path = os.path.join(main_path, "__main__.py")
    os.chdir(program_dir)
    sys.path.insert(0, os.path.dirname(main_path))
    try:
        _sync_await(run_pulumi_func(lambda: runpy.run_path(main_path, run_name="__main__")))
    except BaseException:  # noqa: BLE001 - any failure of the program is the finding
        print("the program raised:\n" + traceback.format_exc())
        return 1

    problems = []
    if not resources:
        problems.append("the program registered no resource")
    seen = collections.Counter((typ, name) for typ, name, _ in resources)
    for (typ, name), count in sorted(seen.items()):
        if count > 1:
            problems.append(f"{count} resources of type {typ} are named {name!r}")

    policy_path = os.path.join(program_dir, "policy.hujson")
    acls = [inputs for typ, _, inputs in resources if typ == ACL]
    if os.path.exists(policy_path):
        with open(policy_path, encoding="utf-8") as f:
            policy = hujson_to_json(f.read())
        if len(acls) != 1:
            problems.append(f"{len(acls)} Acl resources, expected one for policy.hujson")
        for acl in acls:
            text = acl.get("acl")
            if not isinstance(text, str):
                problems.append(f"the Acl's `acl` input is {type(text).__name__}, not a string")
            elif hujson_to_json(text) != policy:
                problems.append("the Acl's `acl` input is not the policy in policy.hujson")

    for typ, name, inputs in resources:
        if typ != DEVICE_TAGS:
            continue
        tags = inputs.get("tags")
        if not tags or not all(isinstance(t, str) and t.startswith("tag:") for t in tags):
            problems.append(f"DeviceTags {name!r} has tags {tags!r}, not a list of `tag:...`")
    check_resources(resources, problems)

    exports = {}
    root = pulumi.runtime.get_root_resource()
    for key, value in (getattr(root, "outputs", None) or {}).items():
        output = pulumi.Output.from_input(value)
        exports[key] = {
            "value": _sync_await(output.future(with_unknowns=True)),
            "secret": bool(_sync_await(output.is_secret())),
        }
        if key.endswith("_authkey") and not exports[key]["secret"]:
            problems.append(f"the export {key!r} of an auth key is not secret")
    if dump:
        with open(dump, "w", encoding="utf-8") as f:
            json.dump({"resources": resources, "exports": exports}, f, indent=2, default=repr)

    if problems:
        print("\n".join(problems))
        return 1
    kinds = collections.Counter(typ.rsplit(":", 1)[-1] for typ, _, _ in resources)
    print(f"{len(resources)} resources: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Skip the SDK's asyncio and gRPC teardown, which only adds noise to a finished run.
    os._exit(code)
