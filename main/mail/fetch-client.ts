import { nextDelay, type BackoffPolicy } from '../../shared/sync/backoff.js';
import { ServiceError } from '../../shared/errors.js';
import { authenticate, refresh, type Credentials, type Endpoint, type Outcome, type TokenAnswer } from './fetch-http.js';

/** A fetch that cannot go on: the message is for the supervisor, in plain words, and never holds the password. */
export class FetchError extends ServiceError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'FetchError';
  }
}

export interface ClientOptions {
  auth: Endpoint;
  api: Endpoint;
  credentials: Credentials;
  /** Tries of one request before the fetch stops (429 and 5xx, timeouts, dropped connections). */
  maxAttempts: number;
  backoff: BackoffPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Told of every wait, so a long one is never silent. */
  onWait?: (ms: number, why: string) => void;
}

/**
 * One signed-in conversation with IV-MTR: the token is taken when first needed, renewed shortly
 * before it expires or when the API refuses it (an expired token mid-run: refresh, else sign in
 * again, then the same request once more), and each request is retried with backoff that honours
 * Retry-After. What is not an answer stops the fetch at once (FetchError): retrying a maintenance
 * page or a cut-short body would only fill the day with the same nonsense.
 */
export class IvmtrClient {
  private token: TokenAnswer | null = null;
  private expiresAt = 0;
  requests = 0;
  renewals = 0;

  constructor(private readonly o: ClientOptions) {}

  /** A value, or null when IV-MTR has never seen the piece. */
  async call<T>(what: string, send: (api: Endpoint, token: string) => Promise<Outcome<T>>): Promise<T | null> {
    let renewed = false;
    for (let attempt = 0; ; ) {
      const token = await this.accessToken();
      this.requests += 1;
      const out = await send(this.o.api, token);
      switch (out.kind) {
        case 'ok':
          return out.value;
        case 'not-found':
          return null;
        case 'unauthorized':
          if (renewed) throw new FetchError(`IV-MTR refused a token it had just issued, asking for ${what} (${out.detail}): check that the account has IV-MTR access for these mailer IDs`);
          renewed = true;
          await this.renew();
          continue;
        case 'nonsense':
          throw new FetchError(`IV-MTR's answer to ${what} was not an answer of its API: ${out.detail}`);
        case 'retry': {
          attempt += 1;
          if (attempt >= this.o.maxAttempts) throw new FetchError(`IV-MTR did not answer ${what} after ${attempt} tries (last: ${out.reason}, ${out.detail}); try again later`);
          const ms = nextDelay(attempt - 1, out.retryAfterMs, this.o.backoff, this.o.random);
          this.o.onWait?.(ms, `${out.reason}: ${out.detail}`);
          await this.o.sleep(ms);
        }
      }
    }
  }

  private async accessToken(): Promise<string> {
    // Renewed a minute early: a token that expires between asking and answering costs a retry.
    if (!this.token || this.o.now() >= this.expiresAt - 60_000) await (this.token ? this.renew() : this.signIn());
    return (this.token as TokenAnswer).access_token;
  }

  private async signIn(): Promise<void> {
    const out = await this.tokenCall('signing in', () => authenticate(this.o.auth, this.o.credentials));
    if (out.kind === 'unauthorized')
      throw new FetchError(`IV-MTR refused to sign in ${this.o.credentials.username} (${out.detail}): check the user name (intake config set ivmtrUsername) and the password in INTAKE_IVMTR_PASSWORD`);
    this.keep(out.value);
  }

  /** A refresh token first (it needs no password); when that is refused, a fresh sign-in. */
  private async renew(): Promise<void> {
    this.renewals += 1;
    const ref = this.token?.refresh_token;
    if (ref) {
      const out = await this.tokenCall('renewing the token', () => refresh(this.o.auth, ref, this.o.credentials.scope));
      if (out.kind === 'ok') return this.keep(out.value);
    }
    this.token = null;
    await this.signIn();
  }

  private keep(t: TokenAnswer): void {
    this.token = t;
    this.expiresAt = this.o.now() + t.expires_in * 1000;
  }

  /** The token endpoints get the same retries; a refusal is returned, anything else stops the fetch. */
  private async tokenCall(what: string, send: () => Promise<Outcome<TokenAnswer>>): Promise<Extract<Outcome<TokenAnswer>, { kind: 'ok' | 'unauthorized' }>> {
    for (let attempt = 0; ; ) {
      this.requests += 1;
      const out = await send();
      if (out.kind === 'ok' || out.kind === 'unauthorized') return out;
      if (out.kind === 'not-found' || out.kind === 'nonsense') throw new FetchError(`IV-MTR's answer when ${what} was not a token: ${out.kind === 'nonsense' ? out.detail : 'not found (check ivmtrAuthUrl)'}`);
      attempt += 1;
      if (attempt >= this.o.maxAttempts) throw new FetchError(`IV-MTR did not answer when ${what} after ${attempt} tries (last: ${out.reason}, ${out.detail}); try again later`);
      const ms = nextDelay(attempt - 1, out.retryAfterMs, this.o.backoff, this.o.random);
      this.o.onWait?.(ms, `${out.reason}: ${out.detail}`);
      await this.o.sleep(ms);
    }
  }
}
