import { isAxiosError } from 'axios';
import { errorCode, UpstreamError } from '../errors.ts';
import type { UpstreamService } from '../errors.ts';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * Turns an axios (or network) failure into an UpstreamError whose message holds only the service, a
 * status and an error code — never the request config, which carries API keys in its params.
 */
export function toUpstreamError(service: UpstreamService, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (isAxiosError(error)) {
    const status = error.response?.status;
    if (status !== undefined) {
      if (status === 401 || status === 403)
        return new UpstreamError(service, 'unauthorized', `HTTP ${status}`, status);
      if (status === 404) return new UpstreamError(service, 'not_found', `HTTP ${status}`, status);
      if (status === 408 || status === 504)
        return new UpstreamError(service, 'timeout', `HTTP ${status}`, status);
      return new UpstreamError(service, 'bad_response', `HTTP ${status}`, status);
    }
    const code = error.code ?? '';
    if (TIMEOUT_CODES.has(code)) return new UpstreamError(service, 'timeout', code);
    if (UNREACHABLE_CODES.has(code)) return new UpstreamError(service, 'unreachable', code);
    if (code === 'ERR_BAD_RESPONSE') return new UpstreamError(service, 'bad_response', code);
    return new UpstreamError(service, 'unreachable', code || 'network error');
  }
  const code = errorCode(error);
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code))
    return new UpstreamError(service, 'unreachable', code);
  return new UpstreamError(service, 'bad_response', error instanceof Error ? error.name : 'unknown failure');
}
