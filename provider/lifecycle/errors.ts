/**
 * The errors of the resource's lifecycle: each names the setting, the cluster and what to do. They
 * belong to the package's one family (`OntapSecurityError`, in `ontap/ontapError.ts`).
 */
import { OntapSecurityError } from "../ontap/ontapError";
import { escapeControlCharacters } from "../ontap/redact";

/** A cluster's name as messages show it: it comes from the cluster, so its control characters are escaped. */
const shown = (name: string): string => escapeControlCharacters(name);

/** Base of the lifecycle's errors: what the program, its configuration or its state asks. Never thrown itself. */
export abstract class ClusterSecurityError extends OntapSecurityError {}

/** Connection settings missing or malformed in inputs, stack config and environment alike. */
export class ConnectionConfigError extends ClusterSecurityError {
  readonly missing: readonly string[];
  /** Each problem by the argument to fix (`clientKey`, `password`, ...), for check to report one by one. */
  readonly failures: readonly { readonly property: string; readonly reason: string }[];
  constructor(message: string, missing: readonly string[] = [], failures: readonly { property: string; reason: string }[] = []) {
    super(message);
    this.missing = missing;
    this.failures = failures.length > 0 ? failures : [{ property: missing[0] ?? "host", reason: message }];
  }
}

/** The program manages a setting the cluster's ONTAP release does not have. */
export class UnsupportedSettingError extends ClusterSecurityError {
  /** `<setting> (needs ONTAP <release> or later)`, one per setting. */
  readonly settings: readonly string[];
  readonly clusterVersion: string;
  constructor(cluster: string, clusterVersion: string, settings: readonly string[]) {
    super(
      `cluster ${shown(cluster)} runs ONTAP ${clusterVersion}, which does not have ${settings.join(", ")}: ` +
        `remove ${settings.length === 1 ? "it" : "them"} from the program for this cluster, or upgrade ONTAP. Nothing was changed.`,
    );
    this.settings = settings;
    this.clusterVersion = clusterVersion;
  }
}

/** The program asks to turn off a one-way setting (conversion) that the cluster already has on. */
export class IrreversibleConversionError extends ClusterSecurityError {
  /** The one-way setting's path in the program. */
  readonly setting: string;
  constructor(cluster: string, setting: string, why: string) {
    const key = setting.slice(setting.lastIndexOf(".") + 1);
    super(
      `cluster ${shown(cluster)} has ${setting} on, and ${why}: it cannot be set to false. ` +
        `Remove ${key} from the program (or set it to true). Nothing was changed.`,
    );
    this.setting = setting;
  }
}

/**
 * The program asks for settings that cannot hold together on this cluster, given what it has now (a value
 * another setting refuses, say). Found before any PATCH, so nothing was changed.
 */
export class ConflictingSettingsError extends ClusterSecurityError {
  /** One reason per conflict, each naming the settings involved. */
  readonly conflicts: readonly string[];
  constructor(cluster: string, conflicts: readonly string[]) {
    super(`cluster ${shown(cluster)} cannot take the program's settings: ${conflicts.join("; ")}. Nothing was changed.`);
    this.conflicts = conflicts;
  }
}

/** The host now answers as another cluster than the one this resource manages. */
export class ClusterIdentityError extends ClusterSecurityError {
  readonly expectedUuid: string;
  readonly actualUuid: string;
  constructor(host: string, expectedUuid: string, actual: { uuid: string; name: string }) {
    super(
      `${host} is cluster ${shown(actual.name)} (${actual.uuid}), but this resource manages cluster ${expectedUuid}. ` +
        `To manage another cluster, declare another ClusterSecurity resource; nothing was changed.`,
    );
    this.expectedUuid = expectedUuid;
    this.actualUuid = actual.uuid;
  }
}

/**
 * A security job (another pipeline's, an admin's, a killed run's) was still queued, running or paused
 * when the update's deadline came. Nothing was sent: planning from settings about to change would be
 * planning blind, and a second conversion must never start beside a first.
 */
export class SecurityJobInProgressError extends ClusterSecurityError {
  readonly jobUuid: string;
  readonly state: string;
  readonly description: string;
  constructor(cluster: string, job: { uuid: string; state: string; description: string; waitedSeconds: number }) {
    super(
      `cluster ${shown(cluster)}: job ${job.uuid} (${shown(job.description)}), started before this update, is still ${job.state} after ` +
        `${job.waitedSeconds} s. Nothing was sent. Once it has ended, run 'pulumi up' again, or raise jobTimeoutSeconds ` +
        `to wait longer for such jobs.`,
    );
    this.jobUuid = job.uuid;
    this.state = job.state;
    this.description = job.description;
  }
}

/**
 * Something failed after a change may have been made. Carries what the engine needs to record the
 * cluster's actual settings (`id`, `properties`, `reasons`), so that state tells the truth and the
 * next `pulumi up` finishes the work.
 */
export class PartialUpdateError extends ClusterSecurityError {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  /** `advice` says what to do next; the default suits a change that failed and can simply be sent again. */
  constructor(cause: Error, id: string, properties: Record<string, unknown>, advice = "Run 'pulumi up' again to finish.") {
    super(`${cause.message} State now records the cluster's actual settings. ${advice}`, { cause });
    this.id = id;
    this.properties = properties;
    this.reasons = [cause.message];
  }
}
