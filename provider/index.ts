/**
 * Manage NetApp ONTAP cluster security (`/api/security`) with Pulumi.
 * @packageDocumentation
 */
export * from "./ClusterSecurity";
export {
  ClusterSecurityError,
  ClusterIdentityError,
  ConflictingSettingsError,
  ConnectionConfigError,
  IrreversibleConversionError,
  PartialUpdateError,
  SecurityJobInProgressError,
  UnsupportedSettingError,
} from "./lifecycle/errors";
export { OntapError, OntapSecurityError } from "./ontap/ontapError";
export { OntapInvalidHostError, OntapUnsupportedReleaseError } from "./ontap/clusterErrors";
export { OntapApiError, OntapRedirectError, OntapResponseTooLargeError } from "./ontap/httpErrors";
export {
  OntapBodyStalledError,
  OntapCertificateError,
  OntapClientCertificateRefusedError,
  OntapDeadlineError,
  OntapNetworkError,
} from "./ontap/networkErrors";
export { OntapDecodeError } from "./ontap/decodeError";
export { OntapJobFailedError, OntapJobLostError, OntapJobTimeoutError, OntapJobUnreachableError } from "./ontap/jobErrors";
export { OntapNotAppliedError, OntapPatchOutcomeUnknownError } from "./ontap/patchOutcomeErrors";
