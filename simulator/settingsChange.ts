// What a security job does to the settings: the preconditions it may find unmet (checked by the PATCH or
// by its job, as the scenario says), the groups it applies in order, and the encryption state while a
// conversion or rekey runs.

import { encryptionCode } from "./encryptionCodes";
import { OntapVersion, atLeast } from "./ontapVersion";
import type { Scenario } from "./scenario";
import { SecurityPatch, requestedProtocols } from "./securityPatch";
import { SecurityState, protocolsAfterFipsEnabled, storedCipherSuites } from "./securityState";

/** Why a job fails, decided when it starts, and how far its effects get first. */
export interface PlannedFailure {
  /** Groups applied before the failing one are kept (see {@link applyPatch}). */
  stage: "all" | "fips" | "conversion";
  code: number;
  message: string;
  /** The values named in the message, for the error's `arguments`. */
  values: string[];
}

/**
 * The first precondition of `patch` that the scenario and the current settings leave unmet, if any.
 * Simulator choice [precondition-order]: FIPS before conversion; 52428830 before 52559974; no key manager,
 * then data volumes, then switchover. The checks of `checkPatchAgainstState` come before all of them.
 */
export function unmetPrecondition(
  patch: SecurityPatch,
  security: SecurityState,
  scenario: Scenario,
  clusterName: string,
  version: OntapVersion,
): PlannedFailure | undefined {
  if (patch.fips?.enabled === true && security.fips?.enabled !== true) {
    if (scenario.fipsCertificateStrengthTooLow) {
      return {
        stage: "fips",
        code: 52428830,
        message: "Cannot enable FIPS mode: the minimum security strength configured for certificates is not compatible with FIPS. Raise the minimum security strength, and then try the operation again.",
        values: [],
      };
    }
    if (scenario.fipsNonCompliantCertificate) {
      return {
        stage: "fips",
        code: 52559974,
        message: `Cannot enable FIPS mode: the certificate used by the cluster "${clusterName}" is not FIPS-compliant. Install a FIPS-compliant certificate, and then try the operation again.`,
        values: [clusterName],
      };
    }
  }
  const encrypting = patch.software_data_encryption?.conversion_enabled === true || patch.software_data_encryption?.rekey === true;
  if (encrypting && atLeast(version, "9.16.1")) {
    // From 9.16.1 the reference lists its codes for a conversion or rekey that cannot start.
    const documented = (code: number): PlannedFailure => ({ stage: "conversion", code, message: encryptionCode(code)?.message ?? `error ${code}`, values: [] });
    if (!scenario.keyManagerConfigured) return documented(196608070);
    const refusal = scenario.encryptionRefusal === undefined ? undefined : encryptionCode(scenario.encryptionRefusal);
    const rekey = patch.software_data_encryption?.rekey === true;
    if (refusal !== undefined && (refusal.refuses === "either" || refusal.refuses === (rekey ? "rekey" : "conversion"))) return documented(refusal.code);
  }
  if (patch.software_data_encryption?.conversion_enabled === true && security.software_data_encryption?.conversion_enabled !== true) {
    const failed = (code: number, reason: string): PlannedFailure => ({
      stage: "conversion",
      code,
      message: `Failed to enable software data encryption conversion. Reason: ${reason}`,
      values: [reason],
    });
    // Simulator choice [no-key-manager]: before 9.16.1 (which documents 196608070), 196608080 for "no key manager".
    if (!scenario.keyManagerConfigured) {
      return failed(196608080, "No key manager is configured on the cluster. Configure the Onboard Key Manager or an external key manager, and then try the operation again.");
    }
    if (scenario.dataVolumesPresent) {
      return failed(196608081, "Data volumes are present in the aggregates of the cluster. Conversion is supported only when the aggregates are empty or contain only metadata volumes.");
    }
    if (scenario.metroclusterSwitchover) {
      return failed(196608082, "The MetroCluster configuration is in switchover state. Perform a switchback, and then try the operation again.");
    }
  }
  return undefined;
}

