"""Judge the ONTAP simulator with NetApp's own, unmodified Python client (`netapp-ontap`).

Run with the interpreter that scripts/python-client.sh prints:

    python check_simulator.py --host 127.0.0.1:PORT --ca CA.pem --version 9.16.1 \
        [--steps all|cluster,read,patch,failure|forms] [--failure-answer job|error]

Credentials come from --username/--password or ONTAP_USERNAME/ONTAP_PASSWORD (keep the password out of
the process list), or, for certificate-based access, --cert/--key or ONTAP_CLIENT_CERT_PATH/
ONTAP_CLIENT_KEY_PATH (a client certificate whose common name the cluster maps to an account). Every
other option also has an ONTAP_* variable: ONTAP_HOST, ONTAP_CA_PATH, ONTAP_EXPECTED_VERSION.

The steps, each checking what the expected ONTAP release can do:
  cluster  GET /api/cluster through `Cluster`: name, uuid and the version the simulator claims.
  read     `SecurityConfig().get(fields=...)` for the release's fields; a field the release lacks is a 400.
  patch    PATCHes of fips / tls / management protocols through `SecurityConfig().patch(...)`, letting the
           client follow the job link and poll, then re-reading; `Job(uuid).get()` before and after a job
           ends; FIPS side effects; ONTAP's synchronous 400 for TLSv1 under FIPS. 9.7 must refuse with 405.
  failure  A job that fails (the caller starts the cluster with scenario `dataVolumesPresent`, so turning on
           software-data-encryption conversion fails with 196608081) must raise NetAppRestError carrying
           ONTAP's message; `--failure-answer` tells which answer the cluster gives under `return_timeout`
           (its `failedJobAnswer`): `job` (202, then the polled job fails) or `error` (400 with the error).
  forms    Not part of `all`: the other forms the reference documents, which the caller switches on
           (okmCodeForm string, okmSupportedPresent false, jobLinkForm uuid, errorArguments, errorCodeForm
           integer, preconditionErrors patch with fipsCertificateStrengthTooLow and dataVolumesPresent, the key
           manager status code 65537300): the client reads a string code, misses `supported`, sends
           `return_records`, meets a job linked by uuid alone, and gets the preconditions as synchronous 400s
           with integer codes and `arguments`.

Prints one `ok` line per check and exits 0, or prints `FAIL` with the reason and exits 1.
"""

import argparse
import datetime
import os
import sys
import time
import traceback

from netapp_ontap import HostConnection, NetAppRestError
from netapp_ontap.resources import Cluster, Job, SecurityConfig

# Keep in step with the simulator's scenario messages (simulator/simCluster.ts).
DATA_VOLUMES_CODE = 196608081
DATA_VOLUMES_TEXT = "Data volumes are present"

# Keep in step with the "forms" profile of test/python-client.test.ts.
OKM_CODE = 65537300

TLS13_SUITES = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"}


class CheckFailed(Exception):
    """A check did not hold."""


def check(condition, what, detail=""):
    if not condition:
        raise CheckFailed(f"{what}{': ' + str(detail) if detail != '' else ''}")
    print(f"ok - {what}")


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def expect_rest_error(action, status=None, code=None, text=None):
    """Runs `action`, which must raise NetAppRestError; checks its HTTP status, ONTAP code and message."""
    try:
        action()
    except NetAppRestError as error:
        body = error.response_body or {}
        ontap = body.get("error", {}) if isinstance(body, dict) else {}
        if status is not None and error.status_code != status:
            raise CheckFailed(f"expected HTTP {status}, got {error.status_code}: {error}") from error
        if code is not None and str(ontap.get("code")) != str(code):
            raise CheckFailed(f"expected ONTAP code {code}, got {ontap!r}: {error}") from error
        if text is not None and text not in str(error):
            raise CheckFailed(f"expected {text!r} in the error message, got: {error}") from error
        return error
    raise CheckFailed("expected NetAppRestError, but the call succeeded")


def readable_fields(version):
    fields = ["onboard_key_manager_configurable_status"]
    if version >= (9, 8, 0):
        fields += ["fips", "software_data_encryption.conversion_enabled", "software_data_encryption.disabled_by_default"]
    if version >= (9, 10, 1):
        fields += ["tls", "management_protocols"]
    if version >= (9, 16, 1):
        fields += ["software_data_encryption.encryption_state"]
    return fields


