"""Drives the provider plugin from Python: the SDK generated from its schema, in an Automation API
inline program (run in this process, no Python language host), with the real Pulumi CLI.

Usage: python plugin_automation.py <work dir>. Reads ONTAP_HOST, ONTAP_USERNAME, ONTAP_PASSWORD and
ONTAP_CA_CERTIFICATE (a simulated cluster's) and sets them as the provider's stack config; prints one
JSON object of what it saw on its last line.
"""
import json
import os
import sys

import pulumi
from pulumi import automation as auto
import pulumi_ontap_security as ontap


def program(telnet_off):
    def run():
        protocols = ontap.ManagementProtocolsArgs(rsh_enabled=False, telnet_enabled=False) if telnet_off else ontap.ManagementProtocolsArgs(rsh_enabled=False)
        cluster = ontap.ClusterSecurity("paris", fips=ontap.FipsArgs(enabled=True), management_protocols=protocols)
        pulumi.export("fips", cluster.fips)
        pulumi.export("cluster", cluster.cluster.name)

    return run


def stack_for(work, telnet_off):
    settings = auto.ProjectSettings(name="ontap-py", runtime="python", backend=auto.ProjectBackend(url="file://" + os.path.join(work, "backend")))
    opts = auto.LocalWorkspaceOptions(work_dir=work, pulumi_home=os.path.join(work, "home"), project_settings=settings)
    return auto.create_or_select_stack("dev", project_name="ontap-py", program=program(telnet_off), opts=opts)


def main(work):
    os.makedirs(os.path.join(work, "backend"), exist_ok=True)
    seen = {}
    stack = stack_for(work, telnet_off=False)
    stack.set_config("ontap-security:host", auto.ConfigValue(os.environ["ONTAP_HOST"]))
    stack.set_config("ontap-security:username", auto.ConfigValue(os.environ["ONTAP_USERNAME"]))
    stack.set_config("ontap-security:password", auto.ConfigValue(os.environ["ONTAP_PASSWORD"], secret=True))
    stack.set_config("ontap-security:caCertificate", auto.ConfigValue(os.environ["ONTAP_CA_CERTIFICATE"]))

    up = stack.up(on_output=lambda line: None)
    seen["up"] = {"result": up.summary.result, "fips": up.outputs["fips"].value, "cluster": up.outputs["cluster"].value}

    # A changed program: the preview's engine events carry the plugin's detailed diff.
    changed = stack_for(work, telnet_off=True)
    diffs = {}

    def on_event(event):
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type == "ontap-security:index:ClusterSecurity" and pre.metadata.detailed_diff:
            diffs.update({key: {"kind": value.diff_kind.value, "inputDiff": value.input_diff} for key, value in pre.metadata.detailed_diff.items()})

    preview = changed.preview(on_event=on_event)
    seen["preview"] = {"changes": {str(k): v for k, v in preview.change_summary.items()}, "detailedDiff": diffs}

    refresh = stack.refresh()
    seen["refresh"] = {"result": refresh.summary.result}
    # The state is judged with `pulumi stack export` by the caller: this API's export shows secrets.
    print(json.dumps(seen))


if __name__ == "__main__":
    main(sys.argv[1])
