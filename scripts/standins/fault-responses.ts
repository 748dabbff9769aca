/**
 * AWS error responses in the two wire shapes the package's SDK clients parse: the query protocol's XML
 * `ErrorResponse` (IAM, STS) and the JSON protocol's `__type` body with `x-amzn-ErrorType` (sso-admin,
 * identitystore). Used by the fault proxy to fail or throttle a call the way the service itself would.
 */
import { randomUUID } from 'node:crypto';

/** An error to answer with. */
export interface AwsErrorShape {
  /** HTTP status: 400 for client errors and throttling, 500/503 for service failures. */
  status: number;
  /** The error code the SDK exposes as the exception's `name` (`Throttling`, `ServiceFailure`, …). */
  code: string;
  message: string;
  /** Sent as `Retry-After` when set. */
  retryAfterSeconds?: number | undefined;
}

/** The status, headers and body of `error` in the query (XML) or JSON protocol. */
export function awsErrorResponse(error: AwsErrorShape, json: boolean): { status: number; headers: Record<string, string>; body: string } {
  const requestId = randomUUID();
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  if (json) {
    return {
      status: error.status,
      headers: { ...headers, 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code },
      body: JSON.stringify({ __type: error.code, message: error.message }),
    };
  }
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { ...headers, 'content-type': 'text/xml' }, body };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
