import type { StoredCredential } from '../../core/ports.js';
import type { Caller } from '../api/api-route.js';

/** What the console's middleware leaves on each request's context. */
export interface ConsoleEnv {
  Variables: {
    /** Who the call acts as, when a valid session or token came with it. */
    caller?: Caller;
    /** The session, when the caller came by the session cookie (CSRF and sign-out need it). */
    session?: StoredCredential;
    /** The CSP nonce of this response (hono's secure-headers middleware sets it). */
    secureHeadersNonce?: string;
    /** This request's id, in the access log and the error page. */
    requestId: string;
  };
}