def read_security(version):
    resource = SecurityConfig()
    resource.get(fields=",".join(readable_fields(version)))
    return resource.to_dict()


def job_uuid_of(response):
    body = response.http_response.json()
    check("job" in body and "_links" in body["job"], "the PATCH answer carries a job link", body)
    return body["job"]["uuid"]


def step_cluster(args, version):
    cluster = Cluster()
    cluster.get(fields="version,name,uuid")
    check(bool(cluster.name) and bool(cluster.uuid), "Cluster.get() reads name and uuid", cluster)
    got = (cluster.version.generation, cluster.version.major, cluster.version.minor)
    check(got == version, f"Cluster.get() reads version {args.version}", got)
    check(cluster.version.full.startswith(f"NetApp Release {args.version}"), "version.full is a release banner", cluster.version.full)


def step_read(args, version):
    if version < (9, 7, 0):
        expect_rest_error(lambda: SecurityConfig().get(fields="*"), status=404)
        print("ok - 9.6 has no /api/security (404)")
        return
    state = read_security(version)
    okm = state.get("onboard_key_manager_configurable_status", {})
    check("supported" in okm and "code" in okm, "onboard_key_manager_configurable_status is readable", state)
    everything = SecurityConfig()
    everything.get(fields="*")
    groups = set(everything.to_dict().keys())
    expected = {"onboard_key_manager_configurable_status"}
    if version >= (9, 8, 0):
        expected |= {"fips", "software_data_encryption"}
    if version >= (9, 10, 1):
        expected |= {"tls", "management_protocols"}
    check(expected <= groups and not ({"tls", "fips"} - expected) & groups, f"fields=* gives exactly the {args.version} groups", sorted(groups))
    if version >= (9, 8, 0):
        check(isinstance(state["fips"]["enabled"], bool), "fips.enabled is a boolean", state)
    if version >= (9, 16, 1):
        check(state["software_data_encryption"].get("encryption_state") == "unencrypted", "encryption_state starts unencrypted", state)
    else:
        check("encryption_state" not in state.get("software_data_encryption", {}), "no encryption_state before 9.16.1", state)
    if version < (9, 10, 1):
        expect_rest_error(lambda: SecurityConfig().get(fields="tls"), status=400, code=262197)
        print(f"ok - fields=tls is refused with 262197 on {args.version}")
    if version < (9, 8, 0):
        expect_rest_error(lambda: SecurityConfig().get(fields="fips.enabled"), status=400, code=262197)
        print(f"ok - fields=fips.enabled is refused with 262197 on {args.version}")


