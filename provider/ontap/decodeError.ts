/** A 2xx answer whose body is not the shape this package expects (see `decode.ts`, which names the fields). */
import { OntapError, RequestContext } from "./ontapError";

/** ONTAP answered 2xx with a body that is not the shape this package expects. */
export class OntapDecodeError extends OntapError {
  readonly method: string;
  readonly url: string;
  /** One line per mismatch, each naming the path of the field, what arrived and what was expected. */
  readonly problems: readonly string[];
  constructor(request: RequestContext, what: string, problems: readonly string[]) {
    super(`${request.method} ${request.url}: unexpected ${what} from ONTAP: ${problems.join("; ")}`);
    this.method = request.method;
    this.url = request.url;
    this.problems = problems;
  }
}
