/** How an error is answered besides its status: a JSON body as it is, or another view than `error`. */
export interface HttpAnswer {
  readonly body?: unknown
  readonly page?: { readonly view: string; readonly data: Record<string, unknown> }
}

/** An HTTP error with Koa's `status`/`expose` convention; rendered by the error middleware. */
export class HttpError extends Error {
  readonly expose: boolean
  constructor(
    readonly status: number,
    message?: string,
    readonly answer: HttpAnswer = {}
  ) {
    super(message ?? defaultMessage(status))
    this.expose = status < 500
  }
}

/** Danish default messages of the error pages. */
export const defaultMessage = (status: number): string =>
  ({
    400: "Ugyldig forespørgsel",
    401: "Du skal logge ind",
    403: "Du har ikke adgang til denne side",
    404: "Siden blev ikke fundet",
    405: "Metoden er ikke tilladt",
    413: "Forespørgslen er for stor",
    500: "Der opstod en fejl på serveren"
  })[status] ?? "Der opstod en fejl"
