export { newSecret, isWebhookSecret, webhookHeaders, type SignInput, type WebhookHeaders } from './signing.js';
export { blockedAddressReason, isAllowedHost, normalizeHost, type BlockReason } from './addresses.js';
export { checkWebhookUrl, describeBlocked, MAX_URL_LENGTH, type UrlCheck, type UrlCheckOptions } from './url-check.js';
export { sendWebhook, parseRetryAfter, guardedLookup, BlockedAddressError, MAX_RESPONSE_BYTES, USER_AGENT, type SendInput, type SendResult } from './send.js';
