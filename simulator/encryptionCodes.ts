// The error codes NetApp's REST reference lists for `PATCH /api/security` from 9.16.1 on, for software data
// encryption (conversion and rekey): one row each, with the release whose reference first lists it and what
// makes ONTAP answer it. docs/ontap-api.md lists the same codes with their sources.
//
// - `request`: follows from the PATCH body alone; securityPatch.ts refuses it before any job.
// - `state`: follows from what the cluster is doing (a conversion or rekey already running); the cluster
//   answers it from its settings.
// - `cluster`: follows from things the simulator does not model (volumes, SVMs, key servers, platform);
//   a test makes a cluster answer it with the scenario's `encryptionRefusal`.

/** When ONTAP answers a code. */
export type EncryptionCodeCause = "request" | "state" | "cluster";

/** One documented code. */
export interface EncryptionCode {
  readonly code: number;
  /** The first release whose reference lists it. */
  readonly since: string;
  readonly cause: EncryptionCodeCause;
  /** What it answers to: a conversion (`conversion_enabled: true`), a rekey (`rekey: true`), or either. */
  readonly refuses: "conversion" | "rekey" | "either";
  /** The message, worded after the reference's description. */
  readonly message: string;
}

/** Every documented code, by number. */
export const ENCRYPTION_CODES: readonly EncryptionCode[] = [
  { code: 196608387, since: "9.16.1", cause: "request", refuses: "either", message: "The \"conversion_enabled\" field cannot be set to false." },
  { code: 196608388, since: "9.16.1", cause: "request", refuses: "conversion", message: "The \"conversion_enabled\" and \"disabled_by_default\" fields cannot both be set to true in the same request." },
  { code: 196608389, since: "9.16.1", cause: "request", refuses: "either", message: "The \"conversion_enabled\" and \"rekey\" fields cannot both be set to true in the same request." },
  { code: 196608390, since: "9.16.1", cause: "request", refuses: "rekey", message: "The \"rekey\" field cannot be set to false." },
  { code: 196608391, since: "9.16.1", cause: "request", refuses: "rekey", message: "The \"rekey\" and \"disabled_by_default\" fields cannot both be set to true in the same request." },
  { code: 196608370, since: "9.16.1", cause: "state", refuses: "either", message: "A software data encryption conversion is already in progress. Monitor \"software_data_encryption.encryption_state\" for its progress." },
  { code: 196608371, since: "9.17.1", cause: "state", refuses: "either", message: "Volumes are already being rekeyed. Monitor \"software_data_encryption.encryption_state\" for its progress." },
  { code: 196608070, since: "9.16.1", cause: "cluster", refuses: "either", message: "No key manager is configured on the cluster. Configure the Onboard Key Manager or an external key manager, and then try the operation again." },
  { code: 65536987, since: "9.16.1", cause: "cluster", refuses: "either", message: "The key servers are not available. Check the connectivity to the key servers, and then try the operation again." },
  { code: 196608047, since: "9.16.1", cause: "cluster", refuses: "either", message: "A volume move is in progress. Wait for it to complete, and then try the operation again." },
  { code: 196608368, since: "9.16.1", cause: "cluster", refuses: "either", message: "One or more data volumes are offline. Bring them online, and then try the operation again." },
  { code: 196608369, since: "9.16.1", cause: "cluster", refuses: "either", message: "Read-only or primordial data protection volumes are present." },
  { code: 196608372, since: "9.16.1", cause: "cluster", refuses: "either", message: "An automated update is in progress. Wait for it to complete, and then try the operation again." },
  { code: 196608373, since: "9.16.1", cause: "cluster", refuses: "either", message: "This operation is not supported in a mixed-release cluster." },
  { code: 196608374, since: "9.16.1", cause: "cluster", refuses: "either", message: "One or more SVMs are not running. Start them, and then try the operation again." },
  { code: 196608375, since: "9.16.1", cause: "cluster", refuses: "either", message: "A temporary volume is present. Wait for it to be removed, and then try the operation again." },
  { code: 196608376, since: "9.16.1", cause: "cluster", refuses: "either", message: "Internal error. Failed to start the operation." },
  { code: 196608377, since: "9.16.1", cause: "cluster", refuses: "either", message: "Internal error. Failed to read the encryption configuration." },
  { code: 196608378, since: "9.16.1", cause: "cluster", refuses: "either", message: "The key managers of the SVMs are in a mixed state." },
  { code: 196608379, since: "9.16.1", cause: "cluster", refuses: "either", message: "Internal error. Failed to update the encryption configuration." },
  { code: 196608380, since: "9.16.1", cause: "cluster", refuses: "either", message: "wafliron is active on one or more aggregates. Wait for it to complete, and then try the operation again." },
  { code: 196608381, since: "9.16.1", cause: "cluster", refuses: "either", message: "A clone split is in progress. Wait for it to complete, and then try the operation again." },
  { code: 196608382, since: "9.16.1", cause: "cluster", refuses: "either", message: "A volume rehost is in progress. Wait for it to complete, and then try the operation again." },
  { code: 196608383, since: "9.16.1", cause: "cluster", refuses: "either", message: "SnapLock volumes are present." },
  { code: 196608384, since: "9.16.1", cause: "cluster", refuses: "rekey", message: "Rekey is not supported while plain-text volumes are present. Convert them first." },
  { code: 196608385, since: "9.16.1", cause: "cluster", refuses: "either", message: "The keystore is being switched. Wait for it to complete, and then try the operation again." },
  { code: 196608386, since: "9.16.1", cause: "cluster", refuses: "either", message: "An SVM rekey is in progress. Wait for it to complete, and then try the operation again." },
  { code: 196608392, since: "9.16.1", cause: "cluster", refuses: "rekey", message: "A cluster-level rekey requires an effective cluster version of 9.16.1 or later." },
  { code: 196608393, since: "9.16.1", cause: "cluster", refuses: "rekey", message: "A cluster-level rekey is not supported on this platform." },
];

/** The row of `code`, or undefined when the reference lists no such encryption code. */
export function encryptionCode(code: number): EncryptionCode | undefined {
  return ENCRYPTION_CODES.find((row) => row.code === code);
}
