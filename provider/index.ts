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
export {
  OntapApiError,
  OntapBodyStalledError,
  OntapCertificateError,
  OntapClientCertificateRefusedError,
  OntapDeadlineError,
  OntapDecodeError,
  OntapError,
  OntapInvalidHostError,
  OntapJobFailedError,
  OntapJobLostError,
  OntapJobTimeoutError,
  OntapJobUnreachableError,
  OntapNetworkError,
  OntapNotAppliedError,
  OntapPatchOutcomeUnknownError,
  OntapRedirectError,
  OntapResponseTooLargeError,
  OntapSecurityError,
  OntapUnsupportedReleaseError,
} from "./ontap/errors";