def step_patch(args, version):
    if version < (9, 8, 0):
        resource = SecurityConfig()
        resource.fips = {"enabled": True}
        status = 405 if version >= (9, 7, 0) else 404
        expect_rest_error(lambda: resource.patch(poll=True), status=status)
        print(f"ok - PATCH /api/security is refused with {status} on {args.version}")
        return
    interval = args.poll_interval

    if version >= (9, 10, 1):
        # 1. Without polling: read the job while it runs, then let the client poll it, then read it again.
        change = SecurityConfig()
        change.tls = {"protocol_versions": ["TLSv1.1"], "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}
        change.management_protocols = {"telnet_enabled": True, "rsh_enabled": False}
        response = change.patch(poll=False)
        check(response.http_response.status_code == 202, "a PATCH without return_timeout answers 202", response.http_response.status_code)
        uuid = job_uuid_of(response)
        job = Job(uuid=uuid)
        job.get()
        check(job.state in ("queued", "running", "paused"), "Job(uuid).get() sees the job still going", job.state)
        check(job.description == "PATCH /api/security", "the job describes the PATCH", job.description)
        response.poll(interval=interval, timeout=30)
        job.get()
        check(job.state == "success" and job.code == 0, "the job ends in success with code 0", job.to_dict())
        check(isinstance(job.start_time, datetime.datetime) and isinstance(job.end_time, datetime.datetime), "start_time and end_time parse as datetimes", job.to_dict())
        check(job.end_time.utcoffset() is not None, "job times carry a UTC offset", job.end_time)
        state = read_security(version)
        check(state["tls"]["protocol_versions"] == ["TLSv1.3", "TLSv1.2", "TLSv1.1"], "asking TLSv1.1 enables every version above it", state["tls"])
        suites = set(state["tls"]["cipher_suites"])
        check({"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"} <= suites and TLS13_SUITES <= suites, "the cipher suites hold the requested ones and the TLS 1.3 ones", suites)
        check(state["management_protocols"] == {"telnet_enabled": True, "rsh_enabled": False}, "telnet is on, rsh off", state["management_protocols"])

    # 2. The client's default: patch(poll=True) follows the job link and polls until the job ends.
    change = SecurityConfig()
    change.fips = {"enabled": True}
    if version >= (9, 10, 1):
        change.management_protocols = {"telnet_enabled": False}
    change.software_data_encryption = {"disabled_by_default": True}
    change.patch(poll=True, poll_interval=interval, poll_timeout=30)
    state = read_security(version)
    check(state["fips"]["enabled"] is True, "patch(poll=True) enabled FIPS", state)
    check(state["software_data_encryption"]["disabled_by_default"] is True, "software_data_encryption.disabled_by_default is now true", state)
    if version >= (9, 11, 1):
        check(state["tls"]["protocol_versions"] == ["TLSv1.3", "TLSv1.2"], "from 9.11.1 enabling FIPS leaves only TLSv1.3/1.2", state["tls"])
    elif version >= (9, 10, 1):
        check(state["tls"]["protocol_versions"] == ["TLSv1.3", "TLSv1.2", "TLSv1.1"], "on 9.10.1 enabling FIPS keeps TLSv1.1", state["tls"])

    # 3. ONTAP's synchronous refusal, through the client: TLSv1 while FIPS is on.
    if version >= (9, 10, 1):
        refused = SecurityConfig()
        refused.tls = {"protocol_versions": ["TLSv1"]}
        expect_rest_error(lambda: refused.patch(poll=True, poll_interval=interval), status=400, code=52428824, text="TLSv1 is not supported when FIPS is enabled")
        print("ok - TLSv1 under FIPS is refused with 52428824")
    if version >= (9, 11, 1):
        refused = SecurityConfig()
        refused.tls = {"protocol_versions": ["TLSv1.3", "TLSv1.2", "TLSv1.1"]}
        expect_rest_error(lambda: refused.patch(poll=True, poll_interval=interval), status=400, code=52428832, text="TLSv1.1 is not supported when FIPS is enabled")
        print("ok - from 9.11.1 TLSv1.1 under FIPS is refused with 52428832")
    if version >= (9, 19, 1):
        offload = SecurityConfig()
        offload.tls = {"offload_enabled": True}
        offload.patch(poll=True, poll_interval=interval, poll_timeout=30)
        check(read_security(version)["tls"]["offload_enabled"] is True, "9.19.1: tls.offload_enabled patched through the client's Tls model")
    elif version >= (9, 10, 1):
        expect_rest_error(lambda: SecurityConfig().get(fields="tls.offload_enabled"), status=400, code=262197)
        print(f"ok - no tls.offload_enabled on {args.version}")
    else:
        expect_rest_error(lambda: SecurityConfig().get(fields="tls.protocol_versions"), status=400, code=262197)
        print(f"ok - no tls fields on {args.version}")

    # 4. return_timeout: the server waits for the job and answers 200; the client's poll sees success at once.
    change = SecurityConfig()
    change.fips = {"enabled": False}
    response = change.patch(poll=False, return_timeout=15)
    check(response.http_response.status_code == 200, "with return_timeout a quick job answers 200", response.http_response.status_code)
    job = Job(uuid=job_uuid_of(response))
    job.get()
    check(job.state == "success", "the job behind the 200 succeeded", job.to_dict())
    state = read_security(version)
    check(state["fips"]["enabled"] is False, "FIPS is off again", state)
    if version >= (9, 11, 1):
        check(state["tls"]["protocol_versions"] == ["TLSv1.3", "TLSv1.2"], "disabling FIPS re-enables no protocol", state["tls"])

    if version >= (9, 16, 1):
        rekey = SecurityConfig()
        rekey.software_data_encryption = {"rekey": True}
        rekey.patch(poll=True, poll_interval=interval, poll_timeout=30)
        print("ok - the write-only software_data_encryption.rekey trigger is accepted")


def step_failure(args, version):
    if version < (9, 8, 0):
        print(f"ok - no PATCH, so no failing job, on {args.version}")
        return
    interval = args.poll_interval
    before = read_security(version)
    check(before["software_data_encryption"]["conversion_enabled"] is False, "conversion starts disabled", before)

    def convert(**kwargs):
        change = SecurityConfig()
        change.software_data_encryption = {"conversion_enabled": True}
        return change.patch(**kwargs)

    if args.failure_answer == "error":
        error = expect_rest_error(
            lambda: convert(poll=True, poll_interval=interval, return_timeout=15), status=400, code=DATA_VOLUMES_CODE, text=DATA_VOLUMES_TEXT
        )
        check("job" in (error.response_body or {}), "the 400 for a failed job still carries the job link", error.response_body)
    else:
        # The client's default path: the job link is polled and a failed job raises NetAppRestError.
        expect_rest_error(lambda: convert(poll=True, poll_interval=interval, poll_timeout=30), text=DATA_VOLUMES_TEXT)
        print("ok - patch(poll=True) raises NetAppRestError with ONTAP's message for a failed job")
        # The same failure, read back through Job(uuid).get(): code and error carry ONTAP's code.
        response = convert(poll=False, return_timeout=15)
        check(response.http_response.status_code == 202, "with failedJobAnswer=job a failed job answers 202", response.http_response.status_code)
        uuid = job_uuid_of(response)
        expect_rest_error(lambda: response.poll(interval=interval, timeout=30), text=DATA_VOLUMES_TEXT)
        job = Job(uuid=uuid)
        job.get()
        check(job.state == "failure" and job.code == DATA_VOLUMES_CODE, "the job failed with code 196608081", job.to_dict())
        check(job.error is not None and str(job.error.code) == str(DATA_VOLUMES_CODE) and DATA_VOLUMES_TEXT in job.error.message, "the job's error carries ONTAP's code and message", job.to_dict())
    after = read_security(version)
    check(after["software_data_encryption"]["conversion_enabled"] is False, "a failed conversion changes nothing", after)


def step_forms(args, version):
    interval = args.poll_interval

    # The key manager status code as a string of digits, `supported` left out (the 9.9.1 reference's example).
    status = SecurityConfig()
    response = status.get(fields="onboard_key_manager_configurable_status")
    raw = response.http_response.json()["onboard_key_manager_configurable_status"]
    check(raw.get("code") == str(OKM_CODE) and "supported" not in raw, "the cluster sends the code as a string and no supported", raw)
    okm = status.onboard_key_manager_configurable_status
    check(okm.code == OKM_CODE, "the client reads the string code as the integer", okm.to_dict())
    check("supported" not in okm.to_dict(), "the client has no supported field to report", okm.to_dict())

    # return_records is a documented PATCH parameter: accepted, and the answer is still the job link.
    change = SecurityConfig()
    change.management_protocols = {"telnet_enabled": True}
    response = change.patch(poll=False, return_records="true", return_timeout=15)
    body = response.http_response.json()
    check(response.http_response.status_code == 200 and list(body) == ["job"], "return_records=true is accepted", body)
    check(list(body["job"]) == ["uuid"], "the job is linked by its uuid alone (the reference's job_link schema)", body)

    # netapp-ontap 9.19.1.0 follows only a link with _links: for a uuid alone it looks for another package's
    # Job class, and on a 202 says the link is invalid. The job is still there at /api/cluster/jobs/{uuid}.
    change = SecurityConfig()
    change.management_protocols = {"telnet_enabled": False}
    response = change.patch(poll=False)
    check(response.http_response.status_code == 202, "without return_timeout the PATCH answers 202", response.http_response.status_code)
    uuid = response.http_response.json()["job"]["uuid"]
    expect_rest_error(lambda: response.poll(interval=interval, timeout=30), text="does not have a valid job link")
    print("ok - the client cannot follow a job linked by uuid alone")
    job = Job(uuid=uuid)
    for _ in range(30):
        job.get()
        if job.state in ("success", "failure"):
            break
        time.sleep(interval)
    check(job.state == "success", "the job, found by its uuid, succeeded", job.to_dict())
    check(read_security(version)["management_protocols"]["telnet_enabled"] is False, "telnet is off again", read_security(version))

    # The preconditions the reference lists for the PATCH, refused by the PATCH itself, with arguments.
    before = read_security(version)
    fips = SecurityConfig()
    fips.fips = {"enabled": True}
    error = expect_rest_error(lambda: fips.patch(poll=True, poll_interval=interval), status=400, code=52428830, text="minimum security strength")
    check("job" not in error.response_body and error.response_body["error"].get("arguments") == [], "52428830 links no job and names no value", error.response_body)
    check(error.response_body["error"]["code"] == 52428830, "the error code is a JSON integer", error.response_body)
    conversion = SecurityConfig()
    conversion.software_data_encryption = {"conversion_enabled": True}
    error = expect_rest_error(lambda: conversion.patch(poll=True, poll_interval=interval), status=400, code=DATA_VOLUMES_CODE, text=DATA_VOLUMES_TEXT)
    arguments = error.response_body["error"].get("arguments")
    check(
        "job" not in error.response_body and isinstance(arguments, list) and len(arguments) == 1 and DATA_VOLUMES_TEXT in arguments[0]["message"],
        "196608081 links no job and carries its reason in arguments",
        error.response_body,
    )
    check(read_security(version) == before, "a refused PATCH changes nothing", read_security(version))


STEPS = {"cluster": step_cluster, "read": step_read, "patch": step_patch, "failure": step_failure, "forms": step_forms}
# `forms` needs a cluster switched to the other documented forms, so `all` leaves it out.
DEFAULT_STEPS = ["cluster", "read", "patch", "failure"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ONTAP_HOST"), help="127.0.0.1:PORT")
    parser.add_argument("--username", default=os.environ.get("ONTAP_USERNAME"))
    parser.add_argument("--password", default=os.environ.get("ONTAP_PASSWORD"))
    parser.add_argument("--cert", default=os.environ.get("ONTAP_CLIENT_CERT_PATH"), help="client certificate PEM, instead of username and password")
    parser.add_argument("--key", default=os.environ.get("ONTAP_CLIENT_KEY_PATH"), help="the client certificate's private key PEM")
    parser.add_argument("--ca", default=os.environ.get("ONTAP_CA_PATH"), help="path of the simulator's CA PEM")
    parser.add_argument("--version", default=os.environ.get("ONTAP_EXPECTED_VERSION"), help="expected ONTAP release, e.g. 9.16.1")
    parser.add_argument("--steps", default="all", help="comma-separated: " + ",".join(STEPS) + " (default all)")
    parser.add_argument("--failure-answer", choices=["job", "error"], default="job")
    parser.add_argument("--poll-interval", type=int, default=1, help="seconds between job polls (the client's default is 5)")
    args = parser.parse_args()
    by_certificate = bool(args.cert or args.key)
    credentials = ("cert", "key") if by_certificate else ("username", "password")
    missing = [name for name in ("host", *credentials, "ca", "version") if not getattr(args, name)]
    if missing:
        parser.error("missing: " + ", ".join(missing))
    if by_certificate and (args.username or args.password):
        parser.error("give either --cert/--key or --username/--password, not both")
    steps = DEFAULT_STEPS if args.steps == "all" else args.steps.split(",")
    unknown = [step for step in steps if step not in STEPS]
    if unknown:
        parser.error("unknown steps: " + ", ".join(unknown))

    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's `verify` path (its
    # merge_environment_settings), so on machines that set them the client would ignore --ca. Drop them:
    # the simulator's CA must be the only trust anchor.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(name, None)
    hostname, _, port = args.host.rpartition(":")
    version = version_tuple(args.version)
    # The client's certificate-based access: the certificate and key go to requests' `cert`, so they are
    # presented in the TLS handshake and no Authorization header is sent.
    credentials = {"cert": args.cert, "key": args.key} if by_certificate else {"username": args.username, "password": args.password}
    connection = HostConnection(hostname, **credentials, verify=args.ca, port=int(port), poll_interval=args.poll_interval, poll_timeout=30)
    try:
        with connection:
            for step in steps:
                print(f"# {step} ({args.version}, {args.host})")
                STEPS[step](args, version)
    except (CheckFailed, NetAppRestError) as error:
        print(f"FAIL - {type(error).__name__}: {error}")
        traceback.print_exc(file=sys.stdout)
        return 1
    print(f"# all checks passed for {args.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
