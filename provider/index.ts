/**
 * Manage NetApp ONTAP cluster security (`/api/security`) with Pulumi.
 * @packageDocumentation
 */
export * from "./ClusterSecurity";
export {
  ClusterSecurityError,
  ClusterIdentityError,
  ConnectionConfigError,
  IrreversibleConversionError,
  PartialUpdateError,
  UnsupportedSettingError,
} from "./lifecycle/errors";
export {
  OntapApiError,
  OntapDecodeError,
  OntapError,
  OntapJobFailedError,
  OntapJobLostError,
  OntapJobTimeoutError,
  OntapJobUnreachableError,
  OntapNetworkError,
} from "./ontap/errors";