/**
 * Applies a job's groups in order: fips, tls, management_protocols, software_data_encryption.disabled_by_default,
 * then the conversion (and rekey). Simulator choice [partial-apply]: the groups before `failingStage` are
 * kept when it fails: a failing conversion leaves FIPS/TLS/protocol changes in place; ONTAP's behaviour is unconfirmed.
 */
export function applyPatch(
  state: SecurityState,
  version: OntapVersion,
  patch: SecurityPatch,
  failingStage: "fips" | "conversion" | undefined,
  conversionGoesOn = false,
  whileEncrypting = false,
): void {
  if (failingStage === "fips") return;
  if (patch.fips && state.fips) {
    const wasEnabled = state.fips.enabled;
    state.fips.enabled = patch.fips.enabled;
    if (!wasEnabled && patch.fips.enabled && state.tls) {
      state.tls.protocol_versions = protocolsAfterFipsEnabled(version, state.tls.protocol_versions);
    }
  }
  if (patch.tls && state.tls) {
    const protocols = requestedProtocols(patch);
    if (protocols) state.tls.protocol_versions = protocols;
    if (patch.tls.cipher_suites) state.tls.cipher_suites = storedCipherSuites(patch.tls.cipher_suites, state.tls.protocol_versions);
  }
  if (patch.tls?.offload_enabled !== undefined && state.tls) state.tls.offload_enabled = patch.tls.offload_enabled;
  if (patch.management_protocols && state.management_protocols) {
    Object.assign(state.management_protocols, patch.management_protocols);
  }
  const encryption = state.software_data_encryption;
  const requested = patch.software_data_encryption;
  if (requested?.disabled_by_default !== undefined && encryption) encryption.disabled_by_default = requested.disabled_by_default;
  if (failingStage === "conversion") return;
  if (requested?.conversion_enabled === true && encryption) {
    // Simulator choice [conversion-enabled-while-encrypting]: while a conversion goes on after its job,
    // conversion_enabled reads what the scenario says (false unless told), and true once it is done.
    const goesOn = conversionGoesOn && encryption.encryption_state === "encrypting";
    encryption.conversion_enabled = goesOn ? whileEncrypting : true;
    if (encryption.encryption_state !== undefined && !goesOn) encryption.encryption_state = "encrypted";
  }
  if (requested?.rekey === true && encryption?.encryption_state === "rekeying") encryption.encryption_state = "encrypted";
}

/**
 * The encryption state as a job starts running. Simulator choice [encryption-state]: encrypting (or
 * rekeying) while the job runs, encrypted when it ends. A job planned to fail leaves it as it is.
 */
export function startEncryption(security: SecurityState, patch: SecurityPatch, planned: PlannedFailure | undefined): void {
  const encryption = security.software_data_encryption;
  if (encryption?.encryption_state === undefined || planned !== undefined) return;
  if (patch.software_data_encryption?.conversion_enabled === true && encryption.encryption_state === "unencrypted") {
    encryption.encryption_state = "encrypting";
  } else if (patch.software_data_encryption?.rekey === true && encryption.encryption_state === "encrypted") {
    encryption.encryption_state = "rekeying";
  }
}

/** A job that succeeds without effect leaves a conversion it started half-done, as ONTAP would show it. */
export function abandonEncryption(security: SecurityState): void {
  const encryption = security.software_data_encryption;
  if (encryption?.encryption_state === "encrypting") encryption.encryption_state = "unencrypted";
}

/** A conversion that went on after its job ends: encrypted, and conversion_enabled true. */
export function finishConversion(security: SecurityState): void {
  const encryption = security.software_data_encryption;
  if (encryption?.encryption_state !== "encrypting") return;
  encryption.encryption_state = "encrypted";
  encryption.conversion_enabled = true;
}
